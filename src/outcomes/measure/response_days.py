"""Response-time targets day by day: which tactics missed theirs, and how many days running.

`conversation_health` judges a tactic's first responses over the whole export; an alert
needs to know whether the target is being missed *now*. Here each tactic with a
response-time target (`conversation.response_targets`) is measured per calendar day of
its inbound items: a day **misses** when its median first response (calendar or business
minutes, as the target says, like the benchmark) is over the target, or when items came
in and none was answered. Days without inbound items or answers say nothing and are
skipped, so a quiet Sunday neither breaks nor extends a run of missed days. Where an
export holds our answers but not what they answer (X), a day is judged by its answers'
times (`conversation`'s Snowflake reading), its inbound count unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.measure.conversation import (
    ConversationHealth,
    conversation_health,
    response_targets,
)
from outcomes.measure.mapping import materialised_activities
from outcomes.measure.response_waits import ResponseTarget
from outcomes.plan import Plan

if TYPE_CHECKING:
    import ibis


@dataclass(frozen=True, slots=True)
class ResponseDay:
    """One tactic's first responses on one day, against its target."""

    tactic: str
    day: dt.date
    inbound: int | None
    """None where the export holds none of the items (X: only our answers, which still time)."""
    answered: int
    median_minutes: float | None
    """In business minutes when the target is, else calendar minutes."""
    target: ResponseTarget

    @property
    def missed(self) -> bool:
        if self.median_minutes is None:
            return bool(self.inbound) and self.answered == 0
        return self.median_minutes > self.target.minutes


@dataclass(frozen=True, slots=True)
class MissedRun:
    """The latest days of a tactic's target, counted back from its newest day with inbound."""

    tactic: str
    target: ResponseTarget
    days: tuple[ResponseDay, ...]
    """The missed days running, oldest first (empty when the newest day met the target)."""

    @property
    def since(self) -> dt.date | None:
        return self.days[0].day if self.days else None


def response_days(plan: Plan, activities: ibis.Table) -> list[ResponseDay]:
    """Per tactic with a response-time target, per day with inbound items or answers, oldest
    first."""
    targets = response_targets(plan)
    if not targets:
        return []
    # Kept in the engine: inlined twice into one query, the mapping's CASE columns took
    # DuckDB's optimiser seconds on any warehouse, an empty one too.
    with materialised_activities(plan, activities) as mapped:
        wanted = [key[0] for key in targets]
        mine = mapped.filter(mapped.tactic.isin(wanted))
        daily = conversation_health(
            mine.mutate(day=mine.ts.date()),
            by=("tactic", "day"),
            hours=plan.organisation.business_hours,
            own=mapped,  # a thread under a post no tactic claims answers no customer
        )
    found = [_day(health, targets[(health.group["tactic"],)]) for health in daily]
    return sorted((d for d in found if d.inbound or d.answered), key=lambda d: (d.tactic, d.day))


def missed_runs(days: list[ResponseDay]) -> list[MissedRun]:
    """Per tactic, the run of missed days that ends at its newest day."""
    by_tactic: dict[str, list[ResponseDay]] = {}
    for day in days:
        by_tactic.setdefault(day.tactic, []).append(day)
    runs = []
    for tactic, own in sorted(by_tactic.items()):
        running: list[ResponseDay] = []
        for day in sorted(own, key=lambda d: d.day, reverse=True):
            if not day.missed:
                break
            running.append(day)
        runs.append(MissedRun(tactic, own[0].target, tuple(reversed(running))))
    return runs


def _day(health: ConversationHealth, target: ResponseTarget) -> ResponseDay:
    day = health.group["day"]
    assert isinstance(day, dt.date)
    median = (
        health.median_first_response_business_minutes
        if target.business_hours
        else health.median_first_response_minutes
    )
    return ResponseDay(
        tactic=str(health.group["tactic"]),
        day=day,
        inbound=health.inbound,
        answered=health.answered,
        median_minutes=median,
        target=target,
    )
