"""Alignment (A): every tactic serves a strategy, every strategy a goal, media are not
strategies, and tactics run inside their goals' periods."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, hits, lint, rule_fires_test, tactic


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


def _outside_goal(p: Plan) -> None:
    t = tactic(p, "rep-posts")
    t["start"], t["end"] = "2027-02-01", "2027-03-31"


CASES: list[Case] = [
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
        "outside goal period",
        _outside_goal,
        {("tactic-outside-goal-period", "rep-posts")},
        "entirely outside",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_goal_with_a_business_metric_naming_a_channel_is_not_medium_as_strategy(
    clean_plan: Plan,
) -> None:
    clean_plan["goals"][0]["title"] = "Net new customers acquired through Facebook"
    assert hits(clean_plan) == set()


def test_partly_outside_goal_period(clean_plan: Plan) -> None:
    tactic(clean_plan, "answer-mentions")["end"] = "2027-01-31"
    [finding] = lint(clean_plan).findings
    assert "partly outside" in finding.message
