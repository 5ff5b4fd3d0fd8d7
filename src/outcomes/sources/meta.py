"""Meta Business Suite post exports (CSV): Facebook Page posts and Instagram posts.

Each row is one post and becomes one `activities` row (kind "post"). The file's headers
say which network it is: `Page ID`/`Page name` for Facebook, `Account ID`/`Account
username` for Instagram. Columns come and go from month to month (the negative-feedback
ones, the organic/boosted splits), so only `Post ID` and `Publish time` are required and
every other column is read when present.

* The text is `Description` (the caption); `Title` (a link's or video's title) only when
  the description is empty, since the two are not the same thing.
* `Reach` and `Views`, when a newer export leaves them out, are the sum of their
  "… from Organic posts" and "… from Boosted posts" splits.
* `Publish time` is read month first ("03/01/2026 09:15" is 1 March), as Business Suite
  writes it whatever the locale, and in UTC: the export does not say which time zone it
  uses (the Page's own). A workspace-wide `date_order` in `outcomes.toml` (a UK
  business's "dmy" for its own files) does not change this; `--date-order` on
  `outcomes ingest`, said of the file, does.
* A blank cell (Comments, a caption) is stored as unknown on a post's first load and never
  replaces what an earlier download stored; the load says which columns blanks kept.
* The `Date` column (a day or "Lifetime") says which period the numbers cover; it is not
  the post's date and is not read.
* The account is `Page name` (Facebook) or `Account username` (Instagram), else
  `--account`. A file with neither loads its posts without an account and says so: a
  tactic naming the account in `match.accounts` claims none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from outcomes.sources.base import (
    Notice,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import (
    CellError,
    FieldError,
    cell_text,
    parse_datetime,
    parse_int,
    utm_from_url,
    utm_in_text,
)
from outcomes.sources.tabular import (
    HEADER_SEARCH_ROWS,
    Columns,
    Record,
    file_records,
    first_rows,
    head_rows,
    partial_fills,
)

NAME = "meta"
T = TypeVar("T")
Network = Literal["facebook", "instagram"]

_COMMON: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID",),
    "published": ("Publish time",),
    "description": ("Description",),
    "permalink": ("Permalink",),
    "impressions": ("Impressions",),
    "views": ("Views",),
    "views_organic": ("Views from Organic posts", "Views from organic posts"),
    "views_boosted": ("Views from Boosted posts", "Views from boosted posts"),
    "reach": ("Reach",),
    "reach_organic": ("Reach from Organic posts", "Reach from organic posts"),
    "reach_boosted": ("Reach from Boosted posts", "Reach from boosted posts"),
    "comments": ("Comments",),
    "shares": ("Shares",),
}
FACEBOOK = Columns(
    {
        **_COMMON,
        "page_id": ("Page ID",),
        "account": ("Page name",),
        "title": ("Title",),
        "reactions": ("Reactions",),
        "clicks": ("Total clicks",),
    }
)
INSTAGRAM = Columns(
    {
        **_COMMON,
        "account_id": ("Account ID",),
        "account": ("Account username",),
        "account_name": ("Account name",),
        "reactions": ("Likes",),
        "saves": ("Saves",),
    }
)
_REQUIRED = ("post_id", "published")
_COUNTS = ("impressions", "views", "reach", "reactions", "comments", "shares", "clicks", "saves")
# The columns that tell the networks apart; "account" alone is enough for either.
_NETWORKS: tuple[tuple[Network, Columns, tuple[str, ...]], ...] = (
    ("facebook", FACEBOOK, ("page_id", "account")),
    ("instagram", INSTAGRAM, ("account_id", "account")),
)
_SPLITS = {"views": ("views_organic", "views_boosted"), "reach": ("reach_organic", "reach_boosted")}


@dataclass(frozen=True)
class FileSpec:
    """Which network a file belongs to and how its headers are spelt."""

    network: Network
    columns: Columns
    labels: dict[str, str]
    """Logical column → the header as this file spells it, for rejections."""


def classify_header(cells: Sequence[object]) -> FileSpec | None:
    """The network of a Meta post-export header row, or None when it is not one."""
    for network, columns, markers in _NETWORKS:
        positions = columns.resolve(cells)
        if all(n in positions for n in _REQUIRED) and any(m in positions for m in markers):
            labels = {name: str(cells[i]).strip() for name, i in positions.items()}
            return FileSpec(network, columns, labels)
    return None


def inspect_rows(rows: Sequence[Sequence[object]]) -> FileSpec | None:
    """The spec of the first header row among a file's first rows."""
    for cells in rows[:HEADER_SEARCH_ROWS]:
        spec = classify_header(cells)
        if spec is not None:
            return spec
    return None


