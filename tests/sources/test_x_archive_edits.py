"""Edited tweets in the X archive: every version is a record, and the post counts once.

The fixture `x_archive/edited/` is written by hand in the layout of a real archive
(PROVENANCE.md, "X archive"): the edit first, then the first version it replaced, both
naming the chain in `edit_info`, the likes on the edit only; then a tweet never edited.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from outcomes.sources import ReadOptions, Row, get_source
from outcomes.sources.base import Ignored
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from tests.sources.x_archive_data import ACCOUNT, data_folder

EDITED = Path(__file__).parent / "fixtures" / "x_archive" / "edited"
PREFIX = "window.YTD.tweets.part0 = "
FIRST, EDIT, PLAIN = "1998100000000000101", "1998100000000000102", "1998000000000000100"
EARLIER = {"an earlier version of an edited tweet": 1}


def stored(warehouse: Warehouse) -> dict[str, tuple[object, ...]]:
    rows = warehouse.duckdb.execute(
        "SELECT native_id, ts, reactions, shares, text, campaign, url FROM activities"
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def archive_elements() -> list[dict[str, object]]:
    text = (EDITED / "tweets.js").read_text(encoding="utf-8")
    elements: list[dict[str, object]] = json.loads(text.removeprefix(PREFIX))
    return elements


def write_tweets(path: Path, elements: list[dict[str, object]], part: int = 0) -> Path:
    body = json.dumps(elements, indent=2)
    path.write_text(f"window.YTD.tweets.part{part} = {body}", encoding="utf-8")
    return path


def test_an_edited_tweet_is_one_post_with_the_last_versions_counts_and_first_date(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    tweets = data_folder("edited", tmp_path / "data") / "tweets.js"

    result = ingest_file(warehouse, get_source("x-archive"), tweets)

    assert (result.read, result.loaded, result.rejected) == (3, 2, 0)
    assert dict(result.ignored) == EARLIER
    rows = stored(warehouse)
    # Keyed by the first version's id, which never changes; linked to the last version.
    assert sorted(rows) == [PLAIN, FIRST]
    ts, reactions, shares, text, campaign, url = rows[FIRST]
    # Dated when the post first went out (10:05), not when it was corrected (10:41).
    assert ts == dt.datetime(2025, 12, 9, 10, 5, tzinfo=dt.UTC)
    assert (reactions, shares, campaign) == (7, 2, "winter-webinar")
    assert text == "Join our winter webinar on Thursday! https://t.co/EdItB2222b"
    assert url == f"https://x.com/northwind/status/{EDIT}"
    assert rows[PLAIN][1:3] == (3, 1)


def test_the_same_archive_loaded_again_changes_nothing(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    tweets = data_folder("edited", tmp_path / "data") / "tweets.js"
    source = get_source("x-archive")
    ingest_file(warehouse, source, tweets)
    before = stored(warehouse)

    again = ingest_file(warehouse, source, tweets, ReadOptions())

    assert stored(warehouse) == before
    assert again.already_loaded or (again.loaded, again.updated) == (0, 0)


def test_versions_in_different_parts_of_the_archive_still_count_once(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    edit, first, plain = archive_elements()
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(ACCOUNT, data / ACCOUNT.name)
    write_tweets(data / "tweets.js", [first, plain])
    write_tweets(data / "tweets-part1.js", [edit], part=1)

    parsed = list(get_source("x-archive").read(data, ReadOptions()))
    rows = [p.values for p in parsed if isinstance(p, Row)]

    assert sorted(row["native_id"] for row in rows) == [PLAIN, FIRST]
    assert {row["reactions"] for row in rows if row["native_id"] == FIRST} == {7}
    assert [p.reason for p in parsed if isinstance(p, Ignored)] == list(EARLIER)


def test_when_the_last_version_is_missing_the_latest_one_there_is_loaded(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    _edit, first, plain = archive_elements()
    cut = write_tweets(tmp_path / "tweets.js", [first, plain])

    result = ingest_file(warehouse, get_source("x-archive"), cut, ReadOptions(account="northwind"))

    assert (result.read, result.loaded, result.ignored_total) == (2, 2, 0)
    assert sorted(stored(warehouse)) == [PLAIN, FIRST]


def test_an_archive_made_before_the_edit_and_one_made_after_store_one_post(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    _edit, first, plain = archive_elements()
    earlier = write_tweets(tmp_path / "tweets.js", [first, plain])
    source = get_source("x-archive")
    ingest_file(warehouse, source, earlier, ReadOptions(account="northwind"))

    later = ingest_file(warehouse, source, data_folder("edited", tmp_path / "data") / "tweets.js")

    assert (later.loaded, later.updated, later.unchanged) == (0, 1, 1)
    rows = stored(warehouse)
    assert sorted(rows) == [PLAIN, FIRST]
    assert rows[FIRST][1:3] == (7, 2)
    assert rows[FIRST][5] == f"https://x.com/northwind/status/{EDIT}"


def test_damaged_ids_in_an_edit_chain_name_no_version(warehouse: Warehouse, tmp_path: Path) -> None:
    edit, first, plain = archive_elements()
    # More digits than int() converts: damage, never a tweet id.
    huge = ["9" * 5000, "8" * 5000]
    for element, damaged in zip((edit, first), huge, strict=True):
        tweet = element["tweet"]
        assert isinstance(tweet, dict)
        tweet["id_str"] = tweet["id"] = damaged
        chain = tweet["edit_info"]
        assert isinstance(chain, dict)
        for control in (chain.get("initial"), chain.get("edit", {}).get("editControlInitial")):
            if control:
                control["editTweetIds"] = huge
    cut = write_tweets(tmp_path / "tweets.js", [edit, first, plain])

    result = ingest_file(warehouse, get_source("x-archive"), cut, ReadOptions(account="northwind"))

    # Read as if never edited: one row per record, no version ignored, nothing refused.
    assert (result.read, result.loaded, result.rejected, result.ignored_total) == (3, 3, 0, 0)
    assert sorted(stored(warehouse)) == sorted([PLAIN, *huge])
