"""Goal pacing: is each business goal on track, measured from the warehouse?

For every goal of the plan, at the day its own data reaches (below, **Which day**):

**Actual to date**, over [goal start, as_of], in this order of trust:

1. `metric_snapshots` rows of the goal's metric (a finance or helpdesk export saying
   exactly what the number is): summed for a *flow* metric, the latest value for a
   *level* metric; a metric whose every snapshot is a weekly check-in's count (a plan's
   own `ideas_accepted`, counted week by week) is a flow, whatever its name;
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

**Which day.** A verdict claims no more than the data. The day asked for (`as_of`, by
default the newest day of any business data, conversion or snapshot), capped at the goal's
due date, is the goal's *reference*; the goal is measured at the day its own data reaches,
that day at most:

* a goal measured from snapshots, at the last day its metric's newest snapshot covers
  (a month's figure is dated the month's last day, as finance exports write it; a series
  dated the 1st of every month stands for whole months, `_Sources.covered`);
* a goal measured from conversions, at the newest conversion's or touchpoint's day, as
  `outcomes.measure.costs.data_through` reads "data through": the last sale may be days
  before the exports end while the web analytics record every day, and a scope's quiet
  weeks are news, not missing data.

So a finance figure dated the last day of the quarter does not close the quarter of a
revenue goal whose deals run to six days before it: the revenue is forecast at the deals'
day, interval and all, and its reason says so ("the conversions and touchpoints run to
2026-06-24, 6 days before the due date 2026-06-30: the forecast ..."). Only a goal whose
own data reaches its due date is final. The goal's `as_of`, `elapsed` and `expected` are
at that day, and `reference` keeps the day asked for: a page's "as of" is the latest
reference (`paced_day`), and a goal measured earlier says so in its reason. A stale goal
(below) stays at its reference, the day its silence is judged at.

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
  nothing in the `stale_days` (default 35) before its reference: the number may be right
  but nobody can tell, as when an export stopped arriving;
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from outcomes.measure.currency import foreign_values, in_plan_currency
from outcomes.measure.goal_metrics import Measured, from_conversions, measure_metric, scoped_total

# CONFIDENCE and Status are read from here by the briefing, the face and the CLI.
from outcomes.measure.goal_verdict import CONFIDENCE as CONFIDENCE
from outcomes.measure.goal_verdict import Judged, Status, forecast_of
from outcomes.measure.scope import (
    Scope,
    describe,
    goal_scope,
    in_scope,
    scope_values,
    with_deal_fields,
)
from outcomes.plan import Plan
from outcomes.plan.model import Goal
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

STALE_DAYS: Final = 35
CHECKIN: Final = "checkin"
"""The source of weekly check-ins' counts (`outcomes.sources.checkin`)."""
FLOW_METRICS: Final = frozenset(
    {"net_new_customers", "revenue", "support_cost", "cost_to_serve", "pipeline_value",
     "leads", "qualified_leads", "demo_requests", "meetings", "opportunities",
     "applications", "ideas_submitted"}
)  # fmt: skip


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
    reference: dt.date | None = None
    """The day asked for or the newest data's, capped at the due date: the day staleness
    is judged at, and `as_of` unless the goal's own data stops short of it."""


def pace_goals(
    plan: Plan,
    conversions: ibis.Table,
    snapshots: ibis.Table,
    *,
    touchpoints: ibis.Table | None = None,
    as_of: dt.date | None = None,
    stale_days: int = STALE_DAYS,
) -> list[GoalPace]:
    """Every goal of the plan paced at `as_of`, or at the earlier day its own data reaches
    (see the module docstring).

    `as_of`: by default the newest day of business data (`latest_business_date`).
    `touchpoints` count, with the conversions, for the day a goal measured from conversions
    reaches, as `outcomes.measure.costs.data_through` counts them. Amounts in another
    currency than the plan's are not added (`outcomes.measure.currency`); a goal whose
    actual leaves some out names them in `left_out`.
    """
    latest = as_of or latest_business_date(conversions, snapshots)
    own = {m.id: m.unit for m in plan.metrics}
    currency = plan.organisation.currency
    reach = _Reach.of(conversions, touchpoints, latest)
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
            reach=reach,
            counted_unit=counted_unit,
            plan=plan,
        )
        if pace.source == "conversions":
            left_out = _left_out(goal, conversions, currency, pace.as_of, counted_unit)
            pace = dataclasses.replace(pace, left_out=left_out)
        paced.append(pace)
    return paced


