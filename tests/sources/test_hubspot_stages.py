"""HubSpot deals in a portal's own pipeline: won, lost or open by HubSpot's flags, never by
a guess that looks right.

A won stage named "Contract signed" or "Paid" was loaded as an open opportunity, its
revenue and new customer missing, with exit 0. The fixtures are hand-written deals exports
in the real layout (PROVENANCE.md, HubSpot deals), one without the "Is Closed Won" and "Is
Deal Closed?" columns and one with them; they go through the real connector, a real
DuckDB warehouse and the command line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources.base import Notice, ReadOptions, Rejected, Row
from outcomes.sources.hubspot import HubSpot
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from outcomes.workspace import init_workspace

HUBSPOT = Path(__file__).parent / "fixtures" / "hubspot"
WITHOUT_FLAGS = HUBSPOT / "deals_custom_pipeline.csv"
WITH_FLAGS = HUBSPOT / "deals_custom_pipeline_flags.csv"
UNKNOWN_NOTICE = (
    "5 deals in stages HubSpot's default pipeline does not have were taken as open: "
    "'Contract signed' (2), 'Discovery call' (1), 'Paid' (1), 'Not a fit' (1). If any of "
    "these stages is won or lost, export the deals with the columns 'Is Closed Won' and "
    "'Is Deal Closed?' and load them again"
)
HEADER = '"Record ID","Deal Stage","Amount","Close Date","Create Date"'


def parse(path: Path) -> tuple[dict[str, str], list[Rejected], list[Notice]]:
    """Deal key → conversion type, the rejections and the notices of one file."""
    parsed = list(HubSpot().read(path, ReadOptions()))
    rows = {p.values["key"]: p.values["type"] for p in parsed if isinstance(p, Row)}
    rejected = [p for p in parsed if isinstance(p, Rejected)]
    # Not the notices of optional columns the file lacks (test_absent_columns.py).
    notices = [p for p in parsed if isinstance(p, Notice) and not p.text.startswith("no column")]
    return rows, rejected, notices


def closed(rows: dict[str, str]) -> dict[str, str]:
    return {key: kind for key, kind in rows.items() if kind != "opportunity"}


def test_the_flags_decide_whatever_the_stage_is_called() -> None:
    rows, rejected, notices = parse(WITH_FLAGS)
    assert len(rejected) == 2  # the next test says why
    assert closed(rows) == {
        "hubspot|deal|9102|deal_won": "deal_won",  # "Contract signed"
        "hubspot|deal|9103|deal_won": "deal_won",  # "Paid"
        "hubspot|deal|9104|deal_lost": "deal_lost",  # "Not a fit"
        "hubspot|deal|9105|deal_won": "deal_won",
        "hubspot|deal|9107|deal_won": "deal_won",  # "Closed Won", and the flags agree
    }
    # Every deal read also gives the pipeline it created; open ones only that.
    assert {key.split("|")[2] for key in rows} == {str(n) for n in range(9101, 9108)}
    assert notices == []  # nothing was taken as open without being known to be


def test_a_closed_stage_the_flags_contradict_is_rejected_naming_both_columns() -> None:
    _, rejected, _ = parse(WITH_FLAGS)
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (
            9,
            "Is Closed Won",
            "'Deal Stage' is 'Closed Won' but 'Is Closed Won' is false and 'Is Deal Closed?' "
            "is true; export the deals again, or correct the stage or the flag in HubSpot",
        ),
        (
            10,
            "Is Closed Won",
            "the deal's flags contradict each other ('Is Closed Won' is true and 'Is Deal "
            "Closed?' is false); export the deals again",
        ),
    ]


def test_without_the_flags_unknown_stages_are_taken_as_open_and_the_file_says_so() -> None:
    rows, rejected, notices = parse(WITHOUT_FLAGS)
    assert rejected == []
    # Only the default pipeline's "Closed Won" is known to be won.
    assert closed(rows) == {"hubspot|deal|9107|deal_won": "deal_won"}
    assert notices == [Notice(UNKNOWN_NOTICE)]


def test_the_default_pipeline_alone_gives_no_notice() -> None:
    _, _, notices = parse(HUBSPOT / "deals.csv")
    assert notices == []


def test_internal_names_and_the_closed_lost_flag(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "hs_object_id,dealstage,amount,closedate,createdate,hs_is_closed_won,hs_is_closed_lost\n"
        "1,12345678,100,2026-03-01,2026-02-01,true,false\n"
        "2,12345679,100,2026-03-01,2026-02-01,false,true\n"
        "3,12345680,100,,2026-02-01,false,false\n",
        encoding="utf-8",
    )
    rows, rejected, notices = parse(path)
    assert rejected == []
    assert closed(rows) == {
        "hubspot|deal|1|deal_won": "deal_won",
        "hubspot|deal|2|deal_lost": "deal_lost",
    }
    # Neither won nor lost is open by the flags themselves: nothing was guessed, no notice.
    assert rows["hubspot|deal|3|opportunity"] == "opportunity"
    assert notices == []


def test_flags_in_a_workbook_are_booleans(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Record ID", "Deal Stage", "Amount", "Close Date", "Create Date",
                  "Is Closed Won", "Is Deal Closed?"])  # fmt: skip
    sheet.append([9201, "Paid", 800, dt.datetime(2026, 4, 2), dt.datetime(2026, 3, 1), True, True])
    sheet.append([9202, "Paid", 900, None, dt.datetime(2026, 3, 2), False, False])
    path = tmp_path / "deals.xlsx"
    workbook.save(path)
    rows, rejected, notices = parse(path)
    assert (rejected, notices) == ([], [])
    assert closed(rows) == {"hubspot|deal|9201|deal_won": "deal_won"}
    assert rows["hubspot|deal|9202|opportunity"] == "opportunity"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            '"1","Paid","100","2026-03-01","2026-02-01","maybe",""',
            "Is Closed Won",
            "expected true or false, got 'maybe'",
        ),
        (
            '"1","Paid","100","2026-03-01","2026-02-01","","true"',
            "Is Deal Closed?",
            "the deal is closed, but neither its stage 'Paid' nor its flags say whether it "
            "was won; export the deals with the column 'Is Closed Won'",
        ),
    ],
)
def test_flags_that_cannot_decide_a_closed_deal_reject_it(
    tmp_path: Path, row: str, column: str, reason: str
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(f'{HEADER},"Is Closed Won","Is Deal Closed?"\n{row}\n', encoding="utf-8")
    rows, rejected, _ = parse(path)
    assert rows == {}
    assert [(r.line, r.column, r.reason) for r in rejected] == [(2, column, reason)]


def won(warehouse: Warehouse) -> list[tuple[object, ...]]:
    sql = (
        "SELECT count(*), sum(value) FROM conversions "
        "WHERE source = 'hubspot' AND type = 'deal_won'"
    )
    return [tuple(row) for row in warehouse.duckdb.execute(sql).fetchall()]


def test_the_warehouse_counts_the_won_deals_once_the_flags_are_exported(
    warehouse: Warehouse,
) -> None:
    first = ingest_file(warehouse, HubSpot(), WITHOUT_FLAGS)
    assert (first.read, first.loaded, first.rejected, first.balanced) == (8, 8, 0, True)
    assert first.notices == (UNKNOWN_NOTICE,)
    assert won(warehouse) == [(1, 5000.0)]
    # Loaded again, the file reports what it was taken for again.
    again = ingest_file(warehouse, HubSpot(), WITHOUT_FLAGS)
    assert again.already_loaded and again.notices == (UNKNOWN_NOTICE,)
    flagged = ingest_file(warehouse, HubSpot(), WITH_FLAGS)
    # 12 rows and 2 rejections: 9102, 9103, 9105 won and 9104 lost are new rows, the
    # opportunities are as stored, and 9108 and 9109 are rejected.
    assert (flagged.read, flagged.loaded, flagged.unchanged, flagged.rejected) == (14, 4, 8, 2)
    assert flagged.notices == ()
    assert flagged.balanced
    assert won(warehouse) == [(4, 23500.0)]
    stored = warehouse.duckdb.execute("SELECT notices FROM ingests ORDER BY id").fetchall()
    assert [json.loads(row[0]) for row in stored] == [[UNKNOWN_NOTICE], []]


def test_the_command_line_warns_once_per_file(tmp_path: Path) -> None:
    init_workspace(tmp_path, example="northwind")
    result = CliRunner().invoke(app, ["ingest", "hubspot", str(WITHOUT_FLAGS), "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {WITHOUT_FLAGS}: {UNKNOWN_NOTICE}"]
    # The list of loaded files says it too, as long as the ingest is there.
    history = CliRunner().invoke(app, ["history", "-w", str(tmp_path)])
    assert f"  1: warning: {UNKNOWN_NOTICE}" in history.stdout.splitlines()
    flagged = CliRunner().invoke(
        app, ["ingest", "hubspot", str(WITH_FLAGS), "-w", str(tmp_path), "-f", "json"]
    )
    assert flagged.exit_code == 1  # two rows rejected
    assert "warning:" not in flagged.stderr
    assert "[Is Closed Won]: 'Deal Stage' is 'Closed Won' but" in flagged.stderr
