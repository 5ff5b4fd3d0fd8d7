"""`PathCounts`: the small summary every attribution model works on.

A journey table (one row per customer journey) or an aggregated paths file both reduce to
the same thing: each *distinct* path, as a sequence of channel indices, with how many
journeys along it converted, their total value, and how many did not convert. Models never
see channel names or journeys, only this summary, so the warehouse-built journeys of a
later slice can feed the same models unchanged.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from outcomes.sources.base import ReadOptions, Rejected
from outcomes.sources.paths import SEPARATOR, JourneyPaths, normalise_path

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PathRow = tuple[str | Sequence[str], float, float, float]
"""(path as `a > b` text or a sequence of channel names, conversions, value, nulls)."""


class PathsFileError(ValueError):
    """A paths file had rows the connector rejected; nothing is attributed from it."""


@dataclass(frozen=True, eq=False)
class PathCounts:
    """Distinct paths over a channel vocabulary, with conversions, value and null counts.

    Build with `from_rows`, `from_paths` or `read`; the arrays are read-only.
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
                path = normalise_path(path).split(f" {SEPARATOR} ")
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
        PathCounts without a Python object per row: Arrow splits, trims and
        dictionary-encodes the steps, and groups repeated paths, in C++. Channels are
        numbered by first appearance, as in `from_rows`; repeats are not collapsed.
        """
        split = pc.split_pattern(paths, SEPARATOR)
        if isinstance(split, pa.ChunkedArray):
            split = split.combine_chunks()
        # Splitting on ">" and trimming the steps is several times faster than a regex split.
        steps = pa.ListArray.from_arrays(split.offsets, pc.utf8_trim_whitespace(split.flatten()))
        table = pa.table(
            {
                "steps": steps,
                "conversions": pa.array(np.asarray(conversions, dtype=np.float64)),
                "value": pa.array(np.asarray(value, dtype=np.float64)),
                "nulls": pa.array(np.asarray(nulls, dtype=np.float64)),
            }
        )
        if pc.any(
            pc.less(pc.min_element_wise(table["conversions"], table["value"], table["nulls"]), 0)
        ).as_py():
            raise ValueError("negative count or value in the paths")
        joined = pc.binary_join(table["steps"], f" {SEPARATOR} ")
        if pc.count_distinct(joined).as_py() == table.num_rows:
            # Already one row per path (what an engine's summary gives): no regrouping.
            totals = [table[name] for name in ("conversions", "value", "nulls")]
        else:
            grouped = table.append_column("path", joined).group_by("path", use_threads=False)
            summed = grouped.aggregate([("conversions", "sum"), ("value", "sum"), ("nulls", "sum")])
            steps = pc.split_pattern(summed["path"], f" {SEPARATOR} ").combine_chunks()
            totals = [summed[f"{name}_sum"] for name in ("conversions", "value", "nulls")]
        if isinstance(steps, pa.ChunkedArray):
            steps = steps.combine_chunks()
        flat = steps.flatten()
        if len(flat) and (
            pc.any(pc.equal(pc.utf8_length(flat), 0)).as_py() or len(flat) < len(steps)
        ):
            raise ValueError("a path has an empty step (two '>' in a row, or one at an end)")
        encoded = pc.dictionary_encode(flat)
        offsets = np.asarray(steps.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
        counts = cls(
            tuple(encoded.dictionary.to_pylist()),
            np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64),
            offsets - offsets[0],
            _floats(totals[0]),
            _floats(totals[1]),
            _floats(totals[2]),
        )
        # Arrow's allocator keeps what the splits and the grouping freed (hundreds of MB on
        # millions of touches), and the models' NumPy arrays cannot reuse it: give it back.
        del split, steps, flat, encoded, joined, totals, table
        pa.default_memory_pool().release_unused()
        return counts

    @classmethod
    def read(cls, file: Path | str, *, collapse_repeats: bool = False) -> PathCounts:
        """Read a `path,total_conversions,total_conversion_value,total_null` file.

        Uses the `paths` connector (separator and header aliases as it documents). Any
        rejected row raises `PathsFileError` naming the first few, rather than silently
        attributing a subset of the data.
        """
        rows: list[PathRow] = []
        rejected: list[Rejected] = []
        for parsed in JourneyPaths().read(Path(file), ReadOptions()):
            if isinstance(parsed, Rejected):
                rejected.append(parsed)
                continue
            v = parsed.values
            rows.append((str(v["path"]), v["conversions"], v["value"], v["nulls"]))
        if rejected:
            first = "; ".join(f"line {r.line}: {r.reason}" for r in rejected[:3])
            raise PathsFileError(f"{file}: {len(rejected)} rows rejected ({first})")
        return cls.from_rows(rows, collapse_repeats=collapse_repeats)

    @classmethod
    def _from_coded(
        cls,
        channels: tuple[str, ...],
        totals: dict[tuple[int, ...], list[float]],
        collapsed: bool,
    ) -> PathCounts:
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
        out = np.repeat(np.arange(self.n_paths, dtype=np.int64), self._lengths)
        out.setflags(write=False)
        return out

    @cached_property
    def position_of_touch(self) -> IntArray:
        """For each entry of `touches`, its 0-based position within its path."""
        out = np.arange(len(self.touches), dtype=np.int64) - self.offsets[:-1][self.path_of_touch]
        out.setflags(write=False)
        return out

    def path(self, i: int) -> tuple[int, ...]:
        """Path `i` as channel indices."""
        return tuple(int(c) for c in self.touches[self.offsets[i] : self.offsets[i + 1]])

    def paths(self) -> list[tuple[int, ...]]:
        """Every path as a tuple of channel indices."""
        return [self.path(i) for i in range(self.n_paths)]

    def collapse_repeats(self) -> PathCounts:
        """Consecutive repeats of a channel merged (`a > a > b` → `a > b`); equal paths summed."""
        if self.collapsed:
            return self
        totals: dict[tuple[int, ...], list[float]] = {}
        for i in range(self.n_paths):
            acc = totals.setdefault(_collapse(self.path(i)), [0.0, 0.0, 0.0])
            acc[0] += float(self.conversions[i])
            acc[1] += float(self.value[i])
            acc[2] += float(self.nulls[i])
        return PathCounts._from_coded(self.channels, totals, True)


def _floats(column: pa.Array | pa.ChunkedArray) -> FloatArray:
    return np.asarray(column.to_numpy(), dtype=np.float64)


def _collapse(path: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(c for i, c in enumerate(path) if i == 0 or c != path[i - 1])
