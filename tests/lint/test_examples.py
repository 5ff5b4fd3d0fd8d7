"""The two example plans: Northwind is clean, tactics-first trips every rule its header names."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from outcomes.lint import Severity, check_plan
from outcomes.plan import load_plan
from tests.conftest import SHARED_EXAMPLES


def test_northwind_has_no_errors_and_its_ignore_is_used(northwind_path: Path) -> None:
    result = check_plan(load_plan(northwind_path))
    assert result.count(Severity.ERROR) == 0
    assert result.findings == ()
    [accepted] = result.suppressed
    assert (accepted.finding.rule.name, accepted.finding.element) == (
        "push-without-listening",
        "fb-retarget",
    )


# (rule, element, line, column) — the place each finding must point at in the file.
TACTICS_FIRST_EXPECTED = {
    ("random-act-of-social", "insta-giveaway", 48, 5),
    ("medium-as-strategy", "twitter-strategy", 27, 12),
    ("medium-as-strategy", "be-on-social", 15, 12),
    ("vanity-goal-metric", "be-on-social", 16, 13),
    ("no-executive-sponsor", "be-on-social", 22, 14),
    ("missing-benchmarks", "insta-giveaway", 57, 17),
    ("unmeasured-tactic", "insta-giveaway", 58, 18),
    ("no-operator", "insta-giveaway", 52, 16),
    ("accountable-not-one", "insta-giveaway", 53, 18),
    ("push-without-listening", "daily-tweets", 36, 11),
    ("push-without-listening", "insta-giveaway", 51, 11),
    ("marketing-silo", "plan", 31, 1),
    ("technology-first-budget", "plan", 31, 1),
    ("vanity-only-benchmarks", "daily-tweets", 44, 7),
    # Beyond the header's twelve: the plan also prices no hours and gives Jo no capacity.
    ("owner-overloaded", "jo", 11, 5),
    ("no-roi-inputs", "daily-tweets", 42, 33),
    ("missing-cadence", "insta-giveaway", 51, 11),
    # A follower count is no tactic benchmark the scorecard can ever measure.
    ("unmeasurable-metric", "daily-tweets", 44, 9),
}

HEADER_RULES = {
    "random-act-of-social", "medium-as-strategy", "vanity-goal-metric", "no-executive-sponsor",
    "missing-benchmarks", "unmeasured-tactic", "no-operator", "accountable-not-one",
    "push-without-listening", "marketing-silo", "technology-first-budget", "vanity-only-benchmarks",
}  # fmt: skip


def test_tactics_first_findings_point_at_the_right_places(tactics_first_path: Path) -> None:
    result = check_plan(load_plan(tactics_first_path))
    found = {(f.rule.name, f.element, f.mark.line, f.mark.column) for f in result.findings}
    assert found == TACTICS_FIRST_EXPECTED


def test_tactics_first_reports_each_header_rule_once_per_offending_element(
    tactics_first_path: Path,
) -> None:
    result = check_plan(load_plan(tactics_first_path))
    per_element = Counter((f.rule.name, f.element) for f in result.findings)
    assert {name for name, _ in per_element} >= HEADER_RULES
    assert max(per_element.values()) == 1
    assert result.fails(Severity.ERROR)


def test_tactics_first_header_lists_the_rules_we_test() -> None:
    header = (
        Path(__file__).parents[2] / "src/outcomes/examples/tactics-first.plan.yaml"
    ).read_text()
    named = {
        word.strip(" ,.\n#")
        for word in header.split("at least:")[1].split("version:")[0].split(",")
    }
    assert named == HEADER_RULES


@pytest.mark.parametrize("name", ["northwind", "tactics-first"])
def test_the_shared_examples_still_load_and_the_bundled_ones_plan_the_same_company(
    name: str,
) -> None:
    """The shared examples were written against the first plan format: they still load.

    The bundled copies go further (goal scopes, value_per_unit, match kinds, benchmarks
    their sources can measure) but keep the same goals, strategies, tactics and people.
    """
    shared = SHARED_EXAMPLES / f"{name}.plan.yaml"
    if not shared.exists():
        pytest.skip("../shared/examples is not beside this checkout")
    bundled = load_plan(Path(__file__).parents[2] / f"src/outcomes/examples/{name}.plan.yaml")
    written = load_plan(shared)
    for part in ("goals", "strategies", "tactics", "people"):
        assert [e.id for e in getattr(written.plan, part)] == [
            e.id for e in getattr(bundled.plan, part)
        ], part
