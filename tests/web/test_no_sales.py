"""A workspace with no sales loaded (the social exports alone, as most users begin) has no
revenue to show: every route says "not measured" and why, never a €0 that reads as a
tactic earning nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from outcomes import Workspace
from outcomes.briefing import BriefingOptions
from outcomes.cli import app
from outcomes.examples import example_path
from outcomes.report.executive import render_html
from outcomes.warehouse.connection import Warehouse
from outcomes.web import create_app
from tests.web.conftest import Page, serve

OPTIONS = BriefingOptions(bootstrap=0)
WHY = "no loaded export gives a sale"


def social_only(folder: Path) -> Path:
    """The Northwind plan and a month of @northwindhelp's posts, nothing else."""
    folder.mkdir()
    shutil.copy(example_path("northwind"), folder / "plan.yaml")
    with Warehouse.open(folder) as warehouse:
        for day in range(1, 29):
            warehouse.duckdb.execute(
                "INSERT INTO activities (key, source, channel, account, author, native_id, "
                "kind, ts, ingest_id) VALUES (?, 'test', 'x', 'northwindhelp', "
                "'northwindhelp', ?, 'post', ?, 1)",
                [f"p{day}", f"p{day}", dt.datetime(2026, 2, day, 12, tzinfo=dt.UTC)],
            )
    return folder


def test_no_sale_loaded_reads_not_measured_on_every_route(tmp_path: Path) -> None:
    workspace = social_only(tmp_path / "ws")
    space = Workspace.open(workspace)
    document = space.roi(bootstrap=0).to_json()
    tactics = [r for r in document["rows"] if r["level"] == "tactic"]
    assert tactics and all(r["revenue"] is None for r in tactics)
    assert all(r["revenue_note"].startswith(WHY) for r in tactics)
    assert f"Revenue is not measured: {WHY}" in document["coverage"]["message"]
    runner = CliRunner()
    table = runner.invoke(app, ["roi", "--bootstrap", "0", "-w", str(workspace)],
                          env={"COLUMNS": "250"}).stdout  # fmt: skip
    [row] = [line for line in table.splitlines() if line.startswith("t  x-support ")]
    assert row.split()[2:4] == ["not", "measured"], row
    assert "€0" not in row and " 0 " not in row
    briefing = space.briefing(OPTIONS)
    report = Page(render_html(briefing)).text
    assert report["tactic-x-support-revenue"] == "not measured"
    assert report["roi-total-revenue"] == "not measured"
    with serve(create_app(workspace, options=OPTIONS)) as running:
        running.wait_ready()
        overview = Page(running.get("/").text).text
        tactic = Page(running.get("/tactics/x-support").text).text
        api = running.json("/api/overview")
    assert overview["tactic-x-support-revenue"] == "not measured"
    assert overview["roi-total-revenue"] == "not measured"
    assert tactic["tactic-x-support-revenue"] == "not measured"
    [out] = [r for r in api["roi"] if r["id"] == "x-support"]
    assert (out["revenue"], out["revenue_note"][: len(WHY)]) == (None, WHY)
    assert api["roi_totals"]["revenue"] is None
    status = json.loads(
        runner.invoke(app, ["status", "--format", "json", "-w", str(workspace)]).stdout
    )
    [listed] = [r for r in status["roi"] if r["id"] == "x-support"]
    assert listed["revenue"] is None
