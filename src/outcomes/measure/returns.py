"""Return in each goal's own terms: what a tactic gives back for the goals it serves.

ROI used to count only attributed sales, so every support, listening and hiring tactic
showed −100%. Here a tactic's return is made of one **part per family of goal** it serves
(through its strategy), each measured in that goal's terms:

* **sales** (`revenue`, `net_new_customers`, `average_order_value`, …): the revenue the
  attribution model credits to the tactic (`outcomes.measure.roi`), in money. It counts
  as measured when the period has sales and the tactic is a step of at least one journey;
  a tactic no journey ever touched has no measured sales return (not a return of 0).
  Revenue credited to a tactic that serves no sales goal is still money it earned, so
  its sales part is shown whenever the credit is above 0.
* **support** (`support_cost`, `cost_to_serve`, `support_tickets_deflected`): the support
  contacts the tactic saved, i.e. conversions of type `ticket_deflected` it claims, times
  the cost of one contact: the goal's `value_per_unit` when the plan states it, else
  measured from the helpdesk's `metric_snapshots` (`support_cost` over `tickets_created`
  on the same dates, or in the same months when both are monthly, in the period), else
  no money value: the return is then the number of contacts, labelled as such.
* **hiring** (`time_to_hire`, `cost_per_hire`, `applications`, `hires`): conversions of
  type `hire` the tactic claims, times the goal's `value_per_unit` (the value of one
  hire) when stated; else the number of hires.
* **retention** (`retention_rate`, `churn_rate`, `customer_lifetime_value`, or a plan's
  own metric with `returns: retention`): the **retained revenue** attribution credits
  to the tactic, in money. Retained revenue is the value of *repeat* sales: conversions
  of type `deal_won` or `order` of a customer (the journey's person: its customer id
  when it has one) who already had one at an earlier instant, any time in the
  warehouse. They are attributed with the row's model on journeys where only repeat
  sales are conversion events (`purchases="repeat"` in
  `outcomes.measure.attribution.journeys`): a repeat sale is credited with the touches
  since the customer's previous sale, never with those that led to the first, and only
  customers not back yet make non-converting paths. So a retention tactic is credited
  only for customers who came back, never for first purchases. The part counts as
  measured when the period has repeat sales and the tactic is a step of at least one of
  their journeys (or is credited some); a period without repeat sales measures no
  retention return.

**Repeat revenue is counted once.** A repeat sale is a sale too: the sales credit of a
tactic includes it. So in a row that has a measured retention part, the sales part is
the credit of **first** sales only (attributed on journeys where only first sales
convert), and the retention part that of repeat sales: the two are disjoint sets of
conversions, and their sum is the row's whole sales credit under path-by-path models
(last touch, linear, Shapley, …; Markov's credit is not additive over conversions, so
there the sum is close to it, not equal). The other way round, taking the retention
part as a share of the sales credit, would make the retention return depend on which
sales goals the tactic also serves; this way a retention tactic's retained revenue is
the same whatever else it serves, and the sales part of a tactic that serves both is
what it brought in new. Rows without a measured retention part keep the whole sales
credit, and a goal row shows its own family's part only: a sales goal the whole sales
credit of its tactics, a retention goal their retained revenue.

A `ticket_deflected` or `hire` conversion in the period is **claimed** by a tactic whose
`measurement.match.utm_campaign` names the conversion's campaign; one no campaign claims
goes to a tactic of the same channel that serves a goal of that family and names no
campaign (in plan order within each rule, the first wins), and only within the tactic's
own dates. A support contact is saved by an answer, so on a channel a tactic that responds
or listens claims it before one that publishes to the same goal: which of the two is first
in the file does not move the answers' saving to the posts. Support and hiring parts count
as measured when the period has any conversion of their type (the tactic may have claimed
none: that is a measured 0).

**A count has an interval too.** The sales and retention parts carry the bootstrap's
interval over journeys: what another period like this one could have credited. Contacts
saved and hires are counts of events, which vary from period to period just as much: 3
hires are consistent with anything from 0.8 to 7.8 a period (90%). So the money of a
support or hiring part has the exact (Garwood) Poisson interval of its count
(`count_interval`), at the ROI's confidence, times the value of one unit; a count of 0 has
an interval from 0 up (3 events at 90%), never a certainty of nothing. A stated or
measured value of one unit is taken as it is. Without this, the ROI of a support or
hiring tactic had an interval of zero width, and a verdict on it ("losing money" when the
whole interval is below 0, "pays for itself" when above) claimed a certainty no count of
events gives.

A row's **money return** is the sum of its measured parts that have a money value, with
the sums of their intervals' ends as its interval (wider than the interval of the sum of
independent parts would be: never narrower), and its ROI is (money return − cost)
/ cost; a row whose parts are all measured in units has
a *contribution in the goal's unit* and no ROI; a row with no measured part has **no
return measured yet** and no ROI, never −100%. Strategies sum their tactics; a goal row
shows the part of its own family only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from outcomes.catalog.channels import LISTENING_MODES
from outcomes.catalog.money import format_money, is_invalid
from outcomes.plan import Goal, Plan, Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Family = Literal["sales", "support", "hiring", "retention"]
ReturnKind = Literal["money", "units", "none"]
ValueSource = Literal["attributed", "plan", "measured"]

FAMILIES: Final[Mapping[str, Family]] = {
    **dict.fromkeys(
        ("revenue", "net_new_customers", "average_order_value", "order_frequency",
         "pipeline_value", "win_rate", "sales_cycle_days", "gross_margin"),
        "sales",
    ),
    **dict.fromkeys(
        ("support_cost", "cost_to_serve", "support_tickets_deflected", "tickets_deflected"),
        "support",
    ),
    **dict.fromkeys(("time_to_hire", "cost_per_hire", "applications", "hires"), "hiring"),
    **dict.fromkeys(("retention_rate", "churn_rate", "customer_lifetime_value"), "retention"),
}  # fmt: skip
"""The family of return of each goal metric; a metric not here has no return family."""
FAMILY_ORDER: Final[tuple[Family, ...]] = ("sales", "support", "hiring", "retention")
CLAIMED_TYPES: Final[Mapping[Family, str]] = {"support": "ticket_deflected", "hiring": "hire"}
"""The conversion type whose count is the return of a family measured in units."""
UNITS: Final[Mapping[Family, str]] = {"support": "contacts", "hiring": "hires"}
CONTACT_COST_METRICS: Final = ("support_cost",)
CONTACT_COUNT_METRICS: Final = ("tickets_created",)
"""Helpdesk snapshot metrics whose ratio on the same dates is the cost of one contact."""


@dataclass(frozen=True, slots=True)
class Money:
    """A money amount with its interval (the bootstrap's for sales, the count's Poisson
    interval for contacts saved and hires)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ReturnPart:
    """One family's return of a tactic, strategy or goal."""

    family: Family
    goals: tuple[str, ...]
    """The goals of this family the row serves."""
    measured: bool
    """False: nothing in the data measures it yet."""
    units: float | None
    """Contacts saved or hires (support, hiring); none for sales."""
    unit: str
    """`contacts`, `hires`, or the currency for sales."""
    value_per_unit: float | None
    value_source: ValueSource | None
    """Where the money comes from: attribution (sales), the plan's `value_per_unit`, or
    measured from the data; none when the part has no money value."""
    money: Money | None
    first_sales: bool = False
    """A sales part that counts first sales only (the row's retention part has the repeat
    ones); not in the JSON, which says it by the retention part beside it."""

    def to_json(self) -> dict[str, Any]:
        """A plain dict in JSON's own types; `money` as value, low, high."""
        data = dataclasses.asdict(self) | {"goals": list(self.goals)}
        del data["first_sales"]
        return data


