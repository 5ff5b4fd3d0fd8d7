"""Rule-based models: first, last, last non-direct, linear, position-based, time decay.

Each splits every path's conversions and value over its touches with weights that sum
to 1 per path, so totals are preserved exactly. All run as NumPy passes over the touches
(`np.bincount` with weights), never a loop over paths.

Paths are used as given (see `PathCounts`): a channel touched twice gets two shares in
the per-touch models, as in ChannelAttribution's `linear_touch`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult, build_result

if TYPE_CHECKING:
    from outcomes.measure.attribution.paths import FloatArray, IntArray

    TouchWeight = Callable[[IntArray, IntArray], FloatArray]
    """(path length, 0-based position) of touches → each touch's share of its path's credit."""

DEFAULT_DIRECT: frozenset[str] = frozenset({"direct"})


def _spread(counts: PathCounts, weight: TouchWeight) -> tuple[FloatArray, FloatArray]:
    """Credit per channel when a touch's share depends only on its path's length and its
    position (shares summing to 1 within each path).

    The shares are evaluated once per (length, position) cell of the counts' shared
    `position_totals`; without that table (very long paths), once per touch.
    """
    import numpy as np

    table = counts.position_totals
    if table is not None:
        share = weight(table.length, table.position)
        return table.conversions @ share, table.value @ share
    path = counts.path_of_touch
    share = weight(counts.lengths[path], counts.position_of_touch)
    k = counts.n_channels
    conv = np.bincount(counts.touches, weights=share * counts.conversions[path], minlength=k)
    val = np.bincount(counts.touches, weights=share * counts.value[path], minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)


def _at(counts: PathCounts, index: IntArray) -> tuple[FloatArray, FloatArray]:
    """All of each path's credit to the touch at `index` (one flat index per path)."""
    import numpy as np

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
    import numpy as np

    direct_set = frozenset(direct)
    is_direct = np.array([name in direct_set for name in counts.channels], dtype=bool)
    # From each path's last touch step back while on a direct touch; each step works only
    # on the paths still on one, fewer every time (most paths end on a non-direct touch).
    last = counts.offsets[1:] - 1
    index = last.copy()
    back = np.flatnonzero(is_direct[counts.touches[index]] & (index > counts.offsets[:-1]))
    while len(back):
        index[back] -= 1
        back = back[is_direct[counts.touches[index[back]]] & (index[back] > counts.offsets[back])]
    # A path made only of direct touches stopped on its first touch: it keeps its last.
    index = np.where(is_direct[counts.touches[index]], last, index)
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
        conv, val = _spread(counts, _per_touch)
    elif per == "channel":
        conv, val = _linear_distinct(counts)
    else:
        raise ValueError(f"per must be 'touch' or 'channel', got {per!r}")
    return build_result("linear", {"per": per}, counts.channels, conv, val)


def _per_touch(length: IntArray, position: IntArray) -> FloatArray:
    import numpy as np

    return np.asarray(1.0 / length, dtype=np.float64)


def _linear_distinct(counts: PathCounts) -> tuple[FloatArray, FloatArray]:
    import numpy as np

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
    import numpy as np

    if first < 0 or last < 0 or first + last > 1:
        raise ValueError("first and last must be ≥ 0 with first + last ≤ 1")
    pair_total = first + last

    def weight(length: IntArray, position: IntArray) -> FloatArray:
        is_first = position == 0
        is_last = position == length - 1
        middle = (1.0 - first - last) / np.maximum(length - 2, 1)
        share = np.where(is_first, first, np.where(is_last, last, middle))
        two_share = np.where(is_first, first, last) / pair_total if pair_total > 0 else 0.5
        share = np.where(length == 2, two_share, share)
        return np.asarray(np.where(length == 1, 1.0, share), dtype=np.float64)

    conv, val = _spread(counts, weight)
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
    import numpy as np

    if half_life <= 0:
        raise ValueError(f"half_life must be > 0, got {half_life}")
    longest = int(counts.lengths.max()) if counts.n_paths else 1
    # The share of the touch of age a on a path of n touches: 2^(-a/h) / Σ_{b<n} 2^(-b/h).
    decay = np.exp2(-np.arange(longest, dtype=np.float64) / half_life)
    path_total = np.cumsum(decay)  # [n - 1]: the sum over a path of n touches

    def weight(length: IntArray, position: IntArray) -> FloatArray:
        return np.asarray(decay[length - 1 - position] / path_total[length - 1])

    conv, val = _spread(counts, weight)
    params = {"half_life": half_life, "time_unit": "touches"}
    return build_result("time_decay", params, counts.channels, conv, val)
