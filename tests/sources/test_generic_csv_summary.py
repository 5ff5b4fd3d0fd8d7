"""A spreadsheet's summary row ("Total") under a mapped CSV: ignored with its reason, never
rejected, and never mistaken for one when the row is data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outcomes.sources.base import Ignored, Parsed, ReadOptions, Rejected, Row
from outcomes.sources.generic_csv import GenericCsv
from tests.workspace.companies import COUNTS, cli

COSTS = {"date": "Date", "tactic": "Tactic", "kind": "Kind", "amount": "Amount"}
HEADER = "Date,Tactic,Kind,Amount\n"


def read(path: Path, mapping: dict[str, str], key: tuple[str, ...] = ()) -> list[Parsed]:
    return list(GenericCsv().read(path, ReadOptions(table="costs", mapping=mapping, key=key)))


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "spend.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "label", ["Total", "TOTAL", "Totals", "Grand total", "Grand Total:", "Sum", "Subtotal"]
)
def test_a_summary_row_at_the_end_is_ignored_with_its_reason(tmp_path: Path, label: str) -> None:
    path = write(
        tmp_path,
        f"2026-03-02,spring-ads,ads,120.00\n2026-03-09,spring-ads,ads,80.00\n{label},,,200.00\n",
    )
    parsed = read(path, COSTS)
    assert [p.values["amount"] for p in parsed if isinstance(p, Row)] == [120.0, 80.0]
    assert [p for p in parsed if not isinstance(p, Row)] == [
        Ignored(4, f"summary row '{label}' (line 4)")
    ]


def test_the_label_may_be_in_a_column_no_mapping_reads(tmp_path: Path) -> None:
    # "Week" is not mapped; the total's label is there, the date cell empty.
    header = "Week,Date,Tactic,Kind,Amount\n"
    body = "10,2026-03-02,spring-ads,ads,120.00\nTotal,,,,120.00\n"
    parsed = read(write(tmp_path, body, header), COSTS)
    assert [type(p) for p in parsed] == [Row, Ignored]


def test_a_summary_row_cut_short_is_still_a_summary(tmp_path: Path) -> None:
    # Fewer cells than the header: the row's shape is wrong, but it is plainly the total.
    parsed = read(write(tmp_path, "2026-03-02,spring-ads,ads,120.00\nTotal,120.00\n"), COSTS)
    assert [type(p) for p in parsed] == [Row, Ignored]


def test_a_plain_summary_in_the_middle_is_ignored_and_the_rows_after_it_load(
    tmp_path: Path,
) -> None:
    body = (
        "2026-03-02,spring-ads,ads,120.00\n"
        "Subtotal,,,120.00\n"
        "2026-04-06,spring-ads,ads,60.00\n"
        "Total,,,180.00\n"
    )
    parsed = read(write(tmp_path, body), COSTS)
    assert [type(p) for p in parsed] == [Row, Ignored, Row, Ignored]


def test_a_row_whose_date_reads_is_data_whatever_its_first_cell_says(tmp_path: Path) -> None:
    # "Total" as a tactic's name in the first column, with a date: a cost line, loaded.
    header = "Tactic,Date,Kind,Amount\n"
    parsed = read(write(tmp_path, "Total,2026-03-02,ads,50.00\n", header), COSTS)
    assert [(type(p), p.values["tactic"]) for p in parsed if isinstance(p, Row)] == [(Row, "Total")]
    assert not [p for p in parsed if isinstance(p, Ignored)]


def test_a_row_with_a_real_id_is_data_and_rejected_as_data(tmp_path: Path) -> None:
    # Its date is missing, but "INV-7" is a record's id: a broken record, said as such.
    header = "Label,Invoice,Date,Tactic,Kind,Amount\n"
    body = "Total,INV-7,,spring-ads,ads,50.00\n"
    parsed = read(write(tmp_path, body, header), COSTS, key=("Invoice",))
    [rejected] = parsed
    assert isinstance(rejected, Rejected)
    assert "'Date' is empty" in rejected.reason


def test_a_word_like_total_in_a_longer_cell_is_no_summary(tmp_path: Path) -> None:
    parsed = read(write(tmp_path, "Total reach push,,,50.00\n"), COSTS)
    assert [type(p) for p in parsed] == [Rejected]


def test_ingest_of_a_mapped_sheet_with_a_total_row_exits_0_and_accounts_for_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "outcomes.toml").write_text(
        '[csv.spend]\nfiles = ["spend.csv"]\ntable = "costs"\n'
        '[csv.spend.columns]\ndate = "Date"\ntactic = "Tactic"\nkind = "Kind"\n'
        'amount = "Amount"\n',
        encoding="utf-8",
    )
    path = write(tmp_path, "2026-03-02,spring-ads,ads,120.00\nTotal,,,120.00\n")
    result = cli(tmp_path, "ingest", "csv", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)
    assert [summary[count] for count in COUNTS] == [2, 1, 0, 0, 0, 1]
    assert summary["ignored_by_reason"] == {"summary row 'Total' (line 3)": 1}


def test_a_sheet_loaded_before_summary_rows_were_ignored_is_read_again() -> None:
    # Its Total row was stored as a rejection: the same bytes now give none, so the
    # warehouse's take of them (ingest's "already loaded") is out of date.
    assert GenericCsv.reading > 1
    assert "summary row" in GenericCsv.reading_change
