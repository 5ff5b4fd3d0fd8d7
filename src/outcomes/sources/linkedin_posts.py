"""LinkedIn "All posts" rows: one activity per post, and a boosted post's organic/paid split.

A boosted post is on up to three rows of the sheet, one per `Post type`: `Organic`,
`Sponsored` and `Total` (same link, same date). Read row by row, the first row would win
and the post would keep only its organic numbers, so the rows of a post are gathered first:

* the activity's counts are the `Total` row's; a post on one row (organic, or sponsored
  only) takes that row's; a post with `Organic` and `Sponsored` rows and no `Total` takes
  their sum, count by count;
* a post on several rows also gets its split as `metric_snapshots` of the post (entity:
  its `urn:li:…` id, else its link; entity_kind "post"; dated at its creation day):
  `impressions_organic`, `impressions_sponsored`, `views_…`, `clicks_…`, `reactions_…`,
  `comments_…`, `reposts_…`. The split is never added to the activity, so nothing counts twice.

A second row of the same type for a post is rejected (an identical copy is passed over),
and so is a row without a type among several rows of one post: which numbers are the
total cannot be known.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from outcomes.sources.base import Ignored, Parsed, Rejected, Row, natural_key
from outcomes.sources.fields import (
    CellError,
    FieldError,
    cell_text,
    parse_datetime,
    parse_int,
    utm_in_text,
)
from outcomes.sources.tabular import Record, drop_absent, normalise_header, partial_fills

NAME = "linkedin"
T = TypeVar("T")
POST_COUNTS: Final = ("impressions", "views", "clicks", "reactions", "comments", "shares")
# The split's metric ids follow the page's daily metrics: "Reposts" (formerly "Shares").
_SPLIT_METRIC: Final = {name: "reposts" if name == "shares" else name for name in POST_COUNTS}
_POST_STATED: Final = {
    "native_id": ("link",),
    "author": ("author",),
    "text": ("title",),
    "url": ("link",),
    "campaign": ("campaign", "title"),
}
_TYPES: Final = ("total", "organic", "sponsored")
_ACTIVITY_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):\d+")
REPEATED_ROW: Final = "repeats an earlier row of the posts sheet"
EMPTY_SPLIT: Final = "an organic or sponsored row of a boosted post with no numbers"


@dataclass(frozen=True, slots=True)
class PostRow:
    """One row of the posts sheet, parsed: which post, which part of it, its counts."""

    record: Record
    key: str
    kind: str
    """"total", "organic", "sponsored", or "" when the sheet has no `Post type` or it is blank."""
    ts: dt.datetime
    counts: dict[str, int | None]


def read_posts(
    records: Iterable[Record], labels: dict[str, str], page: str | None, where: str
) -> Iterator[Parsed]:
    """The sheet's activities and splits; rows that cannot be read are rejected as they come.

    The sheet is gathered by post before anything is yielded: LinkedIn does not promise
    that a post's rows are adjacent, and a posts sheet holds thousands of rows, not millions.
    """
    posts: dict[str, list[PostRow]] = {}
    for record in records:
        parsed = _parse(record, labels, where)
        if isinstance(parsed, PostRow):
            posts.setdefault(parsed.key, []).append(parsed)
        else:
            yield parsed
    for rows in posts.values():
        yield from _post(rows, labels, page, where)


def _parse(record: Record, labels: dict[str, str], where: str) -> PostRow | Rejected:
    rejection = record.rejection()
    if rejection is not None:
        return rejection
    try:
        ts = _cell(record, "created", parse_datetime, labels)
        counts = {
            name: _cell(record, name, parse_int, labels)
            for name in POST_COUNTS
            if record.has(name)  # absent is not empty: a narrower export leaves stored counts
        }
    except CellError as bad:
        return Rejected(record.line, bad.column, where + bad.reason, record.raw)
    if ts is None:
        return Rejected(record.line, labels["created"], where + "no date", record.raw)
    link, title = cell_text(record.get("link")), cell_text(record.get("title"))
    key = natural_key(NAME, link) if link else natural_key(NAME, ts.date().isoformat(), title)
    kind = normalise_header(record.get("type"))
    return PostRow(record, key, kind if kind in _TYPES else "", ts, counts)


def _cell(record: Record, name: str, parse: Callable[[object], T], labels: dict[str, str]) -> T:
    try:
        return parse(record.get(name))
    except FieldError as exc:
        raise CellError(labels.get(name, name), str(exc)) from None


def _post(
    rows: list[PostRow], labels: dict[str, str], page: str | None, where: str
) -> Iterator[Parsed]:
    """One post's activity and, when it is on several rows, its organic/sponsored split."""
    kept: dict[str, PostRow] = {}
    for row in rows:
        yield from _admit(row, kept, len(rows) > 1, labels, where)
    if not kept:
        return
    yield _activity(kept, page)
    if len(kept) > 1:
        for kind in ("organic", "sponsored"):
            if kind in kept:
                yield from _split(kept[kind], kind)


