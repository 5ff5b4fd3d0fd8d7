"""Broken plans: every problem is reported, each as one line `file:line:col: path: message`.

Most cases edit the northwind example the way a person would break it. Expected locations
are either written out or found in the edited text by `at`, which counts lines and columns
on its own, without the loader.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from outcomes.examples import example_text
from outcomes.plan import LoadedPlan, PlanError, load_plan, load_plan_text
from outcomes.plan.source import MAX_PLAN_BYTES

NORTHWIND = example_text("northwind")

MINIMAL = """\
version: 1
organisation: {name: Acme, currency: EUR}
people:
  - {id: ceo, name: Cleo, executive: true}
goals: []
strategies: []
tactics: []
"""


def problems(source: str | bytes, file: str = "plan.yaml") -> list[str]:
    """The lines `load_plan_text` reports for `source`; fails the test if the plan loads."""
    with pytest.raises(PlanError) as caught:
        load_plan_text(source, file)
    return [str(problem) for problem in caught.value.problems]


def file_problems(path: Path) -> list[str]:
    """The lines `load_plan` reports for the file at `path`."""
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    return [str(problem) for problem in caught.value.problems]


def northwind(*edits: tuple[str, str]) -> str:
    """The northwind example with each `(old, new)` applied; each `old` must occur once."""
    text = NORTHWIND
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def cut_after(text: str, needle: str) -> str:
    """`text` up to and including the single occurrence of `needle`."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle) + len(needle)]


def at(text: str, context: str, target: str | None = None) -> str:
    """`line:col` (1-based) of `target` inside the single occurrence of `context` in `text`."""
    assert text.count(context) == 1, f"{context!r} occurs {text.count(context)} times"
    index = text.index(context) + (context.index(target) if target else 0)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def end_of(text: str) -> str:
    """`line:col` just after the last character that is not white space."""
    lines = text.rstrip().split("\n")
    return f"{len(lines)}:{len(lines[-1]) + 1}"


def test_the_examples_load() -> None:
    assert isinstance(load_plan_text(NORTHWIND), LoadedPlan)
    assert isinstance(load_plan_text(example_text("tactics-first")), LoadedPlan)
    assert isinstance(load_plan_text(MINIMAL), LoadedPlan)


# --- A file cut short ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "needle",
    [
        pytest.param("  - {id: sam, name:", id="mid-flow-mapping"),
        pytest.param("  - {id: sam, name: Sam Okafor, title: VP Sa", id="mid-flow-mapping-value"),
        pytest.param("    serves: [new-logos, bigg", id="mid-flow-sequence"),
        pytest.param("    sponsor: dana\n    func", id="mid-key"),
        pytest.param("pilot: {group: [ana, bo], control: [cy, dee]", id="mid-nested-flow"),
    ],
)
def test_a_cut_inside_brackets_or_a_key_is_reported_at_the_cut(needle: str) -> None:
    text = cut_after(NORTHWIND, needle)
    [line] = problems(text)
    assert line.startswith(f"plan.yaml:{end_of(text)}: YAML syntax error: "), line
    assert line.endswith("; the file looks cut short"), line


def test_a_cut_inside_a_quoted_string_is_reported_at_the_cut() -> None:
    quoted = northwind(("name: Northwind Freight Software", 'name: "Northwind Freight Software"'))
    text = cut_after(quoted, '"Northwind Fr')
    assert problems(text) == [
        "plan.yaml:5:22: YAML syntax error: found unexpected end of stream"
        " (while scanning a quoted scalar at line 5); the file looks cut short"
    ]


def test_a_cut_mid_string_leaves_valid_yaml_that_lacks_the_rest() -> None:
    text = cut_after(NORTHWIND, "  name: Northwind Fre")
    assert problems(text) == [
        "plan.yaml:3:1: missing required key 'people'",
        "plan.yaml:3:1: missing required key 'goals'",
        "plan.yaml:3:1: missing required key 'strategies'",
        "plan.yaml:3:1: missing required key 'tactics'",
        "plan.yaml:5:3: organisation: missing required key 'currency'",
    ]


def test_a_cut_inside_a_tactic_names_the_keys_it_lacks() -> None:
    text = cut_after(NORTHWIND, "    channel: linkedin\n    mode: outreach\n")
    where = at(text, "  - id: li-rep-insights", "id")
    assert problems(text) == [
        f"plan.yaml:{where}: tactics[0]: missing required key 'start'",
        f"plan.yaml:{where}: tactics[0]: missing required key 'end'",
    ]


