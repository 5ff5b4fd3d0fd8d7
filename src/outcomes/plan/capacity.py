"""Hours the plan asks of each person or team, and the busiest stretch: one sweep for all.

The linter's `owner-overloaded` rule and the implementation plan's capacity table both read
this, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from outcomes.plan.model import Tactic

_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class CapacityLoad:
    """Hours a week one tactic asks of one operator, and when."""

    tactic_id: str
    hours_per_week: float
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class PeakLoad:
    """The most hours a week asked at any one time, from which day, and by which tactics."""

    hours: float
    since: dt.date | None
    tactics: tuple[str, ...]


def loads_by_operator(tactics: Iterable[Tactic]) -> dict[str, list[CapacityLoad]]:
    """For each operator, the load each tactic puts on them.

    A tactic's `hours_per_week` is shared evenly among its operators. A team is one operator
    with its own capacity; its members are not charged for the team's tactics.
    """
    loads: dict[str, list[CapacityLoad]] = {}
    for tactic in tactics:
        hours = tactic.resources.hours_per_week if tactic.resources else None
        if not hours or not tactic.operators:
            continue
        share = hours / len(tactic.operators)
        for operator in tactic.operators:
            load = CapacityLoad(tactic.id, share, tactic.start, tactic.end)
            loads.setdefault(operator, []).append(load)
    return loads


def peak_load(loads: Iterable[CapacityLoad]) -> PeakLoad:
    """Sweep the loads' date ranges for the busiest stretch.

    The load changes only on start days and on the day after an end, so back-to-back
    tactics do not add up. Ends sort before starts on the same day.
    """
    changes: list[tuple[dt.date, float, str]] = []
    for load in loads:
        changes.append((load.start, load.hours_per_week, load.tactic_id))
        if load.end < dt.date.max:  # a load to 31 Dec 9999 has no day after it to end on
            changes.append((load.end + dt.timedelta(days=1), -load.hours_per_week, load.tactic_id))
    changes.sort()
    running, best = 0.0, PeakLoad(0.0, None, ())
    active: set[str] = set()
    for day, change, tactic_id in changes:
        running += change
        if change > 0:
            active.add(tactic_id)
        else:
            active.discard(tactic_id)
        if running > best.hours + _EPSILON:
            best = PeakLoad(round(running, 6), day, tuple(sorted(active)))
    return best
