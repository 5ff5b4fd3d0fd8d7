"""Goal scopes: which conversions count for a goal, as a filter the engine runs.

A goal's `scope` (`GoalScope` in the plan) names conversion types, CRM pipelines,
segments and products, sources (connectors) and channels; every key it gives must hold
and any of that key's values may. Here a scope becomes a `Scope`: a hashable value (so
that a `JourneyStore` can key the journeys it builds by it) of one or more *clauses*,
each clause one goal scope, any clause sufficing. A tactic serving two goals with
different scopes is measured on the conversions of either (two clauses); `None` is
every conversion.

Values of `pipeline`, `segment` and `product` are compared without case and surrounding
blanks (a CRM's label "Employers" is the plan's `employers`); conversion types, sources
and channels are the warehouse's own vocabulary and compared as they are.

**A new customer is of the deal that made them one.** A CRM states pipeline, segment and
product on deals, not on contacts, and a HubSpot contact's `new_customer` conversion (its
lifecycle's "became a customer" date) carries none of them: every pipeline scope would
leave every such customer out, and a tactic whose goal counts one pipeline's revenue
would show 0 new customers beside a benchmark that counts 2. So a `new_customer`
conversion without them takes the pipeline, segment and product of the first deal the
same customer won (`with_deal_fields`: the same `customer_id`, else `journey_id`; the
earliest `deal_won`, whatever its currency); a value it states itself (a Salesforce
opportunity of type New Customer, a mapped CSV) is kept. A customer with no won deal in
the warehouse stays outside every pipeline, segment and product scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from outcomes.plan import Plan
from outcomes.plan.model import Goal, GoalScope
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    pass

Clause = tuple[tuple[str, tuple[str, ...]], ...]
"""(conversions column, accepted values) pairs, sorted by column; all must hold."""
Scope = tuple[Clause, ...]
"""Clauses of which any may hold; sorted, so equal scopes are equal values."""

COLUMNS: Final = {
    "conversion_types": "type",
    "pipelines": "pipeline",
    "segments": "segment",
    "products": "product",
    "sources": "source",
    "channels": "channel",
}
"""GoalScope key → the `conversions` column it filters."""
FOLDED: Final = frozenset({"pipeline", "segment", "product"})
"""Columns holding a CRM's own labels, compared without case."""
SCOPE_COLUMNS: Final = tuple(COLUMNS.values())


def clause(scope: GoalScope | None) -> Clause:
    """A goal scope as a clause; () (every conversion) for none or an empty one."""
    if scope is None:
        return ()
    pairs = []
    for key, column in COLUMNS.items():
        values: Sequence[str] = getattr(scope, key)
        if values:
            folded = (_fold(v) for v in values) if column in FOLDED else values
            pairs.append((column, tuple(sorted(set(folded)))))
    return tuple(sorted(pairs))


def goal_scope(goal: Goal) -> Scope | None:
    """The goal's scope, or None when it counts every conversion."""
    found = clause(goal.scope)
    return (found,) if found else None


def union(scopes: Iterable[Scope | None]) -> Scope | None:
    """Conversions in any of `scopes`: None (everything) when one of them is None or
    there are none at all."""
    clauses: set[Clause] = set()
    seen = False
    for scope in scopes:
        seen = True
        if scope is None:
            return None
        clauses.update(scope)
    return tuple(sorted(clauses)) if seen else None


def tactic_scopes(plan: Plan) -> dict[str, Scope | None]:
    """{tactic id: the scope it is measured on}: the union of the scopes of the goals its
    strategy serves (None, every conversion, when one of them has none or it serves no
    goal)."""
    return {
        tactic.id: union(
            goal_scope(goal)
            for strategy in plan.strategies
            if strategy.id == tactic.serves
            for goal in plan.goals
            if goal.id in strategy.serves
        )
        for tactic in plan.tactics
    }


