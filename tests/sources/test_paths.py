"""Aggregated journey paths: separators, normalised paths, repeats summed, bad rows rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.sources.base import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.paths import JourneyPaths, PathsFileError, read_path_rows
from outcomes.sources.registry import HEAD_BYTES, detect_source, get_source
from outcomes.tables import normalise_path
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parent / "fixtures"
PATHS = FIXTURES / "paths"
MINE = ("hubspot", "salesforce", "ga4", "paths", "csv")


def read(path: Path) -> tuple[list[Row], list[Rejected]]:
    parsed = list(JourneyPaths().read(path, ReadOptions()))
    return (
        [p for p in parsed if isinstance(p, Row)],
        [p for p in parsed if isinstance(p, Rejected)],
    )


def table(rows: list[Row]) -> list[tuple[object, ...]]:
    assert {r.table for r in rows} == {"journey_paths"}
    assert all(r.values["source"] == "paths" for r in rows)
    assert all(r.values["key"] == f"paths|{r.values['path']}" for r in rows)
    return [(r.values["path"], r.values["conversions"], r.values["value"], r.values["nulls"]) for r in rows]  # fmt: skip


def test_registry_finds_the_connector() -> None:
    assert isinstance(get_source("paths"), JourneyPaths)


def test_comma_separated_with_a_repeated_path_summed() -> None:
    rows, _ = read(PATHS / "paths.csv")
    assert table(rows) == [
        # "linkedin > email > direct" and "linkedin>email>direct" are one path: summed
        ("linkedin > email > direct", 4.0, 500.0, 15.0),
        ("facebook", 0.0, 0.0, 40.0),
        ("paid-search > linkedin", 2.0, 1250.5, 5.0),
    ]


def test_bad_rows_are_rejected_with_line_and_column() -> None:
    _, rejected = read(PATHS / "paths.csv")
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (5, "path", "the path ' > email' has an empty step (two '>' in a row, or one at an end)"),
        (6, "total_conversions", "expected a count or value of 0 or more, got '-1'"),
        (7, "total_conversions", "expected a number, got 'two'"),
    ]
    assert rejected[1].raw == "x > email,-1,0,0"


def test_reading_for_the_models_gives_one_row_per_distinct_path(tmp_path: Path) -> None:
    file = tmp_path / "p.csv"
    file.write_text("path;total_conversions;total_conversion_value\na>b;1;2,5\na > b;1;1\nc;0;0\n")
    assert read_path_rows(file) == [("a > b", 2.0, 3.5, 0.0), ("c", 0.0, 0.0, 0.0)]


def test_reading_for_the_models_refuses_a_file_with_rejected_rows() -> None:
    file = PATHS / "paths.csv"
    expected = (
        f"{file}: 3 rows rejected (line 5: the path ' > email' has an empty step (two '>' in a "
        "row, or one at an end); line 6: expected a count or value of 0 or more, got '-1'; "
        "line 7: expected a number, got 'two')"
    )
    with pytest.raises(PathsFileError) as raised:
        read_path_rows(file)
    assert str(raised.value) == expected


def test_semicolons_arrows_without_spaces_and_decimal_commas() -> None:
    rows, rejected = read(PATHS / "paths_semicolon.csv")
    assert rejected == []
    assert table(rows) == [
        ("alpha > beta", 2.0, 12.5, 7.0),  # "12,5" in a ;-separated file
        ("alpha > beta > gamma", 1.0, 3.75, 0.0),
        ("beta", 0.0, 0.0, 11.0),
        ("gamma", 1.0, 1.25, 0.0),  # "1,250" too: the comma is the decimal mark there
    ]


def test_absent_value_and_null_columns_count_as_zero() -> None:
    rows, rejected = read(PATHS / "paths_minimal.csv")
    assert rejected == []
    assert table(rows) == [("linkedin > website", 4.0, 0.0, 0.0), ("website", 1.5, 0.0, 0.0)]


def test_other_header_names(tmp_path: Path) -> None:
    path = tmp_path / "fractribution.csv"
    path.write_text("transformedPath\tconversions\trevenue\tnonConversions\na > b\t1\t9\t2\n")
    assert JourneyPaths().detect(path, path.read_bytes())
    rows, _ = read(path)
    assert table(rows) == [("a > b", 1.0, 9.0, 2.0)]


def test_a_file_without_conversions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "paths.csv"
    path.write_text("path,total_null\na > b,3\n")
    assert not JourneyPaths().detect(path, path.read_bytes())
    with pytest.raises(SourceError, match="'total_conversions'"):
        list(JourneyPaths().read(path, ReadOptions()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a>b", "a > b"), ("  a  >b >   c ", "a > b > c"), ("Paid Search", "Paid Search")],
)
def test_normalise_path(text: str, expected: str) -> None:
    assert normalise_path(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "a >> b", "a >", "> a"])
def test_normalise_path_refuses_empty_steps(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        normalise_path(text)


def test_detects_its_files_and_refuses_the_others() -> None:
    for path in sorted(p for name in MINE for p in (FIXTURES / name).iterdir()):
        head = path.read_bytes()[:HEAD_BYTES]
        assert JourneyPaths().detect(path, head) == (path.parent.name == "paths"), path.name


def test_the_registry_picks_this_connector_for_its_files() -> None:
    for path in sorted((FIXTURES / "paths").iterdir()):
        assert detect_source(path) is get_source("paths"), path.name


def test_a_re_export_without_the_value_column_keeps_stored_values(tmp_path: Path) -> None:
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    full = tmp_path / "march.csv"
    full.write_text("path,total_conversions,total_conversion_value,total_null\na > b,2,90,5\n")
    thinner = tmp_path / "march-again.csv"
    thinner.write_text("path,total_conversions\na > b,3\nc,1\n")
    with Warehouse.open(tmp_path) as warehouse:
        ingest_file(warehouse, get_source("paths"), full)
        result = ingest_file(warehouse, get_source("paths"), thinner)
        stored = warehouse.duckdb.execute(
            "SELECT path, conversions, value, nulls FROM journey_paths ORDER BY path"
        ).fetchall()
    # The conversions the file states are updated; the value and nulls it does not state are
    # kept for the stored path (not zeroed) and are 0 for the new one.
    assert stored == [("a > b", 3.0, 90.0, 5.0), ("c", 1.0, 0.0, 0.0)]
    assert (result.read, result.loaded, result.updated) == (2, 1, 1)
    assert dict(result.changed_columns) == {"conversions": 1}


def test_a_repeated_path_is_accounted_for_as_summed_into_its_first_row(tmp_path: Path) -> None:
    # read = loaded + ignored: the repeat's counts are in the first row, and the summary
    # says so, rather than a file of 3 rows reporting 2 read.
    file = tmp_path / "journeys.csv"
    file.write_text("path;total_conversions;total_conversion_value\na > b;1;2,5\nc;0;0\na>b;1;1\n")
    with Warehouse.open(tmp_path) as warehouse:
        result = ingest_file(warehouse, JourneyPaths(), file, ReadOptions())
    assert (result.read, result.loaded, result.ignored_total) == (3, 2, 1)
    assert result.ignored == {"a repeat of an earlier row's path, added to its totals": 1}