@dataclass(frozen=True, slots=True)
class _Reach:
    """How far the conversions and touchpoints run: the day a goal measured from
    conversions is measured at, when the snapshots run later."""

    day: dt.date | None
    """The newest conversion's or touchpoint's day, the day asked for at most: data after
    that day shows the exports cover it, quiet as it may have been."""
    words: str
    """What the day is the newest of, for a reason (`the conversions and touchpoints`)."""

    @classmethod
    def of(
        cls, conversions: ibis.Table, touchpoints: ibis.Table | None, latest: dt.date | None
    ) -> _Reach:
        tables = [conversions] if touchpoints is None else [conversions, touchpoints]
        words = "the conversions" if touchpoints is None else "the conversions and touchpoints"
        days = []
        for table in tables:  # as outcomes.measure.costs.data_through reads them
            value = to_arrow(table.ts.max()).as_py()
            if isinstance(value, dt.datetime):
                days.append(value.astimezone(dt.UTC).date())
        newest = max(days, default=None)
        return cls(min(newest, latest) if newest and latest else newest, words)

    def own_day(
        self, measured: Measured, as_of: dt.date, covered: dt.date | None = None
    ) -> dt.date:
        """The day the goal's own data reaches, capped at `as_of`: the last day its
        metric's snapshots cover (`covered`, `_Sources.covered`), or the newest conversion
        or touchpoint."""
        last = covered or measured.last_date
        if measured.source == "conversions" and self.day is not None:
            last = max(last, self.day) if last else self.day
        return min(as_of, last) if last else as_of

    def short_of(self, goal: Goal, source: str, day: dt.date, as_of: dt.date) -> str:
        """Why a goal is measured at `day`, before `as_of`, in words."""
        words = f"the {goal.metric} snapshots" if source == "snapshots" else self.words
        gap = (as_of - day).days
        before = f"the due date {goal.due}" if as_of >= goal.due else str(as_of)
        return f"{words} run to {day}, {gap} day{'s' if gap != 1 else ''} before {before}"


def paced_day(goals: Sequence[GoalPace], as_of: dt.date | None = None) -> dt.date:
    """The day a set of goals is paced at: the latest day staleness is judged at (the
    newest data's, capped at the due dates), whichever day each goal's own data reaches;
    `as_of`, else today, without goals."""
    days = [g.reference or g.as_of for g in goals]
    return max(days, default=as_of or dt.date.today())


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
    reach: _Reach,
    counted_unit: str | None = None,
    plan: Plan,
) -> GoalPace:
    """The goal at the day its own data reaches, `as_of` at most (module docstring)."""
    counted = counted_unit is not None or _checked_in(goal.metric, snapshots)
    kind: Literal["flow", "level"] = "flow" if goal.metric in FLOW_METRICS or counted else "level"
    scope = goal_scope(goal)
    # A new customer is in the pipeline of the deal that made them one (scope module).
    scoped = conversions if scope is None else in_scope(with_deal_fields(conversions), scope)
    sources = _Sources(
        goal, kind, scope, conversions, scoped, _snapshots_in(snapshots, scope), counted_unit
    )
    measured = sources.measure(as_of)
    stale = measured is not None and _stale(measured, as_of, stale_days)
    # A stale goal stays at `as_of`, the day its silence is judged at.
    day = (
        as_of
        if measured is None or stale
        else reach.own_day(measured, as_of, sources.covered(measured))
    )
    if day < as_of:
        measured = sources.measure(day)
    span = (goal.due - goal.start).days + 1
    elapsed = min(1.0, max(0.0, ((day - goal.start).days + 1) / span))
    progress = goal.target - (0.0 if kind == "flow" else goal.baseline)
    expected = (0.0 if kind == "flow" else goal.baseline) + progress * elapsed
    forecast = low = high = note = None
    status: Status = "no_data"
    reason = f"nothing measures {goal.metric} yet"
    if measured is None and scope is not None:
        note = _scope_note(goal, conversions, sources.scoped, scope, as_of)
        reason = note or reason
    if measured is not None:
        forecast, low, high = forecast_of(measured, kind, elapsed)
        if elapsed >= 1.0:
            # The period is over: its result is the actual, with nothing left to forecast,
            # so no interval is printed beside a final status (the Poisson spread of the
            # events behind it said where the period might end, and it has ended).
            low = high = None
        judged = Judged(goal, kind, elapsed, measured.value, forecast, low, high)
        status, reason = judged.verdict(plan)
        if stale:
            status = "stale"
            since = measured.last_date.isoformat() if measured.last_date else "its start"
            reason = f"no data since {since}: nothing in the {stale_days} days before {as_of}"
        elif day < as_of:
            reason = f"{reach.short_of(goal, measured.source, day, as_of)}: {reason}"
    return GoalPace(
        goal=goal.id,
        metric=goal.metric,
        direction=goal.direction,
        kind=kind,
        as_of=day,
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
        reference=as_of,
    )


