"""Listening (L): a channel pushed on is also listened to."""

from __future__ import annotations

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
