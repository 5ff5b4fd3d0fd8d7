"""Rows shared by the campaign-report connectors (Meta Ads, LinkedIn Ads, Mailchimp).

A campaign report has one row per campaign per day (or per send, for email), sometimes
broken down further (by platform, ad set, ad or creative). Each such row becomes:

* its spend, when the report has one, as one `costs` line of kind "ads" whose `tactic` is
  the campaign name as exported: `outcomes.measure.costs` attributes it to the plan
  tactic whose `measurement.match.utm_campaign` lists that name (or that is its id), so a
  paid tactic's ROI uses what was really spent. The amount stays in the report's currency,
  which the line's `currency` states (upper case; none when the report names none) and
  `note` names beside the platform and the campaign id: measuring leaves spend in another
  currency than the plan's out of every sum and reports it, never converting it, and the
  load itself says so in a `Notice` when it knows the plan's currency
  (`outcomes.sources.currency`), so the mistake is seen when the file is loaded, not in ROI;
* its counts as `metric_snapshots` of the campaign (`entity_kind` "campaign"), one row per
  count column the file has and whose cell is filled. A blank cell is no figure and writes
  nothing, so a re-export's blank leaves what is stored; in a load each blank figure is
  named by a `Blank`, so that the load says which stored figures stayed.

Keys are built from the campaign id when the report has one (a renamed campaign then
updates its rows), else its name, then the breakdown and the day, so a re-export of the
same days updates the same rows; a report with ids and one without update the same rows
too (`outcomes.sources.two_keys`).

A campaign's day is stored at one grain. Each row states its report's (`breakdown`: the
breakdown columns the file has, by their usual headers, "" for none), and a row whose
campaign name and day an earlier file stored at another grain is rejected: a campaign
total and its rows by ad (or by platform, and by ad) would each be added to the spend,
counting it twice. The grain is the file's columns, not a row's cells: a row of a report
by platform whose platform cell is empty is still of that grain. A report by `Ad ID` and
one by `Ad name` are two grains too, since their keys differ. Rows stored before grains
were recorded have none and are not compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from outcomes.sources.base import (
    Blank,
    Ignored,
    Parsed,
    Rejected,
    Row,
    StoredBreakdown,
    StoredRecords,
    natural_key,
)
from outcomes.sources.fields import CellError, FieldError
from outcomes.sources.tabular import Columns, Record, normalise_header
from outcomes.sources.two_keys import TwoKeys
from outcomes.tables import TableName

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CampaignDay:
    """Which campaign a report row is about, on which day, on which channel."""

    source: str
    """The connector's name, also the `source` of the rows."""
    label: str
    """The platform as people name it ("Meta Ads"), for `note`."""
    channel: str
    campaign: str
    campaign_id: str | None
    day: dt.date
    line: int
    breakdown: tuple[str, ...] = ()
    """The breakdown cells that tell apart rows of one campaign and day (ad, creative)."""
    grain: str | None = None
    """The report's grain (`grain`), stored in `breakdown` and compared with the stored
    one; None for a source whose reports are never broken down (it states no `breakdown`)."""

    def key(self, *parts: str) -> str:
        """The natural key of one of this row's warehouse rows."""
        campaign = self.campaign_id or self.campaign
        return natural_key(self.source, campaign, *self.breakdown, self.day.isoformat(), *parts)

    def name_key(self, part: str) -> str:
        """The key a report without campaign ids gives one of this row's warehouse rows."""
        iso = self.day.isoformat()
        return natural_key(self.source, self.campaign, *self.breakdown, iso, part)

    def keys(self, parts: list[str], stored: StoredRecords | None) -> dict[str, str] | int:
        """Each part's key (a metric, or "spend"), taking those a report of the other
        shape stored (`TwoKeys`); how many stored campaigns it could be when it cannot tell."""
        by_name = {p: self.name_key(p) for p in parts}
        by_id = None if self.campaign_id is None else {p: self.key(p) for p in parts}
        found: dict[str, list[str]] = {}
        if stored is not None:
            for snapshot in stored.snapshots_on(self.source, self.campaign, self.day):
                found.setdefault(snapshot.metric, []).append(snapshot.key)
            found["spend"] = list(stored.costs_on(self.source, self.campaign, self.day))
        return TwoKeys(by_id, by_name, found, broken_down=bool(self.breakdown)).resolved()


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a campaign row that cannot be told apart is refused with: its raw text and
    the header of the campaign id column (`Rejected`)."""

    raw: str
    id_column: str


def cost_row(day: CampaignDay, amount: float, currency: str | None, key: str) -> Row:
    """The campaign's spend on the day, as a `costs` line of kind "ads" in `currency` (an
    ISO code, stored in upper case); a row without id under the key a report with ids
    stored leaves that report's note (naming the id)."""
    currency = currency.strip().upper() if currency else None
    who = f"campaign {day.campaign_id}" if day.campaign_id else f"campaign '{day.campaign}'"
    note = f"{day.label} {who}" + (f", {currency}" if currency else "")
    values: dict[str, object] = {
        "key": key,
        "source": day.source,
        "tactic": day.campaign,
        "date": day.day,
        "amount": amount,
        "kind": "ads",
        "note": note,
    }
    if day.campaign_id is None and key != day.name_key("spend"):
        del values["note"]
    if currency:
        values["currency"] = currency
    if day.grain is not None:
        values["breakdown"] = day.grain
    return Row("costs", values, day.line)


