"""Checks across the plan: unique ids, references of the right kind, team cycles, date order.

Each case edits the northwind example (helpers in `test_load`) and expects exactly the
problems listed, at the line and column `at` finds in the edited text.
"""

from __future__ import annotations

import pytest

from outcomes.examples import EXAMPLES, example_text
from outcomes.plan import load_plan_text
from outcomes.plan.references import WHOLE_PLAN_ID, check_references
from tests.plan.test_load import MINIMAL, at, northwind, problems


def with_people(*people: str) -> str:
    """The minimal plan with these flow mappings added to its people."""
    added = "".join(f"  - {person}\n" for person in people)
    return MINIMAL.replace("people:\n", "people:\n" + added)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_have_no_reference_problems(name: str) -> None:
    loaded = load_plan_text(example_text(name))
    assert list(check_references(loaded.plan, "plan.yaml", loaded.source_map)) == []


# --- Teams and ids -----------------------------------------------------------------------


def test_two_teams_that_contain_each_other_are_a_cycle() -> None:
    text = northwind(
        ("function: service, members: []", "function: service, members: [talent]"),
        ("function: talent, hours", "function: talent, members: [support-team], hours"),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, 'members: [talent]', '[')}: people[8].members: team membership"
        " goes round in a circle: support-team → talent → support-team",
        f"plan.yaml:{at(text, 'members: [support-team]', '[')}: people[9].members: team"
        " membership goes round in a circle: talent → support-team → talent",
    ]


def test_a_team_that_contains_itself_is_a_cycle() -> None:
    text = northwind(("members: []", "members: [support-team]"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'members: [support-team]', '[')}: people[8].members: team"
        " membership goes round in a circle: support-team → support-team"
    ]


def test_teams_of_teams_without_a_cycle_are_fine() -> None:
    text = with_people(
        "{id: ana, name: Ana}",
        "{id: sales, name: Sales, members: [ana]}",
        "{id: commercial, name: Commercial, members: [sales, ana]}",
    )
    assert load_plan_text(text).plan.people[2].members == ["sales", "ana"]


def test_a_longer_cycle_is_reported_for_each_team_on_it() -> None:
    text = with_people(
        "{id: x, name: X, members: [y]}",
        "{id: y, name: Y, members: [z]}",
        "{id: z, name: Z, members: [x]}",
    )
    assert problems(text) == [
        "plan.yaml:4:31: people[0].members: team membership goes round in a circle: x → y → z → x",
        "plan.yaml:5:31: people[1].members: team membership goes round in a circle: y → z → x → y",
        "plan.yaml:6:31: people[2].members: team membership goes round in a circle: z → x → y → z",
    ]


def test_a_team_that_only_leads_into_a_cycle_is_not_on_it() -> None:
    text = with_people(
        "{id: w, name: W, members: [x]}",
        "{id: x, name: X, members: [y]}",
        "{id: y, name: Y, members: [x]}",
    )
    assert problems(text) == [
        "plan.yaml:5:31: people[1].members: team membership goes round in a circle: x → y → x",
        "plan.yaml:6:31: people[2].members: team membership goes round in a circle: y → x → y",
    ]


def test_a_tactic_with_the_id_of_a_goal_is_a_duplicate() -> None:
    text = northwind(("  - id: x-support\n", "  - id: new-logos\n"))
    second = at(text, "  - id: new-logos\n    title: Answer support", "new-logos")
    assert problems(text) == [
        f"plan.yaml:{second}: tactics[3].id: duplicate id 'new-logos' (first used at line 25);"
        " ids are unique across the plan"
    ]


def test_two_people_with_one_id_are_a_duplicate() -> None:
    text = northwind(("{id: dee, name: Dee Novak", "{id: cy, name: Dee Novak"))
    assert problems(text)[0] == (
        f"plan.yaml:{at(text, '{id: cy, name: Dee', 'cy')}: people[7].id: duplicate id 'cy'"
        " (first used at line 16); ids are unique across the plan"
    )


def test_a_plan_metric_may_not_reuse_a_built_in_id() -> None:
    text = northwind(
        ("{id: support_tickets_deflected, name", "{id: revenue, name"),
        ("support_tickets_deflected, baseline: 0, target: 1500", "revenue, target: 1500"),
        ("support_tickets_deflected, baseline: 0, target: 300", "revenue, target: 300"),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, '{id: revenue', 'revenue')}: metrics[0].id: metric 'revenue' is"
        " built in; give the new metric another id"
    ]


