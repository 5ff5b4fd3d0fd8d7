"""Weekly check-ins of a tactic the plan does not have are listed with the unplanned
activity on every route: before, a check-in kept from a tactic since renamed (or written
by hand) loaded silently, no tactic showed it, and a goal on its count still added it up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.web import create_app
from outcomes.workspace import Workspace, init_workspace
from tests.web.conftest import serve

runner = CliRunner()


def checkin(folder: Path, tactic: str, week: str, held: int) -> Path:
    path = folder / f"{tactic}-{week}.json"
    record = {
        "format": "outcomes-checkin", "version": 1, "tactic": tactic, "channel": "trade-show",
        "week": week, "author": "lee", "counts": {"events_held": held, "meetings_booked": 2},
        "confidence": 7, "blocker": None, "done": "Stand at the fair",
        "saved_at": f"{week}T16:00:00+00:00",
    }  # fmt: skip
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("checkins")
    init_workspace(folder, example="northwind")
    files = [
        checkin(folder, "trade-show", "2026-05-04", 1),  # the plan's tactic
        checkin(folder, "logifair-2025", "2026-05-04", 1),  # renamed since
        checkin(folder, "logifair-2025", "2026-05-13", 1),  # a Wednesday: its Monday, 11 May
    ]
    Workspace.open(folder).ingest(files, source="checkin")
    return folder


def test_the_cli_lists_them_and_says_it_found_something(workspace: Path) -> None:
    done = runner.invoke(app, ["unplanned", "-w", str(workspace), "--format", "json"])
    assert done.exit_code == 1, done.output  # found: something belongs to no tactic
    document = json.loads(done.stdout)
    assert document["schema_version"] == 2
    assert document["checkins"] == [
        {"tactic": "logifair-2025", "weeks": 2, "first": "2026-05-04", "last": "2026-05-11",
         "metrics": ["events_held", "meetings_booked"]},
    ]  # fmt: skip
    text = runner.invoke(app, ["unplanned", "-w", str(workspace)], env={"COLUMNS": "120"})
    assert "Weekly check-ins of tactics the plan does not have" in text.stdout
    assert "logifair-2025  2      2026-05-04  2026-05-11  events_held, meetings_booked" in (
        text.stdout
    ), text.stdout


def test_the_dashboards_sources_page_lists_them(workspace: Path) -> None:
    with serve(create_app(workspace)) as running:
        running.wait_ready()
        page = running.client.get("/sources")
    assert page.status_code == 200
    assert 'data-testid="unplanned-checkins"' in page.text
    assert "logifair-2025" in page.text and "events_held, meetings_booked" in page.text