EMPTY: Final = "a row with no figures (no spend and no counts)"


def campaign_rows(
    day: CampaignDay,
    amount: float | None,
    currency: str | None,
    figures: Mapping[str, float | None],
    stored: StoredRecords | None,
    refusal: Refusal,
) -> Iterator[Parsed]:
    """The cost line (when there is spend) and the metric rows of one campaign and day.

    A row with nothing filled in is passed over by name, so it is still counted as read;
    one whose campaign and day are stored at another grain, or that matches several stored
    campaigns of its name and day, is refused.
    """
    if amount is None and all(v is None for v in figures.values()):
        yield Ignored(day.line, EMPTY)
        yield from blank_figures(day, amount, figures, stored)
        return
    other = other_grains(day, stored)
    if other:
        yield Rejected(day.line, None, grain_refusal(day, other), refusal.raw)
        return
    parts = [m for m, v in figures.items() if v is not None]
    keys = day.keys(["spend", *parts] if amount is not None else parts, stored)
    if isinstance(keys, int):
        reason = (
            f"{keys} stored rows are of a campaign named '{day.campaign}' on {day.day} (several "
            "campaigns of that name, or one broken down by ad, ad set, platform or creative): "
            "which one this row is cannot be known without its id; export the report with "
            f"{refusal.id_column}, broken down as the report loaded before"
        )
        yield Rejected(day.line, refusal.id_column, reason, refusal.raw)
        return
    if amount is not None:
        yield cost_row(day, amount, currency, keys["spend"])
    yield from metric_rows(day, figures, keys)
    yield from blank_figures(day, amount, figures, stored)


def blank_figures(
    day: CampaignDay,
    amount: float | None,
    figures: Mapping[str, float | None],
    stored: StoredRecords | None,
) -> Iterator[Blank]:
    """A `Blank` for each figure of the row whose cell is blank (the spend, a count), under
    the key it would be stored at; only in a load, and none when that key cannot be told."""
    if stored is None:
        return
    parts = (["spend"] if amount is None else []) + [m for m, v in figures.items() if v is None]
    if not parts:
        return
    keys = day.keys(parts, stored)
    if isinstance(keys, int):
        return  # which stored campaign it is cannot be known: no stored figure to name
    for part in parts:
        table: TableName = "costs" if part == "spend" else "metric_snapshots"
        yield Blank(table, keys[part], part, day.line)


