"""Responsibility (R): an executive sponsor per goal, operators and one accountable person
per tactic."""

from __future__ import annotations

from tests.lint.rules.conftest import Case, Plan, rule_fires_test, tactic


def _no_sponsor(p: Plan) -> None:
    del p["goals"][0]["sponsor"]


def _non_executive_sponsor(p: Plan) -> None:
    p["goals"][0]["sponsor"] = "rep"


def _no_operators(p: Plan) -> None:
    tactic(p, "rep-posts")["operators"] = []


def _two_accountable(p: Plan) -> None:
    tactic(p, "rep-posts")["accountable"] = ["vp-sales", "ceo"]


def _team_accountable(p: Plan) -> None:
    tactic(p, "answer-mentions")["accountable"] = "care"


CASES: list[Case] = [
    ("no sponsor", _no_sponsor, {("no-executive-sponsor", "more-customers")}, "has no sponsor"),
    (
        "sponsor not executive",
        _non_executive_sponsor,
        {("no-executive-sponsor", "more-customers")},
        "Remy, is not an executive",
    ),
    ("no operators", _no_operators, {("no-operator", "rep-posts")}, "no operator"),
    (
        "two accountable",
        _two_accountable,
        {("accountable-not-one", "rep-posts")},
        "2 people accountable",
    ),
    (
        "team accountable",
        _team_accountable,
        {("accountable-not-one", "answer-mentions")},
        "a team ('care')",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)
