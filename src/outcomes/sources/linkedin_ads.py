"""LinkedIn Campaign Manager performance reports (CSV or .xlsx): spend and delivery per day.

Campaign Manager's "Export" writes a few title rows above the header ("Campaign
Performance Report (in UTC)", "Report Start: …", "Report End: …", the account), then one
row per campaign (or creative) per day when the time breakdown is daily. The header is
found below the title rows by its `Start Date (in UTC)` and `Campaign Name` columns; the
rest is read when present: `Campaign ID`, `Campaign Group Name`, `Creative ID` /
`Creative Name` (a creative-level report), `Currency`, `Total Spent`, `Impressions`,
`Clicks`, `Conversions`, `Leads`, `Reach`.

* Dates are written month first ("3/1/2026" is 1 March), in UTC as the header says.
* `Total Spent` → `costs` (kind "ads", `tactic` = the campaign name as exported,
  `currency` = the row's `Currency`, `note` = "LinkedIn Ads campaign <id>, <currency>"),
  not converted: spend in another currency than the plan's is left out of every tactic's
  cost and reported, and the load warns of it, as for Meta Ads. See `outcomes.sources.campaigns` for how a campaign
  name reaches a plan tactic.
* `Impressions`, `Clicks`, `Conversions`, `Leads` and `Reach` → `metric_snapshots` of the
  campaign on channel `linkedin` (metrics `impressions`, `clicks`, `conversions`,
  `leads`, `reach`). A blank cell writes nothing: a re-export's blank leaves what is
  stored, and the load names each figure a blank kept.
* A totals row ("Total" or "Grand Total" where the date goes, no campaign) is ignored as
  "the report's totals row". A row with neither date nor campaign that the file ends
  inside, or with too few cells, is rejected for its shape, not taken for the totals.
* Keys: the campaign id (else its name), the creative when the report is by creative, and
  the day; a re-export of the same days updates those rows. A report without
  `Campaign ID` and one with it update the same rows (the spend is stored once), as for
  Meta Ads.
* One grain per campaign and day, as for Meta Ads: a row of a report by creative whose
  campaign and day a report by campaign stored (or the reverse) is rejected, naming both
  grains and that report, instead of counting the spend twice (`breakdown`: `Creative ID`
  or `Creative Name`, empty for one row per campaign and day).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

from outcomes.sources.base import Ignored, Parsed, ReadOptions, Rejected, Source, StoredRecords
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
    Columns,
    Record,
    file_labels,
    file_records,
    head_has,
)

NAME: Final = "linkedin-ads"
LABEL: Final = "LinkedIn Ads"
TOTALS: Final = "the report's totals row"
COLUMNS: Final = Columns(
    {
        "day": ("Start Date (in UTC)", "Start Date"),
        "campaign": ("Campaign Name", "Campaign"),
        "campaign_id": ("Campaign ID",),
        "creative": ("Creative ID", "Creative Name"),
        "currency": ("Currency",),
        "spend": ("Total Spent", "Amount Spent"),
        "impressions": ("Impressions",),
        "clicks": ("Clicks",),
        "conversions": ("Conversions",),
        "leads": ("Leads",),
        "reach": ("Reach",),
    }
)
_REQUIRED: Final = ("day", "campaign")
_BREAKDOWN: Final = ("creative",)
_METRICS: Final = {
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "leads": "leads",
    "reach": "reach",
}
_TOTAL: Final = re.compile(r"^(grand )?totals?\b", re.IGNORECASE)
_DATES: Final = ("%m/%d/%Y", "%Y-%m-%d")


class LinkedInAds(Source):
    """LinkedIn Campaign Manager reports → ad spend in costs, delivery in metric snapshots."""

    name = NAME
    description = "LinkedIn Campaign Manager performance reports: spend, impressions, clicks"
    documented_notation = True
    channel = "linkedin"

    def detect(self, path: Path, head: bytes) -> bool:
        """A header (below title rows) with `Start Date (in UTC)`, `Campaign Name`, `Total Spent`."""
        return head_has(path, head, "Start Date (in UTC)", "Campaign Name", "Total Spent")

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """A cost and metric rows per campaign (or creative) and day; totals rows ignored."""
        label = file_labels(path, COLUMNS, _REQUIRED, options.encoding)
        records = file_records(path, COLUMNS, required=_REQUIRED, options=options, convention="mdy")
        yield from with_currency_notice(_rows(records, label, options.stored), options.currency)


def _rows(
    records: Iterable[Record], label: Callable[[str], str], stored: StoredRecords | None
) -> Iterator[Parsed]:
    for record in records:
        if _is_total(record):
            yield Ignored(record.line, TOTALS)
            continue
        rejection = record.rejection()
        if rejection is not None:
            yield rejection
            continue
        yield from _campaign_day(record, label, stored)


def _is_total(record: Record) -> bool:
    """A totals row: "Total" where the date goes, or no campaign and no date at all in a
    row of the header's shape (a row cut short by the file's end has neither, and is
    rejected for its shape)."""
    first = cell_text(record.get("day"))
    if first is not None and _TOTAL.match(first):
        return True
    return first is None and cell_text(record.get("campaign")) is None and record.problem is None


def _date(raw: object) -> dt.date | None:
    return parse_date(raw, formats=_DATES)


def _campaign_day(
    record: Record, label: Callable[[str], str], stored: StoredRecords | None
) -> Iterator[Parsed]:
    campaign = cell_text(record.get("campaign"))
    if campaign is None:
        reason = "no campaign name: the spend could not be attributed to a tactic"
        yield Rejected(record.line, label("campaign"), reason, record.raw)
        return
    try:
        day = cell(record, "day", _date, label)
        amount, written = cell(record, "spend", parse_money, label)
        figures = counts(record, _METRICS, parse_decimal, label)
    except CellError as bad:
        yield Rejected(record.line, bad.column, bad.reason, record.raw)
        return
    if day is None:
        yield Rejected(record.line, label("day"), "no start date", record.raw)
        return
    below = negative({"spend": amount, **figures})
    if below is not None:
        yield Rejected(record.line, label(below), f"{label(below)} is negative", record.raw)
        return
    where = CampaignDay(
        NAME,
        LABEL,
        "linkedin",
        campaign,
        cell_text(record.get("campaign_id")),
        day,
        record.line,
        breakdown(record, _BREAKDOWN),
        grain(record, COLUMNS, _BREAKDOWN, label),
    )
    currency = cell_text(record.get("currency")) or written
    refusal = Refusal(record.raw, label("campaign_id"))
    yield from campaign_rows(where, amount, currency, figures, stored, refusal)
