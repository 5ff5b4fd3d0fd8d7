"""The owner's posts in X Communities: `community-tweet.js`, read with `tweets.js`.

An archive keeps them out of `tweets.js` (real archives checked: PROVENANCE.md, "X
archive"), so an archive loaded without that file would be missing them from the counts.
The fixture `x_archive/community/` is written by hand in that file's layout.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from outcomes.sources import ReadOptions, Row, detect_source, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from tests.sources.x_archive_data import ACCOUNT, X_ARCHIVE, data_folder

TWEETS = X_ARCHIVE / "tweets.js"
COMMUNITY = X_ARCHIVE / "community" / "community-tweet.js"
POSTED, REPLIED = "1998200000000000201", "1998200000000000202"


def native_ids(path: Path) -> list[str]:
    parsed = get_source("x-archive").read(path, ReadOptions())
    return [p.values["native_id"] for p in parsed if isinstance(p, Row)]


def test_the_archive_zip_loads_the_community_posts_with_the_others(tmp_path: Path) -> None:
    path = tmp_path / "twitter-2025-12-11.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member in (TWEETS, ACCOUNT, COMMUNITY):
            archive.write(member, f"data/{member.name}")

    got = native_ids(path)

    assert sorted(got) == sorted([*native_ids(TWEETS), POSTED, REPLIED])


def test_a_data_folder_loads_the_community_posts_with_the_others(tmp_path: Path) -> None:
    for member in (TWEETS, ACCOUNT, COMMUNITY):
        shutil.copyfile(member, tmp_path / member.name)

    assert sorted(native_ids(tmp_path)) == sorted([*native_ids(TWEETS), POSTED, REPLIED])


def test_community_tweet_js_alone_is_recognised_and_loaded(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    community = data_folder("community", tmp_path / "data") / COMMUNITY.name
    source = detect_source(community)
    assert source is not None and source.name == "x-archive"

    result = ingest_file(warehouse, source, community)

    assert (result.read, result.loaded, result.rejected) == (2, 2, 0)
    rows = warehouse.duckdb.execute(
        "SELECT native_id, kind, account, reactions, shares, campaign FROM activities"
        " ORDER BY native_id"
    ).fetchall()
    assert rows == [
        (POSTED, "post", "northwind", 9, 4, "community-playbook"),
        (REPLIED, "reply", "northwind", 1, 0, None),
    ]
