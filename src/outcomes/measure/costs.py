"""What each tactic cost in a period: planned resources, replaced by recorded spend.

A tactic's cost has the seeds' three parts, in the plan currency, over a period that ROI
cuts at the last day the business data covers (`Period.through`, `data_through`: the
newest conversion or touchpoint): with data to 30 November, a year's tactic costs its share to 30 November, not its whole
year:

* **people**: `hours_per_week` × the organisation's `hourly_cost` × the weeks of the
  tactic's dates that fall in the period;
* **money**: the plan's `budget`, pro-rated by the share of the tactic's days that fall
  in the period;
* **technology**: its tools' `cost`, pro-rated the same way.

Spend recorded in the warehouse's `costs` table (dated lines per tactic) is what was
really spent, so when a tactic has recorded lines of a part in the period they replace
that part's plan estimate: kind `tool` is technology, `people` is people, the rest
(`budget`, `ads`, `other`) is money. The sums run in the engine; one row per tactic and
part comes back.

A line's `tactic` is a plan tactic's id, or a campaign name as an ad platform exports it
(Meta Ads, LinkedIn Ads): a line whose tactic is no tactic id is attributed to the first
tactic, in plan order, whose `measurement.match.utm_campaign` lists that name (compared
without case or surrounding space), so the spend a campaign report records counts for the
tactic that runs the campaign.

Timesheet lines (`people` lines with `hours`, and the `person` who worked them) also say
how much time went into each tactic: `logged_hours` sums them per tactic and person, and
`planned_vs_spent` sets them against the plan's hours, shared equally among the tactic's
operators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from outcomes.plan import Plan
from outcomes.plan.model import Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Part = Literal["people", "money", "technology"]
OVER_PLAN_MARGIN: Final = 0.1
PART_OF_KIND: Final[Mapping[str, Part]] = {"tool": "technology", "people": "people"}
"""Cost kinds that are not money; every other kind (budget, ads, other) is money."""


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of dates, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Days in the period, both ends counted."""
        return (self.end - self.start).days + 1

    def overlap_days(self, start: dt.date, end: dt.date) -> int:
        """Days of [start, end] inside the period (0 when they do not meet)."""
        first, last = max(start, self.start), min(end, self.end)
        return max(0, (last - first).days + 1)

    def instants(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants: its first midnight and the midnight after its end."""
        start = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)
        return start, dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def through(self, last_day: dt.date | None) -> Period:
        """The period cut at the last day the data covers (its first day at the least).

        Costs pro-rated over the whole period against returns the data has only to
        `last_day` would compare eleven months of return with twelve of cost.
        """
        if last_day is None or last_day >= self.end:
            return self
        return Period(self.start, max(self.start, last_day))

    @classmethod
    def of_plan(cls, plan: Plan) -> Period:
        """From the earliest tactic start to the latest tactic end (goals when no tactic)."""
        spans = [(t.start, t.end) for t in plan.tactics] or [(g.start, g.due) for g in plan.goals]
        if not spans:
            raise ValueError("the plan has no tactic or goal dates to take a period from")
        return cls(min(s for s, _ in spans), max(e for _, e in spans))


def data_through(conversions: ibis.Table, touchpoints: ibis.Table) -> dt.date | None:
    """The last day the business data covers: the newest conversion's or touchpoint's.

    Both count because returns rest on both, and a small company's last sale may be weeks
    before the day its exports end, while its web analytics record every day.
    """
    days = []
    for table in (conversions, touchpoints):
        value = to_arrow(table.ts.max()).as_py()
        if isinstance(value, dt.datetime):
            days.append(value.astimezone(dt.UTC).date())
    return max(days, default=None)


@dataclass(frozen=True, slots=True)
class TacticCost:
    """One tactic's cost in the period, with where each part came from."""

    tactic: str
    hours: float
    people: float
    money: float
    technology: float
    recorded: frozenset[Part]
    """The parts taken from the `costs` table rather than estimated from the plan."""

    @property
    def total(self) -> float:
        """People, money and technology together."""
        return self.people + self.money + self.technology


def attributed(plan: Plan, costs: ibis.Table) -> ibis.Table:
    """`costs` with each campaign-named line's `tactic` replaced by the tactic that claims it.

    Runs in the engine, like the tactic mapping of activities, so a changed plan re-reads
    the spend without reloading it. A line that names a tactic id keeps it.
    """
    import ibis

    ids = [t.id for t in plan.tactics]
    name = costs.tactic.strip().lower()
    rules = []
    for tactic in plan.tactics:
        match = tactic.measurement.match if tactic.measurement else None
        campaigns = [c.strip().casefold() for c in (match.utm_campaign if match else []) if c]
        if campaigns:
            claimed = name.isin(campaigns) & ~costs.tactic.isin(ids)
            rules.append((claimed.fill_null(False), tactic.id))
    if not rules:
        return costs
    return costs.mutate(tactic=ibis.cases(*rules, else_=costs.tactic))


def recorded_spend(costs: ibis.Table, period: Period) -> dict[tuple[str, Part], float]:
    """`{(tactic, part): amount}` of the `costs` table's lines dated in the period."""
    in_period = costs.filter((costs.date >= period.start) & (costs.date <= period.end))
    summed = in_period.group_by(["tactic", "kind"]).aggregate(amount=in_period.amount.sum())
    out: dict[tuple[str, Part], float] = {}
    for row in to_arrow(summed).to_pylist():
        part = PART_OF_KIND.get(str(row["kind"]), "money")
        key = (str(row["tactic"]), part)
        out[key] = out.get(key, 0.0) + float(row["amount"] or 0.0)
    return out


def logged_hours(costs: ibis.Table, period: Period) -> dict[tuple[str, str | None], float]:
    """`{(tactic, person as written): hours}` of the timesheet lines dated in the period."""
    lines = costs.filter(
        (costs.date >= period.start) & (costs.date <= period.end) & costs.hours.notnull()
    )
    summed = lines.group_by(["tactic", "person"]).aggregate(hours=lines.hours.sum())
    return {
        (str(r["tactic"]), r["person"]): float(r["hours"]) for r in to_arrow(summed).to_pylist()
    }


def tactic_costs(
    plan: Plan, period: Period, costs: ibis.Table | None = None
) -> dict[str, TacticCost]:
    """Every plan tactic's cost in `period` (see the module docstring for the rules)."""
    spend = recorded_spend(attributed(plan, costs), period) if costs is not None else {}
    return {t.id: _tactic_cost(plan, t, period, spend) for t in plan.tactics}


def _tactic_cost(
    plan: Plan, tactic: Tactic, period: Period, spend: Mapping[tuple[str, Part], float]
) -> TacticCost:
    inside = period.overlap_days(tactic.start, tactic.end)
    share = inside / ((tactic.end - tactic.start).days + 1) if tactic.end >= tactic.start else 0.0
    resources = tactic.resources
    hours = (resources.hours_per_week or 0.0) * inside / 7 if resources else 0.0
    planned: dict[Part, float] = {
        "people": hours * plan.organisation.hourly_cost,
        "money": (resources.budget or 0.0) * share if resources else 0.0,
        "technology": sum((tool.cost for tool in resources.tools), 0.0) * share
        if resources
        else 0.0,
    }
    recorded = frozenset(part for part in planned if (tactic.id, part) in spend)
    actual = {part: spend.get((tactic.id, part), planned[part]) for part in planned}
    return TacticCost(
        tactic=tactic.id,
        hours=hours,
        people=actual["people"],
        money=actual["money"],
        technology=actual["technology"],
        recorded=recorded,
    )


@dataclass(frozen=True, slots=True)
class PersonHours:
    """One person's time on one tactic so far: their share of the plan's hours, and logged."""

    person: str
    """A plan person's id; the timesheet's name where it is nobody in the plan."""
    planned_hours: float
    logged_hours: float | None


@dataclass(frozen=True, slots=True)
class PlannedVsSpent:
    """One tactic's resources so far: the plan's share to date against recorded spend."""

    tactic: str
    planned_hours: float
    logged_hours: float | None
    """Hours in timesheet lines (`costs.hours`); None when no line logs time."""
    by_person: tuple[PersonHours, ...]
    planned_money: float
    spent_money: float | None
    """Budget, ads and other spend recorded in `costs`; None when nothing is recorded."""
    planned_technology: float
    spent_technology: float | None
    over_plan: bool
    """Recorded money and tools together exceed the plan's share to date by more than
    `OVER_PLAN_MARGIN` (spend is lumpy: a month's bill arrives whole)."""


def planned_vs_spent(plan: Plan, costs: ibis.Table, as_of: dt.date) -> list[PlannedVsSpent]:
    """Per tactic, from its start to `as_of`: planned hours, money and tools vs recorded.

    Hours logged in timesheets stand against the planned hours, per tactic and per
    operator (the plan's hours shared equally among them); without timesheet lines the
    logged hours are None, not zero.
    """
    start = min((t.start for t in plan.tactics), default=as_of)
    period = Period(min(start, as_of), as_of)
    planned = tactic_costs(plan, period)
    costs = attributed(plan, costs)
    spend = recorded_spend(costs, period)
    hours = _by_person_id(plan, logged_hours(costs, period))
    rows = []
    for tactic in plan.tactics:
        plan_cost = planned[tactic.id]
        logged = hours.get(tactic.id, {})
        money = spend.get((tactic.id, "money"))
        technology = spend.get((tactic.id, "technology"))
        recorded = (money or 0.0) + (technology or 0.0)
        rows.append(
            PlannedVsSpent(
                tactic=tactic.id,
                planned_hours=plan_cost.hours,
                logged_hours=sum(logged.values()) if logged else None,
                by_person=_person_hours(tactic, plan_cost.hours, logged),
                planned_money=plan_cost.money,
                spent_money=money,
                planned_technology=plan_cost.technology,
                spent_technology=technology,
                over_plan=recorded
                > (plan_cost.money + plan_cost.technology) * (1 + OVER_PLAN_MARGIN) + 0.005,
            )
        )
    return rows


def _by_person_id(
    plan: Plan, logged: Mapping[tuple[str, str | None], float]
) -> dict[str, dict[str, float]]:
    """Logged hours per tactic and person, names as written resolved to plan ids."""
    ids: dict[str, str] = {}
    for person in plan.people:
        ids[person.id.casefold()] = person.id
        ids[person.name.strip().casefold()] = person.id
    out: dict[str, dict[str, float]] = {}
    for (tactic, written), hours in logged.items():
        name = (written or "(nobody named)").strip()
        who = ids.get(name.lstrip("@").casefold(), name)
        out.setdefault(tactic, {})[who] = out.get(tactic, {}).get(who, 0.0) + hours
    return out


def _person_hours(
    tactic: Tactic, planned: float, logged: Mapping[str, float]
) -> tuple[PersonHours, ...]:
    operators = list(dict.fromkeys(tactic.operators))
    share = planned / len(operators) if operators else 0.0
    rows = [PersonHours(who, share, logged.get(who, 0.0) if logged else None) for who in operators]
    rows += [PersonHours(who, 0.0, h) for who, h in sorted(logged.items()) if who not in operators]
    return tuple(rows)
