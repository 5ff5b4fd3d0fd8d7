"""Shapley attribution over channel sets, computed exactly.

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
that closed form is used instead of the 2^k tables; it is exact, so no sampling is
needed for this value function.
"""

from __future__ import annotations

from math import factorial

import numpy as np

from outcomes.measure.attribution.paths import FloatArray, IntArray, PathCounts
from outcomes.measure.attribution.result import AttributionResult, build_result

MAX_EXACT_CHANNELS = 20


def channel_masks(counts: PathCounts) -> IntArray:
    """Each path's set of channels as a bitmask (bit c set when channel c is on it)."""
    if counts.n_channels > 62:
        raise ValueError("bitmasks hold at most 62 channels")
    bits = np.left_shift(np.int64(1), counts.touches)
    if counts.n_paths == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bitwise_or.reduceat(bits, counts.offsets[:-1]).astype(np.int64)


def zeta_transform(f: FloatArray, k: int) -> FloatArray:
    """g(S) = Σ_{T⊆S} f(T) over bitmask-indexed arrays of length 2^k, in O(k·2^k)."""
    g = np.array(f, dtype=np.float64, copy=True)
    for i in range(k):
        view = g.reshape(-1, 2, 1 << i)
        view[:, 1, :] += view[:, 0, :]
    return g


def mobius_transform(g: FloatArray, k: int) -> FloatArray:
    """Inverse of `zeta_transform`: f(S) = Σ_{T⊆S} (−1)^{|S∖T|} g(T)."""
    f = np.array(g, dtype=np.float64, copy=True)
    for i in range(k):
        view = f.reshape(-1, 2, 1 << i)
        view[:, 1, :] -= view[:, 0, :]
    return f


def popcounts(k: int) -> IntArray:
    """|S| for every bitmask S < 2^k."""
    pc = np.zeros(1 << k, dtype=np.int64)
    for i in range(k):
        pc.reshape(-1, 2, 1 << i)[:, 1, :] += 1
    return pc


def shapley_from_values(v: FloatArray, k: int) -> FloatArray:
    """Exact Shapley values of the game v (indexed by coalition bitmask, length 2^k)."""
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


def shapley(
    counts: PathCounts, *, max_exact_channels: int = MAX_EXACT_CHANNELS
) -> AttributionResult:
    """Exact Shapley credit with the subset-sum value function (module docstring).

    Conversions and value are attributed separately (v counts conversions, then value).
    Up to `max_exact_channels` channels the 2^k coalition tables are built; beyond, the
    equivalent closed form (equal split over each path's distinct channels) is used.
    """
    k = counts.n_channels
    if k <= max_exact_channels:
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
        method = "subset_aggregation"
    else:
        conv, val = _closed_form(counts)
        method = "unanimity_closed_form"
    params = {
        "value_function": "subset_sum",
        "method": method,
        "max_exact_channels": max_exact_channels,
    }
    return build_result("shapley", params, counts.channels, conv, val)


def _closed_form(counts: PathCounts) -> tuple[FloatArray, FloatArray]:
    k = counts.n_channels
    pair = np.unique(counts.path_of_touch * k + counts.touches)
    path, channel = pair // k, pair % k
    share = 1.0 / np.bincount(path, minlength=counts.n_paths)[path]
    conv = np.bincount(channel, weights=share * counts.conversions[path], minlength=k)
    val = np.bincount(channel, weights=share * counts.value[path], minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)
