"""Beyond marketing: which business functions the plan serves, and which it measures.

The seeds: social business serves service, sales, product, talent and employees, not only
marketing. For every function this lists the goals and strategies that name it (their
`functions`), the tactics that work for it (run by people of that function, or serving
a strategy or goal that names it), and the activities in the warehouse those tactics
account for (through the plan's `measurement.match`, in the engine). A function with no
goal or strategy is **not served**; one served but with no measured activity is
**unmeasured**.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, get_args

from outcomes.measure.mapping import mapped_activities
from outcomes.plan import Plan
from outcomes.plan.model import Function
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

FUNCTIONS: Final[tuple[str, ...]] = tuple(
    f for f in get_args(Function) if f not in ("executive", "other")
)
"""The functions social business serves; executives sponsor it (see the linter's rules)."""
Coverage = Literal["served", "unmeasured", "not_served"]


@dataclass(frozen=True, slots=True)
class FunctionCoverage:
    """One business function: what in the plan serves it, and what the data shows."""

    function: str
    goals: tuple[str, ...]
    strategies: tuple[str, ...]
    tactics: tuple[str, ...]
    activities: int
    coverage: Coverage


def function_coverage(
    plan: Plan, activities: ibis.Table, *, mapped: ibis.Table | None = None
) -> list[FunctionCoverage]:
    """Coverage of every business function (see the module docstring).

    `mapped`: these activities already mapped by the plan (`mapped_activities`), when the
    caller keeps them for several measures (`build_scorecard` does).
    """
    mapped = mapped_activities(plan, activities) if mapped is None else mapped
    counted = mapped.filter(mapped.tactic.notnull())
    per_tactic = counted.group_by("tactic").aggregate(n=counted.count())
    activity = {str(r["tactic"]): int(r["n"]) for r in to_arrow(per_tactic).to_pylist()}
    people = {p.id: p for p in plan.people}
    strategies = {s.id: s for s in plan.strategies}
    goals = {g.id: g for g in plan.goals}
    out = []
    for function in FUNCTIONS:
        goal_ids = tuple(g.id for g in plan.goals if function in g.functions)
        strategy_ids = tuple(s.id for s in plan.strategies if function in s.functions)
        tactic_ids = []
        for tactic in plan.tactics:
            strategy = strategies.get(tactic.serves or "")
            served_goals = [goals[g] for g in strategy.serves if g in goals] if strategy else []
            run_by = any(p in people and people[p].function == function for p in tactic.operators)
            if (
                run_by
                or (strategy is not None and function in strategy.functions)
                or any(function in g.functions for g in served_goals)
            ):
                tactic_ids.append(tactic.id)
        count = sum(activity.get(t, 0) for t in tactic_ids)
        coverage: Coverage = (
            "not_served"
            if not goal_ids and not strategy_ids
            else ("served" if count else "unmeasured")
        )
        out.append(
            FunctionCoverage(function, goal_ids, strategy_ids, tuple(tactic_ids), count, coverage)
        )
    return out