@dataclass(frozen=True, slots=True)
class Return:
    """What a row returns, in money where a money value is known, else in goal units."""

    kind: ReturnKind
    """`money`, `units` (a contribution in the goal's unit, no money value) or `none`
    (no return measured yet)."""
    money: Money | None
    parts: tuple[ReturnPart, ...]
    currency: str

    @property
    def label(self) -> str:
        """The return in words, e.g. "€21,825 from 873 support contacts saved × €25 (plan)"."""
        measured = [p for p in self.parts if p.measured]
        if not measured:
            return "no return measured yet"
        return "; ".join(_part_label(p, self.currency) for p in measured)

    @property
    def unit(self) -> str | None:
        """What the return is counted in: the currency, `contacts`, `hires`, or none."""
        if self.kind == "money":
            return self.currency
        if self.kind == "none":
            return None
        return "+".join(sorted({p.unit for p in self.parts if p.measured}))

    @property
    def units(self) -> float | None:
        """A contribution in the goal's unit: the units of the measured parts, when the
        return has no money value and they share one unit."""
        if self.kind != "units" or "+" in (self.unit or ""):
            return None
        return sum(p.units or 0.0 for p in self.parts if p.measured)

    def to_json(self) -> dict[str, Any]:
        """The return's kind, unit, money, label and parts."""
        return {
            "kind": self.kind,
            "unit": self.unit,
            "money": None if self.money is None else dataclasses.asdict(self.money),
            "units": self.units,
            "label": self.label,
            "parts": [p.to_json() for p in self.parts],
        }


