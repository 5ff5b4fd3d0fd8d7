"""A goal's metric over a window: from its snapshots first, else from the conversions.

The order of trust, the metrics computed from conversions and why freshness is the
conversions table's are in `outcomes.measure.pacing`, which paces goals on these numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

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
    return from_conversions(metric, conversions, start, end)


def scoped_total(
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


def from_conversions(
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
