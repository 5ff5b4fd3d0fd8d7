"""owner-overloaded: nobody is asked for more hours a week than they can give the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.lint.rules.resources import RESOURCES_QUOTE, hours_per_week
from outcomes.plan.model import Tactic


@dataclass(frozen=True, slots=True)
class PeakLoad:
    """The most hours a week someone is asked for at once, and from when."""

    hours: float
    since: dt.date
    tactics: tuple[str, ...]


def weekly_asks(tactics: Sequence[Tactic]) -> dict[str, list[tuple[Tactic, float]]]:
    """For each operator, the tactics they run and the hours a week each asks of them.

    A tactic's `hours_per_week` is shared evenly among its operators.
    """
    asks: dict[str, list[tuple[Tactic, float]]] = defaultdict(list)
    for tactic in tactics:
        hours = hours_per_week(tactic)
        if hours > 0 and tactic.operators:
            share = hours / len(tactic.operators)
            for operator in tactic.operators:
                asks[operator].append((tactic, share))
    return asks


def peak_load(asks: Sequence[tuple[Tactic, float]]) -> PeakLoad:
    """Sweep the tactics' date ranges to find the busiest stretch."""
    events: list[tuple[dt.date, int, float, str]] = []
    for tactic, share in asks:
        events.append((tactic.start, 1, share, tactic.id))
        events.append((tactic.end + dt.timedelta(days=1), 0, -share, tactic.id))
    events.sort()
    running, best = 0.0, PeakLoad(0.0, dt.date.min, ())
    active: set[str] = set()
    for day, _, delta, tactic_id in events:
        running += delta
        if delta > 0:
            active.add(tactic_id)
        else:
            active.discard(tactic_id)
        if running > best.hours + 1e-9:
            best = PeakLoad(running, day, tuple(sorted(active)))
    return best


@rule(
    code="C001",
    name="owner-overloaded",
    severity=Severity.WARNING,
    summary="People asked for more hours than they have",
    fix="Give the person fewer tactics, share the work with more operators, or raise their `hours_per_week`",
    what=(
        "A person or team whose tactics, running at the same time, ask for more hours a week "
        "than their `hours_per_week` (a tactic's hours are shared evenly among its operators), "
        "or who operates tactics but has no `hours_per_week` at all."
    ),
    why=(
        "Execution fails quietly when the same few people are given everything: the cadence "
        "slips, and the plan looks fine until the results do not come."
    ),
    seed=RESOURCES_QUOTE,
    example="""\
people:
  - {id: lee, name: Lee Chen, hours_per_week: 4}
tactics:
  - {id: guides, operators: [lee], resources: {hours_per_week: 6}}""",
    instead="""\
people:
  - {id: lee, name: Lee Chen, hours_per_week: 10}""",
)
def owner_overloaded(ctx: LintContext) -> Iterator[Hit]:
    for person_id, asks in sorted(weekly_asks(ctx.plan.tactics).items()):
        person = ctx.people[person_id]
        peak = peak_load(asks)
        if person.hours_per_week is None:
            yield Hit(
                person_id,
                ctx.path(person_id),
                f"{person.name} is asked for {peak.hours:g} h/week ({', '.join(peak.tactics)}) "
                "but has no hours_per_week for the plan",
            )
        elif peak.hours > person.hours_per_week + 1e-9:
            yield Hit(
                person_id,
                ctx.path(person_id, "hours_per_week"),
                f"{person.name} is asked for {peak.hours:g} h/week from {peak.since} "
                f"({', '.join(peak.tactics)}) but has {person.hours_per_week:g}",
            )
