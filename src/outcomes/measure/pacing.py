"""Goal pacing: is each business goal on track, measured from the warehouse?

For every goal of the plan, at a date `as_of` (by default the last day the warehouse has
business data for, capped at the goal's due date):

**Actual to date**, over [goal start, as_of], in this order of trust:

1. `metric_snapshots` rows of the goal's metric (a finance or helpdesk export saying
   exactly what the number is): summed for a *flow* metric, the latest value for a
   *level* metric;
2. otherwise computed from `conversions`: `net_new_customers` = distinct customers with
   a `new_customer` conversion (in a scope, those whose first won deal is in it:
   `outcomes.measure.scope`); `revenue` = value of won deals and orders;
   `average_order_value` = mean value of won deals (of orders when there are no won
   deals: a CRM's contract value is what a B2B plan means by order); `win_rate` = won ÷
   (won + lost) deals; `leads`, `qualified_leads`, `demo_requests`, `meetings`,
   `opportunities` = counts of those conversion types; `pipeline_value` = value of
   `opportunity` rows (each deal's creation, closed deals included).

A metric with neither has no data: status `no_data`.

**Scope.** A goal with a `scope` counts only the conversions in it (see
`outcomes.measure.scope`): its actual and forecast come from those, its freshness from
every conversion (a scope with no new record while the export kept arriving is news, not
stale data). Snapshots carry no CRM fields, so a scope naming conversion types,
pipelines, segments or products measures from conversions only; one naming only sources
and channels cuts snapshots too.
A scope that matches no conversion at all says so in `scope_note` (status `no_data`),
with the values the warehouse has, rather than showing 0.

**Flow or level.** Flow metrics accumulate over the goal's period (counts, and money
sums: revenue, support cost, cost to serve, pipeline value); everything else (averages,
rates, scores, durations) is a level.

**Expected** at `as_of`, on the line the plan draws: for a flow, the target pro-rated to
the share of the period elapsed (baseline and target are per period, so half-way
through the year half of the target should be in); for a level, the baseline moved that
share of the way to the target.

**Forecast** at the due date: a flow's run rate carried to the end (actual ÷ elapsed
share), with a 90% interval from the Poisson spread of the number of events behind it;
a level's current value, with the interval of its mean (±1.645 standard errors) when it
is an average of events. Snapshot-based numbers carry no interval.

**Status**, computed, never typed, in the vocabulary of `outcomes.catalog.statuses`:

* `achieved`: the actual reaches the target: at any time for a flow to increase (it cannot
  fall back), at the due date otherwise;
* `missed`: the due date is reached and the actual is short of the target. Once the period
  is over nothing is forecast: the result is final, never "on track";

before the due date, on the forecast **and its interval** (a verdict claims no more than
the interval does):

* `on_track`: the forecast, the worse end of its interval included, is past the goal's
  `threshold`, or, without one, past the midpoint between baseline and target;
* `off_track`: the forecast, the better end of its interval included, is at or worse than
  the baseline;
* `at_risk`: anything between: a forecast short of that line but better than the
  baseline, or an interval that reaches across the line or the baseline (the forecast
  past the line with an interval that runs short of it is not plainly on track);

and, whatever the date:

* `stale`: the data behind the metric (its snapshots, or any conversion at all) has
  nothing in the `stale_days` (default 35) before `as_of`: the number may be right but
  nobody can tell, as when an export stopped arriving;
* `no_data`: nothing to measure it with.

Each goal carries its `reason`: the status in one sentence, with the numbers it rests on
("the forecast 50.41 is past the threshold 50, but its 90% interval, 33.83 to 67.00,
straddles it"), which every route shows with the status.

"Past", "better" and "reaches" follow the goal's direction (`increase`/`at_least`:
higher is better; `decrease`/`at_most`: lower is).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from outcomes.measure.currency import foreign_values, in_plan_currency
from outcomes.measure.scope import (
    Scope,
    describe,
    goal_scope,
    in_scope,
    scope_values,
    with_deal_fields,
)
from outcomes.measure.words import metric_interval, metric_value
from outcomes.plan import Plan
from outcomes.plan.model import Goal
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Status = Literal["achieved", "on_track", "at_risk", "off_track", "missed", "stale", "no_data"]
CONFIDENCE: Final = 0.9
"""The coverage of every goal's forecast interval; `Z90` is its normal quantile."""
Z90: Final = 1.645
STALE_DAYS: Final = 35
FLOW_METRICS: Final = frozenset(
    {"net_new_customers", "revenue", "support_cost", "cost_to_serve", "pipeline_value",
     "leads", "qualified_leads", "demo_requests", "meetings", "opportunities",
     "applications", "ideas_submitted"}
)  # fmt: skip
COUNTED_TYPES: Final = {
    "leads": ("lead",),
    "qualified_leads": ("qualified_lead",),
    "demo_requests": ("demo_request",),
    "meetings": ("meeting",),
    "opportunities": ("opportunity",),
}


