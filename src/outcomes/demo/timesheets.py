"""The time people logged on each tactic, as a time tracker's detailed report exports it.

Each operator logs one line a week (on Friday) for each tactic they operate, from the
tactic's start to the end of the year. The plan's `hours_per_week` is shared equally among
a tactic's operators; what they really give is planted per operator (`EFFORT`): Bo gives
his insight posts a little over half the time planned, support answers on X take 30% more
than planned, the rest is near plan. Week-to-week noise is a gamma with mean 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from outcomes.demo import model as m
from outcomes.demo.rng import stream
from outcomes.plan import Plan

EFFORT: Final[dict[tuple[str, str], float]] = {
    ("li-rep-insights", "bo"): 0.55,
    ("li-listen-respond", "lee"): 1.15,
    ("x-support", "support-team"): 1.3,
    ("customer-newsletter", "support-team"): 0.8,
}
"""Logged ÷ planned hours per (tactic, operator); 1.0 where not listed."""
NOISE_SHAPE: Final = 16.0


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """One line of the time tracker's detailed report."""

    date: dt.date
    tactic: str
    person: str
    """The person's id in the plan."""
    user: str
    """The name the time tracker shows."""
    hours: float
    description: str


def simulate_timesheets(seed: int, plan: Plan) -> list[TimeEntry]:
    """Every line logged in 2026, by date."""
    rng = stream(seed, "timesheets")
    names = {p.id: p.name for p in plan.people}
    last = (m.END - dt.timedelta(days=1)).date()
    entries = []
    for tactic in plan.tactics:
        weekly = tactic.resources.hours_per_week if tactic.resources else None
        if not weekly or not tactic.operators:
            continue
        share = weekly / len(tactic.operators)
        friday = tactic.start + dt.timedelta(days=(4 - tactic.start.weekday()) % 7)
        while friday <= min(tactic.end, last):
            for person in tactic.operators:
                effort = EFFORT.get((tactic.id, person), 1.0)
                noise = rng.gamma(NOISE_SHAPE, 1.0 / NOISE_SHAPE)
                hours = round(share * effort * noise * 4) / 4
                if hours > 0:
                    entries.append(
                        TimeEntry(
                            friday,
                            tactic.id,
                            person,
                            names.get(person, person),
                            hours,
                            tactic.title[:60],
                        )
                    )
            friday += dt.timedelta(days=7)
    return sorted(entries, key=lambda e: (e.date, e.tactic, e.person))
