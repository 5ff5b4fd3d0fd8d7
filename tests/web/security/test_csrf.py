"""CSRF: every route that changes state refuses a request without its session's token.

The write routes are read from the app (`access_table`: every method but GET), so a new
form is covered when it is added. Each is sent by a signed-in admin (every role may reach
it, so only the token can stop it) with no token, a wrong one, another session's, the
sign-in form's, the right one from another site's page, and as JSON; every one is refused
and nothing reaches the audit log, which every change of the app writes to.
"""

from __future__ import annotations

from typing import Final

import pytest

from outcomes.web.access import SAFE_METHODS, RouteAccess, access_table
from outcomes.web.auth import PRESESSION_COOKIE, SESSION_COOKIE
from tests.web.security.conftest import anonymous, concrete
from tests.web.test_team import PASSWORD, Team

pytestmark = pytest.mark.slow

FIELDS: Final = {"name": "mallory", "role": "admin", "password": PASSWORD}
"""What an attacker's form would post: a new admin, a role, a sign-in."""


def writes(team: Team) -> list[RouteAccess]:
    found = [e for e in access_table(team.app.routes) if e.method not in SAFE_METHODS]
    assert len(found) >= 6  # sign in and out, and the admin's four user forms at least
    return found


def audit_size(team: Team) -> int:
    return len(team.store.events(limit=1_000_000))


def test_every_write_refuses_a_missing_wrong_or_borrowed_token(team: Team) -> None:
    admin, other = team.sign_in("admin"), team.sign_in("admin")
    stranger = anonymous(team)
    tokens = {
        "no token": None,
        "a wrong token": "x" * 43,
        "another session's token": other.csrf("/signout"),
        "a sign-in form's token": stranger.csrf("/signin"),
    }
    before, wrong = audit_size(team), []
    for entry in writes(team):
        url, _ = concrete(entry.path, team)
        for case, token in tokens.items():
            data = FIELDS if token is None else {**FIELDS, "csrf_token": token}
            response = admin.http.request(entry.method, url, data=data)
            if response.status_code != 403 or "CSRF" not in response.text:
                wrong.append(f"{entry.method} {url} with {case}: {response.status_code}")
    assert wrong == []
    assert audit_size(team) == before and team.store.user("mallory") is None
    assert admin.http.get("/api/overview").status_code == 200  # still signed in


def test_every_write_refuses_the_right_token_from_another_sites_page(team: Team) -> None:
    admin = team.sign_in("admin")
    token = admin.csrf("/signout")
    before, wrong = audit_size(team), []
    for entry in writes(team):
        url, _ = concrete(entry.path, team)
        response = admin.http.request(
            entry.method, url, data={**FIELDS, "csrf_token": token},
            headers={"Origin": "https://evil.example"},
        )  # fmt: skip
        if response.status_code != 403:
            wrong.append(f"{entry.method} {url}: {response.status_code}")
    assert wrong == [] and audit_size(team) == before


def test_every_write_refuses_a_json_body(team: Team) -> None:
    """A form is the only body a write takes: JSON would skip the form's token."""
    admin = team.sign_in("admin")
    token = admin.csrf("/signout")
    before, wrong = audit_size(team), []
    for entry in writes(team):
        url, _ = concrete(entry.path, team)
        response = admin.http.request(entry.method, url, json={**FIELDS, "csrf_token": token})
        if response.status_code not in (403, 415):
            wrong.append(f"{entry.method} {url}: {response.status_code}")
    assert wrong == [] and audit_size(team) == before


def test_the_sign_in_form_needs_the_token_of_its_own_browser(team: Team) -> None:
    victim, attacker = anonymous(team), anonymous(team)
    attackers_token = attacker.csrf("/signin")
    victim.csrf("/signin")  # the victim's browser has its own pre-session cookie
    assert PRESESSION_COOKIE in victim.http.cookies
    form = {"csrf_token": attackers_token, "name": "viewer", "password": PASSWORD}
    refused = victim.http.post("/signin", data=form)
    assert refused.status_code == 403 and SESSION_COOKIE not in victim.http.cookies
    # Without any pre-session cookie no token is right (login CSRF from a fresh browser).
    fresh = anonymous(team)
    assert fresh.http.post("/signin", data=form).status_code == 403
