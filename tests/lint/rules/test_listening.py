"""Listening (L): a channel pushed on is also listened to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from outcomes.lint.rules.listening import required_listeners
from outcomes.plan import LoadedPlan
from tests.lint.rules.conftest import Case, Plan, rule_fires_test, tactic


def _no_listening(p: Plan) -> None:
    tactic(p, "answer-mentions")["channel"] = "x"


CASES: list[Case] = [
    (
        "push without listening",
        _no_listening,
        {("push-without-listening", "rep-posts")},
        "pushes on linkedin",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_the_listeners_l001_requires_are_those_on_a_pushed_channel(
    load_data: Callable[..., LoadedPlan], clean_plan: dict[str, Any]
) -> None:
    required = required_listeners(load_data(clean_plan).plan)
    assert list(required) == ["answer-mentions"]
    assert "L001" in required["answer-mentions"] and "rep-posts" in required["answer-mentions"]
    # On a channel nobody pushes on, answering is not required by the rule.
    _no_listening(clean_plan)
    assert required_listeners(load_data(clean_plan).plan) == {}