# --- References ---------------------------------------------------------------------------

DANGLING = [
    pytest.param(
        (
            "serves: social-selling\n    channel: linkedin",
            "serves: social-seling\n    channel: linkedin",
        ),
        "social-seling",
        "tactics[0].serves: no strategy 'social-seling' (did you mean 'social-selling'?)",
        id="tactic.serves",
    ),
    pytest.param(
        ("serves: [new-logos, bigger-orders]", "serves: [new-logo, bigger-orders]"),
        "new-logo,",
        "strategies[0].serves[0]: no goal 'new-logo' (did you mean 'new-logos'?)",
        id="strategy.serves",
    ),
    pytest.param(
        ("owner: priya", "owner: pria"),
        "pria",
        "strategies[2].owner: no person 'pria' (did you mean 'priya'?)",
        id="strategy.owner",
    ),
    pytest.param(
        ("sponsor: dana", "sponsor: dane"),
        "dane",
        "goals[0].sponsor: no person 'dane' (did you mean 'dana'?)",
        id="goal.sponsor",
    ),
    pytest.param(
        ("metric: net_new_customers", "metric: net_new_customer"),
        "net_new_customer",
        "goals[0].metric: no metric 'net_new_customer' (did you mean 'net_new_customers'?)",
        id="goal.metric",
    ),
    pytest.param(
        ("{metric: response_rate, threshold: 0.75", "{metric: response_rat, threshold: 0.75"),
        "response_rat,",
        "tactics[0].benchmarks[0].metric: no metric 'response_rat' (did you mean 'response_rate'?)",
        id="benchmark.metric",
    ),
    pytest.param(
        (
            "{metric: support_tickets_deflected, baseline: 0, target: 300",
            "{metric: support_tickets_deflectd, baseline: 0, target: 300",
        ),
        "support_tickets_deflectd",
        "tactics[6].benchmarks[0].metric: no metric 'support_tickets_deflectd'"
        " (did you mean 'support_tickets_deflected'?)",
        id="benchmark.metric-of-the-plan",
    ),
    pytest.param(
        ("operators: [ana, bo]\n", "operators: [anna, bo]\n"),
        "anna",
        "tactics[0].operators[0]: no person 'anna' (did you mean 'ana'?)",
        id="operators",
    ),
    pytest.param(
        ("accountable: sam\n    consulted", "accountable: samm\n    consulted"),
        "samm",
        "tactics[0].accountable[0]: no person 'samm' (did you mean 'sam'?)",
        id="accountable-one",
    ),
    pytest.param(
        ("accountable: sam\n    consulted", "accountable: [sam, dane]\n    consulted"),
        "dane",
        "tactics[0].accountable[1]: no person 'dane' (did you mean 'dana'?)",
        id="accountable-list",
    ),
    pytest.param(
        ("consulted: [lee]", "consulted: [leo]"),
        "leo",
        "tactics[0].consulted[0]: no person 'leo' (did you mean 'lee'?)",
        id="consulted",
    ),
    pytest.param(
        ("informed: [dana]", "informed: [dona]"),
        "dona",
        "tactics[0].informed[0]: no person 'dona' (did you mean 'dana'?)",
        id="informed",
    ),
    pytest.param(
        ("group: [ana, bo]", "group: [ana, boo]"),
        "boo]",
        "tactics[0].pilot.group[1]: no person 'boo' (did you mean 'bo'?)",
        id="pilot.group",
    ),
    pytest.param(
        ("control: [cy, dee]", "control: [cy, de]"),
        "de]",
        "tactics[0].pilot.control[1]: no person 'de' (did you mean 'dee'?)",
        id="pilot.control",
    ),
    pytest.param(
        ("metric: pipeline_value}", "metric: pipeline_valu}"),
        "pipeline_valu",
        "tactics[0].pilot.metric: no metric 'pipeline_valu' (did you mean 'pipeline_value'?)",
        id="pilot.metric",
    ),
    pytest.param(
        ("operators: [ana, bo]}", "operators: [ana, bob]}"),
        "bob",
        "tactics[0].measurement.match.operators[1]: no person 'bob' (did you mean 'bo'?)",
        id="match.operators",
    ),
    pytest.param(
        ("members: []", "members: [lea]"),
        "lea]",
        "people[8].members[0]: no person 'lea' (did you mean 'lee'?)",
        id="members",
    ),
    pytest.param(
        ("id: fb-retarget\n    reason", "id: fb-retargt\n    reason"),
        "fb-retargt",
        "ignore[0].id: no element 'fb-retargt' in the plan (did you mean 'fb-retarget'?)",
        id="ignore.id",
    ),
]


