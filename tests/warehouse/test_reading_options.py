"""The reading options that change what a file's rows are are part of what was loaded.

A Salesforce report whose dates all read both ways ("03/02/2026") loaded with the wrong
`--date-order`, then loaded again with the right one, was "already loaded": every deal
kept the date misread the first time, with exit 0. Now the same bytes read with other such
options are read again, the rows follow them, and the result says why; read again with the
same options, they are still "already loaded". The generic CSV's mapping from
`outcomes.toml` counts the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from outcomes.sources import ReadOptions
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.ingest import ingest_files

HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date\n"


def _one(warehouse: Warehouse, source: str, path: Path, options: ReadOptions) -> IngestResult:
    (outcome,) = ingest_files(warehouse, source, [path], options)
    assert isinstance(outcome, IngestResult), outcome
    return outcome


def _dates(warehouse: Warehouse) -> list[dt.date]:
    rows = warehouse.duckdb.execute(
        "SELECT CAST(ts AS DATE) FROM conversions WHERE type = 'opportunity' ORDER BY key"
    ).fetchall()
    return [row[0] for row in rows]


def test_a_corrected_date_order_reads_the_same_bytes_again(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "opportunities.csv"
    path.write_text(HEADER + "X1,Deal 1,Prospecting,03/02/2026\nX2,Deal 2,Prospecting,04/02/2026\n")
    first = _one(warehouse, "salesforce", path, ReadOptions(date_order="mdy"))
    assert (first.loaded, first.read_again) == (2, None)
    assert _dates(warehouse) == [dt.date(2026, 3, 2), dt.date(2026, 4, 2)]

    fixed = _one(warehouse, "salesforce", path, ReadOptions(date_order="dmy"))
    assert not fixed.already_loaded
    assert fixed.updated == 2 and fixed.changed_columns == {"ts": 2}
    assert fixed.read_again == (
        f"read again: ingest {first.ingest_id} loaded the same bytes, but not with the same "
        "--date-order"
    )
    assert _dates(warehouse) == [dt.date(2026, 2, 3), dt.date(2026, 2, 4)]

    again = _one(warehouse, "salesforce", path, ReadOptions(date_order="dmy"))
    assert again.already_loaded and again.ingest_id == fixed.ingest_id


def test_a_corrected_csv_mapping_reads_the_same_bytes_again(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Order,Placed,Total,Net\nA1,2026-03-01,120.00,100.00\n")

    def mapped(value_column: str) -> ReadOptions:
        return ReadOptions(
            table="conversions",
            mapping={"key": "Order", "ts": "Placed", "value": value_column},
            values={"type": "order", "journey_id": "shop"},
        )

    first = _one(warehouse, "csv", path, mapped("Total"))
    assert first.loaded == 1
    fixed = _one(warehouse, "csv", path, mapped("Net"))
    assert fixed.read_again is not None
    assert fixed.read_again.endswith("but not with the same CSV mapping")
    assert fixed.changed_columns == {"value": 1}
    assert warehouse.duckdb.execute("SELECT value FROM conversions").fetchall() == [(100.0,)]
    assert _one(warehouse, "csv", path, mapped("Net")).already_loaded


def test_options_a_connector_does_not_read_do_not_make_a_file_new(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    # Salesforce reads no account: another --account is the same load.
    path = tmp_path / "opportunities.csv"
    path.write_text(HEADER + "X1,Deal 1,Prospecting,2026-02-03\n")
    first = _one(warehouse, "salesforce", path, ReadOptions(account="a"))
    again = _one(warehouse, "salesforce", path, ReadOptions(account="b"))
    assert again.already_loaded and again.ingest_id == first.ingest_id
