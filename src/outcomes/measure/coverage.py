"""What of the period's outcome reached attribution, and what reached a planned tactic.

`outcomes roi` credits sales and new customers to the steps of their journeys. A journey
with a touch is not necessarily a planned tactic's: its touches may belong to no tactic
(`outcomes unplanned` lists that activity), or to a tactic that is measured only on the
conversions of its goals' scope (a wholesale tactic, on the Wholesale pipeline's deals),
which the conversion is outside of. "2 of 2 new customers had a touch to credit" above
a column of zeros reads as a contradiction; `coverage` counts each of these, and
`Coverage.message` says them in the one sentence every route prints under ROI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from outcomes.measure.roi_report import Coverage, OutsideScope
from outcomes.measure.scope import Scope, describe, tactic_scopes
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

    from outcomes.measure.attribution.paths import PathCounts

Journeys = tuple["PathCounts", "PathCounts"]
"""The sales and new-customer journeys of one scope."""


def coverage(
    plan: Plan,
    conversions: ibis.Table,
    journeys: Mapping[Scope | None, Journeys],
    *,
    sales_types: tuple[str, ...],
    customer_types: tuple[str, ...],
) -> Coverage:
    """The coverage of the period's `conversions` by the journeys of every scope
    (`journeys[None]`: all of them), against the plan's tactics."""
    counted = conversions.group_by("type").aggregate(n=conversions.count())
    by_type = {str(r["type"]): float(r["n"]) for r in to_arrow(counted).to_pylist()}
    sales, customers = journeys[None]
    tactics = {tactic.id for tactic in plan.tactics}
    return Coverage(
        conversions=sum(by_type.get(t, 0.0) for t in sales_types),
        on_paths=float(sales.conversions.sum()),
        new_customers=sum(by_type.get(t, 0.0) for t in customer_types),
        new_customers_on_paths=float(customers.conversions.sum()),
        on_planned_paths=sales.conversions_through(tactics),
        new_customers_on_planned_paths=customers.conversions_through(tactics),
        outside_scope=_outside_scope(plan, journeys),
    )


def _outside_scope(
    plan: Plan, journeys: Mapping[Scope | None, Journeys]
) -> tuple[OutsideScope, ...]:
    """The tactics measured on a scope whose journeys, among all, touched conversions
    outside it: credited to no model's row of theirs."""
    everything_sales, everything_customers = journeys[None]
    found = []
    for tactic, scope in tactic_scopes(plan).items():
        if scope is None or scope not in journeys:
            continue
        own_sales, own_customers = journeys[scope]
        step = {tactic}
        sales = everything_sales.conversions_through(step) - own_sales.conversions_through(step)
        customers = everything_customers.conversions_through(
            step
        ) - own_customers.conversions_through(step)
        if sales > 0 or customers > 0:
            found.append(OutsideScope(tactic, describe(scope), sales, customers))
    return tuple(found)