@pytest.mark.parametrize(("edit", "value", "message"), DANGLING)
def test_a_dangling_reference_is_reported_at_it_with_a_suggestion(
    edit: tuple[str, str], value: str, message: str
) -> None:
    text = northwind(edit)
    assert problems(text) == [f"plan.yaml:{at(text, value)}: {message}"]


def test_a_dangling_reference_like_nothing_has_no_suggestion() -> None:
    text = northwind(("sponsor: dana", "sponsor: zebulon"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'zebulon')}: goals[0].sponsor: no person 'zebulon'"
    ]


WRONG_KIND = [
    pytest.param(
        (
            "serves: social-selling\n    channel: linkedin",
            "serves: new-logos\n    channel: linkedin",
        ),
        ("serves: new-logos\n    channel", "new-logos"),
        "tactics[0].serves: 'new-logos' is a goal, not a strategy",
        id="tactic.serves-names-a-goal",
    ),
    pytest.param(
        ("serves: [new-logos]\n    owner: lee", "serves: [social-selling]\n    owner: lee"),
        ("[social-selling]", "social-selling"),
        "strategies[1].serves[0]: 'social-selling' is a strategy, not a goal",
        id="strategy.serves-names-a-strategy",
    ),
    pytest.param(
        ("sponsor: dana", "sponsor: li-rep-insights"),
        ("sponsor: li-rep-insights", "li-rep-insights"),
        "goals[0].sponsor: 'li-rep-insights' is a tactic, not a person",
        id="sponsor-names-a-tactic",
    ),
    pytest.param(
        ("{metric: response_rate, threshold: 0.75", "{metric: lee, threshold: 0.75"),
        ("{metric: lee,", "lee"),
        "tactics[0].benchmarks[0].metric: 'lee' is a person, not a metric",
        id="metric-names-a-person",
    ),
]


@pytest.mark.parametrize(("edit", "where", "message"), WRONG_KIND)
def test_a_reference_to_the_wrong_kind_says_what_it_names(
    edit: tuple[str, str], where: tuple[str, str], message: str
) -> None:
    text = northwind(edit)
    assert problems(text) == [f"plan.yaml:{at(text, *where)}: {message}"]


def test_an_ignore_entry_may_name_any_element_or_the_whole_plan() -> None:
    for element in ("fb-retarget", "new-logos", "helpful-content", "dana", WHOLE_PLAN_ID):
        text = northwind(("id: fb-retarget\n    reason", f"id: {element}\n    reason"))
        assert load_plan_text(text).plan.ignore[0].id == element


def test_an_ignore_entry_naming_nothing_says_how_to_name_the_plan() -> None:
    text = northwind(("id: fb-retarget\n    reason", "id: zzz\n    reason"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'id: zzz', 'zzz')}: ignore[0].id: no element 'zzz' in the plan; use"
        " 'plan' for the plan as a whole"
    ]


# --- Dates ---------------------------------------------------------------------------------


def test_a_due_date_before_the_start_and_an_end_before_the_start_are_reported() -> None:
    text = northwind(
        (
            "start: 2026-01-01\n    due: 2026-12-31\n    sponsor: dana",
            "start: 2026-06-01\n    due: 2026-01-31\n    sponsor: dana",
        ),
        ("start: 2026-05-01\n    end: 2026-05-31", "start: 2026-05-01\n    end: 2026-04-30"),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, '2026-01-31')}: goals[0].due: due date 2026-01-31 is before the"
        " start 2026-06-01",
        f"plan.yaml:{at(text, '2026-04-30')}: tactics[5].end: end date 2026-04-30 is before the"
        " start 2026-05-01",
    ]


# --- Every problem, in file order ---------------------------------------------------------


def test_several_dangling_references_are_all_reported_in_line_order() -> None:
    cases = [param.values for param in DANGLING if param.id != "accountable-list"]
    text = northwind(*(edit for edit, _value, _message in cases))
    found = problems(text)
    expected = sorted(
        (f"plan.yaml:{at(text, value)}: {message}" for _edit, value, message in cases),
        key=lambda line: tuple(int(part) for part in line.split(":")[1:3]),
    )
    assert found == expected
