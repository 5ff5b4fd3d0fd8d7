"""Damaged X archives: each ends as located rejections or one SourceError, never a crash.

Also: whose tweets they are is never lost (account.js broken or missing), and tweets files
are read as streams (the same result whatever the read size).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, json_input
from outcomes.sources.x_archive import XArchive
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

FIXTURES = Path(__file__).parent / "fixtures" / "x_archive"
ACCOUNT = FIXTURES / "account.js"
PREFIX = "window.YTD.tweets.part0 = "
NW = ReadOptions(account="northwind")


def tweet(index: int, **fields: Any) -> dict[str, Any]:
    values = {
        "id_str": str(1_900_000_000_000_000_000 + index),
        "created_at": "Sat Dec 06 18:20:30 +0000 2025",
        "full_text": f"tweet {index}",
        "favorite_count": "3",
        "retweet_count": "1",
    }
    return {"tweet": values | fields}


def tweets_js(path: Path, body: str) -> Path:
    path.write_text(PREFIX + body, encoding="utf-8")
    return path


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def good_archive(path: Path, account: bytes | None = None) -> Path:
    body = (PREFIX + json.dumps([tweet(i) for i in range(5)], indent=2)).encode()
    members = {"data/tweets.js": body}
    if account is not None:
        members["data/account.js"] = account
    return archive(path, members)


def loaded(outcome: IngestResult | SourceError) -> IngestResult:
    assert isinstance(outcome, IngestResult), outcome
    return outcome


# --- records that are damaged: rejected with their number, the others loaded ------------


def test_damaged_records_are_rejected_with_their_number_and_the_rest_load(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    body = (
        "[\n"
        + ",\n".join(
            [
                json.dumps(tweet(1)),
                '{"tweet": {"id_str": "2", "created_at": "Sat Dec 06 18:20:30 +0000 2025", '
                '"full_text": "half an emoji \\ud83d"}}',
                json.dumps(tweet(3)).replace('"3"', "NaN", 1),
                json.dumps(tweet(4)).replace('"3"', "1e999", 1),
                json.dumps(tweet(5)).replace('"3"', "-Infinity", 1),
                "null",
                json.dumps(tweet(7, full_text={"not": "text"})),
                json.dumps(tweet(8, id_str=["8"])),
                json.dumps(tweet(9, favorite_count="1e999")),
                json.dumps(tweet(10, favorite_count=10**30)),
                '"a string"',
                json.dumps(tweet(12, entities=5, in_reply_to_status_id_str=None)),
                json.dumps({"tweet": [1, 2]}),
            ]
        )
        + "\n]"
    )
    path = tweets_js(tmp_path / "tweets.js", body)

    parsed = read_outcome(XArchive(), path, NW)

    assert [r.values["native_id"] for r in rows(parsed)] == [
        "1900000000000000001",
        "1900000000000000012",
    ]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (2, "full_text"),
        (3, None),
        (4, None),
        (5, None),
        (6, "tweet"),
        (7, "full_text"),
        (8, "id_str"),
        (9, "favorite_count"),
        (10, "favorite_count"),
        (11, "tweet"),
        (13, "tweet"),
    ]
    reasons = [r.reason for r in rejections(parsed)]
    assert "lone UTF-16 surrogate" in reasons[0]
    assert reasons[1] == "NaN is not a number JSON allows"
    assert reasons[2] == "the number 1e999 is out of range"
    assert reasons[3] == "-Infinity is not a number JSON allows"
    assert rejections(parsed)[0].raw.startswith('{"tweet": {"id_str": "2"')

    result = loaded(ingest_outcome(warehouse, XArchive(), path, NW))
    assert (result.loaded, result.rejected) == (2, 11)
    assert [line for line, _ in stored_rejections(warehouse, result)] == [
        2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("[" * 100_000, "line 1"),  # RecursionError inside json
        ("[" + json.dumps(tweet(1)) + ",\n" + json.dumps(tweet(2))[:40], "line 2"),
        ("[" + json.dumps(tweet(1)) + ",\n", "line 2"),
        ("[" + json.dumps(tweet(1)) + " garbage " + json.dumps(tweet(2)) + "]", "line 1"),
        ("[" + json.dumps(tweet(1)) + "] trailing", "line 1"),
        ('{"tweet": {}}', ""),
        ("", ""),
    ],
)
def test_a_cut_broken_or_too_deep_file_is_one_source_error(
    tmp_path: Path, warehouse: Warehouse, body: str, where: str
) -> None:
    path = tweets_js(tmp_path / "tweets.js", body)

    outcome = read_outcome(XArchive(), path, NW)

    assert isinstance(outcome, SourceError)
    assert f"{path}: " in str(outcome)
    assert where in str(outcome)
    assert isinstance(ingest_outcome(warehouse, XArchive(), path, NW), SourceError)


def test_a_zip_cut_short_and_a_member_cut_short_are_source_errors(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    whole = good_archive(tmp_path / "whole.zip", ACCOUNT.read_bytes()).read_bytes()
    for size in (10, len(whole) // 2, len(whole) - 30):
        cut = tmp_path / f"cut-{size}.zip"
        cut.write_bytes(whole[:size])
        assert isinstance(read_outcome(XArchive(), cut, NW), SourceError)
        assert isinstance(ingest_outcome(warehouse, XArchive(), cut, NW), SourceError)
    text = (PREFIX + json.dumps([tweet(i) for i in range(50)], indent=2)).encode()
    member_cut = archive(tmp_path / "member.zip", {"data/tweets.js": text[: len(text) // 2]})
    outcome = read_outcome(XArchive(), member_cut, NW)
    assert isinstance(outcome, SourceError)
    assert "data/tweets.js: broken JSON at line" in str(outcome)


# --- whose tweets: never NULL -------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        (None, "the archive has no data/account.js"),
        (b"window.YTD.account.part0 = [ {", "data/account.js cannot be read"),
        (b'window.YTD.account.part0 = [{"account": {}}]', "data/account.js names no username"),
        (b"\xff\xfe\x00garbage", "data/account.js is not UTF-8 text"),
        (b"window.YTD.account.part0 = " + b"[" * 100_000, "data/account.js cannot be read"),
    ],
)
def test_without_a_readable_account_js_the_archive_needs_the_account_option(
    tmp_path: Path, account: bytes | None, problem: str
) -> None:
    path = good_archive(tmp_path / "archive.zip", account)

    outcome = read_outcome(XArchive(), path, ReadOptions())

    assert isinstance(outcome, SourceError)
    assert str(outcome).startswith(f"{path}: {problem}")
    assert str(outcome).endswith(
        ", so whose tweets these are is unknown; pass the handle with --account HANDLE"
    )
    named = rows(read_outcome(XArchive(), path, ReadOptions(account="@northwind")))
    assert {r.values["account"] for r in named} == {"northwind"}


def test_a_folder_with_a_broken_account_js_needs_the_account_option(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    tweets_js(data / "tweets.js", json.dumps([tweet(1)]))
    (data / "account.js").write_text("window.YTD.account.part0 = [", encoding="utf-8")

    outcome = read_outcome(XArchive(), tmp_path, ReadOptions())

    assert isinstance(outcome, SourceError)
    assert "account.js cannot be read" in str(outcome)
    assert "--account HANDLE" in str(outcome)


def test_reloading_with_a_broken_account_js_never_changes_the_stored_accounts(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    good = good_archive(tmp_path / "good.zip", ACCOUNT.read_bytes())
    broken = good_archive(tmp_path / "broken.zip", b"window.YTD.account.part0 = [ {")
    missing = good_archive(tmp_path / "missing.zip")

    def accounts() -> list[tuple[str, str | None]]:
        found = warehouse.duckdb.execute(
            "SELECT native_id, account FROM activities ORDER BY native_id"
        ).fetchall()
        return [(native_id, account) for native_id, account in found]

    assert loaded(ingest_outcome(warehouse, XArchive(), good, ReadOptions())).loaded == 5
    stored = accounts()
    assert {account for _, account in stored} == {"northwind"}

    for path in (broken, missing):
        assert isinstance(ingest_outcome(warehouse, XArchive(), path, ReadOptions()), SourceError)
        assert accounts() == stored
    again = loaded(ingest_outcome(warehouse, XArchive(), broken, NW))
    assert (again.loaded, again.rejected) == (0, 0)
    assert accounts() == stored


def test_an_account_option_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tweets_js(tmp_path / "tweets.js", json.dumps([tweet(1)]))

    outcome = read_outcome(XArchive(), path, ReadOptions(account="north\udcffwind"))

    assert isinstance(outcome, SourceError)
    assert "--account value is not valid text" in str(outcome)


# --- streaming ----------------------------------------------------------------------------


def test_the_zip_member_is_read_in_pieces_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = PREFIX + json.dumps([tweet(i, full_text=f"tweet {i} ✨ " * 20) for i in range(300)])
    path = archive(tmp_path / "a.zip", {"data/tweets.js": body.encode(), "data/account.js": b""})
    whole = read_outcome(XArchive(), path, NW)

    monkeypatch.setattr(json_input, "READ_CHARS", 97)  # every tweet crosses a read
    pieces = read_outcome(XArchive(), path, NW)

    assert isinstance(whole, list)
    assert len(rows(whole)) == 300
    assert pieces == whole


# --- anything at all: rows, rejections or one SourceError ---------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["tweet", "id_str", "full_text", "created_at", "favorite_count", "entities", "urls"]
            )
            | st.text(),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=lane.examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(elements=st.lists(JSON_VALUES, max_size=5))
def test_any_json_elements_give_only_rows_and_rejections(
    tmp_path: Path, elements: list[Any]
) -> None:
    path = tweets_js(tmp_path / "tweets.js", json.dumps(elements))

    parsed = read_outcome(XArchive(), path, NW)

    assert isinstance(parsed, list)
    assert len(parsed) == len(elements)
    for item in parsed:
        assert isinstance(item, Row | Rejected)
        if isinstance(item, Rejected):
            assert item.line is not None
            item.raw.encode("utf-8")


@settings(
    max_examples=lane.examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=300), zipped=st.booleans())
def test_any_bytes_give_only_rows_rejections_or_a_source_error(
    tmp_path: Path, data: bytes, zipped: bool
) -> None:
    if zipped:
        path = archive(tmp_path / "a.zip", {"data/tweets.js": PREFIX.encode() + data})
    else:
        path = tmp_path / "tweets.js"
        path.write_bytes(PREFIX.encode() + data)

    outcome = read_outcome(XArchive(), path, NW)

    if isinstance(outcome, list):
        assert all(isinstance(item, Row | Rejected) for item in outcome)


def test_a_copy_of_the_fixture_folder_still_loads(tmp_path: Path) -> None:
    for name in ("tweets.js", "tweets-part1.js", "account.js"):
        shutil.copyfile(FIXTURES / name, tmp_path / name)

    assert len(rows(read_outcome(XArchive(), tmp_path, ReadOptions()))) == 8