@dataclass(frozen=True, slots=True)
class Measured:
    """A metric's value over a window, with what it rests on."""

    value: float
    events: int
    """Rows behind the value (conversions or snapshots)."""
    spread: float | None
    """Standard deviation of the events' values, for averages and for flows reported as
    snapshots (per-period amounts); None otherwise."""
    last_date: dt.date | None
    source: Literal["snapshots", "conversions"]


@dataclass(frozen=True, slots=True)
class GoalPace:
    """One goal at `as_of`: actual, expected, forecast with interval, and status."""

    goal: str
    metric: str
    direction: str
    kind: Literal["flow", "level"]
    as_of: dt.date
    elapsed: float
    """Share of the goal's period that has passed at `as_of` (0 to 1)."""
    baseline: float
    threshold: float | None
    target: float
    actual: float | None
    expected: float
    forecast: float | None
    forecast_low: float | None
    forecast_high: float | None
    status: Status
    source: str | None
    last_data: dt.date | None
    scope: str | None = None
    """The goal's scope in words (`pipeline employers`), None without one."""
    scope_note: str | None = None
    """Why a scoped goal has no number: its scope matches no conversion."""
    left_out: str | None = None
    """The money the actual leaves out, being in another currency than the plan's
    (`1 deal_won in USD (9,500)`), None when nothing is."""
    reason: str = ""
    """The status in one sentence, with the numbers it rests on (module docstring)."""


def pace_goals(
    plan: Plan,
    conversions: ibis.Table,
    snapshots: ibis.Table,
    *,
    as_of: dt.date | None = None,
    stale_days: int = STALE_DAYS,
) -> list[GoalPace]:
    """Every goal of the plan paced at `as_of` (see the module docstring).

    Amounts in another currency than the plan's are not added (`outcomes.measure.currency`);
    a goal whose actual leaves some out names them in `left_out`.
    """
    latest = as_of or latest_business_date(conversions, snapshots)
    own = {m.id: m.unit for m in plan.metrics}
    currency = plan.organisation.currency
    paced = []
    for goal in plan.goals:
        day = min(latest, goal.due) if latest else goal.start
        counted_unit = _counted_unit(goal, own)
        pace = _pace(
            goal,
            in_plan_currency(conversions, currency),
            snapshots,
            day,
            stale_days,
            counted_unit=counted_unit,
            plan=plan,
        )
        if pace.source == "conversions":
            left_out = _left_out(goal, conversions, currency, day, counted_unit)
            pace = dataclasses.replace(pace, left_out=left_out)
        paced.append(pace)
    return paced


# The conversion types whose values make a money metric measured from conversions.
_MONEY_TYPES: Final = {
    "revenue": ("deal_won", "order"),
    "average_order_value": ("deal_won", "order"),
    "pipeline_value": ("opportunity",),
}


