"""Shapley: exact by subset aggregation, sampled with error bars, ordered; vs brute force."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations, permutations
from math import factorial
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.measure.attribution import PathCounts, attribute, linear, shapley, shapley_from_values
from outcomes.measure.attribution.shapley import (
    mobius_transform,
    popcounts,
    shapley_ordered,
    shapley_sampled,
    zeta_transform,
)
from tests import lane
from tests.measure.attribution import data_counts

if TYPE_CHECKING:
    from outcomes.measure.attribution.shapley import IntArray

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


@settings(max_examples=lane.examples(80), deadline=None)
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


@settings(max_examples=lane.examples(40), deadline=None)
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


# ---- sampled Shapley --------------------------------------------------------------------


def _table_game(v: np.ndarray) -> Callable[[IntArray], np.ndarray]:
    """A game given as a table over all 2^k coalitions, as a batch value function."""
    return lambda masks: v[masks]


@settings(max_examples=lane.examples(60), deadline=None, derandomize=True)
@given(
    st.integers(2, 7).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(st.floats(-10, 10), min_size=1 << k, max_size=1 << k),
            st.integers(0, 2**32),
            st.booleans(),
        )
    )
)
def test_sampled_is_within_four_standard_errors_of_exact(
    game: tuple[int, list[float], int, bool],
) -> None:
    k, values, seed, antithetic = game
    v = np.array(values)
    exact = shapley_from_values(v, k) if v[0] == 0 else shapley_from_values(v - v[0], k)
    estimate = shapley_sampled(
        _table_game(v), k, permutations=400, seed=seed, antithetic=antithetic
    )
    assert estimate.values.shape == estimate.standard_error.shape == (k,)
    assert estimate.values.sum() == pytest.approx(v[-1] - v[0], abs=1e-9)  # efficiency
    assert np.all(np.abs(estimate.values - exact) <= 4 * estimate.standard_error + 1e-9)


def test_additive_game_is_recovered_exactly_player_by_player() -> None:
    weights = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    bits = (np.arange(64)[:, None] >> np.arange(6)) & 1
    estimate = shapley_sampled(_table_game(bits @ weights), 6, permutations=10, seed=1)
    np.testing.assert_allclose(estimate.values, weights, atol=1e-12)
    np.testing.assert_allclose(estimate.standard_error, 0.0, atol=1e-12)


def _fixed_game(k: int, seed: int) -> np.ndarray:
    """A superadditive-ish random game: dividends on random coalitions."""
    rng = np.random.default_rng(seed)
    dividends = np.zeros(1 << k)
    dividends[rng.integers(1, 1 << k, size=40)] += rng.exponential(5, size=40)
    return zeta_transform(dividends, k)


@pytest.mark.parametrize("antithetic", [True, False])
def test_standard_error_shrinks_like_one_over_root_n(antithetic: bool) -> None:
    v = _fixed_game(8, 3)
    small = shapley_sampled(_table_game(v), 8, permutations=400, seed=5, antithetic=antithetic)
    large = shapley_sampled(_table_game(v), 8, permutations=4000, seed=6, antithetic=antithetic)
    ratio = small.standard_error / large.standard_error
    assert np.all((ratio > 2.2) & (ratio < 4.5)), ratio  # √10 ≈ 3.16
    exact = shapley_from_values(v, 8)
    assert np.abs(large.values - exact).max() < np.abs(small.values - exact).max() * 1.5


def test_standard_error_matches_the_spread_over_seeds() -> None:
    """The reported error bar is the real one: spread of estimates over 300 seeds."""
    v = _fixed_game(6, 11)
    runs = [shapley_sampled(_table_game(v), 6, permutations=40, seed=s) for s in range(300)]
    spread = np.std([r.values for r in runs], axis=0, ddof=1)
    reported = np.mean([r.standard_error for r in runs], axis=0)
    np.testing.assert_allclose(reported, spread, rtol=0.25)
    exact = shapley_from_values(v, 6)
    mean = np.mean([r.values for r in runs], axis=0)  # unbiased: within 4 SE of the mean
    assert np.all(np.abs(mean - exact) <= 4 * spread / np.sqrt(len(runs)))


def test_sampling_is_deterministic_given_seed_whatever_the_batch() -> None:
    v = _fixed_game(7, 2)
    a = shapley_sampled(_table_game(v), 7, permutations=300, seed=42)
    b = shapley_sampled(_table_game(v), 7, permutations=300, seed=42)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.standard_error, b.standard_error)
    c = shapley_sampled(_table_game(v), 7, permutations=300, seed=42, batch=7)
    np.testing.assert_allclose(c.values, a.values, rtol=1e-12)
    np.testing.assert_allclose(c.standard_error, a.standard_error, rtol=1e-9)
    assert not np.array_equal(shapley_sampled(_table_game(v), 7, seed=43).values, a.values)
    drawn = shapley_sampled(_table_game(v), 7, permutations=300, seed=None)
    again = shapley_sampled(_table_game(v), 7, permutations=300, seed=drawn.seed)
    np.testing.assert_array_equal(drawn.values, again.values)


def test_several_games_at_once_and_bad_arguments() -> None:
    v, w = _fixed_game(5, 1), _fixed_game(5, 2)
    both = shapley_sampled(lambda m: np.stack([v[m], w[m]], axis=1), 5, seed=9)
    one = shapley_sampled(_table_game(w), 5, seed=9)
    assert both.values.shape == (5, 2)
    np.testing.assert_allclose(both.values[:, 1], one.values, rtol=1e-12)
    with pytest.raises(ValueError, match="even number"):
        shapley_sampled(_table_game(v), 5, permutations=11)
    with pytest.raises(ValueError, match="at least 2"):
        shapley_sampled(_table_game(v), 5, permutations=1, antithetic=False)
    with pytest.raises(ValueError, match="value_of gave shape"):
        shapley_sampled(lambda m: v[m][:-1], 5)
    with pytest.raises(ValueError, match="method"):
        shapley(PathCounts.from_rows([("a", 1, 1, 0)]), method="kernel")  # type: ignore[arg-type]


@settings(max_examples=lane.examples(40), deadline=None, derandomize=True)
@given(rows_strategy, st.integers(0, 2**32))
def test_sampled_model_agrees_with_exact_and_keeps_totals(
    rows: list[tuple[tuple[str, ...], int, float, int]], seed: int
) -> None:
    counts = PathCounts.from_rows(rows)
    exact = shapley(counts)
    sampled = attribute(counts, "shapley", method="sampled", permutations=200, seed=seed)
    assert sampled.params == {
        "value_function": "subset_sum",
        "method": "permutation_sampling",
        "permutations": 200,
        "seed": seed,
        "antithetic": True,
    }
    assert sampled.total_conversions == pytest.approx(counts.conversions.sum(), abs=1e-9)
    assert sampled.total_value == pytest.approx(counts.value.sum(), rel=1e-9, abs=1e-9)
    for field, se_key in (("conversions", "standard_error"), ("value", "value_standard_error")):
        se = sampled.extra[se_key]
        assert set(se) == set(counts.channels)
        got, want = sampled.as_dict(field), exact.as_dict(field)
        for channel in counts.channels:
            assert abs(got[channel] - want[channel]) <= 4 * se[channel] + 1e-9


def test_sampled_beyond_max_exact_channels_against_closed_form() -> None:
    rng = np.random.default_rng(0)
    names = [f"c{i:02d}" for i in range(30)]
    rows = [
        (tuple(rng.choice(names, size=rng.integers(1, 7))), int(rng.integers(0, 20)), 1.0, 0)
        for _ in range(400)
    ]
    counts = PathCounts.from_rows(rows)
    closed = shapley(counts)
    assert counts.n_channels == 30 and closed.params["method"] == "unanimity_closed_form"
    sampled = shapley(counts, method="sampled", permutations=400, seed=1)
    se = sampled.extra["standard_error"]
    assert 0 < max(se.values()) < 0.05 * max(closed.as_dict().values())
    for channel, credit in closed.as_dict().items():
        assert abs(sampled.as_dict()[channel] - credit) <= 4 * se[channel] + 1e-9
    assert sampled.total_conversions == pytest.approx(counts.conversions.sum(), rel=1e-12)


# ---- ordered Shapley --------------------------------------------------------------------


def _ordered_brute_force(
    rows: list[tuple[tuple[str, ...], int, float, int]], what: int
) -> dict[tuple[str, int], float]:
    """Textbook Shapley over (channel, first-appearance rank) players, v summed directly."""
    needs: list[tuple[frozenset[tuple[str, int]], float]] = []
    for path, conversions, value, _nulls in rows:
        seen: list[str] = []
        for channel in path:
            if channel not in seen:
                seen.append(channel)
        needs.append(
            (frozenset((c, i + 1) for i, c in enumerate(seen)), (conversions, value)[what - 1])
        )
    players = sorted(set().union(*(need for need, _ in needs)))
    n = len(players)

    def v(coalition: frozenset[tuple[str, int]]) -> float:
        return sum(amount for need, amount in needs if need <= coalition)

    phi = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for subset in combinations(others, size):
                before = frozenset(subset)
                total += weight * (v(before | {player}) - v(before))
        phi[player] = total
    return phi


@settings(max_examples=lane.examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from("abc"), min_size=1, max_size=5).map(tuple),
            st.integers(0, 6),
            st.floats(0, 1000, allow_nan=False),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_ordered_shapley_equals_brute_force(
    rows: list[tuple[tuple[str, ...], int, float, int]],
) -> None:
    counts = PathCounts.from_rows(rows)
    result = shapley_ordered(counts)
    positions = max(len(set(path)) for path, *_ in rows)
    for what, field, key in ((1, "conversions", "by_position"), (2, "value", "value_by_position")):
        expected = _ordered_brute_force(rows, what)
        table = result.extra[key]
        for channel in counts.channels:
            assert len(table[channel]) == positions
            for rank in range(1, positions + 1):
                want = expected.get((channel, rank), 0.0)
                assert table[channel][rank - 1] == pytest.approx(want, rel=1e-9, abs=1e-9)
            assert result.as_dict(field)[channel] == pytest.approx(sum(table[channel]), rel=1e-12)
    assert result.total_conversions == pytest.approx(counts.conversions.sum(), rel=1e-12)
    assert result.total_value == pytest.approx(counts.value.sum(), rel=1e-12, abs=1e-9)


def test_ordered_shapley_by_hand_and_registry() -> None:
    counts = PathCounts.from_rows([("a > a > b > a > c", 6, 60, 0), ("b > a", 2, 4, 9)])
    result = attribute(counts, "shapley_ordered")
    assert result.model == "shapley_ordered"
    assert result.params["position"] == "first_appearance_rank"
    assert result.extra["by_position"] == {
        "a": (2.0, 1.0, 0.0),
        "b": (1.0, 2.0, 0.0),
        "c": (0.0, 0.0, 2.0),
    }
    assert result.extra["value_by_position"]["a"] == pytest.approx((20.0, 2.0, 0.0))
    assert result.as_dict() == pytest.approx({"a": 3.0, "b": 3.0, "c": 2.0})
    assert result.as_dict() == pytest.approx(shapley(counts).as_dict())


def test_ordered_shapley_on_data_csv_splits_the_exact_value() -> None:
    counts = data_counts()
    ordered, exact = shapley_ordered(counts), shapley(counts)
    for field in ("conversions", "value"):
        a, b = ordered.as_dict(field), exact.as_dict(field)
        for channel in counts.channels:
            assert a[channel] == pytest.approx(b[channel], rel=1e-9)
    first = sum(row[0] for row in ordered.extra["by_position"].values())
    assert 0 < first < ordered.total_conversions
