"""Suppressions (X): the plan's `ignore:` list, and entries of it that match nothing."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, lint, rule_fires_test, tactic


def _unused_ignore(p: Plan) -> None:
    p["ignore"] = [{"rule": "no-operator", "id": "rep-posts", "reason": "handled"}]


def _unknown_rule_ignored(p: Plan) -> None:
    p["ignore"] = [{"rule": "no-operater", "id": "rep-posts", "reason": "typo"}]


CASES: list[Case] = [
    ("unused ignore", _unused_ignore, {("unused-ignore", "plan")}, "matches no finding"),
    (
        "unknown rule in ignore",
        _unknown_rule_ignored,
        {("unused-ignore", "plan")},
        "did you mean 'no-operator'",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_ignore_moves_finding_to_suppressed_with_reason(clean_plan: Plan) -> None:
    tactic(clean_plan, "rep-posts")["operators"] = []  # no-operator (R002)
    clean_plan["ignore"] = [{"rule": "R002", "id": "rep-posts", "reason": "staffed in March"}]
    result = lint(clean_plan)
    assert result.findings == ()
    [suppressed] = result.suppressed
    assert (suppressed.finding.rule.name, suppressed.reason) == ("no-operator", "staffed in March")


def test_plan_level_findings_are_ignored_with_id_plan(clean_plan: Plan) -> None:
    tactic(clean_plan, "rep-posts")["resources"]["tools"] = [{"name": "Suite", "cost": 90000}]
    clean_plan["ignore"] = [
        {"rule": "technology-first-budget", "id": "plan", "reason": "one-off licence"}
    ]
    assert lint(clean_plan).findings == ()