def _left_out(
    goal: Goal, conversions: ibis.Table, currency: str, as_of: dt.date, counted: str | None
) -> str | None:
    """The amounts in another currency the goal's actual leaves out, in words, or None.

    `conversions` are as stored, so that the amounts can be named."""
    types = _MONEY_TYPES.get(goal.metric)
    if types is None and counted == "currency" and goal.scope is not None:
        types = tuple(goal.scope.conversion_types or ())
    if not types:
        return None
    begin = dt.datetime.combine(goal.start, dt.time(), tzinfo=dt.UTC)
    stop = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    scoped = in_scope(conversions, goal_scope(goal))
    window = scoped.filter(
        (scoped.ts >= begin) & (scoped.ts < stop) & scoped.type.isin(list(types))
    )
    foreign = foreign_values(window, currency)
    if not foreign:
        return None
    listed = ", ".join(f.words() for f in foreign)
    return f"leaves out {listed}: amounts in another currency than {currency} are not added"


def _counted_unit(goal: Goal, own: Mapping[str, str]) -> str | None:
    """The unit of a plan's own metric whose goal scope names conversion types, which
    the goal counts (or sums, in money) when no snapshot of the metric is recorded."""
    if goal.metric in own and goal.scope is not None and goal.scope.conversion_types:
        return own[goal.metric]
    return None


def latest_business_date(conversions: ibis.Table, snapshots: ibis.Table) -> dt.date | None:
    """The last day the warehouse has conversions or business snapshots for."""
    dates = []
    for value in (
        to_arrow(conversions.ts.max()).as_py(),
        to_arrow(snapshots.date.max()).as_py(),
    ):
        if isinstance(value, dt.datetime):
            dates.append(value.date())
        elif isinstance(value, dt.date):
            dates.append(value)
    return max(dates) if dates else None


def _pace(
    goal: Goal,
    conversions: ibis.Table,
    snapshots: ibis.Table,
    as_of: dt.date,
    stale_days: int,
    *,
    counted_unit: str | None = None,
    plan: Plan,
) -> GoalPace:
    counted = counted_unit is not None
    kind: Literal["flow", "level"] = "flow" if goal.metric in FLOW_METRICS or counted else "level"
    span = (goal.due - goal.start).days + 1
    elapsed = min(1.0, max(0.0, ((as_of - goal.start).days + 1) / span))
    scope = goal_scope(goal)
    # A new customer is in the pipeline of the deal that made them one (scope module).
    scoped = conversions if scope is None else in_scope(with_deal_fields(conversions), scope)
    scoped_snapshots = _snapshots_in(snapshots, scope)
    measured = measure_metric(goal.metric, kind, scoped, scoped_snapshots, goal.start, as_of)
    if measured is None and counted:
        measured = _scoped_total(scoped, goal.start, as_of, money=counted_unit == "currency")
    if measured is not None and scope is not None and measured.source == "conversions":
        # Fresh is the export's, not the scope's: patients who stopped booking while
        # employer deals kept arriving are news, not a stale CRM export.
        last = _last_conversion(conversions, goal.start, as_of)
        measured = dataclasses.replace(measured, last_date=last or measured.last_date)
    progress = goal.target - (0.0 if kind == "flow" else goal.baseline)
    expected = (0.0 if kind == "flow" else goal.baseline) + progress * elapsed
    forecast = low = high = note = None
    status: Status = "no_data"
    reason = f"nothing measures {goal.metric} yet"
    if measured is None and scope is not None:
        note = _scope_note(goal, conversions, scoped, scope, as_of)
        reason = note or reason
    if measured is not None:
        forecast, low, high = _forecast(measured, kind, elapsed)
        judged = Judged(goal, kind, elapsed, measured.value, forecast, low, high)
        status, reason = judged.verdict(plan)
        stale_from = as_of - dt.timedelta(days=stale_days)
        if measured.last_date is None or measured.last_date < stale_from:
            status = "stale"
            since = measured.last_date.isoformat() if measured.last_date else "its start"
            reason = f"no data since {since}: nothing in the {stale_days} days before {as_of}"
    return GoalPace(
        goal=goal.id,
        metric=goal.metric,
        direction=goal.direction,
        kind=kind,
        as_of=as_of,
        elapsed=elapsed,
        baseline=goal.baseline,
        threshold=goal.threshold,
        target=goal.target,
        actual=None if measured is None else measured.value,
        expected=expected,
        forecast=forecast,
        forecast_low=low,
        forecast_high=high,
        status=status,
        source=None if measured is None else measured.source,
        last_data=None if measured is None else measured.last_date,
        scope=None if scope is None else describe(scope),
        scope_note=note,
        reason=reason,
    )


