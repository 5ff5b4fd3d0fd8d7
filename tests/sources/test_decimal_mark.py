"""One decimal mark per column, decided from the whole column (issues 12 and 13).

"€1.234" was stored as €1.23 next to "€12,50" in the same column. These run real files
through the real connectors, and a property over numbers written both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.base import Parsed
from outcomes.sources.decimal_mark import reading, rewrite

HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date,Amount\n"


def amounts(path: Path, options: ReadOptions | None = None) -> list[object]:
    parsed = get_source("salesforce").read(path, options or ReadOptions())
    return [p.values["value"] if isinstance(p, Row) else p.reason for p in records(parsed)]


def records(parsed: Iterable[Parsed]) -> list[Row | Rejected]:
    """What the report's rows gave, without its notices (the columns it lacks)."""
    return [p for p in parsed if isinstance(p, Row | Rejected)]


def report(tmp_path: Path, *cells: str) -> Path:
    path = tmp_path / "report.csv"
    body = "".join(f'X{i},Deal {i},Prospecting,2026-03-14,"{c}"\n' for i, c in enumerate(cells))
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_one_telling_value_decides_the_column(tmp_path: Path) -> None:
    path = report(tmp_path, "EUR 1.234", "EUR 12,50", "EUR 1.234.567,89")
    assert amounts(path) == [1234.0, 12.5, 1234567.89]


def test_the_other_mark_decides_it_the_other_way(tmp_path: Path) -> None:
    path = report(tmp_path, "$1,234", "$12.50")
    assert amounts(path) == [1234.0, 12.5]


def test_two_marks_in_one_column_refuse_the_file(tmp_path: Path) -> None:
    path = report(tmp_path, "€12,500.00", "12.500,00 €")
    with pytest.raises(SourceError, match=r"decimal point on line 2 .* decimal comma on line 3"):
        amounts(path)


def test_an_amount_no_value_tells_is_rejected_not_guessed(tmp_path: Path) -> None:
    path = report(tmp_path, "€1.234", "€5.000")
    reasons = amounts(path)
    assert all(isinstance(r, str) and "--decimal-mark" in r for r in reasons)
    assert amounts(path, ReadOptions(decimal_mark="comma")) == [1234.0, 5000.0]
    assert amounts(path, ReadOptions(decimal_mark="point")) == [1.234, 5.0]


def test_a_count_no_value_tells_is_grouped_thousands(tmp_path: Path) -> None:
    # 2,310 views cannot be 2.31 views: a whole-number column reads the comma as grouping.
    path = tmp_path / "facebook.csv"
    path.write_text(
        'Post ID,Page ID,Page name,Publish time,Views\n1_1,1,Northwind,2026-03-01 09:15,"2,310"\n',
        encoding="utf-8",
    )
    [row] = list(get_source("meta").read(path, ReadOptions()))
    assert isinstance(row, Row) and row.values["views"] == 2310


def test_a_rejected_amount_names_its_line(tmp_path: Path) -> None:
    path = report(tmp_path, "€1.234")
    [rejected] = records(get_source("salesforce").read(path, ReadOptions()))
    assert isinstance(rejected, Rejected) and (rejected.line, rejected.column) == (2, "Amount")


AMOUNT = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(
    value=AMOUNT,
    mark=st.sampled_from(["point", "comma"]),
    currency=st.sampled_from(["", "€", "EUR "]),
)
def test_any_amount_written_either_way_reads_back_the_same(
    value: object, mark: str, currency: str
) -> None:
    english = f"{value:,.2f}"
    text = english if mark == "point" else english.translate(str.maketrans(",.", ".,"))
    cell = currency + text
    assert reading(cell) == mark  # two decimals always tell
    rewritten = rewrite(cell, mark)  # type: ignore[arg-type]
    assert float(rewritten.removeprefix(currency).strip()) == float(f"{value:.2f}")


def test_a_whole_number_column_of_a_mapped_csv_reads_grouping(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        'id,when,kind,channel,impressions\n1,2026-03-14,post,linkedin,"1,234"\n', encoding="utf-8"
    )
    options = ReadOptions(
        table="activities",
        mapping={"native_id": "id", "ts": "when", "kind": "kind", "channel": "channel",
                 "impressions": "impressions"},
    )  # fmt: skip
    [row] = list(get_source("csv").read(path, options))
    assert isinstance(row, Row) and row.values["impressions"] == 1234
