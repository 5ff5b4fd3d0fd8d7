"""LinkedIn Page analytics exports: content (posts and daily metrics), followers, visitors.

LinkedIn gives each export (Page → Analytics → Content, Followers or Visitors → Export) as
a workbook (.xls, lately .xlsx) with several sheets, some with a descriptive title row
above the header; people also save sheets as .csv. Which kind a sheet holds is decided by
its headers, never by its name or the file's name:

* posts ("All posts", formerly "Update engagement": `Post title`/`Update title`, `Post
  link`/`Update link`, `Post type`, `Campaign name`, `Posted by`/`Published by`/`Created
  by`, `Created date`/`Date`, `Impressions`, `Views (excluding off-site video views)`/
  `Views`/`Video views`, `Clicks`, `Reactions`/`Likes`, `Comments`, `Reposts`/`Shares`)
  → `activities`, one per post;
* daily content metrics ("Metrics"), new followers ("New followers") and visitor metrics
  ("Visitor metrics") → `metric_snapshots`, one row per date per metric, for the page.

**Boosted posts.** A boosted post is on three rows of "All posts", one per `Post type`:
`Organic`, `Sponsored` and `Total`. Its activity has the `Total` row's counts (a post on
one row has that row's; `Organic` and `Sponsored` rows without a `Total` are summed), and
the split is kept as `metric_snapshots` of the post (entity its `urn:li:…` id, else its
link; entity_kind "post"; dated at its creation day): `impressions_organic`,
`impressions_sponsored`, and likewise `views_`, `clicks_`, `reactions_`, `comments_`,
`reposts_`. A blank count in an `Organic` or `Sponsored` row writes no snapshot: a
re-export's blank leaves the stored figure, and the load names each metric a blank kept.
A second row of one type for a post is rejected (an identical copy is ignored
as "repeats an earlier row of the posts sheet"), and so is a row with no type among
several rows of one post.

**Posts without links.** A post is keyed by its link; LinkedIn also writes the sheet without
`Post link`, and then a post is keyed by its creation day and title. So that a post loaded
from both shapes is one record, a post whose key is not stored takes the key of the stored
post of the same page, day and title, unless both have links and they differ; a post with
an empty link cell keeps the stored link. A post without a link that matches several
stored posts (two posts of a day with one title) is rejected: export it with `Post link`.

**Demographic sheets** (Location, Job function, Seniority, Industry, Company size) are
counts, not daily series: their rows are ignored as "a demographic sheet (by location,
function, seniority, …)". A followers or visitors workbook saved as one CSV stacks them
after the daily table, each under a "`Location: Table 1`" line (or starting at its own
header, "`Location,Total followers`"); those rows are ignored for the same reason. A
sheet, or a stacked section, of any other kind is one rejection naming it.

Metric ids are the header made into a slug with its variant last: `impressions_organic`,
`reposts_total` (older exports say "Shares"; both become `reposts`), `engagement_rate_total`
(a fraction, 0.05 for 5 %), `page_views_total`, `page_views_overview_mobile`,
`unique_visitors_total`. The followers sheet counts the follows *gained* that day, not the
follower count, so its metrics are `new_followers_total`, `new_followers_organic`,
`new_followers_sponsored` and `new_followers_auto_invited`.

The page the export belongs to is `ReadOptions.account`, else a "Page: …" title row, else
the name LinkedIn gives the file (`<page>_content_<epoch>.xls`). Posts may go without
one; daily metrics cannot, since the page is what they measure.

Not read: the competitor export, a content workbook saved as one stacked CSV (its
"All posts" section after "Metrics" is one rejection: save each sheet as its own CSV),
and the demographic counts themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal, TypeVar

from outcomes.sources.base import (
    Blank,
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import CellError, FieldError, cell_text, parse_date, parse_float
from outcomes.sources.linkedin_posts import read_posts
from outcomes.sources.tabular import (
    HEADER_SEARCH_ROWS,
    Columns,
    Record,
    first_rows,
    head_rows,
    iter_rows,
    normalise_header,
    read_records,
    sheet_names,
)

NAME = "linkedin"
T = TypeVar("T")

POST_COLUMNS = Columns(
    {
        "title": ("Post title", "Update title"),
        "link": ("Post link", "Update link"),
        "type": ("Post type", "Update type"),
        "campaign": ("Campaign name",),
        "author": ("Posted by", "Published by", "Created by"),
        "created": ("Created date", "Date"),
        "impressions": ("Impressions",),
        "views": ("Views (excluding off-site video views)", "Views", "Video views"),
        "clicks": ("Clicks",),
        "reactions": ("Reactions", "Likes"),
        "comments": ("Comments",),
        "shares": ("Reposts", "Shares"),
    }
)
# The first header of the demographic sheets of the followers and visitors exports: counts
# by location, function, seniority, industry and company size, not daily series.
_DEMOGRAPHIC: Final = frozenset(
    {"location", "job function", "function", "seniority", "industry", "company size",
     "country/region", "country", "region"}
)  # fmt: skip
DEMOGRAPHIC_SHEET: Final = "a demographic sheet (by location, function, seniority, …)"
# "<metric> (<variant>)" headers of the daily sheets; the variant becomes the id's suffix.
_VARIANT = re.compile(r"^(?P<base>.+?)\s*\((?P<variant>organic|sponsored|total|desktop|mobile)\)$")
_CONTENT_BASES = {
    "impressions": "impressions",
    "unique impressions": "unique_impressions",
    "clicks": "clicks",
    "reactions": "reactions",
    "comments": "comments",
    "reposts": "reposts",
    "shares": "reposts",
    "engagement rate": "engagement_rate",
}
# "Total page views (mobile)", "Overview unique visitors (desktop)", "Life page views (total)".
_VISITORS = re.compile(r"^(?P<section>.+?)\s+(?P<what>page views|unique visitors)$")
_FOLLOWERS = {
    "total followers": "new_followers_total",
    "organic followers": "new_followers_organic",
    "sponsored followers": "new_followers_sponsored",
    "auto-invited followers": "new_followers_auto_invited",
}
_PAGE_LABEL = re.compile(
    r"^\s*(?:page|page name|company|organi[sz]ation)\s*:\s*(?P<page>.+?)\s*$", re.I
)
_PAGE_IN_FILENAME = re.compile(
    r"^(?P<page>.+?)_(?:content|updates|followers|visitors)_\d+$", re.IGNORECASE
)
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
# A workbook saved as one CSV (Numbers, some converters) stacks its sheets, each under a
# "<sheet>: Table 1" line; a section may also start at its own header ("Location,Total …").
_SECTION = re.compile(r"^(?P<name>.+?)\s*:\s*table\s+\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class SheetSpec:
    """What one sheet holds, as told by its header row."""

    kind: Literal["posts", "daily"]
    columns: Columns
    required: tuple[str, ...]
    labels: dict[str, str]
    """Logical column → the header as this file spells it, for rejections."""
    page: str | None = None
    metrics: tuple[str, ...] = field(default=())


def metric_id(header: object) -> str | None:
    """The metric id a daily-sheet header stands for, or None when it is not a metric."""
    text = normalise_header(header)
    if text in _FOLLOWERS:
        return _FOLLOWERS[text]
    match = _VARIANT.match(text)
    if match is None:
        return None
    base, variant = match["base"], match["variant"]
    if base in _CONTENT_BASES and variant in ("organic", "sponsored", "total"):
        return f"{_CONTENT_BASES[base]}_{variant}"
    visitors = _VISITORS.match(base)
    if visitors and variant in ("desktop", "mobile", "total"):
        what = visitors["what"].replace(" ", "_")
        section = _slug(visitors["section"])
        return f"{what}_{variant}" if section == "total" else f"{what}_{section}_{variant}"
    return None


def classify_header(cells: Sequence[object]) -> SheetSpec | None:
    """The kind of sheet a header row belongs to, or None when it is no LinkedIn header."""
    positions = POST_COLUMNS.resolve(cells)
    if "created" in positions and ("link" in positions or "title" in positions):
        first = "link" if "link" in positions else "title"
        labels = {name: str(cells[i]).strip() for name, i in positions.items()}
        return SheetSpec("posts", POST_COLUMNS, ("created", first), labels)
    dates = [str(c).strip() for c in cells if normalise_header(c) == "date"]
    metrics: dict[str, str] = {}
    for cell in cells:
        metric = metric_id(cell)
        if metric is not None:
            metrics.setdefault(metric, str(cell).strip())
    if not dates or not metrics:
        return None
    labels = {"date": dates[0], **metrics}
    columns = Columns({name: (header,) for name, header in labels.items()})
    return SheetSpec("daily", columns, ("date",), labels, metrics=tuple(metrics))


def inspect_rows(rows: Sequence[Sequence[object]]) -> SheetSpec | None:
    """Find the header among a sheet's first rows and what the rows above it say."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        spec = classify_header(cells)
        if spec is not None:
            page = _page_from_title(rows[:index])
            return spec if page is None else replace(spec, page=page)
    return None


