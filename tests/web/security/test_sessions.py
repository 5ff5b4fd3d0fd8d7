"""Sessions: fixation, sign-out and expiry on the server, cookie flags, and what a proxy is
believed about (https, the client's address, the signed-in user)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest

from outcomes.web import create_app
from outcomes.web.auth import PRESESSION_COOKIE, SESSION_COOKIE, AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, Served, serve
from tests.web.security.conftest import SSO_USER, anonymous
from tests.web.test_team import CSRF, HEADER, PASSWORD, Browser, Team

pytestmark = pytest.mark.slow

CLIENT = "203.0.113.7"
"""The address a proxy says the request came from (TEST-NET-3)."""


def cookies_set(response: httpx.Response) -> dict[str, dict[str, str]]:
    """Each cookie the response sets: its attributes by lower-case name, value under ''."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attributes = {key: str(value) for key, value in morsel.items() if value}
            found[name] = {"": morsel.value, **attributes}
    return found


def signed_in_cookie(
    browser: Browser, token_from: str = "/signin", **headers: str
) -> tuple[httpx.Response, dict[str, str]]:
    """Sign in as the viewer; the answer and the session cookie it sets."""
    form = {"csrf_token": browser.csrf(token_from), "name": "viewer", "password": PASSWORD}
    response = browser.http.post("/signin", data=form, headers=headers)
    assert response.status_code == 303, response.text[:300]
    return response, cookies_set(response)[SESSION_COOKIE]


def test_a_session_id_set_before_sign_in_is_not_the_one_after(team: Team) -> None:
    browser = anonymous(team)
    browser.http.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="127.0.0.1")
    _, first = signed_in_cookie(browser)
    assert first[""] != "planted-by-an-attacker"
    # Signing in again with a live session: a new one, and the old one is over on the server.
    response, second = signed_in_cookie(browser, token_from="/signout")  # the session's token
    assert second[""] != first[""]
    assert team.store.session(first[""]) is None and team.store.session(second[""]) is not None
    assert cookies_set(response)[PRESESSION_COOKIE]["max-age"] == "0"  # the form's cookie too


def test_sign_out_ends_the_session_on_the_server(team: Team) -> None:
    browser = team.sign_in("operator")
    token = browser.http.cookies.get(SESSION_COOKIE)
    assert token and team.store.session(token) is not None
    form = {"csrf_token": browser.csrf("/signout")}
    signed_out = browser.http.post("/signout", data=form)
    assert signed_out.status_code == 303
    assert cookies_set(signed_out)[SESSION_COOKIE]["max-age"] == "0"
    assert team.store.session(token) is None
    replay = team.client(cookies={SESSION_COOKIE: token})
    assert replay.get("/api/overview").status_code == 401
    assert replay.get("/goals").status_code == 303


def test_an_expired_session_is_refused(team: Team) -> None:
    user = team.store.user("strategist")
    assert user is not None
    expired, _ = team.store.start_session(user, hours=-0.001)
    assert team.store.session(expired) is None
    browser = team.client(cookies={SESSION_COOKIE: expired})
    assert browser.get("/api/overview").status_code == 401
    assert browser.get("/").headers["location"] == "/signin?next=%2F"


def test_cookies_are_httponly_samesite_lax_for_the_whole_site_and_not_secure_over_http(
    team: Team,
) -> None:
    browser = anonymous(team)
    form_page = browser.http.get("/signin")
    presession = cookies_set(form_page)[PRESESSION_COOKIE]
    _, session = signed_in_cookie(browser)
    for cookie in (presession, session):
        assert cookie["httponly"] and cookie["samesite"].lower() == "lax"
        assert cookie["path"] == "/" and "secure" not in cookie
    assert session["max-age"] == str(12 * 3600)


def test_behind_a_trusted_proxy_https_and_the_client_address_are_the_forwarded_ones(
    team: Team,
) -> None:
    # The client wrote an X-Forwarded-For of its own; the proxy (127.0.0.1) appended the
    # address it was reached from. Only the proxy's entry is believed.
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.0.0.66, {CLIENT}"}
    browser = Browser(team.client(headers=forwarded))
    form_page = browser.http.get("/signin")
    presession = cookies_set(form_page)[PRESESSION_COOKIE]
    assert presession["secure"]
    token = CSRF.search(form_page.text)
    assert token is not None
    # A Secure cookie is not sent back over plain http: the test hands it on itself.
    form = {"csrf_token": html.unescape(token.group(1)), "name": "viewer", "password": PASSWORD}
    cookie = {"Cookie": f"{PRESESSION_COOKIE}={presession['']}"}
    signed = browser.http.post("/signin", data=form, headers=cookie)
    assert signed.status_code == 303, signed.text[:300]
    session = cookies_set(signed)[SESSION_COOKIE]
    assert session["secure"]
    assert team.store.events(action="signin", limit=1)[0].ip == CLIENT


def test_single_sign_on_works_behind_a_proxy_that_forwards_the_client_address(
    team: Team,
) -> None:
    proxied = team.client(headers={HEADER: SSO_USER, "X-Forwarded-For": CLIENT})
    assert proxied.get("/api/overview").status_code == 200
    assert "sso <span" in proxied.get("/goals").text


@pytest.fixture
def distrustful(demo_workspace: Path, tmp_path: Path) -> Iterator[tuple[Served, Store]]:
    """The dashboard with sign-in where the proxy is elsewhere: 127.0.0.1 is not trusted."""
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    store.add_user("viewer", Role.VIEWER, PASSWORD, actor="cli:test")
    store.add_user("boss", Role.ADMIN, None, actor="cli:test")
    config = AuthConfig(store, trusted_header=HEADER, trusted_proxies=("10.9.9.9",))
    app = create_app(demo_workspace, options=OPTIONS, read_only=False, auth=config)
    try:
        with serve(app, lifespan="off") as running:
            yield running, store
    finally:
        store.close()


def test_forwarded_headers_from_an_untrusted_address_are_ignored(
    distrustful: tuple[Served, Store],
) -> None:
    running, store = distrustful
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": CLIENT, HEADER: "boss"}
    client = httpx.Client(base_url=running.base_url, headers=forwarded)
    with client:
        assert client.get("/api/overview").status_code == 401  # no one named by the header
        browser = Browser(client)
        assert "secure" not in cookies_set(browser.http.get("/signin"))[PRESESSION_COOKIE]
        _, session = signed_in_cookie(browser)
        assert "secure" not in session
    assert store.events(action="signin", limit=1)[0].ip == "127.0.0.1"
