"""The round-trip writer: an edit changes its own lines and keeps every comment and order."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from importlib import resources

import pytest

from outcomes.plan import load_plan_text
from outcomes.plan.edit import EditError, add_element, remove_element, set_fields


def _example(name: str) -> str:
    return resources.files("outcomes.examples").joinpath(f"{name}.plan.yaml").read_text("utf-8")


def _changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The removed and the added lines of a diff."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff[2:] if line.startswith("-")]
    added = [line[1:] for line in diff[2:] if line.startswith("+")]
    return removed, added


def _comments(text: str) -> list[str]:
    return [match.group(0) for match in re.finditer(r"#.*", text)]


def _top_keys_and_ids(text: str) -> list[str]:
    return re.findall(r"^(?:\w+:|\s*- (?:\{)?id: [\w-]+)", text, flags=re.MULTILINE)


def test_an_edit_changes_only_the_edited_lines_and_keeps_every_comment() -> None:
    text = _example("northwind")
    edited = set_fields(
        text,
        "tactics",
        "li-rep-insights",
        {"title": "One insight a week", "operators": ["ana"], "resources.hours_per_week": 5},
    )
    removed, added = _changed(text, edited)
    assert added == [
        "    title: One insight a week",
        "    operators: [ana]",
        "    resources: {hours_per_week: 5}",
    ]
    assert len(removed) == 3
    assert _comments(edited) == _comments(text)
    assert _top_keys_and_ids(edited) == _top_keys_and_ids(text)
    tactic = load_plan_text(edited).plan.tactics[0]
    assert (tactic.title, tactic.operators) == ("One insight a week", ["ana"])


@pytest.mark.parametrize("name", ["northwind", "clinics", "tactics-first"])
def test_setting_the_values_a_plan_already_has_changes_nothing(name: str) -> None:
    text = _example(name)
    plan = load_plan_text(text).plan
    goal = plan.goals[0]
    same = set_fields(text, "goals", goal.id, {"title": goal.title, "start": goal.start})
    assert same == text


def test_a_new_element_comes_last_in_its_list_in_the_list_s_style() -> None:
    text = _example("northwind")
    edited = add_element(text, "people", {"id": "eve", "name": "Eve Berg", "executive": True})
    edited = add_element(
        edited,
        "goals",
        {"id": "churn", "title": "Keep customers", "metric": "net_new_customers",
         "direction": "increase", "baseline": 1, "target": 2,
         "start": dt.date(2026, 1, 1), "due": dt.date(2026, 12, 31), "sponsor": "eve"},
    )  # fmt: skip
    removed, added = _changed(text, edited)
    assert removed == []
    assert added[0] == "  - {id: eve, name: Eve Berg, executive: true}"
    assert added[1:3] == ["  - id: churn", "    title: Keep customers"]
    plan = load_plan_text(edited).plan
    assert plan.goals[-1].sponsor == "eve"
    # The blank line between the goals and the strategies is still just before `strategies:`.
    assert "    sponsor: eve\n\nstrategies:" in edited


def test_removing_an_element_removes_its_lines_only() -> None:
    text = _example("northwind")
    edited = remove_element(text, "tactics", "trade-show")
    removed, added = _changed(text, edited)
    assert added == []
    assert removed[0] == "  - id: trade-show"
    assert all("trade-show" not in line for line in edited.splitlines())
    assert _comments(edited) == _comments(text)


def test_an_id_list_written_as_one_id_stays_one_id() -> None:
    text = _example("northwind")
    edited = set_fields(text, "tactics", "trade-show", {"accountable": ["dana"]})
    assert _changed(text, edited)[1] == ["    accountable: dana"]


def test_an_empty_value_removes_the_key() -> None:
    text = _example("northwind")
    edited = set_fields(text, "goals", "new-logos", {"stretch": None, "threshold": None})
    removed, added = _changed(text, edited)
    assert removed == ["    threshold: 50", "    stretch: 72"]
    assert added == []


def test_a_plan_indented_another_way_keeps_its_indentation() -> None:
    text = "version: 1\npeople:\n- id: a  # first\n  name: A\n- id: b\n  name: B\n"
    edited = set_fields(text, "people", "b", {"name": "Bea"})
    assert edited == text.replace("name: B\n", "name: Bea\n")


def test_unknown_elements_and_broken_yaml_are_refused_with_what_to_do() -> None:
    text = _example("northwind")
    with pytest.raises(EditError, match="no tactics element 'nope'; reload"):
        set_fields(text, "tactics", "nope", {"title": "x"})
    with pytest.raises(EditError, match="already has an element 'dana'"):
        add_element(text, "people", {"id": "dana", "name": "Dana"})
    with pytest.raises(EditError, match="not valid YAML"):
        set_fields("goals: [", "goals", "a", {})