def _part_label(part: ReturnPart, currency: str) -> str:
    if part.family in ("sales", "retention"):
        value = 0.0 if part.money is None else part.money.value
        if part.family == "retention":
            return f"{_whole(value, currency)} retained revenue (repeat sales)"
        return f"{_whole(value, currency)} attributed {'first ' if part.first_sales else ''}sales"
    units = part.units or 0.0
    shown = f"{units:,.0f}"
    # "1 support contact saved", not "1 support contacts saved": the count is as shown.
    one = shown == "1"
    what = {
        "support": "support contact saved" if one else "support contacts saved",
        "hiring": "hire" if one else "hires",
    }.get(part.family, part.unit)
    count = f"{shown} {what}"
    if part.money is None or part.value_per_unit is None:
        return f"{count} (no value per unit stated or measured)"
    each = format_money(part.value_per_unit, currency)
    source = "plan" if part.value_source == "plan" else "measured"
    return f"{_whole(part.money.value, currency)} from {count} × {each} ({source})"


def _whole(amount: float, currency: str) -> str:
    """Money in whole units, as the tables round it; an invalid amount says so."""
    return format_money(amount if is_invalid(amount) else float(round(amount)), currency)


@dataclass(frozen=True, slots=True)
class Repeat:
    """A row's sales credit split by purchase, each attributed on the journeys where only
    those purchases convert (see the module docstring)."""

    first: Money
    """Credit for first sales."""
    repeat: Money
    """Credit for repeat sales: the retained revenue."""
    on_paths: bool
    """A tactic of the row is a step of a repeat sale's journey in the period."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """Per family: the units each tactic claimed, whether the data measures the family,
    and the measured value of one unit."""

    units: Mapping[tuple[Family, str], float]
    measured: frozenset[Family]
    unit_value: Mapping[Family, float]


SCOPE_FAMILIES: Final[Mapping[str, Family]] = {
    "hire": "hiring", "ticket_deflected": "support", "deal_won": "sales", "order": "sales",
}  # fmt: skip
"""The family a goal on a plan's own metric takes from the conversion types of its scope."""


def goal_family(goal: Goal, plan: Plan) -> Family | None:
    """The family of return of a goal: its metric's; for a plan's own metric, the
    metric's `returns`, else the one family its scope's conversion types all belong to."""
    if goal.metric in FAMILIES:
        return FAMILIES[goal.metric]
    own = next((m for m in plan.metrics if m.id == goal.metric), None)
    if own is None:
        return None
    if own.returns is not None:
        return own.returns
    types = goal.scope.conversion_types if goal.scope is not None else []
    families = {SCOPE_FAMILIES.get(t) for t in types}
    return families.pop() if len(families) == 1 else None


def tactic_goals(plan: Plan, tactic: Tactic) -> list[Goal]:
    """The goals a tactic serves through its strategy."""
    strategy = next((s for s in plan.strategies if s.id == tactic.serves), None)
    return [g for g in plan.goals if strategy is not None and g.id in strategy.serves]


def claimed_outcomes(
    plan: Plan,
    conversions: ibis.Table,
    snapshots: ibis.Table | None,
    instants: tuple[dt.datetime, dt.datetime],
) -> Claimed:
    """Support contacts and hires each tactic claims in the period, and the measured cost
    of one contact (see the module docstring)."""
    start, end = instants
    wanted = conversions.filter(
        conversions.type.isin(list(CLAIMED_TYPES.values()))
        & (conversions.ts >= start)
        & (conversions.ts < end)
    )
    present = {
        str(r["type"])
        for r in to_arrow(wanted.group_by("type").aggregate(n=wanted.count())).to_pylist()
    }
    measured = frozenset(f for f, kind in CLAIMED_TYPES.items() if kind in present)
    units: dict[tuple[Family, str], float] = {}
    for family in measured:
        typed = wanted.filter(wanted.type == CLAIMED_TYPES[family])
        claimed = typed.mutate(tactic=_claim(plan, family, typed))
        counted = claimed.group_by("tactic").aggregate(n=claimed.count())
        for row in to_arrow(counted).to_pylist():
            if row["tactic"] is not None:
                units[(family, str(row["tactic"]))] = float(row["n"])
    unit_value: dict[Family, float] = {}
    contact_cost = None if snapshots is None else _contact_cost(snapshots, start, end)
    if contact_cost is not None:
        unit_value["support"] = contact_cost
    return Claimed(units=units, measured=measured, unit_value=unit_value)


