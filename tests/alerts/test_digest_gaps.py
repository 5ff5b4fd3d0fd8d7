"""The digest's check-in gaps: tactics nobody checked in on last week, once a team checks in."""

from __future__ import annotations

import datetime as dt

from outcomes.alerts.digest import checkin_gaps

WEDNESDAY = dt.date(2026, 12, 2)
LAST_MONDAY = dt.date(2026, 11, 23)


def test_tactics_without_last_weeks_check_in_are_gaps() -> None:
    checked = [("trade-show", LAST_MONDAY), ("newsletter", LAST_MONDAY - dt.timedelta(weeks=1))]
    gaps = checkin_gaps(["trade-show", "newsletter", "x-support"], checked, now=WEDNESDAY)
    assert gaps == [
        "newsletter: no check-in for the week of 23 Nov 2026",
        "x-support: no check-in for the week of 23 Nov 2026",
    ]


def test_this_weeks_check_in_does_not_fill_last_weeks_gap() -> None:
    this_monday = dt.date(2026, 11, 30)
    gaps = checkin_gaps(["trade-show"], [("trade-show", this_monday)], now=WEDNESDAY)
    assert gaps == ["trade-show: no check-in for the week of 23 Nov 2026"]


def test_a_team_that_does_not_check_in_hears_no_gaps() -> None:
    long_ago = LAST_MONDAY - dt.timedelta(weeks=20)
    assert checkin_gaps(["trade-show"], [], now=WEDNESDAY) is None
    assert checkin_gaps(["trade-show"], [("trade-show", long_ago)], now=WEDNESDAY) is None
