"""Silos (S): social is not run by and for marketing alone."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, rule_fires_test


def _marketing_only(p: Plan) -> None:
    for person in p["people"]:
        person["function"] = "marketing"
    p["goals"][0]["functions"] = ["marketing"]
    p["strategies"][0]["functions"] = ["marketing"]


CASES: list[Case] = [
    ("marketing silo", _marketing_only, {("marketing-silo", "plan")}, "marketing alone"),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)
