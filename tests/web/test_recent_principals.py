"""Users the dashboard remembers between session look-ups (`web.auth.RecentPrincipals`)."""

from __future__ import annotations

import time

from outcomes.web.auth import Principal, RecentPrincipals
from outcomes.web.store import Role

ADA = Principal("ada", Role.VIEWER, "csrf", "session")
COOKIE = ("token", "")


def test_a_user_is_remembered_for_its_seconds_and_no_longer() -> None:
    recent = RecentPrincipals(seconds=0.05)
    recent.keep(COOKIE, ADA, lasts=3600, generation=recent.generation)
    assert recent.get(COOKIE) == ADA
    assert recent.get(("other", "")) is None
    time.sleep(0.06)
    assert recent.get(COOKIE) is None


def test_never_past_the_end_of_its_session() -> None:
    recent = RecentPrincipals(seconds=60)
    recent.keep(COOKIE, ADA, lasts=0.0, generation=recent.generation)
    assert recent.get(COOKIE) is None


def test_a_look_up_begun_before_a_change_is_not_remembered() -> None:
    recent = RecentPrincipals()
    begun = recent.generation
    recent.keep(COOKIE, ADA, lasts=3600, generation=begun)
    recent.forget_all()  # a sign-out, say, while another request was looking ada up
    assert recent.get(COOKIE) is None
    recent.keep(COOKIE, ADA, lasts=3600, generation=begun)
    assert recent.get(COOKIE) is None


def test_beyond_the_limit_all_are_forgotten() -> None:
    recent = RecentPrincipals(limit=2)
    for token in ("a", "b", "c"):
        recent.keep((token, ""), ADA, lasts=3600, generation=recent.generation)
    assert recent.get(("a", "")) is None and recent.get(("c", "")) == ADA
