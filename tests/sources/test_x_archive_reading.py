"""A warehouse an earlier reading of the X archive wrote is corrected by loading it again.

Before edited tweets were read as one post, the connector stored every version as a post
of its own, keyed by its own id; its ingest recorded the archive zip's sha256 alone. Loading
the same zip again was "already loaded": the post stayed counted twice, exit 0, until the
file was forgotten and loaded again. Here a warehouse is put in the state that reading left
(the rows it stored, the checksum it recorded) and the zip is loaded again with the current
connector: it is read again, saying why, the later version's row goes, the post is one,
and forgetting that load puts the warehouse back as it was.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from outcomes.sources import get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.forget import DependentIngestsError, forget
from outcomes.warehouse.load import ingest_file
from tests.sources.x_archive_data import ACCOUNT

EDITED = Path(__file__).parent / "fixtures" / "x_archive" / "edited"
FIRST, EDIT, PLAIN = "1998100000000000101", "1998100000000000102", "1998000000000000100"
Stored = dict[str, tuple[object, ...]]


def posts(warehouse: Warehouse) -> Stored:
    rows = warehouse.duckdb.execute(
        "SELECT native_id, ts, reactions, text, url FROM activities ORDER BY native_id"
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def archive_zip(folder: Path) -> Path:
    path = folder / "twitter-2025-12-10-northwind.zip"
    with zipfile.ZipFile(path, "w") as packed:
        packed.write(EDITED / "tweets.js", "data/tweets.js")
        packed.write(ACCOUNT, f"data/{ACCOUNT.name}")
    return path


def as_the_earlier_reading_left_it(warehouse: Warehouse) -> None:
    """The rows and checksum the reading before edited tweets were one post stored: the
    first version as it went out (its text, no likes, its own link) and the edit as a post
    of its own, keyed by its own id; the zip known by its sha256 alone."""
    con = warehouse.duckdb
    con.execute(
        "INSERT INTO activities SELECT * REPLACE ('x|' || ? AS key, ? AS native_id, "
        "'2025-12-09 10:41:12+00'::TIMESTAMPTZ AS ts) FROM activities WHERE native_id = ?",
        [EDIT, EDIT, FIRST],
    )
    con.execute(
        "UPDATE activities SET text = ?, reactions = 0, shares = 0, url = ? WHERE native_id = ?",
        [
            "Join our winter webinar on Thursay! https://t.co/EdItA1111a",
            f"https://x.com/northwind/status/{FIRST}",
            FIRST,
        ],
    )
    con.execute("UPDATE ingests SET checksum = left(checksum, 64)")


def test_loading_the_archive_again_makes_the_edited_tweet_one_post(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = archive_zip(tmp_path)
    source = get_source("x-archive")
    first = ingest_file(warehouse, source, path)
    as_the_earlier_reading_left_it(warehouse)
    before = posts(warehouse)
    assert sorted(before) == [PLAIN, FIRST, EDIT]  # the post counted twice

    again = ingest_file(warehouse, source, path)

    assert not again.already_loaded and again.balanced
    assert again.read_again is not None and again.read_again.startswith(
        f"read again: ingest {first.ingest_id} loaded the same bytes with an earlier reading "
        "of x-archive; this one stores an edited tweet once"
    )
    now = posts(warehouse)
    assert sorted(now) == [PLAIN, FIRST]
    ts, reactions, text, url = now[FIRST]
    assert ts == dt.datetime(2025, 12, 9, 10, 5, tzinfo=dt.UTC)
    assert (reactions, url) == (7, f"https://x.com/northwind/status/{EDIT}")
    assert text == "Join our winter webinar on Thursday! https://t.co/EdItB2222b"
    assert (again.read, again.updated, again.unchanged) == (3, 1, 1)
    assert dict(again.ignored) == {"an earlier version of an edited tweet": 1}
    [notice] = again.notices
    assert notice.startswith(
        f"removed 1 row an earlier reading of x-archive stored under keys that now hold no "
        f"row (x|{EDIT})"
    )
    assert ingest_file(warehouse, source, path).already_loaded

    with pytest.raises(DependentIngestsError):  # the later load removed a row it wrote
        forget(warehouse, str(first.ingest_id))
    forget(warehouse, str(path))  # the newest load: the warehouse as the earlier reading left it

    assert posts(warehouse) == before


def test_an_archive_the_current_reading_loaded_is_not_read_again(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = archive_zip(tmp_path)
    source = get_source("x-archive")
    ingest_file(warehouse, source, path)

    again = ingest_file(warehouse, source, path)

    assert again.already_loaded and again.notices == ()
