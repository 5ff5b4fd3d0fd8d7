"""GA4 BigQuery export: campaign touchpoints, orders and leads from JSON Lines and Parquet."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from outcomes.sources.base import Ignored, ReadOptions, Rejected, Row, SourceError
from outcomes.sources.ga4 import GA4, UNTAGGED_VIEW
from outcomes.sources.registry import HEAD_BYTES, detect_source, get_source

FIXTURES = Path(__file__).parent / "fixtures"
EVENTS = FIXTURES / "ga4" / "events.jsonl"
MINE = ("hubspot", "salesforce", "ga4", "paths", "csv")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def read(path: Path) -> tuple[list[Row], list[Rejected]]:
    parsed = list(GA4().read(path, ReadOptions()))
    return (
        [p for p in parsed if isinstance(p, Row)],
        [p for p in parsed if isinstance(p, Rejected)],
    )


def detects(path: Path) -> bool:
    return GA4().detect(path, path.read_bytes()[:HEAD_BYTES])


TOUCHPOINTS = [
    {
        "key": "ga4|touch|123.456|1772445600|linkedin|social|spring-launch|carousel|",
        "source": "ga4",
        "journey_id": "123.456",
        "customer_id": None,
        "ts": utc(2026, 3, 2, 10),
        "channel": "linkedin",
        "event": "session_start",
        "utm_source": "linkedin",
        "utm_medium": "social",
        "utm_campaign": "spring-launch",
        "utm_content": "carousel",
        "utm_term": None,
    },
    {  # no collected_traffic_source: the UTMs of page_location
        "key": "ga4|touch|789.012|1772449200|facebook|paid_social|fb-retarget||",
        "source": "ga4",
        "journey_id": "789.012",
        "customer_id": "C-42",
        "ts": utc(2026, 3, 2, 11),
        "channel": "facebook",
        "event": "page_view",
        "utm_source": "facebook",
        "utm_medium": "paid_social",
        "utm_campaign": "fb-retarget",
        "utm_content": None,
        "utm_term": None,
    },
    {  # a first visit: the user's first acquisition
        "key": "ga4|touch|555.666|1772530200|newsletter|email|march-digest||",
        "source": "ga4",
        "journey_id": "555.666",
        "customer_id": None,
        "ts": utc(2026, 3, 3, 9, 30),
        "channel": "email",
        "event": "first_visit",
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "march-digest",
        "utm_content": None,
        "utm_term": None,
    },
    {  # a Google Ads click with only a gclid
        "key": "ga4|touch|321.654|1772539200|google|cpc|||",
        "source": "ga4",
        "journey_id": "321.654",
        "customer_id": None,
        "ts": utc(2026, 3, 3, 12),
        "channel": "paid-search",
        "event": "session_start",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": None,
        "utm_content": None,
        "utm_term": None,
    },
]
CONVERSIONS = [
    {  # the same transaction logged twice gives one order
        "key": "ga4|order|T-1001",
        "source": "ga4",
        "customer_id": "C-42",
        "journey_id": "789.012",
        "ts": utc(2026, 3, 2, 11, 5),
        "type": "order",
        "value": 120.5,
        "currency": "EUR",
        "campaign": None,
        "channel": None,
    },
    {  # no user_pseudo_id: the user id is the journey; campaign from the last click
        "key": "ga4|C-77|1772528400000000|generate_lead||",
        "source": "ga4",
        "customer_id": "C-77",
        "journey_id": "C-77",
        "ts": utc(2026, 3, 3, 9),
        "type": "lead",
        "value": 15.0,
        "currency": "USD",
        "campaign": "march-digest",
        "channel": "email",
    },
]


def test_registry_finds_the_connector() -> None:
    assert isinstance(get_source("ga4"), GA4)


def test_json_lines() -> None:
    rows, _ = read(EVENTS)
    assert [r.values for r in rows if r.table == "touchpoints"] == TOUCHPOINTS
    assert [r.values for r in rows if r.table == "conversions"] == CONVERSIONS
    assert len(rows) == 6


def test_bad_lines_are_rejected_with_their_line() -> None:
    _, rejected = read(EVENTS)
    assert [(r.line, r.column) for r in rejected] == [
        (4, None),
        (12, "event_timestamp"),
        (14, "event_name"),
    ]
    assert rejected[0].reason.startswith("not valid JSON: Unterminated string")
    assert rejected[0].raw.endswith('"event_name":"page_vi')
    assert rejected[1].reason == "expected a number, got 'soon'"
    assert rejected[2].reason == "no event_name"


def test_gzipped_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.json.gz"
    path.write_bytes(gzip.compress(EVENTS.read_bytes()))
    assert detects(path)
    assert read(path) == read(EVENTS)


PARAM = pa.struct(
    [
        ("key", pa.string()),
        (
            "value",
            pa.struct(
                [
                    ("string_value", pa.string()),
                    ("int_value", pa.int64()),
                    ("float_value", pa.float64()),
                    ("double_value", pa.float64()),
                ]
            ),
        ),
    ]
)
SCHEMA = pa.schema(
    [
        ("event_date", pa.string()),
        ("event_timestamp", pa.int64()),
        ("event_name", pa.string()),
        ("event_params", pa.list_(PARAM)),
        ("user_id", pa.string()),
        ("user_pseudo_id", pa.string()),
        (
            "collected_traffic_source",
            pa.struct(
                [
                    ("manual_source", pa.string()),
                    ("manual_medium", pa.string()),
                    ("manual_campaign_name", pa.string()),
                    ("manual_content", pa.string()),
                    ("manual_term", pa.string()),
                    ("gclid", pa.string()),
                ]
            ),
        ),
        ("traffic_source", pa.struct([(n, pa.string()) for n in ("name", "medium", "source")])),
        (
            "session_traffic_source_last_click",
            pa.struct(
                [
                    (
                        "manual_campaign",
                        pa.struct(
                            [(n, pa.string()) for n in ("source", "medium", "campaign_name")]
                        ),
                    )
                ]
            ),
        ),
        (
            "ecommerce",
            pa.struct(
                [
                    ("transaction_id", pa.string()),
                    ("purchase_revenue", pa.float64()),
                    ("purchase_revenue_in_usd", pa.float64()),
                ]
            ),
        ),
        ("event_value_in_usd", pa.float64()),
        ("device", pa.struct([("category", pa.string())])),  # a column the reader leaves out
    ]
)


def _typed(event: dict[str, Any]) -> dict[str, Any]:
    """A JSON event as BigQuery's Parquet holds it: integers as integers."""
    event = dict(event)
    event["event_timestamp"] = int(event["event_timestamp"])
    for param in event.get("event_params") or ():
        value = param["value"]
        if value.get("int_value") is not None:
            value["int_value"] = int(value["int_value"])
    return event


