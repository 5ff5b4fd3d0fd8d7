"""Damaged journey-path files and workbooks: located rejections or one SourceError.

The workbook cases go through `tabular`'s xlsx/xls readers, which every workbook connector
uses; the paths connector reads workbooks too, so it drives them here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.paths import JourneyPaths
from outcomes.sources.tabular import iter_rows, sheet_names
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from tests import lane
from tests.sources.damaged import (
    assert_one_line,
    ingest_outcome,
    read_outcome,
    rejections,
    rows,
    stored_rejections,
)

NONE = ReadOptions()
HEADER = ["path", "total_conversions", "total_conversion_value", "total_null"]


def xlsx_bytes(rows_: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows_:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(rows_: list[list[object]]) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Paths")
    for r, row in enumerate(rows_):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PATHS = [HEADER, *([f"linkedin > email > s{i}", i % 3, 10.5, 2] for i in range(200))]


def test_numbers_out_of_range_are_rejected_by_line(tmp_path: Path, warehouse: Warehouse) -> None:
    path = tmp_path / "paths.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "a > b,1,10,0\n"
        "a > c,1e999,10,0\n"
        f"a > d,1,{'9' * 400},0\n"
        "a > e,1,1e308,0\n"
        "a > e,1,1e308,0\n"
        "a > f,NaN,1,0\n",
        encoding="utf-8",
    )

    parsed = read_outcome(JourneyPaths(), path, NONE)

    assert [r.values["path"] for r in rows(parsed)] == ["a > b"]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (3, "total_conversions"),
        (4, "total_conversion_value"),
        (7, "total_conversions"),
        (5, "total_conversion_value"),  # each row in range, their sum is not
    ]
    result = ingest_outcome(warehouse, JourneyPaths(), path, NONE)
    assert isinstance(result, IngestResult)
    assert (result.loaded, result.rejected) == (1, 4)
    assert [n for n, _ in stored_rejections(warehouse, result)] == [3, 4, 5, 7]


def test_good_workbooks_load(tmp_path: Path) -> None:
    for name, data in (("p.xlsx", xlsx_bytes(PATHS)), ("p.xls", xls_bytes(PATHS))):
        path = tmp_path / name
        path.write_bytes(data)
        assert len(rows(read_outcome(JourneyPaths(), path, NONE))) == 200


def broken_sheet_xml(data: bytes) -> bytes:
    """The same xlsx with its sheet's XML broken half-way; the zip itself stays valid."""
    return with_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda c: c[: len(c) // 2] + b"<c r='<<&&" + c[len(c) // 2 :],
    )


def broken_workbook_xml(data: bytes) -> bytes:
    """The same xlsx with its workbook part cut short: openpyxl fails while opening it."""
    return with_member(data, "xl/workbook.xml", lambda c: c[: len(c) // 2])


def with_member(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one member's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def tiny_sectors(data: bytes) -> bytes:
    """The same xls with a sector size of 2 bytes in its OLE header: xlrd divides by zero
    (found by the damage property below)."""
    return data[:30] + (1).to_bytes(2, "little") + data[32:]


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("xml.xlsx", lambda: broken_sheet_xml(xlsx_bytes(PATHS))),
        ("cut.xlsx", lambda: xlsx_bytes(PATHS)[:-200]),
        ("half.xlsx", lambda: xlsx_bytes(PATHS)[: len(xlsx_bytes(PATHS)) // 2]),
        ("cut.xls", lambda: xls_bytes(PATHS)[:3000]),
        ("half.xls", lambda: xls_bytes(PATHS)[: len(xls_bytes(PATHS)) // 2]),
        ("head.xls", lambda: xls_bytes(PATHS)[:600]),
        ("sector.xls", lambda: tiny_sectors(xls_bytes(PATHS))),
    ],
)
def test_a_damaged_workbook_is_one_source_error(
    tmp_path: Path, warehouse: Warehouse, name: str, damage: object
) -> None:
    path = tmp_path / name
    assert callable(damage)
    path.write_bytes(damage())

    outcome = read_outcome(JourneyPaths(), path, NONE)

    assert isinstance(outcome, SourceError)
    assert "workbook" in str(outcome)
    assert isinstance(ingest_outcome(warehouse, JourneyPaths(), path, NONE), SourceError)
    for reader in (sheet_names, lambda p: list(iter_rows(p))):
        try:
            reader(path)
        except SourceError as exc:
            assert_one_line(exc, path)


def _open_files() -> list[str]:
    folder = Path("/proc/self/fd")
    return [str(fd.readlink()) for fd in folder.iterdir() if fd.exists()]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    ("name", "damage", "readers"),
    [
        ("bad-sheet.xlsx", lambda: broken_sheet_xml(xlsx_bytes(PATHS)), ("rows",)),
        ("bad-book.xlsx", lambda: broken_workbook_xml(xlsx_bytes(PATHS)), ("names", "rows")),
    ],
)
def test_a_refused_workbook_leaves_no_file_open(
    tmp_path: Path, name: str, damage: object, readers: tuple[str, ...]
) -> None:
    """Refused, the workbook's file is closed at once, not when its error is let go:
    openpyxl given a path leaves it open while the error's traceback lives (and a handle
    collected unclosed is a ResourceWarning, an error in this suite). A broken sheet is
    found reading rows; a broken workbook part already listing the sheets."""
    path = tmp_path / name
    assert callable(damage)
    path.write_bytes(damage())
    reading = {"names": sheet_names, "rows": lambda p: list(iter_rows(p))}
    for reader in readers:
        with pytest.raises(SourceError) as refused:
            reading[reader](path)
        assert refused.value is not None  # held while the files are looked at
        assert str(path) not in _open_files(), reader


def test_an_xls_date_out_of_range_is_kept_as_its_number(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    sheet.write(0, 0, "when")
    sheet.write(1, 0, 1e10, xlwt.easyxf(num_format_str="M/D/YYYY"))
    sheet.write(2, 0, dt.date(2026, 3, 2), xlwt.easyxf(num_format_str="M/D/YYYY"))
    path = tmp_path / "dates.xls"
    book.save(str(path))

    assert [cells for _, cells in iter_rows(path)] == [
        ["when"],
        [1e10],
        [dt.datetime(2026, 3, 2)],
    ]


@settings(
    max_examples=lane.examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kind=st.sampled_from(["xlsx", "xls"]),
    cut=st.integers(min_value=8, max_value=6000),
    flips=st.lists(st.tuples(st.integers(0, 6000), st.integers(0, 255)), max_size=8),
)
def test_any_damage_to_a_workbook_gives_rows_rejections_or_a_source_error(
    tmp_path: Path, kind: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(xlsx_bytes(PATHS[:20]) if kind == "xlsx" else xls_bytes(PATHS[:20]))
    for offset, value in flips:
        data[offset % len(data)] = value
    path = tmp_path / f"paths.{kind}"
    path.write_bytes(bytes(data[: max(cut, 8)]) if cut < len(data) else bytes(data))

    outcome = read_outcome(JourneyPaths(), path, NONE)

    if isinstance(outcome, list):
        assert all(isinstance(item, Row | Rejected) for item in outcome)


def test_a_missing_header_is_one_line_even_when_a_cell_breaks_lines(tmp_path: Path) -> None:
    # A stray quote makes one "cell" of several lines; the message quotes it on one line.
    path = tmp_path / "paths.csv"
    path.write_text('email,two,"0\npaid-search > linkedin,2,1",250.50\n')
    outcome = read_outcome(JourneyPaths(), path, NONE)
    assert isinstance(outcome, SourceError)
    assert "'0\\npaid-search > linkedin,2,1'" in str(outcome)
