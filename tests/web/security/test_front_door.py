"""The front door (`web.front`): kept pages sent before the app runs, to whom the app
would send them and no one else, with the same headers, and never stale.

Each test asks over real HTTP and also asks the app's own front door what it would send
for the same request, so that a check the front door skipped shows up either way.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from outcomes.web.access import access_table
from outcomes.web.auth import SESSION_COOKIE
from outcomes.web.front import DashboardApp, FrontDoor
from outcomes.web.page_cache import Kept
from outcomes.web.security import SECURITY_HEADERS
from outcomes.web.store import Role
from tests.web.conftest import Served, serve_copy
from tests.web.test_team import Browser, Team

pytestmark = pytest.mark.slow


def front_of(served: Served) -> FrontDoor:
    app = served.app
    assert isinstance(app, DashboardApp) and app.front is not None
    return app.front


def scope(
    path: str, *, host: str = "127.0.0.1", cookie: str = "", method: str = "GET"
) -> dict[str, Any]:
    """A request as uvicorn hands it to the app, from loopback."""
    headers = [(b"host", host.encode()), (b"accept-encoding", b"gzip")]
    if cookie:
        headers.append((b"cookie", f"{SESSION_COOKIE}={cookie}".encode()))
    return {
        "type": "http", "method": method, "path": path, "query_string": b"",
        "headers": headers, "client": ("127.0.0.1", 50000), "scheme": "http",
    }  # fmt: skip


def unzipped(kept: Kept | None) -> bytes:
    assert kept is not None
    return gzip.decompress(kept.gzipped) if kept.gzip_start is not None else kept.body


def test_a_kept_page_is_sent_by_the_front_door_with_the_security_headers(served: Served) -> None:
    first = served.get("/goals")
    again = served.get("/goals")
    kept = front_of(served).kept_answer(scope("/goals"))
    assert unzipped(kept) == first.content == again.content
    unchanged = served.client.get("/goals", headers={"If-None-Match": again.headers["etag"]})
    assert unchanged.status_code == 304
    for answer in (again, unchanged):
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value


def test_an_unknown_host_is_refused_even_for_a_kept_page(served: Served) -> None:
    served.get("/goals")
    served.get("/goals")
    front = front_of(served)
    assert front.kept_answer(scope("/goals", host="evil.example")) is None
    for host in ("evil.example", "localhost.evil.example", "", "127.0.0.1"):
        answer = served.client.get("/goals", headers={"Host": host})
        assert answer.status_code == (200 if host == "127.0.0.1" else 400), host
        assert (
            answer.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        )


def test_only_gets_are_answered_by_the_front_door(served: Served) -> None:
    served.get("/goals")
    served.get("/goals")
    front = front_of(served)
    assert front.kept_answer(scope("/goals")) is not None
    for method in ("POST", "HEAD", "PUT"):
        assert front.kept_answer(scope("/goals", method=method)) is None
    refused = served.client.post("/goals")
    assert refused.status_code in (403, 405) and "etag" not in refused.headers


def session_of(browser: Browser) -> str:
    token = browser.http.cookies.get(SESSION_COOKIE)
    assert token
    return token


def test_a_stranger_never_gets_a_signed_in_users_kept_page(team: Team) -> None:
    viewer = team.sign_in(Role.VIEWER.value)
    for _ in range(2):
        assert viewer.http.get("/goals").status_code == 200
        assert viewer.http.get("/api/goals").status_code == 200
    front = front_of(team.served)
    assert (
        "viewer <span"
        in unzipped(front.kept_answer(scope("/goals", cookie=session_of(viewer)))).decode()
    )
    for path in ("/goals", "/api/goals"):
        assert front.kept_answer(scope(path)) is None
        assert front.kept_answer(scope(path, cookie="not-a-session")) is None
    stranger = team.client(follow_redirects=False)
    assert stranger.get("/goals").status_code == 303
    assert stranger.get("/api/goals").status_code == 401
    stranger.cookies.set(SESSION_COOKIE, "not-a-session")
    assert stranger.get("/goals").status_code == 303


def test_a_user_never_gets_a_kept_page_their_role_does_not_allow(team: Team) -> None:
    viewer = team.sign_in(Role.VIEWER.value)
    assert viewer.http.get("/goals").status_code == 200  # remembered by the dashboard now
    front = front_of(team.served)
    above = [
        e.path for e in access_table(team.app.routes)
        if e.method == "GET" and isinstance(e.needs, Role) and e.needs != Role.VIEWER
        and "{" not in e.path
    ]  # fmt: skip
    assert above, "no GET route needs more than a viewer"
    for path in above:
        assert front.gate.cleared(scope(path, cookie=session_of(viewer))) is None, path
        assert viewer.http.get(path).status_code == 403, path


def test_a_signed_out_session_gets_no_kept_page(team: Team) -> None:
    viewer = team.sign_in(Role.VIEWER.value)
    token = session_of(viewer)
    for _ in range(2):
        assert viewer.http.get("/goals").status_code == 200
    assert front_of(team.served).kept_answer(scope("/goals", cookie=token)) is not None
    signed_out = viewer.post("/signout", {}, token_from="/signout")
    assert signed_out.status_code == 303
    viewer.http.cookies.set(SESSION_COOKIE, token)  # the old cookie, sent again
    refused = viewer.http.get("/goals", follow_redirects=False)
    assert refused.status_code == 303 and "/signin" in refused.headers["location"]
    assert viewer.http.get("/api/goals").status_code == 401
    # Asked after those answers: the app's thread has forgotten the user by now.
    assert front_of(team.served).kept_answer(scope("/goals", cookie=token)) is None


@pytest.fixture(scope="module")
def editable(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve_copy(demo_workspace, tmp_path_factory.mktemp("front")) as running:
        yield running


def test_a_plan_edit_is_seen_on_pages_the_front_door_kept(editable: Served) -> None:
    before = editable.json("/api/status")["fingerprint"]
    goal = editable.json("/api/goals")["goals"][0]["id"]
    for _ in range(2):
        editable.get("/goals")
        editable.get(f"/api/goals/{goal}")
    assert front_of(editable).kept_answer(scope("/goals")) is not None
    plan_file = editable.dashboard.state.plan_file
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan["goals"][0]["title"] = "A title the front door has not kept"
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")
    editable.wait_for(
        lambda s: (
            s["fingerprint"] not in (None, before)
            and s["fingerprint"] == s["workspace_fingerprint"]
            and not s["refreshing"]
        )
    )
    assert "A title the front door has not kept" in editable.get("/goals").text
    title = editable.json(f"/api/goals/{goal}")["goal"]["title"]
    assert title == "A title the front door has not kept"
