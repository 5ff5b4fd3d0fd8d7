"""Silos (S): social is not run by and for marketing alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.lint.rules.conftest import Case, Plan, assert_fires


def _marketing_only(p: Plan) -> None:
    for person in p["people"]:
        person["function"] = "marketing"
    p["goals"][0]["functions"] = ["marketing"]
    p["strategies"][0]["functions"] = ["marketing"]


CASES: list[Case] = [
    ("marketing silo", _marketing_only, {("marketing-silo", "plan")}, "marketing alone"),
]


@pytest.mark.parametrize(
    ("change", "expected", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_fires_on_the_offending_element(
    clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
) -> None:
    assert_fires(clean_plan, change, expected, text)
