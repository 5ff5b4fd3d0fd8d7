"""`PathCounts`: the small summary every attribution model works on.

A journey table (one row per customer journey) or an aggregated paths file both reduce to
the same thing: each *distinct* path, as a sequence of channel indices, with how many
journeys along it converted, their total value, and how many did not convert. Models never
see channel names or journeys, only this summary, so the warehouse-built journeys of a
later slice can feed the same models unchanged. A paths file is read by its connector
(`outcomes.sources.paths.read_path_rows`), whose rows `from_rows` takes: measuring reads
the warehouse, never a file.

Storage is CSR-like (`touches` holds every step of every path back to back; `offsets[i]`
is where path `i` starts), so the heuristics run as NumPy passes over all touches rather
than Python loops over paths.

Conventions:

* Paths are kept **as observed** (repeats included) unless `collapse_repeats=True` is asked
  for when building, or `collapse_repeats()` is called. The heuristics use paths as given
  (ChannelAttribution's linear model counts each touch); the Markov model collapses
  repeats itself by default.
* The same path given twice is summed (conversions, value and nulls), as the paths
  connector does; collapsing can make two paths equal, and they are then summed too.
* Channel indices follow first appearance in the input, so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from outcomes.tables import PATH_SEPARATOR, normalise_path

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]


_GT = ord(PATH_SEPARATOR)
_HASH_SEED = 20_240_601

PathRow = tuple[str | Sequence[str], float, float, float]
"""(path as `a > b` text or a sequence of channel names, conversions, value, nulls)."""


@dataclass(frozen=True, eq=False)
class PathCounts:
    """Distinct paths over a channel vocabulary, with conversions, value and null counts.

    Build with `from_rows`, `from_paths` or `from_arrow`; the arrays are read-only.
    """

    channels: tuple[str, ...]
    touches: IntArray
    offsets: IntArray
    conversions: FloatArray
    value: FloatArray
    nulls: FloatArray
    collapsed: bool = False
    _lengths: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import numpy as np

        for array in (self.touches, self.offsets, self.conversions, self.value, self.nulls):
            array.setflags(write=False)
        object.__setattr__(self, "_lengths", np.diff(self.offsets))
        n = len(self.offsets) - 1
        if n < 0 or not (len(self.conversions) == len(self.value) == len(self.nulls) == n):
            raise ValueError("offsets, conversions, value and nulls disagree on the path count")
        if n and int(self._lengths.min()) < 1:
            raise ValueError("every path needs at least one touch")

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_paths(
        cls,
        paths: Iterable[Sequence[str]],
        conversions: Iterable[float],
        value: Iterable[float] | None = None,
        nulls: Iterable[float] | None = None,
        *,
        collapse_repeats: bool = False,
    ) -> PathCounts:
        """From parallel sequences: channel-name paths and their counts (value, nulls: 0)."""
        path_list = [tuple(p) for p in paths]
        conv = list(conversions)
        val = list(value) if value is not None else [0.0] * len(path_list)
        nul = list(nulls) if nulls is not None else [0.0] * len(path_list)
        if not (len(path_list) == len(conv) == len(val) == len(nul)):
            raise ValueError("paths, conversions, value and nulls must have the same length")
        vocab: dict[str, int] = {}
        totals: dict[tuple[int, ...], list[float]] = {}
        for steps, c, v, z in zip(path_list, conv, val, nul, strict=True):
            if not steps:
                raise ValueError("a path needs at least one channel")
            if min(c, v, z) < 0:
                raise ValueError(f"negative count or value on path {' > '.join(steps)!r}")
            coded = tuple(vocab.setdefault(step, len(vocab)) for step in steps)
            if collapse_repeats:
                coded = _collapse(coded)
            acc = totals.setdefault(coded, [0.0, 0.0, 0.0])
            acc[0] += float(c)
            acc[1] += float(v)
            acc[2] += float(z)
        return cls._from_coded(tuple(vocab), totals, collapse_repeats)

    @classmethod
    def from_rows(cls, rows: Iterable[PathRow], *, collapse_repeats: bool = False) -> PathCounts:
        """From `(path, conversions, value, nulls)` rows; a text path is split on `>`."""
        paths: list[tuple[str, ...]] = []
        counts: list[tuple[float, float, float]] = []
        for path, c, v, z in rows:
            if isinstance(path, str):
                path = normalise_path(path).split(f" {PATH_SEPARATOR} ")
            paths.append(tuple(path))
            counts.append((c, v, z))
        return cls.from_paths(
            paths,
            [c[0] for c in counts],
            [c[1] for c in counts],
            [c[2] for c in counts],
            collapse_repeats=collapse_repeats,
        )

    @classmethod
    def from_arrow(
        cls,
        paths: pa.Array | pa.ChunkedArray,
        conversions: pa.Array | pa.ChunkedArray | npt.ArrayLike,
        value: pa.Array | pa.ChunkedArray | npt.ArrayLike,
        nulls: pa.Array | pa.ChunkedArray | npt.ArrayLike,
    ) -> PathCounts:
        """From columns of text paths (`a > b > c`) and their counts, vectorised.

        This is how a summary computed by the engine (or a big paths table) becomes a
        PathCounts without a Python object per row. The text is cut into steps on its
        bytes (`>` never occurs inside a multi-byte UTF-8 character): every step is the
        slice from just after one `>` up to and including the next, so the steps are
        zero-copy views of the column, and Arrow dictionary-encodes them in C++. The few
        distinct step spellings (`linkedin >`, ` linkedin`, ...) are then trimmed to
        channel names. Channels are numbered by first appearance, as in `from_rows`;
        repeated paths are summed; repeats of a channel are not collapsed.
        """
        # Copies: the PathCounts freezes its arrays, which must not be the caller's.
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        conv = np.array(conversions, dtype=np.float64)
        val = np.array(value, dtype=np.float64)
        nul = np.array(nulls, dtype=np.float64)
        text = _text_column(paths)
        n = len(text)
        if not (len(conv) == len(val) == len(nul) == n):
            raise ValueError("paths, conversions, value and nulls must have the same length")
        if (conv < 0).any() or (val < 0).any() or (nul < 0).any():
            raise ValueError("negative count or value in the paths")
        if text.null_count:
            raise ValueError("a path is missing (null)")
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls((), empty, np.zeros(1, dtype=np.int64), conv, val, nul)
        buffers = text.buffers()
        wide = pa.types.is_large_string(text.type)
        bounds = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
        bounds = bounds[text.offset : text.offset + n + 1].astype(np.int64)
        data = buffers[2] if buffers[2] is not None else pa.py_buffer(b"")
        lo, hi = int(bounds[0]), int(bounds[-1])
        gt = np.flatnonzero(np.frombuffer(data, dtype=np.uint8)[lo:hi] == _GT)
        gt += lo
        # Path p holds the separators gt[before[p]:before[p + 1]], so before[p + 1] -
        # before[p] + 1 steps; its first step starts at its first byte, the others one
        # byte after a separator.
        before = np.searchsorted(gt, bounds)
        offsets = np.arange(n + 1, dtype=np.int64)
        offsets += before
        step_start = np.empty(int(offsets[-1]) + 1, dtype=np.int64)
        after_gt = np.ones(len(step_start) - 1, dtype=bool)
        after_gt[offsets[:-1]] = False
        step_start[offsets[:-1]] = bounds[:-1]
        step_start[:-1][after_gt] = gt + 1
        step_start[-1] = hi
        del gt, after_gt, before, bounds
        step_type, step_offsets = (
            (pa.large_string(), step_start) if wide else (pa.string(), step_start.astype(np.int32))
        )
        steps = pa.Array.from_buffers(
            step_type, len(step_start) - 1, [None, pa.py_buffer(step_offsets), data]
        )
        del step_start, step_offsets
        encoded = pc.dictionary_encode(steps)
        del steps
        spellings = encoded.dictionary
        names = pc.utf8_trim_whitespace(pc.utf8_rtrim(spellings, characters=PATH_SEPARATOR))
        vocab: dict[str, int] = {}
        lookup = np.empty(len(names), dtype=np.int64)  # spelling → channel
        for i, name in enumerate(names.to_pylist()):
            if not name:
                raise ValueError("a path has an empty step (two '>' in a row, or one at an end)")
            lookup[i] = vocab.setdefault(name, len(vocab))
        touches = lookup[np.asarray(encoded.indices.to_numpy(zero_copy_only=False))]
        del encoded
        # Arrow's allocator keeps what the encoding freed, and the models' NumPy arrays
        # cannot reuse it: give it back.
        pa.default_memory_pool().release_unused()
        grouped = _group_equal_paths(touches, offsets, conv, val, nul)
        if grouped is None:
            return cls(tuple(vocab), touches, offsets, conv, val, nul)
        return cls(tuple(vocab), *grouped)

    @classmethod
    def _from_coded(
        cls,
        channels: tuple[str, ...],
        totals: dict[tuple[int, ...], list[float]],
        collapsed: bool,
    ) -> PathCounts:
        import numpy as np

        keys = list(totals)
        lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        touches = np.fromiter((c for k in keys for c in k), dtype=np.int64, count=int(offsets[-1]))
        sums = np.array([totals[k] for k in keys], dtype=np.float64).reshape(len(keys), 3)
        return cls(channels, touches, offsets, sums[:, 0], sums[:, 1], sums[:, 2], collapsed)

    # ---- views --------------------------------------------------------------------------

    @property
    def n_paths(self) -> int:
        """Number of distinct paths."""
        return len(self.offsets) - 1

    @property
    def n_channels(self) -> int:
        """Size of the channel vocabulary."""
        return len(self.channels)

    @property
    def lengths(self) -> IntArray:
        """Touches per path."""
        return self._lengths

    @cached_property
    def path_of_touch(self) -> IntArray:
        """For each entry of `touches`, the index of its path (computed once, read-only)."""
        import numpy as np

        out = np.repeat(np.arange(self.n_paths, dtype=np.int64), self._lengths)
        out.setflags(write=False)
        return out

    @cached_property
    def position_of_touch(self) -> IntArray:
        """For each entry of `touches`, its 0-based position within its path."""
        import numpy as np

        out = np.arange(len(self.touches), dtype=np.int64) - self.offsets[:-1][self.path_of_touch]
        out.setflags(write=False)
        return out

    def touched(self) -> tuple[FloatArray, FloatArray]:
        """(conversions, value) of the paths each channel is on, per channel in order.

        A path that passes a channel twice counts once for it; a model that gives a
        channel more than these gives it credit from conversions whose journeys never
        touched it (Markov does, through the states journeys share).
        """
        import numpy as np

        pairs = np.unique(self.path_of_touch * max(self.n_channels, 1) + self.touches)
        paths, channels = np.divmod(pairs, max(self.n_channels, 1))
        width = self.n_channels
        conversions = np.bincount(channels, weights=self.conversions[paths], minlength=width)
        value = np.bincount(channels, weights=self.value[paths], minlength=width)
        return conversions.astype(np.float64), value.astype(np.float64)

    def value_through(self, channels: Collection[str]) -> float:
        """Value of the paths that pass at least one of `channels`, each path once."""
        return float(self.value[self._through(channels)].sum())

    def conversions_through(self, channels: Collection[str]) -> float:
        """Conversions of the paths that pass at least one of `channels`."""
        return float(self.conversions[self._through(channels)].sum())

    def _through(self, channels: Collection[str]) -> BoolArray:
        """Per path, whether it passes at least one of `channels`."""
        import numpy as np

        wanted = np.array([channel in channels for channel in self.channels], dtype=bool)
        if not wanted.any():
            return np.zeros(self.n_paths, dtype=bool)
        hits = np.bincount(self.path_of_touch, weights=wanted[self.touches], minlength=self.n_paths)
        return hits > 0

    def path(self, i: int) -> tuple[int, ...]:
        """Path `i` as channel indices."""
        return tuple(int(c) for c in self.touches[self.offsets[i] : self.offsets[i + 1]])

    def paths(self) -> list[tuple[int, ...]]:
        """Every path as a tuple of channel indices."""
        return [self.path(i) for i in range(self.n_paths)]

    def collapse_repeats(self) -> PathCounts:
        """Consecutive repeats of a channel merged (`a > a > b` → `a > b`); equal paths summed."""
        import numpy as np

        if self.collapsed:
            return self
        keep = np.ones(len(self.touches), dtype=bool)
        keep[1:] = self.touches[1:] != self.touches[:-1]
        keep[self.offsets[:-1]] = True  # every path keeps its first touch
        touches = self.touches[keep]
        offsets = np.zeros(self.n_paths + 1, dtype=np.int64)
        if self.n_paths:
            np.cumsum(np.add.reduceat(keep, self.offsets[:-1], dtype=np.int64), out=offsets[1:])
        sums = (self.conversions, self.value, self.nulls)  # read-only: safe to share
        grouped = _group_equal_paths(touches, offsets, *sums)
        parts = (touches, offsets, *sums) if grouped is None else grouped
        return PathCounts(self.channels, *parts, collapsed=True)

    @cached_property
    def position_totals(self) -> PositionTotals | None:
        """Conversions and value per (channel, path length, position), or None if large.

        Every rule-based model weighs a touch by its path's length and its position only,
        so one pass over the touches here serves them all: a model then weighs the few
        (length, position) cells instead of every touch. None when the table would have
        more cells than there are touches (very long paths of many lengths); the models
        then weigh the touches one by one.
        """
        import numpy as np

        if self.n_paths == 0:
            return None
        lengths = self._lengths
        present = np.zeros(int(lengths.max()) + 1, dtype=bool)
        present[lengths] = True
        sizes = np.flatnonzero(present)  # the distinct path lengths
        n_cells = int(sizes.sum())
        if self.n_channels * n_cells > max(len(self.touches), 1 << 12):
            return None
        block = np.zeros(len(present), dtype=np.int64)  # first cell of each length's block
        block[sizes] = np.cumsum(sizes) - sizes
        # cell of a touch = block of its path's length + its position; with the channel:
        # channel * n_cells + cell. Position = flat index - the path's offset.
        cell = np.repeat(block[lengths] - self.offsets[:-1], lengths)
        cell += np.arange(len(self.touches), dtype=np.int64)
        cell += self.touches * n_cells
        size = self.n_channels * n_cells
        conv = np.bincount(cell, np.repeat(self.conversions, lengths), minlength=size)
        val = np.bincount(cell, np.repeat(self.value, lengths), minlength=size)
        n = np.repeat(sizes, sizes)
        table = PositionTotals(
            n,
            np.arange(n_cells, dtype=np.int64) - np.repeat(block[sizes], sizes),
            conv.astype(np.float64).reshape(self.n_channels, n_cells),
            val.astype(np.float64).reshape(self.n_channels, n_cells),
        )
        for array in table:
            array.setflags(write=False)
        return table


class PositionTotals(NamedTuple):
    """Totals per (channel, cell); cell j stands for position `position[j]` (0-based) on
    paths of `length[j]` touches. `conversions` and `value` have shape (channels, cells)."""

    length: IntArray
    position: IntArray
    conversions: FloatArray
    value: FloatArray


def _text_column(paths: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous string or large_string array."""
    import pyarrow as pa

    if isinstance(paths, pa.ChunkedArray):
        paths = paths.chunk(0) if paths.num_chunks == 1 else paths.combine_chunks()
    if not isinstance(paths, pa.Array):
        paths = pa.array(paths)
    if not (pa.types.is_string(paths.type) or pa.types.is_large_string(paths.type)):
        paths = paths.cast(pa.string())
    return paths


