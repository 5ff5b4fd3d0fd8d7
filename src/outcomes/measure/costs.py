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

**Currencies are never mixed.** A line's `currency` (an ad report's, stated by the
export) that is set and differs from the plan's (`organisation.currency`) is left out of
every sum here: tactic costs, and spent against planned. It is not converted (outcomes has
no exchange rates, and a rate of the wrong day would be a wrong number that looks right).
A part whose lines in the period are all in another currency keeps the plan's estimate,
as if nothing were recorded; a part with some lines in the plan's currency sums those
only. The spend left out is reported (`ForeignSpend`, per tactic or unclaimed campaign,
part and currency), so that ROI and the briefing say which numbers it would change; the
scorecard's spent against planned (`resources_to_date`) reports its own, as it runs to the
scorecard's day, which can be after the last day of the ROI period.
A line without `currency` (hand-entered costs, timesheets, older loads) is taken as the
plan's.

**Spend no tactic claims is said, not dropped.** A line in the plan's currency whose
`tactic` is no plan tactic and no tactic's campaign (an ad campaign nobody planned, a
timesheet project of no tactic) counts in no tactic's cost; it is listed
(`UnclaimedSpend`, per name and part), so that the money spent on random acts of social is
shown beside the costs that look complete without it.

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

from outcomes.catalog.money import INVALID, is_invalid
from outcomes.plan import Plan
from outcomes.plan.model import Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Part = Literal["people", "money", "technology"]
LeftOutOf = Literal["cost", "spent"]
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
    """The parts taken from the `costs` table rather than estimated from the plan (lines in
    another currency than the plan's do not count: `ForeignSpend`)."""

    @property
    def total(self) -> float:
        """People, money and technology together."""
        return self.people + self.money + self.technology