def test_a_cut_between_sections_names_the_missing_sections() -> None:
    text = NORTHWIND[: NORTHWIND.index("strategies:\n")]
    assert problems(text) == [
        "plan.yaml:3:1: missing required key 'strategies'",
        "plan.yaml:3:1: missing required key 'tactics'",
    ]


def test_a_cut_through_a_multibyte_character_points_at_its_first_byte() -> None:
    raw = northwind(("name: Dana Ruiz", "name: Dana Ruíz")).encode("utf-8")
    cut = raw[: raw.index("í".encode()) + 1]
    assert problems(cut) == [
        "plan.yaml:10:29: byte 0xC3 is not valid UTF-8; save the file as UTF-8"
    ]


# --- Tabs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        pytest.param("  name: Northwind", "\tname: Northwind", "5:1", id="tab-indents-a-key"),
        pytest.param("  currency: EUR", "  \tcurrency: EUR", "6:3", id="tab-after-spaces"),
        pytest.param("  - {id: sam,", "\t- {id: sam,", "11:1", id="tab-indents-a-list-item"),
    ],
)
def test_a_tab_used_for_indentation_is_pointed_at(old: str, new: str, where: str) -> None:
    assert problems(northwind((old, new))) == [
        f"plan.yaml:{where}: a tab character; indent YAML with spaces"
    ]


def test_a_tab_inside_a_value_is_fine() -> None:
    loaded = load_plan_text(northwind(("name: Northwind Freight", "name: Northwind\tFreight")))
    assert loaded.plan.organisation.name == "Northwind\tFreight Software"


# --- Wrong types --------------------------------------------------------------------------

WRONG_TYPES = [
    pytest.param(
        ("    baseline: 40\n", "    baseline: forty\n"),
        ("baseline: forty", "forty"),
        "goals[0].baseline: expected a number, got 'forty'",
        id="text-for-a-number",
    ),
    pytest.param(
        (
            "VP Sales, executive: true, function: sales, hours_per_week: 4}",
            "VP Sales, executive: true, function: sales, hours_per_week: four}",
        ),
        ("hours_per_week: four", "four"),
        "people[1].hours_per_week: expected a number, got 'four'",
        id="text-for-a-number-in-a-flow-mapping",
    ),
    pytest.param(
        (
            "organisation:\n  name: Northwind Freight Software\n  currency: EUR\n  hourly_cost: 70",
            "organisation: [Northwind, EUR]",
        ),
        ("[Northwind, EUR]", None),
        "organisation: expected a mapping of keys, got a list",
        id="list-for-a-mapping",
    ),
    pytest.param(
        ("serves: [new-logos, bigger-orders]", "serves: {new-logos: 1}"),
        ("{new-logos: 1}", None),
        "strategies[0].serves: expected a list, got a mapping",
        id="mapping-for-a-list",
    ),
    pytest.param(
        (
            "metrics:\n  - {id: support_tickets_deflected,",
            "metrics:\n    {id: support_tickets_deflected,",
        ),
        ("{id: support_tickets_deflected", None),
        "metrics: expected a list, got a mapping",
        id="mapping-for-a-list-section",
    ),
    pytest.param(
        ("{id: bo,", "{id: no,"),
        ("{id: no,", "no"),
        "people[5].id: expected text, got false; YAML reads a bare yes, no, on, off, true or "
        "false as true or false, so put the text in quotes",
        id="yaml-1.1-bool-id",
    ),
    pytest.param(
        ("title: Win more mid-market logistics customers", "title: 2026"),
        ("title: 2026", "2026"),
        "goals[0].title: expected text, got 2026; YAML reads it as a number, so put it in quotes",
        id="number-for-text",
    ),
    pytest.param(
        ("VP Sales, executive: true", "VP Sales, executive: maybe"),
        ("executive: maybe", "maybe"),
        "people[1].executive: expected true or false, got 'maybe'",
        id="text-for-a-bool",
    ),
    pytest.param(
        ("version: 1", "version: 2"),
        ("version: 2", "2"),
        "version: expected one of: 1; got 2",
        id="unknown-version",
    ),
    pytest.param(
        ("version: 1", "version: '1'"),
        ("version: '1'", "'1'"),
        "version: expected 1 as a number, without quotes; got '1'",
        id="version-as-text",
    ),
    pytest.param(
        ("currency: EUR", "currency: euro"),
        ("currency: euro", "euro"),
        "organisation.currency: 'euro' is not an ISO 4217 currency code such as EUR or USD",
        id="currency",
    ),
    pytest.param(
        ("  - id: new-logos", "  - id: New-Logos"),
        ("id: New-Logos", "New-Logos"),
        "goals[0].id: 'New-Logos' is not a valid id; use lower-case letters, digits, '-' and "
        "'_', starting with a letter",
        id="id-pattern",
    ),
    pytest.param(
        ("    mode: outreach", "    mode: outrech"),
        ("mode: outrech", "outrech"),
        "tactics[0].mode: unknown mode 'outrech' (did you mean 'outreach'?)",
        id="choice-with-a-typo",
    ),
    pytest.param(
        ("    baseline: 40\n", "    baseline: .inf\n"),
        ("baseline: .inf", ".inf"),
        "goals[0].baseline: expected a finite number",
        id="infinity",
    ),
    pytest.param(
        ("resources: {hours_per_week: 4}", "resources: {hours_per_week: -4}"),
        ("hours_per_week: -4}", "-4"),
        "tactics[0].resources.hours_per_week: -4 is out of range: input should be greater than "
        "or equal to 0",
        id="negative-hours",
    ),
]