def _group_equal_paths(
    touches: IntArray, offsets: IntArray, *sums: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray] | None:
    """Equal paths merged, their sums added, in order of first appearance; None if all differ.

    Paths with different hashes differ, so distinct hashes settle it. Otherwise paths are
    grouped by hash, and every member of a group is checked step by step against the
    group's first path; a real collision (never seen, but possible) falls back to
    grouping the tuples in Python.
    """
    import numpy as np

    n = len(offsets) - 1
    if n < 2:
        return None
    lengths = np.diff(offsets)
    hashed = _path_hashes(touches, offsets)
    ordered = np.sort(hashed)
    if not (ordered[1:] == ordered[:-1]).any():
        return None
    _, first, group = np.unique(hashed, return_index=True, return_inverse=True)
    head = first[group]  # the first path with the same hash, for every path
    same = lengths[head] == lengths
    if same.all():
        shift = np.repeat(offsets[head] - offsets[:-1], lengths)
        shift += np.arange(len(touches), dtype=np.int64)
        same = np.logical_and.reduceat(touches[shift] == touches, offsets[:-1])
    if not same.all():
        return _group_in_python(touches, offsets, *sums)
    # Groups numbered by first appearance; each keeps its first path's steps.
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first), dtype=np.int64)
    group = rank[group]
    heads = np.sort(first)
    kept = lengths[heads]
    new_offsets = np.zeros(len(heads) + 1, dtype=np.int64)
    np.cumsum(kept, out=new_offsets[1:])
    take = np.repeat(offsets[heads] - new_offsets[:-1], kept)
    take += np.arange(int(new_offsets[-1]), dtype=np.int64)
    totals = [np.bincount(group, x, len(heads)).astype(np.float64) for x in sums]
    return touches[take], new_offsets, totals[0], totals[1], totals[2]


