"""benchmark-order: baseline, threshold, target and stretch must line up with the direction."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.plan.model import Benchmark, Goal


def order_problems(
    *,
    higher_is_better: bool,
    baseline: float | None,
    threshold: float | None,
    target: float,
    stretch: float | None,
    must_move: bool,
) -> list[str]:
    """What is out of order, in words; empty when the levels are consistent.

    For a higher-is-better reading the levels must rise threshold ≤ target ≤ stretch; for
    lower-is-better they fall. The baseline must not already be past the target, and when
    `must_move` (a goal to increase or decrease) it must differ from it.
    """
    better = "above" if higher_is_better else "below"
    worse = "below" if higher_is_better else "above"

    def beyond(a: float, b: float) -> bool:
        return a > b if higher_is_better else a < b

    problems = []
    if threshold is not None and beyond(threshold, target):
        problems.append(f"threshold {threshold:g} is {better} target {target:g}")
    if stretch is not None and beyond(target, stretch):
        problems.append(f"stretch {stretch:g} is {worse} target {target:g}")
    if baseline is not None:
        if beyond(baseline, target):
            problems.append(f"baseline {baseline:g} is already {better} target {target:g}")
        elif must_move and baseline == target:
            problems.append(f"baseline and target are both {target:g}")
    return problems


@rule(
    code="M005",
    name="benchmark-order",
    severity=Severity.ERROR,
    summary="Baseline, threshold, target and stretch inconsistent with the direction",
    fix=(
        "Order the levels in the metric's direction: threshold ≤ target ≤ stretch when higher "
        "is better, the reverse when lower is"
    ),
    what=(
        "A goal, or a tactic benchmark, whose levels contradict its direction. Goals read "
        "their `direction` (`increase`/`at_least`: threshold ≤ target ≤ stretch, baseline "
        "below target for `increase`; `decrease`/`at_most` mirrored). Benchmarks have no "
        "direction of their own and are read in their metric's (lower is better for "
        "first_response_minutes, churn_rate, support_cost, …)."
    ),
    why=(
        "Status is computed from these levels: a threshold above the target, or a baseline "
        "already past it, makes every later on-track or off-track verdict wrong."
    ),
    example="""\
benchmarks:
  - {metric: first_response_minutes, threshold: 60, target: 240}""",
    instead="""\
benchmarks:
  - {metric: first_response_minutes, threshold: 240, target: 60}""",
)
def benchmark_order(ctx: LintContext) -> Iterator[Hit]:
    for goal in ctx.plan.goals:
        problems = _goal_problems(goal)
        if problems:
            yield Hit(
                goal.id,
                ctx.path(goal.id, "target"),
                f"goal '{goal.id}' ({goal.direction}): {'; '.join(problems)}",
            )
    for tactic in ctx.plan.tactics:
        for index, benchmark in enumerate(tactic.benchmarks):
            problems = _benchmark_problems(ctx, benchmark)
            if problems:
                better = ctx.metrics[benchmark.metric].better
                yield Hit(
                    tactic.id,
                    ctx.path(tactic.id, "benchmarks", index),
                    f"benchmark {benchmark.metric} ({better} is better) of tactic '{tactic.id}': {'; '.join(problems)}",
                )


def _goal_problems(goal: Goal) -> list[str]:
    return order_problems(
        higher_is_better=goal.direction in ("increase", "at_least"),
        baseline=goal.baseline if goal.direction in ("increase", "decrease") else None,
        threshold=goal.threshold,
        target=goal.target,
        stretch=goal.stretch,
        must_move=True,
    )


def _benchmark_problems(ctx: LintContext, benchmark: Benchmark) -> list[str]:
    return order_problems(
        higher_is_better=ctx.metrics[benchmark.metric].better == "higher",
        baseline=benchmark.baseline,
        threshold=benchmark.threshold,
        target=benchmark.target,
        stretch=benchmark.stretch,
        must_move=False,
    )