@pytest.mark.parametrize(("edit", "where", "message"), WRONG_TYPES)
def test_a_value_of_the_wrong_type_is_reported_at_the_value(
    edit: tuple[str, str], where: tuple[str, str | None], message: str
) -> None:
    text = northwind(edit)
    assert problems(text) == [f"plan.yaml:{at(text, *where)}: {message}"]


# --- Size ---------------------------------------------------------------------------------

FIVE_MIB = 5 * 1024 * 1024


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(NORTHWIND.encode() + b"# padding\n" * (FIVE_MIB // 10))
    assert file_problems(plan) == [
        f"{plan}: the file is 5.0 MiB, more than the 4 MiB a plan may be; a plan is written "
        "by people, so split out generated content"
    ]


def test_text_over_the_size_limit_is_refused_too() -> None:
    [line] = problems(b"# padding\n" * (FIVE_MIB // 10))
    assert line.startswith("plan.yaml: the file is 5.0 MiB, more than the 4 MiB"), line


def big_plan(tactics: int) -> str:
    """Northwind with its first tactic repeated `tactics` times under new ids."""
    head, rest = NORTHWIND.split("tactics:\n")
    first_tactic = rest.split("\n\n")[0]
    copies = (
        first_tactic.replace("id: li-rep-insights", f"id: tactic-{index:04d}")
        for index in range(tactics)
    )
    return head + "tactics:\n" + "\n\n".join(copies) + "\n"


def test_a_realistically_big_plan_of_2000_tactics_loads() -> None:
    text = big_plan(2000)
    assert 1_000_000 < len(text.encode()) < MAX_PLAN_BYTES
    loaded = load_plan_text(text)
    assert len(loaded.plan.tactics) == 2000
    assert loaded.plan.tactics[-1].id == "tactic-1999"
    line, column = map(int, at(text, "- id: tactic-1999", "tactic-1999").split(":"))
    mark = loaded.mark(("tactics", 1999, "id"))
    assert (mark.line, mark.column) == (line, column)


# --- Unknown keys -------------------------------------------------------------------------


def test_an_unknown_key_suggests_the_key_meant() -> None:
    text = northwind(("    sponsor: dana", "    sponsr: dana"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'sponsr')}: goals[0].sponsr: unknown key 'sponsr'"
        " (did you mean 'sponsor'?)"
    ]


def test_a_misspelt_section_is_reported_as_unknown_and_as_missing() -> None:
    text = northwind(("strategies:\n", "stratagies:\n"))
    assert problems(text) == [
        "plan.yaml:3:1: missing required key 'strategies'",
        f"plan.yaml:{at(text, 'stratagies')}: stratagies: unknown key 'stratagies'"
        " (did you mean 'strategies'?)",
    ]


def test_an_unknown_key_in_a_benchmark_suggests_the_key_meant() -> None:
    text = northwind(
        ("{metric: response_rate, threshold: 0.75", "{metric: response_rate, treshold: 0.75")
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, 'treshold')}: tactics[0].benchmarks[0].treshold:"
        " unknown key 'treshold' (did you mean 'threshold'?)"
    ]


def test_an_unknown_key_under_an_alias_suggests_the_alias() -> None:
    text = northwind(("class: business", "clas: business"))
    assert problems(text) == [
        f"plan.yaml:{at(text, '{id: support_tickets_deflected')}: metrics[0]:"
        " missing required key 'class'",
        f"plan.yaml:{at(text, 'clas:')}: metrics[0].clas: unknown key 'clas'"
        " (did you mean 'class'?)",
    ]


def test_an_unknown_key_like_nothing_lists_the_keys_allowed() -> None:
    text = northwind(("    sponsor: dana", "    banana: dana"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'banana')}: goals[0].banana: unknown key 'banana'; expected one"
        " of: id, title, metric, direction, baseline, target, threshold, stretch, start, due,"
        " sponsor, functions, scope, value_per_unit"
    ]


