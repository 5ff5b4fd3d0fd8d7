"""`outcomes demo` through the command line: every source loads, and a built demo is not overwritten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import EXPORTS
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
    assert set(EXPORTS) <= summary
    assert (target / "truth.json").is_file()
    # One example user per role and one per goal sponsor, whose printed password signs in.
    printed = re.findall(
        r"^  (\w+) +(\w+) +password: (\S+)(?:  \(goal sponsor: approves the plan\))?$",
        result.stdout,
        re.MULTILINE,
    )
    sponsors = [("dana", "viewer"), ("priya", "viewer"), ("sam", "viewer")]
    assert [(name, role) for name, role, _ in printed] == [
        *((r.value, r.value) for r in ROLES),
        *sponsors,
    ]
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


def test_demo_builds_the_clinics_company_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    target = tmp_path / "clinics"
    result = runner.invoke(
        app, ["demo", str(target), "--company", "clinics", "--scale", "0.1"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    summary = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"ga4", "hubspot", "csv"} <= summary
    assert "Harbour Physio" in (target / "plan.yaml").read_text(encoding="utf-8")
    unknown = runner.invoke(app, ["demo", str(tmp_path / "other"), "--company", "acme"])
    assert unknown.exit_code == 2
    assert "no demo company 'acme'" in unknown.stderr
    assert not (tmp_path / "other").exists()
