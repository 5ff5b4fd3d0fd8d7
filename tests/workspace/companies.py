"""What the tests of the companies written from the docs alone share (test_thirdco.py to
test_sixthco.py): a company's fixture folder copied and its exports ingested by the CLI
one file at a time, each file's accounting checked as it loads; the CLI's JSON reports;
a tactic's ROI row.

Each company keeps its own files, the counts of each file and the figures worked out by
hand in its test module; only the way they are loaded and read is here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from outcomes.cli import app

Ingest = tuple[str, str, int, int, int, int, int, int]
"""(source, file, read, loaded, updated, unchanged, rejected, ignored): one `outcomes
ingest` and what its summary must count; the file relative to the company's folder."""

COUNTS = ("read", "loaded", "updated", "unchanged", "rejected", "ignored")
"""The summary's counts, in the order an `Ingest` gives them; read is the sum of the rest."""


def cli(workspace: Path, *args: str) -> Result:
    """`outcomes ARGS -w WORKSPACE`, on a terminal wide enough that no line is wrapped."""
    return CliRunner().invoke(app, [*args, "-w", str(workspace)], env={"COLUMNS": "200"})


def build_workspace(
    tmp_path_factory: pytest.TempPathFactory, fixture: Path, name: str, ingests: list[Ingest]
) -> Path:
    """A copy of the company's `fixture` folder, as the folder `name`, with each export
    ingested in `ingests`'s order, as a user loads them; each file must load (exit 0) with
    exactly its counts."""
    root = tmp_path_factory.mktemp(fixture.name) / name
    shutil.copytree(fixture, root)
    for source, file, *counts in ingests:
        result = cli(root, "ingest", source, str(root / file), "--format", "json")
        assert result.exit_code == 0, (file, result.output)
        [summary] = json.loads(result.stdout)
        assert [summary[count] for count in COUNTS] == counts, (file, summary)
    return root


def report_json(workspace: Path, command: str, exit_code: int) -> dict[str, Any]:
    """`outcomes COMMAND --format json`'s document; the command must exit with `exit_code`."""
    result = cli(workspace, command, "--format", "json")
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def tactic_row(roi: dict[str, Any], tactic: str, model: str = "linear") -> dict[str, Any]:
    """The ROI document's one row for `tactic` under attribution `model`."""
    rows: list[dict[str, Any]] = roi["rows"]
    [row] = [r for r in rows if (r["level"], r["id"], r["model"]) == ("tactic", tactic, model)]
    return row