def test_a_line_break_in_a_key_is_escaped_so_the_problem_stays_one_line() -> None:
    text = MINIMAL + '"spon\\nsor": 1\n'
    assert problems(text) == [
        "plan.yaml:8:1: spon\\nsor: unknown key 'spon\\nsor'; expected one of: version,"
        " organisation, people, metrics, goals, strategies, tactics, ignore"
    ]


# --- Keys that repeat ---------------------------------------------------------------------


def test_a_key_twice_in_one_mapping_is_refused() -> None:
    text = northwind(("    baseline: 40\n", "    baseline: 40\n    baseline: 41.5\n"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'baseline: 41.5')}: duplicate key 'baseline' (first at line 29);"
        " keep one"
    ]


def test_a_key_twice_in_one_flow_mapping_is_refused() -> None:
    text = northwind(("{id: sam, name: Sam Okafor,", "{id: sam, name: Sam Okafor, id: samuel,"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'id: samuel')}: duplicate key 'id' (first at line 11); keep one"
    ]


# --- Dates --------------------------------------------------------------------------------


def test_impossible_and_unreadable_dates_are_reported_at_each() -> None:
    text = northwind(
        ("start: 2026-02-01", "start: 2026-02-30"),
        (
            "start: 2026-01-15\n    end: 2026-12-31\n    cadence",
            "start: 2026-13-01\n    end: next week\n    cadence",
        ),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, '2026-02-30')}: tactics[0].start: '2026-02-30' is not a day in"
        " the calendar; check the month and the day",
        f"plan.yaml:{at(text, '2026-13-01')}: tactics[1].start: '2026-13-01' is not a day in"
        " the calendar; check the month and the day",
        f"plan.yaml:{at(text, 'next week')}: tactics[1].end: 'next week' is not a valid date;"
        " write it as YYYY-MM-DD",
    ]


# --- Encodings ----------------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_pointed_at() -> None:
    raw = northwind(("name: Sam Okafor", "name: Sam Okaför")).encode("latin-1")
    assert problems(raw) == [
        "plan.yaml:11:29: byte 0xF6 is not valid UTF-8; save the file as UTF-8"
    ]


def test_the_column_of_a_bad_byte_counts_characters_not_bytes() -> None:
    raw = "version: 1\nname: ééé".encode() + b"\xe9\n"
    assert problems(raw) == ["plan.yaml:2:10: byte 0xE9 is not valid UTF-8; save the file as UTF-8"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_with_a_byte_order_mark_is_named(encoding: str) -> None:
    raw = NORTHWIND.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert problems(raw) == ["plan.yaml:1:1: the file is UTF-16; save it as UTF-8"]


def test_a_utf16_file_without_a_byte_order_mark_is_suspected() -> None:
    assert problems(NORTHWIND.encode("utf-16-le")) == [
        "plan.yaml:1:2: the character U+0000 is not allowed in YAML; remove it (a file full of"
        " NUL characters is often UTF-16: save it as UTF-8)"
    ]


def test_a_control_character_is_pointed_at() -> None:
    assert problems(MINIMAL.replace("Acme", "Ac\x07me")) == [
        "plan.yaml:2:24: the character U+0007 is not allowed in YAML; remove it"
    ]


def test_a_lone_surrogate_in_text_is_pointed_at() -> None:
    assert problems(MINIMAL.replace("Acme", "Ac\udc80me")) == [
        "plan.yaml:2:24: byte 0xED is not valid UTF-8; save the file as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_accepted_and_does_not_shift_columns() -> None:
    text = northwind(("    sponsor: dana", "    sponsr: dana"))
    assert problems(b"\xef\xbb\xbf" + text.encode()) == problems(text)


# --- Files that are not one plan ----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            b"", "the file is empty; run `outcomes init` for a commented template", id="empty"
        ),
        pytest.param(
            b" \n\n  \n",
            "the file is empty; run `outcomes init` for a commented template",
            id="blank",
        ),
        pytest.param(
            b"# a plan\n# to come\n",
            "the file holds only comments; run `outcomes init` for a template",
            id="comments-only",
        ),
    ],
)
def test_a_file_with_nothing_in_it_says_how_to_start(source: bytes, message: str) -> None:
    assert problems(source) == [f"plan.yaml: {message}"]