def _path_hashes(touches: IntArray, offsets: IntArray) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each path: Σ multiplier[position] × (channel + 1), wrapping, with a
    random odd multiplier per position (fixed seed), mixed with the length."""
    import numpy as np

    lengths = np.diff(offsets)
    multiplier = np.random.default_rng(_HASH_SEED).integers(
        0, 1 << 63, size=int(lengths.max()), dtype=np.uint64
    )
    multiplier = (multiplier << np.uint64(1)) | np.uint64(1)
    position = np.arange(len(touches), dtype=np.int64)
    position -= np.repeat(offsets[:-1], lengths)
    key = multiplier[position]
    del position
    key *= (touches + 1).astype(np.uint64)
    hashed = np.add.reduceat(key, offsets[:-1])
    hashed ^= lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return hashed


def _group_in_python(
    touches: IntArray, offsets: IntArray, *sums: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    import numpy as np

    totals: dict[tuple[int, ...], list[float]] = {}
    steps = touches.tolist()
    bounds = offsets.tolist()
    for i, (c, v, z) in enumerate(zip(*(x.tolist() for x in sums), strict=True)):
        acc = totals.setdefault(tuple(steps[bounds[i] : bounds[i + 1]]), [0.0, 0.0, 0.0])
        acc[0] += c
        acc[1] += v
        acc[2] += z
    keys = list(totals)
    new_offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in keys], out=new_offsets[1:])
    flat = np.fromiter((c for k in keys for c in k), dtype=np.int64, count=int(new_offsets[-1]))
    table = np.array([totals[k] for k in keys], dtype=np.float64).reshape(len(keys), 3)
    return flat, new_offsets, table[:, 0], table[:, 1], table[:, 2]


def _collapse(path: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(c for i, c in enumerate(path) if i == 0 or c != path[i - 1])
