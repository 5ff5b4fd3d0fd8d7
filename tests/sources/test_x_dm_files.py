"""The archive's other direct messages files: `direct-message-headers.js` (the same
messages without their text), `direct-messages-partN.js`, and a zip of DM files alone."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from outcomes.sources import detect_source
from outcomes.sources.base import Notice
from outcomes.sources.x_archive import XArchive
from outcomes.sources.x_dms import GROUP, TWICE
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from tests.sources.test_x_dms import ANSWER, DMS, IN_ORDER, ignored, message, read, rows
from tests.sources.x_archive_data import ACCOUNT, data_folder

HEADERS_PREFIX = "window.YTD.direct_message_headers.part0 = "


def headers_of(full: Path) -> str:
    """The headers file an archive writes beside `full`: each message without its text."""
    text = full.read_text(encoding="utf-8")
    conversations = json.loads(text[text.index("[") :])
    for item in conversations:
        for entry in item["dmConversation"]["messages"]:
            body = entry.get("messageCreate")
            if body is not None:
                entry["messageCreate"] = {
                    k: body[k] for k in ("id", "senderId", "recipientId", "createdAt")
                }
    return HEADERS_PREFIX + json.dumps(conversations, indent=2)


def test_the_headers_file_alone_is_read_as_the_messages_are(tmp_path: Path) -> None:
    """Before: not recognised (detect_source named no source); read as a tweets file."""
    data = data_folder("dms", tmp_path / "data")
    full = rows(read(data / "direct-messages.js"))
    headers = data / "direct-message-headers.js"
    headers.write_text(headers_of(data / "direct-messages.js"), encoding="utf-8")
    (data / "direct-messages.js").unlink()
    (data / "direct-messages-group.js").unlink()

    assert detect_source(headers).name == "x-archive"
    parsed = read(headers)

    got = rows(parsed)
    assert {k: (r["kind"], r["in_reply_to"], r["ts"]) for k, r in got.items()} == {
        k: (r["kind"], r["in_reply_to"], r["ts"]) for k, r in full.items()
    }
    assert all("text" not in r and "campaign" not in r for r in got.values())
    assert ignored(parsed) == []


def test_a_message_in_both_files_is_loaded_once_with_its_text(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    data = data_folder("dms", tmp_path / "archive" / "data")
    headers = headers_of(data / "direct-messages.js")
    (data / "direct-message-headers.js").write_text(headers, encoding="utf-8")

    parsed = read(data.parent)

    got = rows(parsed)
    assert len(got) == 12 and got[IN_ORDER]["text"]
    assert set(ignored(parsed)) == {TWICE, GROUP}
    assert ignored(parsed).count(TWICE) == 12
    # Loaded one file at a time, the headers after the messages: nothing twice, no text lost.
    ingest_file(warehouse, XArchive(), data / "direct-messages.js")
    again = ingest_file(warehouse, XArchive(), data / "direct-message-headers.js")
    assert (again.read, again.loaded, again.updated, again.unchanged) == (12, 0, 0, 12)
    [(text,)] = warehouse.duckdb.execute(
        "SELECT text FROM activities WHERE native_id = ?", [IN_ORDER]
    ).fetchall()
    assert text


def test_a_zip_of_the_direct_messages_alone_is_read(tmp_path: Path) -> None:
    """Before: refused ('the zip has no data/tweets.js')."""
    packed = tmp_path / "northwind-dms.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for file in (ACCOUNT, DMS / "direct-messages.js"):
            archive.write(file, f"data/{file.name}")

    assert detect_source(packed).name == "x-archive"
    got = rows(read(packed))
    assert len(got) == 12 and got[ANSWER]["in_reply_to"] == IN_ORDER

    bare = tmp_path / "no-account.zip"
    with zipfile.ZipFile(bare, "w") as archive:
        archive.write(DMS / "direct-messages.js", "data/direct-messages.js")
    parsed = read(bare, account="northwind")
    assert rows(parsed) == {}
    assert any(isinstance(p, Notice) and "gives no accountId" in p.text for p in parsed)


def _part(folder: Path, number: int, messages: list[dict[str, Any]]) -> None:
    conversation = {"conversationId": "88-1234567", "messages": messages}
    name = "direct-messages.js" if number == 0 else f"direct-messages-part{number}.js"
    (folder / name).write_text(
        f"window.YTD.direct_messages.part{number} = "
        + json.dumps([{"dmConversation": conversation}]),
        encoding="utf-8",
    )


def test_a_conversation_split_across_parts_is_read_as_one(tmp_path: Path) -> None:
    """Before: each part paired alone: our answer in part 1 answered nothing."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(ACCOUNT, folder / ACCOUNT.name)
    _part(folder, 0, [message("88", "1234567", "11", "2025-11-03T09:00:00.000Z")])
    _part(
        folder,
        1,
        [
            message("1234567", "88", "13", "2025-11-03T09:30:00.000Z"),
            message("88", "1234567", "12", "2025-11-03T09:10:00.000Z"),
        ],
    )

    parsed = read(folder)

    assert {k: (r["kind"], r["in_reply_to"]) for k, r in rows(parsed).items()} == {
        "11": ("message_in", None),
        "12": ("message_in", None),
        "13": ("message", "11"),
    }
    assert ignored(parsed) == []