def test_a_list_at_the_top_level_is_not_a_plan() -> None:
    assert problems("# plans\n- version: 1\n- version: 1\n") == [
        "plan.yaml:2:1: a plan is a mapping of keys (version, organisation, people, goals, …),"
        " not a list"
    ]


def test_a_single_value_at_the_top_level_is_not_a_plan() -> None:
    assert problems("just some words\n") == [
        "plan.yaml:1:1: a plan is a mapping of keys (version, organisation, people, goals, …),"
        " not a single value"
    ]


def test_a_second_yaml_document_is_refused_where_it_starts() -> None:
    text = NORTHWIND + "---\nversion: 1\n"
    assert problems(text) == [
        f"plan.yaml:{at(text, '---')}: a second YAML document; a plan is one document, so"
        " remove this '---' and what follows"
    ]


@pytest.mark.parametrize("source", ["a: &a [*a]\n", "a: &a {b: *a}\n"], ids=["list", "mapping"])
def test_a_recursive_alias_is_refused(source: str) -> None:
    assert problems(source) == [
        "plan.yaml:1:4: an alias refers to the element that contains it (a cycle)"
    ]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_fails_fast_with_one_clear_problem() -> None:
    started = time.perf_counter()
    found = problems(billion_laughs())
    assert time.perf_counter() - started < 2
    assert found == [
        "plan.yaml:7:4: aliases expand this value to more than 1,000,000 values (an alias"
        " bomb?); write the values out instead"
    ]


def test_an_alias_used_a_few_times_is_fine() -> None:
    text = northwind(
        ("informed: [dana]", "informed: &bosses [dana, sam]"),
        ("    operators: [cy, dee]\n", "    operators: [cy, dee]\n    informed: *bosses\n"),
    )
    assert load_plan_text(text).plan.tactics[5].informed == ["dana", "sam"]


@pytest.mark.parametrize(
    ("tagged", "message"),
    [
        pytest.param(
            "!!int forty",
            "cannot read 'forty' as !!int; remove the tag or quote the value",
            id="yaml-tag",
        ),
        pytest.param(
            "!!python/object:os.system 40",
            "cannot read '40' as !!python/object:os.system; remove the tag or quote the value",
            id="python-tag",
        ),
        pytest.param(
            "!local 40",
            "cannot read '40' as !local; remove the tag or quote the value",
            id="local-tag",
        ),
        pytest.param(
            "0b_",
            "cannot read '0b_' as !!int; remove the tag or quote the value",
            id="implicit-int",
        ),
        pytest.param(
            "!!timestamp soon",
            "goals[0].baseline: expected a number, got 'soon'",
            id="timestamp-tag",
        ),
    ],
)
def test_a_value_its_tag_cannot_make_is_reported_at_it(tagged: str, message: str) -> None:
    text = northwind(("    baseline: 40\n", f"    baseline: {tagged}\n"))
    assert problems(text) == [f"plan.yaml:{at(text, tagged)}: {message}"]


def test_a_merge_key_is_refused() -> None:
    text = MINIMAL + "defaults: &defaults {a: 1}\nother:\n  <<: *defaults\n"
    assert problems(text) == [
        "plan.yaml:10:3: merge keys (<<) are not supported in plans; write the keys out"
    ]


def test_nesting_too_deep_is_refused_without_exhausting_the_stack() -> None:
    depth = sys.getrecursionlimit() // 2  # under libyaml's own limit of 1000
    [line] = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert line == "plan.yaml:1:68: nested more than 64 levels deep; a plan needs only a few"


