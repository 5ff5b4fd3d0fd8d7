"""Measurement: goals on business metrics, tactics with benchmarks in order, sources and a rhythm."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from outcomes.catalog.checkin_counts import CHECKIN_COUNTS
from outcomes.catalog.measurable import (
    ANY_DATA,
    BENCHMARK_NEEDS,
    benchmark_need,
    describe,
    describe_need,
    goal_need,
    measurable,
    missing,
    sources_for,
)
from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.lint.rules.alignment import TACTICAL_PLAN_QUOTE
from outcomes.plan.matching import claimed_kinds, overlaps
from outcomes.plan.model import Benchmark, Goal, Tactic

_SOFT_CLASSES = {"vanity", "activity", "engagement"}


@rule(
    code="M001",
    name="vanity-goal-metric",
    severity=Severity.ERROR,
    summary="Goal measured by a vanity, activity or engagement metric",
    fix="Measure the goal by a business metric: revenue, net_new_customers, average_order_value, retention_rate, support_cost, …",
    what=(
        "A goal whose `metric` is of class `vanity` (followers, likes, impressions, …), "
        "`activity` (posts, replies sent, …) or `engagement` (comments, shares, engagement "
        "rate, …)."
    ),
    why=(
        "Strategy comes from business goals measured by business metrics. Fans, followers and "
        "likes have their place in a tactic's benchmarks, but a goal on them cannot show what "
        "social did for the business, and executives will not back it."
    ),
    seed=(
        "Getting beyond low-level metrics like fans, followers, friends, connections, tweets, "
        "retweets etc. which are soft metrics which have a place but are not the core of an "
        "effective Social Business strategy"
    ),
    example="""\
goals:
  - id: be-on-social
    title: Grow our social media presence
    metric: followers""",
    instead="""\
goals:
  - id: new-logos
    title: Win more mid-market logistics customers
    metric: net_new_customers""",
)
def vanity_goal_metric(ctx: LintContext) -> Iterator[Hit]:
    for goal in ctx.plan.goals:
        metric = ctx.metrics[goal.metric]
        if metric.metric_class in _SOFT_CLASSES:
            yield Hit(
                goal.id,
                ctx.path(goal.id, "metric"),
                f"goal '{goal.id}' is measured by {goal.metric}, a {metric.metric_class} metric, not a business one",
            )


@rule(
    code="M002",
    name="vanity-only-benchmarks",
    severity=Severity.WARNING,
    summary="Tactic whose benchmarks are all vanity metrics",
    fix=(
        "Add a benchmark on a pipeline or business metric the tactic should move "
        "(demo_requests, qualified_leads, net_new_customers, …)"
    ),
    what="A tactic all of whose benchmarks are on `vanity` metrics (followers, likes, impressions, reach, …).",
    why=(
        "Engagement that cannot be tied to a business outcome is meaningless. A tactic judged "
        "only on likes can succeed on paper while doing nothing for the business."
    ),
    seed=(
        "'engagement' is not an end unto itself. Having engagement that cannot be tied to a "
        "business outcome like increase in revenue, net new customers, more frequent orders, "
        "large average order sizes and so on is fairly meaningless"
    ),
    example="""\
benchmarks:
  - {metric: followers, target: 10000}
  - {metric: likes, target: 50000}""",
    instead="""\