def aimed_elsewhere(plan: Plan, scope: Scope | None) -> list[str]:
    """The tactics the plan aims at other conversions than `scope`'s: their own scope
    shares no clause with it (none for `scope` None, or a tactic measured on everything)."""
    if scope is None:
        return []
    return [
        tactic
        for tactic, own in tactic_scopes(plan).items()
        if own is not None and not set(own) & set(scope)
    ]


def strategy_scopes(plan: Plan) -> dict[str, Scope | None]:
    """{strategy id: the union of the scopes of the goals it serves}."""
    return {
        strategy.id: union(goal_scope(g) for g in plan.goals if g.id in strategy.serves)
        for strategy in plan.strategies
    }


DEAL_FIELDS: Final = ("pipeline", "segment", "product")
"""The scope columns a CRM states on deals only, which a new customer takes from theirs."""


def with_deal_fields(conversions: Any) -> Any:
    """`conversions` (an Ibis table of the warehouse's `conversions` columns) with each
    `new_customer` row's missing pipeline, segment and product taken from the first deal
    its customer won (module docstring); every other row as it is, the columns the same."""
    import ibis

    if not {"customer_id", "journey_id", "type", *DEAL_FIELDS} <= set(conversions.columns):
        return conversions  # a table of other rows than the warehouse's conversions
    owner = ibis.coalesce(conversions.customer_id, conversions.journey_id)
    keyed = conversions.mutate(deal_owner=owner)
    won = keyed.filter((keyed.type == "deal_won") & keyed.deal_owner.notnull())
    first = won.group_by("deal_owner").aggregate(first_won=won.ts.min())
    earliest = won.join(first, "deal_owner")
    earliest = earliest.filter(earliest.ts == earliest.first_won)
    # Deals won at the same instant: the smallest value of each field, so that the
    # answer does not depend on the order the engine reads them in.
    deals = earliest.group_by("deal_owner").aggregate(
        **{f"deal_{name}": earliest[name].min() for name in DEAL_FIELDS}
    )
    joined = keyed.left_join(deals, "deal_owner")
    customer = joined.type == "new_customer"
    filled = {
        name: ibis.ifelse(
            customer, ibis.coalesce(joined[name], joined[f"deal_{name}"]), joined[name]
        )
        for name in DEAL_FIELDS
    }
    return joined.mutate(**filled).select(*conversions.columns)


def in_scope(conversions: Any, scope: Scope | None) -> Any:
    """`conversions` (an Ibis table with the scope columns) cut to `scope`."""
    if scope is None:
        return conversions
    return conversions.filter(_predicate(conversions, scope))


def _predicate(table: Any, scope: Scope) -> Any:
    import ibis

    predicate: Any = ibis.literal(False)
    for each in scope:
        holds: Any = ibis.literal(True)
        for column, values in each:
            cell = table[column].cast("string")
            if column in FOLDED:
                cell = cell.lower()  # loaders store cells trimmed
            holds &= cell.isin(list(values)) & cell.notnull()
        predicate |= holds
    return predicate


def describe(scope: Scope | None) -> str:
    """`pipeline employers, segment b2b` (clauses joined by `; or `), `everything`."""
    if scope is None:
        return "everything"
    return "; or ".join(
        ", ".join(f"{column} {' or '.join(values)}" for column, values in each) for each in scope
    )


def scope_values(conversions: Any, scope: Scope) -> dict[str, list[str]]:
    """{column the scope names: the values the warehouse has in it} (up to 12 each), for a
    message saying what a scope that matches nothing could have named."""
    columns = sorted({column for each in scope for column, _ in each})
    found: dict[str, list[str]] = {}
    for column in columns:
        cell = conversions[column].cast("string")
        distinct = conversions.filter(cell.notnull()).select(value=cell).distinct()
        rows = to_arrow(distinct.order_by("value").limit(12)).to_pylist()
        found[column] = [str(r["value"]) for r in rows]
    return found


def _fold(value: str) -> str:
    return value.strip().lower()
