"""Damage to Mastodon's account archive: its `outbox.json`, the `actor.json` beside it, the zip.

The outbox is an ActivityStreams `OrderedCollection`; its records are the `orderedItems`
(written twice by real archives, an empty array first), and the fields that matter are
nested: `published`, `id`, `type`, `object.content`, `object.inReplyTo`, `object.to`, a
boost's `object` as a string. On top of the JSON damages of :mod:`tests.sources.corpus_json`
(on those nested paths) come the ones this format invites: dates in another form, an id
gone, an activity type unknown, a field given twice, the collection's own members damaged,
and `actor.json` (whose account it is) missing, broken or another account's.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from tests.sources import corpus, corpus_json, corpus_workbook
from tests.sources.corpus import Mutation
from tests.sources.corpus_json import JsonShape

OUTBOX = JsonShape(lines=False, member="orderedItems")
FIELDS = (
    "id",
    "published",
    "type",
    "object",
    "object.id",
    "object.content",
    "object.inReplyTo",
    "object.to",
    "object.cc",
    "object.published",
    "object.url",
    "actor",
)
OPTIONAL = ("object.summary", "object.url", "object.to", "object.cc", "object.published", "actor")
FEEDS: dict[str, tuple[str, ...]] = {"object.url": ("activities.url",)}
"""A re-export without a note's `url` must not change the `url` stored for it."""
ACTOR = "actor.json"
_BOOSTED = "https://fosstodon.org/users/partner/statuses/113600000000000321"
OTHER_ACTOR = {
    "id": "https://other.example/users/someone",
    "type": "Person",
    "preferredUsername": "someone",
    "url": "https://other.example/@someone",
}


def _activity_damage() -> list[Mutation]:
    """Damage to the activities that the generic JSON damages do not make."""
    shape = OUTBOX
    field = corpus_json.field_mutation
    found = [
        field(f"{value!r} in 'published'", shape, "published", value)
        for value in ("06/12/2025 18:20", "", "2025-12-07", "1765101600", "58000-01-01T00:00:00Z")
    ]
    found += [
        field(f"{value!r} in 'object.published'", shape, "object.published", value)
        for value in ("Sat, 06 Dec 2025 18:20:30 GMT", "", "0000-00-00T00:00:00Z")
    ]
    found += [
        corpus_json.drop_field("an activity without 'id'", shape, "id", every=False),
        corpus_json.drop_field("a note without 'id'", shape, "object.id", every=False),
        corpus_json.drop_field("an activity without 'published'", shape, "published", every=False),
        corpus_json.drop_field("an activity without 'object'", shape, "object", every=False),
        field("'type' unknown (Update)", shape, "type", "Update"),
        field("'type' in lower case", shape, "type", "create"),
        field("'type' unknown on every item", shape, "type", "Like", every=True),
        field("a boost's object as an object", shape, "object", {"id": _BOOSTED}),
        field("a boost's object empty", shape, "object", ""),
        field("a note's 'type' unknown", shape, "object.type", "Article"),
        field("'inReplyTo' on another server", shape, "object.inReplyTo", _BOOSTED),
        field("'inReplyTo' not a URI", shape, "object.inReplyTo", "http://[broken"),
        field("'id' not a URI", shape, "object.id", "http://[broken"),
        corpus_json.given_twice(
            "'published' given twice, with two values", shape, "published", "2031-01-01T00:00:00Z"
        ),
        corpus_json.items_mutation(
            "an item that is text", shape, lambda items: [*items[:3], "a status", *items[3:]]
        ),
        corpus_json.items_mutation(
            "an item that is an array", shape, lambda items: [*items, [items[0]]]
        ),
    ]
    return found


def _collection_damage() -> list[Mutation]:
    """Damage to the collection around the items (`orderedItems` given twice, as real)."""

    def text(change: Any) -> Any:
        return lambda good: change(good.decode("utf-8")).encode("utf-8")

    empty_first = '"orderedItems":[],'
    return [
        Mutation("the empty 'orderedItems' left out", text(lambda t: t.replace(empty_first, ""))),
        Mutation(
            "an empty 'orderedItems' after the real one",
            text(lambda t: t[: t.rindex("}")] + ',"orderedItems":[]}'),
        ),
        Mutation(
            "the real 'orderedItems' renamed",
            text(
                lambda t: corpus_json.replace_last(
                    t.encode(), b'"orderedItems"', b'"items"'
                ).decode()
            ),
        ),
        Mutation(
            "'orderedItems' not an array",
            text(lambda t: t.replace(empty_first, '"orderedItems":"none",')),
        ),
        Mutation(
            "'totalItems' out of range",
            text(lambda t: t.replace('"totalItems":7', '"totalItems":1e999')),
        ),
        Mutation(
            "the collection's 'type' other",
            text(lambda t: t.replace('"OrderedCollection"', '"Collection"', 1)),
        ),
        Mutation("the collection is an array", text(lambda t: "[" + t + "]")),
        Mutation("the collection's closing brace missing", lambda g: g.rstrip()[:-1]),
    ]


