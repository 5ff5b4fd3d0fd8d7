"""Damage to JSON exports, one family of the corpus (`tests/sources/corpus.py`).

An export holds its records in an array (after a prefix such as an X archive's
`window.YTD...`, or in a member of the top-level object) or as JSON Lines (`JsonShape`).
The damages: cut mid-string, mid-character or mid-escape, wrong types, deep nesting, NaN,
infinite and out-of-range literals, lone surrogates, a field dropped or given twice,
records that are not objects. A field is named by a dotted path when nested
("object.content").
"""

from __future__ import annotations

import codecs
import copy
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tests.sources.corpus import Mutation, cut

SENTINEL = "\x01corpus\x01"


@dataclass(frozen=True)
class JsonShape:
    """How an export holds its records: an array after a prefix, or JSON Lines."""

    lines: bool
    wrapper: str | None = None
    """The key each array element wraps its record in (X archives: "tweet")."""
    member: str | None = None
    """The member of the top-level object whose array holds the records (an ActivityStreams
    outbox: "orderedItems"). Its last occurrence is the one damaged; the text around that
    array is kept as it is, so a member given twice stays twice."""


@dataclass(frozen=True)
class Frame:
    """A JSON export cut in three: the text before the records' array, it, the text after."""

    before: str
    body: str
    after: str


def _frame(text: str, shape: JsonShape) -> Frame:
    if shape.member is None:
        start = min(i for i in (text.find("["), text.find("{")) if i >= 0)
        return Frame(text[:start], text[start:], "")
    start = text.index("[", text.rindex(json.dumps(shape.member)))
    _, end = json.JSONDecoder().raw_decode(text, start)
    return Frame(text[:start], text[start:end], text[end:])


def _load(good: bytes, shape: JsonShape) -> tuple[Frame, list[Any]]:
    text = good.decode("utf-8-sig")
    if shape.lines:
        items: list[Any] = []
        for line in text.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                items.append(SENTINEL + line)  # a damaged line of the good file stays as it is
        return Frame("", "", ""), items
    frame = _frame(text, shape)
    return frame, json.loads(frame.body)


def _dump(frame: Frame, items: list[Any], shape: JsonShape, raw: str | None = None) -> bytes:
    def one(item: Any, indent: int | None) -> str:
        if isinstance(item, str) and item.startswith(SENTINEL):
            return item[len(SENTINEL) :]
        text = json.dumps(item, indent=indent, ensure_ascii=False)
        return text if raw is None else text.replace(json.dumps(SENTINEL), raw)

    if shape.lines:
        return ("\n".join(one(i, None) for i in items) + "\n").encode("utf-8", "surrogatepass")
    body = one(items, 2)
    return (frame.before + body + frame.after).encode("utf-8", "surrogatepass")


def _record(item: Any, shape: JsonShape) -> dict[str, Any]:
    inner = item.get(shape.wrapper) if shape.wrapper and isinstance(item, dict) else item
    assert isinstance(inner, dict)
    return inner


def _records(items: list[Any], shape: JsonShape) -> list[dict[str, Any]]:
    found = []
    for item in items:
        try:
            found.append(_record(item, shape))
        except AssertionError:
            continue
    return found


def _holder(record: dict[str, Any], field: str) -> tuple[dict[str, Any], str] | None:
    """The object holding a dotted `field` ("object.content") and its last name; None when
    the record has no object on that path (a boost's `object` is a string)."""
    *parents, last = field.split(".")
    holder: Any = record
    for name in parents:
        holder = holder.get(name)
        if not isinstance(holder, dict):
            return None
    return holder, last


def _holders(items: list[Any], shape: JsonShape, field: str) -> list[tuple[dict[str, Any], str]]:
    return [h for h in (_holder(r, field) for r in _records(items, shape)) if h is not None]


