"""YouTube Studio exports (Analytics → Advanced mode → Export current view → CSV).

Studio writes a folder (or zip) named after the tab, the period and the channel, "Content
2026-01-01_2026-03-31 Northwind", holding `Table data.csv`, `Chart data.csv` and
`Totals.csv`. Which layout a file is comes from its header; a file not split by video has
no column that says YouTube, so it is claimed only under Studio's file names.

**Table data by content** (`Content, Video title, Video publish time, Duration, Views, …`;
one row per video over the period, first a "Total" row): each video is an `activities` row
(kind "post": views, likes as reactions, comments, shares, impressions) and its other
numbers are `metric_snapshots` of the video: `watch_hours`,
`average_view_duration_seconds`, `average_viewed_ratio`, `ctr`, `subscribers_net`
("Subscribers"), `subscribers_gained`, `subscribers_lost`, `engaged_views`,
`unique_viewers`, `new_viewers`, `returning_viewers`, `regular_viewers`,
`casual_viewers`, `average_views_per_viewer`, `stayed_to_watch_ratio` (Shorts' "Stayed
to watch (%)"), `dislikes`, `estimated_revenue_usd`, `duration_seconds`. Rates are
fractions (a CTR of "4.5" per cent is 0.045). The "Total" row is ignored as "the Total row
(a sum over the videos)". Those snapshots are totals over the period, so they are dated at
its last day when the file's or its folder's name gives it, else at the publish date.

A private, unlisted or removed video has an empty `Video publish time`: it is no activity
(nothing was published when), but its numbers were real, so every one of them (views and
likes too) becomes a snapshot of the video at the period's last day; without a period in
the name it is ignored as "a video with no publish time (private, unlisted or removed) in
an export whose period is not in its name, so its numbers have no date".

**Table data grouped by Date** (`Date, Views, Watch time (hours), Average view duration,
…` under a "Total" row, newest day first) and **Totals.csv** are the channel's daily
metrics: one snapshot per day and metric of the channel (entity_kind "account"); the
"Total" row is ignored as "the Total row (a sum over the days)".

**Chart data** is one row per day: `Date, Content, Video title, Video publish time,
[Duration], <metric>` gives snapshots of each video per day (its "Total" rows are
ignored); `Date, <metric>` the channel's; and split by a dimension, `Date, <dimension>,
<metric>` (the column after `Date` that is no known column: `Subscription status`,
`Traffic source`, `Device type`, `Geography`, `Content type`, …), one snapshot per day and
slice of the channel, the slice in the metric id: `views_subscription_status_subscribed`,
`views_traffic_source_youtube_search`, `views_content_type_shorts`. Every slice is kept,
under its own id, so a sum of `views` never counts a slice twice; a "Total" slice is
stored as the plain `views`. A row with no slice name is rejected.

The channel is `ReadOptions.account`, else the channel in the folder's name; a file of the
channel's numbers without either is refused. A Table data grouped by another dimension
(`Traffic source, Views, …`, no dates) is refused: its numbers cover the whole period with
no day, so the Chart data of the same split is what to export.

Not read: columns other than those above (they are left out, not guessed); a chart split
by content and a dimension at once.

Studio writes UTF-8; older exports are UTF-16 with a BOM (and tabs), which is read too. A
file in another encoding stops with the line of the first byte that is not UTF-8.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

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
from outcomes.sources.fields import (
    CellError,
    FieldError,
    is_empty,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
)
from outcomes.sources.tabular import (
    HEADER_SEARCH_ROWS,
    Columns,
    Record,
    file_records,
    first_rows,
    head_rows,
    normalise_header,
)

NAME = "youtube"
TOTAL_ROW = "the Total row (a sum over the videos)"
DAILY_TOTAL_ROW = "the Total row (a sum over the days)"
UNDATED_UNPUBLISHED = (
    "a video with no publish time (private, unlisted or removed) in an export whose period "
    "is not in its name, so its numbers have no date"
)
WATCH_URL = "https://www.youtube.com/watch?v="
Parser = Callable[[object], float | None]
T = TypeVar("T")
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>[0-5]\d)$")


def parse_seconds(raw: object) -> float | None:
    """A duration as seconds: "0:03:25", "3:25" or a number of seconds ("205")."""
    if is_empty(raw):
        return None
    text = str(raw).strip()
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes = int(clock["h"] or 0), int(clock["m"])
        if clock["h"] is not None and minutes > 59:
            raise FieldError(f"expected a duration like 0:03:25, got {raw!r}")
        return float(hours * 3600 + minutes * 60 + int(clock["s"]))
    try:
        return parse_float(raw)
    except FieldError:
        raise FieldError(f"expected a duration like 0:03:25 or seconds, got {raw!r}") from None


def parse_percent(raw: object) -> float | None:
    """A "(%)" column as a fraction: "4.5" → 0.045."""
    value = parse_float(raw)
    # Rounded so that "4.6" is stored as 0.046, not 0.045999999999999996.
    return None if value is None else round(value / 100, 12)


def _count(raw: object) -> float | None:
    value = parse_int(raw)
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Metric:
    """A numeric column: its headers, the metric id it is stored under, how to read it."""

    headers: tuple[str, ...]
    metric: str
    parse: Parser
    on_activity: str | None = None
    """The `activities` column it fills for a video in Table data (else it is a snapshot)."""


METRICS: dict[str, Metric] = {
    "views": Metric(("Views",), "views", _count, "views"),
    "impressions": Metric(("Impressions",), "impressions", _count, "impressions"),
    "likes": Metric(("Likes",), "likes", _count, "reactions"),
    "comments": Metric(("Comments added", "Comments"), "comments", _count, "comments"),
    "shares": Metric(("Shares",), "shares", _count, "shares"),
    "watch_hours": Metric(("Watch time (hours)",), "watch_hours", parse_float),
    "average_view_duration": Metric(
        ("Average view duration",), "average_view_duration_seconds", parse_seconds
    ),
    "average_viewed": Metric(
        ("Average percentage viewed (%)",), "average_viewed_ratio", parse_percent
    ),
    "ctr": Metric(("Impressions click-through rate (%)",), "ctr", parse_percent),
    "subscribers": Metric(("Subscribers",), "subscribers_net", _count),
    "subscribers_gained": Metric(("Subscribers gained",), "subscribers_gained", _count),
    "subscribers_lost": Metric(("Subscribers lost",), "subscribers_lost", _count),
    "engaged_views": Metric(("Engaged views",), "engaged_views", _count),
    "unique_viewers": Metric(("Unique viewers",), "unique_viewers", _count),
    "dislikes": Metric(("Dislikes",), "dislikes", _count),
    "revenue": Metric(
        ("Your estimated revenue (USD)", "Estimated revenue (USD)"),
        "estimated_revenue_usd",
        parse_float,
    ),
    "duration": Metric(("Duration",), "duration_seconds", parse_seconds),
    "stayed_to_watch": Metric(("Stayed to watch (%)",), "stayed_to_watch_ratio", parse_percent),
    "new_viewers": Metric(("New viewers",), "new_viewers", _count),
    "returning_viewers": Metric(("Returning viewers",), "returning_viewers", _count),
    "regular_viewers": Metric(("Regular viewers",), "regular_viewers", _count),
    "casual_viewers": Metric(("Casual viewers",), "casual_viewers", _count),
    "views_per_viewer": Metric(
        ("Average views per viewer",), "average_views_per_viewer", parse_float
    ),
}
COLUMNS = Columns(
    {
        "content": ("Content", "Video"),
        "title": ("Video title",),
        "published": ("Video publish time", "Publish time"),
        "date": ("Date",),
        **{name: metric.headers for name, metric in METRICS.items()},
    }
)
_TABLE_REQUIRED = ("content", "title", "published")
_PERIOD = re.compile(
    r"(?P<start>\d{4}-\d{2}-\d{2})_(?P<end>\d{4}-\d{2}-\d{2})(?:\s+(?P<channel>.+))?"
)
# Studio's names for its exports; a file not split by video has no column saying YouTube.
_STUDIO_FILE = re.compile(r"^(chart data|table data|totals)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FileSpec:
    """Which YouTube export a file is and how its headers are spelt."""

    kind: Literal["table", "chart", "grouped"]
    """Videos over a period; days (of the channel, a video or a slice); slices without dates."""
    required: tuple[str, ...]
    labels: dict[str, str]
    """Logical column → the header as this file spells it, for rejections."""
    dimension: str | None = None
    """The column a chart is split by ("Traffic source"): its header, else None."""

    @property
    def metrics(self) -> list[str]:
        """The metric columns the file has, in declaration order."""
        return [name for name in METRICS if name in self.labels]


def classify_header(cells: Sequence[object], *, chart_file: bool = False) -> FileSpec | None:
    """The kind of a Studio header row, or None when it is not one.

    Table data by content has `Content` and `Video title` and no `Date`; a chart (or a
    table grouped by Date) has `Date` and a metric, and either `Content` or, not split by
    video, a file named as Studio names it ("Chart data", "Table data", "Totals"). The
    column right after `Date` that is no known column is the dimension a chart is split by.
    """
    positions = COLUMNS.resolve(cells)
    labels = {name: str(cells[i]).strip() for name, i in positions.items()}
    has_metric = any(name in positions for name in METRICS)
    if "date" in positions:
        if not has_metric or not ("content" in positions or chart_file):
            return None
        dimension = _unknown_text(cells, positions["date"] + 1, positions)
        if dimension is not None:
            labels["dimension"] = dimension
        return FileSpec("chart", ("date",), labels, dimension)
    if all(name in positions for name in _TABLE_REQUIRED):
        return FileSpec("table", _TABLE_REQUIRED, labels)
    dimension = _unknown_text(cells, 0, positions)
    if chart_file and has_metric and dimension is not None:
        return FileSpec("grouped", (), labels, dimension)
    return None


def _unknown_text(cells: Sequence[object], index: int, positions: dict[str, int]) -> str | None:
    """The header at `index` when it is none of the known columns (a dimension), else None."""
    if index >= len(cells) or index in positions.values():
        return None
    return str(cells[index] or "").strip() or None


def inspect_rows(rows: Sequence[Sequence[object]], *, chart_file: bool = False) -> FileSpec | None:
    """The spec of the first header row among a file's first rows."""
    for cells in rows[:HEADER_SEARCH_ROWS]:
        spec = classify_header(cells, chart_file=chart_file)
        if spec is not None:
            return spec
    return None


