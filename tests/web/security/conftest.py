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

from outcomes.web.store import Role
from tests.web.test_team import HEADER, Browser, Team, serve_team

TARGET: Final = "target"
"""The user the admin's routes act on in the matrix (its role changed, disabled, enabled)."""
SSO_USER: Final = "sso"
PARAMETER: Final = re.compile(r"\{(\w+)(:\w+)?\}")


@pytest.fixture(scope="package")
def team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    users = [*((role.value, role) for role in Role), (TARGET, Role.VIEWER)]
    folder = tmp_path_factory.mktemp("security")
    with serve_team(
        demo_workspace, folder, users, proxy_only=[(SSO_USER, Role.OPERATOR)], trusted_header=HEADER
    ) as team:
        yield team


def anonymous(team: Team) -> Browser:
    return Browser(team.client())


def concrete(path: str, team: Team) -> tuple[str, bool]:
    """A URL for the route's path, and whether a parameter had to be guessed (404 is fine)."""
    snapshot = team.served.dashboard.state.snapshot()
    assert snapshot is not None
    plan = snapshot.briefing.plan
    known = {
        "goal_id": plan.goals[0].id,
        "tactic_id": plan.tactics[0].id,
        "name": TARGET,
        "section": "tactics",
        "element_id": plan.tactics[0].id,
    }
    # Well-formed but perhaps absent (a plan revision's number): 404 is a fair answer.
    plausible = {"number": "1"}
    guessed = any(name not in known for name, _ in PARAMETER.findall(path))
    url = PARAMETER.sub(
        lambda m: known.get(m.group(1)) or plausible.get(m.group(1), "unknown"), path
    )
    return (url + "/dashboard.css" if path == "/static" else url), guessed
