"""The executive report shows each tactic's recent check-ins, read through the workspace face."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.web.store.checkins import week_of
from outcomes.workspace import CheckinRecord, Workspace, init_workspace
from tests.web.conftest import Page

pytestmark = pytest.mark.slow  # measures a briefing
THIS_WEEK = week_of(dt.date.today())
LAST_WEEK = THIS_WEEK - dt.timedelta(weeks=1)


def record(
    space: Workspace, week: dt.date, author: str, confidence: int, blocker: str | None
) -> None:
    space.record_checkin(
        CheckinRecord(
            tactic="trade-show", channel="trade-show", week=week, author=author,
            done="Stand booked", confidence=confidence, blocker=blocker,
            counts={"events_held": 1}, saved_at=dt.datetime.now(dt.UTC),
        )
    )  # fmt: skip


def test_the_report_shows_the_latest_checkins_their_trend_and_blockers(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root, example="northwind")
    space = Workspace.open(root)
    record(space, THIS_WEEK - dt.timedelta(weeks=20), "cy", 2, "too old to show")
    record(space, LAST_WEEK, "cy", 6, None)
    record(space, THIS_WEEK, "cy", 8, None)
    record(space, THIS_WEEK, "dee", 5, "<b>No badge scanner</b>")
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "-w", str(root), "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    page = Page(text)
    row = page.shown("checkins-trade-show")
    assert "cy 8, dee 5" in row and "6.0 → 6.5" in row
    assert "dee: <b>No badge scanner</b>" in row and escape("<b>No badge scanner</b>") in text
    assert "too old to show" not in text
    assert "checkins-customer-newsletter" not in page.testids  # no check-ins, no row