def _claim(plan: Plan, family: Family, table: ibis.Table) -> Any:
    """The claiming tactic of each conversion: campaign first, then channel."""
    import ibis

    by_campaign, by_channel = [], []
    for tactic in plan.tactics:
        match = tactic.measurement.match if tactic.measurement else None
        first = dt.datetime.combine(tactic.start, dt.time(), tzinfo=dt.UTC)
        after = dt.datetime.combine(tactic.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        dated = (table.ts >= first) & (table.ts < after)
        if match is not None and match.utm_campaign:
            names = [c.strip().casefold() for c in match.utm_campaign]
            by_campaign.append((dated & table.campaign.lower().isin(names), tactic.id))
        elif any(goal_family(g, plan) == family for g in tactic_goals(plan, tactic)):
            by_channel.append((dated & (table.channel == tactic.channel), tactic.id))
    if family == "support":
        # An answer saves the ticket: answering tactics first (a stable sort keeps plan order).
        modes = {t.id: t.mode for t in plan.tactics}
        by_channel.sort(key=lambda rule: modes[rule[1]] not in LISTENING_MODES)
    rules = [*by_campaign, *by_channel]
    if not rules:
        return ibis.null("string")
    return ibis.cases(
        *((condition.fill_null(False), tactic_id) for condition, tactic_id in rules),
        else_=ibis.null("string"),
    )


def _contact_cost(snapshots: ibis.Table, start: dt.datetime, end: dt.datetime) -> float | None:
    """Support cost over contacts on the dates that report both; none without both.

    Two monthly series are paired by month, not by date: finance dates a month's cost by
    its last day, a help desk its tickets often by the first, and both stand for the
    whole month (as pacing reads them). Any finer series pairs on its own dates."""
    rows = snapshots.filter(
        snapshots.metric.isin([*CONTACT_COST_METRICS, *CONTACT_COUNT_METRICS])
        & (snapshots.date >= start.date())
        & (snapshots.date < end.date())
    )
    per_day = rows.group_by(["date", "metric"]).aggregate(value=rows.value.sum())
    figures = [
        (row["date"], row["metric"] in CONTACT_COST_METRICS, float(row["value"]))
        for row in to_arrow(per_day).to_pylist()
        if row["value"] is not None
    ]
    monthly = _one_a_month(figures)
    cost: dict[dt.date, float] = {}
    contacts: dict[dt.date, float] = {}
    for day, is_cost, value in figures:
        period = day.replace(day=1) if monthly else day
        into = cost if is_cost else contacts
        into[period] = into.get(period, 0.0) + value
    both = cost.keys() & contacts.keys()
    total_cost = sum(cost[period] for period in both)
    total_contacts = sum(contacts[period] for period in both)
    if not both or total_contacts <= 0 or total_cost < 0:
        return None
    return total_cost / total_contacts


def _one_a_month(figures: Sequence[tuple[dt.date, bool, float]]) -> bool:
    """Whether both the cost and the contacts are at most one figure a month."""
    seen: set[tuple[bool, dt.date]] = set()
    for day, is_cost, _ in figures:
        month = (is_cost, day.replace(day=1))
        if month in seen:
            return False
        seen.add(month)
    return True


def row_return(
    plan: Plan,
    tactics: Sequence[str],
    families: Iterable[Family] | None,
    revenue: Money,
    sales_measured: Mapping[str, bool],
    claimed: Claimed,
    repeat: Repeat | None = None,
    *,
    confidence: float,
) -> Return:
    """The return of a row summing `tactics`, limited to `families` (a goal's own) or of
    every family its tactics serve (tactics and strategies, `families` None); a count's
    money has its Poisson interval at `confidence` (the bootstrap's level).

    `revenue` is the row's attributed sales revenue with its interval; `sales_measured`
    says per tactic whether attribution could measure its sales return; `repeat` is the
    row's credit split into first and repeat sales (none when the plan has no retention
    goal).
    """
    by_id = {t.id: t for t in plan.tactics}
    served: dict[Family, list[str]] = {}
    for tactic_id in tactics:
        for goal in tactic_goals(plan, by_id[tactic_id]):
            family = goal_family(goal, plan)
            if family is not None and goal.id not in served.setdefault(family, []):
                served[family].append(goal.id)
    allowed = set(FAMILY_ORDER if families is None else families)
    currency = plan.organisation.currency
    retention = None
    if "retention" in served and "retention" in allowed:
        retention = _retention_part(tuple(served["retention"]), repeat, currency)
    split = retention is not None and retention.measured and repeat is not None
    if split and repeat is not None:
        revenue = repeat.first  # the repeat sales are the retention part's: counted once
    if families is None and revenue.value > 0:
        served.setdefault("sales", [])
    parts = []
    for family in FAMILY_ORDER:
        if family not in served or family not in allowed:
            continue
        goals = tuple(served[family])
        if family == "sales":
            measured = any(sales_measured.get(t, False) for t in tactics)
            part = _sales_part(goals, measured, revenue, currency)
            parts.append(dataclasses.replace(part, first_sales=split))
        elif family == "retention" and retention is not None:
            parts.append(retention)
        else:
            parts.append(_unit_part(plan, family, goals, tactics, claimed, confidence))
    return _combine(tuple(parts), plan.organisation.currency)


def _sales_part(
    goals: tuple[str, ...], measured: bool, revenue: Money, currency: str
) -> ReturnPart:
    measured = measured or revenue.value > 0
    return ReturnPart(
        family="sales",
        goals=goals,
        measured=measured,
        units=None,
        unit=currency,
        value_per_unit=None,
        value_source="attributed" if measured else None,
        money=revenue if measured else None,
    )


def _retention_part(goals: tuple[str, ...], repeat: Repeat | None, currency: str) -> ReturnPart:
    measured = repeat is not None and (repeat.on_paths or repeat.repeat.value > 0)
    return ReturnPart(
        family="retention",
        goals=goals,
        measured=measured,
        units=None,
        unit=currency,
        value_per_unit=None,
        value_source="attributed" if measured else None,
        money=repeat.repeat if measured and repeat is not None else None,
    )


def _unit_part(
    plan: Plan,
    family: Family,
    goals: tuple[str, ...],
    tactics: Sequence[str],
    claimed: Claimed,
    confidence: float,
) -> ReturnPart:
    measured = family in claimed.measured
    units = sum(claimed.units.get((family, t), 0.0) for t in tactics) if measured else None
    stated = [g.value_per_unit for g in plan.goals if g.id in goals and g.value_per_unit]
    each: float | None
    source: ValueSource | None
    if stated:
        each, source = float(stated[0]), "plan"
    elif family in claimed.unit_value:
        each, source = claimed.unit_value[family], "measured"
    else:
        each, source = None, None
    money = None
    if measured and units is not None and each is not None:
        low, high = count_interval(units, confidence)
        money = Money(units * each, low * each, high * each)
    return ReturnPart(
        family=family,
        goals=goals,
        measured=measured,
        units=units,
        unit=UNITS.get(family, "units"),
        value_per_unit=each,
        value_source=source if money is not None else None,
        money=money,
    )


def count_interval(count: float, confidence: float) -> tuple[float, float]:
    """The exact (Garwood) two-sided Poisson interval of the mean of a count of events at
    `confidence`: the means under which a count this low, or this high, is at most as
    likely as the interval's tails. A count of 0 has a lower end of 0 and an upper end
    of −ln(tail) (about 3 at 90%)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    if not count >= 0:  # NaN included: no count, no interval
        raise ValueError(f"a count of events is 0 or more, not {count}")
    tail = (1 - confidence) / 2
    if count == 0:
        return 0.0, -math.log(tail)
    # The chi-squared quantiles of Garwood's interval, written with the inverse of the
    # regularised lower incomplete gamma function: chi2.ppf(q, 2k) / 2 = gammaincinv(k, q).
    from scipy.special import gammaincinv  # type: ignore[import-untyped, unused-ignore]

    return float(gammaincinv(count, tail)), float(gammaincinv(count + 1, 1 - tail))


def _combine(parts: tuple[ReturnPart, ...], currency: str) -> Return:
    valued = [p.money for p in parts if p.measured and p.money is not None]
    if valued:
        total = Money(
            sum(m.value for m in valued), sum(m.low for m in valued), sum(m.high for m in valued)
        )
        return Return(kind="money", money=total, parts=parts, currency=currency)
    if any(p.measured for p in parts):
        return Return(kind="units", money=None, parts=parts, currency=currency)
    return Return(kind="none", money=None, parts=parts, currency=currency)


def touched_steps(steps: Sequence[str], touches: Any) -> frozenset[str]:
    """The steps that appear on at least one journey (`touches` are indices into steps)."""
    return frozenset(steps[int(i)] for i in set(touches.tolist()))
