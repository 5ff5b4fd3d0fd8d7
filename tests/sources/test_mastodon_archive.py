"""Mastodon's account archive: outbox.json (with actor.json), or the archive zip."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, detect_source
from outcomes.sources.base import Ignored, Parsed
from outcomes.sources.mastodon import Mastodon
from outcomes.sources.mastodon_archive import MastodonArchive
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file
from tests.sources.damaged import ingest_outcome, read_outcome, rejections, rows

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon_archive"
OUTBOX = FIXTURES / "outbox.json"
ACTOR = FIXTURES / "actor.json"
STATUSES = Path(__file__).parent / "fixtures" / "mastodon" / "statuses.json"
US = "northwind@mastodon.social"
ME = "https://mastodon.social/users/northwind"


def read(path: Path, account: str | None = None) -> list[Parsed]:
    return list(MastodonArchive().read(path, ReadOptions(account=account)))


def activities(parsed: list[Parsed]) -> list[dict[str, Any]]:
    return [p.values for p in parsed if isinstance(p, Row)]


def file_items(path: Path) -> list[dict[str, Any]]:
    """Every item of every `orderedItems` member, as the file has them (keys may repeat)."""

    def members(pairs: list[tuple[str, Any]]) -> Any:
        return pairs if len({k for k, _ in pairs}) < len(pairs) else dict(pairs)

    top = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=members)
    pairs = top if isinstance(top, list) else list(top.items())
    return [item for key, items in pairs if key == "orderedItems" for item in items]


def zipped(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def archive_zip(tmp_path: Path, *, actor: bytes | None = None, outbox: bytes | None = None) -> Path:
    members = {
        "outbox.json": OUTBOX.read_bytes() if outbox is None else outbox,
        "likes.json": (FIXTURES / "likes.json").read_bytes(),
        "media_attachments/files/115/651/original/a1.png": b"\x89PNG\r\n",
    }
    if actor is not None:
        members["actor.json"] = actor
    return zipped(tmp_path / "archive-20251211.zip", members)


def outbox_text(items: list[Any] | str) -> str:
    body = items if isinstance(items, str) else json.dumps(items)
    return (
        '{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json",'
        f'"type":"OrderedCollection","totalItems":3,"orderedItems":{body}}}'
    )


def lone_outbox(tmp_path: Path, text: str, actor: bool = True) -> Path:
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    if actor:
        shutil.copyfile(ACTOR, folder / "actor.json")
    path = folder / "outbox.json"
    path.write_text(text, encoding="utf-8")
    return path


def create(index: int, **fields: Any) -> dict[str, Any]:
    uri = f"{ME}/statuses/{115_700_000_000_000_000 + index}"
    note = {
        "id": uri,
        "type": "Note",
        "published": "2025-12-12T10:00:00Z",
        "content": f"<p>post {index}</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{ME}/followers"],
    }
    return {"id": f"{uri}/activity", "type": "Create", "actor": ME, "object": note | fields}


# --- what the archive holds ------------------------------------------------------------


def test_every_create_and_announce_of_the_outbox_is_one_activity() -> None:
    items = file_items(OUTBOX)
    types = Counter(item["type"] for item in items)
    parsed = read(OUTBOX)

    assert types == {"Create": 6, "Announce": 1}
    assert all(isinstance(p, Row) for p in parsed)
    kinds = Counter(r["kind"] for r in activities(parsed))
    assert kinds["repost"] == types["Announce"]
    assert sum(kinds.values()) == types["Create"] + types["Announce"]
    replies = sum(1 for i in items if i["type"] == "Create" and i["object"]["inReplyTo"])
    assert kinds["reply"] == replies
    assert [p.line for p in parsed] == list(range(1, len(items) + 1))


def test_posts_replies_messages_and_boosts_read_as_the_archive_states_them() -> None:
    found = {r["native_id"]: r for r in activities(read(OUTBOX))}

    assert {n: r["kind"] for n, r in found.items()} == {
        "115651000000000001": "post",
        "115652000000000002": "reply",
        "115655000000000003": "reply",
        "115660000000000004": "repost",
        "115670000000000005": "post",
        "115680000000000006": "message",  # addressed to alice alone: a direct message
        "115690000000000007": "post",  # followers only is not private to one person
    }
    assert {r["account"] for r in found.values()} == {US}
    assert {r["author"] for r in found.values()} == {US}
    thread = found["115651000000000001"]
    assert thread["campaign"] == "answer-mentions"
    assert thread["text"].startswith("Listening beats broadcasting.\nA thread")
    assert found["115670000000000005"]["text"] == (
        "Long read\n\nWhy we answer every mention, with numbers."
    )
    # A reply on our server has the id the API gives; one to another server its URI.
    assert found["115652000000000002"]["in_reply_to"] == "115651000000000001"
    assert found["115655000000000003"]["in_reply_to"] == (
        "https://other.example/users/alice/statuses/109990000000000777"
    )
    boost = found["115660000000000004"]
    assert boost["url"] == "https://fosstodon.org/users/partner/statuses/113600000000000321"
    assert "text" not in boost and "campaign" not in boost
    assert not any({"reactions", "shares", "comments"} & set(r) for r in found.values())


def test_a_status_gets_the_same_key_from_the_archive_as_from_the_api() -> None:
    api = {r["native_id"]: r for r in activities(list(Mastodon().read(STATUSES, ReadOptions())))}
    archive = {r["native_id"]: r for r in activities(read(OUTBOX))}

    assert set(api) < set(archive)
    for native_id, status in api.items():
        mine = archive[native_id]
        same = ("key", "account", "author", "kind", "channel", "text", "campaign")
        assert {c: mine.get(c, status[c]) for c in same} == {c: status[c] for c in same}
    # A reply to another server: the API's id is local to our server, the archive has the URI.
    assert api["115655000000000003"]["in_reply_to"] == "115654000000000777"
    assert archive["115652000000000002"]["in_reply_to"] == api["115652000000000002"]["in_reply_to"]


def test_the_zip_reads_like_the_outbox_and_is_recognised(tmp_path: Path) -> None:
    path = archive_zip(tmp_path, actor=ACTOR.read_bytes())

    assert detect_source(path) is not None
    assert detect_source(path).name == "mastodon-archive"  # type: ignore[union-attr]
    assert detect_source(OUTBOX).name == "mastodon-archive"  # type: ignore[union-attr]
    assert detect_source(STATUSES).name == "mastodon"  # type: ignore[union-attr]
    assert activities(read(path)) == activities(read(OUTBOX))


def test_a_zip_with_an_outbox_but_no_actor_is_not_taken_for_an_archive(tmp_path: Path) -> None:
    path = archive_zip(tmp_path)

    assert not MastodonArchive().detect(path, path.read_bytes()[:4])


# --- whose archive it is ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "problem"),
    [
        (None, "the archive has no actor.json"),
        (b'{"id": "https://mastodon.social/users/northwind", "type": "Per', "cannot be read"),
        (b'{"type": "Person", "url": "https://mastodon.social/@x"}', "names no preferredUsername"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
    ],
)
def test_without_a_readable_actor_the_archive_is_refused_unless_the_account_is_given(
    tmp_path: Path, warehouse: Warehouse, actor: bytes | None, problem: str
) -> None:
    path = archive_zip(tmp_path, actor=actor)

    refused = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())
    assert isinstance(refused, SourceError)
    assert problem in str(refused) and "--account" in str(refused)

    given = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions(account="@nw@m.example"))
    assert isinstance(given, IngestResult) and given.loaded == 7
    accounts = warehouse.duckdb.execute("SELECT DISTINCT account FROM activities").fetchall()
    assert accounts == [("nw@m.example",)]


def test_an_outbox_alone_takes_its_account_from_the_actor_beside_it(tmp_path: Path) -> None:
    with_actor = lone_outbox(tmp_path, OUTBOX.read_text(encoding="utf-8"))
    assert {r["account"] for r in activities(read(with_actor))} == {US}

    (tmp_path / "export" / "actor.json").unlink()
    refused = read_outcome(MastodonArchive(), with_actor, ReadOptions())
    assert isinstance(refused, SourceError)
    assert "there is no actor.json beside the outbox" in str(refused)


def test_the_archives_actor_wins_over_the_option(tmp_path: Path) -> None:
    path = archive_zip(tmp_path, actor=ACTOR.read_bytes())

    assert {r["account"] for r in activities(read(path, account="someone@else.example"))} == {US}


# --- loading ---------------------------------------------------------------------------


def test_loading_again_adds_nothing_and_the_api_rows_are_the_same_rows(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    api = ingest_file(warehouse, Mastodon(), STATUSES)
    first = ingest_file(warehouse, MastodonArchive(), OUTBOX)
    again = ingest_file(
        warehouse, MastodonArchive(), archive_zip(tmp_path, actor=ACTOR.read_bytes())
    )

    assert api.loaded == 5
    assert first.loaded == 2  # the five statuses the API file has are the same rows
    assert first.loaded + first.updated + first.unchanged == 7
    assert (again.loaded, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 0)
    total = warehouse.duckdb.execute("SELECT count(*), count(account) FROM activities").fetchall()
    assert total == [(7, 7)]
    # The archive has no counts: what the API stored stays.
    kept = warehouse.duckdb.execute(
        "SELECT reactions FROM activities WHERE native_id = '115651000000000001'"
    ).fetchall()
    assert kept == [(5,)]


# --- damage ----------------------------------------------------------------------------


def test_damaged_items_are_rejected_with_their_position_and_the_rest_load(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    items = [
        json.dumps(create(1)),
        json.dumps(create(2)).replace("post 2", "half an emoji \\ud83d", 1),
        json.dumps(create(3)).replace('"2025-12-12T10:00:00Z"', "NaN", 1),
        "null",
        json.dumps({"id": f"{ME}/statuses/5/activity", "type": "Create", "object": "a URI"}),
        json.dumps(create(6, id=None)),
        json.dumps(create(7, published="yesterday-ish")),
        json.dumps(create(8, content=["not", "text"])),
        json.dumps({"id": f"{ME}/statuses/9/activity", "type": "Announce", "published": "x"}),
        json.dumps({"id": f"{ME}/statuses/10/activity", "type": "Announce"}),
        json.dumps({"id": f"{ME}/statuses/11/activity", "type": "Like", "object": "u"}),
        json.dumps(create(12)),
    ]
    path = lone_outbox(tmp_path, outbox_text("[" + ",\n".join(items) + "]"))

    parsed = read_outcome(MastodonArchive(), path, ReadOptions())

    assert [r.values["native_id"] for r in rows(parsed)] == [
        "115700000000000001",
        "115700000000000012",
    ]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (2, "object.content"),
        (3, None),
        (4, None),
        (5, "object"),
        (6, "object.id"),
        (7, "object.published"),
        (8, "object.content"),
        (9, "object"),
        (10, "object"),
    ]
    assert "lone UTF-16 surrogate" in rejections(parsed)[0].reason
    assert isinstance(parsed, list)
    assert [p.line for p in parsed if isinstance(p, Ignored)] == [11]

    result = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())
    assert isinstance(result, IngestResult)
    assert (result.read, result.loaded, result.rejected, result.ignored_total) == (12, 2, 9, 1)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (outbox_text("[" + json.dumps(create(1)) + ",")[:-1], "line 1"),
        (outbox_text("[" + json.dumps(create(1)) + "]")[:-1], "cut off"),
        ('["not", "a collection"]', "expected a JSON object"),
        ("", "the file is empty"),
        (outbox_text("[]") + "{}", "more text after the end"),
        ('{"orderedItems": [] "x": 1}', "expected ',' or '}'"),
    ],
)
def test_a_broken_outbox_is_refused_in_one_line(
    tmp_path: Path, warehouse: Warehouse, text: str, where: str
) -> None:
    path = lone_outbox(tmp_path, text)

    refused = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())

    assert isinstance(refused, SourceError)
    assert where in str(refused)


def test_an_outbox_larger_than_a_read_is_streamed_whole(tmp_path: Path) -> None:
    items = [create(i, content="<p>" + "x" * 600 + f" {i}</p>") for i in range(4000)]
    path = lone_outbox(tmp_path, outbox_text(items))
    assert path.stat().st_size > 2 * (1 << 20)

    parsed = read(path)

    assert len(parsed) == 4000 and not any(isinstance(p, Rejected) for p in parsed)
    assert parsed[-1].line == 4000


# --- found by the damaged-file corpus ----------------------------------------------------


@pytest.mark.parametrize("beside", [True, False], ids=["outbox beside actor.json", "zip"])
def test_an_actor_json_of_another_account_refuses_the_archive(
    tmp_path: Path, warehouse: Warehouse, beside: bool
) -> None:
    theirs = json.dumps(
        {
            "id": "https://other.example/users/someone",
            "type": "Person",
            "preferredUsername": "someone",
            "url": "https://other.example/@someone",
        }
    ).encode()
    if beside:
        path = lone_outbox(tmp_path, OUTBOX.read_text(encoding="utf-8"))
        (path.parent / "actor.json").write_bytes(theirs)
    else:
        path = archive_zip(tmp_path, actor=theirs)

    refused = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())

    assert isinstance(refused, SourceError)
    assert "item 1 is by https://mastodon.social/users/northwind" in str(refused)
    assert "another archive" in str(refused)
    assert warehouse.duckdb.execute("SELECT count(*) FROM activities").fetchall() == [(0,)]


def test_the_archives_own_actor_with_a_trailing_slash_is_the_same_account(
    tmp_path: Path,
) -> None:
    actor = json.loads(ACTOR.read_text(encoding="utf-8"))
    actor["id"] += "/"
    path = archive_zip(tmp_path, actor=json.dumps(actor).encode())

    assert {r["account"] for r in activities(read(path))} == {US}


@pytest.mark.parametrize(
    "published", ["06/12/2025 18:20", "2025-12-07", "1765101600", 1765101600, "Sat, 06 Dec 2025"]
)
def test_a_date_that_is_not_iso_8601_rejects_the_item_rather_than_guessing(
    tmp_path: Path, published: Any
) -> None:
    items = [create(1), create(2, published=published), create(3)]
    items[2]["published"] = published
    items[2]["object"].pop("published")
    path = lone_outbox(tmp_path, outbox_text(items))

    parsed = read_outcome(MastodonArchive(), path, ReadOptions())

    assert [r.values["native_id"] for r in rows(parsed)] == ["115700000000000001"]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (2, "object.published"),
        (3, "published"),
    ]
    assert "ISO 8601" in rejections(parsed)[0].reason


def test_a_note_without_url_leaves_the_url_stored_before(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    ingest_file(warehouse, MastodonArchive(), OUTBOX)
    items = file_items(OUTBOX)
    for item in items:
        if isinstance(item["object"], dict):
            item["object"].pop("url")
    path = lone_outbox(tmp_path, outbox_text(items))

    again = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())

    assert isinstance(again, IngestResult)
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, 7)
    urls = warehouse.duckdb.execute(
        "SELECT url FROM activities WHERE native_id = '115651000000000001'"
    ).fetchall()
    assert urls == [("https://mastodon.social/@northwind/115651000000000001",)]


def test_an_empty_zip_is_refused_as_an_archive_without_an_outbox(tmp_path: Path) -> None:
    path = zipped(tmp_path / "archive.zip", {})

    refused = read_outcome(MastodonArchive(), path, ReadOptions())

    assert isinstance(refused, SourceError)
    assert "the zip has no outbox.json" in str(refused)


def test_an_item_giving_a_key_twice_with_two_values_is_rejected(tmp_path: Path) -> None:
    twice = json.dumps(create(2)).replace(
        '"published": "2025-12-12T10:00:00Z"',
        '"published": "2025-12-12T10:00:00Z", "published": "2031-01-01T00:00:00Z"',
    )
    same = json.dumps(create(3)).replace('"type": "Note"', '"type": "Note", "type": "Note"')
    body = "[" + ", ".join([json.dumps(create(1)), twice, same]) + "]"
    path = lone_outbox(tmp_path, outbox_text(body))

    parsed = read_outcome(MastodonArchive(), path, ReadOptions())

    assert [r.values["native_id"] for r in rows(parsed)] == [
        "115700000000000001",
        "115700000000000003",
    ]
    [rejected] = rejections(parsed)
    assert rejected.line == 2 and "'published' is given twice" in rejected.reason


@pytest.mark.parametrize("renamed", ['"orderedItemz":[', '"items":['])
def test_an_outbox_whose_items_are_renamed_away_is_refused_not_read_as_empty(
    tmp_path: Path, warehouse: Warehouse, renamed: str
) -> None:
    # The empty `orderedItems` real archives write first stays; the real one is renamed.
    text = OUTBOX.read_text(encoding="utf-8")
    real = text.rindex('"orderedItems":[')
    damaged = text[:real] + renamed + text[real + len('"orderedItems":[') :]
    assert damaged.count('"orderedItems"') == 1 and '"totalItems"' in damaged
    path = lone_outbox(tmp_path, damaged)

    refused = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())

    assert isinstance(refused, SourceError), refused
    assert "totalItems" in str(refused) and "no orderedItems member holds any" in str(refused)
    assert "\n" not in str(refused)


def test_an_empty_outbox_that_says_so_loads_nothing_without_complaint(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = lone_outbox(tmp_path, '{"totalItems": 0, "orderedItems": []}')

    loaded = ingest_outcome(warehouse, MastodonArchive(), path, ReadOptions())

    assert not isinstance(loaded, SourceError) and loaded.read == 0