# --- Files on disk ------------------------------------------------------------------------


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    missing = tmp_path / "plan.yaml"
    assert file_problems(missing) == [
        f"{missing}: no such file; run `outcomes init` to create a plan"
    ]


def test_a_folder_is_not_a_plan_file(tmp_path: Path) -> None:
    assert file_problems(tmp_path) == [
        f"{tmp_path}: is a folder, not a plan file; name the plan.yaml inside it"
    ]


def test_a_path_through_a_file_is_not_readable(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(NORTHWIND)
    inside = tmp_path / "plan.yaml" / "plan.yaml"
    assert file_problems(inside) == [f"{inside}: cannot read the file: Not a directory"]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_fails_to_read_is_reported() -> None:
    # /proc/self/mem has a size and can be opened, but reading it from the start fails.
    assert file_problems(Path("/proc/self/mem")) == [
        "/proc/self/mem: cannot read the file: Input/output error"
    ]


def test_problems_in_a_file_carry_its_name(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(northwind(("    sponsor: dana", "    sponsr: dana")))
    [line] = file_problems(plan)
    assert line.startswith(f"{plan}:35:5: goals[0].sponsr: unknown key 'sponsr'"), line
    with pytest.raises(PlanError) as caught:
        load_plan(plan, display_name="plans/northwind.yaml")
    assert str(caught.value.problems[0]).startswith("plans/northwind.yaml:35:5: ")


# --- Every problem, in file order ---------------------------------------------------------


def test_several_independent_shape_errors_are_all_reported_in_line_order() -> None:
    text = northwind(
        ("    mode: respond\n    operators: [lee]", "    mode: respnd\n    operators: [lee]"),
        ("    baseline: 40\n", "    baseline: forty\n"),
        ("  hourly_cost: 70", "  hourly_cost: seventy"),
        ("    sponsor: sam", "    sponsr: sam"),
        ("start: 2026-02-01", "start: 2026-02-30"),
        (
            "{metric: leads, baseline: 0, target: 40,",
            "{metric: leads, baseline: 0, colour: red, target: 40,",
        ),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, 'seventy')}: organisation.hourly_cost: expected a number, got"
        " 'seventy'",
        f"plan.yaml:{at(text, 'forty')}: goals[0].baseline: expected a number, got 'forty'",
        f"plan.yaml:{at(text, 'sponsr')}: goals[1].sponsr: unknown key 'sponsr' (did you mean"
        " 'sponsor'?)",
        f"plan.yaml:{at(text, '2026-02-30')}: tactics[0].start: '2026-02-30' is not a day in"
        " the calendar; check the month and the day",
        f"plan.yaml:{at(text, 'respnd')}: tactics[2].mode: unknown mode 'respnd' (did you mean"
        " 'respond'?)",
        f"plan.yaml:{at(text, 'colour')}: tactics[5].benchmarks[0].colour: unknown key 'colour';"
        " expected one of: metric, baseline, threshold, target, stretch, per",
    ]


def test_several_yaml_shape_problems_are_all_reported_in_line_order() -> None:
    text = northwind(
        ("    baseline: 40\n", "    baseline: 40\n    baseline: 41.5\n"),
        ("{id: sam, name: Sam Okafor,", "{id: sam, name: Sam Okafor, name: Samuel,"),
        ("    target: 360000\n", "    target: 360000\n    <<: {due: 2027-01-01}\n"),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, 'name: Samuel')}: duplicate key 'name' (first at line 11); keep one",
        f"plan.yaml:{at(text, 'baseline: 41.5')}: duplicate key 'baseline' (first at line 29);"
        " keep one",
        f"plan.yaml:{at(text, '<<')}: merge keys (<<) are not supported in plans; write the keys"
        " out",
    ]


def test_each_problem_keeps_its_path_and_mark() -> None:
    text = northwind(
        ("serves: social-selling\n    channel: linkedin", "serves: sales\n    channel: linkedin")
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    [problem] = caught.value.problems
    assert problem.path == ("tactics", 0, "serves")
    line, column = map(int, at(text, "serves: sales", "sales").split(":"))
    assert problem.mark is not None
    assert (problem.mark.line, problem.mark.column) == (line, column)
    assert str(caught.value) == str(problem)
