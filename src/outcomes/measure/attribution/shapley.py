"""Shapley attribution over channel sets: exact, sampled with error bars, and ordered.

Players are channels; a coalition S is a set of channels. **Value function** (Zhao,
Mahboobi & Bagheri 2018, "simplified Shapley"): v(S) = the conversions (or conversion
value) of the paths whose *set* of channels is a subset of S — what would have converted
had only the channels in S existed. Order, repeats and non-converting paths play no part,
and v(∅) = 0, so the credit sums to the total exactly and is never negative. (DP6's
"conversion rate of the exact set" can give negative credit, and fractribution's
leave-one-out is not a Shapley value; see the research notes.)

Exact computation by subset aggregation: each path becomes a bitmask of its channels,
conversions are summed per mask (the Möbius coefficients, or Harsanyi dividends, of v),
the zeta transform (subset sums, O(k·2^k)) gives v on all 2^k coalitions, and the
Shapley sum φ_j = Σ_{S∌j} |S|!(k−|S|−1)!/k! · (v(S∪j) − v(S)) is a further O(k·2^k)
vectorised pass. `shapley_from_values` takes any v over the 2^k coalitions, so other
value functions can reuse it.

Because v here is a sum of unanimity games, φ_j also equals Σ_{T∋j} dividend(T)/|T|:
each path's conversions split equally over its distinct channels (= `linear(per=
"channel")`). Beyond `max_exact_channels` (default 20, where 2^k floats reach 8 MiB)
that closed form is used instead of the 2^k tables; it is exact, so this value function
never *needs* sampling.

**Sampled Shapley** (`shapley_sampled`) is for value functions with no such closed form
and too many players for 2^k tables. φ_j is the mean, over uniformly random orderings of
the players, of j's marginal contribution v(P ∪ j) − v(P), P the players before j. Each
ordering is paired with its reverse (antithetic sampling: the two halves of a pair are
negatively correlated, so their mean has less variance); the standard error of each φ_j
is the sample standard deviation of the pair means over √(number of pairs). Every
ordering's contributions sum to v(N) − v(∅), so the estimates do too, exactly. v is
evaluated on the prefix masks of a batch of orderings in one call. Orderings are drawn as
the argsort of uniform numbers from `numpy.random.default_rng(seed)`, so a seed fixes the
result whatever the batch size. `shapley(counts, method="sampled")` runs it on the
channel-set value function above (useful mainly to check the sampler against the exact
answer) and reports the standard errors in `extra["standard_error"]` (conversions) and
`extra["value_standard_error"]`.

**Ordered Shapley** (`shapley_ordered`; Zhao, Mahboobi & Bagheri 2018, §"ordered Shapley
value"): credit per channel *and position*. The position of channel c on a path is the
rank of c's first appearance among the path's distinct channels (1 = the first channel
seen; `a > a > b > a > c` gives a→1, b→2, c→3). Players are the (channel, position)
pairs; a path "needs" the pairs it shows, and v(T) = the conversions (value) of the paths
whose pairs all lie in T. That is again a sum of unanimity games, so the Shapley value of
(c, i) is Σ over paths where c first appears at rank i of conversions/(distinct channels
on the path) — the paper's φ_c^i = Σ_{S∋c} r_c^i(S)/|S|. Summed over positions it is
exactly the channel-set Shapley value φ_c (the paper's identity Σ_i φ_c^i = φ_c), so the
per-channel rows equal `shapley`'s and sum to the totals; what the ordered model adds is
the split by position, in `extra["by_position"]` (conversions) and
`extra["value_by_position"]`: `{channel: (credit at position 1, 2, ...)}`. (Some
implementations index raw touch positions and split a channel's share over its repeats;
with first-appearance ranks each channel holds one position per path and the game above
is an honest Shapley game.)
"""

from __future__ import annotations

from collections.abc import Callable
from math import factorial
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult, build_result

if TYPE_CHECKING:
    import numpy.typing as npt

    from outcomes.measure.attribution.paths import FloatArray, IntArray

    ValueFunction = Callable[[IntArray], npt.ArrayLike]


MAX_EXACT_CHANNELS = 20
MAX_MASK_CHANNELS = 62
DEFAULT_PERMUTATIONS = 1000

"""v on a batch of coalitions: int64 bitmasks (bit j set when player j is in) → values,
shape (m,) or (m, d) for d games evaluated together."""