def field_mutation(
    name: str,
    shape: JsonShape,
    field: str,
    value: Any,
    raw: str | None = None,
    *,
    every: bool = False,
) -> Mutation:
    """`field` (a dotted path for a nested one) of the middle record that has it (or of
    every record) set to `value` (or to raw JSON text)."""

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        for holder, last in holders if every else [holders[len(holders) // 2]]:
            new = SENTINEL if raw is not None else copy.deepcopy(value)
            holder[last] = "null" if new is None and holder.get(last) is None else new
        return _dump(frame, items, shape, raw)

    return Mutation(name, mutate)


def drop_field(name: str, shape: JsonShape, field: str, *, every: bool = True) -> Mutation:
    """`field` (dotted for a nested one) removed from every record (or the middle one)."""

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        for holder, last in holders if every else [holders[len(holders) // 2]]:
            holder.pop(last, None)
        return _dump(frame, items, shape)

    return Mutation(name, mutate, absent=(field,) if every else ())


_SAME: Final = object()


def given_twice(name: str, shape: JsonShape, field: str, second: Any = _SAME) -> Mutation:
    """`field` (dotted for a nested one) of the middle record that has it written twice:
    its value, then `second` (its value again when not given).

    Python's `json` keeps the last value without a word; two values must reject the record
    (which one the export meant is unknown), the same value twice must read as once.
    """

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        holder, last = holders[len(holders) // 2]
        first = holder[last]
        again = first if second is _SAME else second
        holder[last] = SENTINEL
        raw = ", ".join((_json_text(first), f"{_json_text(last)}: {_json_text(again)}"))
        return _dump(frame, items, shape, raw)

    return Mutation(name, mutate, rejects=0 if second is _SAME else 1)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def items_mutation(
    name: str, shape: JsonShape, change: Callable[[list[Any]], list[Any]]
) -> Mutation:
    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        return _dump(frame, change(items), shape)

    return Mutation(name, mutate)


WRONG_TYPES: tuple[tuple[str, Any], ...] = (
    ("a list", [1, "two"]),
    ("an object", {"nested": {"x": 1}}),
    ("a number", 12.5),
    ("true", True),
    ("null (or the text 'null')", None),
)


def json_mutations(
    shape: JsonShape, fields: Sequence[str], optional: Sequence[str], text: str, number: str
) -> list[Mutation]:
    """At least 40 mutations of a JSON (array or lines) export."""

    def fraction(f: float) -> Mutation:
        return Mutation(f"cut at {f:.0%}", lambda g: cut(g, int(len(g) * f)))

    def mid_string(good: bytes) -> bytes:
        at = good.find(b'"', len(good) // 2)
        return cut(good, at + 3)

    def mid_multibyte(good: bytes) -> bytes:
        data = field_mutation("", shape, text, "Café €")(good)
        return cut(data, data.find("é".encode()) + 1)

    def mid_escape(good: bytes) -> bytes:
        data = field_mutation("", shape, text, None, raw='"x\\u00e9"')(good)
        return cut(data, data.find(b"\\u00") + 3)

    deep = "[" * 100_000 + "]" * 100_000
    found: list[Mutation] = [
        *(fraction(f) for f in (0.05, 0.25, 0.5, 0.75, 0.99)),
        Mutation("cut mid-string", mid_string),
        Mutation("cut mid-multibyte character", mid_multibyte),
        Mutation("cut mid-escape", mid_escape),
        Mutation("cut before the final line break", lambda g: g.rstrip(b"\r\n")[:-1]),
        field_mutation("deep nesting in a field", shape, text, None, raw=deep),
        Mutation(
            "the whole file nested deeply",
            lambda g: _replace_body(g, deep, shape),
        ),
    ]
    for index, field in enumerate(fields):  # one wrong type per field, in turn
        label, value = WRONG_TYPES[index % len(WRONG_TYPES)]
        found.append(field_mutation(f"{field!r} is {label}", shape, field, value))
    for field in optional:
        found.append(drop_field(f"re-export without {field!r}", shape, field))
    for literal in ("NaN", "Infinity", "-Infinity", "1e999", "9" * 5000):
        found.append(
            field_mutation(f"{literal[:12]} in {number!r}", shape, number, None, raw=literal)
        )
    found += [
        field_mutation("-5 in a count", shape, number, -5),
        field_mutation("1e300 in a count", shape, number, 1e300),
        field_mutation("lone high surrogate", shape, text, None, raw='"broken \\ud800 text"'),
        field_mutation("lone low surrogate", shape, text, None, raw='"\\udc00"'),
        field_mutation("surrogate as bytes (CESU)", shape, text, None, raw='"broken \ud800 text"'),
        field_mutation("NUL escape in text", shape, text, "nul\x00here"),
        Mutation(
            "latin-1 byte in a string",
            lambda g: re.sub(rb'"\s*:', lambda m: b"\xe9" + m.group(0), g, count=3),
        ),
        Mutation("utf-16 with BOM", lambda g: g.decode("utf-8-sig").encode("utf-16")),
        Mutation("BOM added", lambda g: codecs.BOM_UTF8 + g),
        Mutation("CRLF line endings", lambda g: g.replace(b"\n", b"\r\n")),
        Mutation("NUL-filled tail", lambda g: g + b"\x00" * 512),
        Mutation("empty file", lambda g: b""),
        Mutation("whitespace only", lambda g: b" \n\t\n"),
        items_mutation("records are not objects", shape, lambda items: [1, "two", None, [3]]),
        items_mutation(
            "a record repeated",
            shape,
            lambda items: [*items, copy.deepcopy(items[len(items) // 2])],
        ),
        items_mutation("no records", shape, lambda items: []),
        given_twice(f"{number!r} given twice, with the same value", shape, number),
        given_twice(f"{text!r} given twice, with two values", shape, text, "another text"),
    ]
    if not shape.lines:
        found += [
            Mutation(
                "an object instead of an array", lambda g: _replace_body(g, '{"a": 1}', shape)
            ),
            Mutation("null instead of an array", lambda g: _replace_body(g, "null", shape)),
            Mutation("text after the array", lambda g: g + b"\n[1, 2]"),
            Mutation("trailing comma in the array", lambda g: replace_last(g, b"]", b",]")),
        ]
    else:
        found += [
            Mutation("a line that is an array", lambda g: b"[1, 2]\n" + g),
            Mutation("two records on one line", lambda g: g.replace(b"}\n", b"} ", 1)),
        ]
    return found


def _replace_body(good: bytes, body: str, shape: JsonShape) -> bytes:
    frame = _frame(good.decode("utf-8-sig"), shape)
    return (frame.before + body + frame.after).encode()


def replace_last(good: bytes, old: bytes, new: bytes) -> bytes:
    at = good.rfind(old)
    return good[:at] + new + good[at + len(old) :]
