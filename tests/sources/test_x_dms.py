"""X archive direct messages (`direct-messages.js`) as customer messages and our answers.

The fixture `x_archive/dms/` is in the shape of real archives (see its README): four
conversations of the Northwind account (`accountId` 1234567), messages newest first.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from outcomes.catalog.measurable import SOURCE_DATA, benchmark_need, measurable
from outcomes.sources import ReadOptions, Rejected, Row, detect_source
from outcomes.sources.base import Ignored, Notice, Parsed
from outcomes.sources.x_archive import XArchive
from outcomes.sources.x_dms import GROUP
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from outcomes.workspace.ingest import ingest_recognised
from tests.sources.x_archive_data import ACCOUNT, X_ARCHIVE, data_folder

DMS = X_ARCHIVE / "dms"
TWEETS = X_ARCHIVE / "tweets.js"
UTC = dt.UTC
# The fixture's messages by what they are (ids are Snowflakes of their times).
IN_ORDER, IN_FOLLOW_UP, ANSWER, OUR_FOLLOW_UP = (
    "1985270724817847273",
    "1985271983109047274",
    "1985282049438647275",
    "1985283307729847276",
)
IN_THANKS, ANSWER_THANKS = "1985346222289847277", "1985376421278647278"
OUR_OPENER, IN_DEPOT, ANSWER_DEPOT = (
    "1985648212177847279",
    "1985655761925047280",
    "1985663311672247281",
)
IN_WAITING = "1985980401054647282"
IN_ADDRESS, ANSWER_ADDRESS = "1986040799032247283", "1986043315614647284"


def read(path: Path, account: str | None = None) -> list[Parsed]:
    return list(XArchive().read(path, ReadOptions(account=account)))


def rows(parsed: list[Parsed]) -> dict[str, dict[str, Any]]:
    return {p.values["native_id"]: p.values for p in parsed if isinstance(p, Row)}


def ignored(parsed: list[Parsed]) -> list[str]:
    return [p.reason for p in parsed if isinstance(p, Ignored)]


def dm_file(tmp_path: Path, conversations: list[dict[str, Any]], *, account: bool = True) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    if account:
        shutil.copyfile(ACCOUNT, folder / ACCOUNT.name)
    path = folder / "direct-messages.js"
    path.write_text(
        "window.YTD.direct_messages.part0 = " + json.dumps(conversations), encoding="utf-8"
    )
    return path


def message(sender: str, recipient: str, id_: str, at: str, **more: Any) -> dict[str, Any]:
    body = {"recipientId": recipient, "senderId": sender, "id": id_, "createdAt": at}
    return {"messageCreate": body | {"text": "hello", **more}}


def test_each_wait_is_answered_by_our_next_message(tmp_path: Path) -> None:
    parsed = read(data_folder("dms", tmp_path / "data") / "direct-messages.js")

    got = rows(parsed)
    kinds = {native_id: (r["kind"], r["in_reply_to"]) for native_id, r in got.items()}
    assert kinds == {
        IN_ORDER: ("message_in", None),
        IN_FOLLOW_UP: ("message_in", None),  # the same wait: the measures read it so
        ANSWER: ("message", IN_ORDER),
        OUR_FOLLOW_UP: ("message", None),  # our own next message answers no one
        IN_THANKS: ("message_in", None),
        ANSWER_THANKS: ("message", IN_THANKS),
        OUR_OPENER: ("message", None),  # we wrote first: nobody waited
        IN_DEPOT: ("message_in", None),
        ANSWER_DEPOT: ("message", IN_DEPOT),
        IN_WAITING: ("message_in", None),
        IN_ADDRESS: ("message_in", None),
        ANSWER_ADDRESS: ("message", IN_ADDRESS),
    }
    assert ignored(parsed) == []  # before: the customer's second message, passed over


def test_a_message_has_the_columns_the_conversation_measures_read(tmp_path: Path) -> None:
    got = rows(read(data_folder("dms", tmp_path / "data") / "direct-messages.js"))

    assert got[IN_ORDER] | {"ts": None} == {
        "key": f"x|dm|{IN_ORDER}",
        "source": "x-archive",
        "channel": "x",
        "account": "northwind",
        "native_id": IN_ORDER,
        "kind": "message_in",
        "author": "88000001",  # DMs name the customer by id only
        "in_reply_to": None,
        "ts": None,
        "text": "Hi, my order #1042 has not arrived",
        "campaign": None,
    }
    assert got[IN_ORDER]["ts"] == dt.datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
    assert got[ANSWER]["author"] == "northwind"
    assert got[OUR_FOLLOW_UP]["campaign"] == "care-dm"  # from the expanded link


def test_group_conversations_are_counted_and_passed_over(tmp_path: Path) -> None:
    parsed = read(data_folder("dms", tmp_path / "data") / "direct-messages-group.js")

    assert ignored(parsed) == [GROUP] * 3  # two messages and a joinConversation
    assert len(parsed) == 3


def test_without_an_account_id_no_message_is_loaded_and_a_notice_says_why(
    tmp_path: Path,
) -> None:
    path = dm_file(tmp_path, [], account=False)
    conversation = {"conversationId": "1-2", "messages": [message("2", "1", "10", "2025-11-03")]}
    path.write_text(
        "window.YTD.direct_messages.part0 = " + json.dumps([{"dmConversation": conversation}])
    )

    parsed = read(path, account="northwind")

    assert [type(p) for p in parsed] == [Ignored, Notice]
    notice = parsed[-1]
    assert isinstance(notice, Notice) and "gives no accountId" in notice.text


def test_bad_messages_are_rejected_and_events_passed_over(tmp_path: Path) -> None:
    messages = [
        message("88", "1234567", "11", "2025-11-03T09:00:00.000Z"),
        message("88", "1234567", "12", "yesterday"),
        message("88", "1234567", "", "2025-11-03T09:01:00.000Z"),
        message("88", "99", "14", "2025-11-03T09:02:00.000Z"),
        {"participantsLeave": {"userIds": ["88"], "createdAt": "2025-11-03T09:03:00.000Z"}},
        message("1234567", "88", "16", "2025-11-03T09:04:00.000Z"),
    ]
    path = dm_file(tmp_path, [{"dmConversation": {"conversationId": "88-1234567"}}])
    path.write_text(
        "window.YTD.direct_messages.part0 = "
        + json.dumps([{"dmConversation": {"conversationId": "88-1234567", "messages": messages}}])
    )

    parsed = read(path)

    assert [(r.line, r.column, r.reason) for r in parsed if isinstance(r, Rejected)] == [
        (1, "messageCreate.createdAt", "message 12: expected a date and time, got 'yesterday'"),
        (1, "messageCreate.id", "the message has no id"),
        (
            1,
            "messageCreate.senderId",
            "message 14: neither from nor to the account of account.js (accountId 1234567); "
            "is account.js this archive's?",
        ),
    ]
    assert ignored(parsed) == ["a conversation event, not a message"]
    assert {k: (r["kind"], r["in_reply_to"]) for k, r in rows(parsed).items()} == {
        "11": ("message_in", None),
        "16": ("message", "11"),
    }


def test_a_data_folder_and_the_zip_read_the_direct_messages_with_the_tweets(
    tmp_path: Path,
) -> None:
    data = data_folder("dms", tmp_path / "archive" / "data")
    shutil.copyfile(TWEETS, data / TWEETS.name)
    packed = tmp_path / "twitter-2025-11-06-northwind.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for file in sorted(data.iterdir()):
            archive.write(file, f"twitter-2025-11-06/data/{file.name}")

    for path in (data, data.parent, packed):
        parsed = read(path)
        kinds = [r["kind"] for r in rows(parsed).values()]
        assert kinds.count("message_in") == 6 and kinds.count("message") == 6, path
        assert set(ignored(parsed)) == {GROUP}, path


def test_direct_messages_files_are_recognised_as_the_x_archive() -> None:
    for name in ("direct-messages.js", "direct-messages-group.js"):
        assert detect_source(DMS / name).name == "x-archive"


def test_loading_the_same_messages_again_changes_nothing(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = data_folder("dms", tmp_path / "data") / "direct-messages.js"
    first = ingest_file(warehouse, XArchive(), path)
    # A re-export: the same messages, other bytes (the archive is written again).
    path.write_text(path.read_text(encoding="utf-8").replace(" : ", ": "), encoding="utf-8")

    again = ingest_file(warehouse, XArchive(), path)

    assert (first.read, first.loaded, dict(first.ignored)) == (12, 12, {})
    assert (again.read, again.loaded, again.updated, again.unchanged) == (12, 0, 0, 12)


def test_ingest_auto_on_the_data_folder_leaves_no_direct_messages_file_unrecognised(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    data = data_folder("dms", tmp_path / "data")
    shutil.copyfile(TWEETS, data / TWEETS.name)

    outcomes, unknown = ingest_recognised(warehouse, [data])

    assert unknown == []
    loaded = {Path(o.file).name: (o.read, o.loaded) for o in outcomes}  # type: ignore[union-attr]
    assert loaded["direct-messages.js"] == (12, 12)
    assert loaded["direct-messages-group.js"] == (3, 0)


def test_a_data_folder_with_direct_messages_and_no_tweets_is_read(tmp_path: Path) -> None:
    data = data_folder("dms", tmp_path / "archive" / "data")

    parsed = read(data.parent)

    assert len(rows(parsed)) == 12
    assert ignored(parsed) == [GROUP, GROUP, GROUP]


def test_an_archive_zip_an_earlier_reading_loaded_is_read_again_for_its_messages(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    packed = tmp_path / "twitter-2025-11-06-northwind.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for file in (ACCOUNT, TWEETS, DMS / "direct-messages.js"):
            archive.write(file, f"data/{file.name}")
    first = ingest_file(warehouse, XArchive(), packed)
    # As the reading before direct messages left it: its tweets, no message, its mark.
    warehouse.duckdb.execute("DELETE FROM activities WHERE key LIKE 'x|dm|%'")
    warehouse.duckdb.execute("UPDATE ingests SET checksum = replace(checksum, '#r4', '#r2')")

    again = ingest_file(warehouse, XArchive(), packed)

    assert again.read_again is not None and "the direct messages" in again.read_again
    assert (again.loaded, again.unchanged) == (12, first.loaded - 12)  # the tweets stay


def test_the_catalogue_knows_the_archive_holds_messages_so_response_rate_is_measurable(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    ingest_file(warehouse, XArchive(), data_folder("dms", tmp_path / "data") / "direct-messages.js")
    written = warehouse.duckdb.execute("SELECT DISTINCT kind FROM activities").fetchall()

    assert {f"activities:{kind}" for (kind,) in written} <= SOURCE_DATA["x-archive"]
    assert measurable(benchmark_need("response_rate"), ["x-archive"])
