"""Rule-based models: first, last, last non-direct, linear, position-based, time decay.

Each splits every path's conversions and value over its touches with weights that sum
to 1 per path, so totals are preserved exactly. All run as NumPy passes over the touches
(`np.bincount` with weights), never a loop over paths.

Paths are used as given (see `PathCounts`): a channel touched twice gets two shares in
the per-touch models, as in ChannelAttribution's `linear_touch`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from outcomes.measure.attribution.paths import FloatArray, IntArray, PathCounts
from outcomes.measure.attribution.result import AttributionResult, build_result

DEFAULT_DIRECT: frozenset[str] = frozenset({"direct"})


def _spread(counts: PathCounts, touch_weight: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Credit per channel from per-touch weights that sum to 1 within each path."""
    path = counts.path_of_touch
    k = counts.n_channels
    conv = np.bincount(counts.touches, weights=touch_weight * counts.conversions[path], minlength=k)
    val = np.bincount(counts.touches, weights=touch_weight * counts.value[path], minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)


def _at(counts: PathCounts, index: IntArray) -> tuple[FloatArray, FloatArray]:
    """All of each path's credit to the touch at `index` (one flat index per path)."""
    k = counts.n_channels
    channel = counts.touches[index]
    conv = np.bincount(channel, weights=counts.conversions, minlength=k)
    val = np.bincount(channel, weights=counts.value, minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)


def first_touch(counts: PathCounts) -> AttributionResult:
    """All credit to the first touch of each path."""
    conv, val = _at(counts, counts.offsets[:-1])
    return build_result("first_touch", {}, counts.channels, conv, val)


def last_touch(counts: PathCounts) -> AttributionResult:
    """All credit to the last touch of each path."""
    conv, val = _at(counts, counts.offsets[1:] - 1)
    return build_result("last_touch", {}, counts.channels, conv, val)


def last_non_direct(
    counts: PathCounts, *, direct: Iterable[str] = DEFAULT_DIRECT
) -> AttributionResult:
    """All credit to the last touch whose channel is not "direct".

    `direct` is the set of channel names treated as direct (default `{"direct"}`; names
    absent from the data are ignored). A path made only of direct touches keeps its
    credit on its last touch (Google Analytics' rule): dropping it would lose conversions.
    """
    direct_set = frozenset(direct)
    is_direct = np.array([name in direct_set for name in counts.channels], dtype=bool)
    touch_ok = ~is_direct[counts.touches]
    # Last qualifying flat index per path: max over qualifying positions, -1 if none.
    flat = np.arange(len(counts.touches), dtype=np.int64)
    candidate = np.where(touch_ok, flat, -1)
    best = np.maximum.reduceat(candidate, counts.offsets[:-1]) if counts.n_paths else flat[:0]
    index = np.where(best >= 0, best, counts.offsets[1:] - 1)
    conv, val = _at(counts, index)
    params = {"direct": sorted(direct_set)}
    return build_result("last_non_direct", params, counts.channels, conv, val)


def linear(counts: PathCounts, *, per: str = "touch") -> AttributionResult:
    """Equal credit to every touch (`per="touch"`, default) or every distinct channel.

    `per="touch"`: a channel touched twice in a path of n touches gets 2/n
    (ChannelAttribution's `linear_touch`). `per="channel"`: each distinct channel of the
    path gets 1/(number of distinct channels) — this equals exact Shapley with the
    subset-sum value function (see `shapley`).
    """
    if per == "touch":
        weight = 1.0 / counts.lengths[counts.path_of_touch]
        conv, val = _spread(counts, weight.astype(np.float64))
    elif per == "channel":
        conv, val = _linear_distinct(counts)
    else:
        raise ValueError(f"per must be 'touch' or 'channel', got {per!r}")
    return build_result("linear", {"per": per}, counts.channels, conv, val)


def _linear_distinct(counts: PathCounts) -> tuple[FloatArray, FloatArray]:
    k = counts.n_channels
    pair = np.unique(counts.path_of_touch * k + counts.touches)
    path, channel = pair // k, pair % k
    distinct = np.bincount(path, minlength=counts.n_paths)
    share = 1.0 / distinct[path]
    conv = np.bincount(channel, weights=share * counts.conversions[path], minlength=k)
    val = np.bincount(channel, weights=share * counts.value[path], minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)


def position_based(
    counts: PathCounts, *, first: float = 0.4, last: float = 0.4
) -> AttributionResult:
    """U-shaped: `first` to the first touch, `last` to the last, the rest spread evenly.

    Defaults 40/20/40. A one-touch path gives it everything; a two-touch path splits
    first : last in proportion (0.5/0.5 at the defaults), as DP6's MAM and fractribution
    do, so no path loses credit.
    """
    if first < 0 or last < 0 or first + last > 1:
        raise ValueError("first and last must be ≥ 0 with first + last ≤ 1")
    n = counts.lengths[counts.path_of_touch].astype(np.float64)
    pos = counts.position_of_touch
    is_first = pos == 0
    is_last = pos == n - 1
    middle = (1.0 - first - last) / np.maximum(n - 2, 1)
    weight = np.where(is_first, first, np.where(is_last, last, middle))
    two = n == 2
    pair_total = first + last
    two_weight = np.where(is_first, first, last) / pair_total if pair_total > 0 else 0.5
    weight = np.where(two, two_weight, weight)
    weight = np.where(n == 1, 1.0, weight)
    conv, val = _spread(counts, weight.astype(np.float64))
    params = {"first": first, "last": last, "middle": 1.0 - first - last}
    return build_result("position_based", params, counts.channels, conv, val)


def time_decay(counts: PathCounts, *, half_life: float = 1.0) -> AttributionResult:
    """Credit halving every `half_life` touches back from the conversion.

    Aggregated paths carry no timestamps, so the time proxy is the position from the
    end: the last touch has age 0, the one before age 1, ... and weight 2^(-age /
    half_life), normalised within the path. Default half-life 1 touch (each step back
    gets half the credit of the next). With real timestamps (a later slice) the same
    rule applies to hours before the conversion.
    """
    if half_life <= 0:
        raise ValueError(f"half_life must be > 0, got {half_life}")
    n = counts.lengths[counts.path_of_touch]
    age = (n - 1 - counts.position_of_touch).astype(np.float64)
    raw = np.exp2(-age / half_life)
    total = np.bincount(counts.path_of_touch, weights=raw, minlength=counts.n_paths)
    conv, val = _spread(counts, raw / total[counts.path_of_touch])
    params = {"half_life": half_life, "time_unit": "touches"}
    return build_result("time_decay", params, counts.channels, conv, val)
