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
same days updates the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from outcomes.sources.base import Ignored, Parsed, Row, natural_key
from outcomes.sources.fields import CellError, FieldError
from outcomes.sources.tabular import Record

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


def cost_row(day: CampaignDay, amount: float, currency: str | None) -> Row:
    """The campaign's spend on the day, as a `costs` line of kind "ads"."""
    who = f"campaign {day.campaign_id}" if day.campaign_id else f"campaign '{day.campaign}'"
    note = f"{day.label} {who}" + (f", {currency}" if currency else "")
    values = {
        "key": day.key("spend"),
        "source": day.source,
        "tactic": day.campaign,
        "date": day.day,
        "amount": amount,
        "kind": "ads",
        "note": note,
    }
    return Row("costs", values, day.line)


EMPTY: Final = "a row with no figures (no spend and no counts)"


def campaign_rows(
    day: CampaignDay,
    amount: float | None,
    currency: str | None,
    figures: Mapping[str, float | None],
) -> Iterator[Parsed]:
    """The cost line (when there is spend) and the metric rows of one campaign and day.

    A row with nothing filled in is passed over by name, so it is still counted as read.
    """
    if amount is None and all(v is None for v in figures.values()):
        yield Ignored(day.line, EMPTY)
        return
    if amount is not None:
        yield cost_row(day, amount, currency)
    yield from metric_rows(day, figures)


def metric_rows(day: CampaignDay, counts: Mapping[str, float | None]) -> Iterator[Row]:
    """One `metric_snapshots` row per count whose cell is filled.

    An empty cell is no figure (Meta leaves Results empty when there were none), so it
    writes nothing, and a count the file does not have is not in `counts` at all.
    """
    for metric, value in counts.items():
        if value is None:
            continue
        values = {
            "key": day.key(metric),
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
