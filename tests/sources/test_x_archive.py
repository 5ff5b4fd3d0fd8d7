"""The X archive connector: tweets.js, its parts, a data folder and the archive zip."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.base import Parsed
from outcomes.sources.x_archive import XArchive

FIXTURES = Path(__file__).parent / "fixtures" / "x_archive"
TWEETS = FIXTURES / "tweets.js"
PART1 = FIXTURES / "tweets-part1.js"
ACCOUNT = FIXTURES / "account.js"
UTC = dt.UTC


def read(path: Path, account: str | None = None) -> list[Parsed]:
    return list(XArchive().read(path, ReadOptions(account=account)))


def rows(parsed: list[Parsed]) -> list[dict[str, Any]]:
    return [p.values for p in parsed if isinstance(p, Row)]


def rejections(parsed: list[Parsed]) -> list[Rejected]:
    return [p for p in parsed if isinstance(p, Rejected)]


def lone(tmp_path: Path, source: Path, name: str | None = None) -> Path:
    """A copy of a fixture in a folder without account.js."""
    target = tmp_path / (name or source.name)
    shutil.copyfile(source, target)
    return target


def build_zip(path: Path, members: dict[str, bytes | Path]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            data = content.read_bytes() if isinstance(content, Path) else content
            archive.writestr(name, data)
    return path


def full_archive(tmp_path: Path) -> Path:
    root = "twitter-2025-12-10-4f2a9c/"
    return build_zip(
        tmp_path / "twitter-archive.zip",
        {
            root + "Your archive.html": b"<html>Your archive</html>",
            root + "data/account.js": ACCOUNT,
            # part 1 first in the zip: parts must still be read in order
            root + "data/tweets-part1.js": PART1,
            root + "data/tweets.js": TWEETS,
            root + "data/like.js": b'window.YTD.like.part0 = [{"like": {"tweetId": "1"}}]',
            root + "data/deleted-tweets.js": b"window.YTD.deleted_tweets.part0 = []",
            root + "data/tweets_media/1997365000000000001-a.jpg": b"\xff\xd8\xff",
        },
    )


# --- one tweets.js ----------------------------------------------------------------------


def test_every_tweet_of_tweets_js_becomes_an_activity_with_its_kind() -> None:
    parsed = read(TWEETS)

    assert rejections(parsed) == []
    got = rows(parsed)
    assert [(r["native_id"], r["kind"], r["in_reply_to"]) for r in got] == [
        ("1997365000000000001", "post", None),
        ("1997366000000000002", "reply", "1997365000000000001"),  # a thread: still a reply
        ("1997367000000000003", "reply", "1997300000000000099"),
        ("1997368000000000004", "repost", None),
        ("1997369000000000005", "post", None),
        ("1997370000000000006", "post", None),
    ]


def test_a_post_has_every_column_from_the_archive() -> None:
    first = rows(read(TWEETS))[0]

    assert first == {
        "key": "x|1997365000000000001",
        "source": "x-archive",
        "channel": "x",
        "account": "northwind",  # from the account.js beside it
        "native_id": "1997365000000000001",
        "kind": "post",
        "author": "northwind",
        "in_reply_to": None,
        "ts": dt.datetime(2025, 12, 6, 18, 20, 30, tzinfo=UTC),
        "text": "Listening beats broadcasting. A thread 🧵 #SocialBusiness",
        "url": "https://x.com/northwind/status/1997365000000000001",
        "campaign": None,
        "reactions": 12,
        "shares": 3,
    }


def test_counts_written_as_strings_become_numbers_and_the_utm_link_names_the_campaign() -> None:
    by_id = {r["native_id"]: r for r in rows(read(TWEETS))}

    linked = by_id["1997369000000000005"]
    assert (linked["reactions"], linked["shares"]) == (1204, 87)
    assert linked["campaign"] == "answer-mentions"  # from entities.urls, not the t.co link
    assert linked["text"] == "Our guide to answering mentions <fast> https://t.co/AbC123xyz"
    assert by_id["1997366000000000002"]["text"].endswith("business day & measure it.")
    assert by_id["1997370000000000006"]["text"] == "Café ☕ — 日本語 🎉 thanks everyone <3"
    assert by_id["1997370000000000006"]["ts"] == dt.datetime(2025, 12, 9, 23, 59, 59, tzinfo=UTC)
    assert by_id["1997368000000000004"]["text"].startswith("RT @partnerco:")


def test_without_account_js_the_handle_comes_from_the_options(tmp_path: Path) -> None:
    alone = lone(tmp_path, TWEETS)

    named = rows(read(alone, account="@Northwind_HQ"))[0]

    assert (named["account"], named["author"]) == ("Northwind_HQ", "Northwind_HQ")
    assert named["url"] == "https://x.com/Northwind_HQ/status/1997365000000000001"


def test_without_account_js_or_the_option_the_file_is_refused(tmp_path: Path) -> None:
    alone = lone(tmp_path, TWEETS)

    with pytest.raises(SourceError) as caught:
        read(alone)

    assert str(caught.value) == (
        f"{alone}: there is no account.js beside the tweets, so whose tweets these are is "
        "unknown; pass the handle with --account HANDLE"
    )


def test_account_js_wins_over_the_option() -> None:
    assert rows(read(TWEETS, account="someone-else"))[0]["account"] == "northwind"


def test_bad_records_are_rejected_with_record_number_column_and_reason() -> None:
    parsed = read(PART1)

    assert [r["native_id"] for r in rows(parsed)] == ["1990000000000000101", "1990000000000000105"]
    assert [(r.line, r.column, r.reason) for r in rejections(parsed)] == [
        (2, "created_at", "expected a date and time, got 'yesterday at noon'"),
        (3, "id_str", "the tweet has no id (id_str)"),
        (4, "favorite_count", "expected a number, got 'lots'"),
    ]
    third = rejections(parsed)[1]
    assert json.loads(third.raw)["tweet"]["full_text"] == "A tweet without an id"


def test_part_file_reply_without_the_str_field_and_campaign_in_the_text() -> None:
    first, reply = rows(read(PART1))

    assert first["campaign"] == "webinar-nov"
    assert (reply["kind"], reply["in_reply_to"]) == ("reply", "1989999999999999000")


def test_a_bom_and_an_old_style_tweet_js_are_read(tmp_path: Path) -> None:
    text = TWEETS.read_text(encoding="utf-8").replace("window.YTD.tweets.", "window.YTD.tweet.")
    old = tmp_path / "tweet.js"
    old.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))

    assert len(rows(read(old, account="northwind"))) == 6
    assert XArchive().detect(old, old.read_bytes()[:65536])


def test_an_element_without_the_tweet_wrapper_is_read_and_a_non_object_rejected(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tweets.js"
    bare = {"id_str": "11", "created_at": "Sat Dec 06 18:20:30 +0000 2025", "full_text": "hi"}
    path.write_text("window.YTD.tweets.part0 = " + json.dumps([bare, "oops"]), encoding="utf-8")

    parsed = read(path, account="northwind")

    assert [r["native_id"] for r in rows(parsed)] == ["11"]
    assert [(r.line, r.column, r.raw) for r in rejections(parsed)] == [(2, "tweet", '"oops"')]


def test_one_percent_corrupt_records_in_2000_are_exactly_the_ones_rejected(
    tmp_path: Path,
) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)
    corruptions: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("created_at", lambda t: t.update(created_at="32/13/2025")),
        ("id_str", lambda t: (t.pop("id_str"), t.pop("id"))),
        ("favorite_count", lambda t: t.update(favorite_count="12k")),
        ("retweet_count", lambda t: t.update(retweet_count="n/a?")),
        ("created_at", lambda t: t.pop("created_at")),
    ]
    records, expected = [], {}
    for index in range(2000):
        moment = start + dt.timedelta(hours=index)
        tweet = {
            "id_str": str(1_800_000_000_000_000_000 + index),
            "id": str(1_800_000_000_000_000_000 + index),
            "created_at": moment.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "full_text": f"tweet number {index} ✨",
            "favorite_count": str(index % 17),
            "retweet_count": str(index % 5),
        }
        if index % 100 == 42:
            column, corrupt = corruptions[(index // 100) % len(corruptions)]
            corrupt(tweet)
            expected[index + 1] = column
        records.append({"tweet": tweet})
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = " + json.dumps(records, indent=1), encoding="utf-8")

    parsed = read(path, account="northwind")

    assert len(rows(parsed)) == 1980
    assert {r.line: r.column for r in rejections(parsed)} == expected
    assert len(expected) == 20
    kept = {r["native_id"] for r in rows(parsed)}
    assert str(1_800_000_000_000_000_000 + 41) in kept
    assert str(1_800_000_000_000_000_000 + 42) not in kept
    assert rows(parsed)[-1]["ts"] == start + dt.timedelta(hours=1999)


# --- folders and zips -------------------------------------------------------------------


def test_the_archive_zip_is_read_part_by_part_with_the_handle_from_account_js(
    tmp_path: Path,
) -> None:
    parsed = read(full_archive(tmp_path), account="ignored")

    got = rows(parsed)
    assert len(got) == 6 + 2
    assert got[0]["native_id"] == "1997365000000000001"  # part 0 before part 1
    assert got[-1]["native_id"] == "1990000000000000105"
    assert {r["account"] for r in got} == {"northwind"}
    assert [(r.line, r.column, r.reason) for r in rejections(parsed)] == [
        (
            2,
            "created_at",
            "twitter-2025-12-10-4f2a9c/data/tweets-part1.js: "
            "expected a date and time, got 'yesterday at noon'",
        ),
        (
            3,
            "id_str",
            "twitter-2025-12-10-4f2a9c/data/tweets-part1.js: the tweet has no id (id_str)",
        ),
        (
            4,
            "favorite_count",
            "twitter-2025-12-10-4f2a9c/data/tweets-part1.js: expected a number, got 'lots'",
        ),
    ]


def test_a_zip_without_account_js_takes_the_handle_from_the_options(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "a.zip", {"data/tweets.js": TWEETS})

    assert {r["account"] for r in rows(read(path, account="nw"))} == {"nw"}


def test_a_data_folder_and_the_archive_folder_are_read(tmp_path: Path) -> None:
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    for source in (TWEETS, PART1, ACCOUNT):
        shutil.copyfile(source, data / source.name)
    (data / "like.js").write_text("window.YTD.like.part0 = []", encoding="utf-8")

    for folder in (data, data.parent):
        parsed = read(folder)
        assert len(rows(parsed)) == 8
        assert {r["account"] for r in rows(parsed)} == {"northwind"}
        assert rejections(parsed)[0].reason.startswith("tweets-part1.js: ")


def test_a_folder_without_tweets_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        SourceError, match=re.escape("no tweets.js, tweets-partN.js or direct-messages.js")
    ):
        read(tmp_path)


# --- files that cannot be read ----------------------------------------------------------


def test_a_malformed_zip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)

    with pytest.raises(SourceError) as caught:
        read(path)

    assert str(caught.value) == f"{path}: not a valid zip archive; download the archive again"
    assert not XArchive().detect(path, path.read_bytes())


def test_a_zip_without_tweets_is_an_error(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "other.zip", {"data/like.js": b"window.YTD.like.part0 = []"})

    with pytest.raises(SourceError, match=r"the zip has no data/tweets\.js"):
        read(path)
    assert not XArchive().detect(path, path.read_bytes())


def test_a_damaged_member_inside_the_zip_is_an_error(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "a.zip", {"data/tweets.js": TWEETS.read_bytes() * 3})
    data = bytearray(path.read_bytes())
    middle = data.index(b"data/tweets.js") + 200  # inside the compressed bytes
    data[middle : middle + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))

    with pytest.raises(SourceError, match=r"data/tweets\.js cannot be unpacked"):
        read(path, account="northwind")


def test_a_truncated_tweets_js_gives_the_line_and_column(tmp_path: Path) -> None:
    lines = TWEETS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "tweets.js"
    path.write_text("".join(lines[:20]) + '      "favorite_count" : "1', encoding="utf-8")

    with pytest.raises(SourceError) as caught:
        read(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: broken JSON at line 21, column 26 (Unterminated string")
    assert message.endswith("the file is cut off or damaged; download the archive again")
    assert "\n" not in message


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    for content in (b"", b"  \n\n"):
        path.write_bytes(content)
        with pytest.raises(SourceError, match="the file is empty; download the archive again"):
            read(path)


def test_a_file_with_another_prefix_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('window.YTD.like.part0 = [{"like": {}}]', encoding="utf-8")

    with pytest.raises(
        SourceError, match=re.escape("does not start with 'window.YTD.tweets.part0 = ['")
    ):
        read(path)


def test_json_that_is_not_an_array_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('window.YTD.tweets.part0 = {"tweet": {}}', encoding="utf-8")

    with pytest.raises(SourceError, match="expected a JSON array of tweets"):
        read(path)


def test_bytes_that_are_not_utf8_are_an_error_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_bytes(b'window.YTD.tweets.part0 = [\n{"tweet": {"full_text": "caf\xe9"}}]')

    with pytest.raises(SourceError, match="byte 0xE9 at line 2 is not utf-8-sig"):
        read(path)


# --- detection and registry -------------------------------------------------------------


def test_detect_recognises_tweets_files_and_archive_zips(tmp_path: Path) -> None:
    source = XArchive()
    archive = full_archive(tmp_path)
    like = tmp_path / "like.js"
    like.write_text("window.YTD.like.part0 = []", encoding="utf-8")
    csv = tmp_path / "posts.csv"
    csv.write_text("Post ID,Publish time\n1,2025-01-01\n", encoding="utf-8")

    assert source.detect(TWEETS, TWEETS.read_bytes())
    assert source.detect(PART1, PART1.read_bytes())
    assert source.detect(archive, archive.read_bytes()[:65536])
    assert not source.detect(ACCOUNT, ACCOUNT.read_bytes())
    assert not source.detect(like, like.read_bytes())
    assert not source.detect(csv, csv.read_bytes())


def test_the_registry_names_this_connector() -> None:
    source = get_source("x-archive")

    assert isinstance(source, XArchive)
    assert (source.name, source.channel) == ("x-archive", "x")