def _checked_in(metric: str, snapshots: ibis.Table) -> bool:
    """Whether every snapshot of `metric` is a weekly check-in's count: what was done that
    week (ideas accepted, events held), which adds up over a goal's period whatever the
    metric, not a running figure whose latest value stands."""
    rows = snapshots.filter(snapshots.metric == metric)
    tally = to_arrow(
        rows.aggregate(n=rows.count(), checkins=(rows.source == CHECKIN).ifelse(1, 0).sum())
    ).to_pylist()[0]
    return bool(tally["n"]) and tally["checkins"] == tally["n"]


def _stale(measured: Measured, as_of: dt.date, stale_days: int) -> bool:
    """True when the data behind the metric has nothing in the `stale_days` before `as_of`."""
    stale_from = as_of - dt.timedelta(days=stale_days)
    return measured.last_date is None or measured.last_date < stale_from


@dataclass(frozen=True, slots=True)
class _Sources:
    """What one goal is measured from: every conversion (in the plan's currency), and the
    conversions and snapshots in its scope."""

    goal: Goal
    kind: Literal["flow", "level"]
    scope: Scope | None
    conversions: ibis.Table
    scoped: ibis.Table
    snapshots: ibis.Table
    counted_unit: str | None

    def measure(self, day: dt.date) -> Measured | None:
        """The goal's metric over [its start, `day`]."""
        goal, start = self.goal, self.goal.start
        measured = measure_metric(goal.metric, self.kind, self.scoped, self.snapshots, start, day)
        if measured is None and self.counted_unit is not None:
            money = self.counted_unit == "currency"
            measured = scoped_total(self.scoped, start, day, money=money)
        if measured is not None and self.scope is not None and measured.source == "conversions":
            # Fresh is the export's, not the scope's: patients who stopped booking while
            # employer deals kept arriving are news, not a stale CRM export.
            last = _last_conversion(self.conversions, start, day)
            measured = dataclasses.replace(measured, last_date=last or measured.last_date)
        return measured

    def covered(self, measured: Measured) -> dt.date | None:
        """The last day the goal's snapshots cover: a series dated the 1st of each month
        (`01/09/2026` for September, as finance exports often list months) stands for
        each whole month, so its newest figure covers its month to the end; any other
        figure covers its own day (a month's figure dated its last day, as the docs ask)."""
        last = measured.last_date
        if measured.source != "snapshots" or last is None or last.day != 1:
            return last
        mine = self.snapshots.filter(self.snapshots.metric == self.goal.metric)
        if to_arrow((mine.date.day() != 1).any()).as_py():
            return last
        return (last + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)


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
    if from_conversions(goal.metric, conversions, goal.start, as_of) is None:
        return None  # the metric has no data in scope or out: not the scope's doing
    return (
        f"its scope ({describe(scope)}) matches none of the conversions that measure "
        f"{goal.metric}; the warehouse has {has}"
    )
