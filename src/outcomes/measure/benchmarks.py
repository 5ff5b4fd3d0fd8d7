"""Tactic benchmarks: each benchmark's actual against its baseline, threshold and target.

For every benchmark of every tactic, over the tactic's dates up to `as_of`, the actual
comes from the warehouse by the metric's family:

* **activity** (`posts`, `replies_sent`, `messages_sent`): the tactic's own activities of
  that kind (mapped through `measurement.match`);
* **engagement** (`likes`, `comments`, `shares`, `clicks`, `impressions`, `reach`,
  `views`): summed over the tactic's activities (`likes` are reactions);
* **conversation** (`response_rate`, `first_response_minutes` (median),
  `first_response_business_minutes` (median, in the plan's business hours),
  `listen_push_ratio`): `outcomes.measure.conversation` on the tactic's activities;
* **pipeline and business** (`leads`, `qualified_leads`, `demo_requests`, `meetings`,
  `opportunities`, `net_new_customers`): conversions of that type whose journey touched
  the tactic within the journey window (`journey_parts`, steps by tactic), `revenue` their
  value; `support_tickets_deflected`: `ticket_deflected` conversions on the tactic's
  channel.

Flows (counts and money) are read per the benchmark's `per`: the total for `period` (the
default), else the mean per elapsed week, month or quarter; levels (rates, times,
ratios) are the value over the whole span. Status, in the metric's better direction:
**met** at the target, **on track** past the threshold (else past the midpoint between
baseline and target), **below** when short of that, and **no data** when nothing
measures it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from outcomes.catalog import BUILTIN_METRICS
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.conversation import ConversationHealth, tactic_conversation
from outcomes.measure.mapping import mapped_activities
from outcomes.plan import Plan
from outcomes.plan.model import Benchmark, Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Status = Literal["met", "on_track", "below", "no_data"]
ACTIVITY_KINDS: Final = {"posts": "post", "replies_sent": "reply", "messages_sent": "message"}
ENGAGEMENT_COLUMNS: Final = {
    "likes": "reactions", "comments": "comments", "shares": "shares", "clicks": "clicks",
    "impressions": "impressions", "reach": "reach", "views": "views",
}  # fmt: skip
CONVERSION_TYPES: Final = {
    "leads": "lead", "qualified_leads": "qualified_lead", "demo_requests": "demo_request",
    "meetings": "meeting", "opportunities": "opportunity", "net_new_customers": "new_customer",
}  # fmt: skip
LEVELS: Final = frozenset(
    {"response_rate", "first_response_minutes", "first_response_business_minutes",
     "listen_push_ratio"}
)  # fmt: skip
PERIOD_DAYS: Final = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4}


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """One benchmark of one tactic, measured."""

    tactic: str
    metric: str
    per: str
    baseline: float | None
    threshold: float | None
    target: float
    actual: float | None
    status: Status


def tactic_benchmarks(
    plan: Plan,
    activities: ibis.Table,
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    as_of: dt.date,
    conversation: Sequence[ConversationHealth] | None = None,
    journeys: JourneyStore | None = None,
) -> list[BenchmarkResult]:
    """Every benchmark of every tactic that has started by `as_of`.

    `conversation` is `tactic_conversation`'s result, and `journeys` the journeys of these
    touchpoints and conversions, where the caller has them already.
    """
    mapped = mapped_activities(plan, activities)
    mine = mapped.filter(mapped.tactic.notnull())
    kinds = mine.group_by(["tactic", "kind"]).aggregate(
        n=mine.count(), **{c: mine[c].fill_null(0).sum() for c in set(ENGAGEMENT_COLUMNS.values())}
    )
    by_kind = to_arrow(kinds).to_pylist()
    if conversation is None:
        conversation = tactic_conversation(plan, activities)
    talk: dict[str | None, ConversationHealth] = {h.group["tactic"]: h for h in conversation}
    touched = _touched(plan, journeys or JourneyStore(touchpoints, conversions, materialise=False))
    d = conversions.filter(conversions.type == "ticket_deflected")
    deflected = {
        str(r["channel"]): int(r["n"])
        for r in to_arrow(d.group_by("channel").aggregate(n=d.count())).to_pylist()
    }
    out = []
    for tactic in plan.tactics:
        if tactic.start > as_of:
            continue
        days = (min(tactic.end, as_of) - tactic.start).days + 1
        for benchmark in tactic.benchmarks:
            actual = _actual(tactic, benchmark.metric, by_kind, talk, touched, deflected)
            if actual is not None and benchmark.metric not in LEVELS:
                per = benchmark.per or "period"
                if per in PERIOD_DAYS:
                    actual = actual / max(days / PERIOD_DAYS[per], 1.0)
            out.append(_result(tactic.id, benchmark, actual))
    return out


def _touched(plan: Plan, journeys: JourneyStore) -> dict[tuple[str, str], tuple[float, float]]:
    """{(tactic, conversion type): (conversions, value)} whose journey touched the tactic."""
    wanted = sorted(
        {CONVERSION_TYPES[b.metric] for t in plan.tactics for b in t.benchmarks
         if b.metric in CONVERSION_TYPES}
    )  # fmt: skip
    found: dict[tuple[str, str], tuple[float, float]] = {}
    for kind in wanted:
        events = journeys.event_steps(
            by="tactic", plan=plan, conversion_types=(kind,), lookback_days=None, sources=None
        )
        per_step = events.group_by("step").aggregate(n=events.n.sum(), value=events.amount.sum())
        for row in to_arrow(per_step).to_pylist():
            found[(str(row["step"]), kind)] = (float(row["n"]), float(row["value"] or 0.0))
    return found


def _actual(
    tactic: Tactic,
    metric: str,
    by_kind: list[dict[str, Any]],
    talk: dict[str | None, ConversationHealth],
    touched: dict[tuple[str, str], tuple[float, float]],
    deflected: dict[str, int],
) -> float | None:
    rows = [r for r in by_kind if r["tactic"] == tactic.id]
    if metric in ACTIVITY_KINDS:
        return float(sum(int(r["n"]) for r in rows if r["kind"] == ACTIVITY_KINDS[metric]))
    if metric in ENGAGEMENT_COLUMNS:
        column = ENGAGEMENT_COLUMNS[metric]
        return float(sum(float(r[column] or 0) for r in rows)) if rows else None
    if metric in LEVELS:
        health = talk.get(tactic.id)
        if health is None:
            return None
        value = {
            "response_rate": health.response_rate,
            "first_response_minutes": health.median_first_response_minutes,
            "first_response_business_minutes": health.median_first_response_business_minutes,
            "listen_push_ratio": health.listen_push_ratio,
        }[metric]
        return None if value is None else float(value)
    if metric == "support_tickets_deflected":
        n = deflected.get(tactic.channel)
        return None if n is None else float(n)
    if metric in CONVERSION_TYPES:
        found = touched.get((tactic.id, CONVERSION_TYPES[metric]))
        return None if found is None else found[0]
    return None


def _result(tactic: str, benchmark: Benchmark, actual: float | None) -> BenchmarkResult:
    spec = BUILTIN_METRICS.get(benchmark.metric)
    lower_better = spec is not None and spec.better == "lower"

    def better(a: float, b: float) -> bool:
        return a < b if lower_better else a > b

    status: Status = "no_data"
    if actual is not None:
        baseline = benchmark.baseline
        line = benchmark.threshold
        if line is None:
            line = (baseline + benchmark.target) / 2 if baseline is not None else benchmark.target
        if not better(benchmark.target, actual):
            status = "met"
        elif not better(line, actual):
            status = "on_track"
        else:
            status = "below"
    return BenchmarkResult(
        tactic=tactic,
        metric=benchmark.metric,
        per=benchmark.per or "period",
        baseline=benchmark.baseline,
        threshold=benchmark.threshold,
        target=benchmark.target,
        actual=actual,
        status=status,
    )