class ShapleyEstimate(NamedTuple):
    """Sampled Shapley values and their standard errors, with the sampling used.

    `values` and `standard_error` have shape (k,), or (k, d) when v returned d columns.
    `permutations` counts every ordering evaluated (reverses included); `seed` is the one
    actually used (drawn from the OS when None was given, so a run can be repeated).
    """

    values: FloatArray
    standard_error: FloatArray
    permutations: int
    seed: int
    antithetic: bool


def channel_masks(counts: PathCounts) -> IntArray:
    """Each path's set of channels as a bitmask (bit c set when channel c is on it)."""
    import numpy as np

    if counts.n_channels > MAX_MASK_CHANNELS:
        raise ValueError(f"bitmasks hold at most {MAX_MASK_CHANNELS} channels")
    bits = np.left_shift(np.int64(1), counts.touches)
    if counts.n_paths == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bitwise_or.reduceat(bits, counts.offsets[:-1]).astype(np.int64)


def zeta_transform(f: FloatArray, k: int) -> FloatArray:
    """g(S) = Σ_{T⊆S} f(T) over bitmask-indexed arrays of length 2^k, in O(k·2^k)."""
    import numpy as np

    g = np.array(f, dtype=np.float64, copy=True)
    for i in range(k):
        view = g.reshape(-1, 2, 1 << i)
        view[:, 1, :] += view[:, 0, :]
    return g


def mobius_transform(g: FloatArray, k: int) -> FloatArray:
    """Inverse of `zeta_transform`: f(S) = Σ_{T⊆S} (−1)^{|S∖T|} g(T)."""
    import numpy as np

    f = np.array(g, dtype=np.float64, copy=True)
    for i in range(k):
        view = f.reshape(-1, 2, 1 << i)
        view[:, 1, :] -= view[:, 0, :]
    return f


def popcounts(k: int) -> IntArray:
    """|S| for every bitmask S < 2^k."""
    import numpy as np

    pc = np.zeros(1 << k, dtype=np.int64)
    for i in range(k):
        pc.reshape(-1, 2, 1 << i)[:, 1, :] += 1
    return pc


def shapley_from_values(v: FloatArray, k: int) -> FloatArray:
    """Exact Shapley values of the game v (indexed by coalition bitmask, length 2^k)."""
    import numpy as np

    if v.shape != (1 << k,):
        raise ValueError(f"v must have 2^{k} entries")
    weight = np.array(
        [factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)], dtype=np.float64
    )
    size_weight = weight[np.minimum(popcounts(k), k - 1)] if k else np.zeros(1)
    phi = np.zeros(k)
    for j in range(k):
        view = v.reshape(-1, 2, 1 << j)
        w = size_weight.reshape(-1, 2, 1 << j)[:, 0, :]
        phi[j] = float(np.sum(w * (view[:, 1, :] - view[:, 0, :])))
    return phi


def shapley_sampled(
    value_of: ValueFunction,
    k: int,
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = 0,
    antithetic: bool = True,
    batch: int = 256,
) -> ShapleyEstimate:
    """Monte Carlo Shapley values of the game `value_of` over k players, with error bars.

    `permutations` orderings are evaluated in all (with `antithetic`, half are drawn and
    each comes with its reverse, so it must be even); `batch` orderings (pairs) go to
    `value_of` per call, as k−1 prefix masks each, plus one call for ∅ and the grand
    coalition. The result depends on `seed` only, not on `batch`.
    """
    import numpy as np

    if not 0 <= k <= MAX_MASK_CHANNELS:
        raise ValueError(f"k must be between 0 and {MAX_MASK_CHANNELS} (int64 bitmasks)")
    if antithetic and (permutations < 4 or permutations % 2):
        raise ValueError("antithetic sampling needs an even number of permutations, at least 4")
    if permutations < 2:
        raise ValueError("at least 2 permutations are needed for a standard error")
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        seed = int(entropy) if isinstance(entropy, int) else 0
    full = (1 << k) - 1
    ends = _evaluate(value_of, np.array([0, full], dtype=np.int64))
    d = ends.shape[1]
    draws = permutations // 2 if antithetic else permutations
    if k == 0:
        empty = np.zeros((0, d))
        return ShapleyEstimate(*_squeeze(empty, empty, ends), permutations, seed, antithetic)
    rng = np.random.default_rng(seed)
    n, mean, m2 = 0, np.zeros((k, d)), np.zeros((k, d))
    for start in range(0, draws, batch):
        size = min(batch, draws - start)
        order = np.argsort(rng.random((size, k)), axis=1)
        x = _contributions(value_of, order, ends)
        if antithetic:
            x = 0.5 * (x + _contributions(value_of, order[:, ::-1], ends))
        # Chan et al.'s pairwise update of the mean and sum of squared deviations.
        batch_mean = x.mean(axis=0)
        batch_m2 = ((x - batch_mean) ** 2).sum(axis=0)
        total = n + size
        delta = batch_mean - mean
        mean = mean + delta * (size / total)
        m2 = m2 + batch_m2 + delta**2 * (n * size / total)
        n = total
    se = np.sqrt(m2 / (n - 1) / n)
    return ShapleyEstimate(*_squeeze(mean, se, ends), permutations, seed, antithetic)


