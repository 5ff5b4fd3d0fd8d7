"""Markov-chain attribution of order 1 to 4, with removal effects solved exactly.

The chain (ChannelAttribution's construction):

* States are `(start)`, one per observed *k-gram* of channels (order k; for k = 1 the
  channels themselves), `(conversion)` and `(null)`. A path of n ≥ k touches visits its
  n − k + 1 sliding windows in turn; a path shorter than k visits one state, the whole
  path. With `collapse_repeats=True` (default) consecutive identical *states* are merged,
  which for order 1 means `a > a > b` is `a > b`; self-transitions therefore never occur.
* Every transition of a path is weighted by that path's conversions + nulls; the path
  ends in `(conversion)` with weight = conversions and in `(null)` with weight = nulls.
  Transition probabilities are the weights normalised per row.
* `include_nulls=None` (default) uses non-converting paths when any are present, as
  ChannelAttribution does when `var_null` is given. `False` drops them: the chain has no
  `(null)` outcome except through removal, P(conversion) = 1, and only converting paths
  shape the transitions (ChannelAttribution without `var_null`).

Removal effect of channel c: RE_c = 1 − P(conversion | c removed) / P(conversion), where
removing c sends every transition into a state containing c to `(null)`. It is computed
**exactly** from the absorbing chain, without simulation. With Q the transient block
(start and channel states), R the one-step conversion probabilities, N = (I − Q)⁻¹ the
fundamental matrix and B = N·R the conversion probabilities, killing the set A of states
containing c gives (Schur complement of the Green's function on A)

    P(conversion | A removed) = B₀ − N₀A · N_AA⁻¹ · B_A,

so RE_c = N₀A · N_AA⁻¹ · B_A / B₀ (for order 1, A = {c} and this is N₀c·B_c / (N_cc·B₀):
the probability that a converting walk visits c, which is what ChannelAttribution's
simulation estimates). One sparse LU of (I − Q) serves everything: B (one solve), row 0
of N (one transposed solve) and the columns N[:, A] (|A| solves), then a small dense
|A|×|A| solve per channel — at order 1 a Sherman–Morrison scalar. At orders 2–4 a
channel can sit in thousands of k-grams, and the dense |A|×|A| block then costs more
than re-solving the chain restricted to the states without c (one sparse LU each;
P(conversion | A removed) is that solution at `(start)`), so above
`SHARED_LU_MAX_STATES` states per channel that equivalent exact method is used; tests
check the two agree to 1e-12. Chains of `ITERATIVE_MIN_STATES` states or more are solved
with BiCGSTAB to a relative residual of 1e-14 instead of an LU, whose fill-in on a
well-mixed 4-gram chain is catastrophic; still a linear solve, not a simulation. Chains of
at most `DENSE_SOLVE_MAX_STATES` states (a briefing's chains of tactics and channels have
a few dozen) are held as dense arrays and solved with NumPy's LAPACK instead: the same
formulas, N itself computed at once, and SciPy's sparse solvers never imported.

Conversion value: each transition into `(conversion)` is weighted by the mean value of
the conversions ending in that state (ChannelAttribution draws a value from that state's
empirical distribution, which has the same expectation). The same formula on the
value-weighted R gives a separate value removal effect.

Credit: `distribution="global"` (default, ChannelAttribution and MAM 1.x) gives channel c
the share RE_c / Σ RE of all conversions, and REᵥ_c / Σ REᵥ of all value.
`distribution="per_journey"` (MAM 2.x) splits each converting path's conversions and
value over its touches in proportion to the touched channels' RE (conversion RE for
both); a path whose channels all have RE 0 keeps an equal split per touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult, build_result

if TYPE_CHECKING:
    import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

    from outcomes.measure.attribution.paths import FloatArray, IntArray

MAX_ORDER = 4
SHARED_LU_MAX_STATES = 64
ITERATIVE_MIN_STATES = 2_000
"""From this many transient states on, systems are solved iteratively: the LU of a dense
4-gram chain (22,620 states from 12 well-mixed channels) fills in to 10^8 entries and
takes a minute per channel, while BiCGSTAB converges in milliseconds."""
ITERATIVE_RTOL = 1e-14
"""Above this many states holding one channel, removal effects use per-channel solves."""
DISTRIBUTIONS = ("global", "per_journey")


def markov(
    counts: PathCounts,
    *,
    order: int = 1,
    collapse_repeats: bool = True,
    include_nulls: bool | None = None,
    distribution: str = "global",
) -> AttributionResult:
    """Markov attribution with exact removal effects (see the module docstring).

    Defaults follow ChannelAttribution so results compare directly: order 1, consecutive
    repeated states collapsed, non-converting paths used when present, credit shared out
    globally by removal-effect share. The result's `extra` holds `p_conversion` (from
    `(start)`), `value_per_start` (expected value) and `n_states`.
    """
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be 1 to {MAX_ORDER}, got {order}")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}")
    nulls_used = bool(counts.nulls.sum() > 0) if include_nulls is None else include_nulls
    chain = _Chain(counts, order, collapse_repeats, nulls_used)
    re_conv, re_value, p_conv, v_start = chain.removal_effects()

    total_conv = float(counts.conversions.sum())
    total_value = float(counts.value.sum())
    if distribution == "global":
        conv = _share(re_conv) * total_conv
        val = _share(re_value) * total_value
    else:
        conv, val = _per_journey(counts, re_conv, collapse_repeats)
    params: dict[str, Any] = {
        "order": order,
        "collapse_repeats": collapse_repeats,
        "include_nulls": nulls_used,
        "distribution": distribution,
        "method": "exact",
    }
    extra = {"p_conversion": p_conv, "value_per_start": v_start, "n_states": chain.n_states}
    return build_result(
        "markov",
        params,
        counts.channels,
        conv,
        val,
        removal_effect=re_conv,
        value_removal_effect=re_value,
        extra=extra,
    )


def transition_probabilities(
    counts: PathCounts,
    *,
    order: int = 1,
    collapse_repeats: bool = True,
    include_nulls: bool | None = None,
) -> dict[tuple[str, str], float]:
    """The chain `markov` uses, as {(from, to): probability} over non-zero transitions.

    States are named `(start)`, `(conversion)`, `(null)` and channel k-grams joined with
    ` > ` (the channel itself at order 1); parameters and defaults are those of `markov`.
    """
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be 1 to {MAX_ORDER}, got {order}")
    nulls_used = bool(counts.nulls.sum() > 0) if include_nulls is None else include_nulls
    chain = _Chain(counts, order, collapse_repeats, nulls_used)
    names = ["(start)", *chain.state_names, "(conversion)", "(null)"]
    import numpy as np

    if isinstance(chain.transitions, np.ndarray):
        dense = chain.transitions
        rows, cols = np.nonzero(dense)
        return {
            (names[int(i)], names[int(j)]): float(dense[i, j])
            for i, j in zip(rows, cols, strict=True)
        }
    coo = chain.transitions.tocoo()
    return {
        (names[int(i)], names[int(j)]): float(x)
        for i, j, x in zip(coo.row, coo.col, coo.data, strict=True)
        if x > 0
    }


def _share(re: FloatArray) -> FloatArray:
    import numpy as np

    total = float(re.sum())
    return re / total if total > 0 else np.zeros_like(re)


class _Chain:
    """The absorbing chain built from path counts; state 0 is `(start)`."""

    def __init__(self, counts: PathCounts, order: int, collapse: bool, nulls: bool) -> None:
        import numpy as np

        self.counts = counts
        codes, seq, seq_offsets = _state_sequences(counts, order)
        self.n_states = len(codes)
        self.members = _members(codes, order, counts.n_channels)
        self.state_names = [
            " > ".join(counts.channels[c] for c in gram)
            for gram in _decode(codes, order, counts.n_channels)
        ]
        n_t = self.n_states + 1  # transient: start + states
        counts_m, end_state = _transition_counts(
            seq, seq_offsets, counts.conversions, counts.nulls if nulls else None, n_t, collapse
        )
        out = np.asarray(counts_m.sum(axis=1)).ravel()
        inv = np.divide(1.0, out, out=np.zeros_like(out), where=out > 0)
        self.transitions: FloatArray | sp.csr_matrix
        if isinstance(counts_m, np.ndarray):
            self.transitions = counts_m * inv[:, None]
            self.r_conv = self.transitions[:, n_t].copy()
        else:
            import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

            self.transitions = (sp.diags(inv) @ counts_m).tocsr()
            self.r_conv = self.transitions[:, n_t].toarray().ravel()
        self.q = self.transitions[:, :n_t]
        # Mean value per conversion ending in each state: R_value[s] = value ending at s /
        # out-weight(s), i.e. P(s → conversion) × mean value of those conversions.
        value_end = np.bincount(end_state, weights=counts.value, minlength=n_t)
        self.r_value = value_end * inv

    @property
    def dense(self) -> bool:
        """Whether the chain is small enough to be held and solved as dense arrays."""
        import numpy as np

        return isinstance(self.transitions, np.ndarray)

    def removal_effects(self, method: str = "auto") -> tuple[FloatArray, FloatArray, float, float]:
        """(RE conversions, RE value, P(conversion), expected value) from `(start)`.

        `method="shared_lu"`: one LU of (I − Q) and the Schur formula for every channel.
        `method="restricted"`: per channel, one sparse solve of the chain restricted to the
        states without c. Both are exact; "auto" takes the first when every channel owns
        at most `SHARED_LU_MAX_STATES` states (always at order 1), else the second,
        because a dense |A|×|A| Schur block per channel costs more than a sparse LU once
        a channel appears in hundreds of k-grams.
        """
        import numpy as np

        rhs = np.stack([self.r_conv, self.r_value], axis=1)
        largest = max((len(m) for m in self.members), default=0)
        if method == "auto":
            method = "shared_lu" if largest <= SHARED_LU_MAX_STATES else "restricted"
        if method not in ("shared_lu", "restricted"):
            raise ValueError(f"method must be auto, shared_lu or restricted, got {method!r}")
        if self.dense:
            gain, p_conv, v_start = self._dense_gains(rhs, method)
        else:
            gain, p_conv, v_start = self._sparse_gains(rhs, method)
        k = self.counts.n_channels
        re_conv = gain[:, 0] / p_conv if p_conv > 0 else np.zeros(k)
        re_value = gain[:, 1] / v_start if v_start > 0 else np.zeros(k)
        # Round-off can leave -1e-17 for a channel on no converting walk; RE is in [0, 1].
        return np.clip(re_conv, 0.0, 1.0), np.clip(re_value, 0.0, 1.0), p_conv, v_start

    def _dense_gains(self, rhs: FloatArray, method: str) -> tuple[FloatArray, float, float]:
        """`removal_effects`' gains for a small chain, with NumPy's dense LAPACK solves.

        The same formulas as `_sparse_gains`; for the few dozen states of a chain of
        tactics or channels a dense solve takes microseconds, and SciPy's sparse solvers
        (a third of a second to import) are not needed at all.
        """
        import numpy as np

        n_t = self.n_states + 1
        system = np.eye(n_t) - np.asarray(self.q)
        b = np.linalg.solve(system, rhs)
        p_conv, v_start = float(b[0, 0]), float(b[0, 1])
        gain = np.zeros((self.counts.n_channels, 2))
        if method == "shared_lu":
            fundamental = np.linalg.inv(system)  # N = (I - Q)^-1, small: all of it at once
            if all(len(states) <= 1 for states in self.members):
                # Order 1: A = {c}, and the Schur formula is the scalar N₀c · B_c / N_cc.
                owner = [c for c, states in enumerate(self.members) if len(states) == 1]
                idx = np.array([self.members[c][0] + 1 for c in owner], dtype=np.int64)
                scale = fundamental[0, idx] / fundamental[idx, idx]
                gain[owner] = scale[:, None] * b[idx, :]
                return gain, p_conv, v_start
            for c, states in enumerate(self.members):
                if len(states) == 0:
                    continue
                idx = states + 1
                n_aa = fundamental[np.ix_(idx, idx)]
                gain[c] = fundamental[0, idx] @ np.linalg.solve(n_aa, b[idx, :])
            return gain, p_conv, v_start
        everything = np.arange(n_t)
        for c, states in enumerate(self.members):
            if len(states) == 0:
                continue
            keep = np.setdiff1d(everything, states + 1)  # start (0) is always kept
            kept = np.linalg.solve(system[np.ix_(keep, keep)], rhs[keep])
            gain[c] = b[0] - kept[0]
        return gain, p_conv, v_start

    def _sparse_gains(self, rhs: FloatArray, method: str) -> tuple[FloatArray, float, float]:
        """`removal_effects`' gains for a large chain (sparse LU or BiCGSTAB)."""
        import numpy as np
        import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]
        from scipy.sparse.linalg import splu  # type: ignore[import-untyped, unused-ignore]

        n_t = self.n_states + 1
        system = (sp.identity(n_t, format="csc") - self.q.tocsc()).tocsc()
        lu = splu(system) if method == "shared_lu" else None
        b = lu.solve(rhs) if lu is not None else _solve(system, rhs)
        p_conv, v_start = float(b[0, 0]), float(b[0, 1])
        k = self.counts.n_channels
        gain = np.zeros((k, 2))
        if method == "shared_lu":
            assert lu is not None
            e0 = np.zeros(n_t)
            e0[0] = 1.0
            n0 = lu.solve(e0, trans="T")  # row 0 of N = (I - Q)^-1
            for c, states in enumerate(self.members):
                if len(states) == 0:
                    continue
                idx = states + 1
                unit = np.zeros((n_t, len(idx)))
                unit[idx, np.arange(len(idx))] = 1.0
                n_aa = lu.solve(unit)[idx, :]  # N[A, A]
                gain[c] = n0[idx] @ np.linalg.solve(n_aa, b[idx, :])
        else:
            everything = np.arange(n_t)
            for c, states in enumerate(self.members):
                if len(states) == 0:
                    continue
                keep = np.setdiff1d(everything, states + 1)  # start (0) is always kept
                kept = _solve(system[keep][:, keep].tocsc(), rhs[keep])
                gain[c] = b[0] - kept[0]
        return gain, p_conv, v_start


