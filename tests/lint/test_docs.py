"""Rule documentation is generated from the rules, complete, and checked in up to date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from outcomes.lint import all_rules, find_rule
from outcomes.lint.docs import rule_markdown, rules_markdown
from outcomes.plan import PlanError, load_plan_text

DOCS = Path(__file__).parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `make docs` (outcomes rule --all > docs/rules.md)"
    )


def test_codes_and_names_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"[A-Z]\d{3}", r.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name)


SPEC_RULES = {
    "random-act-of-social", "goal-without-strategy", "strategy-without-tactics",
    "medium-as-strategy", "vanity-goal-metric", "vanity-only-benchmarks", "missing-benchmarks",
    "unmeasured-tactic", "benchmark-order", "no-executive-sponsor", "no-operator",
    "accountable-not-one", "owner-overloaded", "unresourced-tactic", "no-roi-inputs",
    "technology-first-budget", "push-without-listening", "marketing-silo",
    "pilot-without-control", "tactic-outside-goal-period",
}  # fmt: skip


def test_every_rule_the_spec_names_exists() -> None:
    assert {r.name for r in all_rules()} >= SPEC_RULES


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_rule_documentation_is_complete(rule: object) -> None:
    from outcomes.lint import Rule

    assert isinstance(rule, Rule)
    page = rule_markdown(rule)
    for section in (
        "## What it finds",
        "## Why it matters",
        "## Example",
        "Use instead:",
        "## Fix",
    ):
        assert section in page
    assert rule.fix != rule.summary
    assert not rule.fix.endswith(".")
    assert rule.summary[0].isupper() and not rule.summary.endswith(".")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_documented_examples_are_valid_yaml(rule: object) -> None:
    import yaml

    from outcomes.lint import Rule

    assert isinstance(rule, Rule)
    for snippet in (rule.example, rule.instead):
        yaml.safe_load(snippet)


def test_find_rule_by_name_or_code() -> None:
    assert find_rule("push-without-listening") is find_rule("L001") is find_rule("l001")
    assert find_rule("no-such-rule") is None


def test_seed_quotes_come_from_the_seeds() -> None:
    seeds = Path(__file__).parents[3] / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    corpus = " ".join(" ".join(p.read_text().split()) for p in seeds.glob("*.txt"))
    corpus = corpus.replace("’", "'").replace("‘", "'")
    for rule in all_rules():
        if rule.seed:
            assert " ".join(rule.seed.split()) in corpus, rule.name


def test_a_plan_cannot_ignore_an_unknown_element() -> None:
    import yaml

    from tests.conftest import CLEAN_PLAN

    data = {**CLEAN_PLAN, "ignore": [{"rule": "no-operator", "id": "rep-post", "reason": "x"}]}
    with pytest.raises(
        PlanError, match=r"no element 'rep-post' in the plan \(did you mean 'rep-posts'\?\)"
    ):
        load_plan_text(yaml.safe_dump(data, sort_keys=False))
