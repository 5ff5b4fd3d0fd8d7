"""Measurement (M): business-metric goals, benchmarks in their metric's direction, data
sources and a cadence."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, hits, lint, rule_fires_test, tactic


def _vanity_goal(p: Plan) -> None:
    p["goals"][0]["metric"] = "followers"


def _vanity_benchmarks(p: Plan) -> None:
    tactic(p, "rep-posts")["benchmarks"] = [
        {"metric": "likes", "target": 100},
        {"metric": "reach", "target": 9},
    ]


def _no_benchmarks(p: Plan) -> None:
    del tactic(p, "rep-posts")["benchmarks"]


def _no_sources(p: Plan) -> None:
    tactic(p, "rep-posts")["measurement"] = {"sources": []}


def _threshold_above_target(p: Plan) -> None:
    p["goals"][0]["threshold"] = 16


def _lower_better_inverted(p: Plan) -> None:
    tactic(p, "answer-mentions")["benchmarks"] = [
        {"metric": "first_response_minutes", "threshold": 60, "target": 240}
    ]


def _no_cadence(p: Plan) -> None:
    del tactic(p, "rep-posts")["cadence"]


CASES: list[Case] = [
    (
        "vanity goal",
        _vanity_goal,
        {("vanity-goal-metric", "more-customers")},
        "followers, a vanity metric",
    ),
    (
        "vanity benchmarks",
        _vanity_benchmarks,
        {("vanity-only-benchmarks", "rep-posts")},
        "(likes, reach)",
    ),
    ("no benchmarks", _no_benchmarks, {("missing-benchmarks", "rep-posts")}, "no benchmarks"),
    ("no sources", _no_sources, {("unmeasured-tactic", "rep-posts")}, "no data source"),
    (
        "threshold above target",
        _threshold_above_target,
        {("benchmark-order", "more-customers")},
        "threshold 16 is above target 15",
    ),
    (
        "lower is better inverted",
        _lower_better_inverted,
        {("benchmark-order", "answer-mentions")},
        "threshold 60 is below target 240",
    ),
    ("no cadence", _no_cadence, {("missing-cadence", "rep-posts")}, "no cadence"),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_decrease_goal_reads_levels_downwards(clean_plan: Plan) -> None:
    goal = clean_plan["goals"][0]
    goal.update(
        metric="support_cost",
        direction="decrease",
        baseline=100,
        threshold=95,
        target=90,
        stretch=80,
    )
    assert hits(clean_plan) == set()
    goal["baseline"] = 85
    result = lint(clean_plan)
    assert [f.message for f in result.findings] == [
        "goal 'more-customers' (decrease): baseline 85 is already below target 90"
    ]
