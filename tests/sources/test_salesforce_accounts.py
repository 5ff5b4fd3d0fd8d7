"""A Salesforce report without Account ID never splits an account into two journeys unsaid.

Before, a report without the Account ID column keyed each opportunity's customer by its
Account Name, silently: loaded after a report with ids, one account was two journeys
(`salesforce:0015g…` and `salesforce:Acme`) and attribution credited their deals apart.
The fixtures are a Data Loader extract with AccountId and a report with Account Name
only, loaded into a real warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, SourceError, get_source
from outcomes.sources.base import Notice
from outcomes.sources.salesforce_accounts import by_id
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from tests.sources.damaged import counts

FIXTURES = Path(__file__).parent / "fixtures" / "salesforce"
BY_ID = FIXTURES / "opportunities_api.csv"
BY_NAME = FIXTURES / "opportunities.csv"
NAMES_ONLY = (
    "no column 'Account ID': each opportunity's account is known by its Account Name, so a "
    "renamed account, or a later report with Account IDs, makes a second journey of it. Add "
    "the column 'Account ID' to the report and export it again"
)


def test_a_report_of_account_names_alone_says_so() -> None:
    read = list(get_source("salesforce").read(BY_NAME, ReadOptions()))
    assert NAMES_ONLY in [p.text for p in read if isinstance(p, Notice)]


def test_a_report_of_names_is_refused_where_accounts_are_stored_by_id(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "ws") as warehouse:
        source = get_source("salesforce")
        first = ingest_file(warehouse, source, BY_ID, ReadOptions())
        assert first.loaded > 0
        before = counts(warehouse)

        with pytest.raises(SourceError) as refused:
            ingest_file(warehouse, source, BY_NAME, ReadOptions())

        assert counts(warehouse) == before
    message = str(refused.value)
    assert message.startswith(f"{BY_NAME}: the report names accounts by 'Account Name' alone")
    assert "holds 2 Salesforce accounts by their Account ID" in message
    assert message.endswith("Add the column 'Account ID' to the report and export it again")
    assert "\n" not in message


def test_a_report_of_ids_where_accounts_are_stored_by_name_loads_and_says_so(
    tmp_path: Path,
) -> None:
    with Warehouse.open(tmp_path / "ws") as warehouse:
        source = get_source("salesforce")
        ingest_file(warehouse, source, BY_NAME, ReadOptions())
        [stored] = warehouse.duckdb.execute(
            "SELECT count(DISTINCT customer_id) FROM conversions WHERE source = 'salesforce'"
        ).fetchall()[0]

        result = ingest_file(warehouse, source, BY_ID, ReadOptions())

    assert result.loaded > 0
    [notice] = [n for n in result.notices if "stored by Account Name" in n]
    assert notice.startswith(
        f"{stored} Salesforce accounts were stored by Account Name before this report"
    )


def test_an_account_id_is_told_from_a_name_by_its_shape() -> None:
    assert by_id("salesforce:0015g00000ACC01", "salesforce")
    assert by_id("salesforce:0015g00000ACC01AAA", "salesforce")
    assert not by_id("salesforce:Acme", "salesforce")
    assert not by_id("salesforce:0065g00000BBB01", "salesforce")  # an opportunity's id


def test_opportunities_keyed_by_name_for_an_empty_account_id_are_counted(
    tmp_path: Path,
) -> None:
    """Before, an empty Account ID cell fell back to the Account Name without a word."""
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity ID,Stage,Account ID,Account Name,Created Date,Lead Source\n"
        "0065g00000CCC01,Prospecting,0015g00000ACC01,Acme,2026-03-01,LinkedIn\n"
        "0065g00000CCC02,Prospecting,,Acme,2026-03-02,LinkedIn\n"
        "0065g00000CCC03,Prospecting,,Beta,2026-03-03,LinkedIn\n"
        "0065g00000CCC04,Prospecting,,,2026-03-04,LinkedIn\n",
        encoding="utf-8",
    )
    read = list(get_source("salesforce").read(path, ReadOptions()))

    said = [p.text for p in read if isinstance(p, Notice) and "'Account ID'" in p.text]
    assert said == [
        "2 opportunities have an empty 'Account ID' and were keyed by their Account Name "
        "('Acme', 'Beta'): an account named so and by its id is two journeys. Fill in the "
        "Account ID in Salesforce and export the report again"
    ]