def _last_conversion(conversions: ibis.Table, start: dt.date, end: dt.date) -> dt.date | None:
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    window = conversions.filter((conversions.ts >= begin) & (conversions.ts < stop))
    last = to_arrow(window.ts.max()).as_py()
    return last.date() if isinstance(last, dt.datetime) else None


def _snapshots_in(snapshots: ibis.Table, scope: Scope | None) -> ibis.Table:
    """The snapshots a scope can speak for: all without one, those of its sources and
    channels when it names nothing else, none when it names CRM fields they lack."""
    import ibis

    if scope is None:
        return snapshots
    if any(column not in ("source", "channel") for each in scope for column, _ in each):
        return snapshots.filter(ibis.literal(False))
    return in_scope(snapshots, scope)


def _scope_note(
    goal: Goal, conversions: ibis.Table, scoped: ibis.Table, scope: Scope, as_of: dt.date
) -> str | None:
    """Why a scoped goal has no number, when its scope is the reason: it matches no
    conversion at all, or none of those that measure its metric (contacts carry no
    pipeline, so a customer count scoped to one finds none). Says what the warehouse has."""
    if not to_arrow(conversions.count()).as_py():
        return None  # an empty warehouse is no news about the scope
    has = "; ".join(
        f"{column}: {', '.join(values) if values else 'never filled'}"
        for column, values in scope_values(conversions, scope).items()
    )
    if not to_arrow(scoped.count()).as_py():
        return f"its scope ({describe(scope)}) matches no conversion; the warehouse has {has}"
    if _from_conversions(goal.metric, conversions, goal.start, as_of) is None:
        return None  # the metric has no data in scope or out: not the scope's doing
    return (
        f"its scope ({describe(scope)}) matches none of the conversions that measure "
        f"{goal.metric}; the warehouse has {has}"
    )


def _forecast(
    measured: Measured, kind: str, elapsed: float
) -> tuple[float, float | None, float | None]:
    if kind == "flow":
        if elapsed <= 0:
            return measured.value, None, None
        forecast = measured.value / elapsed
        if measured.source == "snapshots":
            return forecast, *_snapshot_interval(measured, elapsed, forecast)
        if measured.events == 0:
            return forecast, None, None
        # The number of events is Poisson: its relative spread carries to the run rate.
        relative = Z90 / math.sqrt(measured.events)
        return forecast, forecast * (1 - relative), forecast * (1 + relative)
    if measured.spread is None or measured.events < 2:
        return measured.value, None, None
    half = Z90 * measured.spread / math.sqrt(measured.events)
    return measured.value, measured.value - half, measured.value + half


def _snapshot_interval(
    measured: Measured, elapsed: float, forecast: float
) -> tuple[float | None, float | None]:
    """The run rate's interval when a flow is reported as periodic snapshots.

    The remaining r = n(1 − elapsed)/elapsed periods are each one more draw with the
    observed spread s; their sum varies by s√r, and the mean they are projected with is
    itself uncertain by s/√n, which r periods multiply: half-width z·s·√(r + r²/n).
    Nothing remains once the period is over, and two snapshots are needed for a spread.
    """
    if measured.spread is None or elapsed >= 1.0:
        return None, None
    remaining = measured.events * (1 - elapsed) / elapsed
    half = Z90 * measured.spread * math.sqrt(remaining + remaining**2 / measured.events)
    return forecast - half, forecast + half


def _better(goal: Goal, a: float, b: float) -> bool:
    """True when `a` is strictly better than `b` in the goal's direction."""
    return a > b if goal.direction in ("increase", "at_least") else a < b


