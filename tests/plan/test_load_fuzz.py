"""Randomly broken plans: the loader returns a plan or a PlanError of one-line problems, never
anything else.

Each test starts from an example plan and applies one random edit of the kind people make by
hand (a deleted, repeated or swapped line, a stray character, a cut, a wrong value, a bad
indent), then loads it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.examples import example_text
from outcomes.plan import LoadedPlan, PlanError, load_plan_text
from tests import lane

EXAMPLES = [example_text("northwind"), example_text("tactics-first")]

LOCATED = re.compile(r"^plan\.yaml:\d+:\d+: ")
WHOLE_FILE = re.compile(r"^plan\.yaml: ")

FUZZ = settings(
    max_examples=lane.examples(500),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def assert_loads_or_explains(text: str | bytes) -> None:
    """The loader's whole contract for any input: a plan, or every problem on its own line."""
    try:
        loaded = load_plan_text(text)
    except PlanError as error:
        assert error.problems, "a PlanError must hold at least one problem"
        for problem in error.problems:
            line = str(problem)
            assert len(line.splitlines()) == 1, f"not one line: {line!r}"
            where = LOCATED.match(line) or WHOLE_FILE.match(line)
            assert where, f"no location: {line!r}"
            assert line[where.end() :].strip(), f"no message: {line!r}"
        lines = [problem.mark.line if problem.mark else 0 for problem in error.problems]
        assert lines == sorted(lines), "problems must be in file order"
    else:
        assert isinstance(loaded, LoadedPlan)


examples = st.sampled_from(EXAMPLES)
yaml_punctuation = st.sampled_from(["\t", '"', "'", ":", "[", "]", "{", "}", "#", "&", "*", "-"])
inserted = st.one_of(yaml_punctuation, st.characters(), st.text(min_size=1, max_size=5))
scalars = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=20).map(lambda text: '"' + text.replace("\\", "").replace('"', "") + '"'),
    st.text(alphabet="abcxyz -_", min_size=1, max_size=12),
    st.dates().map(str),
    st.sampled_from(["[]", "{}", "[a, b]", "~", "null", "no", "yes", "2026-02-30", "-", "'"]),
    st.builds(
        "{} {}".format,
        st.sampled_from(
            [
                "!!timestamp",
                "!!binary",
                "!!int",
                "!!float",
                "!!bool",
                "!!null",
                "!!set",
                "!!omap",
                "!!pairs",
                "!!python/object:os.system",
                "!local",
            ]
        ),
        st.sampled_from(["x", "1", "2026-01-01", "[a]", "{a: 1}", "[a: 1]", "''"]),
    ),
)


def lines_of(text: str) -> list[str]:
    return text.split("\n")


@FUZZ
@given(examples, st.data())
def test_deleting_a_line(text: str, data: st.DataObject) -> None:
    lines = lines_of(text)
    index = data.draw(st.integers(0, len(lines) - 1))
    assert_loads_or_explains("\n".join(lines[:index] + lines[index + 1 :]))


@FUZZ
@given(examples, st.data())
def test_duplicating_a_line(text: str, data: st.DataObject) -> None:
    lines = lines_of(text)
    index = data.draw(st.integers(0, len(lines) - 1))
    assert_loads_or_explains("\n".join(lines[: index + 1] + lines[index:]))


@FUZZ
@given(examples, st.data())
def test_swapping_two_lines(text: str, data: st.DataObject) -> None:
    lines = lines_of(text)
    first = data.draw(st.integers(0, len(lines) - 1))
    second = data.draw(st.integers(0, len(lines) - 1))
    lines[first], lines[second] = lines[second], lines[first]
    assert_loads_or_explains("\n".join(lines))


@FUZZ
@given(examples, st.data(), inserted)
def test_inserting_characters(text: str, data: st.DataObject, characters: str) -> None:
    at = data.draw(st.integers(0, len(text)))
    assert_loads_or_explains(text[:at] + characters + text[at:])


@FUZZ
@given(examples, st.data())
def test_truncating_at_a_byte(text: str, data: st.DataObject) -> None:
    raw = text.encode("utf-8")
    assert_loads_or_explains(raw[: data.draw(st.integers(0, len(raw)))])


@FUZZ
@given(examples, st.data(), scalars)
def test_replacing_a_scalar_value(text: str, data: st.DataObject, value: str) -> None:
    # `key: value` in block style, or `key: value` inside a flow mapping.
    values = list(re.finditer(r"(?<=: )[^\s{}\[\],#][^,}\]\n]*", text))
    match = data.draw(st.sampled_from(values))
    assert_loads_or_explains(text[: match.start()] + value + text[match.end() :])


@FUZZ
@given(examples, st.data(), st.sampled_from(["", " ", "  ", "    ", "\t", "      "]))
def test_changing_the_indentation_of_a_line(text: str, data: st.DataObject, indent: str) -> None:
    lines = lines_of(text)
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = indent + lines[index].lstrip(" ")
    assert_loads_or_explains("\n".join(lines))


@FUZZ
@given(st.lists(st.sampled_from(EXAMPLES[0].split("\n")), max_size=40))
def test_lines_of_a_plan_in_random_order(lines: list[str]) -> None:
    assert_loads_or_explains("\n".join(lines))


@settings(max_examples=lane.examples(1000), deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    assert_loads_or_explains(raw)


@settings(max_examples=lane.examples(1000), deadline=None)
@given(st.text(alphabet=st.sampled_from("ab:-[]{}&*!|>'\"#,? \t\n\r"), max_size=80))
def test_random_yaml_punctuation(text: str) -> None:
    assert_loads_or_explains(text)


@pytest.mark.parametrize("text", EXAMPLES, ids=["northwind", "tactics-first"])
def test_the_unmutated_examples_load(text: str) -> None:
    assert isinstance(load_plan_text(text), LoadedPlan)