benchmarks:
  - {metric: demo_requests, baseline: 0, target: 60, per: period}
  - {metric: likes, target: 50000}""",
)
def vanity_only_benchmarks(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        classes = {ctx.metrics[b.metric].metric_class for b in tactic.benchmarks}
        if classes == {"vanity"}:
            names = ", ".join(b.metric for b in tactic.benchmarks)
            yield Hit(
                tactic.id,
                ctx.path(tactic.id, "benchmarks"),
                f"tactic '{tactic.id}' is judged only on vanity metrics ({names})",
            )


@rule(
    code="M003",
    name="missing-benchmarks",
    severity=Severity.ERROR,
    summary="Tactic without benchmarks for success",
    fix="Add `benchmarks:` with at least one metric and target the tactic is judged by",
    what="A tactic with no `benchmarks` (left out, or an empty list).",
    why="Without benchmarks for success nobody can say whether the tactic worked, so it can neither be defended nor stopped.",
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
tactics:
  - id: insta-giveaway
    benchmarks: []""",
    instead="""\
tactics:
  - id: insta-giveaway
    benchmarks:
      - {metric: leads, baseline: 0, target: 200, per: period}""",
)
def missing_benchmarks(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        if not tactic.benchmarks:
            yield Hit(
                tactic.id,
                ctx.field_path(tactic.id, "benchmarks"),
                f"tactic '{tactic.id}' has no benchmarks for success",
            )


@rule(
    code="M004",
    name="unmeasured-tactic",
    severity=Severity.ERROR,
    summary="Tactic with no measurement source",
    fix="Name the data it is measured from in `measurement.sources` (linkedin, x-archive, hubspot, ga4, …)",
    what="A tactic with no `measurement`, or with an empty `measurement.sources`.",
    why=(
        "How activity will be measured is part of the tactical implementation plan; a tactic "
        "with no data source can never show its ROI."
    ),
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
measurement: {sources: []}""",
    instead="""\
measurement:
  sources: [meta, ga4]
  match: {utm_campaign: spring-giveaway}""",
)
def unmeasured_tactic(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        if tactic.measurement is None or not tactic.measurement.sources:
            yield Hit(
                tactic.id,
                ctx.field_path(tactic.id, "measurement"),
                f"tactic '{tactic.id}' names no data source to measure it from",
            )


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


_RHYTHMIC_MODES = {"publish", "advocate", "outreach"}


@rule(
    code="M006",
    name="missing-cadence",
    severity=Severity.WARNING,
    summary="Publishing, advocacy or outreach tactic with no planned cadence",
    fix="Add `cadence: {count: N, per: week}` (or day/month) so execution can be checked against it",
    what="A tactic in mode `publish`, `advocate` or `outreach` without a `cadence`.",
    why=(
        "Execution is the hard part: the scorecard compares planned and actual activity per "
        "operator, and can only do so when the plan says how often the work should happen."
    ),
    seed=(
        "Creating a strategy is relatively straightforward, the hard part is making social "
        "media happen on a consistent basis"
    ),
    example="""\
  - id: li-company-guides
    mode: publish""",
    instead="""\
  - id: li-company-guides
    mode: publish
    cadence: {count: 2, per: month}""",
)
def missing_cadence(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        if tactic.mode in _RHYTHMIC_MODES and tactic.cadence is None:
            yield Hit(
                tactic.id,
                ctx.path(tactic.id, "mode"),
                f"tactic '{tactic.id}' ({tactic.mode}) has no cadence to keep",
            )


@rule(
    code="M008",
    name="overlapping-matchers",
    severity=Severity.WARNING,
    summary="Two tactics whose matchers claim the same activity with equal specificity",
    fix=(
        "Tell them apart: give each its own `match.kinds` (posts to the publishing tactic, "
        "replies and comments to the responding one), a criterion only one of them meets (a "
        "hashtag, a campaign), or drop the value they share from one"
    ),
    what=(
        "A tactic that ties with an earlier one on some activity or visit, so that the "
        "earlier one always takes it (docs/plan-format.md, Tactics: which tactic claims an "
        "activity). They tie on an activity of a kind both claim that meets a value both "
        "name (an account, an author, a hashtag or a campaign) and no other criterion of "
        "either, or, when neither names any, that is on the channel both claim by default, "
        "with equal `match.kinds` written or not. On visits they tie when they give the same "
        "UTM fields and share a value in each."
    ),
    why=(
        "The most specific matcher wins, and a tie goes to the tactic first in the plan: "
        "moving a tactic in the file would move its activity to another tactic, and the one "
        "later in the file shows as not started while the work is done. Each tactic's "
        "benchmarks and return are measured on the activity it claims, so the plan must "
        "say which is which."
    ),
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
  - id: clinic-posts
    channel: instagram
    mode: publish
    measurement: {sources: [meta], match: {accounts: [kerrphysio], kinds: [post, comment]}}
  - id: clinic-replies
    channel: instagram
    mode: respond
    measurement: {sources: [meta], match: {accounts: [kerrphysio], kinds: [reply, comment]}}""",
    instead="""\
  - id: clinic-posts
    channel: instagram
    mode: publish
    measurement: {sources: [meta], match: {accounts: [kerrphysio], kinds: [post]}}
  - id: clinic-replies
    channel: instagram
    mode: respond
    measurement: {sources: [meta], match: {accounts: [kerrphysio], kinds: [reply, comment]}}""",
)
def overlapping_matchers(ctx: LintContext) -> Iterator[Hit]:
    for overlap in overlaps(ctx.plan):
        first, second = overlap.first.id, overlap.second.id
        match = ctx.path(second, "measurement", "match")
        yield Hit(
            second,
            match
            if match in ctx.loaded.source_map.values
            else ctx.field_path(second, "measurement"),
            f"tactics '{first}' and '{second}' both claim {overlap.example} with equal "
            f"specificity ({overlap.specificity}); '{first}' takes it because it comes first in the plan",
        )


@rule(
    code="M007",
    name="unmeasurable-metric",
    severity=Severity.WARNING,
    summary="Goal metric or benchmark the plan's sources cannot measure",
    fix=(
        "Name a source that gives the data (the message lists them) in `measurement.sources`, "
        "measure by a metric the sources give, or accept it in `ignore:` with the reason"
    ),
    what=(
        "A goal whose metric no source the plan names can measure (the goal's "
        "`scope.sources` when it has them, else every tactic's `measurement.sources`), or a "
        "tactic benchmark its own `measurement.sources` cannot measure: `demo_requests` "
        "from sources that give no demo-request conversions, `first_response_minutes` from "
        "an export with no replies. Also a benchmark the scorecard never measures for a "
        "tactic (`revenue`, `pipeline_value`, `applications`, a plan's own metric), and one "
        "on activity the tactic does not claim (`listen_push_ratio` counts the tactic's "
        "own posts, which a `respond` tactic claims none of). Tactic benchmarks are "
        "measured on: " + ", ".join(f"`{m}`" for m in sorted(BENCHMARK_NEEDS)) + ". Which "
        "data each metric is measured from, and which source gives it, is in "
        "`outcomes.catalog.measurable`; "
        "the generic `csv` source can give any of it. A goal on a vanity, activity or "
        "engagement metric is left to `vanity-goal-metric`."
    ),
    why=(
        'A metric nothing can measure shows "no data" for the whole period: it looks like '
        "a tactic that has not started, and it hides whether the tactic works. How the "
        "activity will be measured is part of the tactical plan, and is best settled "
        "before the data is due."
    ),
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
  - id: trade-show
    benchmarks:
      - {metric: meetings, baseline: 0, target: 40}
    measurement:
      sources: [hubspot]     # HubSpot exports give no meeting conversions""",
    instead="""\
  - id: trade-show
    benchmarks:
      - {metric: opportunities, baseline: 0, target: 12}
    measurement:
      sources: [hubspot]""",
)
def unmeasurable_metric(ctx: LintContext) -> Iterator[Hit]:
    declared = sorted({s for t in ctx.plan.tactics if t.measurement for s in t.measurement.sources})
    for goal in ctx.plan.goals:
        if ctx.metrics[goal.metric].metric_class in _SOFT_CLASSES:
            continue  # vanity-goal-metric asks for another metric first
        sources = goal.scope.sources if goal.scope and goal.scope.sources else declared
        need = goal_need(goal.metric)
        if sources and not measurable(need, sources):
            yield Hit(
                goal.id,
                ctx.path(goal.id, "metric"),
                f"goal '{goal.id}' ({goal.metric}) cannot be measured from "
                f"{', '.join(sources)}: it needs {describe_need(need)}; "
                f"{_could(sources_for(need))}",
            )
    for tactic in ctx.plan.tactics:
        sources = tactic.measurement.sources if tactic.measurement else []
        if not sources:
            continue  # unmeasured-tactic says so
        for index, benchmark in enumerate(tactic.benchmarks):
            problem = _benchmark_gap(tactic, benchmark.metric, sources)
            if problem:
                yield Hit(
                    tactic.id,
                    ctx.path(tactic.id, "benchmarks", index),
                    f"benchmark {benchmark.metric} of tactic '{tactic.id}' {problem}",
                )


def _benchmark_gap(tactic: Tactic, metric: str, sources: Sequence[str]) -> str | None:
    """Why the benchmark cannot be measured, or None when it can."""
    need = benchmark_need(metric)
    if not need:
        return _never_measured(metric)
    kinds = claimed_kinds(tactic)
    if measurable(need, sources, kinds):
        return None
    if kinds is not None and not measurable(need, [ANY_DATA], kinds):
        lacking = ", ".join(describe(token) for token in missing(need, [ANY_DATA], kinds))
        return (
            f"counts activity the tactic does not claim: it claims activities of kind "
            f"{', '.join(kinds) or 'none'} only, and {metric} needs {lacking} too; claim "
            "them in `measurement.match.kinds`, or judge it where they are claimed"
        )
    return (
        f"cannot be measured from {', '.join(sources)}: it needs {describe_need(need)}; "
        f"{_could(sources_for(need, kinds))}"
    )


def _never_measured(metric: str) -> str:
    """Why a benchmark on `metric` has no actual, and where the figure does count."""
    never = (
        "is never measured for a tactic: a tactic's benchmarks are its activity, "
        "engagement and conversations, the conversions its journeys touched and the "
        "tickets deflected on its channel; "
    )
    if metric in CHECKIN_COUNTS:
        # A goal on it would be a vanity-goal-metric: the advice for revenue is wrong here.
        return never + (
            f"{metric} is a count of weekly check-ins (`outcomes checkin add`, or a "
            "register mapped as snapshots of the tactic), which counts for the tactic's "
            "`cadence` (the scorecard's execution table); state the rhythm as `cadence` "
            "and judge the tactic by the outcomes it brings"
        )
    return never + f"judge {metric} on a goal, where attribution credits it to tactics"


def _could(sources: tuple[str, ...]) -> str:
    if not sources:
        return "no source gives that"
    named = [s if s != ANY_DATA else "csv (a CSV mapped in outcomes.toml)" for s in sources]
    return f"sources that give it: {', '.join(named)}"
