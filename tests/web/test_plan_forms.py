"""The plan editor's fields: read loosely from text, shown back as text, notes placed by path."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest

from outcomes.lint import check_plan
from outcomes.plan import PlanError, load_plan_text
from outcomes.plan.edit import set_fields
from outcomes.web.plan_forms import FIELDS, form_values, parse, place, read_form

NORTHWIND = resources.files("outcomes.examples").joinpath("northwind.plan.yaml").read_text("utf-8")
TACTIC_FIELDS = {field.key: field for field in FIELDS["tactics"]}


def test_values_are_numbers_or_dates_when_they_read_as_one_and_text_otherwise() -> None:
    value = TACTIC_FIELDS["resources.budget"]
    assert parse(value, " 6_000 ") == 6000
    assert parse(value, "0.75") == 0.75
    assert parse(TACTIC_FIELDS["start"], "2026-02-01") == dt.date(2026, 2, 1)
    assert parse(TACTIC_FIELDS["start"], "next spring") == "next spring"
    assert parse(TACTIC_FIELDS["operators"], "ana, bo,, ") == ["ana", "bo"]
    assert parse(TACTIC_FIELDS["title"], "   ") is None  # empty: the key is removed


def test_an_element_is_shown_as_the_text_its_form_posts_back() -> None:
    text = NORTHWIND
    tactic = load_plan_text(text).plan.tactics[0]
    shown = form_values("tactics", tactic.model_dump(mode="python", by_alias=True))
    assert shown["operators"] == "ana, bo" and shown["cadence.count"] == "1"
    assert shown["start"] == "2026-02-01" and shown["resources.budget"] == ""
    # Posting the form back unchanged changes no line of the plan.
    values = read_form("tactics", shown, new=False)
    assert set_fields(text, "tactics", tactic.id, values) == text


def test_problems_and_findings_stand_beside_the_field_their_path_names() -> None:
    text = NORTHWIND
    broken = set_fields(text, "tactics", "li-rep-insights", {"cadence.per": "fortnight"})
    with pytest.raises(PlanError) as refused:
        load_plan_text(broken)
    notes = place("tactics", 0, problems=refused.value.problems)
    assert list(notes.by_field) == ["cadence.per"] and not notes.general
    assert notes.by_field["cadence.per"][0].startswith("plan.yaml:")
    shared = set_fields(text, "tactics", "li-rep-insights", {"accountable": ["sam", "dana"]})
    findings = check_plan(load_plan_text(shared)).findings
    notes = place(
        "tactics", 0, findings=[f for f in findings if f.rule.name == "accountable-not-one"]
    )
    assert "accountable-not-one" in notes.by_field["accountable"][0]
