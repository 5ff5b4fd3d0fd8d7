"""Pilots (P): a pilot has a control group distinct from its group."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, rule_fires_test, tactic


def _pilot_without_control(p: Plan) -> None:
    tactic(p, "rep-posts")["pilot"]["control"] = []


def _pilot_overlap(p: Plan) -> None:
    tactic(p, "rep-posts")["pilot"]["control"] = ["rep"]


CASES: list[Case] = [
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
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)
