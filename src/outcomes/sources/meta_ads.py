"""Meta Ads Manager campaign reports (CSV or .xlsx): spend, impressions, clicks, results.

Ads Manager's "Export table data" and saved reports write one row per campaign (or ad set,
or ad) per reporting period, with the columns the person chose. This connector needs
`Campaign name` and the spend column, whose header carries the ad account's currency:
`Amount spent (EUR)`, `Amount spent (USD)`, … (a plain `Amount spent` names none; a
`Currency` column, when the report has one, says it per row). Everything else is read when
present: `Campaign ID`, `Day` (the "By time › Day" breakdown), `Reporting starts` and
`Reporting ends`, `Impressions`, `Reach`, `Link clicks`, `Clicks (all)`, `Results`,
`Ad set name`/`Ad set ID`, `Ad name`/`Ad ID` and `Platform` (a breakdown by platform).

* A row must cover one day: its `Day`, else `Reporting starts` when it equals
  `Reporting ends`. A row covering a longer period is rejected (export it again broken
  down by day): its spend could not be dated, and a daily re-export could not replace it.
* Spend → `costs` (kind "ads", `tactic` = the campaign name as exported, `currency` = the
  row's `Currency`, else the spend header's, `note` = "Meta Ads campaign <id>, <currency>");
  see `outcomes.sources.campaigns` for how a campaign name reaches a plan tactic. The
  amount is in the report's currency and is not converted: spend in another currency than
  the plan's is left out of every tactic's cost (the plan's estimate stands where nothing
  else is recorded) and reported by `outcomes roi` and the briefing; the load itself
  warns (a notice naming the currency found and the plan's) when the workspace's plan
  reads. Export the ad account's report in the plan's currency, or convert the amounts
  before loading.
* `Impressions`, `Reach`, `Link clicks` (metric `clicks`), `Clicks (all)` (`clicks_all`)
  and `Results` (`results`) → `metric_snapshots` of the campaign on channel `facebook`
  (`instagram` on rows of a Platform breakdown that say so). `Result indicator` (which
  action the results count) is not stored. A blank cell (Results when there were none, a
  spend left empty) writes nothing: a re-export's blank leaves what is stored, and the load
  names each figure a blank kept.
* The summary row Ads Manager adds when "Include summary row" is ticked (no campaign name,
  no campaign id and no Day: the totals of the whole report) is ignored as "the report's summary
  row". A row the file ends inside, or with too few cells, is rejected for its shape, though
  it has no campaign and no day either.
* Keys: the campaign id (else its name), the ad set, ad and platform cells when the report
  is broken down by them, and the day; a re-export of the same days updates those rows.
  A report without `Campaign ID` and one with it update the same rows (the spend is
  stored once): a row takes the key its campaign name and day are stored under by the
  other shape; a row without id that matches several stored campaigns is rejected. A
  report broken down further is matched exactly only from the side with ids.
* One grain per campaign and day: each row stores its report's breakdown (`breakdown`:
  `Ad set name, Ad name`, `Platform`, …, empty for one row per campaign and day). A row
  whose campaign and day an earlier report stored broken down otherwise (a campaign total
  after its rows by ad, rows by ad after rows by platform, or the reverse) is rejected,
  naming both grains and that report: both would add their spend, counting it twice. Load
  reports of one breakdown, or `outcomes forget` the earlier report first. A report by
  Platform is of that grain even on rows whose Platform cell is empty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from outcomes.sources.base import (
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Source,
    SourceError,
    StoredRecords,
)
from outcomes.sources.campaigns import (
    CampaignDay,
    Refusal,
    breakdown,
    campaign_rows,
    cell,
    counts,
    grain,
    negative,
)
from outcomes.sources.currency import with_currency_notice
from outcomes.sources.fields import CellError, cell_text, parse_date, parse_decimal, parse_money
from outcomes.sources.tabular import (
    HEADER_SEARCH_ROWS,
    Columns,
    Record,
    file_records,
    first_rows,
    head_rows,
    normalise_header,
)

NAME: Final = "meta-ads"
LABEL: Final = "Meta Ads"
SUMMARY: Final = "the report's summary row"
_SPEND: Final = re.compile(r"^amount spent(?:\s*\(([a-z]{3})\))?$")
_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "campaign": ("Campaign name",),
    "campaign_id": ("Campaign ID",),
    "day": ("Day",),
    "starts": ("Reporting starts",),
    "ends": ("Reporting ends",),
    "currency": ("Currency",),
    "impressions": ("Impressions",),
    "reach": ("Reach",),
    "link_clicks": ("Link clicks",),
    "clicks_all": ("Clicks (all)",),
    "results": ("Results",),
    "ad_set": ("Ad set ID", "Ad set name"),
    "ad": ("Ad ID", "Ad name"),
    "platform": ("Platform",),
}
_METRICS: Final = {
    "impressions": "impressions",
    "reach": "reach",
    "link_clicks": "clicks",
    "clicks_all": "clicks_all",
    "results": "results",
}
_BREAKDOWN: Final = ("ad_set", "ad", "platform")
_REQUIRED: Final = ("campaign", "spend")


@dataclass(frozen=True)
class Layout:
    """How one report spells its columns: the spend header and the currency it names."""

    columns: Columns
    currency: str | None
    labels: dict[str, str]
    """Logical column → the header as the file writes it, for rejections."""

    def label(self, name: str) -> str:
        """The file's header for a logical column, else its usual spelling."""
        return self.labels.get(name) or _ALIASES.get(name, (name,))[0]