def test_parquet_gives_the_same_rows_streamed_in_batches(tmp_path: Path) -> None:
    good = [
        json.loads(line)
        for number, line in enumerate(EVENTS.read_text().splitlines(), start=1)
        if line and number not in (4, 12, 14)  # the corrupt, the untimed and the unnamed
    ]
    table = pa.Table.from_pylist([_typed(e) for e in good], schema=SCHEMA)
    path = tmp_path / "events_20260302.parquet"
    pq.write_table(table, path, row_group_size=3)  # several row groups to stream through
    assert detects(path)
    rows, rejected = read(path)
    assert rejected == []
    assert [r.values for r in rows if r.table == "touchpoints"] == TOUCHPOINTS
    assert [r.values for r in rows if r.table == "conversions"] == CONVERSIONS


def test_parquet_without_event_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), path)
    assert not detects(path)
    with pytest.raises(SourceError, match="no event_name and event_timestamp"):
        list(GA4().read(path, ReadOptions()))


def test_a_file_that_is_not_json_lines_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text("[\n" + "\n".join(f'  {{"event_name": "e{n}"}},' for n in range(30)) + "\n]\n")
    with pytest.raises(SourceError, match=r"events.json:1: not GA4 events as JSON Lines"):
        list(GA4().read(path, ReadOptions()))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n\n")
    with pytest.raises(SourceError, match="empty"):
        list(GA4().read(path, ReadOptions()))


def test_rows_stream_before_the_end_of_the_file(tmp_path: Path) -> None:
    lines = EVENTS.read_text().splitlines()[:1] + ["not json"] * 5
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    parsed = GA4().read(path, ReadOptions())
    assert isinstance(next(parsed), Row)
    assert [r.line for r in parsed if isinstance(r, Rejected)] == [2, 3, 4, 5, 6]


