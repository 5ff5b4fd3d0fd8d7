"""Rows shared by the campaign-report connectors (Meta Ads, LinkedIn Ads, Mailchimp).

A campaign report has one row per campaign per day (or per send, for email), sometimes
broken down further (by platform, ad set, ad or creative). Each such row becomes:

* its spend, when the report has one, as one `costs` line of kind "ads" whose `tactic` is
  the campaign name as exported: `outcomes.measure.costs` attributes it to the plan
  tactic whose `measurement.match.utm_campaign` lists that name (or that is its id), so a
  paid tactic's ROI uses what was really spent. The amount stays in the report's currency;
  `note` names the platform, the campaign id and that currency;
* its counts as `metric_snapshots` of the campaign (`entity_kind` "campaign"), one row per
  count column the file has and whose cell is filled.

Keys are built from the campaign id when the report has one (a renamed campaign then
updates its rows), else its name, then the breakdown and the day, so a re-export of the
same days updates the same rows; a report with ids and one without update the same rows
too (`outcomes.sources.two_keys`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from outcomes.sources.base import Ignored, Parsed, Rejected, Row, StoredRecords, natural_key
from outcomes.sources.fields import CellError, FieldError
from outcomes.sources.tabular import Record
from outcomes.sources.two_keys import TwoKeys

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
    """The campaign's spend on the day, as a `costs` line of kind "ads"; a row without id
    under the key a report with ids stored leaves that report's note (naming the id)."""
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
    one that matches several stored campaigns of its name and day is refused.
    """
    if amount is None and all(v is None for v in figures.values()):
        yield Ignored(day.line, EMPTY)
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