@dataclass(frozen=True, slots=True)
class Judged:
    """A measured goal at `as_of`, to be given its status and the reason for it."""

    goal: Goal
    kind: str
    elapsed: float
    actual: float
    forecast: float
    low: float | None
    high: float | None

    def verdict(self, plan: Plan) -> tuple[Status, str]:
        """The status (module docstring) and its reason, numbers in the metric's unit."""

        def value(amount: float) -> str:
            return metric_value(plan, self.goal.metric, amount)

        final = self._final(value)
        if final is not None:
            return final
        interval = metric_interval(plan, self.goal.metric, self.low, self.high)
        return self._on_forecast(value, interval)

    def _final(self, value: Callable[[float], str]) -> tuple[Status, str] | None:
        """`achieved` or, at the due date, `missed`; None while the result is open."""
        goal = self.goal
        # A growing total that has passed the target stays past it; a cost still
        # accumulating (a flow to decrease) has reached nothing until the period is over.
        increasing = goal.direction in ("increase", "at_least")
        reached = self.actual if self.kind == "flow" else self.forecast
        if (self.elapsed >= 1.0 or (self.kind == "flow" and increasing)) and not _better(
            goal, goal.target, reached
        ):
            return "achieved", f"{value(reached)} reaches the target {value(goal.target)}"
        if self.elapsed < 1.0:
            return None
        return "missed", (
            f"the period is over: it ended at {value(reached)}, short of the target "
            f"{value(goal.target)}{self._line_aside(value, reached)}"
        )

    def _on_forecast(self, value: Callable[[float], str], interval: str) -> tuple[Status, str]:
        """Before the due date: the status the forecast's whole interval supports."""
        goal, point = self.goal, value(self.forecast)
        shown = f" ({CONFIDENCE:.0%}: {interval})" if interval else ""
        line, line_words = self._line(value)
        baseline = f"the baseline {value(goal.baseline)}"
        worse, better = self._ends()
        if not _better(goal, line, worse):
            return "on_track", f"the forecast {point}{shown} is past {line_words}"
        if not _better(goal, better, goal.baseline):
            return "off_track", f"the forecast {point}{shown} is at or worse than {baseline}"
        if not _better(goal, line, self.forecast):
            return "at_risk", (
                f"the forecast {point} is past {line_words}, but its {CONFIDENCE:.0%} "
                f"interval, {interval}, straddles it"
            )
        if not _better(goal, self.forecast, goal.baseline):
            return "at_risk", (
                f"the forecast {point} is at or worse than {baseline}, but its "
                f"{CONFIDENCE:.0%} interval, {interval}, reaches past it"
            )
        return "at_risk", (
            f"the forecast {point}{shown} is short of {line_words} but better than {baseline}"
        )

    def _line(self, value: Callable[[float], str]) -> tuple[float, str]:
        """The on-track line and its name: the threshold, else the midpoint."""
        goal = self.goal
        if goal.threshold is not None:
            return goal.threshold, f"the threshold {value(goal.threshold)}"
        middle = (goal.baseline + goal.target) / 2
        return middle, f"the midpoint {value(middle)} between baseline and target"

    def _line_aside(self, value: Callable[[float], str], reached: float) -> str:
        """Where a missed goal ended against its threshold, when it has one."""
        threshold = self.goal.threshold
        if threshold is None:
            return ""
        if _better(self.goal, threshold, reached):
            return f" and of its threshold {value(threshold)}"
        return f" though past its threshold {value(threshold)}"

    def _ends(self) -> tuple[float, float]:
        """(worse, better) end of the forecast's interval; the forecast twice without one."""
        if self.low is None or self.high is None:
            return self.forecast, self.forecast
        if self.goal.direction in ("increase", "at_least"):
            return min(self.low, self.forecast), max(self.high, self.forecast)
        return max(self.high, self.forecast), min(self.low, self.forecast)


