"""Engagement that matters: does a tactic's engagement lead to any business outcome?

The seeds call engagement tied to nothing meaningless. For every tactic whose activities
earn engagement (reactions, comments, shares, clicks), two tests:

* **attributed outcomes**: the sales conversions Markov attribution credits to the tactic
  (journeys built by tactic and scoped to the goals it serves, as for ROI), and per 1,000
  engagements; for a tactic that serves support (a support benchmark or goal), the
  `ticket_deflected` conversions on its channel, since deflections are not journeys; for
  a tactic that serves hiring (`time_to_hire`, `cost_per_hire` or a plan metric that
  `returns: hiring`), the hires it claims as ROI counts them
  (`outcomes.measure.returns.claimed_outcomes`): a careers tactic is judged on hires,
  never on sales;
* **pipeline outcomes**: the leads, meetings, opportunities or other pipeline conversions
  whose journeys touched the tactic (`outcomes.measure.benchmarks.touched_conversions`,
  as its benchmarks count them), for the types its outcome benchmarks and its goals
  measure: a demo video judged on leads is tied to the leads it brought, as its status
  says, even before a sale is credited to it;
* **lagged relationship**: weekly engagement on the tactic's posts against weekly
  conversions whose path went through the tactic, at lags of 0 to `max_lag_weeks`
  weeks (engagement first); the lag with the strongest Pearson correlation is reported
  with its 90% confidence interval (Fisher's z, n − lag weeks). Choosing the best of
  several lags flatters it, so the interval only counts as evidence when it excludes 0.

A tactic with engagement whose attributed conversions, pipeline outcomes, deflected tickets
and claimed hires are zero and whose best lagged interval includes zero is **not tied to
any outcome**, and the report says so plainly.
Series and credit are computed in the engine; the correlations run on the weekly sums.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from outcomes.measure.attribution import attribute
from outcomes.measure.attribution.journeys import JourneyOptions
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.benchmarks import CONVERSION_TYPES, touched_conversions
from outcomes.measure.mapping import mapped_activities
from outcomes.measure.returns import claimed_outcomes, goal_family, tactic_goals
from outcomes.measure.scope import tactic_scopes
from outcomes.plan import Plan, Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis
    import numpy as np

ENGAGEMENT: Final = ("reactions", "comments", "shares", "clicks")
SALES_TYPES: Final = ("deal_won", "order")
Z90: Final = 1.645


@dataclass(frozen=True, slots=True)
class EngagementLink:
    """One tactic's engagement and the evidence that it leads to business outcomes."""

    tactic: str
    engagement: dict[str, int]
    total_engagement: int
    attributed_conversions: float
    conversions_per_1000_engagements: float | None
    best_lag_weeks: int | None
    correlation: float | None
    low: float | None
    high: float | None
    weeks: int
    tied: bool
    tickets_deflected: int
    """Support outcomes: `ticket_deflected` conversions on the tactic's channel, counted
    for tactics that serve a support goal (their benchmarks or goal metrics)."""
    verdict: str
    hires: int = 0
    """Hiring outcomes: the `hire` conversions the tactic claims, for tactics that serve
    a hiring goal (as ROI counts them)."""
    pipeline: dict[str, float] = field(default_factory=dict)
    """Pipeline outcomes by metric (`leads`: 2.0): conversions of the types the tactic's
    outcome benchmarks and goals measure whose journeys touched it."""


