"""A row shifted by one column (an unquoted comma in a name) is rejected as that row.

Before, a Salesforce report whose account "Acme, Inc" was not quoted was refused whole
with "column 'Lead Source' has dates such as 2/1/2026 … set the order": the shifted row's
Created Date, read under Lead Source, made that column a date column no date decided.
Now the survey of a column's notation leaves out rows that do not line up with the header,
and the row is rejected naming its line and the shift; every delimited connector does so,
also for a row whose last cell is blank (a row wider than the file's others is no padding).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from tests.sources.corpus import Sheet, TextColumns, parse_sheet, render
from tests.sources.corpus_cases import CASES
from tests.sources.corpus_columns import (
    CONTACTS,
    DEALS,
    LINKEDIN,
    LINKEDIN_ADS,
    MAILCHIMP,
    META,
    META_ADS,
    ORDERS,
    PATHS,
    SALESFORCE,
    YOUTUBE,
)
from tests.sources.damaged import read_outcome, rejections

HEADER = "Opportunity ID,Opportunity Name,Account Name,Stage,Is Won,Amount,Close Date,Created Date,Lead Source\n"
GOOD = "0065A,Big deal,Beta,Closed Won,1,100,3/15/2026,1/20/2026,Web\n"


def test_an_unquoted_comma_in_a_salesforce_name_rejects_that_row_not_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "opportunities.csv"
    shifted = "0065B,Acme deal,Acme, Inc,Closed Won,1,200,3/16/2026,2/1/2026,LinkedIn\n"
    path.write_text(HEADER + GOOD + shifted, encoding="utf-8")

    parsed = list(get_source("salesforce").read(path, ReadOptions()))

    [rejected] = [p for p in parsed if isinstance(p, Rejected)]
    assert rejected.line == 3
    assert rejected.reason.startswith(
        "the row has 10 cells where the header has 9: its cells look shifted by one column, "
        "one cell too many"
    )
    assert {p.values["key"] for p in parsed if isinstance(p, Row)} >= {
        "salesforce|opportunity|0065A|deal_won"
    }


def test_a_refusal_for_undecided_dates_names_the_shifted_row_left_out(tmp_path: Path) -> None:
    """The one Close Date that told the order is in a row a cell short: the dates left read
    both ways, so the file is refused, saying that row was left out and why."""
    path = tmp_path / "opportunities.csv"
    short = "0065B,Acme deal,Acme,Closed Won,1,3/16/2026,2/1/2026,LinkedIn\n"
    both_ways = GOOD.replace("3/15/2026", "3/1/2026")
    path.write_text(HEADER + both_ways + short, encoding="utf-8")

    with pytest.raises(SourceError) as raised:
        list(get_source("salesforce").read(path, ReadOptions()))

    assert str(raised.value).endswith(
        "(line 3 left out: its cells look shifted by one column; fixed, its dates may decide)"
    )


DELIMITED: dict[str, TextColumns] = {
    "csv": ORDERS,
    "hubspot-contacts": CONTACTS,
    "hubspot-deals": DEALS,
    "salesforce": SALESFORCE,
    "meta": META,
    "linkedin-csv": LINKEDIN,
    "mailchimp": MAILCHIMP,
    "meta-ads": META_ADS,
    "linkedin-ads": LINKEDIN_ADS,
    "youtube": YOUTUBE,
    "paths": PATHS,
}


def _shifted(sheet: Sheet, columns: TextColumns, too_many: bool) -> tuple[bytes, int]:
    """The first data row shifted by one column from its text cell on, and its line."""
    sheet = copy.deepcopy(sheet)
    index = sheet.data_rows()[0]
    row = sheet.rows[index]
    at = sheet.column(columns.text)
    if too_many:
        row.insert(at + 1, "Inc")
    else:
        del row[at]
    return render(sheet), index + 1


def _params() -> list[object]:
    return [
        pytest.param(name, too_many, id=f"{name}: a cell too {'many' if too_many else 'few'}")
        for name in DELIMITED
        for too_many in (True, False)
    ]


@pytest.mark.parametrize(("name", "too_many"), _params())
def test_each_delimited_connector_rejects_a_row_shifted_by_one_column(
    tmp_path: Path, name: str, too_many: bool
) -> None:
    case, columns = CASES[name], DELIMITED[name]
    good = rejections(
        read_outcome(
            get_source(case.source), case.write(tmp_path / "good", case.good), case.options
        )
    )
    damaged, line = _shifted(parse_sheet(case.good, columns.header), columns, too_many)
    path = case.write(tmp_path / "shifted", damaged)

    found = rejections(read_outcome(get_source(case.source), path, case.options))

    [shifted] = [r for r in found if r.line == line]
    assert "its cells look shifted by one column" in shifted.reason
    assert {r.line for r in found} == {r.line for r in good} | {line}


def test_a_row_one_blank_cell_wider_than_its_neighbours_is_shifted(tmp_path: Path) -> None:
    """Before, a row ending in a blank cell that a cell too many pushed past the header read
    as padding, lined up, and was rejected (if at all) only by a value under the wrong
    header: Meta's "expected a number, got 'Lifetime'"."""
    path = tmp_path / "opportunities.csv"
    shifted = "0065B,Acme deal,Acme, Inc,Closed Won,1,200,3/16/2026,2/1/2026,\n"
    path.write_text(HEADER + GOOD + GOOD.replace("0065A", "0065C") + shifted, encoding="utf-8")

    parsed = list(get_source("salesforce").read(path, ReadOptions()))

    assert [(p.line, p.reason[:60]) for p in parsed if isinstance(p, Rejected)] == [
        (4, "the row has 10 cells where the header has 9: its cells look ")
    ]


def test_a_file_padding_every_row_with_a_blank_cell_loads_every_row(tmp_path: Path) -> None:
    """A spreadsheet pads every row alike (a trailing separator): that is no shift."""
    path = tmp_path / "opportunities.csv"
    rows = [GOOD, GOOD.replace("0065A", "0065C")]
    path.write_text(HEADER + "".join(r.replace("\n", ",\n") for r in rows), encoding="utf-8")

    parsed = list(get_source("salesforce").read(path, ReadOptions()))

    assert not [p for p in parsed if isinstance(p, Rejected)]
    assert {p.values["key"] for p in parsed if isinstance(p, Row)} >= {
        "salesforce|opportunity|0065A|deal_won",
        "salesforce|opportunity|0065C|deal_won",
    }
