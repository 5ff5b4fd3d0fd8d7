"""Exact Shapley by subset aggregation, against brute-force enumeration."""

from __future__ import annotations

from itertools import permutations
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.measure.attribution import PathCounts, attribute, linear, shapley, shapley_from_values
from outcomes.measure.attribution.shapley import mobius_transform, popcounts, zeta_transform
from tests.measure.attribution import data_counts

rows_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=5).map(tuple),
        st.integers(0, 6),
        st.floats(0, 1000, allow_nan=False),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=10,
)


def _brute_force(
    rows: list[tuple[tuple[str, ...], int, float, int]], channels: tuple[str, ...], what: int
) -> dict[str, float]:
    """Average marginal contribution over all k! orderings; v(S) summed directly."""

    def v(coalition: frozenset[str]) -> float:
        total = 0.0
        for path, conversions, value, _nulls in rows:
            if set(path) <= coalition:
                total += conversions if what == 1 else value
        return total

    phi = dict.fromkeys(channels, 0.0)
    for ordering in permutations(channels):
        before: frozenset[str] = frozenset()
        for channel in ordering:
            phi[channel] += v(before | {channel}) - v(before)
            before = before | {channel}
    return {c: x / factorial(len(channels)) for c, x in phi.items()}


@settings(max_examples=80, deadline=None)
@given(rows_strategy)
def test_exact_shapley_equals_brute_force(
    rows: list[tuple[tuple[str, ...], int, float, int]],
) -> None:
    counts = PathCounts.from_rows(rows)
    result = shapley(counts)
    assert result.params["method"] == "subset_aggregation"
    for what, field in ((1, "conversions"), (2, "value")):
        expected = _brute_force(rows, counts.channels, what)
        got = result.as_dict(field)
        for channel in counts.channels:
            assert got[channel] == pytest.approx(expected[channel], rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 8).flatmap(
        lambda k: st.tuples(
            st.just(k), st.lists(st.floats(-10, 10), min_size=1 << k, max_size=1 << k)
        )
    )
)
def test_shapley_from_values_on_arbitrary_games(game: tuple[int, list[float]]) -> None:
    k, values = game
    v = np.array(values)
    v[0] = 0.0
    phi = shapley_from_values(v, k)
    assert phi.sum() == pytest.approx(v[-1] - v[0], abs=1e-9)  # efficiency
    for j in range(k):  # brute force over subsets, the textbook formula
        total = 0.0
        for s in range(1 << k):
            if s >> j & 1:
                continue
            size = bin(s).count("1")
            weight = factorial(size) * factorial(k - size - 1) / factorial(k)
            total += weight * (v[s | 1 << j] - v[s])
        assert phi[j] == pytest.approx(total, abs=1e-9)


def test_zeta_and_mobius_are_inverse() -> None:
    rng = np.random.default_rng(7)
    f = rng.normal(size=1 << 6)
    g = zeta_transform(f, 6)
    assert g[0b101] == pytest.approx(f[0] + f[1] + f[4] + f[5])
    np.testing.assert_allclose(mobius_transform(g, 6), f, atol=1e-12)
    assert list(popcounts(3)) == [0, 1, 1, 2, 1, 2, 2, 3]


def test_data_csv_equals_distinct_channel_linear_and_closed_form() -> None:
    counts = data_counts()
    exact = shapley(counts)
    assert exact.total_conversions == pytest.approx(counts.conversions.sum(), rel=1e-12)
    closed = shapley(counts, max_exact_channels=0)
    assert closed.params["method"] == "unanimity_closed_form"
    per_channel = linear(counts, per="channel")
    for field in ("conversions", "value"):
        a, b, c = (r.as_dict(field) for r in (exact, closed, per_channel))
        for channel in counts.channels:
            assert a[channel] == pytest.approx(b[channel], rel=1e-9)
            assert a[channel] == pytest.approx(c[channel], rel=1e-9)
    # Independent figure from the research notes (§3.5, "Shapley Zhao").
    assert exact.as_dict()["alpha"] == pytest.approx(7627.9, abs=0.05)


def test_registry_and_params() -> None:
    counts = PathCounts.from_rows([("a > b > a", 2, 10, 0), ("b", 1, 1, 5)])
    result = attribute(counts, "shapley")
    assert result.as_dict() == pytest.approx({"a": 1.0, "b": 2.0})
    assert result.params["value_function"] == "subset_sum"