def engagement_links(
    plan: Plan,
    activities: ibis.Table,
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    max_lag_weeks: int = 4,
    sources: Sequence[str] | None = None,
    lookback_days: int | None = None,
    journeys: JourneyStore | None = None,
    mapped: ibis.Table | None = None,
) -> list[EngagementLink]:
    """Every tactic with engagement, in plan order (see the module docstring).

    `journeys`: the journeys of these touchpoints and conversions, when the caller keeps
    them for other measures too; else they are built here.
    `mapped`: these activities already mapped by the plan (`mapped_activities`), when the
    caller keeps them for several measures (`build_scorecard` does).
    """
    mapped = mapped_activities(plan, activities) if mapped is None else mapped
    own = mapped.filter(mapped.tactic.notnull() & mapped.kind.isin(["post", "reply", "repost"]))
    week = own.ts.truncate("W").date()
    weekly = own.group_by(["tactic", week.name("week")]).aggregate(
        **{m: own[m].fill_null(0).sum() for m in ENGAGEMENT}
    )
    engaged = to_arrow(weekly).to_pylist()
    options: JourneyOptions = {"by": "tactic", "plan": plan, "conversion_types": SALES_TYPES,
                               "lookback_days": lookback_days, "sources": sources}  # fmt: skip
    journeys = journeys or JourneyStore(touchpoints, conversions, materialise=False)
    credit = _scoped_credit(plan, journeys, options)
    d = conversions.filter(conversions.type == "ticket_deflected")
    per_channel = d.group_by("channel").aggregate(n=d.count())
    deflected = {str(r["channel"]): int(r["n"]) for r in to_arrow(per_channel).to_pylist()}
    hires = _claimed_hires(plan, conversions)
    pipeline = _pipeline_outcomes(plan, journeys)
    # One row per conversion event and step already: (ckey, cts) fixes n.
    touched = journeys.event_steps(**options)
    converted = touched.group_by(["step", touched.cts.truncate("W").date().name("week")]).aggregate(
        n=touched.n.sum()
    )
    outcomes: dict[tuple[str, dt.date], float] = {
        (r["step"], r["week"]): float(r["n"]) for r in to_arrow(converted).to_pylist()
    }
    out = []
    for tactic in plan.tactics:
        rows = [r for r in engaged if r["tactic"] == tactic.id]
        totals = {m: int(sum(r[m] or 0 for r in rows)) for m in ENGAGEMENT}
        if not sum(totals.values()):
            continue
        service = deflected.get(tactic.channel, 0) if _serves_support(plan, tactic.id) else 0
        attributed = credit.get(tactic.id, 0.0)
        found = Outcomes(attributed, service, hires.get(tactic.id, 0), pipeline.get(tactic.id, {}))
        out.append(_link(tactic.id, rows, totals, found, outcomes, max_lag_weeks))
    return out


@dataclass(frozen=True, slots=True)
class Outcomes:
    """What a tactic brought in its goals' terms: sales credited, tickets, hires."""

    sales: float
    deflected: int
    hires: int
    pipeline: dict[str, float]


def _pipeline_metrics(plan: Plan, tactic: Tactic) -> list[str]:
    """The pipeline metrics the tactic is judged on: its benchmarks' and its goals'."""
    metrics = [b.metric for b in tactic.benchmarks] + [g.metric for g in tactic_goals(plan, tactic)]
    return [m for m in dict.fromkeys(metrics) if m in CONVERSION_TYPES]


def _pipeline_outcomes(plan: Plan, journeys: JourneyStore) -> dict[str, dict[str, float]]:
    """{tactic: {pipeline metric: conversions touched}}, only those above 0."""
    wanted = {t.id: _pipeline_metrics(plan, t) for t in plan.tactics}
    kinds = sorted({CONVERSION_TYPES[m] for metrics in wanted.values() for m in metrics})
    if not kinds:
        return {}
    touched = touched_conversions(plan, journeys, kinds)
    found: dict[str, dict[str, float]] = {}
    for tactic, metrics in wanted.items():
        counts = {m: touched.get((tactic, CONVERSION_TYPES[m]), (0.0, 0.0))[0] for m in metrics}
        found[tactic] = {m: n for m, n in counts.items() if n > 0}
    return found


