"""A mapped CSV's text encoding in `outcomes.toml` (`encoding = "cp1252"` in its
`[csv.NAME]` table), so that `outcomes ingest --auto` reads a sheet saved from Excel on
Windows beside UTF-8 exports: `--encoding` is one setting for every file of the load."""

from __future__ import annotations

import json
from pathlib import Path

from outcomes.warehouse.connection import Warehouse
from tests.workspace.companies import cli

TOML = """
[csv.support]
files = ["exports/support-cost.csv"]
table = "metric_snapshots"
{encoding}
[csv.support.columns]
date = "Month ending"
value = "Support cost"
[csv.support.values]
metric = "support_cost"
channel = "other"
entity = "Corliss"
entity_kind = "organisation"
"""


def workspace(tmp_path: Path, encoding: str) -> Path:
    (tmp_path / "exports").mkdir()
    sheet = "Month ending,Support cost,Notes\r\n9/30/2026,7920,New help desk \u2013 migration\r\n"
    (tmp_path / "exports" / "support-cost.csv").write_bytes(sheet.encode("cp1252"))
    (tmp_path / "outcomes.toml").write_text(TOML.format(encoding=encoding), encoding="utf-8")
    return tmp_path


def test_the_mappings_encoding_reads_a_cp1252_sheet_under_auto(tmp_path: Path) -> None:
    root = workspace(tmp_path, 'encoding = "cp1252"')
    result = cli(root, "ingest", "--auto", str(root / "exports"), "--format", "json")
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)
    assert (summary["read"], summary["loaded"]) == (1, 1)
    with Warehouse.open(root) as warehouse:
        [(value,)] = warehouse.duckdb.sql("SELECT value FROM metric_snapshots").fetchall()
    assert value == 7920


def test_an_unknown_encoding_in_outcomes_toml_is_one_line_naming_it(tmp_path: Path) -> None:
    root = workspace(tmp_path, 'encoding = "windows-1252x"')
    result = cli(root, "ingest", "--auto", str(root / "exports"))
    assert result.exit_code != 0
    assert "[csv.support]: encoding 'windows-1252x' is no text encoding" in result.output
    assert "Traceback" not in result.output