class Meta(Source):
    """Meta Business Suite post exports → activities on facebook or instagram."""

    name = NAME
    reads_account = True
    description = "Meta Business Suite post exports (Facebook Page and Instagram posts, CSV)"
    documented_notation = True

    def detect(self, path: Path, head: bytes) -> bool:
        """A CSV whose header has `Post ID`, `Publish time` and a Page or account column."""
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            return False
        return inspect_rows(head_rows(path, head)) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """One activity per post, or a rejection naming the line and column at fault."""
        spec = _inspect(path, options.encoding)
        if spec is None:
            raise SourceError(
                path,
                "no Meta post-export header ('Post ID', 'Publish time' and 'Page name' or "
                "'Account username') in the first rows; export posts from Meta Business Suite",
            )
        records = file_records(
            path,
            spec.columns,
            required=_REQUIRED,
            options=options,
            convention="mdy",  # Business Suite writes 03/01/2026 for 1 March, whatever the locale
            mark_convention="point",  # and "2,310" for two thousand and more
        )
        posts = 0
        for record in records:
            posts += 1
            yield record.rejection() or _post(record, spec, options.account)
        if posts and "account" not in spec.labels and options.account is None:
            yield Notice(_no_account(spec))


def _no_account(spec: FileSpec) -> str:
    """What a post export without its account column is told (the column was removed, or
    its columns were chosen without it): its posts belong to no account."""
    column = spec.columns.aliases["account"][0]
    what = "Page" if spec.network == "facebook" else "account"
    return (
        f"no '{column}' column: the posts load without the {what} they belong to, so a "
        f"tactic that names its {what} in `match.accounts` claims none of them. Export the "
        f"posts with the '{column}' column, or load this file with --account NAME"
    )


def _inspect(path: Path, encoding: str | None) -> FileSpec | None:
    return inspect_rows(first_rows(path, encoding))


def _cell(record: Record, name: str, parse: Callable[[object], T], spec: FileSpec) -> T:
    try:
        return parse(record.get(name))
    except FieldError as exc:
        raise CellError(spec.labels.get(name, name), str(exc)) from None


def _post(record: Record, spec: FileSpec, default_account: str | None) -> Parsed:
    post_id = cell_text(record.get("post_id"))
    if post_id is None:
        return Rejected(record.line, spec.labels["post_id"], "no post id", record.raw)
    try:
        ts = _cell(record, "published", parse_datetime, spec)
        counts = _counts(record, spec)
    except CellError as bad:
        return Rejected(record.line, bad.column, bad.reason, record.raw)
    if ts is None:
        return Rejected(record.line, spec.labels["published"], "no publish time", record.raw)
    description = cell_text(record.get("description"))
    title = cell_text(record.get("title"))
    permalink = cell_text(record.get("permalink"))
    values: dict[str, Any] = {
        "key": natural_key(spec.network, post_id),
        "source": NAME,
        "channel": spec.network,
        "native_id": post_id,
        "kind": "post",
        "ts": ts,
        **counts,
    }
    # Absent is not empty: a column the file lacks leaves what a fuller export stored.
    account = cell_text(record.get("account")) or default_account
    if account is not None:
        values["account"] = account
    if record.has("description") or record.has("title"):
        values["text"] = description or title
    if record.has("permalink"):
        values["url"] = permalink
    if record.has("description") or record.has("title") or record.has("permalink"):
        values["campaign"] = _campaign(description, title, permalink)
    # The text is the Description, else the Title: with only one of the columns a network's
    # export has, it fills a gap and never replaces a stored caption.
    own = spec.columns.aliases
    fills = partial_fills(
        record,
        {
            "text": tuple(n for n in ("description", "title") if n in own),
            "campaign": tuple(n for n in ("description", "title", "permalink") if n in own),
        },
    )
    # The campaign is worked out from the caption, title and link: when one of them is
    # there, finding no utm_campaign in it is a statement (the tag was taken out), not a
    # blank cell, and replaces a stored campaign.
    stated = any((description, title, permalink))
    clears = frozenset({"campaign"}) if stated else frozenset()
    return Row("activities", values, record.line, fills, clears)


def _counts(record: Record, spec: FileSpec) -> dict[str, int | None]:
    """The counts of the columns the file has; a missing total is the sum of its splits."""
    counts = {name: _cell(record, name, parse_int, spec) for name in _COUNTS if name in spec.labels}
    for total, parts in _SPLITS.items():
        if counts.get(total) is None:
            split = [_cell(record, p, parse_int, spec) for p in parts if p in spec.labels]
            present = [value for value in split if value is not None]
            if present:
                counts[total] = sum(present)
    return counts


def _campaign(description: str | None, title: str | None, permalink: str | None) -> str | None:
    """utm_campaign of the first tagged link in the caption, the title or the permalink."""
    for found in (utm_in_text(description), utm_in_text(title), utm_from_url(permalink)):
        if "utm_campaign" in found:
            return found["utm_campaign"]
    return None