def _claimed_hires(plan: Plan, conversions: ibis.Table) -> dict[str, int]:
    """{tactic: hires it claims} over all the data, each tactic within its own dates."""
    if not any(goal_family(g, plan) == "hiring" for g in plan.goals):
        return {}
    ever = (dt.datetime(1990, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    claimed = claimed_outcomes(plan, conversions, None, ever)
    return {tactic: int(n) for (family, tactic), n in claimed.units.items() if family == "hiring"}


def _scoped_credit(plan: Plan, journeys: JourneyStore, options: JourneyOptions) -> dict[str, float]:
    """{tactic: sales Markov credits it}, each tactic in the scope ROI measures it in."""
    scopes = tactic_scopes(plan)
    credit: dict[str, float] = {}
    for scope in dict.fromkeys(scopes.values()):
        scoped: JourneyOptions = {**options, "scope": scope}
        counts = journeys.paths(**scoped)
        found = attribute(counts, "markov").as_dict() if counts.conversions.sum() else {}
        credit |= {t: found.get(t, 0.0) for t, own in scopes.items() if own == scope}
    return credit


def _link(
    tactic: str,
    rows: list[dict[str, object]],
    totals: dict[str, int],
    found: Outcomes,
    outcomes: dict[tuple[str, dt.date], float],
    max_lag: int,
) -> EngagementLink:
    import numpy as np

    weeks_seen = [r["week"] for r in rows] + [w for (t, w) in outcomes if t == tactic]
    first, last = min(weeks_seen), max(weeks_seen)  # type: ignore[type-var]
    span = ((last - first).days // 7) + 1  # type: ignore[operator]
    engagement = np.zeros(span)
    converted = np.zeros(span)
    for row in rows:
        index = ((row["week"] - first).days) // 7  # type: ignore[operator]
        engagement[index] += sum(float(row[m] or 0) for m in ENGAGEMENT)  # type: ignore[arg-type, misc]
    for (t, week), n in outcomes.items():
        if t == tactic and first <= week <= last:  # type: ignore[operator]
            converted[((week - first).days) // 7] += n  # type: ignore[operator]
    best = best_lag(engagement, converted, max_lag)
    total = sum(totals.values())
    lag, r, low, high = best if best else (None, None, None, None)
    evidence = low is not None and low > 0
    attributed, deflected = found.sales, found.deflected
    pipeline = "".join(f", {n:,.0f} {m} touched" for m, n in found.pipeline.items())
    tied = attributed > 0 or evidence or deflected > 0 or found.hires > 0 or bool(found.pipeline)
    if tied:
        verdict = (
            f"{tactic}: {total:,} engagements; {attributed:,.1f} sales credited by Markov"
            + pipeline
            + (f", {deflected:,} support tickets deflected on its channel" if deflected else "")
            + (f", {found.hires:,} hires claimed" if found.hires else "")
            + (
                f", and weekly engagement leads conversions by {lag} weeks (r = {r:.2f})"
                if evidence
                else ""
            )
            + "."
        )
    else:
        verdict = (
            f"{tactic}: {total:,} engagements and no business outcome: no sale is credited to "
            "it, no lead or other pipeline outcome it is judged on touched it, it claims no "
            "saved ticket or hire, and its engagement does not lead "
            "conversions. This engagement is not tied to any outcome."
        )
    return EngagementLink(
        tactic=tactic,
        engagement=totals,
        total_engagement=total,
        attributed_conversions=attributed,
        conversions_per_1000_engagements=attributed / total * 1000 if total else None,
        best_lag_weeks=lag,
        correlation=r,
        low=low,
        high=high,
        weeks=span,
        tied=tied,
        tickets_deflected=deflected,
        verdict=verdict,
        hires=found.hires,
        pipeline=found.pipeline,
    )


def _serves_support(plan: Plan, tactic_id: str) -> bool:
    """True when the tactic's benchmarks or its goals measure support (a goal on a plan's
    own metric that `returns: support`, such as a cost per ticket, too)."""
    support = {"support_tickets_deflected", "support_cost", "cost_to_serve"}
    tactic = next(t for t in plan.tactics if t.id == tactic_id)
    if any(b.metric in support for b in tactic.benchmarks):
        return True
    return any(goal_family(g, plan) == "support" for g in tactic_goals(plan, tactic))


def best_lag(x: np.ndarray, y: np.ndarray, max_lag: int) -> tuple[int, float, float, float] | None:
    """(lag, r, low, high) of the lag with the largest |r|; None when nothing varies."""
    import numpy as np

    best = None
    for lag in range(0, max_lag + 1):
        a, b = (x[: len(x) - lag], y[lag:]) if lag else (x, y)
        n = len(a)
        if n < 4 or a.std() == 0 or b.std() == 0:
            continue
        r = float(np.corrcoef(a, b)[0, 1])
        z, se = math.atanh(max(min(r, 0.999999), -0.999999)), 1 / math.sqrt(n - 3)
        low, high = math.tanh(z - Z90 * se), math.tanh(z + Z90 * se)
        if best is None or abs(r) > abs(best[1]):
            best = (lag, r, low, high)
    return best