def test_detects_its_exports_and_refuses_the_others() -> None:
    for path in sorted(p for name in MINE for p in (FIXTURES / name).iterdir()):
        assert detects(path) == (path.parent.name == "ga4"), path.name


def test_events_that_cannot_be_used_are_rejected_by_field(tmp_path: Path) -> None:
    events = [
        {"event_timestamp": "1772445600000000", "event_name": "purchase", "user_pseudo_id": "1.2",
         "ecommerce": {"transaction_id": "T-9", "purchase_revenue": "lots"}},
        {"event_timestamp": "1772445600000000", "event_name": "session_start", "user_id": None,
         "collected_traffic_source": {"manual_source": "linkedin"}},
        {"event_timestamp": "1772445600000000", "event_name": "page_view", "user_pseudo_id": "1.2",
         "event_params": [{"key": "page_location", "value": "not a record"}], "ecommerce": "x"},
        {"event_timestamp": 1772445600000000, "event_name": "generate_lead", "user_pseudo_id": "1.2",
         "event_params": [{"key": "value", "value": {"double_value": 40.0}},
                          {"key": "currency", "value": {"string_value": "GBP"}}]},
    ]  # fmt: skip
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    rows, rejected = read(path)
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (1, "ecommerce.purchase_revenue", "expected a number, got 'lots'"),
        (2, "user_pseudo_id", "no user_pseudo_id or user_id"),
    ]
    assert [(r.values["type"], r.values["value"], r.values["currency"]) for r in rows] == [
        ("lead", 40.0, "GBP")
    ]


def test_the_registry_picks_this_connector_for_its_files() -> None:
    for path in sorted((FIXTURES / "ga4").iterdir()):
        assert detect_source(path) is get_source("ga4"), path.name


def test_ga4_placeholders_in_parentheses_are_not_campaigns(tmp_path: Path) -> None:
    event = {
        "event_date": "20260302",
        "event_timestamp": "1772445600000000",
        "event_name": "first_visit",
        "user_pseudo_id": "9.9",
        "event_params": [],
        "traffic_source": {"source": "google", "medium": "organic", "name": "(organic)"},
    }
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(event) + "\n")
    [row] = list(GA4().read(path, ReadOptions()))
    assert isinstance(row, Row)
    assert (row.values["utm_source"], row.values["utm_medium"], row.values.get("utm_campaign")) == (
        "google",
        "organic",
        None,
    )


def test_a_session_of_unknown_source_is_a_direct_touch(tmp_path: Path) -> None:
    base = {"event_date": "20260302", "user_pseudo_id": "7.7"}
    session = [{"key": "ga_session_id", "value": {"int_value": "1772445600"}}]
    events = [
        base | {"event_timestamp": "1772445600000000", "event_name": "session_start",
                "event_params": session},
        base | {"event_timestamp": "1772445601000000", "event_name": "page_view",
                "event_params": session},
    ]  # fmt: skip
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    row, passed_over = list(GA4().read(path, ReadOptions()))  # the page view adds no touch
    assert isinstance(row, Row) and row.table == "touchpoints"
    assert passed_over == Ignored(2, UNTAGGED_VIEW)
    assert (row.values["channel"], row.values["event"], row.values["utm_source"]) == (
        "direct",
        "session_start",
        None,
    )


def test_an_export_without_the_user_id_field_states_no_customer(tmp_path: Path) -> None:
    # GA4 writes user_id on every event (null when unknown): an export that left the field
    # out says nothing of the customer, so the rows leave the stored customer as it is.
    lines = []
    for line in EVENTS.read_text().splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            lines.append(line)  # the fixture's broken lines stay broken
            continue
        event.pop("user_id", None)
        lines.append(json.dumps(event))
    thinner = tmp_path / "events.jsonl"
    thinner.write_text("\n".join(lines) + "\n")
    full_rows, _ = read(EVENTS)
    rows, rejected = read(thinner)
    assert all("customer_id" in row.values for row in full_rows)
    assert rows and not any("customer_id" in row.values for row in rows)
    # An event known by its user_id alone (a null user_pseudo_id) has no journey without
    # it, so it is rejected rather than keyed as another event.
    anew = [r for r in rejected if r.column == "user_id"]
    assert len(rows) + len(anew) == len(full_rows) and len(anew) == 1
    assert "the export has no user_id column" in anew[0].reason


