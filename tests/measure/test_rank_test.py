"""The Mann–Whitney U test gives SciPy's p-values, exact and asymptotic, with and without ties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from outcomes.measure.rank_test import mann_whitney_p
from tests import lane

# Comment counts: small whole numbers, so ties are common, as on real posts.
counts = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=30)
# Distinct fractional values: no ties, so small samples take the exact method.
distinct = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=12
)


def scipy_p(first: list[float], second: list[float]) -> float:
    return float(stats.mannwhitneyu(first, second, alternative="two-sided").pvalue)


@settings(max_examples=lane.examples(300), deadline=None)
@given(counts, counts)
def test_tied_samples_match_scipy(first: list[int], second: list[int]) -> None:
    ours = mann_whitney_p([float(v) for v in first], [float(v) for v in second])
    expected = scipy_p([float(v) for v in first], [float(v) for v in second])
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-15, nan_ok=True)


@settings(max_examples=lane.examples(300), deadline=None)
@given(distinct, distinct)
def test_untied_samples_match_scipy(first: list[float], second: list[float]) -> None:
    assert mann_whitney_p(first, second) == pytest.approx(scipy_p(first, second), rel=1e-12)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),  # exact, fully separated
        ([1.0, 4.0], [2.0, 3.0]),  # exact, U at the middle: capped at 1
        (list(range(20)), list(range(10, 40))),  # asymptotic, no ties
        ([0.0] * 9, [0.0] * 9),  # every value tied
    ],
)
def test_known_cases_match_scipy(first: list[float], second: list[float]) -> None:
    assert mann_whitney_p(first, second) == pytest.approx(scipy_p(first, second), rel=1e-12)


def test_an_empty_sample_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        mann_whitney_p([], [1.0])