def _actor_damage() -> list[Mutation]:
    """Damage to actor.json beside the outbox (whose account it is): missing, unreadable or
    another account's, each refuses the archive (no --account is given)."""

    def actor(name: str, change: Any) -> Mutation:
        return corpus.beside_mutation(f"actor.json: {name}", ACTOR, change)

    return [
        Mutation("the outbox saved again with a final line break", lambda g: g + b"\n"),
        corpus.beside_mutation("actor.json missing", ACTOR, None),
        actor("cut in half", lambda a: a[: len(a) // 2]),
        actor("empty", lambda a: b""),
        actor("not an object", lambda a: b'["northwind"]'),
        actor("UTF-16", lambda a: a.decode("utf-8").encode("utf-16")),
        actor("BOM added", lambda a: codecs.BOM_UTF8 + a),
        actor("without preferredUsername", lambda a: _actor_edit(a, preferredUsername=None)),
        actor("preferredUsername a number", lambda a: _actor_edit(a, preferredUsername=12)),
        actor("url not a URL", lambda a: _actor_edit(a, url="not a url", id="nor this")),
        actor("lone surrogate", lambda a: a.replace(b'"northwind"', b'"north\\ud800wind"')),
        actor("another account's", lambda a: json.dumps(OTHER_ACTOR).encode()),
        actor("over a megabyte", lambda a: a[:-1] + b',"pad":"' + b" " * (1 << 20) + b'"}'),
    ]


def _actor_edit(data: bytes, **fields: Any) -> bytes:
    actor = json.loads(data)
    for name, value in fields.items():
        if value is None:
            actor.pop(name, None)
        else:
            actor[name] = value
    return json.dumps(actor).encode()


def outbox_mutations() -> list[Mutation]:
    """The damages of an outbox.json with actor.json beside it."""
    generic = corpus_json.json_mutations(
        OUTBOX, FIELDS, OPTIONAL, text="object.content", number="object.published"
    )
    return [*generic, *_activity_damage(), *_collection_damage(), *_actor_damage()]


def zip_mutations() -> list[Mutation]:
    """The damages of the whole archive: the zip, its members, its outbox and actor."""
    outbox_damage = [m for m in outbox_mutations() if not m.beside and "nested" not in m.name][::3]
    actor_damage = [m for m in _actor_damage() if m.beside and m.beside[0][1] is not None]
    # (the zip's own bytes change with its actor.json: the outbox is not saved again)

    def rebuilt(change: Any) -> Any:
        return lambda g: corpus_workbook.zip_bytes(change(corpus_workbook.zip_members(g)))

    def nested(found: dict[str, bytes]) -> dict[str, bytes]:
        return {f"archive-20251211/{name}": data for name, data in found.items()}

    def renamed(found: dict[str, bytes]) -> dict[str, bytes]:
        return {name.replace("outbox.json", "outbox (1).json"): d for name, d in found.items()}

    extra = {
        "media_attachments/files/115/651/original/a1.png": b"\x89PNG\r\n\x1a\n",
        "__MACOSX/._outbox.json": b"\x00\x05\x16\x07 resource fork",
        "__MACOSX/outbox.json": b"not the outbox",
        "bookmarks.json": b'{"type":"OrderedCollection","orderedItems":[]}',
    }
    return [
        *corpus_workbook.zip_mutations(),
        *corpus_workbook.in_zip_member("outbox.json", outbox_damage),
        *(
            Mutation(m.name, corpus_workbook.replace_member(ACTOR, m.beside[0][1]))  # type: ignore[arg-type]
            for m in actor_damage
        ),
        corpus_workbook.without_zip_member(ACTOR),
        corpus_workbook.without_zip_member("outbox.json"),
        Mutation("the members in a folder", rebuilt(nested)),
        Mutation("the outbox under another name", rebuilt(renamed)),
        Mutation("extra members (media, __MACOSX, bookmarks)", rebuilt(lambda f: {**f, **extra})),
        Mutation(
            "a deeper outbox.json beside the real one",
            rebuilt(lambda f: {**f, "old/outbox.json": b'{"orderedItems": [1]}'}),
        ),
        Mutation(
            "actor.json a zip bomb (20 MB of spaces)",
            rebuilt(lambda f: {**f, ACTOR: b" " * (20 << 20)}),
        ),
        Mutation(
            "actor.json stored uncompressed",
            lambda g: _stored({**corpus_workbook.zip_members(g)}),
        ),
    ]


def _stored(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return out.getvalue()
