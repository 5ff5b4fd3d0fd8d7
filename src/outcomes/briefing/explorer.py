"""The attribution explorer's data: journeys summarised once, any model run on demand.

Building journeys is the slow part (a pass over every touchpoint in the engine); running a
model on the per-distinct-path summary takes milliseconds. So the journeys are summarised
once per state of the warehouse, by channel and by tactic, for the plan's whole period and
each of its quarters, and `explore` runs whichever model the reader picks on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from outcomes.measure.attribution import attribute
from outcomes.measure.attribution.journeys import JourneyOptions
from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.costs import Period
from outcomes.measure.currency import in_plan_currency
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

By = Literal["channel", "tactic"]
BY_CHOICES: Final[tuple[By, ...]] = ("channel", "tactic")
WHOLE_PERIOD: Final = "plan"


@dataclass(frozen=True)
class JourneySummaries:
    """Per-distinct-path summaries of sales journeys, by step kind and period."""

    periods: tuple[tuple[str, Period], ...]
    """(label, period): `plan` for the plan's whole period, then `2026-Q1` and so on."""
    counts: Mapping[tuple[str, str], PathCounts]
    """Keyed by (by, period label)."""

    def period(self, label: str) -> Period:
        """The period of a label; KeyError for one not summarised."""
        return dict(self.periods)[label]


def quarters(period: Period) -> list[tuple[str, Period]]:
    """The calendar quarters that overlap `period`, each clipped to it."""
    found: list[tuple[str, Period]] = []
    year, quarter = period.start.year, (period.start.month - 1) // 3
    while True:
        first = dt.date(year, quarter * 3 + 1, 1)
        if first > period.end:
            return found
        next_first = dt.date(year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
        start, end = max(first, period.start), min(next_first - dt.timedelta(days=1), period.end)
        found.append((f"{year}-Q{quarter + 1}", Period(start, end)))
        year, quarter = next_first.year, (next_first.month - 1) // 3


def summarise_journeys(
    plan: Plan,
    warehouse: Warehouse,
    *,
    lookback_days: int | None = 90,
    sources: tuple[str, ...] | None = None,
    journeys: JourneyStore | None = None,
) -> JourneySummaries:
    """Summarise sales journeys by channel and by tactic for the plan period and quarters.

    `journeys`: the warehouse's journeys, when the caller keeps them for other measures
    too (`build_briefing` does); else they are built here. Each step kind is one query
    for all the periods.
    """
    whole = Period.of_plan(plan)
    periods = ((WHOLE_PERIOD, whole), *quarters(whole))
    if journeys is None:
        conversions = in_plan_currency(warehouse.table("conversions"), plan.organisation.currency)
        tables = warehouse.table("touchpoints"), conversions
        with JourneyStore(*tables) as own:
            return summarise_journeys(
                plan, warehouse, lookback_days=lookback_days, sources=sources, journeys=own
            )
    spans = [(label, period.instants()) for label, period in periods]
    counts: dict[tuple[str, str], PathCounts] = {}
    for by in BY_CHOICES:
        options: JourneyOptions = {
            "by": by, "plan": plan, "lookback_days": lookback_days, "sources": sources
        }  # fmt: skip
        for label, found in journeys.path_counts(spans, **options).items():
            counts[(by, label)] = found
    return JourneySummaries(periods=periods, counts=counts)


def explore(
    summaries: JourneySummaries, *, model: str, by: str, period: str = WHOLE_PERIOD
) -> AttributionResult:
    """Credit per channel or tactic under `model` for one summarised period.

    ValueError for an unknown model, step kind or period, naming the valid ones.
    """
    if by not in BY_CHOICES:
        raise ValueError(f"unknown step kind {by!r}; valid: {', '.join(BY_CHOICES)}")
    labels = [label for label, _ in summaries.periods]
    if period not in labels:
        raise ValueError(f"unknown period {period!r}; valid: {', '.join(labels)}")
    return attribute(summaries.counts[(by, period)], model)
