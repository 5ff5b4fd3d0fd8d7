"""Damaged GA4 exports: each bad line is rejected with its number, a broken file is one SourceError."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import Ignored, ReadOptions, Rejected, Row, SourceError
from outcomes.sources.ga4 import GA4
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from tests import lane
from tests.sources.damaged import (
    ingest_outcome,
    read_outcome,
    rejections,
    rows,
    stored_rejections,
)

NONE = ReadOptions()


def event(index: int, **fields: Any) -> dict[str, Any]:
    values = {
        "event_timestamp": str(1_772_446_000_000_000 + index),
        "event_name": "session_start",
        "user_pseudo_id": f"u{index}",
        "event_params": [{"key": "ga_session_id", "value": {"int_value": index}}],
        "collected_traffic_source": {"manual_source": "linkedin", "manual_medium": "social"},
    }
    return values | fields


def line(index: int, **fields: Any) -> str:
    return json.dumps(event(index, **fields))


def test_each_damaged_line_is_rejected_with_its_number_and_the_rest_load(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    lines = [
        line(1),
        '{"event_name": "page_view", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",
        line(3).replace('"u3"', '"u3\\ud800"'),
        line(4).replace(f'"{1_772_446_000_000_004}"', "NaN"),
        line(5).replace(f'"{1_772_446_000_000_005}"', "1e999"),
        line(6, event_params=5),
        line(7, event_params="a string"),
        "null",
        '"an event"',
        line(10, event_timestamp="1e999"),
        line(11, event_name="purchase", event_value_in_usd="1e999"),
        line(12, event_name="purchase", ecommerce={"purchase_revenue": 10**400}),
        line(13, user_pseudo_id={"id": 1}),
        line(14, collected_traffic_source="linkedin", traffic_source=[1]),
        line(
            15,
            event_name="page_view",
            event_params=[
                {"key": "page_location", "value": {"string_value": "http://[::1/?utm_campaign=x"}}
            ],
        ),
        line(16)[:-25],  # the last line, cut by an interrupted export
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")

    parsed = read_outcome(GA4(), path, NONE)

    assert [r.values["journey_id"] for r in rows(parsed)] == ["u1", "u14", "u15"]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (2, None),
        (3, "user_pseudo_id"),
        (4, None),
        (5, None),
        (6, "event_params"),
        (7, "event_params"),
        (8, None),
        (9, None),
        (10, "event_timestamp"),
        (11, "event_value_in_usd"),
        (12, "ecommerce.purchase_revenue"),
        (13, "user_pseudo_id"),
        (16, None),
    ]
    reasons = [r.reason for r in rejections(parsed)]
    assert "nested too deeply" in reasons[0]
    assert "lone UTF-16 surrogate" in reasons[1]
    assert reasons[2] == "NaN is not a number JSON allows"
    assert reasons[-1].startswith("not valid JSON")
    for rejected in rejections(parsed):
        rejected.raw.encode("utf-8")

    result = ingest_outcome(warehouse, GA4(), path, NONE)
    assert isinstance(result, IngestResult)
    assert (result.loaded, result.rejected) == (3, 13)
    stored = [number for number, _ in stored_rejections(warehouse, result)]
    assert stored == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16]


def test_a_gzip_cut_short_is_one_source_error(tmp_path: Path, warehouse: Warehouse) -> None:
    data = gzip.compress("\n".join(line(i) for i in range(2000)).encode())
    path = tmp_path / "events.json.gz"
    path.write_bytes(data[: len(data) // 2])

    assert isinstance(read_outcome(GA4(), path, NONE), SourceError)
    assert isinstance(ingest_outcome(warehouse, GA4(), path, NONE), SourceError)


def test_a_file_of_damaged_lines_only_is_one_source_error(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(["[" * 5000] * 25), encoding="utf-8")

    outcome = read_outcome(GA4(), path, NONE)

    assert isinstance(outcome, SourceError)
    assert outcome.line == 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "event_name",
                    "event_timestamp",
                    "event_params",
                    "key",
                    "value",
                    "user_pseudo_id",
                    "ecommerce",
                    "string_value",
                    "collected_traffic_source",
                    "manual_source",
                ]
            )
            | st.text(),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)
NAMES = st.sampled_from(["session_start", "first_visit", "page_view", "purchase", "generate_lead"])


@settings(
    max_examples=lane.examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(records=st.lists(st.tuples(NAMES, JSON_VALUES), min_size=1, max_size=5))
def test_any_json_records_give_only_rows_and_located_rejections(
    tmp_path: Path, records: list[tuple[str, Any]]
) -> None:
    lines = [line(1)]  # one good line proves the format, so the rest are judged one by one
    for name, value in records:
        fields = value if isinstance(value, dict) else {"event_params": value}
        lines.append(json.dumps({"event_name": name, **fields}))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")

    parsed = read_outcome(GA4(), path, NONE)

    assert isinstance(parsed, list)
    for item in parsed:
        assert isinstance(item, Row | Rejected | Ignored)
        if isinstance(item, Rejected):
            assert item.line is not None and 2 <= item.line <= len(lines)


@settings(
    max_examples=lane.examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=400))
def test_any_bytes_give_only_rows_rejections_or_a_source_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(line(1).encode() + b"\n" + data)

    outcome = read_outcome(GA4(), path, NONE)

    if isinstance(outcome, list):
        assert all(isinstance(item, Row | Rejected) for item in outcome)
