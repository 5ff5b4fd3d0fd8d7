"""`outcomes init` scaffolds a workspace whose plan is valid and lint-clean."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.lint import check_plan
from outcomes.plan import load_plan
from outcomes.plan.schema import plan_schema
from outcomes.workspace import init_workspace

runner = CliRunner()


def test_init_creates_the_workspace_files(tmp_path: Path) -> None:
    result = init_workspace(tmp_path / "ws")
    names = sorted(p.name for p in result.created)
    assert names == [".gitignore", "README.md", "plan.schema.json", "plan.yaml"]
    assert json.loads((tmp_path / "ws" / "plan.schema.json").read_text()) == plan_schema()
    assert ".outcomes/" in (tmp_path / "ws" / ".gitignore").read_text()


def test_template_plan_is_valid_clean_and_shows_every_section(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    text = (tmp_path / "plan.yaml").read_text()
    for section in (
        "organisation:",
        "people:",
        "metrics:",
        "goals:",
        "strategies:",
        "tactics:",
        "# ignore:",
    ):
        assert section in text
    assert text.count("\n#") > 10, "the template explains itself in comments"
    result = check_plan(load_plan(tmp_path / "plan.yaml"))
    assert result.findings == ()


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("mine")
    result = init_workspace(tmp_path)
    assert (tmp_path / "plan.yaml").read_text() == "mine"
    assert [p.name for p in result.kept] == ["plan.yaml"]


def test_init_from_example(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--example", "northwind"])
    assert result.exit_code == 0
    plan = load_plan(tmp_path / "plan.yaml")
    assert plan.plan.organisation.name == "Northwind Freight Software"


def test_init_unknown_example_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--example", "nope"])
    assert result.exit_code == 2
    assert "choose one of: northwind, tactics-first, clinics" in result.stderr
    assert not (tmp_path / "plan.yaml").exists()
