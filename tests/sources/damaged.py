"""Driving damaged files through a connector and through `ingest_file`: what may come out.

A connector given damaged input yields rows and located rejections, or raises a one-line
`SourceError` naming the file; nothing else may escape. `ingest_file` on a real warehouse
then either loads (every rejection stored with its line) or refuses the file whole.
"""

from __future__ import annotations

from pathlib import Path

from outcomes.sources import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.base import Parsed, Source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file

TABLES = ("activities", "touchpoints", "conversions", "metric_snapshots", "journey_paths")


def read_outcome(source: Source, path: Path, options: ReadOptions) -> list[Parsed] | SourceError:
    """Everything the connector yields, or the SourceError it raised (checked to be one line)."""
    try:
        return list(source.read(path, options))
    except SourceError as exc:
        assert_one_line(exc, path)
        return exc


def assert_one_line(exc: SourceError, path: Path) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message, message
    assert str(path) in message, message


def rows(parsed: list[Parsed] | SourceError) -> list[Row]:
    assert isinstance(parsed, list), parsed
    return [p for p in parsed if isinstance(p, Row)]


def rejections(parsed: list[Parsed] | SourceError) -> list[Rejected]:
    assert isinstance(parsed, list), parsed
    return [p for p in parsed if isinstance(p, Rejected)]


def counts(warehouse: Warehouse) -> dict[str, int]:
    con = warehouse.duckdb
    return {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]) for t in TABLES}


def ingest_outcome(
    warehouse: Warehouse, source: Source, path: Path, options: ReadOptions
) -> IngestResult | SourceError:
    """`ingest_file` on the warehouse; a refused file must leave every table as it was."""
    before = counts(warehouse)
    try:
        result = ingest_file(warehouse, source, path, options)
    except SourceError as exc:
        assert_one_line(exc, path)
        assert counts(warehouse) == before
        return exc
    stored = warehouse.duckdb.execute(
        "SELECT line, reason FROM rejected WHERE ingest_id = ? ORDER BY line",
        [result.ingest_id],
    ).fetchall()
    assert len(stored) == result.rejected
    return result


def stored_rejections(warehouse: Warehouse, result: IngestResult) -> list[tuple[int | None, str]]:
    found = warehouse.duckdb.execute(
        "SELECT line, reason FROM rejected WHERE ingest_id = ? ORDER BY line",
        [result.ingest_id],
    ).fetchall()
    return [(line, reason) for line, reason in found]