@dataclass(frozen=True, slots=True)
class ExportLabel:
    """What the export's file or folder name says: the period's last day and the channel."""

    end: dt.date | None = None
    channel: str | None = None


def export_period(path: Path) -> ExportLabel:
    """The period end and channel from "Content 2026-01-01_2026-03-31 Northwind"-style names."""
    for name in (path.stem, path.parent.name):
        match = _PERIOD.search(name)
        if match:
            with contextlib.suppress(ValueError):
                end = dt.date.fromisoformat(match["end"])
                return ExportLabel(end, (match["channel"] or "").strip() or None)
    return ExportLabel()


class YouTube(Source):
    """YouTube Studio Table data (videos) and Chart data (daily metrics) CSV exports."""

    name = NAME
    channel = "youtube"
    reads_account = True
    description = "YouTube Studio exports: Table data.csv (videos), Chart data.csv (daily)"
    documented_notation = True

    def detect(self, path: Path, head: bytes) -> bool:
        """A CSV whose header is a Studio Table data or Chart data header."""
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            return False
        chart_file = bool(_STUDIO_FILE.match(path.name))
        return inspect_rows(head_rows(path, head), chart_file=chart_file) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Videos and their snapshots (Table data) or daily snapshots (Chart data)."""
        spec = _inspect(path, options.encoding)
        if spec is None:
            raise SourceError(
                path,
                "no YouTube Studio header ('Content', 'Video title', 'Video publish time', or "
                "'Date' and a metric) in the first rows; export it from Studio → Analytics",
            )
        if spec.kind == "grouped":
            raise SourceError(
                path,
                f"a table grouped by '{spec.dimension}' has one row per slice over the whole "
                "period and no dates; export the Chart data of that split (one row per day "
                "and slice), or the table grouped by Date",
            )
        period = export_period(path)
        account = options.account or period.channel
        if spec.kind == "chart" and "content" not in spec.labels and account is None:
            raise SourceError(
                path, "cannot tell which channel this chart belongs to; pass it (--account)"
            )
        columns = Columns({name: (label,) for name, label in spec.labels.items()})
        records = file_records(
            path,
            columns,
            required=spec.required,
            options=options,
            mark_convention="point",  # Studio writes 10.275 for ten and a bit, in any language
        )
        for record in records:
            rejection = record.rejection()
            if rejection is not None:
                yield rejection
            elif spec.kind == "table":
                yield from _video(record, spec, account, period.end)
            else:
                yield from _chart(record, spec, account, loading=options.stored is not None)


def _inspect(path: Path, encoding: str | None) -> FileSpec | None:
    return inspect_rows(first_rows(path, encoding), chart_file=bool(_STUDIO_FILE.match(path.name)))


def _numbers(record: Record, spec: FileSpec) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for name in spec.metrics:
        try:
            values[name] = METRICS[name].parse(record.get(name))
        except FieldError as exc:
            raise CellError(spec.labels[name], str(exc)) from None
    return values


def _cell(
    record: Record, name: str, spec: FileSpec, parse: Callable[[object], T | None]
) -> T | None:
    try:
        return parse(record.get(name))
    except FieldError as exc:
        raise CellError(spec.labels[name], str(exc)) from None


def _required(record: Record, name: str, spec: FileSpec, parse: Callable[[object], T | None]) -> T:
    value = _cell(record, name, spec, parse)
    if value is None:
        raise CellError(spec.labels[name], "no date")
    return value


def _video(
    record: Record, spec: FileSpec, account: str | None, period_end: dt.date | None
) -> Iterator[Parsed]:
    video_id = str(record.get("content") or "").strip()
    if normalise_header(video_id) == "total":
        yield Ignored(record.line, TOTAL_ROW)  # the channel's total over all videos
        return
    if not video_id:
        yield Rejected(record.line, spec.labels["content"], "no video id", record.raw)
        return
    try:
        published = _cell(record, "published", spec, parse_datetime)
        numbers = _numbers(record, spec)
    except CellError as bad:
        yield Rejected(record.line, bad.column, bad.reason, record.raw)
        return
    if published is None:
        yield from _unpublished(record, video_id, period_end, numbers)
        return
    yield _activity(record, video_id, account, published, numbers)
    day = period_end or published.date()
    for name, value in numbers.items():
        if value is not None and METRICS[name].on_activity is None:
            yield _snapshot(video_id, "video", METRICS[name].metric, day, value)


def _unpublished(
    record: Record, video_id: str, period_end: dt.date | None, numbers: dict[str, float | None]
) -> Iterator[Parsed]:
    """A video with no publish time: private, unlisted or removed, never on the timeline.

    It is no activity (an activity is when something was published), but its views and
    the rest were real: every number becomes a snapshot of the video at the period's end.
    """
    if period_end is None:
        yield Ignored(record.line, UNDATED_UNPUBLISHED)
        return
    for name, value in numbers.items():
        if value is not None:
            yield _snapshot(video_id, "video", METRICS[name].metric, period_end, value)


def _activity(
    record: Record,
    video_id: str,
    account: str | None,
    published: dt.datetime,
    numbers: dict[str, float | None],
) -> Row:
    values: dict[str, Any] = {
        "key": natural_key(NAME, video_id),
        "source": NAME,
        "channel": "youtube",
        "native_id": video_id,
        "kind": "post",
        "ts": published,
        "url": WATCH_URL + video_id,
    }
    # Absent is not empty: a file without titles, or a channel not named, leaves what a
    # fuller export stored.
    if account is not None:
        values["account"] = account
    if record.has("title"):
        values["text"] = str(record.get("title") or "").strip() or None
    for name, value in numbers.items():
        column = METRICS[name].on_activity
        if column is not None:
            values[column] = None if value is None else int(value)
    return Row("activities", values)


def _chart(
    record: Record, spec: FileSpec, account: str | None, *, loading: bool = False
) -> Iterator[Parsed]:
    """A chart row's snapshots; in a load (`loading`), a `Blank` for each blank figure."""
    video_id = str(record.get("content") or "").strip()
    if normalise_header(video_id) == "total":
        yield Ignored(record.line, TOTAL_ROW)  # the total over all videos, as in Table data
        return
    if "content" in spec.labels and not video_id:
        yield Rejected(record.line, spec.labels["content"], "no video id", record.raw)
        return
    if normalise_header(record.get("date")) == "total":
        yield Ignored(record.line, DAILY_TOTAL_ROW)  # Table data grouped by Date: the period
        return
    entity, kind = (video_id, "video") if video_id else (account or "", "account")
    try:
        day = _required(record, "date", spec, parse_date)
        numbers = _numbers(record, spec)
        suffix = _slice_suffix(record, spec)
    except CellError as bad:
        yield Rejected(record.line, bad.column, bad.reason, record.raw)
        return
    for name, value in numbers.items():
        # A video's length is one of the chart's dimensions, not a daily measurement.
        if name == "duration":
            continue
        metric = METRICS[name].metric + suffix
        if value is not None:
            yield _snapshot(entity, kind, metric, day, value)
        elif loading:  # a blank states nothing: a stored figure stays, and the load says so
            yield Blank("metric_snapshots", _snapshot_key(entity, metric, day), metric, record.line)


def _slice_suffix(record: Record, spec: FileSpec) -> str:
    """The metric id's suffix naming the slice of a split chart: "_traffic_source_external".

    Each slice is its own metric of the channel, so a sum of `views` never adds the
    slices to the total; a "Total" slice is the total itself, under the plain id.
    """
    if spec.dimension is None:
        return ""
    value = str(record.get("dimension") or "").strip()
    if not value:
        raise CellError(spec.dimension, f"no {spec.dimension.casefold()}: which slice is unknown")
    if normalise_header(value) == "total":
        return ""
    return f"_{_slug(spec.dimension)}_{_slug(value) or 'other'}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def _snapshot_key(entity: str, metric: str, day: dt.date) -> str:
    return natural_key(NAME, entity, metric, day.isoformat())


def _snapshot(entity: str, kind: str, metric: str, day: dt.date, value: float) -> Row:
    return Row(
        "metric_snapshots",
        {
            "key": _snapshot_key(entity, metric, day),
            "source": NAME,
            "channel": "youtube",
            "entity": entity,
            "entity_kind": kind,
            "metric": metric,
            "date": day,
            "value": value,
        },
    )