def _admit(
    row: PostRow, kept: dict[str, PostRow], several: bool, labels: dict[str, str], where: str
) -> Iterator[Parsed]:
    """Keep the first row of each type; a repeat or an untyped row among several is refused."""
    column = labels.get("type", "Post type")
    first = kept.get(row.kind)
    if first is not None:
        if first.record.raw == row.record.raw:
            yield Ignored(row.record.line, REPEATED_ROW)
            return
        kind = row.kind.capitalize() or "untyped"
        reason = (
            f"{where}a second {kind} row for this post (the first is line {first.record.line}) "
            "with other numbers: which one is right cannot be known; remove one and load again"
        )
        yield Rejected(row.record.line, column, reason, row.record.raw)
        return
    if several and not row.kind:
        reason = (
            f"{where}this post is on several rows and this one has no Post type (Organic, "
            "Sponsored or Total), so it cannot be told apart from the total; export again"
        )
        yield Rejected(row.record.line, column, reason, row.record.raw)
        return
    kept[row.kind] = row


def _activity(kept: dict[str, PostRow], page: str | None) -> Row:
    source = kept.get("total") or next(iter(kept.values()))
    counts = source.counts
    if "total" not in kept and len(kept) > 1:
        counts = _sum(kept.values())  # Organic and Sponsored rows with no Total: their sum
    ordered = [source, *(r for r in kept.values() if r is not source)]
    title = _first(ordered, "title")
    link = _first(ordered, "link")
    campaign = _first(ordered, "campaign") or utm_in_text(title).get("utm_campaign")
    urn = _ACTIVITY_URN.search(link or "")
    values: dict[str, Any] = {
        "key": source.key,
        "source": NAME,
        "channel": "linkedin",
        "account": page,
        "native_id": urn.group(0) if urn else None,
        "kind": "post",
        "author": _first(ordered, "author"),
        "ts": source.ts,
        "text": title,
        "url": link,
        "campaign": campaign,
        **counts,
    }
    values = drop_absent(values, source.record, _POST_STATED)
    # The campaign is the Campaign name, else a UTM in the title: from one alone it fills gaps.
    fills = partial_fills(source.record, {"campaign": _POST_STATED["campaign"]})
    return Row("activities", values, source.record.line, fills)


def _first(rows: list[PostRow], name: str) -> str | None:
    """The first non-empty cell of a column among a post's rows (the campaign is on one)."""
    return next((t for r in rows if (t := cell_text(r.record.get(name)))), None)


def _sum(rows: Iterable[PostRow]) -> dict[str, int | None]:
    total: dict[str, int | None] = {}
    for row in rows:
        for name, value in row.counts.items():
            if value is not None:
                total[name] = (total.get(name) or 0) + value
            else:
                total.setdefault(name, None)
    return total


def post_entity(row: PostRow) -> str:
    """The post a split snapshot belongs to: its `urn:li:…` id, else its link, else its key."""
    link = cell_text(row.record.get("link"))
    urn = _ACTIVITY_URN.search(link or "")
    return urn.group(0) if urn else link or row.key


def _split(row: PostRow, kind: str) -> Iterator[Parsed]:
    entity, day = post_entity(row), row.ts.date()
    found = False
    for name, value in row.counts.items():
        if value is None:
            continue
        found = True
        metric = f"{_SPLIT_METRIC[name]}_{kind}"
        yield Row(
            "metric_snapshots",
            {
                "key": natural_key(NAME, entity, metric, day.isoformat()),
                "source": NAME,
                "channel": "linkedin",
                "entity": entity,
                "entity_kind": "post",
                "metric": metric,
                "date": day,
                "value": float(value),
            },
            row.record.line,
        )
    if not found:
        yield Ignored(row.record.line, EMPTY_SPLIT)
