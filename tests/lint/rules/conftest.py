"""Helpers the rule tests share: lint a plan given as data, and check a case fires."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from outcomes.lint import CheckResult, check_plan
from tests.conftest import plan_from_data

Plan = dict[str, Any]

Case = tuple[str, Callable[[Plan], None], set[tuple[str, str]], str]
"""A rule test case: its id, the change to the clean plan, the (rule, element) hits
expected, and text one finding's message must contain."""


def lint(data: Plan) -> CheckResult:
    return check_plan(plan_from_data(data))


def hits(data: Plan) -> set[tuple[str, str]]:
    """(rule name, element) of every finding."""
    return {(f.rule.name, f.element) for f in lint(data).findings}


def tactic(data: Plan, tactic_id: str) -> dict[str, Any]:
    return next(t for t in data["tactics"] if t["id"] == tactic_id)


def assert_fires(
    clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
) -> None:
    """The changed plan has exactly the expected findings, one of them saying `text`."""
    change(clean_plan)
    result = lint(clean_plan)
    assert {(f.rule.name, f.element) for f in result.findings} == expected
    assert any(text in f.message for f in result.findings), [f.message for f in result.findings]


def rule_fires_test(cases: Sequence[Case]) -> Callable[..., None]:
    """The parametrised test each family's module runs over its `CASES`:
    `test_rule_fires_on_the_offending_element = rule_fires_test(CASES)`."""

    @pytest.mark.parametrize(
        ("change", "expected", "text"), [c[1:] for c in cases], ids=[c[0] for c in cases]
    )
    def test_rule_fires_on_the_offending_element(
        clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
    ) -> None:
        assert_fires(clean_plan, change, expected, text)

    return test_rule_fires_on_the_offending_element
