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
  A blank count in an Organic or Sponsored row writes no snapshot; in a load it is given as
  a `Blank`, so a re-download's blank keeps the stored figure and the load names the metric.

A second row of the same type for a post is rejected (an identical copy is passed over),
and so is a row without a type among several rows of one post: which numbers are the
total cannot be known.

A post is keyed by its link; an export without links (LinkedIn writes some) keys it by its
date and title. So that one post is one record whichever shape came first, a post whose
key is not stored takes the key of the stored post of the same Page, day and title
(`ReadOptions.stored`), unless both have links and they differ (two posts). A link-less
post that matches several stored posts is rejected: which one it is cannot be known. The
split's entity follows the stored post too: its `urn:li:…` id or link when it is keyed by
its link, else its key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from outcomes.sources.base import (
    Blank,
    Ignored,
    Parsed,
    Rejected,
    Row,
    StoredRecords,
    natural_key,
)
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
    records: Iterable[Record],
    labels: dict[str, str],
    page: str | None,
    where: str,
    stored: StoredRecords | None = None,
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
        yield from _post(rows, labels, Post(page, where, stored))


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


@dataclass(frozen=True, slots=True)
class Post:
    """What every post of a sheet is read with: its Page, where it is, what is stored."""

    page: str | None
    where: str
    stored: StoredRecords | None


@dataclass(frozen=True, slots=True)
class Identity:
    """The record a post is: its key, and the entity its split is stored under."""

    key: str
    entity: str
    adopted: bool = False
    """Taken from a stored post (matched by Page, day and title)."""


def _post(rows: list[PostRow], labels: dict[str, str], post: Post) -> Iterator[Parsed]:
    """One post's activity and, when it is on several rows, its organic/sponsored split."""
    kept: dict[str, PostRow] = {}
    for row in rows:
        yield from _admit(row, kept, len(rows) > 1, labels, post.where)
    if not kept:
        return
    ordered = _ordered(kept)
    identity = _identity(ordered, post)
    if isinstance(identity, str):
        column = labels.get("link", "Post link")
        for row in ordered:
            yield Rejected(row.record.line, column, post.where + identity, row.record.raw)
        return
    yield _activity(kept, ordered, post.page, identity)
    if len(kept) > 1:
        for kind in ("organic", "sponsored"):
            if kind in kept:
                yield from _split(kept[kind], kind, identity.entity, post.stored is not None)


def _ordered(kept: dict[str, PostRow]) -> list[PostRow]:
    """A post's rows, the one its counts come from first (Total, else the first)."""
    source = kept.get("total") or next(iter(kept.values()))
    return [source, *(r for r in kept.values() if r is not source)]


def _identity(rows: list[PostRow], post: Post) -> Identity | str:
    """The post's key and split entity, or why the post cannot be told apart."""
    key, link, title = rows[0].key, _first(rows, "link"), _first(rows, "title")
    if post.stored is None or title is None:
        return _identity_of(key, link)
    same = post.stored.activities_on(NAME, post.page, rows[0].ts.date(), title)
    if any(found.key == key for found in same):
        return _identity_of(key, link)
    # A stored post with another link is another post; one without is this one re-exported.
    candidates = [found for found in same if link is None or found.url in (None, link)]
    if len(candidates) > 1:
        return (
            f"{len(candidates)} stored posts of the Page have this post's date and title and "
            "no other link: which one it is cannot be known; export it with Post link"
        )
    if not candidates:
        return _identity_of(key, link)
    stored = _identity_of(candidates[0].key, candidates[0].url)
    return Identity(stored.key, stored.entity, adopted=True)


def _identity_of(key: str, link: str | None) -> Identity:
    """A post keyed by its link stores its split under its urn (else link), else its key."""
    if link is None or key != natural_key(NAME, link):
        return Identity(key, key)
    urn = _ACTIVITY_URN.search(link)
    return Identity(key, urn.group(0) if urn else link)


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


def _activity(
    kept: dict[str, PostRow], ordered: list[PostRow], page: str | None, identity: Identity
) -> Row:
    source = ordered[0]
    counts = source.counts
    if "total" not in kept and len(kept) > 1:
        counts = _sum(kept.values())  # Organic and Sponsored rows with no Total: their sum
    title = _first(ordered, "title")
    link = _first(ordered, "link")
    campaign = _first(ordered, "campaign") or utm_in_text(title).get("utm_campaign")
    urn = _ACTIVITY_URN.search(link or "")
    values: dict[str, Any] = {
        "key": identity.key,
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
    if identity.adopted and link is None:
        # Matched by day and title because its link cell is empty: the stored link stands.
        values.pop("url", None)
        values.pop("native_id", None)
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


def _split(row: PostRow, kind: str, entity: str, loading: bool) -> Iterator[Parsed]:
    """A split row's snapshots; in a load (`loading`), a `Blank` for each blank count."""
    day = row.ts.date()
    found = False
    for name, value in row.counts.items():
        metric = f"{_SPLIT_METRIC[name]}_{kind}"
        key = natural_key(NAME, entity, metric, day.isoformat())
        if value is None:
            if loading:  # a blank states nothing: a stored figure stays, and the load says so
                yield Blank("metric_snapshots", key, metric, row.record.line)
            continue
        found = True
        yield Row(
            "metric_snapshots",
            {
                "key": key,
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