def _session(**fields: Any) -> dict[str, Any]:
    return {"event_timestamp": "1772445600000000", "event_name": "session_start",
            "collected_traffic_source": {"manual_source": "linkedin"}, **fields}  # fmt: skip


def _lead(**fields: Any) -> dict[str, Any]:
    return {"event_timestamp": "1772445600000000", "event_name": "generate_lead", **fields}


def _read_events(folder: Path, events: list[dict[str, Any]]) -> tuple[list[Row], list[Rejected]]:
    path = folder / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return read(path)


def test_an_export_without_a_column_the_key_is_made_of_rejects_the_events_it_keys(
    tmp_path: Path,
) -> None:
    # Keyed without the column, a visit or sale would not be the one a full export stored:
    # stored twice, or a stored sale moved to another journey.
    rows, rejected = _read_events(
        tmp_path, [_session(user_id="C-7", event_params=[]), _lead(user_id="C-8", event_params=[])]
    )
    assert rows == [] and {(r.line, r.column) for r in rejected} == {
        (1, "user_pseudo_id"),
        (2, "user_pseudo_id"),
    }
    assert "export the events with their user_pseudo_id column" in rejected[0].reason
    rows, rejected = _read_events(
        tmp_path, [_session(user_pseudo_id="1.2", user_id=None), _lead(user_pseudo_id="1.2")]
    )
    assert [(r.line, r.column) for r in rejected] == [(1, "event_params")]
    assert [row.values["type"] for row in rows] == ["lead"]  # a sale is not keyed by session
    rows, rejected = _read_events(
        tmp_path, [_session(user_pseudo_id="1.2", event_params=[]), _lead(user_pseudo_id=None)]
    )
    assert [(r.line, r.column) for r in rejected] == [(2, "user_id")]
    assert [row.values["journey_id"] for row in rows] == ["1.2"]


def test_one_event_without_a_field_the_export_has_is_read_as_null(tmp_path: Path) -> None:
    # BigQuery may leave a null out of JSON; GA4's own null (no consent) keys alike everywhere.
    rows, rejected = _read_events(
        tmp_path,
        [
            _session(user_pseudo_id="1.2", user_id=None, event_params=[]),
            _session(user_id="C-8", event_params=[]),
            _lead(user_pseudo_id=None, event_params=[]),
        ],
    )
    assert rejected == []
    assert [row.values["journey_id"] for row in rows] == ["1.2", "C-8", None]


def test_an_id_that_is_a_list_or_a_record_is_rejected(tmp_path: Path) -> None:
    rows, rejected = _read_events(
        tmp_path, [_lead(user_pseudo_id="1.2", user_id=["C-9"]), _lead(user_pseudo_id={"a": 1})]
    )
    assert rows == []
    assert [(r.column, r.reason) for r in rejected] == [
        ("user_id", "expected an id (text or a number), got a list"),
        ("user_pseudo_id", "expected an id (text or a number), got a record"),
    ]


def test_a_parameter_given_twice_with_two_values_rejects_its_event(tmp_path: Path) -> None:
    # Which session (or page, or amount) the event belongs to is unknown; the last is no
    # better a guess than the first. The same value twice is harmless.
    def session(pseudo: str, *ids: str) -> dict[str, Any]:
        params = [{"key": "ga_session_id", "value": {"int_value": i}} for i in ids]
        return _session(user_pseudo_id=pseudo, user_id=None, event_params=params)

    events = [
        session("1.2", "1772445600", "1772449999"),
        session("1.3", "1772445600", "1772445600"),
    ]
    parquet = tmp_path / "events_20260302.parquet"
    pq.write_table(pa.Table.from_pylist([_typed(e) for e in events], schema=SCHEMA), parquet)
    for rows, rejected in (_read_events(tmp_path, events), read(parquet)):
        assert [row.values["journey_id"] for row in rows] == ["1.3"]
        assert [(r.line, r.column) for r in rejected] == [(1, "event_params")]
        assert "'ga_session_id' is given twice, with two values" in rejected[0].reason