def _state_sequences(counts: PathCounts, order: int) -> tuple[IntArray, IntArray, IntArray]:
    """State codes (unique k-grams), and every path's state sequence (CSR: states, offsets).

    A path of n ≥ k touches visits its n − k + 1 windows, a shorter one its whole path.
    A k-gram is coded base (K + 1) with channel + 1 per slot and 0 for the empty slots
    of a short path's single state, so codes are unique and decodable. Repeated states
    are not collapsed here (see `_transition_counts`).
    """
    import numpy as np

    k = counts.n_channels
    if float(k + 1) ** order >= 2.0**62:
        raise ValueError(f"too many channels ({k}) for an order-{order} state code")
    if order == 1:  # the states are the channels on the paths, the sequences the paths
        seen = np.bincount(counts.touches, minlength=k) > 0
        if seen.all():
            return np.arange(1, k + 1, dtype=np.int64), counts.touches, counts.offsets
        lookup = np.cumsum(seen) - 1
        return np.flatnonzero(seen) + 1, lookup[counts.touches], counts.offsets
    n = counts.lengths[counts.path_of_touch]
    pos = counts.position_of_touch
    valid = (pos <= n - order) | ((n < order) & (pos == 0))
    start = np.flatnonzero(valid)
    width = np.minimum(order, n[start] - pos[start])
    code = np.zeros(len(start), dtype=np.int64)
    last_flat = len(counts.touches) - 1
    for j in range(order):
        ch = counts.touches[np.minimum(start + j, last_flat)] + 1
        code = code * (k + 1) + np.where(j < width, ch, 0)
    codes, ids = _compact(code, (k + 1) ** order)
    offsets = np.zeros(counts.n_paths + 1, dtype=np.int64)
    np.cumsum(np.maximum(counts.lengths - order + 1, 1), out=offsets[1:])
    return codes.astype(np.int64), ids, offsets


