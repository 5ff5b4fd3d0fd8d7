"""Damaged Mastodon JSON, saved or fetched: located rejections or one error, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.mastodon import Mastodon
from outcomes.sources.mastodon_api import MastodonApiError, fetch
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

US = ReadOptions(account="northwind@mastodon.social")
ACCOUNT = {"id": "1", "acct": "northwind", "url": "https://mastodon.social/@northwind"}


def status(index: int, **fields: Any) -> dict[str, Any]:
    values = {
        "id": str(115_000 + index),
        "created_at": "2026-03-02T08:00:00.000Z",
        "uri": f"https://mastodon.social/users/northwind/statuses/{115_000 + index}",
        "content": f"<p>status {index}</p>",
        "account": ACCOUNT,
        "reblogs_count": 1,
        "favourites_count": 2,
        "replies_count": 0,
        "mentions": [],
    }
    return values | fields


def test_damaged_records_of_an_array_are_rejected_by_number(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    elements = [
        json.dumps(status(1)),
        json.dumps(status(2)).replace('"reblogs_count": 1', '"reblogs_count": NaN'),
        json.dumps(status(3)).replace('"reblogs_count": 1', '"reblogs_count": 1e999'),
        json.dumps(status(4)).replace("status 4", "status \\udfff"),
        "null",
        json.dumps(status(6, mentions=5, account={"acct": "erin@elsewhere.social"})),
        json.dumps(status(7, favourites_count=10**30)),
        json.dumps(status(8, created_at="0001-01-01T00:00:00+01:00")),
        json.dumps(status(9, content="<p>see http://[::1/?utm_campaign=x</p>")),
    ]
    path = tmp_path / "statuses.json"
    path.write_text("[\n" + ",\n".join(elements) + "\n]", encoding="utf-8")

    parsed = read_outcome(Mastodon(), path, US)

    assert [r.values["native_id"] for r in rows(parsed)] == ["115001", "115009"]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (2, None),
        (3, None),
        (4, "content"),
        (5, None),
        (6, "account"),
        (7, "favourites_count"),
        (8, "created_at"),
    ]
    result = ingest_outcome(warehouse, Mastodon(), path, US)
    assert isinstance(result, IngestResult)
    assert (result.loaded, result.rejected) == (2, 7)
    assert [n for n, _ in stored_rejections(warehouse, result)] == [2, 3, 4, 5, 6, 7, 8]


def test_json_lines_with_a_cut_last_line_and_deep_nesting_reject_those_lines(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    lines = [
        json.dumps(status(1)),
        "[" * 100_000,
        json.dumps(status(3)).replace('"favourites_count": 2', '"favourites_count": Infinity'),
        json.dumps(status(4))[:-30],
    ]
    path = tmp_path / "statuses.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")

    parsed = read_outcome(Mastodon(), path, US)

    assert [r.values["native_id"] for r in rows(parsed)] == ["115001"]
    assert [(r.line, r.reason.split(" at column")[0]) for r in rejections(parsed)] == [
        (2, "the JSON is nested too deeply to be an export record"),
        (3, "Infinity is not a number JSON allows"),
        (4, "broken JSON"),  # the last line, cut by an interrupted save
    ]
    result = ingest_outcome(warehouse, Mastodon(), path, US)
    assert isinstance(result, IngestResult)
    assert [n for n, _ in stored_rejections(warehouse, result)] == [2, 3, 4]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" + json.dumps(status(1)) + ",\n" + json.dumps(status(2))[:50],
        "[" + json.dumps(status(1)) + "}",
    ],
)
def test_a_cut_or_too_deep_file_is_one_source_error(
    tmp_path: Path, warehouse: Warehouse, text: str
) -> None:
    path = tmp_path / "statuses.json"
    path.write_text(text, encoding="utf-8")

    assert isinstance(read_outcome(Mastodon(), path, US), SourceError)
    assert isinstance(ingest_outcome(warehouse, Mastodon(), path, US), SourceError)


def test_one_entity_nested_too_deeply_is_rejected_as_record_one(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_text('{"id": "1",\n "content": ' + "[" * 100_000, encoding="utf-8")

    parsed = read_outcome(Mastodon(), path, US)

    assert [(r.line, r.reason) for r in rejections(parsed)] == [
        (1, "the JSON is nested too deeply to be an export record")
    ]
    assert rows(parsed) == []


def test_a_damaged_account_json_is_passed_over_for_the_statuses_author(tmp_path: Path) -> None:
    (tmp_path / "account.json").write_text('{"acct": "\\ud800' + "[" * 5000, encoding="utf-8")
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps([status(1)]), encoding="utf-8")

    parsed = read_outcome(Mastodon(), path, ReadOptions())

    assert [r.values["account"] for r in rows(parsed)] == ["northwind@mastodon.social"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "content",
                    "account",
                    "acct",
                    "url",
                    "type",
                    "status",
                    "mentions",
                    "created_at",
                    "reblog",
                    "uri",
                    "card",
                    "visibility",
                ]
            )
            | st.text(),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@settings(
    max_examples=lane.examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(records=st.lists(JSON_VALUES, max_size=5), lines=st.booleans())
def test_any_json_records_give_rows_rejections_or_a_source_error(
    tmp_path: Path, records: list[Any], lines: bool
) -> None:
    path = tmp_path / "statuses.json"
    text = "\n".join(json.dumps(r) for r in records) if lines else json.dumps(records)
    path.write_text(text, encoding="utf-8")

    outcome = read_outcome(Mastodon(), path, ReadOptions())

    if isinstance(outcome, list):
        for item in outcome:
            assert isinstance(item, Row | Rejected)


@settings(
    max_examples=lane.examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=300), start=st.sampled_from([b"[", b"{", b""]))
def test_any_bytes_give_rows_rejections_or_a_source_error(
    tmp_path: Path, data: bytes, start: bytes
) -> None:
    path = tmp_path / "statuses.json"
    path.write_bytes(start + data)

    outcome = read_outcome(Mastodon(), path, US)

    if isinstance(outcome, list):
        assert all(isinstance(item, Row | Rejected) for item in outcome)


# --- the API client -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"id": "1", "acct": "northwind", "followers_count": NaN}',
        b'{"id": "1", "acct": "north\\ud800wind"}',
        b'{"id": "1", "acct": "northwind", "n": 1e999}',
        b'{"id": "1", "acct": "caf\xe9"}',
    ],
)
def test_an_answer_that_is_not_usable_json_is_one_api_error(body: bytes) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as client,
        pytest.raises(MastodonApiError) as caught,
    ):
        fetch("https://mastodon.example", account="northwind", token=None, client=client)

    message = str(caught.value)
    assert message.startswith("https://mastodon.example: does not look like a Mastodon server")
    assert "\n" not in message
