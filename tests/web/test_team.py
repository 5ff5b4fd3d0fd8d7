"""The dashboard with sign-in, over real HTTP (uvicorn) on the demo workspace and a SQLite store.

Authorization over every route × every role and anonymous; CSRF; session fixation,
expiry and sign-out; the sign-in rate limit; the trusted proxy header; script injection
through the sign-in and user forms; and the read-only dashboard staying as it was.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from outcomes.web import account, api, checkins, create_app, pages, plan_edit, plan_revisions
from outcomes.web.auth import RECHECK_SECONDS, SESSION_COOKIE, AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, READY_TIMEOUT, Served, copy_workspace, serve

PASSWORD = "a long enough password"
ROLES = ("viewer", "operator", "strategist", "admin")
HEADER = "X-Forwarded-User"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = pytest.mark.slow


@dataclass
class Team:
    served: Served
    store: Store
    workspace: Path
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def app(self) -> FastAPI:
        return self.served.app

    def client(self, **options: Any) -> httpx.Client:
        """A new browser; closed when the test ends."""
        made = httpx.Client(base_url=self.served.base_url, timeout=30, **options)
        self.clients.append(made)
        return made

    def close_clients(self) -> None:
        while self.clients:
            self.clients.pop().close()

    def sign_in(
        self, name: str, password: str = PASSWORD, client: httpx.Client | None = None
    ) -> Browser:
        browser = Browser(client or self.client())
        response = browser.sign_in(name, password)
        assert response.status_code == 303, (response.status_code, response.text[:300])
        return browser


@dataclass
class Browser:
    """A client keeping its cookies, as a browser does."""

    http: httpx.Client

    def csrf(self, path: str) -> str:
        page = self.http.get(path)
        assert page.status_code == 200, (path, page.status_code)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path}"
        return html.unescape(found.group(1))

    def sign_in(self, name: str, password: str, next_: str = "/") -> httpx.Response:
        token = self.csrf("/signin")
        form = {"csrf_token": token, "name": name, "password": password, "next": next_}
        return self.http.post("/signin", data=form)

    def post(
        self, path: str, data: dict[str, str], token_from: str = "/admin/users"
    ) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf(token_from), **data})


@contextmanager
def serve_team(
    demo: Path,
    folder: Path,
    users: Iterable[tuple[str, Role]],
    *,
    proxy_only: Iterable[tuple[str, Role]] = (),
    trusted_header: str | None = None,
) -> Iterator[Team]:
    """The dashboard of a copy of the `demo` workspace made in `folder`, with sign-in,
    served over real HTTP once it has measured.

    `users` sign in with `PASSWORD`; `proxy_only` users only through `trusted_header`.
    """
    workspace = copy_workspace(demo, folder / "ws")
    store = Store.open(f"sqlite:///{workspace / '.outcomes' / 'app.db'}")
    for name, role in users:
        store.add_user(name, role, PASSWORD, actor="cli:test")
    for name, role in proxy_only:
        store.add_user(name, role, None, actor="cli:test")
    auth = AuthConfig(store, trusted_header=trusted_header)
    app = create_app(workspace, options=OPTIONS, read_only=False, auth=auth)
    try:
        with serve(app) as running:
            assert running.dashboard.state.wait_ready(READY_TIMEOUT), (
                running.dashboard.state.status()
            )
            yield Team(running, store, workspace)
    finally:
        store.close()


@pytest.fixture(scope="module")
def team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    users = [*((role, Role(role)) for role in ROLES), ("spare", Role.VIEWER)]
    folder = tmp_path_factory.mktemp("team")
    with serve_team(
        demo_workspace, folder, users, proxy_only=[("sso", Role.STRATEGIST)], trusted_header=HEADER
    ) as team:
        yield team


def every_route() -> set[tuple[str, str]]:
    """(method, path) of every route the app with sign-in serves."""
    found = {("GET", "/api/openapi.json"), ("GET", "/static/dashboard.css")}
    for router in (
        api.router,
        pages.router,
        account.router,
        checkins.router,
        plan_edit.router,
        plan_revisions.router,
    ):
        for route in router.routes:
            for method in getattr(route, "methods", set()) - {"HEAD"}:
                found.add((method, route.path))
    return found


def concrete(path: str, team: Team) -> str:
    snapshot = team.served.dashboard.state.snapshot()
    assert snapshot is not None
    plan = snapshot.briefing.plan
    return (
        path.replace("{goal_id}", plan.goals[0].id)
        .replace("{tactic_id}", plan.tactics[0].id)
        .replace("{name}", "spare")
        .replace("{section}", "tactics")
        .replace("{element_id}", plan.tactics[0].id)
        .replace("{number}", "1")
    )


def expected(method: str, path: str, role: str | None) -> int:
    """The status each role gets: the policy of web.auth, written out independently."""
    if path == "/favicon.ico":
        return 204
    if path.startswith("/static/"):
        return 200
    if path == "/signin":
        if method == "POST":
            return 401  # the token is right; the empty name and password are not
        return 200 if role is None else 303
    if role is None:
        return 401 if method == "POST" or path.startswith("/api/") else 303
    if path.startswith("/plan/edit"):
        if role not in ("strategist", "admin"):
            return 403
        return 409 if method == "POST" else 200  # the form names no base revision: outdated
    if path.endswith("/approve"):
        return 403  # none of these users sponsors a goal
    if path.startswith("/admin"):
        if role != "admin":
            return 403
        return 303 if method == "POST" else 200
    if path == "/signout":
        return 303 if method == "POST" else 200
    if path.startswith("/checkins"):
        return _checkins_expected(method, path, role)
    return 200


def _checkins_expected(method: str, path: str, role: str) -> int:
    """Operators and up record check-ins and see every tactic's; a viewer (accountable for
    no tactic here) sees the overview only. The matrix's form names no tactic: 400."""
    operator = role != "viewer"
    if method == "POST":
        return 400 if operator else 403
    if path == "/checkins/{tactic_id}":
        return 200 if operator else 403
    return 200


