"""Each rule fires on the element that breaks it, and only there; a clean plan stays clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from outcomes.lint import CheckResult, check_plan
from tests.conftest import plan_from_data

Plan = dict[str, Any]


def lint(data: Plan) -> CheckResult:
    return check_plan(plan_from_data(data))


def hits(data: Plan) -> set[tuple[str, str]]:
    """(rule name, element) of every finding."""
    return {(f.rule.name, f.element) for f in lint(data).findings}


def tactic(data: Plan, tactic_id: str) -> dict[str, Any]:
    return next(t for t in data["tactics"] if t["id"] == tactic_id)


def test_clean_plan_has_no_findings(clean_plan: Plan) -> None:
    result = lint(clean_plan)
    assert result.findings == ()
    assert result.score.value == 100


def _no_serves(p: Plan) -> None:
    del tactic(p, "rep-posts")["serves"]


def _strategy_serves_nothing(p: Plan) -> None:
    p["strategies"][0]["serves"] = []


def _second_goal(p: Plan) -> None:
    p["goals"].append({**p["goals"][0], "id": "orphan-goal"})


def _second_strategy(p: Plan) -> None:
    p["strategies"].append({**p["strategies"][0], "id": "idle-strategy"})


def _twitter_strategy(p: Plan) -> None:
    p["strategies"][0]["title"] = "Our Twitter strategy"


def _presence_goal(p: Plan) -> None:
    p["goals"][0]["title"] = "Grow our LinkedIn presence"


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


def _no_sponsor(p: Plan) -> None:
    del p["goals"][0]["sponsor"]


def _non_executive_sponsor(p: Plan) -> None:
    p["goals"][0]["sponsor"] = "rep"


def _no_operators(p: Plan) -> None:
    tactic(p, "rep-posts")["operators"] = []


def _two_accountable(p: Plan) -> None:
    tactic(p, "rep-posts")["accountable"] = ["vp-sales", "ceo"]


def _team_accountable(p: Plan) -> None:
    tactic(p, "answer-mentions")["accountable"] = "care"


def _overloaded(p: Plan) -> None:
    tactic(p, "rep-posts")["resources"]["hours_per_week"] = 9


def _unresourced(p: Plan) -> None:
    del tactic(p, "rep-posts")["resources"]


def _no_hourly_cost(p: Plan) -> None:
    del p["organisation"]["hourly_cost"]
    tactic(p, "rep-posts")["resources"]["tools"] = []


def _expensive_tools(p: Plan) -> None:
    tactic(p, "rep-posts")["resources"]["tools"] = [{"name": "Suite", "cost": 90000}]


def _no_listening(p: Plan) -> None:
    tactic(p, "answer-mentions")["channel"] = "x"


def _marketing_only(p: Plan) -> None:
    for person in p["people"]:
        person["function"] = "marketing"
    p["goals"][0]["functions"] = ["marketing"]
    p["strategies"][0]["functions"] = ["marketing"]


def _pilot_without_control(p: Plan) -> None:
    tactic(p, "rep-posts")["pilot"]["control"] = []


def _pilot_overlap(p: Plan) -> None:
    tactic(p, "rep-posts")["pilot"]["control"] = ["rep"]


def _outside_goal(p: Plan) -> None:
    t = tactic(p, "rep-posts")
    t["start"], t["end"] = "2027-02-01", "2027-03-31"


def _no_cadence(p: Plan) -> None:
    del tactic(p, "rep-posts")["cadence"]


def _unused_ignore(p: Plan) -> None:
    p["ignore"] = [{"rule": "no-operator", "id": "rep-posts", "reason": "handled"}]


def _unknown_rule_ignored(p: Plan) -> None:
    p["ignore"] = [{"rule": "no-operater", "id": "rep-posts", "reason": "typo"}]


CASES: list[tuple[str, Callable[[Plan], None], set[tuple[str, str]], str]] = [
    (
        "tactic serves nothing",
        _no_serves,
        {("random-act-of-social", "rep-posts")},
        "serves no strategy",
    ),
    (
        "strategy serves nothing",
        _strategy_serves_nothing,
        {("random-act-of-social", "trusted-advisers"), ("goal-without-strategy", "more-customers")},
        "serves no business goal",
    ),
    (
        "goal nobody serves",
        _second_goal,
        {("goal-without-strategy", "orphan-goal")},
        "no strategy serves",
    ),
    (
        "strategy with no tactic",
        _second_strategy,
        {("strategy-without-tactics", "idle-strategy")},
        "no tactic",
    ),
    (
        "medium as strategy",
        _twitter_strategy,
        {("medium-as-strategy", "trusted-advisers")},
        "(Twitter)",
    ),
    ("presence as goal", _presence_goal, {("medium-as-strategy", "more-customers")}, "(LinkedIn)"),
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
    ("no sponsor", _no_sponsor, {("no-executive-sponsor", "more-customers")}, "has no sponsor"),
    (
        "sponsor not executive",
        _non_executive_sponsor,
        {("no-executive-sponsor", "more-customers")},
        "Remy, is not an executive",
    ),
    ("no operators", _no_operators, {("no-operator", "rep-posts")}, "no operator"),
    (
        "two accountable",
        _two_accountable,
        {("accountable-not-one", "rep-posts")},
        "2 people accountable",
    ),
    (
        "team accountable",
        _team_accountable,
        {("accountable-not-one", "answer-mentions")},
        "a team ('care')",
    ),
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
    (
        "push without listening",
        _no_listening,
        {("push-without-listening", "rep-posts")},
        "pushes on linkedin",
    ),
    ("marketing silo", _marketing_only, {("marketing-silo", "plan")}, "marketing alone"),
    (
        "pilot without control",
        _pilot_without_control,
        {("pilot-without-control", "rep-posts")},
        "no control group",
    ),
    (
        "pilot overlap",
        _pilot_overlap,
        {("pilot-without-control", "rep-posts")},
        "rep in both group and control",
    ),
    (
        "outside goal period",
        _outside_goal,
        {("tactic-outside-goal-period", "rep-posts")},
        "entirely outside",
    ),
    ("no cadence", _no_cadence, {("missing-cadence", "rep-posts")}, "no cadence"),
    ("unused ignore", _unused_ignore, {("unused-ignore", "plan")}, "matches no finding"),
    (
        "unknown rule in ignore",
        _unknown_rule_ignored,
        {("unused-ignore", "plan")},
        "did you mean 'no-operator'",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_fires_on_the_offending_element(
    clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
) -> None:
    change(clean_plan)
    result = lint(clean_plan)
    assert {(f.rule.name, f.element) for f in result.findings} == expected
    assert any(text in f.message for f in result.findings), [f.message for f in result.findings]


def test_every_rule_has_a_firing_case() -> None:
    from outcomes.lint import all_rules

    covered = {name for case in CASES for name, _ in case[2]}
    assert covered == {r.name for r in all_rules()}


def test_ignore_moves_finding_to_suppressed_with_reason(clean_plan: Plan) -> None:
    _no_operators(clean_plan)
    clean_plan["ignore"] = [{"rule": "R002", "id": "rep-posts", "reason": "staffed in March"}]
    result = lint(clean_plan)
    assert result.findings == ()
    [suppressed] = result.suppressed
    assert (suppressed.finding.rule.name, suppressed.reason) == ("no-operator", "staffed in March")


def test_plan_level_findings_are_ignored_with_id_plan(clean_plan: Plan) -> None:
    _expensive_tools(clean_plan)
    clean_plan["ignore"] = [
        {"rule": "technology-first-budget", "id": "plan", "reason": "one-off licence"}
    ]
    assert lint(clean_plan).findings == ()


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


def test_goal_with_a_business_metric_naming_a_channel_is_not_medium_as_strategy(
    clean_plan: Plan,
) -> None:
    clean_plan["goals"][0]["title"] = "Net new customers acquired through Facebook"
    assert hits(clean_plan) == set()


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


def test_partly_outside_goal_period(clean_plan: Plan) -> None:
    tactic(clean_plan, "answer-mentions")["end"] = "2027-01-31"
    [finding] = lint(clean_plan).findings
    assert "partly outside" in finding.message


def test_findings_are_in_file_order(tactics_first_path: object) -> None:
    from outcomes.plan import load_plan

    result = check_plan(load_plan(str(tactics_first_path)))
    lines = [(f.mark.line, f.mark.column) for f in result.findings]
    assert lines == sorted(lines)
