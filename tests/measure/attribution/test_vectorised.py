"""The vectorised passes against plain per-path Python references on random paths.

The models run as NumPy passes over all touches (and the rule-based ones over a shared
(channel, length, position) table when it is small); these references loop over paths
the obvious way, so each shortcut is checked against the rule it implements.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.measure.attribution import PathCounts, attribute
from outcomes.measure.attribution import paths as paths_module
from outcomes.measure.attribution.markov import transition_probabilities
from outcomes.measure.attribution.shapley import _by_position
from tests import lane

CHANNELS = "abcdef"
Row = tuple[list[str], int, float, int]

rows_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=7),
        st.integers(0, 5),
        st.floats(0, 100),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=25,
)


def _counts(rows: list[Row]) -> PathCounts:
    return PathCounts.from_rows([(steps, c, v, z) for steps, c, v, z in rows])


def _per_touch(counts: PathCounts) -> PathCounts:
    """The same counts, with the shared position table switched off (per-touch weights)."""
    counts.__dict__["position_totals"] = None  # what a cached_property reads first
    return counts


def _rule(length: int, position: int, model: str) -> float:
    """Share of the touch at `position` on a path of `length` touches, rule by rule."""
    if model == "linear":
        return 1 / length
    if model == "position_based":
        if length == 1:
            return 1.0
        if length == 2:
            return 0.5
        return 0.4 if position in (0, length - 1) else 0.2 / (length - 2)
    weights = [2.0 ** -(length - 1 - i) for i in range(length)]  # time_decay, half-life 1
    return weights[position] / sum(weights)


def _reference(counts: PathCounts, model: str) -> tuple[dict[str, float], dict[str, float]]:
    conv: dict[str, float] = defaultdict(float)
    value: dict[str, float] = defaultdict(float)
    for i, path in enumerate(counts.paths()):
        for position, channel in enumerate(path):
            share = _rule(len(path), position, model)
            conv[counts.channels[channel]] += share * counts.conversions[i]
            value[counts.channels[channel]] += share * counts.value[i]
    return conv, value


def _close(ours: dict[str, float], reference: dict[str, float]) -> None:
    for channel, expected in ours.items():
        assert expected == pytest.approx(reference.get(channel, 0.0), rel=1e-9, abs=1e-9)


@settings(max_examples=lane.examples(60), deadline=None)
@given(rows_strategy)
def test_rule_based_models_equal_the_per_path_rules(rows: list[Row]) -> None:
    for model in ("linear", "position_based", "time_decay"):
        conv, value = _reference(_counts(rows), model)
        for counts in (_counts(rows), _per_touch(_counts(rows))):
            result = attribute(counts, model)
            _close(result.as_dict(), conv)
            _close(result.as_dict("value"), value)


def test_long_paths_of_many_lengths_skip_the_position_table() -> None:
    rows = [([CHANNELS[(i * j) % 5] for j in range(i)], i % 3, float(i), 1) for i in range(1, 61)]
    counts = _counts(rows)
    assert counts.position_totals is None  # 5 channels × 1830 cells > 1830 touches
    for model in ("linear", "position_based", "time_decay"):
        conv, value = _reference(counts, model)
        _close(attribute(counts, model).as_dict(), conv)
        _close(attribute(counts, model).as_dict("value"), value)


@settings(max_examples=lane.examples(60), deadline=None)
@given(rows_strategy, st.sets(st.sampled_from(CHANNELS)))
def test_last_non_direct_steps_back_over_direct_touches(rows: list[Row], direct: set[str]) -> None:
    counts = _counts(rows)
    expected: dict[str, float] = defaultdict(float)
    for i, path in enumerate(counts.paths()):
        names = [counts.channels[c] for c in path]
        kept = [name for name in names if name not in direct]
        expected[kept[-1] if kept else names[-1]] += counts.conversions[i]
    got = attribute(counts, "last_non_direct", direct=direct).as_dict()
    assert got == {name: expected.get(name, 0.0) for name in counts.channels}


@settings(max_examples=lane.examples(60), deadline=None)
@given(rows_strategy)
def test_ordered_shapley_files_shares_under_first_appearance_ranks(rows: list[Row]) -> None:
    counts = _counts(rows)
    width = max(len(set(path)) for path in counts.paths())
    expected = np.zeros((2, counts.n_channels, width))
    for i, path in enumerate(counts.paths()):
        distinct = list(dict.fromkeys(path))  # in order of first appearance
        for rank, channel in enumerate(distinct):
            expected[0, channel, rank] += counts.conversions[i] / len(distinct)
            expected[1, channel, rank] += counts.value[i] / len(distinct)
    np.testing.assert_allclose(_by_position(counts), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=lane.examples(60), deadline=None)
@given(rows_strategy, st.integers(1, 3), st.booleans(), st.booleans())
def test_markov_transitions_equal_a_per_path_count(
    rows: list[Row], order: int, collapse: bool, nulls: bool
) -> None:
    counts = _counts(rows)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for i, path in enumerate(counts.paths()):
        names = [counts.channels[c] for c in path]
        states = [" > ".join(names[j : j + order]) for j in range(max(len(names) - order + 1, 1))]
        if collapse:
            states = [s for j, s in enumerate(states) if j == 0 or s != states[j - 1]]
        w = counts.conversions[i] + (counts.nulls[i] if nulls else 0.0)
        for a, b in pairwise(["(start)", *states]):
            weights[a, b] += w
        weights[states[-1], "(conversion)"] += counts.conversions[i]
        weights[states[-1], "(null)"] += counts.nulls[i] if nulls else 0.0
    out: dict[str, float] = defaultdict(float)
    for (a, _), w in weights.items():
        out[a] += w
    expected = {key: w / out[key[0]] for key, w in weights.items() if w > 0}
    got = transition_probabilities(
        counts, order=order, collapse_repeats=collapse, include_nulls=nulls
    )
    assert got == pytest.approx(expected, abs=1e-12)


def _collapsed_reference(counts: PathCounts) -> dict[tuple[int, ...], tuple[float, float, float]]:
    totals: dict[tuple[int, ...], list[float]] = {}
    for i, path in enumerate(counts.paths()):
        merged = tuple(c for j, c in enumerate(path) if j == 0 or c != path[j - 1])
        acc = totals.setdefault(merged, [0.0, 0.0, 0.0])
        for k, x in enumerate((counts.conversions, counts.value, counts.nulls)):
            acc[k] += float(x[i])
    return {path: (a, b, c) for path, (a, b, c) in totals.items()}


def _as_dict(counts: PathCounts) -> dict[tuple[int, ...], tuple[float, float, float]]:
    return {
        counts.path(i): (counts.conversions[i], counts.value[i], counts.nulls[i])
        for i in range(counts.n_paths)
    }


@settings(max_examples=lane.examples(80), deadline=None)
@given(rows_strategy)
def test_collapse_repeats_equals_merging_path_by_path(rows: list[Row]) -> None:
    counts = _counts(rows)
    collapsed = counts.collapse_repeats()
    reference = _collapsed_reference(counts)
    assert collapsed.collapsed
    assert collapsed.channels == counts.channels
    assert collapsed.paths() == list(reference)  # in order of first appearance
    assert _as_dict(collapsed) == reference  # summed in the same order: exactly equal
    assert collapsed.collapse_repeats() is collapsed


def test_collapsing_can_merge_paths() -> None:
    counts = PathCounts.from_rows([("a > a > b", 1, 10, 2), ("a > b > b", 2, 5, 0), ("b", 1, 1, 1)])
    collapsed = counts.collapse_repeats()
    assert collapsed.paths() == [(0, 1), (1,)]
    assert _as_dict(collapsed) == {(0, 1): (3.0, 15.0, 2.0), (1,): (1.0, 1.0, 1.0)}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (  # paths of different lengths
            ["a > b", "b > a", "a>b", "b", "a > b > a", "b"],
            {(0, 1): (4.0, 40.0, 0.0), (1, 0): (2.0, 20.0, 1.0), (1,): (10.0, 100.0, 2.0),
             (0, 1, 0): (5.0, 50.0, 0.0)},
        ),
        (  # one length: told apart step by step
            ["a > b", "b > a", "a>b", "b > b", "a > b", "b>b"],
            {(0, 1): (9.0, 90.0, 0.0), (1, 0): (2.0, 20.0, 1.0), (1, 1): (10.0, 100.0, 2.0)},
        ),
    ],
)  # fmt: skip
def test_equal_paths_are_summed_even_when_every_hash_collides(
    monkeypatch: pytest.MonkeyPatch,
    texts: list[str],
    expected: dict[tuple[int, ...], tuple[float, float, float]],
) -> None:
    conv, value, nulls = [1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60], [0, 1, 0, 1, 0, 1]
    honest = PathCounts.from_arrow(pa.array(texts), conv, value, nulls)
    monkeypatch.setattr(
        paths_module, "_path_hashes", lambda touches, offsets: np.zeros(len(offsets) - 1)
    )
    colliding = PathCounts.from_arrow(pa.array(texts), conv, value, nulls)
    assert _as_dict(honest) == expected
    assert _as_dict(colliding) == expected
    assert honest.paths() == colliding.paths() == list(expected)


@pytest.mark.parametrize(
    "column",
    [
        pa.array(["x", "a > b", "c>a", "b ", "a > b"]).slice(1),
        pa.array(["a > b", "c>a", "b ", "a > b"], type=pa.large_string()),
        pa.chunked_array([["a > b", "c>a"], ["b ", "a > b"]]),
        pa.chunked_array([pa.array(["a > b", "c>a", "b ", "a > b"], type=pa.string_view())]),
    ],
    ids=["sliced", "large_string", "chunked", "string_view"],
)
def test_from_arrow_takes_any_string_column(column: pa.Array | pa.ChunkedArray) -> None:
    counts = PathCounts.from_arrow(column, [1, 2, 3, 4], [1, 1, 1, 1], [0, 0, 0, 0])
    assert counts.channels == ("a", "b", "c")
    assert _as_dict(counts) == {(0, 1): (5.0, 2.0, 0.0), (2, 0): (2.0, 1.0, 0.0),
                                (1,): (3.0, 1.0, 0.0)}  # fmt: skip


def test_from_arrow_keeps_unicode_names_and_refuses_missing_paths() -> None:
    counts = PathCounts.from_arrow(pa.array(["café > ÿouTube", "ÿouTube"]), [1, 1], [0, 0], [0, 0])
    assert counts.channels == ("café", "ÿouTube")
    with pytest.raises(ValueError, match="missing"):
        PathCounts.from_arrow(pa.array(["a", None]), [1, 1], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="empty step"):
        PathCounts.from_arrow(pa.array(["a", ""]), [1, 1], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="same length"):
        PathCounts.from_arrow(pa.array(["a", "b"]), [1], [0], [0])


def test_from_arrow_leaves_the_callers_arrays_writable() -> None:
    conv = np.array([1.0, 2.0])
    PathCounts.from_arrow(pa.array(["a", "b"]), conv, conv, conv)
    conv[0] = 3.0
