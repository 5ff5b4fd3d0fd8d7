"""Authorization: every route of the app × anonymous and every role, as the routes declare.

The table is the app's own: `web.access.access_table(app.routes)` lists each route's
`@needs(...)`. These tests fail on a route that declares nothing, check that the few
public routes are the ones meant to be, and send every route a request as anonymous and
as each role, over real HTTP, with sign-in and read-only, checking each answer against
the declaration. A new route is covered the moment it is added.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import httpx
import pytest
from fastapi import FastAPI

from outcomes.web import create_app
from outcomes.web.access import ANYONE, RouteAccess, access_table, allows, needs
from outcomes.web.auth import AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, Served, serve
from tests.web.security.conftest import anonymous, concrete
from tests.web.test_team import PASSWORD, Browser, Team

pytestmark = pytest.mark.slow

PUBLIC: Final = {
    ("GET", "/signin"),
    ("POST", "/signin"),
    ("GET", "/favicon.ico"),
    ("GET", "/static"),
}
"""The routes a stranger may reach: making another one public means adding it here."""
OBJECT_CHECKED: Final = {
    ("GET", "/checkins/{tactic_id}"): "a viewer reads the check-ins of tactics they answer for",
    ("POST", "/plan/revisions/{number}/approve"): "only a goal's sponsor approves",
}
"""Routes whose own code also checks the thing asked for, past the role: an allowed role
may still get the route's 403 (never the access check's), tested in their own files."""
POLICY_403: Final = re.compile(r"this page needs the \w+ role|served read-only")
"""What the access check's 403 says (`web.auth`), unlike a route's own refusal."""
HOW_TO_DECLARE: Final = (
    "declare the least role each route needs: put @needs(Role.X) (or @needs(ANYONE) for a "
    "public page) from outcomes.web.access right under its @router decorator: "
)


def _missing(app: FastAPI) -> list[str]:
    return [f"{e.method} {e.path}" for e in access_table(app.routes) if e.needs is None]


def test_every_route_declares_the_role_it_needs(team: Team, served: Served) -> None:
    for app in (team.app, served.app):
        missing = _missing(app)
        assert not missing, HOW_TO_DECLARE + ", ".join(missing)


def test_only_the_sign_in_form_the_icon_and_static_files_are_public(team: Team) -> None:
    public = {(e.method, e.path) for e in access_table(team.app.routes) if e.needs == ANYONE}
    assert public == PUBLIC


def test_admin_pages_need_the_admin_role(team: Team) -> None:
    admin = [e for e in access_table(team.app.routes) if e.path.startswith("/admin")]
    assert len(admin) >= 6
    assert {e.needs for e in admin} == {Role.ADMIN}


def refused_by_policy(response: httpx.Response) -> bool:
    """Whether the access check (not the route's own code) turned the request away."""
    status = response.status_code
    if status == 401:
        return "sign in first" in response.text
    location = response.headers.get("location", "")
    return status == 403 or (status == 303 and location.startswith("/signin?next="))


def expected_refusal(entry: RouteAccess, role: Role | None, url: str) -> int:
    if role is not None:
        return 403
    return 303 if entry.method == "GET" and not url.startswith("/api/") else 401


def judge(
    entry: RouteAccess, role: Role | None, url: str, guessed: bool, response: httpx.Response
) -> str:
    """What is wrong with the answer (empty: nothing).

    An allowed read must succeed (or 404 for a guessed id); an allowed write may still
    refuse the matrix's placeholder fields (400, 422), never by the access check.
    """
    status, needed = response.status_code, entry.enforced
    if not allows(role, needed):
        wanted = expected_refusal(entry, role, url)
        if status != wanted or not refused_by_policy(response):
            return f"{status}, but it needs {needed} and should be refused {wanted}"
        return ""
    if status == 403 and (entry.method, entry.path) in OBJECT_CHECKED:
        return (
            f"{status} from the access check, though {needed} may"
            if (POLICY_403.search(response.text))
            else ""
        )
    if status >= 500 or refused_by_policy(response):
        return f"{status}, though {needed} may"
    if entry.method == "GET" and status >= 400 and not (guessed and status == 404):
        return f"{status} for a read {needed} may make"
    return ""


def form_for(entry: RouteAccess, label: str, token: str) -> dict[str, str] | None:
    """Fields every write route of the app can take (extra fields are ignored)."""
    if entry.method == "GET":
        return None
    # A wrong password for the sign-in form: signing in as the user the admin just added
    # would swap the browser's session halfway through the matrix.
    password = "not the password" if entry.path == "/signin" else PASSWORD
    return {"csrf_token": token, "name": f"made-by-{label}", "role": "viewer", "password": password}


def test_every_route_answers_each_role_and_anonymous_as_it_declares(team: Team) -> None:
    # Sign-out last: it ends the session the rest of the requests are made in.
    table = sorted(access_table(team.app.routes), key=lambda e: (e.path == "/signout", e.path))
    assert len(table) > 40
    wrong = []
    for role in (None, *Role):
        label = role.value if role else "anonymous"
        browser = team.sign_in(role.value) if role else anonymous(team)
        token = browser.csrf("/signout" if role else "/signin")
        for entry in table:
            url, guessed = concrete(entry.path, team)
            data = form_for(entry, label, token)
            response = browser.http.request(entry.method, url, data=data)
            problem = judge(entry, role, url, guessed, response)
            if problem:
                wrong.append(f"{label} {entry.method} {url}: {problem}")
    assert wrong == []


def test_the_read_only_dashboard_serves_viewer_reads_to_anyone_and_nothing_else(
    served: Served,
) -> None:
    wrong = []
    for entry in access_table(served.app.routes):
        url = re.sub(r"\{\w+\}", "unknown", entry.path)
        url = url + "/dashboard.css" if entry.path == "/static" else url
        response = served.client.request(entry.method, url)
        readable = entry.method == "GET" and allows(Role.VIEWER, entry.enforced)
        if readable and (response.status_code >= 500 or response.status_code in (401, 403)):
            wrong.append(f"{entry.method} {url}: {response.status_code}, a read anyone may make")
        if not readable and response.status_code != 403:
            wrong.append(f"{entry.method} {url}: {response.status_code}, should be refused 403")
    assert wrong == []
    assert served.client.get("/signin").status_code == 404  # nobody signs in


@needs(Role.OPERATOR)
def _declared_write() -> dict[str, bool]:
    return {"written": True}


@needs(Role.STRATEGIST)
def _strategists_page() -> dict[str, bool]:
    return {"shown": True}


def _undeclared() -> dict[str, bool]:
    return {"reached": True}


def _with_probes(app: FastAPI) -> FastAPI:
    """`app` with routes a later change might add: declared ones, and ones that forgot to."""
    app.add_api_route("/probe/write", _declared_write, methods=["POST"])
    app.add_api_route("/probe/strategists", _strategists_page, methods=["GET"])
    app.add_api_route("/probe/undeclared", _undeclared, methods=["GET", "POST"])
    app.add_api_route("/admin/probe", _undeclared, methods=["GET"])
    return app


def test_read_only_refuses_writes_even_from_a_route_that_forgot_to_declare(
    demo_workspace: Path,
) -> None:
    app = _with_probes(create_app(demo_workspace, options=OPTIONS))
    assert _missing(app) == ["GET /probe/undeclared", "POST /probe/undeclared", "GET /admin/probe"]
    with serve(app, lifespan="off") as running:
        http = running.client
        for method, path in [("POST", "/probe/write"), ("POST", "/probe/undeclared"),
                             ("GET", "/probe/strategists"), ("GET", "/admin/probe")]:  # fmt: skip
            refused = http.request(method, path)
            assert refused.status_code == 403, (method, path, refused.status_code)
            assert "read-only" in refused.text
        assert http.get("/probe/undeclared").json() == {"reached": True}
        assert http.post("/goals").status_code == 405  # no route: the app's own answer


def test_an_undeclared_route_needs_a_viewer_or_under_admin_an_admin(
    demo_workspace: Path, tmp_path: Path
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        for role in (Role.VIEWER, Role.OPERATOR, Role.ADMIN):
            store.add_user(role.value, role, PASSWORD, actor="cli:test")
        app = _with_probes(
            create_app(demo_workspace, options=OPTIONS, read_only=False, auth=AuthConfig(store))
        )
        with serve(app, lifespan="off") as running:
            assert running.client.get("/probe/undeclared").status_code == 303
            viewer = Browser(running.client)
            assert viewer.sign_in("viewer", PASSWORD).status_code == 303
            assert viewer.http.get("/probe/undeclared").status_code == 200
            assert viewer.http.get("/probe/strategists").status_code == 403
            assert viewer.http.post("/probe/write").status_code == 403
            assert viewer.http.get("/admin/probe").status_code == 403
            with httpx.Client(base_url=running.base_url) as other:
                operator = Browser(other)
                assert operator.sign_in("operator", PASSWORD).status_code == 303
                assert operator.http.post("/probe/write").json() == {"written": True}
    finally:
        store.close()
