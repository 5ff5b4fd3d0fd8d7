"""A record giving a key twice with two values is rejected by every JSON connector.

Python's `json` keeps the last value without a word: a `created_at` given twice would
move a post to another day, with exit 0. Each connector's real fixture is loaded into a
real warehouse with one record's date given twice; that record is rejected (stored in
`rejected` with its line, the key and what to do), the rest of the file loads, and no
row carries the second date. The same value given twice is read as once.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, get_source
from outcomes.warehouse.connection import Warehouse
from tests.sources.damaged import ingest_outcome, stored_rejections

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Export:
    """A connector's fixture, the first date in it, a second date for it, and its owner file."""

    source: str
    fixture: str
    date: str
    other: str
    beside: str | None
    table: str = "activities"


EXPORTS = (
    Export(
        "mastodon",
        "mastodon/statuses.json",
        '"created_at": "2025-12-08T14:30:00.000Z"',
        '"created_at": "2031-01-01T00:00:00.000Z"',
        "mastodon/account.json",
    ),
    Export(
        "x-archive",
        "x_archive/tweets.js",
        '"created_at" : "Sat Dec 06 18:20:30 +0000 2025"',
        '"created_at" : "Wed Jan 01 00:00:00 +0000 2031"',
        "x_archive/account.js",
    ),
    Export(
        "ga4",
        "ga4/events.jsonl",
        '"event_timestamp":"1772445600000000"',
        '"event_timestamp":"1930000000000000"',
        None,
        "touchpoints",
    ),
)


def written(folder: Path, export: Export, second: str | None) -> Path:
    """The fixture (with the first record's date followed by `second`, when given) and its
    owner file beside it."""
    text = (FIXTURES / export.fixture).read_text(encoding="utf-8")
    assert text.count(export.date) == 1
    path = folder / Path(export.fixture).name
    folder.mkdir()
    if second is not None:
        text = text.replace(export.date, f"{export.date}, {second}")
    path.write_text(text, encoding="utf-8")
    if export.beside is not None:
        shutil.copy(FIXTURES / export.beside, folder)
    return path


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.source)
def test_a_date_given_twice_with_two_values_rejects_its_record_and_the_rest_loads(
    tmp_path: Path, warehouse: Warehouse, export: Export
) -> None:
    source = get_source(export.source)
    good = ingest_outcome(
        warehouse, source, written(tmp_path / "good", export, None), ReadOptions()
    )
    path = written(tmp_path / "twice", export, export.other)
    with Warehouse.open(tmp_path / "other") as fresh:
        result = ingest_outcome(fresh, source, path, ReadOptions())
        assert not isinstance(result, Exception) and not isinstance(good, Exception)
        assert result.balanced and result.read == good.read
        assert result.rejected == good.rejected + 1
        column = "event_timestamp" if export.source == "ga4" else "created_at"
        [reason] = [reason for line, reason in stored_rejections(fresh, result) if line == 1]
        assert reason.startswith(f"the key '{column}' is given twice, with two values")
        assert reason.endswith("correct the record or export the file again")
        [(file, stored_column)] = fresh.duckdb.execute(
            'SELECT file, "column" FROM rejected WHERE line = 1'
        ).fetchall()
        assert (file, stored_column) == (str(path), column)
        [(late,)] = fresh.duckdb.execute(
            f"SELECT count(*) FROM {export.table} WHERE year(ts) >= 2030"
        ).fetchall()
        assert late == 0


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.source)
def test_a_date_given_twice_with_the_same_value_loads_as_once(
    tmp_path: Path, warehouse: Warehouse, export: Export
) -> None:
    source = get_source(export.source)
    good = ingest_outcome(
        warehouse, source, written(tmp_path / "good", export, None), ReadOptions()
    )
    with Warehouse.open(tmp_path / "other") as fresh:
        same = ingest_outcome(
            fresh, source, written(tmp_path / "same", export, export.date), ReadOptions()
        )
        assert not isinstance(same, Exception) and not isinstance(good, Exception)
        assert (same.read, same.loaded, same.rejected) == (good.read, good.loaded, good.rejected)
