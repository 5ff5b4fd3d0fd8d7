"""The plan's numbers are bounded in the model: what `check` accepts, `plan` can render.

A property test varies Northwind's numbers (money, hours, cadence counts, goal and benchmark
values) and dates over wide ranges: zero, huge, tiny, negative, NaN, infinity, text and
truth values where numbers belong. Every plan the loader accepts must lint and render to
Markdown and HTML with finite totals; every plan it refuses must be refused with problems
located on the lines that were edited. Example tests pin the messages for the cases from
issue 12.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from outcomes.examples import example_text
from outcomes.lint import check_plan
from outcomes.lint.output.machine import to_json
from outcomes.plan import LoadedPlan, PlanError, load_plan_text
from outcomes.plan.implementation import ImplementationPlan, build_implementation_plan
from outcomes.plan.model import (
    HOURS_IN_A_WEEK,
    MAX_CADENCE_COUNT,
    MAX_METRIC_VALUE,
    MAX_MONEY,
    MAX_TACTIC_HOURS,
    MAX_TEAM_HOURS,
    MIN_CADENCE_COUNT,
)
from outcomes.report.implementation import (
    build_schedule,
    render_html,
    render_html_sections,
    render_markdown,
)
from outcomes.report.strategy_map import strategy_map_svg
from tests import lane
from tests.conftest import PLAN_TODAY

NORTHWIND = example_text("northwind")

NUMBER_KEYS = (
    "hourly_cost",
    "hours_per_week",
    "budget",
    "cost",
    "count",
    "baseline",
    "threshold",
    "target",
    "stretch",
)
# `key: value` in block or flow style; `cost` does not match inside `hourly_cost`.
NUMBER_SLOT = re.compile(rf"\b(?:{'|'.join(NUMBER_KEYS)}): (?P<value>[^,}}\n]+)")
# An element's `start:` and the `due:` or `end:` that follows it, a line or more below.
DATE_PAIR = re.compile(
    r"start: (?P<first>\d{4}-\d{2}-\d{2})\n(?:.*\n)*? *(?:due|end): (?P<second>\d{4}-\d{2}-\d{2})"
)
# A word that only a number gone wrong would print.
NOT_A_NUMBER = re.compile(r"\b(?:inf|nan|infinity)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """Where a value stands in the text: [start, end) and its 1-based line."""

    start: int
    end: int
    line: int


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


NUMBER_SLOTS = tuple(
    Slot(m.start("value"), m.end("value"), line_of(NORTHWIND, m.start("value")))
    for m in NUMBER_SLOT.finditer(NORTHWIND)
)
# Each goal's start and due, each tactic's start and end, as (start slot, end slot).
DATE_SLOTS = tuple(
    (
        Slot(m.start("first"), m.end("first"), line_of(NORTHWIND, m.start("first"))),
        Slot(m.start("second"), m.end("second"), line_of(NORTHWIND, m.start("second"))),
    )
    for m in DATE_PAIR.finditer(NORTHWIND)
)


def edit(text: str, replacements: dict[Slot, str]) -> str:
    """`text` with each slot's value replaced, last slot first so offsets stay right."""
    for slot in sorted(replacements, key=lambda each: each.start, reverse=True):
        text = text[: slot.start] + replacements[slot] + text[slot.end :]
    return text