@dataclass(frozen=True, slots=True)
class ForeignSpend:
    """Spend recorded in another currency than the plan's, left out of every sum.

    One per tactic (or campaign name no tactic claims), part and currency, over a period.
    """

    tactic: str
    """A plan tactic's id; the campaign name as exported when no tactic claims it."""
    claimed: bool
    """`tactic` is a plan tactic: the spend would have counted in its cost."""
    part: Part
    currency: str
    """The lines' currency, as stored (upper case)."""
    plan_currency: str
    amount: float
    """The lines' amounts summed, in `currency` (they are all in it)."""
    lines: int
    estimated: bool
    """The tactic's cost of `part` is the plan's estimate: no line of it in the period is
    in the plan's currency."""
    left_out_of: LeftOutOf = "cost"
    """What the spend is missing from: `cost`, a tactic's cost in a period (ROI); `spent`,
    its spend to date against the plan (the scorecard's resources)."""

    @property
    def written(self) -> str:
        """The amount with its code after it ("311.00 USD"): a symbol such as `$` is used
        by several currencies, and here the currency is the point."""
        if is_invalid(self.amount):
            return f"{INVALID} {self.currency}"
        return f"{self.amount:,.2f} {self.currency}"

    @property
    def message(self) -> str:
        """One sentence for the terminal and the briefing: what was left out and what to do."""
        spent = f"{self.written} of {self.part} spend"
        lines = f"{self.lines:,} line{'s' if self.lines != 1 else ''}"
        whose = self.tactic if self.claimed else f"campaign '{self.tactic}' (no tactic claims it)"
        return (
            f"{whose}: {spent} ({lines}) is in {self.currency}, not the plan's "
            f"{self.plan_currency}, so it is left out: {self._effect}. Export the ad "
            f"account's report in {self.plan_currency}, or convert the amounts before "
            "loading; outcomes does not convert currencies."
        )

    @property
    def _effect(self) -> str:
        """What leaving it out does to the number it was left out of."""
        if not self.claimed:
            return "it is counted nowhere"
        if self.left_out_of == "spent":
            return (
                f"its {self.part} spent to date against the plan shows none recorded"
                if self.estimated
                else f"its {self.part} spent to date counts only its lines in {self.plan_currency}"
            )
        return (
            f"its {self.part} cost is the plan's estimate, as if nothing were recorded"
            if self.estimated
            else f"its {self.part} cost counts only its lines in {self.plan_currency}"
        )

    def to_json(self) -> dict[str, object]:
        """Its fields and its sentence."""
        return {
            "tactic": self.tactic,
            "claimed": self.claimed,
            "part": self.part,
            "currency": self.currency,
            "plan_currency": self.plan_currency,
            "amount": self.amount,
            "lines": self.lines,
            "estimated": self.estimated,
            "left_out_of": self.left_out_of,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class UnclaimedSpend:
    """Spend in the plan's currency that no tactic claims, so no tactic's cost counts it."""

    tactic: str
    """The line's tactic as recorded: a campaign name as exported, a timesheet project."""
    part: Part
    currency: str
    amount: float
    lines: int

    @property
    def message(self) -> str:
        """One sentence for the terminal and the briefing: what no cost counts, what to do."""
        amount = (
            f"{INVALID} {self.currency}"
            if is_invalid(self.amount)
            else f"{self.amount:,.2f} {self.currency}"
        )
        lines = f"{self.lines:,} line{'s' if self.lines != 1 else ''}"
        return (
            f"'{self.tactic}': {amount} of {self.part} spend ({lines}) is claimed by no "
            "tactic, so no tactic's cost counts it. If a tactic runs it, name it in that "
            "tactic's `measurement.match.utm_campaign`; if none does, it is a random act of "
            "social."
        )

    def to_json(self) -> dict[str, object]:
        """Its fields and its sentence."""
        return {
            "tactic": self.tactic,
            "part": self.part,
            "currency": self.currency,
            "amount": self.amount,
            "lines": self.lines,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class RecordedSpend:
    """The `costs` lines of a period summed per tactic and part, in the plan's currency,
    and the lines in another currency, left out of those sums."""

    amounts: Mapping[tuple[str, Part], float]
    """`{(tactic, part): amount}` of the lines in the plan's currency (or stating none)."""
    foreign: tuple[ForeignSpend, ...] = ()
    unclaimed: tuple[UnclaimedSpend, ...] = ()
    """The lines in the plan's currency of no plan tactic, summed per name and part."""


@dataclass(frozen=True, slots=True)
class Costs:
    """Every plan tactic's cost in a period, and the spend left out of it."""

    tactics: Mapping[str, TacticCost]
    foreign: tuple[ForeignSpend, ...] = ()
    unclaimed: tuple[UnclaimedSpend, ...] = ()


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


def recorded_spend(
    plan: Plan, costs: ibis.Table, period: Period, left_out_of: LeftOutOf = "cost"
) -> RecordedSpend:
    """The attributed `costs` lines dated in the period, summed per tactic and part; those
    in another currency than the plan's summed apart (see the module docstring), as left
    out of `left_out_of`.

    One query: the engine groups by tactic, kind and the line's currency when it is not
    the plan's (null otherwise), so nothing of another currency is ever added to a sum.
    """
    import ibis

    currency = plan.organisation.currency.strip().upper()
    in_period = costs.filter((costs.date >= period.start) & (costs.date <= period.end))
    if "currency" in in_period.columns:
        stated = in_period.currency.strip().upper().nullif("")
        other = ibis.cases((stated != currency, stated), else_=ibis.null("string"))
    else:
        other = ibis.null("string")
    marked = in_period.mutate(other=other)
    summed = marked.group_by(["tactic", "kind", "other"]).aggregate(
        amount=marked.amount.sum(), lines=marked.count()
    )
    amounts: dict[tuple[str, Part], float] = {}
    lines_of: dict[tuple[str, Part], int] = {}
    apart: dict[tuple[str, Part, str], tuple[float, int]] = {}
    for row in to_arrow(summed).to_pylist():
        part = PART_OF_KIND.get(str(row["kind"]), "money")
        amount = float(row["amount"] or 0.0)
        if row["other"] is None:
            key = (str(row["tactic"]), part)
            amounts[key] = amounts.get(key, 0.0) + amount
            lines_of[key] = lines_of.get(key, 0) + int(row["lines"])
        else:
            kept = (str(row["tactic"]), part, str(row["other"]))
            total, lines = apart.get(kept, (0.0, 0))
            apart[kept] = (total + amount, lines + int(row["lines"]))
    ids = {t.id for t in plan.tactics}
    foreign = tuple(
        ForeignSpend(
            tactic=tactic,
            claimed=tactic in ids,
            part=part,
            currency=other_currency,
            plan_currency=currency,
            amount=total,
            lines=lines,
            estimated=tactic in ids and (tactic, part) not in amounts,
            left_out_of=left_out_of,
        )
        for (tactic, part, other_currency), (total, lines) in sorted(apart.items())
    )
    unclaimed = tuple(
        UnclaimedSpend(tactic, part, currency, amount, lines_of[(tactic, part)])
        for (tactic, part), amount in sorted(amounts.items())
        if tactic not in ids
    )
    return RecordedSpend(amounts, foreign, unclaimed)


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
    return dict(measured_costs(plan, period, costs).tactics)


def measured_costs(plan: Plan, period: Period, costs: ibis.Table | None = None) -> Costs:
    """`tactic_costs`, with the spend in another currency that was left out of them."""
    spend = (
        recorded_spend(plan, attributed(plan, costs), period)
        if costs is not None
        else RecordedSpend({})
    )
    tactics = {t.id: _tactic_cost(plan, t, period, spend.amounts) for t in plan.tactics}
    return Costs(tactics, spend.foreign, spend.unclaimed)


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
    """Budget, ads and other spend recorded in `costs` in the plan's currency; None when
    nothing is (lines in another currency are left out: `ForeignSpend`)."""
    planned_technology: float
    spent_technology: float | None
    over_plan: bool
    """Recorded money and tools together exceed the plan's share to date by more than
    `OVER_PLAN_MARGIN` (spend is lumpy: a month's bill arrives whole)."""


@dataclass(frozen=True, slots=True)
class ResourcesToDate:
    """Every tactic's resources so far, and the spend in another currency left out of them."""

    rows: tuple[PlannedVsSpent, ...]
    foreign: tuple[ForeignSpend, ...]
    """Lines dated from the first tactic's start to the day, `left_out_of` "spent". ROI's
    `foreign_spend` covers its own period, which ends at the last day of business data:
    spend dated after it is left out here all the same, and only this names it."""


def planned_vs_spent(plan: Plan, costs: ibis.Table, as_of: dt.date) -> list[PlannedVsSpent]:
    """Per tactic, from its start to `as_of`: planned hours, money and tools vs recorded
    (`resources_to_date` without the spend left out)."""
    return list(resources_to_date(plan, costs, as_of).rows)


def resources_to_date(plan: Plan, costs: ibis.Table, as_of: dt.date) -> ResourcesToDate:
    """Per tactic, from its start to `as_of`: planned hours, money and tools vs recorded,
    and the spend recorded in another currency, which no row counts.

    Hours logged in timesheets stand against the planned hours, per tactic and per
    operator (the plan's hours shared equally among them); without timesheet lines the
    logged hours are None, not zero.
    """
    start = min((t.start for t in plan.tactics), default=as_of)
    period = Period(min(start, as_of), as_of)
    planned = tactic_costs(plan, period)
    costs = attributed(plan, costs)
    recorded = recorded_spend(plan, costs, period, left_out_of="spent")
    spend = recorded.amounts
    hours = _by_person_id(plan, logged_hours(costs, period))
    rows = []
    for tactic in plan.tactics:
        plan_cost = planned[tactic.id]
        logged = hours.get(tactic.id, {})
        money = spend.get((tactic.id, "money"))
        technology = spend.get((tactic.id, "technology"))
        spent = (money or 0.0) + (technology or 0.0)
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
                over_plan=spent
                > (plan_cost.money + plan_cost.technology) * (1 + OVER_PLAN_MARGIN) + 0.005,
            )
        )
    return ResourcesToDate(tuple(rows), recorded.foreign)


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
