"""`outcomes demo` through the command line: every source loads, and a built demo is not overwritten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import CONNECTORS
from outcomes.web.store import ENV_URL, ROLES, Store

runner = CliRunner()


def test_demo_builds_loads_every_source_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    target = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(target), "--scale", "0.05"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    summary = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(CONNECTORS) <= summary
    assert (target / "truth.json").is_file()
    # One example user per role, whose printed password signs in.
    printed = re.findall(r"^  (\w+) +(\w+) +password: (\S+)$", result.stdout, re.MULTILINE)
    assert [(name, role) for name, role, _ in printed] == [(r.value, r.value) for r in ROLES]
    assert (target / "example-users.txt").read_text().splitlines() == [
        line for line in result.stdout.splitlines() if "password: " in line
    ]
    assert (target / "example-users.txt").stat().st_mode & 0o077 == 0
    store = Store.for_workspace(target)
    try:
        for name, _, password in printed:
            assert store.authenticate(name, password) is not None
    finally:
        store.close()
    again = runner.invoke(app, ["demo", str(target)])
    assert again.exit_code == 2
    assert "already holds a demo" in again.stderr