def yaml_float(value: float) -> str:
    """A float as YAML 1.1 reads a float: it needs a dot (`1.0e+308`, not `1e+308`)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


BOUNDS = (MAX_MONEY, MAX_METRIC_VALUE, MAX_TEAM_HOURS, MAX_TACTIC_HOURS, MAX_CADENCE_COUNT)
# Each kind of number is drawn about as often as the others, so that the rare kinds (a huge
# hourly cost, say, which only overflows once multiplied) come up in every run.
at_the_bounds = st.sampled_from(
    [
        *BOUNDS,
        *(math.nextafter(bound, math.inf) for bound in BOUNDS),
        -MAX_METRIC_VALUE,
        math.nextafter(-MAX_METRIC_VALUE, -math.inf),
        MIN_CADENCE_COUNT,
        math.nextafter(MIN_CADENCE_COUNT, 0),
        float(HOURS_IN_A_WEEK),
        math.nextafter(HOURS_IN_A_WEEK, math.inf),
    ]
)
huge = st.floats(1e15, sys.float_info.max) | st.floats(-sys.float_info.max, -1e15)
tiny = st.floats(-1e-6, 1e-6)
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), huge, tiny, at_the_bounds)
# Values a plan may well hold, drawn as often as the wild ones so that many plans load.
plausible = st.one_of(st.floats(0, 200), st.integers(0, 10**6)).map(str)
number_text = st.one_of(
    plausible,
    floats.map(yaml_float),
    floats.map(repr),  # `1e+308` without a dot: YAML 1.1 reads it as text
    st.integers(-(10**20), 10**20).map(str),
    st.integers(1, 400).map(lambda digits: "9" * digits),
    st.sampled_from(
        [".inf", "-.inf", ".nan", ".NaN", "yes", "no", "true", "~", '"70"', '"1e308"', "'nan'"]
    ),
)
date_text = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)


@st.composite
def edited_northwind(draw: st.DrawFn) -> tuple[str, frozenset[int]]:
    """Northwind with some numbers and date ranges changed, and the lines that were edited."""
    numbers = draw(st.lists(st.sampled_from(NUMBER_SLOTS), min_size=1, max_size=4, unique=True))
    replacements = {slot: draw(number_text) for slot in numbers}
    # Dates change in order-keeping pairs, so that only the numbers can make a plan invalid.
    for first, second in draw(st.lists(st.sampled_from(DATE_SLOTS), max_size=3, unique=True)):
        days = sorted([draw(date_text), draw(date_text)])
        replacements[first], replacements[second] = days
    return edit(NORTHWIND, replacements), frozenset(slot.line for slot in numbers)


def assert_renders(loaded: LoadedPlan) -> ImplementationPlan:
    """Everything `check` and `plan` show for an accepted plan, without a warehouse."""
    result = check_plan(loaded)
    json.dumps(to_json(result), allow_nan=False)
    ip = build_implementation_plan(loaded, today=PLAN_TODAY)
    for costs in [ip.costs, *(t.costs for t in ip.tactics), *(g.costs for g in ip.goals)]:
        assert math.isfinite(costs.total), costs
        assert math.isfinite(costs.hours), costs
    for row in ip.capacity:
        assert math.isfinite(row.peak), row
    markdown = render_markdown(ip)
    html = render_html(ip)
    appendix = str(render_html_sections(ip))
    strategy_map_svg(loaded.plan, status={goal.id: "on_track" for goal in loaded.plan.goals})
    for document in (markdown, html, appendix):
        assert loaded.plan.organisation.name in document
        assert not NOT_A_NUMBER.search(document), NOT_A_NUMBER.search(document)
    return ip


@settings(
    max_examples=lane.examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edited_northwind())
def test_a_plan_check_accepts_renders_and_one_it_refuses_is_refused_where_edited(
    edited: tuple[str, frozenset[int]],
) -> None:
    text, edited_lines = edited
    try:
        loaded = load_plan_text(text)
    except PlanError as error:
        event("refused")
        assert error.problems
        for problem in error.problems:
            assert problem.mark is not None, str(problem)
            assert problem.mark.line in edited_lines, str(problem)
            assert str(problem).startswith(f"plan.yaml:{problem.mark.line}:"), str(problem)
        return
    event("accepted")
    assert_renders(loaded)


# --- Examples -----------------------------------------------------------------------------


def northwind(*edits: tuple[str, str]) -> str:
    """Northwind with each `(old, new)` applied; each `old` must occur once."""
    text = NORTHWIND
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def at(text: str, context: str, target: str) -> str:
    """`line:col` (1-based) of `target` inside the single occurrence of `context`."""
    assert text.count(context) == 1, f"{context!r} occurs {text.count(context)} times"
    index = text.index(context) + context.index(target)
    return f"{line_of(text, index)}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [str(problem) for problem in caught.value.problems]


def test_an_hourly_cost_of_1e308_is_refused_at_its_value() -> None:
    text = northwind(("hourly_cost: 70", "hourly_cost: 1e308"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'hourly_cost: 1e308', '1e308')}: organisation.hourly_cost: "
        "1e308 is out of range: input should be less than or equal to 1,000,000,000,000"
    ]


def test_a_time_too_small_to_mean_anything_is_refused() -> None:
    # Hypothesis found 2.2e-309 hours a week, which a capacity table divided into "inf".
    text = northwind(("marketing, hours_per_week: 40", "marketing, hours_per_week: 2.2e-309"))
    [problem] = problems(text)
    assert "people[3].hours_per_week" in problem
    assert "give 0 or at least 0.01 hours a week" in problem
    assert not problems_or_none(
        northwind(("marketing, hours_per_week: 40", "marketing, hours_per_week: 0"))
    )


def problems_or_none(text: str) -> list[str]:
    try:
        load_plan_text(text)
    except PlanError as exc:
        return [str(problem) for problem in exc.problems]
    return []


def test_a_cadence_count_of_1e308_is_refused_at_its_value() -> None:
    old = "cadence: {count: 1, per: week}"
    text = northwind((old, "cadence: {count: 1.0e+308, per: week}"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'count: 1.0e+308', '1.0e+308')}: tactics[0].cadence.count: "
        "1e+308 is out of range: input should be less than or equal to 1,000,000"
    ]


def test_every_number_out_of_bounds_is_reported_in_one_run() -> None:
    text = northwind(
        ("hourly_cost: 70", "hourly_cost: .nan"),
        ("    baseline: 40\n", "    baseline: -2.0e+15\n"),
        ("budget: 6000", "budget: -.inf"),
        ("cost: 1800", "cost: yes"),
        ("{metric: response_rate, threshold: 0.75", "{metric: response_rate, threshold: 1.0e+16"),
        ("cadence: {count: 2, per: month}", "cadence: {count: 0.001, per: month}"),
    )
    assert problems(text) == [
        f"plan.yaml:{at(text, 'hourly_cost: .nan', '.nan')}: organisation.hourly_cost: "
        "expected a finite number",
        f"plan.yaml:{at(text, 'baseline: -2.0e+15', '-2.0e+15')}: goals[0].baseline: "
        "-2000000000000000.0 is out of range: input should be greater than or equal to "
        "-1,000,000,000,000,000",
        f"plan.yaml:{at(text, 'threshold: 1.0e+16', '1.0e+16')}: "
        "tactics[0].benchmarks[0].threshold: 1e+16 is out of range: input should be less "
        "than or equal to 1,000,000,000,000,000",
        f"plan.yaml:{at(text, 'count: 0.001', '0.001')}: tactics[1].cadence.count: 0.001 is "
        "out of range: input should be greater than or equal to 0.01",
        f"plan.yaml:{at(text, 'budget: -.inf', '-.inf')}: tactics[1].resources.budget: "
        "expected a finite number",
        f"plan.yaml:{at(text, 'cost: yes', 'yes')}: tactics[3].resources.tools[0].cost: "
        "expected a number, got true; YAML reads a bare yes, no, on, off, true or false as "
        "true or false",
    ]


def test_a_person_is_held_to_a_week_and_a_team_to_a_million_hours() -> None:
    person = northwind(("marketing, hours_per_week: 40", "marketing, hours_per_week: 2.0e+6"))
    team = northwind(("members: [], hours_per_week: 30", "members: [], hours_per_week: 2000000"))
    assert problems(person) == [
        f"plan.yaml:{at(person, 'hours_per_week: 2.0e+6', '2.0e+6')}: people[3].hours_per_week: "
        "a person has 168 hours in a week; for a team, add `members`"
    ]
    assert problems(team) == [
        f"plan.yaml:{at(team, 'hours_per_week: 2000000', '2000000')}: people[8].hours_per_week: "
        "out of range: a team gives at most 1,000,000 hours a week"
    ]


def test_a_number_with_more_digits_than_a_float_holds_is_out_of_range() -> None:
    digits = "9" * 400
    text = northwind(("budget: 6000", f"budget: {digits}"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'budget: 9', '9')}: tactics[1].resources.budget: "
        f"{digits[:57]}… is out of range: far larger than any number a plan holds"
    ]


def test_a_number_with_more_digits_than_python_reads_is_out_of_range() -> None:
    text = northwind(("budget: 6000", f"budget: {'9' * 5000}"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'budget: 9', '9')}: {'9' * 57}… is out of range: far larger "
        "than any number a plan holds"
    ]


def test_a_clock_time_that_is_no_time_of_day_is_named_as_such() -> None:
    text = northwind(("hourly_cost: 70", "hourly_cost: 70\n  business_hours: {open: -1}"))
    assert problems(text) == [
        f"plan.yaml:{at(text, 'open: -1', '-1')}: organisation.business_hours.open: expected "
        "text, got -1; YAML reads it as a number, so put it in quotes"
    ]
    text = northwind(("hourly_cost: 70", 'hourly_cost: 70\n  business_hours: {open: "25:00"}'))
    where = at(text, 'open: "25:00"', '"')
    assert problems(text) == [
        f"plan.yaml:{where}: organisation.business_hours.open: '25:00' is "
        'not a time of day; write it as "HH:MM" (24-hour)'
    ]


def test_every_number_at_its_bound_is_accepted_and_rendered() -> None:
    text = northwind(
        ("hourly_cost: 70", f"hourly_cost: {yaml_float(MAX_MONEY)}"),
        ("    target: 60\n", f"    target: {yaml_float(MAX_METRIC_VALUE)}\n"),
        ("    baseline: 40\n", f"    baseline: {yaml_float(-MAX_METRIC_VALUE)}\n"),
        ("resources: {hours_per_week: 4}", f"resources: {{hours_per_week: {MAX_TACTIC_HOURS}}}"),
        ("budget: 6000", f"budget: {yaml_float(MAX_MONEY)}"),
        ("cadence: {count: 1, per: week}", f"cadence: {{count: {MAX_CADENCE_COUNT}, per: day}}"),
        ("cadence: {count: 2, per: month}", f"cadence: {{count: {MIN_CADENCE_COUNT}, per: month}}"),
        ("members: [], hours_per_week: 30", f"members: [], hours_per_week: {MAX_TEAM_HOURS}"),
    )
    ip = assert_renders(load_plan_text(text))
    guides = next(t for t in ip.tactics if t.id == "li-company-guides")
    assert guides.cadence is not None
    assert guides.cadence.words == "0.01 per month"
    assert "€1,000,000,000,000" in render_markdown(ip)  # the hourly rate, exactly


def test_a_tactic_running_to_the_last_day_of_the_calendar_renders() -> None:
    first_end = "    end: 2026-12-31\n    cadence: {count: 1, per: week}"
    text = northwind((first_end, first_end.replace("2026-12-31", "9999-12-31")))
    ip = assert_renders(load_plan_text(text))
    insights = next(row for row in ip.capacity if row.party.id == "ana")
    assert insights.peak == 2.0  # four hours shared by two operators, never ending
    assert "31 Dec 9999" in render_markdown(ip)
    schedule = build_schedule(ip.tactics)
    assert len(schedule.columns) <= 24, "the schedule must still fit a page"
    assert schedule.columns[0].start == dt.date(2026, 1, 1)
    assert schedule.columns[-1].end == dt.date.max
    assert schedule.columns[-1].label.endswith("–9999")
