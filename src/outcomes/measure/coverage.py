"""What of the period's outcome reached attribution, and what reached a planned tactic.

`outcomes roi` credits sales and new customers to the steps of their journeys. A journey
with a touch is not necessarily a planned tactic's: its touches may belong to no tactic
(`outcomes unplanned` lists that activity), or to a tactic that is measured only on the
conversions of its goals' scope (a wholesale tactic, on the Wholesale pipeline's deals),
which the conversion is outside of. "2 of 2 new customers had a touch to credit" above
a column of zeros reads as a contradiction; `coverage` counts each of these, and
`Coverage.message` says them in the one sentence every route prints under ROI.

A tactic's new customers can also be beyond measuring: no loaded export gives any, or
the scope it is measured on holds none of them (a goal counting orders only; a pipeline
none of whose won deals made a new customer). A 0.0 there would look measured, so
`customers_note` says why, the row's cell says "not measured" and the sentence names
the tactics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from outcomes.measure.roi_report import Coverage, NotMeasured, OutsideScope
from outcomes.measure.scope import (
    DEAL_FIELDS,
    Scope,
    describe,
    in_scope,
    tactic_scopes,
    with_deal_fields,
)
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
    customer_notes: Mapping[Scope | None, str | None] | None = None,
) -> Coverage:
    """The coverage of the period's `conversions` by the journeys of every scope
    (`journeys[None]`: all of them), against the plan's tactics; `customer_notes`: per
    scope, why its new customers are not measured (`customers_note`)."""
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
        customers_not_measured=_not_measured(plan, customer_notes or {}),
    )


def customers_note(
    conversions: ibis.Table, scope: Scope | None, customer_types: tuple[str, ...]
) -> str | None:
    """Why nothing can measure new customers in `scope`, or None when something can.

    `conversions`: all of them, any date (a scope whose customers all came before the
    period measures a real 0 in it)."""
    total = _count(conversions.filter(conversions.type.isin(list(customer_types))))
    if total == 0:
        return (
            "no loaded export gives new customers (HubSpot contacts that became customers, "
            "Salesforce opportunities of type New Customer, a mapped CSV)"
        )
    if scope is None:
        return None
    scoped = in_scope(with_deal_fields(conversions), scope)
    if _count(scoped.filter(scoped.type.isin(list(customer_types)))) > 0:
        return None
    reason = f"the scope ({describe(scope)}) holds none of the {total:,} new customers in the data"
    if any(column in DEAL_FIELDS for each in scope for column, _ in each):
        reason += (
            " (a new customer is in the pipeline, segment and product of the first deal they won)"
        )
    return reason


def sales_note(conversions: ibis.Table, sales_types: tuple[str, ...]) -> str | None:
    """Why nothing can measure revenue, or None when something can: no loaded export gives
    a sale, of any date or currency (a 0 beside a plan's cost would read as a loss)."""
    if _count(conversions.filter(conversions.type.isin(list(sales_types)))) > 0:
        return None
    return (
        "no loaded export gives a sale (won deals from HubSpot or Salesforce, orders from "
        "GA4 or a mapped CSV)"
    )


def _count(table: ibis.Table) -> int:
    return int(to_arrow(table.count()).as_py())


def _not_measured(plan: Plan, notes: Mapping[Scope | None, str | None]) -> tuple[NotMeasured, ...]:
    """The tactics whose scope measures no new customer, grouped by the reason."""
    by_reason: dict[str, list[str]] = {}
    for tactic, scope in tactic_scopes(plan).items():
        reason = notes.get(scope)
        if reason is not None:
            by_reason.setdefault(reason, []).append(tactic)
    every = len(plan.tactics)
    return tuple(
        NotMeasured(tuple(tactics), reason, every=len(tactics) == every)
        for reason, tactics in by_reason.items()
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
