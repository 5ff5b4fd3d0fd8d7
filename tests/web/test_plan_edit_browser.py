"""In a real Chromium (no script on the pages): a strategist edits a tactic, sees a lint
finding beside its field, fixes it and saves; the goal's sponsor approves the revision;
an operator checks in on the trade show; the dashboard shows all three (#16 point 9)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outcomes.web import create_app
from outcomes.web.auth import AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, Served, copy_workspace, serve

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def served_team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workspace = copy_workspace(demo_workspace, tmp_path_factory.mktemp("edit-browser") / "ws")
    store = Store.open(f"sqlite:///{workspace / '.outcomes' / 'app.db'}")
    store.add_user("strat", Role.STRATEGIST, PASSWORD, actor="cli:test")
    store.add_user("sam", Role.VIEWER, PASSWORD, actor="cli:test")  # sponsor of bigger-orders
    store.add_user("cy", Role.OPERATOR, PASSWORD, actor="cli:test")  # operates trade-show
    app = create_app(workspace, options=OPTIONS, read_only=False, auth=AuthConfig(store))
    with serve(app) as running:
        # Longer than conftest's wait: the first measurement shares the CPUs with other suites.
        assert running.dashboard.state.wait_ready(300), running.dashboard.state.status()
        yield running
    store.close()


def _signed_in(browser: Any, served: Served, name: str) -> Any:
    context = browser.new_context(base_url=served.base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/signin")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{served.base_url}/")
    return page


def test_a_strategist_edits_the_sponsor_approves_an_operator_checks_in(
    browser: Any, served_team: Served
) -> None:
    page = _signed_in(browser, served_team, "strat")
    page.click("text=Edit plan")
    page.click('[data-testid="edit-tactics"] >> text=li-rep-insights')
    page.fill("#f-accountable", "sam, dana")
    page.fill("#f-message", "Share the accountability")
    page.click('[data-testid="save"]')
    note = page.locator('[data-testid="note-accountable"]')
    assert "accountable-not-one" in note.inner_text()
    assert page.locator('[data-testid="save-anyway"]').is_visible()
    page.fill("#f-accountable", "sam")
    page.fill("#f-title", "Each account executive shares one insight a week")
    page.click('[data-testid="save"]')
    page.wait_for_url(re.compile(r".*/plan/revisions/\d+$"))
    diff = page.locator('[data-testid="revision-diff"]').inner_text()
    assert "+    title: Each account executive shares one insight a week" in diff
    number = page.url.rsplit("/", 1)[1]
    page.context.close()

    sponsor = _signed_in(browser, served_team, "sam")
    sponsor.goto(f"/plan/revisions/{number}")
    sponsor.click('[data-testid="approve"]')
    sponsor.wait_for_url(f"{served_team.base_url}/plan/revisions/{number}")
    assert "Sam Okafor" in sponsor.locator('[data-testid="approvals"]').inner_text()
    sponsor.goto("/")
    notice = sponsor.locator('[data-testid="sign-off"]').inner_text()
    assert f"revision {number} by Sam Okafor" in notice
    # The dashboard measures the saved plan: the tactics page shows the new title.
    deadline = time.monotonic() + 180
    while "Each account executive shares one insight a week" not in sponsor.content():
        assert time.monotonic() < deadline, "the dashboard never showed the saved plan"
        sponsor.wait_for_timeout(500)
        sponsor.goto("/tactics")
    sponsor.context.close()

    operator = _signed_in(browser, served_team, "cy")
    operator.goto("/checkins/trade-show")
    operator.fill("#checkin-done", "Held the Hamburg trade show; <b>12</b> meetings booked")
    operator.fill("#checkin-events_held", "1")
    operator.fill("#checkin-confidence", "7")
    operator.fill("#checkin-blocker", "Stand staff short for Lyon")
    operator.click('[data-testid="checkin-form"] button[type=submit]')
    operator.wait_for_url(re.compile(r".*/checkins/trade-show.*"))
    listed = operator.locator('[data-testid="checkins"]').inner_text()
    assert "Held the Hamburg trade show; <b>12</b> meetings booked" in listed  # shown as text
    operator.goto("/checkins")
    assert "Stand staff short for Lyon" in operator.locator('[data-testid="blockers"]').inner_text()
    assert "7" in operator.locator('[data-testid="overview-trade-show"]').inner_text()
    # The same dashboard still shows the saved plan and its sign-off.
    operator.goto("/")
    assert (
        f"revision {number} by Sam Okafor"
        in operator.locator('[data-testid="sign-off"]').inner_text()
    )
    operator.goto("/tactics")
    assert "Each account executive shares one insight a week" in operator.content()
    operator.context.close()