def _evaluate(value_of: ValueFunction, masks: IntArray) -> FloatArray:
    import numpy as np

    out = np.asarray(value_of(masks), dtype=np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != len(masks):
        raise ValueError(f"value_of gave shape {out.shape} for {len(masks)} coalitions")
    return out


def _contributions(value_of: ValueFunction, order: IntArray, ends: FloatArray) -> FloatArray:
    """(orderings, k, d): each player's marginal contribution along each ordering."""
    import numpy as np

    size, k = order.shape
    d = ends.shape[1]
    values = np.empty((size, k + 1, d))
    values[:, 0, :] = ends[0]
    values[:, k, :] = ends[1]
    if k > 1:
        prefix = np.cumsum(np.left_shift(np.int64(1), order[:, : k - 1]), axis=1)
        values[:, 1:k, :] = _evaluate(value_of, prefix.ravel()).reshape(size, k - 1, d)
    out = np.empty((size, k, d))
    out[np.arange(size)[:, None], order] = np.diff(values, axis=1)
    return out


def _squeeze(values: FloatArray, se: FloatArray, ends: FloatArray) -> tuple[FloatArray, FloatArray]:
    if ends.shape[1] == 1:
        return values[:, 0], se[:, 0]
    return values, se


def subset_sum_game(counts: PathCounts, *, cells: int = 1 << 22) -> ValueFunction:
    """The channel-set value function as a batch function: masks → (conversions, value).

    Paths are first grouped by channel set; each coalition is checked against every
    group, `cells` (coalition, group) pairs at a time.
    """
    import numpy as np

    groups, inverse = np.unique(channel_masks(counts), return_inverse=True)
    dividends = np.zeros((len(groups), 2))
    np.add.at(dividends, inverse, np.stack([counts.conversions, counts.value], axis=1))
    step = max(1, cells // max(1, len(groups)))

    def value_of(masks: IntArray) -> FloatArray:
        out = np.empty((len(masks), 2))
        for start in range(0, len(masks), step):
            chunk = masks[start : start + step]
            inside = (groups[None, :] & ~chunk[:, None]) == 0
            out[start : start + step] = inside.astype(np.float64) @ dividends
        return out

    return value_of


def shapley(
    counts: PathCounts,
    *,
    max_exact_channels: int = MAX_EXACT_CHANNELS,
    method: Literal["exact", "sampled"] = "exact",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = 0,
    antithetic: bool = True,
) -> AttributionResult:
    """Shapley credit with the channel-set value function (module docstring).

    `method="exact"`: up to `max_exact_channels` channels the 2^k coalition tables are
    built (`params["method"] = "subset_aggregation"`); beyond, the equivalent closed form
    (equal split over each path's distinct channels, `"unanimity_closed_form"`).
    `method="sampled"`: `shapley_sampled` over the channels (at most 62), conversions and
    value from the same orderings (`"permutation_sampling"`); `permutations`, `seed` and
    `antithetic` are used and recorded only then (`max_exact_channels` only for
    "exact"), and the standard errors go to
    `extra["standard_error"]` / `extra["value_standard_error"]` as `{channel: se}`.
    """
    import numpy as np

    k = counts.n_channels
    params: dict[str, Any] = {"value_function": "subset_sum"}
    extra: dict[str, Any] = {}
    if method == "sampled":
        estimate = shapley_sampled(
            subset_sum_game(counts), k, permutations=permutations, seed=seed, antithetic=antithetic
        )
        conv, val = estimate.values[:, 0], estimate.values[:, 1]
        params |= {
            "method": "permutation_sampling",
            "permutations": estimate.permutations,
            "seed": estimate.seed,
            "antithetic": estimate.antithetic,
        }
        se = estimate.standard_error
        extra["standard_error"] = dict(zip(counts.channels, se[:, 0].tolist(), strict=True))
        extra["value_standard_error"] = dict(zip(counts.channels, se[:, 1].tolist(), strict=True))
    elif method != "exact":
        raise ValueError(f"method must be 'exact' or 'sampled', not {method!r}")
    elif k <= max_exact_channels:
        masks = channel_masks(counts)
        size = 1 << k
        dividends = np.stack(
            [
                np.bincount(masks, weights=counts.conversions, minlength=size),
                np.bincount(masks, weights=counts.value, minlength=size),
            ]
        )
        conv = shapley_from_values(zeta_transform(dividends[0], k), k)
        val = shapley_from_values(zeta_transform(dividends[1], k), k)
        params |= {"method": "subset_aggregation", "max_exact_channels": max_exact_channels}
    else:
        by_position = _by_position(counts)
        conv, val = by_position[0].sum(axis=1), by_position[1].sum(axis=1)
        params |= {"method": "unanimity_closed_form", "max_exact_channels": max_exact_channels}
    return build_result("shapley", params, counts.channels, conv, val, extra=extra)


def shapley_ordered(counts: PathCounts) -> AttributionResult:
    """Ordered Shapley (module docstring): per-channel credit, split by first-appearance rank.

    Rows hold each channel's total (equal to `shapley`'s); `extra["by_position"]` and
    `extra["value_by_position"]` map each channel to its credit at positions 1, 2, ...
    (tuples of the same length, the most distinct channels on any path).
    """
    table = _by_position(counts)
    conv, val = table[0].sum(axis=1), table[1].sum(axis=1)
    params = {
        "value_function": "subset_sum_by_position",
        "position": "first_appearance_rank",
        "method": "unanimity_closed_form",
    }
    extra = {
        "by_position": _per_channel(counts.channels, table[0]),
        "value_by_position": _per_channel(counts.channels, table[1]),
    }
    return build_result("shapley_ordered", params, counts.channels, conv, val, extra=extra)


def _per_channel(channels: tuple[str, ...], rows: FloatArray) -> dict[str, tuple[float, ...]]:
    return {name: tuple(rows[i].tolist()) for i, name in enumerate(channels)}


def _by_position(counts: PathCounts) -> FloatArray:
    """(2, k, positions): conversions and value credited to (channel, first-appearance rank).

    Each path's conversions (value) split equally over its distinct channels, each share
    filed under the rank at which that channel first appears on the path.
    """
    import numpy as np

    k = counts.n_channels
    first = _first_appearances(counts)
    path = counts.path_of_touch[first]
    distinct = np.bincount(path, minlength=counts.n_paths)
    positions = int(distinct.max()) if counts.n_paths else 0
    # cell = channel * positions + rank, the rank being the index among the path's firsts.
    cell = (np.cumsum(distinct) - distinct)[path]
    np.subtract(np.arange(len(first), dtype=np.int64), cell, out=cell)
    cell += counts.touches[first] * positions
    share = 1.0 / np.maximum(distinct, 1)  # per path; a path has at least one channel
    size = k * positions
    table = np.stack(
        [
            np.bincount(cell, weights=(counts.conversions * share)[path], minlength=size),
            np.bincount(cell, weights=(counts.value * share)[path], minlength=size),
        ]
    )
    return table.astype(np.float64).reshape(2, k, positions)


def _first_appearances(counts: PathCounts) -> IntArray:
    """Flat indices of the first touch of each channel on each path, in increasing order.

    Touches are stored path by path in order, so these run path by path in order of first
    appearance. Found by one sort of (path, channel, flat index) packed in an int64.
    """
    import numpy as np

    n_touches = len(counts.touches)
    shift = max(n_touches - 1, 1).bit_length()
    pairs = counts.n_paths * counts.n_channels
    if pairs >= 1 << (63 - shift):  # too many to pack: sort the pairs stably instead
        _, first = np.unique(
            counts.path_of_touch * counts.n_channels + counts.touches, return_index=True
        )
        return np.sort(first)
    packed = counts.path_of_touch * counts.n_channels
    packed += counts.touches
    packed <<= shift
    packed |= np.arange(n_touches, dtype=np.int64)
    packed.sort()
    pair = packed >> shift
    starts = np.ones(n_touches, dtype=bool)
    starts[1:] = pair[1:] != pair[:-1]
    del pair
    is_first = np.zeros(n_touches, dtype=bool)
    is_first[packed[starts] & ((1 << shift) - 1)] = True
    return np.flatnonzero(is_first)
