"""Across the families: a clean plan stays clean, every rule has a firing case, findings
come in file order, and each rule lives in the module of its code's family."""

from __future__ import annotations

import importlib
import pkgutil

import outcomes.lint.rules
from outcomes.lint import Rule, all_rules, check_plan
from tests.lint.rules.conftest import Case, Plan, lint

FAMILIES = {
    "A": "alignment",
    "C": "resources",
    "L": "listening",
    "M": "measurement",
    "P": "pilots",
    "R": "responsibility",
    "S": "silos",
    "X": "meta",
}
"""Each code letter's module, under outcomes.lint.rules and (as test_<module>) here."""


def module_of(rule: Rule) -> str:
    return rule.check.__module__.removeprefix(f"{outcomes.lint.rules.__name__}.")


def family_cases(module: str) -> list[Case]:
    cases: list[Case] = importlib.import_module(f"{__package__}.test_{module}").CASES
    return cases


def test_clean_plan_has_no_findings(clean_plan: Plan) -> None:
    result = lint(clean_plan)
    assert result.findings == ()
    assert result.score.value == 100


def test_every_rule_has_a_firing_case() -> None:
    covered = {
        name for module in FAMILIES.values() for case in family_cases(module) for name, _ in case[2]
    }
    assert covered == {r.name for r in all_rules()}


def test_each_rule_lives_in_its_familys_module() -> None:
    misplaced = {
        r.code: module_of(r) for r in all_rules() if module_of(r) != FAMILIES.get(r.code[0])
    }
    assert misplaced == {}


def test_each_module_holds_one_family() -> None:
    modules = {info.name for info in pkgutil.iter_modules(outcomes.lint.rules.__path__)}
    letters = {
        module: {r.code[0] for r in all_rules() if module_of(r) == module} for module in modules
    }
    assert letters == {module: {letter} for letter, module in FAMILIES.items()}


def test_each_family_test_module_tests_its_own_family() -> None:
    codes = {r.name: r.code for r in all_rules()}
    strays = {
        (module, name)
        for letter, module in FAMILIES.items()
        for case in family_cases(module)
        for name, _ in case[2]
        if codes[name][0] != letter
    }
    assert strays == set()


def test_findings_are_in_file_order(tactics_first_path: object) -> None:
    from outcomes.plan import load_plan

    result = check_plan(load_plan(str(tactics_first_path)))
    lines = [(f.mark.line, f.mark.column) for f in result.findings]
    assert lines == sorted(lines)