def other_grains(day: CampaignDay, stored: StoredRecords | None) -> list[StoredBreakdown]:
    """The grains other than this row's that its campaign name and day are stored at."""
    if day.grain is None or stored is None:
        return []
    found = stored.breakdowns_on(day.source, day.campaign, day.day)
    return [item for item in found if item.breakdown != day.grain]


def grain_refusal(day: CampaignDay, other: list[StoredBreakdown]) -> str:
    """Why a row of another grain than the stored one is refused, and what to do."""
    stored = " and ".join(f"{_stored_as(item.breakdown)} (by {item.file})" for item in other)
    files = " and ".join(dict.fromkeys(f"`outcomes forget {item.file}`" for item in other))
    wanted = other[0].breakdown
    export = f"broken down by {wanted}" if wanted else "with one row per campaign and day"
    mine = f"is broken down by {day.grain}" if day.grain else "has one row per campaign and day"
    return (
        f"campaign '{day.campaign}' on {day.day} is {stored}, and this row's report {mine}: "
        "storing both would count its spend and counts twice. Load reports of one "
        f"breakdown: export this report {export}, as the one loaded before, or run {files}, "
        "then forget this file and load it again"
    )


def _stored_as(grain: str) -> str:
    return f"stored broken down by {grain}" if grain else "stored as one row per campaign and day"


def grain(
    record: Record, columns: Columns, names: tuple[str, ...], header: Callable[[str], str]
) -> str:
    """A report's grain: the usual header of each breakdown column in `names` the file has
    (as `header` names it), joined by ", " ("Ad set name, Ad name"); "" for none.

    The usual spelling, so that two exports writing a header in another case are one
    grain; which alias a file has is kept, since an `Ad ID` and an `Ad name` key differ.
    """
    return ", ".join(
        _usual(columns.aliases[name], header(name)) for name in names if record.has(name)
    )


def _usual(aliases: Sequence[str], written: str) -> str:
    wanted = normalise_header(written)
    return next((alias for alias in aliases if normalise_header(alias) == wanted), written)


def metric_rows(
    day: CampaignDay, counts: Mapping[str, float | None], keys: Mapping[str, str]
) -> Iterator[Row]:
    """One `metric_snapshots` row per count whose cell is filled, under its key in `keys`.

    An empty cell is no figure (Meta leaves Results empty when there were none), so it
    writes nothing, and a count the file does not have is not in `counts` at all.
    """
    for metric, value in counts.items():
        if value is None:
            continue
        values = {
            "key": keys[metric],
            "source": day.source,
            "channel": day.channel,
            "entity": day.campaign,
            "entity_kind": "campaign",
            "metric": metric,
            "date": day.day,
            "value": float(value),
        }
        if day.grain is not None:
            values["breakdown"] = day.grain
        yield Row("metric_snapshots", values, day.line)


def cell(record: Record, name: str, parse: Callable[[object], T], label: Callable[[str], str]) -> T:
    """A parsed cell; a value that cannot be read raises `CellError` naming the file's header."""
    try:
        return parse(record.get(name))
    except FieldError as exc:
        raise CellError(label(name), str(exc)) from None


def counts(
    record: Record,
    metrics: Mapping[str, str],
    parse: Callable[[object], float | None],
    label: Callable[[str], str],
) -> dict[str, float | None]:
    """`{metric: value}` for the logical count columns (`metrics`: column → metric) present."""
    return {
        metric: cell(record, column, parse, label)
        for column, metric in metrics.items()
        if record.has(column)
    }


def breakdown(record: Record, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The cells of the breakdown columns the file has, as text ("" when empty)."""
    return tuple(str(record.get(c) or "").strip() for c in columns if record.has(c))


def negative(values: Mapping[str, Any]) -> str | None:
    """The first count below zero, if any: a count is never negative."""
    return next((k for k, v in values.items() if isinstance(v, int | float) and v < 0), None)
