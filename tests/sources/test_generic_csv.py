"""The generic CSV connector (a declared table and mapping) and the shared cell helpers."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.sources.base import Notice, Parsed, ReadOptions, Rejected, Row, SourceError
from outcomes.sources.fields import (
    FieldError,
    cell_text,
    is_empty,
    parse_bool,
    parse_decimal,
    parse_money,
)
from outcomes.sources.generic_csv import _TABLES, GenericCsv, _column, _parser
from outcomes.sources.registry import HEAD_BYTES, get_source
from outcomes.tables import ACTIVITY_KINDS, CLOSED_COLUMNS, ENTITY_KINDS, TableName
from tests import lane

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
    assert rejected[0].reason.endswith(
        ", got 'refund'; a value map can translate the export's own words"
    )
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


def test_a_cost_file_states_its_currency_through_the_mapping(tmp_path: Path) -> None:
    paid = tmp_path / "paid.csv"
    paid.write_text(
        "Tactic,Month,Spend,Type,Currency\n"
        "rep-posts,2026-03-01,300,ads,USD\n"
        "rep-posts,2026-04-01,200,ads,\n",
        encoding="utf-8",
    )
    mapping = {"tactic": "Tactic", "date": "Month", "amount": "Spend", "kind": "Type",
               "currency": "Currency"}  # fmt: skip
    rows, rejected = read(paid, "costs", mapping)
    assert rejected == []
    assert [(r.values["amount"], r.values.get("currency")) for r in rows] == [
        (300.0, "USD"),
        (200.0, None),  # stated nothing: taken as the plan's
    ]


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


# --- typed values and value maps ----------------------------------------------------------

INBOX = {
    "native_id": "Message ID", "channel": "Network", "kind": "Type", "ts": "Date",
    "text": "Message",
}  # fmt: skip
SNAPSHOTS = {
    "date": "Month", "channel": "Channel", "entity": "Group", "entity_kind": "Scope",
    "metric": "Metric", "value": "Value",
}  # fmt: skip


def parse(
    path: Path,
    table: TableName,
    mapping: dict[str, str],
    value_maps: dict[str, dict[str, str]] | None = None,
) -> list[Parsed]:
    # The files' times are UTC, said so: no notice that times without a zone are read as UTC.
    options = ReadOptions(table=table, mapping=mapping, value_maps=value_maps, timezone="UTC")
    return list(GenericCsv().read(path, options))


def test_an_unknown_entity_kind_is_a_rejected_row_naming_the_allowed_values(
    tmp_path: Path,
) -> None:
    file = tmp_path / "helpdesk.csv"
    file.write_text(
        "Month,Channel,Group,Scope,Metric,Value\n"
        "2026-01-31,helpdesk,Support,team,tickets_created,1315\n"
        "2026-01-31,helpdesk,Support,zzz,tickets_deflected,100\n"
    )
    ok, bad = parse(file, "metric_snapshots", SNAPSHOTS)
    assert isinstance(ok, Row) and ok.values["entity_kind"] == "team"
    assert isinstance(bad, Rejected)
    assert (bad.line, bad.column) == (3, "Scope")
    assert bad.reason == (
        f"expected one of {', '.join(ENTITY_KINDS)}, got 'zzz'; "
        "a value map can translate the export's own words"
    )


def test_a_value_map_reads_a_help_desks_inbound_message_as_message_in(tmp_path: Path) -> None:
    file = tmp_path / "inbox.csv"
    file.write_text(
        "Message ID,Network,Type,Date,Message\n"
        "1,X,Message,2026-03-02 09:00,Where is my parcel?\n"
        "2,X,Reply,2026-03-02 09:20,It left the depot this morning.\n"
        "3,X, message ,2026-03-02 10:00,Thanks!\n"
        "4,X,Note,2026-03-02 10:05,internal\n"
        "5,X,comment,2026-03-02 10:06,Nice\n"
    )
    parsed = parse(file, "activities", INBOX, {"kind": {"Message": "message_in"}})[:-1]
    kinds = [p.values["kind"] if isinstance(p, Row) else None for p in parsed]
    assert kinds == ["message_in", "reply", "message_in", None, "comment"]
    rejected = parsed[3]
    assert isinstance(rejected, Rejected) and (rejected.line, rejected.column) == (5, "Type")
    assert rejected.reason == f"expected one of {', '.join(ACTIVITY_KINDS)}, got 'Note'"
    # Without the map, the same word is a message of ours: why the map exists.
    plain = parse(file, "activities", INBOX)[0]
    assert isinstance(plain, Row) and plain.values["kind"] == "message"


def test_answers_that_name_nothing_they_answer_are_named_by_the_load(tmp_path: Path) -> None:
    # A help desk's Instagram inbox: their messages and our replies. Without in_reply_to
    # conversation health pairs no reply with its message and calls the account 0%
    # answered; the load must say so, not leave the user to find "low-response" later.
    file = tmp_path / "inbox.csv"
    file.write_text(
        "Message ID,In reply to,Network,Type,Date,Message\n"
        "m1,,Instagram,Message,05/09/2026 19:40,Do you do bike fitting?\n"
        "m2,m1,Instagram,Reply,05/09/2026 20:25,We do: book online\n"
        "m3,,Instagram,Message,14/09/2026 08:05,Is my bike ready?\n"
        "m4,m3,Instagram,Reply,14/09/2026 11:05,Ready now\n"
    )
    maps = {"kind": {"Message": "message_in"}}
    *rows, notice = parse(file, "activities", INBOX, maps)
    assert [type(r) for r in rows] == [Row] * 4
    assert isinstance(notice, Notice)
    assert notice.text.startswith("2 answers of ours (kind reply or message) name nothing")
    assert "Map the header holding the id of the message each one answers to in_reply_to" in (
        notice.text
    )
    paired = parse(file, "activities", {**INBOX, "in_reply_to": "In reply to"}, maps)
    assert all(isinstance(p, Row) for p in paired)
    assert [p.values["in_reply_to"] for p in paired if isinstance(p, Row)] == [
        None, "m1", None, "m3"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "maps", "message"),
    [
        ("activities", {"kind": {"Message": "inbound"}}, "maps 'Message' to 'inbound'; map it to"),
        ("activities", {"channel": {"X": "x"}}, "'activities.channel' has none"),
    ],
)
def test_value_maps_that_cannot_work_are_refused(
    tmp_path: Path, table: TableName, maps: dict[str, dict[str, str]], message: str
) -> None:
    file = tmp_path / "inbox.csv"
    file.write_text("Message ID,Network,Type,Date,Message\n1,X,Message,2026-03-02 09:00,hi\n")
    with pytest.raises(SourceError, match=message):
        parse(file, table, INBOX, maps)


WORDS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=1
).filter(lambda word: word.strip() != "")


@given(
    raws=st.lists(WORDS, min_size=1, max_size=8),
    vocabulary=st.sampled_from(sorted(CLOSED_COLUMNS)),
    data=st.data(),
)
def test_every_closed_cell_is_its_mapped_value_its_vocabulary_word_or_a_rejection(
    raws: list[str], vocabulary: tuple[str, str], data: st.DataObject
) -> None:
    table, column = vocabulary
    allowed = CLOSED_COLUMNS[vocabulary]
    mapped = data.draw(st.lists(st.sampled_from(raws), unique=True))
    value_map = {raw: data.draw(st.sampled_from(allowed)) for raw in mapped}
    parser = _parser(table, _column(_TABLES[table], column), False, _normal(value_map))
    for raw in raws:
        known = {k.strip().casefold(): v for k, v in value_map.items()}
        word = re.sub(r"[\s-]+", "_", raw.strip().casefold())
        try:
            value = parser(f"  {raw.swapcase()} ")
        except FieldError as exc:
            assert raw.strip().casefold() not in known and word not in allowed
            assert str(exc).startswith(f"expected one of {', '.join(allowed)}")
        else:
            if raw.strip().casefold() in known:
                assert value == known[raw.strip().casefold()]
            elif is_empty(raw):
                assert value is None  # "none", "n/a": the exports' way of saying no value
                continue
            else:
                assert value == word
            assert value in allowed


def _normal(value_map: dict[str, str]) -> dict[str, str]:
    return {raw.strip().casefold(): value for raw, value in value_map.items()}


@settings(max_examples=lane.examples(30), deadline=None)
@given(
    types=st.lists(
        st.sampled_from(["Message", "Reply", "comment", "Note", "", "MESSAGE", "zzz"]),
        min_size=1,
        max_size=12,
    )
)
def test_every_row_is_accounted_for(types: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "inbox.csv"
        lines = [f"{i},X,{kind},2026-03-02 09:00,hi" for i, kind in enumerate(types)]
        file.write_text("Message ID,Network,Type,Date,Message\n" + "\n".join(lines) + "\n")
        read = parse(file, "activities", INBOX, {"kind": {"message": "message_in"}})
    # A notice is no record: it says the replies name nothing they answer.
    parsed = [item for item in read if not isinstance(item, Notice)]
    assert len(read) - len(parsed) == ("Reply" in types)
    assert len(parsed) == len(types)
    for kind, item in zip(types, parsed, strict=True):
        good = kind.casefold() in ("message", "reply", "comment")
        assert isinstance(item, Row if good else Rejected)


def test_a_value_map_translates_a_word_that_reads_as_no_value() -> None:
    closed = _parser("activities", _column(_TABLES["activities"], "kind"), False, {"none": "post"})
    assert closed("None") == "post"
    assert _parser("activities", _column(_TABLES["activities"], "kind"), False)("None") is None


def test_a_conversion_that_says_where_it_came_from_is_also_a_touch_there(tmp_path: Path) -> None:
    """A loyalty sheet's "Where joined" and "Campaign" are where the new customer came
    from: each row is a conversion and a touch at the same instant, so attribution can
    credit the tactic that claims the campaign; a row naming neither is no touch."""
    file = tmp_path / "signups.csv"
    file.write_text(
        "Joined,Customer no.,Where joined,Campaign\n"
        "2026-09-06,C4120,Saturday ride,saturday-rides\n"
        "2026-09-16,C2231,In shop,\n"
        "2026-09-20,C2240,,\n"
    )
    mapping = {"ts": "Joined", "customer_id": "Customer no.", "journey_id": "Customer no.",
               "channel": "Where joined", "campaign": "Campaign"}  # fmt: skip
    options = ReadOptions(
        table="conversions",
        mapping=mapping,
        values={"type": "new_customer"},
        key=["Customer no."],
        channels={"Saturday ride": "event", "In shop": "offline"},
    )
    rows = [p for p in GenericCsv().read(file, options) if isinstance(p, Row)]
    assert [(r.table, r.line) for r in rows] == [
        ("conversions", 2), ("touchpoints", 2), ("conversions", 3), ("touchpoints", 3),
        ("conversions", 4),
    ]  # fmt: skip
    touch = rows[1].values
    assert touch == {
        "key": f"csv|conversion_source|{rows[0].values['key']}",
        "source": "csv",
        "journey_id": "C4120",
        "customer_id": "C4120",
        "ts": utc(2026, 9, 6),
        "channel": "event",
        "event": "conversion_source",
        "utm_campaign": "saturday-rides",
    }
    assert (rows[3].values["channel"], rows[3].values["utm_campaign"]) == ("offline", None)


@pytest.mark.parametrize(
    ("values", "journey"),
    [
        # Hires and deflected tickets are claimed by their campaign or channel directly.
        ({"type": "hire"}, "Candidate"),
        ({"type": "ticket_deflected"}, "Candidate"),
        # A file-wide journey id would make everybody one person.
        ({"type": "new_customer", "journey_id": "helpdesk"}, None),
    ],
)
def test_conversions_on_no_ones_journey_make_no_touch(
    tmp_path: Path, values: dict[str, str], journey: str | None
) -> None:
    file = tmp_path / "rows.csv"
    file.write_text("When,Candidate,Source\n2026-05-02,P-1,LinkedIn\n")
    mapping = {"ts": "When", "channel": "Source"} | ({"journey_id": journey} if journey else {})
    options = ReadOptions(table="conversions", mapping=mapping, values=values)
    rows = [p for p in GenericCsv().read(file, options) if isinstance(p, Row)]
    assert [r.table for r in rows] == ["conversions"]
