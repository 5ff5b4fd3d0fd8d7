"""One signed-in dashboard for the security tests: the demo workspace, a SQLite store with a
user of each role, uvicorn on a loopback port (the `team` of tests/web/test_team.py, made
once for this package). Tests that change users make their own names, so they may run in
any order; none signs in with a wrong password more than the rate limit allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from outcomes.web import create_app
from outcomes.web.auth import AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, copy_workspace, serve
from tests.web.test_team import HEADER, PASSWORD, Browser, Team

TARGET: Final = "target"
"""The user the admin's routes act on in the matrix (its role changed, disabled, enabled)."""
SSO_USER: Final = "sso"
READY_TIMEOUT: Final = 240.0
PARAMETER: Final = re.compile(r"\{(\w+)(:\w+)?\}")


@pytest.fixture(scope="package")
def team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    workspace = copy_workspace(demo_workspace, tmp_path_factory.mktemp("security") / "ws")
    store = Store.open(f"sqlite:///{workspace / '.outcomes' / 'app.db'}")
    for role in Role:
        store.add_user(role.value, role, PASSWORD, actor="cli:test")
    store.add_user(TARGET, Role.VIEWER, PASSWORD, actor="cli:test")
    store.add_user(SSO_USER, Role.OPERATOR, None, actor="cli:test")
    app = create_app(
        workspace, options=OPTIONS, read_only=False, auth=AuthConfig(store, trusted_header=HEADER)
    )
    with serve(app) as running:
        # Longer than Served.wait_ready's minute: the machine may be busy with other suites.
        assert running.dashboard.state.wait_ready(READY_TIMEOUT), running.dashboard.state.status()
        yield Team(running, store, workspace)
    store.close()


@pytest.fixture(autouse=True)
def _close_browsers(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "team" in request.fixturenames:
        request.getfixturevalue("team").close_clients()


def anonymous(team: Team) -> Browser:
    return Browser(team.client())


def concrete(path: str, team: Team) -> tuple[str, bool]:
    """A URL for the route's path, and whether a parameter had to be guessed (404 is fine)."""
    snapshot = team.served.dashboard.state.snapshot()
    assert snapshot is not None
    plan = snapshot.briefing.plan
    known = {"goal_id": plan.goals[0].id, "tactic_id": plan.tactics[0].id, "name": TARGET}
    guessed = any(name not in known for name, _ in PARAMETER.findall(path))
    url = PARAMETER.sub(lambda m: known.get(m.group(1), "unknown"), path)
    return (url + "/dashboard.css" if path == "/static" else url), guessed
