"""The two-sided Mann–Whitney U test, as `scipy.stats.mannwhitneyu` computes it.

Content focus asks whether customer-focused posts earn more comments than brand-centric
ones. `scipy.stats` answers that, but importing it costs about as much as importing
DuckDB, Ibis, PyArrow, NumPy and SciPy together, on every measurement; this is SciPy's
own method (1.17, `method="auto"`, `use_continuity=True`) on NumPy alone:

* U of the first sample from average ranks; the statistic tested is the larger of U and
  its complement, and the p-value is twice its survival function, capped at 1;
* **exact** when either sample has at most 8 values and no value is tied: the null
  distribution of U by SciPy's recurrence (Andreas Löffler's, over the sums of divisors),
  counted in unsigned 64-bit integers;
* else **asymptotic**: the normal approximation with the tie correction and a continuity
  correction of ½, the normal tail computed as Cephes' `ndtr` does (from `erf` near 0,
  from `erfc` in the tails).

`tests/measure/test_rank_test.py` holds it to SciPy's answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

EXACT_MAX: Final = 8
"""SciPy's `auto` method is exact unless both samples are longer than this."""


def mann_whitney_p(first: Sequence[float] | Floats, second: Sequence[float] | Floats) -> float:
    """The two-sided p-value that `first` and `second` come from one distribution.

    ValueError when either sample is empty.
    """
    import numpy as np

    if not len(first) or not len(second):
        raise ValueError("both samples need at least one value")
    values = np.concatenate([np.asarray(first, np.float64), np.asarray(second, np.float64)])
    ranks, ties = _average_ranks(values)
    n1, n2 = len(first), len(second)
    u1 = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    if (n1 <= EXACT_MAX or n2 <= EXACT_MAX) and not bool((ties > 1).any()):
        p = _exact_sf(int(u), n1, n2)
    else:
        p = _normal_sf(_z(u, n1, n2, ties))
    return float(min(max(2 * p, 0.0), 1.0))


def _average_ranks(values: Floats) -> tuple[Floats, Floats]:
    """(ranks from 1, ties averaged; the size of each run of equal values)."""
    import numpy as np

    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, ordered.size])
    # Every value of a run of equal ones gets the mean of the ranks the run spans.
    mean_rank = starts + (sizes + 1) / 2
    ranks = np.empty(ordered.size, np.float64)
    ranks[order] = np.repeat(mean_rank, sizes)
    return ranks, sizes.astype(np.float64)


def _z(u: float, n1: int, n2: int, ties: Floats) -> float:
    import numpy as np

    total = n1 + n2
    tie_term = float(np.sum(ties**3 - ties))
    spread = math.sqrt(n1 * n2 / 12 * ((total + 1) - tie_term / (total * (total - 1))))
    if spread == 0:
        # Every value tied: U is at its mean and the continuity correction leaves −½,
        # over a spread of 0 (SciPy's z of −∞, p of 1).
        return -math.inf
    return (u - n1 * n2 / 2 - 0.5) / spread


def _normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z, as Cephes' `ndtr(-z)`."""
    x = -z * math.sqrt(0.5)
    if abs(x) < math.sqrt(0.5):
        return 0.5 + 0.5 * math.erf(x)
    tail = 0.5 * math.erfc(abs(x))
    return 1.0 - tail if x > 0 else tail


def _exact_sf(u: int, n1: int, n2: int) -> float:
    """P(U ≥ u) under the null hypothesis, summed from the nearer end."""
    import numpy as np

    small, large = min(n1, n2), max(n1, n2)
    complement = small * large - u
    if u < complement:
        frequencies = _frequencies(u, small, large)
        return float(1.0 - np.cumsum(frequencies)[u] + frequencies[u])
    return float(np.cumsum(_frequencies(complement, small, large))[complement])


def _frequencies(top: int, small: int, large: int) -> Floats:
    """The probability of U = 0 … `top` (SciPy's `_MWU.build_u_freqs_array`)."""
    import numpy as np

    sigma = np.zeros(top + 1, dtype=int)
    for step in range(1, small + 1):
        sigma[np.arange(step, top + 1, step)] += step
    for step in range(large + 1, large + small + 1):
        sigma[np.arange(step, top + 1, step)] -= step
    sigma = sigma[1:]
    configurations = np.zeros(top + 1, dtype=np.uint64)
    configurations[0] = 1
    as_integers, uint_max = True, np.iinfo(np.uint64).max
    for value in range(1, top + 1):
        following = np.dot(configurations[:value], sigma[value - 1 :: -1]) / value
        if following > uint_max and as_integers:
            configurations, as_integers = configurations.astype(float), False
        configurations[value] = following
    return configurations / float(math.comb(small + large, small))
