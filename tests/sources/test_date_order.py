"""Numeric dates are read one way per column, decided from the whole column (issue 13).

"09/01/2026" is 9 January or 1 September; read row by row, one column got both readings and
127 patients were dated in the future. These run real files through the real connectors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.sources import ReadOptions, Row, SourceError, get_source
from outcomes.sources.date_order import ColumnEvidence, UndecidedError, read_numeric

UTC = dt.UTC
HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date\n"


def created(path: Path, options: ReadOptions | None = None) -> list[dt.datetime]:
    parsed = get_source("salesforce").read(path, options or ReadOptions())
    return [p.values["ts"] for p in parsed if isinstance(p, Row)]


def report(tmp_path: Path, *dates: str) -> Path:
    path = tmp_path / "report.csv"
    body = "".join(f"X{i},Deal {i},Prospecting,{day}\n" for i, day in enumerate(dates))
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_one_day_first_value_decides_the_whole_column(tmp_path: Path) -> None:
    # Read row by row, 09/01 became 1 September next to 21 January.
    path = report(tmp_path, "09/01/2026", "21/01/2026", "03/02/2026")
    assert created(path) == [
        dt.datetime(2026, 1, 9, tzinfo=UTC),
        dt.datetime(2026, 1, 21, tzinfo=UTC),
        dt.datetime(2026, 2, 3, tzinfo=UTC),
    ]


def test_one_month_first_value_decides_it_the_other_way(tmp_path: Path) -> None:
    path = report(tmp_path, "09/01/2026", "01/21/2026")
    assert created(path) == [
        dt.datetime(2026, 9, 1, tzinfo=UTC),
        dt.datetime(2026, 1, 21, tzinfo=UTC),
    ]


def test_two_orders_in_one_column_refuse_the_file_naming_both_lines(tmp_path: Path) -> None:
    path = report(tmp_path, "21/01/2026", "01/21/2026")
    with pytest.raises(
        SourceError, match=r"day first on line 2 \(21/01/2026\) but month first on line 3"
    ):
        created(path)


def test_a_column_ambiguous_throughout_needs_the_setting(tmp_path: Path) -> None:
    path = report(tmp_path, "09/01/2026", "03/02/2026")
    with pytest.raises(SourceError, match=r"--date-order dmy .* date_order"):
        created(path)
    assert created(path, ReadOptions(date_order="mdy")) == [
        dt.datetime(2026, 9, 1, tzinfo=UTC),
        dt.datetime(2026, 3, 2, tzinfo=UTC),
    ]
    assert created(path, ReadOptions(date_order="dmy"))[0] == dt.datetime(2026, 1, 9, tzinfo=UTC)


def test_excel_two_digit_years_and_am_pm(tmp_path: Path) -> None:
    # Every row of a real Salesforce report saved through Excel was rejected before.
    path = report(tmp_path, "02/23/26 08:55 PM", "3/1/26 12:05 AM")
    assert created(path) == [
        dt.datetime(2026, 2, 23, 20, 55, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 0, 5, tzinfo=UTC),
    ]


def test_european_dots_with_a_time(tmp_path: Path) -> None:
    path = report(tmp_path, "23.02.2026 20:55", "01.03.2026 08:00")
    assert created(path) == [
        dt.datetime(2026, 2, 23, 20, 55, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    ]


def test_a_platform_convention_reads_an_ambiguous_column(tmp_path: Path) -> None:
    # Meta Business Suite writes month first everywhere; its exports follow that.
    path = tmp_path / "facebook.csv"
    path.write_text(
        "Post ID,Page ID,Page name,Publish time\n1_1,1,Northwind,03/01/2026 09:15\n",
        encoding="utf-8",
    )
    [row] = list(get_source("meta").read(path, ReadOptions()))
    assert isinstance(row, Row) and row.values["ts"] == dt.datetime(2026, 3, 1, 9, 15, tzinfo=UTC)


DAY = st.integers(1, 28)
MONTH = st.integers(1, 12)


@given(
    days=st.lists(st.tuples(DAY, MONTH), min_size=1, max_size=30),
    order=st.sampled_from(["dmy", "mdy"]),
)
def test_a_decided_column_never_reads_a_value_two_ways(
    days: list[tuple[int, int]], order: str
) -> None:
    evidence = ColumnEvidence("Date")
    texts = [
        f"{d:02d}/{m:02d}/2026" if order == "dmy" else f"{m:02d}/{d:02d}/2026" for d, m in days
    ]
    for line, text in enumerate(texts, start=2):
        evidence.observe(text, line)
    try:
        decided = evidence.decide(None, None)
    except UndecidedError:
        assert all(d <= 12 for d, _ in days)  # only a column that never tells is undecided
        return
    assert decided == order
    assert [read_numeric(t, decided) for t in texts] == [dt.datetime(2026, m, d) for d, m in days]