def _transition_counts(
    seq: IntArray,
    offsets: IntArray,
    conversions: FloatArray,
    nulls: FloatArray | None,
    n_t: int,
    collapse: bool,
) -> tuple[FloatArray | sp.csr_matrix, IntArray]:
    """Summed transition weights (n_t × n_t + 2) and each path's last state row.

    The weights are a dense array for a chain of at most `DENSE_SOLVE_MAX_STATES`
    transient states (solved densely, see `_Chain._dense_gains`), else a CSR matrix.

    Rows and columns: 0 `(start)`, 1 + state, then `(conversion)` and `(null)`. Path i
    (states `seq[offsets[i]:offsets[i + 1]]`) weighs conversions + nulls on each of its
    transitions and ends in `(conversion)` with its conversions, in `(null)` with its
    nulls. Collapsing repeated states only removes their self-transitions (the first and
    last states stay), so with `collapse` those are dropped instead of the states.
    """
    import numpy as np

    width = n_t + 2
    weight = conversions if nulls is None else conversions + nulls
    first_state = seq[offsets[:-1]] + 1
    last_state = seq[offsets[1:] - 1] + 1
    # Pairs (j, j + 1) of one path: every j but the last state of each path.
    inner = np.ones(max(len(seq) - 1, 0), dtype=bool)
    inner[offsets[1:-1] - 1] = False
    if collapse:
        inner &= seq[1:] != seq[:-1]
    pair = np.flatnonzero(inner)
    del inner
    pair_weight = np.repeat(weight, np.diff(offsets))[pair]
    if n_t * width <= DENSE_CELLS:
        key = seq[pair] * width
        key += seq[pair + 1]
        key += width + 1  # (1 + from) * width + (1 + to)
        # (bincount of no pairs gives int64 zeros)
        dense = np.bincount(key, weights=pair_weight, minlength=n_t * width).astype(np.float64)
        dense = dense.reshape(n_t, width)
        dense[0] += np.bincount(first_state, weights=weight, minlength=width)
        dense[:, n_t] += np.bincount(last_state, weights=conversions, minlength=n_t)
        if nulls is not None:
            dense[:, n_t + 1] += np.bincount(last_state, weights=nulls, minlength=n_t)
        if n_t <= DENSE_SOLVE_MAX_STATES:
            return dense, last_state
        import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

        return sp.csr_matrix(dense), last_state
    import scipy.sparse as sp  # type: ignore[import-untyped, unused-ignore]

    rows = np.concatenate([np.zeros(len(first_state), np.int64), seq[pair] + 1, last_state])
    cols = np.concatenate([first_state, seq[pair + 1] + 1, np.full(len(last_state), n_t)])
    wts = np.concatenate([weight, pair_weight, conversions])
    if nulls is not None:
        rows = np.concatenate([rows, last_state])
        cols = np.concatenate([cols, np.full(len(last_state), n_t + 1)])
        wts = np.concatenate([wts, nulls])
    return sp.csr_matrix((wts, (rows, cols)), shape=(n_t, width)), last_state