def _page_from_title(rows: Sequence[Sequence[object]]) -> str | None:
    for cells in rows:
        for cell in cells:
            match = _PAGE_LABEL.match(str(cell)) if isinstance(cell, str) else None
            if match:
                return match["page"]
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


class LinkedIn(Source):
    """LinkedIn Page exports: posts → activities; daily page metrics → metric_snapshots."""

    name = NAME
    channel = "linkedin"
    reads_account = True
    description = "LinkedIn Page analytics exports (content, followers, visitors; XLS/XLSX/CSV)"
    documented_notation = True

    def detect(self, path: Path, head: bytes) -> bool:
        """A workbook with a LinkedIn sheet, or a CSV whose header is a LinkedIn header."""
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            try:
                _check_workbook(path)
                return any(_inspect(path, sheet, None) for sheet in sheet_names(path))
            except SourceError:
                return False
        return inspect_rows(head_rows(path, head)) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Rows from every posts and daily sheet of the export, sheet by sheet."""
        _check_workbook(path)
        names = sheet_names(path)
        specs = [(sheet, _inspect(path, sheet, options.encoding)) for sheet in names]
        found = [(sheet, spec) for sheet, spec in specs if spec is not None]
        if not found:
            shown = ", ".join(f"'{s}'" for s in names if s) or "one unnamed sheet"
            raise SourceError(
                path,
                "no LinkedIn posts, metrics, followers or visitors header found "
                f"(the file has {shown}); export it from the Page's Analytics tab",
            )
        # A title row naming the Page names it for the whole workbook, not just its sheet.
        titled = next((spec.page for _, spec in found if spec.page), None)
        page = options.account or titled or _page_from_filename(path)
        if page is None and any(spec.kind == "daily" for _, spec in found):
            raise SourceError(
                path,
                "cannot tell which Page these metrics belong to; pass the Page name (--account)",
            )
        for sheet, spec in specs:
            if spec is None:
                yield from _unread_sheet(path, sheet)
            else:
                yield from _read_sheet(path, sheet, spec, page, options)


def _unread_sheet(path: Path, sheet: str) -> Iterator[Parsed]:
    """A demographic sheet's rows, ignored by name; any other sheet is one rejection.

    A sheet whose header we do not know is never passed over in silence: a daily sheet
    with its `Date` header renamed would otherwise lose thousands of rows, exit 0.
    """
    rows = [(line, cells) for line, cells in iter_rows(path, sheet=sheet or None)
            if any(cell_text(c) for c in cells)]  # fmt: skip
    if not rows:
        return
    first = normalise_header(next(c for c in rows[0][1] if cell_text(c)))
    if first in _DEMOGRAPHIC:
        for line, _ in rows:
            yield Ignored(line, DEMOGRAPHIC_SHEET)
        return
    header = ", ".join(f"'{c}'" for c in rows[0][1] if cell_text(c))[:200]
    reason = (
        f"sheet '{sheet}' was not read: its header ({header}) is none LinkedIn writes for "
        "posts or daily metrics (a daily sheet needs 'Date'); rename the header back, or "
        "export again"
    )
    yield Rejected(rows[0][0], None, reason, header)


def _check_workbook(path: Path) -> None:
    """Refuse a zip that openpyxl would not open, with a SourceError rather than its own.

    `tabular` hands every zip to openpyxl, which raises InvalidFileException (no
    SourceError) when the name does not end in .xlsx, whatever the content.
    """
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return
        with zipfile.ZipFile(path) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(path, f"cannot read the file ({exc}); export it again") from None
    if not is_workbook:
        raise SourceError(path, "a zip that is not an .xlsx workbook; export the report again")
    if path.suffix.casefold() not in _XLSX_SUFFIXES:
        raise SourceError(path, f"an .xlsx workbook named '{path.suffix}'; rename it to .xlsx")


def _inspect(path: Path, sheet: str, encoding: str | None) -> SheetSpec | None:
    return inspect_rows(first_rows(path, encoding, sheet or None))


def _read_sheet(
    path: Path, sheet: str, spec: SheetSpec, page: str | None, options: ReadOptions
) -> Iterator[Parsed]:
    records = read_records(
        path,
        spec.columns,
        required=spec.required,
        encoding=options.encoding,
        sheet=sheet or None,
        convention="mdy",  # LinkedIn writes 03/02/2026 for 2 March in every locale
        mark_convention="point",  # and 1,234 for a thousand and more
    )
    where = f"sheet '{sheet}': " if sheet else ""
    if spec.kind == "posts":
        yield from read_posts(records, spec.labels, page, where, options.stored)
        return
    assert page is not None  # read() refuses daily sheets without a page
    section: str | None = None  # the stacked section the rows are in, past the daily table
    for record in records:
        section = _section(record, section)
        if section is not None:
            yield from _section_row(record, section)
            continue
        rejection = record.rejection()
        if rejection is not None:
            yield rejection
        else:
            yield from _daily(record, spec, page, where, loading=options.stored is not None)


def _section(record: Record, current: str | None) -> str | None:
    """The section a daily sheet's row is in: None for the daily table itself.

    A CSV of a whole workbook goes on past the daily table with its other sheets, each
    under a "<sheet>: Table 1" line or starting at its own header ("Location,Total
    followers"); the first cell of the daily table is its date, so a heading lands there.
    """
    first = cell_text(record.get("date")) or ""
    heading = _SECTION.match(first)
    if heading is not None:
        return normalise_header(heading["name"])
    if normalise_header(first) in _DEMOGRAPHIC and _only_text(record):
        return normalise_header(first)
    return current


def _only_text(record: Record) -> bool:
    """True for a header row: no cell of it is a number or a date."""
    return all(_number(c) is None for c in record.values.values())


def _number(cell: object) -> float | None:
    if isinstance(cell, dt.date):
        return 0.0  # a date cell (a workbook's, or one read in its column's order)
    try:
        return parse_float(cell)
    except FieldError:
        return None


def _section_row(record: Record, section: str) -> Iterator[Parsed]:
    """A demographic section's row is ignored, as its sheet is in a workbook; another is refused.

    Its heading row names the section; an unknown section is one rejection at its heading,
    as an unknown sheet is, and its rows after are not read.
    """
    if section in _DEMOGRAPHIC:
        yield Ignored(record.line, DEMOGRAPHIC_SHEET)
        return
    first = cell_text(record.get("date")) or ""
    if _SECTION.match(first) is not None:
        reason = (
            f"the section '{first}' was not read: after a daily table only the demographic "
            "sections (by location, function, seniority, industry, company size) are known; "
            "save each sheet as its own CSV, or load the workbook itself"
        )
        yield Rejected(record.line, None, reason, record.raw)


def _page_from_filename(path: Path) -> str | None:
    match = _PAGE_IN_FILENAME.match(path.stem)
    return match["page"] if match else None


def _cell(record: Record, name: str, parse: Callable[[object], T], spec: SheetSpec) -> T:
    try:
        return parse(record.get(name))
    except FieldError as exc:
        raise CellError(spec.labels.get(name, name), str(exc)) from None


def _daily(
    record: Record, spec: SheetSpec, page: str, where: str, *, loading: bool = False
) -> Iterator[Parsed]:
    """A daily row's snapshots; in a load (`loading`), a `Blank` for each blank figure."""
    try:
        day = _cell(record, "date", parse_date, spec)
        values = {
            m: _cell(record, m, _rate if "rate" in m else parse_float, spec) for m in spec.metrics
        }
    except CellError as bad:
        yield Rejected(record.line, bad.column, where + bad.reason, record.raw)
        return
    if day is None:
        yield Rejected(record.line, spec.labels["date"], where + "no date", record.raw)
        return
    for metric, value in values.items():
        if value is not None:
            yield _snapshot(page, metric, day, value)
        elif loading:  # a blank states nothing: a stored figure stays, and the load says so
            yield Blank("metric_snapshots", _snapshot_key(page, metric, day), metric, record.line)


def _snapshot_key(page: str, metric: str, day: dt.date) -> str:
    return natural_key(NAME, page, metric, day.isoformat())


def _snapshot(page: str, metric: str, day: dt.date, value: float) -> Row:
    return Row(
        "metric_snapshots",
        {
            "key": _snapshot_key(page, metric, day),
            "source": NAME,
            "channel": "linkedin",
            "entity": page,
            "entity_kind": "page",
            "metric": metric,
            "date": day,
            "value": value,
        },
    )


def _rate(raw: object) -> float | None:
    """A rate as a fraction: LinkedIn writes 0.05, a sheet saved by hand may say "5%"."""
    value = parse_float(raw)
    if value is not None and isinstance(raw, str) and raw.strip().endswith("%"):
        return round(value / 100, 12)  # 0.045, not 0.045000000000000005
    return value