def layout(cells: Sequence[object]) -> Layout | None:
    """The layout of a header row with `Campaign name` and an `Amount spent` column, else None."""
    spend = next(
        (
            (str(c).strip(), m.group(1))
            for c in cells
            if (m := _SPEND.match(normalise_header(c))) is not None
        ),
        None,
    )
    if spend is None:
        return None
    columns = Columns({**_ALIASES, "spend": (spend[0],)})
    positions = columns.resolve(cells)
    if "campaign" not in positions:
        return None
    labels = {name: str(cells[i]).strip() for name, i in positions.items()}
    return Layout(columns, spend[1].upper() if spend[1] else None, labels)


def find_layout(rows: Sequence[Sequence[object]]) -> Layout | None:
    """The layout of the first header row among a file's first rows."""
    return next((found for r in rows[:HEADER_SEARCH_ROWS] if (found := layout(r))), None)


class MetaAds(Source):
    """Meta Ads Manager campaign reports → ad spend in costs, delivery in metric snapshots."""

    name = NAME
    description = "Meta Ads Manager campaign reports: spend, impressions, clicks, results per day"
    channel = "facebook"

    def detect(self, path: Path, head: bytes) -> bool:
        """A header with `Campaign name`, `Amount spent (…)` and a reporting day or period."""
        found = find_layout(head_rows(path, head))
        return found is not None and any(d in found.labels for d in ("day", "starts"))

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """A cost and metric rows per campaign and day; the summary row ignored."""
        found = find_layout(first_rows(path, options.encoding))
        if found is None:
            raise SourceError(
                path,
                "no Meta Ads report header ('Campaign name' and 'Amount spent (EUR)' or "
                "another currency) in the first rows; export the campaigns table from Ads "
                "Manager with the Amount spent column",
            )
        records = file_records(
            path,
            found.columns,
            required=_REQUIRED,
            options=options,
        )
        yield from with_currency_notice(_rows(records, found, options.stored), options.currency)


def _rows(
    records: Iterable[Record], found: Layout, stored: StoredRecords | None
) -> Iterator[Parsed]:
    for record in records:
        # A row cut short (the file ends inside it) loses its campaign and day as the
        # summary row has none: it is rejected for its shape, never taken for the summary.
        if record.problem is None and _is_summary(record):
            yield Ignored(record.line, SUMMARY)
            continue
        yield from _campaign_day(record, found, stored)


def _is_summary(record: Record) -> bool:
    """Ads Manager's summary row: the report's totals, with no campaign and no single day."""
    return all(cell_text(record.get(name)) is None for name in ("campaign", "campaign_id", "day"))


def _campaign_day(record: Record, found: Layout, stored: StoredRecords | None) -> Iterator[Parsed]:
    rejection = record.rejection()
    if rejection is not None:
        yield rejection
        return
    campaign = cell_text(record.get("campaign"))
    if campaign is None:
        reason = "no campaign name: the spend could not be attributed to a tactic"
        yield Rejected(record.line, found.label("campaign"), reason, record.raw)
        return
    try:
        day = _day(record, found.label)
        amount, written = cell(record, "spend", parse_money, found.label)
        figures = counts(record, _METRICS, parse_decimal, found.label)
    except CellError as bad:
        yield Rejected(record.line, bad.column, bad.reason, record.raw)
        return
    below = negative({"spend": amount, **figures})
    if below is not None:
        column = found.label(next((c for c, m in _METRICS.items() if m == below), below))
        yield Rejected(record.line, column, f"{column} is negative", record.raw)
        return
    where = CampaignDay(
        NAME,
        LABEL,
        _channel(record),
        campaign,
        cell_text(record.get("campaign_id")),
        day,
        record.line,
        breakdown(record, _BREAKDOWN),
        grain(record, found.columns, _BREAKDOWN, found.label),
    )
    currency = cell_text(record.get("currency")) or found.currency or written
    refusal = Refusal(record.raw, found.label("campaign_id"))
    yield from campaign_rows(where, amount, currency, figures, stored, refusal)


def _day(record: Record, label: Callable[[str], str]) -> dt.date:
    """The one day a row covers: its Day, else a reporting period that starts and ends on it."""
    if record.has("day"):
        day = cell(record, "day", parse_date, label)
        if day is None:
            raise CellError(label("day"), "no Day")
        return day
    starts = cell(record, "starts", parse_date, label)
    ends = cell(record, "ends", parse_date, label) if record.has("ends") else starts
    if starts is None:
        raise CellError(label("starts"), "no Day or Reporting starts: the spend cannot be dated")
    if ends != starts:
        raise CellError(
            label("starts"),
            f"the row covers {starts} to {ends}, not one day: export the report again with "
            "the breakdown By time › Day, so each day's spend is dated",
        )
    return starts


def _channel(record: Record) -> str:
    """facebook, unless a Platform breakdown says instagram."""
    platform = (cell_text(record.get("platform")) or "").casefold()
    return "instagram" if platform == "instagram" else "facebook"
