"""`outcomes checkin add|list` on a real workspace: the dashboard's rules, its log, its load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.web.store import Role, Store
from outcomes.workspace import Workspace, init_workspace

runner = CliRunner()
ADD = ["checkin", "add", "customer-newsletter", "--done", "Sent the [bold]May[/] issue"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    init_workspace(root, example="northwind")
    store = Store.for_workspace(root)
    store.add_user("priya", Role.OPERATOR, "a long enough password", actor="cli:test")
    store.add_user("val", Role.VIEWER, "a long enough password", actor="cli:test")
    store.close()
    return root


def run(workspace: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "-w", str(workspace)])
    return result.exit_code, result.output


def test_a_checkin_is_added_listed_logged_and_loaded(workspace: Path) -> None:
    code, out = run(
        workspace, *ADD, "--as", "priya", "--confidence", "7", "--count", "emails_sent=1200"
    )
    assert code == 0, out
    assert out.startswith("recorded priya's check-in on customer-newsletter, week of ")
    code, out = run(
        workspace, *ADD, "--as", "priya", "--confidence", "5", "--blocker", "list stale"
    )
    assert code == 0 and out.startswith("changed priya's"), out
    code, out = run(workspace, "checkin", "list", "-f", "json")
    [kept] = json.loads(out)["checkins"]
    assert (kept["confidence"], kept["blocker"], kept["counts"]) == (5, "list stale", {})
    code, out = run(workspace, "checkin", "list")
    assert "Sent the" not in out and "list stale" in out and "customer-newsletter" in out
    store = Store.for_workspace(workspace)
    try:
        assert [(e.action, e.detail.get("via")) for e in store.events(limit=2)] == [
            ("checkin.edit", "cli"), ("checkin.add", "cli"),
        ]  # fmt: skip
    finally:
        store.close()
    loads = [h for h in Workspace.open(workspace).history() if h.source == "checkin"]
    assert [(h.loaded, h.updated) for h in loads] == [(0, 1), (1, 0)]  # emails_sent → 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--as", "priya", "--confidence", "11"],
            "confidence: a whole number from 1 to 10, not 11",
        ),
        (
            ["--as", "priya", "--confidence", "5", "--count", "emails_sent=-1"],
            "from 0 to 1,000,000",
        ),
        (
            ["--as", "priya", "--confidence", "5", "--count", "letters_sent=3"],
            "this tactic counts emails_sent",
        ),
        (["--as", "val", "--confidence", "5"], "'val' is no enabled operator"),
        (
            ["--as", "priya", "--confidence", "5", "--week", "2020-01-01"],
            "week: check in for this week",
        ),
    ],
)
def test_a_refused_checkin_is_one_line_and_nothing_is_kept(
    workspace: Path, args: list[str], message: str
) -> None:
    code, out = run(workspace, *ADD, *args)
    assert code == 2 and message in out and "Traceback" not in out, out
    assert json.loads(run(workspace, "checkin", "list", "-f", "json")[1]) == {"checkins": []}
    assert Workspace.open(workspace).history() == []


def test_an_unknown_tactic_is_named(workspace: Path) -> None:
    code, out = run(
        workspace, "checkin", "add", "nope", "--as", "priya", "--done", "x", "--confidence", "5"
    )
    assert code == 2 and "there is no tactic 'nope' in the plan" in out