def measure_metric(
    metric: str,
    kind: Literal["flow", "level"],
    conversions: ibis.Table,
    snapshots: ibis.Table,
    start: dt.date,
    end: dt.date,
) -> Measured | None:
    """The metric over [start, end], from snapshots first, else from conversions."""
    s = snapshots.filter(
        (snapshots.metric == metric) & (snapshots.date >= start) & (snapshots.date <= end)
    )
    rows = to_arrow(s.order_by("date").select("date", "value")).to_pylist()
    if rows:
        values = [float(r["value"]) for r in rows if r["value"] is not None]
        if values:
            value = sum(values) if kind == "flow" else values[-1]
            spread = statistics.stdev(values) if kind == "flow" and len(values) > 1 else None
            return Measured(value, len(values), spread, rows[-1]["date"], "snapshots")
    return _from_conversions(metric, conversions, start, end)


def _scoped_total(
    conversions: ibis.Table, start: dt.date, end: dt.date, *, money: bool
) -> Measured | None:
    """The conversions in a goal's scope over [start, end]: counted, or summed in money."""
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    window = conversions.filter((conversions.ts >= begin) & (conversions.ts < stop))
    totals = window.aggregate(n=window.count(), total=window.value.sum(), last=window.ts.max())
    [row] = to_arrow(totals).to_pylist()
    if not row["n"]:
        return None
    value = float(row["total"] or 0.0) if money else float(row["n"])
    return Measured(value, int(row["n"]), None, row["last"].date(), "conversions")


def _from_conversions(
    metric: str, conversions: ibis.Table, start: dt.date, end: dt.date
) -> Measured | None:
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    c = conversions.filter((conversions.ts >= begin) & (conversions.ts < stop))
    stats = c.group_by("type").aggregate(
        n=c.count(),
        customers=c.customer_id.nunique(),
        total=c.value.sum(),
        mean=c.value.mean(),
        sd=c.value.std(),
        valued=c.value.count(),
        last=c.ts.max(),
    )
    by_type = {r["type"]: r for r in to_arrow(stats).to_pylist()}

    # Freshness is the conversions table's, not one type's: a month without a new
    # customer is news, not stale data, when deals and leads kept arriving.
    arrived = [row["last"] for row in by_type.values() if row["last"] is not None]
    fresh = max(arrived).date() if arrived else None

    def count(key: str, *types: str) -> int:
        return int(sum(by_type[t][key] or 0 for t in types if t in by_type))

    def money(*types: str) -> float:
        return float(sum(by_type[t]["total"] or 0.0 for t in types if t in by_type))

    if metric == "net_new_customers" and "new_customer" in by_type:
        n = count("customers", "new_customer")
        return Measured(float(n), n, None, fresh, "conversions")
    if metric in COUNTED_TYPES and count("n", *COUNTED_TYPES[metric]):
        types = COUNTED_TYPES[metric]
        n = count("n", *types)
        return Measured(float(n), n, None, fresh, "conversions")
    if metric == "revenue" and count("valued", "deal_won", "order"):
        n = count("valued", "deal_won", "order")
        return Measured(money("deal_won", "order"), n, None, fresh, "conversions")
    pipeline = ("opportunity",)  # every deal's creation, closed ones included
    if metric == "pipeline_value" and count("valued", *pipeline):
        n = count("valued", *pipeline)
        return Measured(money(*pipeline), n, None, fresh, "conversions")
    if metric == "average_order_value":
        for kind in ("deal_won", "order"):
            row = by_type.get(kind)
            if row and row["valued"]:
                sd = float(row["sd"]) if row["sd"] is not None else None
                return Measured(float(row["mean"]), int(row["valued"]), sd, fresh, "conversions")
    if metric == "win_rate" and count("n", "deal_won", "deal_lost"):
        won, closed = count("n", "deal_won"), count("n", "deal_won", "deal_lost")
        rate = won / closed
        return Measured(rate, closed, math.sqrt(rate * (1 - rate)), fresh,
                        "conversions")  # fmt: skip
    return None
