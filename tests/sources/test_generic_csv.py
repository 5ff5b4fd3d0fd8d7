"""The generic CSV connector (a declared table and mapping) and the shared cell helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.sources.base import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.fields import FieldError, cell_text, parse_bool, parse_decimal, parse_money
from outcomes.sources.generic_csv import GenericCsv
from outcomes.sources.registry import HEAD_BYTES, get_source
from outcomes.tables import TableName

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "csv"
MINE = ("hubspot", "salesforce", "ga4", "paths", "csv")
SENDS = {"ts": "Sent at", "journey_id": "Email", "utm_campaign": "Campaign", "channel": "Channel"}
ORDERS = {
    "key": "Order",
    "ts": "Date",
    "type": "Kind",
    "value": "Amount",
    "currency": "Currency",
    "customer_id": "Customer",
}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def read(
    path: Path, table: TableName | None, mapping: dict[str, str] | None
) -> tuple[list[Row], list[Rejected]]:
    parsed = list(GenericCsv().read(path, ReadOptions(table=table, mapping=mapping)))
    return (
        [p for p in parsed if isinstance(p, Row)],
        [p for p in parsed if isinstance(p, Rejected)],
    )


def test_registry_finds_the_connector() -> None:
    assert isinstance(get_source("csv"), GenericCsv)


def test_touchpoints_by_mapping() -> None:
    rows, rejected = read(CSV / "email_sends.csv", "touchpoints", SENDS)
    assert {r.table for r in rows} == {"touchpoints"}
    assert [{k: v for k, v in r.values.items() if k != "key"} for r in rows] == [
        {
            "source": "csv",
            "ts": utc(2026, 3, 2, 8),
            "journey_id": "ada@example.com",
            "utm_campaign": "march-digest",
            "channel": "email",  # "Newsletter" is the email channel
        },
        {
            "source": "csv",
            "ts": utc(2026, 3, 2, 8),
            "journey_id": "bo@example.com",
            "utm_campaign": "march-digest",
            "channel": "email",
        },
        {
            "source": "csv",
            "ts": utc(2026, 3, 9, 7),  # +01:00 in the file
            "journey_id": "di@example.com",
            "utm_campaign": None,
            "channel": "linkedin",
        },
    ]
    # no id column mapped: the key is made of the row's values
    assert rows[0].values["key"] == (
        "csv|touchpoints|email|ada@example.com|2026-03-02T08:00:00+00:00|march-digest"
    )
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (4, "Sent at", "'Sent at' is empty; ts is required"),
    ]


def test_conversions_in_a_semicolon_file_with_an_id_column() -> None:
    rows, rejected = read(CSV / "orders.csv", "conversions", ORDERS)
    summary = [
        (r.values["key"], r.values["type"], r.values["value"], r.values["currency"], r.values["ts"])
        for r in rows
    ]
    assert summary == [
        (
            "csv|conversions|A-1",
            "new_customer",
            1.25,
            "EUR",
            utc(2026, 3, 1),
        ),  # ;-file: comma is decimal
        ("csv|conversions|A-2", "order", 1250.75, "EUR", utc(2026, 3, 2)),
    ]
    assert rows[0].values["customer_id"] == "C-1"
    assert [(r.line, r.column) for r in rejected] == [(4, "Kind"), (5, "Date"), (6, "Amount")]
    assert rejected[0].reason.startswith("expected one of lead, qualified_lead,")
    assert rejected[0].reason.endswith(", got 'refund'")
    assert rejected[1].reason == "'Date' is empty; ts is required"
    assert rejected[2].reason == "expected a number, got 'abc'"


def test_costs_and_identical_rows_share_a_key() -> None:
    mapping = {
        "tactic": "Tactic",
        "date": "Month",
        "amount": "Spend",
        "kind": "Type",
        "note": "Note",
    }
    rows, rejected = read(CSV / "costs.csv", "costs", mapping)
    assert rejected == []
    assert [(r.values["tactic"], r.values["date"], r.values["amount"]) for r in rows] == [
        ("rep-posts", dt.date(2026, 3, 1), 300.0),
        ("rep-posts", dt.date(2026, 3, 1), 300.0),
        ("answer-mentions", dt.date(2026, 3, 1), 1200.0),
    ]
    keys = [r.values["key"] for r in rows]
    assert keys[0] == keys[1] != keys[2]


def test_a_mapping_without_a_required_column_is_refused() -> None:
    mapping = {"ts": "Sent at", "utm_campaign": "Campaign"}
    with pytest.raises(SourceError, match="does not say which CSV header holds journey_id"):
        read(CSV / "email_sends.csv", "touchpoints", mapping)


@pytest.mark.parametrize(
    ("table", "mapping", "message"),
    [
        (None, None, "needs a table and a mapping"),
        ("touchpoints", None, "needs a table and a mapping"),
        ("touchpoints", {}, "needs a table and a mapping"),
        ("ingests", SENDS, "no table 'ingests'"),
        ("touchpoints", {**SENDS, "sent": "Sent at"}, "'touchpoints' has no column 'sent'"),
    ],
)
def test_declarations_that_cannot_work_are_refused(
    table: TableName | None, mapping: dict[str, str] | None, message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        read(CSV / "email_sends.csv", table, mapping)


def test_a_mapped_header_missing_from_the_file_is_refused() -> None:
    with pytest.raises(SourceError, match="'Recipient'"):
        read(CSV / "email_sends.csv", "touchpoints", {**SENDS, "journey_id": "Recipient"})


def test_never_detected() -> None:
    for path in sorted(p for name in MINE for p in (FIXTURES / name).iterdir()):
        assert not GenericCsv().detect(path, path.read_bytes()[:HEAD_BYTES])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("€12,500.00", (12500.0, "EUR")),
        ("12.500,00 €", (12500.0, "EUR")),
        ("EUR 1.234.567,89", (1234567.89, "EUR")),
        ("USD 48,000.00", (48000.0, "USD")),
        ("US$1,000", (1000.0, "USD")),
        ("$1,200", (1200.0, None)),
        ("£99", (99.0, "GBP")),
        ("1 234,5 CHF", (1234.5, "CHF")),
        ("1,234", (1234.0, None)),
        (750, (750.0, None)),
        ("", (None, None)),
    ],
)
def test_parse_money(raw: object, expected: tuple[float | None, str | None]) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw", ["lots", "€", "EUR 5 USD", "1.2.3,4,5"])
def test_parse_money_refuses(raw: str) -> None:
    with pytest.raises(FieldError, match="expected an amount"):
        parse_money(raw)


@pytest.mark.parametrize(
    ("raw", "comma", "expected"),
    [
        ("1,234", False, 1234.0),
        ("1,234", True, 1.234),
        ("12,5", False, 12.5),
        ("1.234.567", False, 1234567.0),
        ("1'234.5", False, 1234.5),
        ("-3,25", True, -3.25),
        ("n/a", False, None),
    ],
)
def test_parse_decimal(raw: str, comma: bool, expected: float | None) -> None:
    assert parse_decimal(raw, decimal_comma=comma) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("FALSE", False), ("1", True), (0, False), ("yes", True), ("", None)],
)
def test_parse_bool(raw: object, expected: bool | None) -> None:
    assert parse_bool(raw) is expected


def test_parse_bool_refuses() -> None:
    with pytest.raises(FieldError, match="expected true or false"):
        parse_bool("maybe")


def test_cell_text() -> None:
    assert cell_text(9101.0) == "9101"
    assert cell_text("  x ") == "x"
    assert cell_text(" - ") is None
    assert cell_text(dt.date(2026, 3, 1)) == "2026-03-01"
