"""`outcomes demo` through the command line: every source loads, and a built demo is not overwritten."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import CONNECTORS

runner = CliRunner()


def test_demo_builds_loads_every_source_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(target), "--scale", "0.05"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    summary = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(CONNECTORS) <= summary
    assert (target / "truth.json").is_file()
    again = runner.invoke(app, ["demo", str(target)])
    assert again.exit_code == 2
    assert "already holds a demo" in again.stderr