def _solve(system: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
    """x with system @ x = rhs: sparse LU when small, BiCGSTAB when large.

    I − Q of an absorbing chain is a nonsingular M-matrix, on which BiCGSTAB converges;
    should it ever not reach `ITERATIVE_RTOL`, the LU is used after all.
    """
    import numpy as np
    from scipy.sparse.linalg import bicgstab, splu  # type: ignore[import-untyped, unused-ignore]

    if system.shape[0] < ITERATIVE_MIN_STATES:
        return np.asarray(splu(system).solve(rhs))
    operator = system.tocsr()
    columns = []
    for column in rhs.T:
        if not column.any():
            columns.append(np.zeros_like(column))
            continue
        x, info = bicgstab(operator, column, rtol=ITERATIVE_RTOL, atol=0.0, maxiter=10_000)
        if info != 0:
            return np.asarray(splu(system).solve(rhs))
        columns.append(x)
    return np.stack(columns, axis=1)


DENSE_SOLVE_MAX_STATES: Final = 400
"""Up to this many transient states a chain is held and solved as dense arrays (an
inverse of 400 × 400 takes milliseconds); above, sparse (a 4-gram chain has thousands)."""
DENSE_CELLS: Final = 1 << 22
"""Below this many cells a dense count by `bincount` beats sorting (chains of low order)."""


def _compact(code: IntArray, space: int) -> tuple[IntArray, IntArray]:
    """(sorted distinct codes, each code's index among them), as `np.unique` gives them.

    Small code spaces (order 1, and low orders over few channels) are counted with a
    lookup table in linear time instead of a sort.
    """
    import numpy as np

    if space > DENSE_CELLS:
        codes, ids = np.unique(code, return_inverse=True)
        return codes.astype(np.int64), ids.astype(np.int64)
    seen = np.bincount(code, minlength=space) > 0
    lookup = np.cumsum(seen) - 1
    return np.flatnonzero(seen).astype(np.int64), lookup[code].astype(np.int64)


def _decode(codes: IntArray, order: int, n_channels: int) -> list[tuple[int, ...]]:
    """State codes back to channel-index k-grams."""
    grams = []
    for code in codes.tolist():
        slots = []
        for _ in range(order):
            code, slot = divmod(code, n_channels + 1)
            slots.append(slot)
        grams.append(tuple(s - 1 for s in reversed(slots) if s > 0))
    return grams


def _members(codes: IntArray, order: int, n_channels: int) -> list[IntArray]:
    """For each channel, the states whose k-gram contains it."""
    import numpy as np

    contains = np.zeros((n_channels, len(codes)), dtype=bool)
    rest = codes.copy()
    for _ in range(order):
        slot = rest % (n_channels + 1)
        rest //= n_channels + 1
        hit = slot > 0
        contains[slot[hit] - 1, np.flatnonzero(hit)] = True
    return [np.flatnonzero(row) for row in contains]


def _per_journey(
    counts: PathCounts, re: FloatArray, collapse: bool
) -> tuple[FloatArray, FloatArray]:
    """MAM 2.x: each path's conversions and value split over its touches by RE."""
    import numpy as np

    paths = counts.collapse_repeats() if collapse else counts
    path = paths.path_of_touch
    raw = re[paths.touches]
    total = np.bincount(path, weights=raw, minlength=paths.n_paths)
    equal = 1.0 / paths.lengths[path]
    weight = np.where(total[path] > 0, raw / np.where(total > 0, total, 1.0)[path], equal)
    k = paths.n_channels
    conv = np.bincount(paths.touches, weights=weight * paths.conversions[path], minlength=k)
    val = np.bincount(paths.touches, weights=weight * paths.value[path], minlength=k)
    return conv.astype(np.float64), val.astype(np.float64)