def test_every_route_answers_each_role_and_anonymous_as_the_policy_says(team: Team) -> None:
    routes = sorted(every_route(), key=lambda r: (r[1] == "/signout", r))  # sign out last
    assert len(routes) > 40
    assert ("POST", "/admin/users/{name}/role") in routes
    wrong = []
    for role in (None, *ROLES):
        browser = team.sign_in(role) if role else Browser(team.client())
        token = browser.csrf("/signout" if role else "/signin")
        for method, path in routes:
            url = concrete(path, team)
            form = {"csrf_token": token, "role": "viewer"}
            if path == "/admin/users":
                form |= {"name": f"new-{role}", "password": PASSWORD}
            response = browser.http.request(method, url, data=form if method == "POST" else None)
            if response.status_code != expected(method, path, role):
                wrong.append((role, method, url, response.status_code))
    assert wrong == []


def test_anonymous_pages_go_to_sign_in_and_come_back(team: Team) -> None:
    browser = Browser(team.client())
    response = browser.http.get("/tactics?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Ftactics%3Fx%3D1"
    assert browser.http.get("/api/overview").json()["detail"].startswith("sign in first")
    signed = browser.sign_in("viewer", PASSWORD, next_="/tactics?x=1")
    assert signed.headers["location"] == "/tactics?x=1"
    page = browser.http.get("/tactics")
    assert page.status_code == 200 and 'data-testid="signed-in-as"' in page.text
    assert "Users</a>" not in page.text  # the admin's links are the admin's


def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(team: Team) -> None:
    browser = Browser(team.client())
    signed = browser.sign_in("viewer", PASSWORD)
    assert signed.status_code == 303, signed.text
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    attributes = cookie.lower()
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "max-age=43200" in attributes and "secure" not in attributes
    # uvicorn believes X-Forwarded-Proto from 127.0.0.1, as from a reverse proxy there;
    # the client speaks plain http here, so it is handed the Secure cookies by hand.
    proxied = team.client(headers={"X-Forwarded-Proto": "https"})
    form_page = proxied.get("/signin")
    presession = form_page.headers["set-cookie"]
    assert "; secure" in presession.lower()
    value = presession.split(";")[0]
    token = CSRF.search(form_page.text)
    assert token is not None
    secure = proxied.post(
        "/signin",
        data={"csrf_token": html.unescape(token.group(1)), "name": "viewer", "password": PASSWORD},
        headers={"Cookie": value},
    )
    assert secure.status_code == 303
    assert "; secure" in secure.headers["set-cookie"].lower()


def test_signing_in_starts_a_new_session_whatever_the_browser_brought(team: Team) -> None:
    # An attacker's chosen id, planted in the victim's browser before sign-in.
    victim = Browser(team.client())
    victim.http.cookies.set(SESSION_COOKIE, "attacker-chosen-value", domain="127.0.0.1")
    victim.sign_in("admin", PASSWORD)
    issued = victim.http.cookies.get(SESSION_COOKIE, domain="127.0.0.1")
    assert issued and issued != "attacker-chosen-value"
    attacker = team.client()
    attacker.cookies.set(SESSION_COOKIE, "attacker-chosen-value")
    assert attacker.get("/api/overview").status_code == 401
    # A real session the browser had ends at the next sign-in, replaced by another.
    form = {"csrf_token": victim.csrf("/signout"), "name": "admin", "password": PASSWORD}
    assert victim.http.post("/signin", data=form).status_code == 303
    again = victim.http.cookies.get(SESSION_COOKIE, domain="127.0.0.1")
    assert again and again != issued
    stale = team.client()
    stale.cookies.set(SESSION_COOKIE, issued)
    assert stale.get("/api/overview").status_code == 401


def test_sign_out_and_expiry_end_the_session(team: Team) -> None:
    browser = team.sign_in("operator")
    token = browser.http.cookies.get(SESSION_COOKIE)
    assert browser.post("/signout", {}, token_from="/signout").status_code == 303
    replay = team.client()
    replay.cookies.set(SESSION_COOKIE, token or "")
    assert replay.get("/api/overview").status_code == 401
    assert team.store.events(action="signout", limit=1)[0].subject == "operator"
    user = team.store.user("operator")
    assert user is not None
    expired, _ = team.store.start_session(user, hours=-0.01)
    replay.cookies.set(SESSION_COOKIE, expired)
    assert replay.get("/").status_code == 303


def test_a_form_without_its_csrf_token_is_refused(team: Team) -> None:
    admin = team.sign_in("admin")
    other = team.sign_in("admin")
    cases = {
        "no token": {},
        "a wrong token": {"csrf_token": "x" * 43},
        "another session's token": {"csrf_token": other.csrf("/admin/users")},
    }
    for case, token in cases.items():
        form = {"name": "mallory", "role": "admin", "password": PASSWORD, **token}
        response = admin.http.post("/admin/users", data=form)
        assert response.status_code == 403, case
        assert "CSRF" in response.text
    from_elsewhere = admin.http.post(
        "/admin/users",
        data={"name": "mallory", "role": "admin", "password": PASSWORD,
              "csrf_token": admin.csrf("/admin/users")},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert from_elsewhere.status_code == 403
    assert team.store.user("mallory") is None
    # Sign-in too: its token is bound to the browser's pre-session cookie.
    fresh = team.client()
    refused = fresh.post("/signin", data={"name": "admin", "password": PASSWORD, "csrf_token": "x"})
    assert refused.status_code == 403 and SESSION_COOKIE not in fresh.cookies


def test_sign_in_is_rate_limited_per_name(team: Team) -> None:
    browser = Browser(team.client())
    for _ in range(5):
        assert browser.sign_in("spare", "not the password").status_code == 401
    throttled = browser.sign_in("spare", PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) == 900
    assert "Too many failed sign-ins" in throttled.text
    assert team.store.events(action="signin.throttled", limit=1)[0].subject == "spare"
    assert team.sign_in("viewer").http.get("/api/overview").status_code == 200  # others still can


def test_a_trusted_proxy_header_signs_in_known_users_only(team: Team) -> None:
    proxied = team.client()
    assert proxied.get("/api/overview", headers={HEADER: "sso"}).status_code == 200
    assert proxied.get("/admin/users", headers={HEADER: "sso"}).status_code == 403
    assert proxied.get("/api/overview", headers={HEADER: "stranger"}).status_code == 401
    failure = team.store.events(action="signin.failed", limit=1)[0]
    assert (failure.subject, failure.detail["method"]) == ("stranger", "proxy")
    # From an address that is not the proxy's the header is ignored.
    elsewhere = AuthConfig(team.store, trusted_header=HEADER, trusted_proxies=("10.9.9.9",))
    app = create_app(team.workspace, options=OPTIONS, read_only=False, auth=elsewhere)
    with serve(app, lifespan="off") as direct:
        assert direct.client.get("/api/overview", headers={HEADER: "admin"}).status_code == 401


def test_script_in_the_sign_in_and_user_forms_is_shown_as_text(team: Team) -> None:
    attack = '<script>alert("x")</script>'
    browser = Browser(team.client())
    refused = browser.sign_in(attack, "whatever password")
    assert refused.status_code == 401
    assert attack not in refused.text and "&lt;script&gt;alert(" in refused.text
    page = browser.http.get("/signin", params={"next": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.text
    for elsewhere in ("//evil.example/x", "/\t/evil.example", "https://evil.example", "/\\evil"):
        fresh = Browser(team.client())
        assert fresh.sign_in("viewer", PASSWORD, next_=elsewhere).headers["location"] == "/"

    admin = team.sign_in("admin")
    tag = '<img src=x onerror="alert(1)">'
    added = admin.post("/admin/users", {"name": tag, "role": "viewer", "password": PASSWORD})
    assert added.status_code == 400 and "is not a user name" in added.text
    assert tag not in added.text and "&lt;img src=x onerror=" in added.text
    role = admin.post("/admin/users/spare/role", {"role": attack})
    assert role.status_code == 400 and attack not in role.text
    audit = admin.http.get("/admin/audit")
    assert audit.status_code == 200 and "&lt;script&gt;alert(" in audit.text
    assert attack not in audit.text


def test_a_session_ended_outside_the_dashboard_is_refused_within_the_recheck(team: Team) -> None:
    """The dashboard remembers who a cookie is for a moment; a session ended by another
    process (as `outcomes user disable` ends them) stops working within that moment."""
    user = team.store.user("viewer")
    assert user is not None
    token, _ = team.store.start_session(user, hours=1)
    browser = team.client()
    browser.cookies.set(SESSION_COOKIE, token)
    assert browser.get("/api/overview").status_code == 200
    team.store.end_session(token, logged=False)
    time.sleep(RECHECK_SECONDS + 0.1)
    assert browser.get("/api/overview").status_code == 401


def test_admins_manage_users_through_the_pages_and_it_is_in_the_audit_log(team: Team) -> None:
    admin = team.sign_in("admin")
    added = admin.post("/admin/users", {"name": "newbie", "role": "operator", "password": PASSWORD})
    assert added.status_code == 303 and added.headers["location"] == "/admin/users"
    newbie = team.sign_in("newbie")
    assert newbie.http.get("/api/overview").status_code == 200
    assert admin.post("/admin/users/newbie/role", {"role": "strategist"}).status_code == 303
    assert admin.post("/admin/users/newbie/disable", {}).status_code == 303
    assert newbie.http.get("/api/overview").status_code == 401  # signed out everywhere
    listed = admin.http.get("/admin/users").text
    assert 'data-testid="user-newbie"' in listed and "Enable</button>" in listed
    events = [(e.actor, e.action, e.subject) for e in team.store.events(limit=4)]
    assert events[0] == ("admin", "user.disable", "newbie")
    assert ("admin", "user.role", "newbie") in events
    assert team.store.events(action="user.add", limit=1)[0].ip == "127.0.0.1"
    last_admin = admin.post("/admin/users/admin/role", {"role": "viewer"})
    assert last_admin.status_code == 400 and "last enabled admin" in last_admin.text
    audit = admin.http.get("/admin/audit", params={"action": "user.role"}).text
    assert "user.role" in audit and "strategist" in audit


def test_each_user_sees_their_own_name_on_kept_pages(team: Team) -> None:
    viewer, admin = team.sign_in("viewer"), team.sign_in("admin")
    for _ in range(2):  # the second time from the page cache
        assert "viewer <span" in viewer.http.get("/goals").text
        assert "admin <span" in admin.http.get("/goals").text
    assert "no-store" in admin.http.get("/admin/users").headers["cache-control"]


def test_the_read_only_dashboard_has_no_sign_in(demo_workspace: Path) -> None:
    with serve(create_app(demo_workspace, options=OPTIONS), lifespan="off") as running:
        assert running.get("/signin").status_code == 404
        assert running.get("/admin/users").status_code == 404
        assert running.client.post("/signin").status_code in (404, 405)
        assert running.get("/favicon.ico").status_code == 204
        assert SESSION_COOKIE not in running.client.cookies


def test_the_sign_in_page_says_how_to_make_the_first_admin(
    demo_workspace: Path, tmp_path: Path
) -> None:
    empty = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        app = create_app(demo_workspace, options=OPTIONS, read_only=False, auth=AuthConfig(empty))
        with serve(app, lifespan="off") as running:
            page = running.get("/signin")
            assert page.status_code == 200
            assert "outcomes user add NAME --role admin" in page.text
    finally:
        empty.close()


def test_sign_in_is_rate_limited_per_address(demo_workspace: Path, tmp_path: Path) -> None:
    own = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    own.add_user("ada", Role.VIEWER, PASSWORD, actor="cli:test")
    try:
        app = create_app(demo_workspace, options=OPTIONS, read_only=False, auth=AuthConfig(own))
        with serve(app, lifespan="off") as running:
            browser = Browser(running.client)
            for attempt in range(20):  # a different name each time: the per-name limit stays
                assert browser.sign_in(f"guess{attempt}", "not a password").status_code == 401
            assert browser.sign_in("ada", PASSWORD).status_code == 429
    finally:
        own.close()


def test_every_form_that_posts_carries_the_csrf_token(team: Team) -> None:
    anonymous, admin = Browser(team.client()), team.sign_in("admin")
    pages = [(anonymous, "/signin"), (admin, "/signout"), (admin, "/admin/users")]
    forms = 0
    for browser, path in pages:
        text = browser.http.get(path).text
        token = browser.csrf(path)
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", text, re.DOTALL):
            forms += 1
            assert f'name="csrf_token" value="{html.escape(token)}"' in form, (path, form[:200])
    users = len(team.store.users())
    assert forms == 2 + 2 * users + 1  # sign in, sign out, role and status per user, add
