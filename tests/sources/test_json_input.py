"""The JSON reader the JSON connectors share: strict numbers, surrogates, arrays in pieces."""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.sources import json_input
from outcomes.sources.json_input import (
    RecordError,
    StreamError,
    TextStream,
    array_elements,
    loads,
    text_start,
)
from tests import lane

PREFIX = re.compile(r"\s*x\s*=\s*")
FINITE_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=15,
)


def elements(text: str) -> list[Any]:
    buffer, found = text_start(TextStream(io.BytesIO(text.encode()), "utf-8"), PREFIX)
    assert found
    return [e.value if e.problem is None else e.problem.reason for e in array_elements(buffer)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "NaN is not a number JSON allows"),
        ('{"a": [Infinity]}', "Infinity is not a number JSON allows"),
        ("[-1e999]", "the number -1e999 is out of range"),
        ('{"a": {"b": "\\ud800"}}', "a string holds a lone UTF-16 surrogate (at a.b)"),
        ('{"\\udc00": 1}', "a string holds a lone UTF-16 surrogate (at the top)"),
        ("[" * 100_000, "the JSON is nested too deeply to be an export record"),
        ("1" * 5000, "an integer of 5,000 digits is out of range"),
        ('{"a": ', "not valid JSON: Expecting value"),
    ],
)
def test_loads_refuses_what_exports_never_hold(text: str, reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        loads(text)
    assert caught.value.reason.startswith(reason)


def test_an_integer_too_long_rejects_its_element_not_the_array() -> None:
    # 5,000 digits: Python will not make an int of it. Only its element is refused.
    text = 'x = [1, {"id": ' + "9" * 5000 + "}, 3]"
    assert elements(text) == [1, "an integer of 5,000 digits is out of range", 3]


def test_loads_keeps_surrogate_pairs_and_ordinary_numbers() -> None:
    assert loads('["\\ud83d\\ude00", 1.5e10, -0.0, 12]') == ["😀", 1.5e10, -0.0, 12]


@settings(max_examples=lane.examples(200), deadline=None)
@given(values=st.lists(FINITE_JSON, max_size=6), read=st.integers(1, 50), indent=st.booleans())
def test_an_array_read_in_pieces_gives_what_json_loads_gives(
    values: list[Any], read: int, indent: bool
) -> None:
    text = "x = " + json.dumps(values, indent=2 if indent else None, ensure_ascii=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_input, "READ_CHARS", read)  # every value crosses reads
        assert elements(text) == json.loads(text[4:])


@settings(max_examples=lane.examples(300), deadline=None)
@given(text=st.text(max_size=80), read=st.integers(1, 20))
def test_any_text_gives_elements_or_a_located_stream_error(text: str, read: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_input, "READ_CHARS", read)
        try:
            found = elements("x = [" + text)
        except StreamError as exc:
            assert exc.line >= 1 and exc.column >= 1
        else:
            assert all(not isinstance(v, float) or math.isfinite(v) for v in found)


@pytest.mark.parametrize("read", [3, 1 << 20])
def test_stream_errors_name_the_line_and_column_across_reads(read: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_input, "READ_CHARS", read)
        with pytest.raises(StreamError) as caught:
            elements('x = [\n  {"a": 1},\n  {"b": 2} {"c": 3}\n]')
    assert (caught.value.line, caught.value.column) == (3, 12)  # the second "{"
    assert caught.value.reason == "expected ',' or ']' after an element"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('{"created_at": "2025-12-08", "created_at": "2031-01-01"}', "created_at"),
        ('{"account": {"acct": "northwind", "acct": "someone"}}', "account.acct"),
        ('{"tweet": {"entities": [{"url": "a", "url": "b"}]}}', "tweet.entities[0].url"),
    ],
)
def test_a_key_given_twice_with_two_values_is_a_problem_naming_its_path(
    text: str, column: str
) -> None:
    assert loads(text)  # Python's json keeps the last value without a word
    with pytest.raises(RecordError) as caught:
        loads(text, unique_keys=True)
    assert caught.value.column == column
    assert "is given twice, with two values" in caught.value.reason
    assert "export the file again" in caught.value.reason


def test_a_key_repeated_with_the_same_value_reads_as_once() -> None:
    text = '{"type": "Note", "type": "Note", "n": {"a": [1, {"b": 2}], "a": [1, {"b": 2}]}}'
    assert loads(text, unique_keys=True) == {"type": "Note", "n": {"a": [1, {"b": 2}]}}


def test_in_an_array_only_the_element_giving_a_key_twice_is_refused() -> None:
    text = 'x = [{"id": 1}, {"id": 2, "id": 3}, {"id": 4, "id": 4}]'
    buffer, _ = text_start(TextStream(io.BytesIO(text.encode()), "utf-8"), PREFIX)
    found = list(array_elements(buffer, unique_keys=True))
    assert [e.value for e in found] == [{"id": 1}, None, {"id": 4}]
    assert found[1].problem is not None and found[1].problem.column == "id"
