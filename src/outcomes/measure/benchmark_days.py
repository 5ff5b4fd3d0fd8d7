"""The day each tactic benchmark's own data reaches, which it is measured to.

A verdict claims no more than the data (`outcomes.measure.benchmarks`, "Which day"). As a
goal is measured at the day its own data reaches (`outcomes.measure.pacing`), a benchmark
is measured at the day the data of its metric's family reaches, found in the engine with
one query per family, never one per tactic:

* **activity, engagement and conversation** metrics measured from activities: the newest
  activity on the tactic's channel, or the tactic's own newest when later (a tactic may
  claim a campaign's posts on another channel). The channel's export reaches that day, so
  a tactic that went quiet while its channel's export kept arriving is news, not missing
  data, as a goal's scope's quiet weeks are;
* **engagement measured from campaign reports** (`outcomes.measure.campaign_figures`):
  the last day the tactic's campaigns' figures of that metric cover (a series dated the
  1st of every month stands for whole months);
* **pipeline and business** metrics: the newest conversion's or touchpoint's day, as a
  goal measured from conversions reads it (`outcomes.measure.costs.data_through`).

A metric none of these measures has no day: it has no data either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.catalog.measurable import ACTIVITY_COUNTS, ENGAGEMENT_COLUMNS, TOUCHED_TYPES
from outcomes.measure.costs import data_through
from outcomes.plan.model import Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

CONVERSATION_LEVELS = frozenset(
    {"response_rate", "first_response_minutes", "first_response_business_minutes",
     "listen_push_ratio"}
)  # fmt: skip
"""The conversation metrics, measured from a tactic's activities."""
FROM_CONVERSIONS = frozenset({"support_tickets_deflected", *TOUCHED_TYPES})
"""The pipeline and business metrics a tactic is measured on, from conversions."""


@dataclass(frozen=True, slots=True)
class Reach:
    """How far one benchmark's data runs."""

    day: dt.date
    words: str
    """What the day is the newest of: `the linkedin activities`."""

    def short_of(self, tactic: Tactic, as_of: dt.date) -> str:
        """Why the benchmark is measured at `day`, before `as_of` or the tactic's end, in
        the words a goal's reason uses ("... run to 2026-06-24, 6 days before ...")."""
        if self.day < tactic.start:
            return f"{self.words} run to {self.day}, before the tactic's start {tactic.start}"
        until = min(as_of, tactic.end)
        before = f"the tactic's end {tactic.end}" if as_of >= tactic.end else str(as_of)
        gap = (until - self.day).days
        return f"{self.words} run to {self.day}, {gap} day{'s' if gap != 1 else ''} before {before}"


@dataclass(frozen=True, slots=True)
class BenchmarkDays:
    """The newest day of each family's data (module docstring), `as_of` at most."""

    channels: Mapping[str, dt.date]
    """The newest activity on each channel."""
    tactics: Mapping[str, dt.date]
    """The newest activity each tactic claims."""
    campaigns: Mapping[tuple[str, str], dt.date]
    """The last day the figures of each (tactic, metric) its campaigns report cover."""
    conversions: dt.date | None
    """The newest conversion's or touchpoint's day."""

    @classmethod
    def of(
        cls,
        mapped: ibis.Table,
        conversions: ibis.Table,
        touchpoints: ibis.Table,
        campaigns: Mapping[tuple[str, str], dt.date],
        as_of: dt.date,
    ) -> BenchmarkDays:
        """Every family's day: `mapped` are the activities with their `tactic`
        (`outcomes.measure.mapping.mapped_activities`), `campaigns` the days their
        figures cover (`CampaignFigures.covered`)."""
        newest = mapped.group_by(["channel", "tactic"]).aggregate(last=mapped.ts.max())
        channels: dict[str, dt.date] = {}
        tactics: dict[str, dt.date] = {}
        for row in to_arrow(newest).to_pylist():
            day = min(_day(row["last"]), as_of)
            if row["channel"] is not None:
                channel = str(row["channel"])
                channels[channel] = max(day, channels.get(channel, day))
            if row["tactic"] is not None:
                tactic = str(row["tactic"])
                tactics[tactic] = max(day, tactics.get(tactic, day))
        through = data_through(conversions, touchpoints)
        return cls(channels, tactics, campaigns, None if through is None else min(through, as_of))

    def reach(self, tactic: Tactic, metric: str, *, from_campaigns: bool) -> Reach | None:
        """How far the data behind the tactic's `metric` runs; None when none does.
        `from_campaigns`: the metric is measured from its campaigns' reports."""
        if from_campaigns:
            day = self.campaigns.get((tactic.id, metric))
            return None if day is None else Reach(day, f"the campaign reports' {metric}")
        if metric in FROM_CONVERSIONS:
            if self.conversions is None:
                return None
            return Reach(self.conversions, "the conversions and touchpoints")
        if (
            metric in ACTIVITY_COUNTS
            or metric in ENGAGEMENT_COLUMNS
            or metric in (CONVERSATION_LEVELS)
        ):
            return self._activities(tactic)
        return None

    def _activities(self, tactic: Tactic) -> Reach | None:
        channel, own = self.channels.get(tactic.channel), self.tactics.get(tactic.id)
        if own is not None and (channel is None or own > channel):
            return Reach(own, "the tactic's activities")
        return None if channel is None else Reach(channel, f"the {tactic.channel} activities")


def _day(value: dt.datetime | dt.date) -> dt.date:
    """A timestamp's UTC day, as `data_through` reads it."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date()
    return value
