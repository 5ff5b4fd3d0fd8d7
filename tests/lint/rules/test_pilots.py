"""Pilots (P): a pilot has a control group distinct from its group."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.lint.rules.conftest import Case, Plan, assert_fires, tactic


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


@pytest.mark.parametrize(
    ("change", "expected", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_fires_on_the_offending_element(
    clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
) -> None:
    assert_fires(clean_plan, change, expected, text)
