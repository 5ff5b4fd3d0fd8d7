"""Resources (C): hours people can give, and money and tools priced for ROI."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, hits, lint, rule_fires_test, tactic


def _overloaded(p: Plan) -> None:
    tactic(p, "rep-posts")["resources"]["hours_per_week"] = 9


def _unresourced(p: Plan) -> None:
    del tactic(p, "rep-posts")["resources"]


def _no_hourly_cost(p: Plan) -> None:
    del p["organisation"]["hourly_cost"]
    tactic(p, "rep-posts")["resources"]["tools"] = []


def _expensive_tools(p: Plan) -> None:
    tactic(p, "rep-posts")["resources"]["tools"] = [{"name": "Suite", "cost": 90000}]


CASES: list[Case] = [
    (
        "overloaded",
        _overloaded,
        {("owner-overloaded", "rep")},
        "asked for 9 h/week from 2026-01-01 (rep-posts) but has 5",
    ),
    ("unresourced", _unresourced, {("unresourced-tactic", "rep-posts")}, "neither hours nor money"),
    (
        "no hourly cost",
        _no_hourly_cost,
        {("no-roi-inputs", "rep-posts"), ("no-roi-inputs", "answer-mentions")},
        "no hourly_cost",
    ),
    (
        "tools first",
        _expensive_tools,
        {("technology-first-budget", "plan")},
        "tools cost 90,000 EUR",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_overload_counts_only_tactics_running_at_the_same_time(clean_plan: Plan) -> None:
    first = tactic(clean_plan, "rep-posts")
    first["resources"]["hours_per_week"] = 4
    first["end"] = "2026-06-30"
    second = {**first, "id": "rep-posts-h2", "start": "2026-07-01", "end": "2026-12-31"}
    second.pop("pilot")
    clean_plan["tactics"].append(second)
    assert ("owner-overloaded", "rep") not in hits(clean_plan)
    second["start"] = "2026-06-30"
    assert ("owner-overloaded", "rep") in hits(clean_plan)


def test_hours_are_shared_among_operators(clean_plan: Plan) -> None:
    t = tactic(clean_plan, "rep-posts")
    t["resources"]["hours_per_week"] = 9
    t["operators"] = ["rep", "rep2"]
    t.pop("pilot")
    assert ("owner-overloaded", "rep") not in hits(clean_plan)


def test_operator_without_capacity_is_overloaded(clean_plan: Plan) -> None:
    del clean_plan["people"][2]["hours_per_week"]
    result = lint(clean_plan)
    [finding] = result.findings
    assert finding.rule.name == "owner-overloaded"
    assert "has no hours_per_week" in finding.message
