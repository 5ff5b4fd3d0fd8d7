"""The keys one file has given so far, to tell a row repeated within the file.

Two rows of one file with the same natural key are one thing stated twice: the same values
(a duplicated event) or a contradiction (a cut row, a re-keyed id). The loader must see
both, across every batch of a file of any size, so each key is kept as 16 bytes of its
BLAKE2b digest with its line and a fingerprint of its values: 32 bytes a row in one sorted
NumPy array, where a Python set of the key strings would take several times that. Two keys
sharing a 128-bit digest is a chance of about 10^-21 at a billion rows; that is the one
assumption.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

_ENTRY: Final = np.dtype([("high", "<u8"), ("low", "<u8"), ("line", "<i8"), ("print", "<i8")])


@dataclass(frozen=True, slots=True)
class Repeat:
    """A row whose key the file gave before: at `first_line`, with the same values or not."""

    index: int
    """Position of the row in the batch that was checked."""
    first_line: int | None
    same_values: bool


def key_digest(key: str) -> tuple[int, int]:
    """The 128-bit digest of a key as two unsigned 64-bit halves."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class FileKeys:
    """Every key one file has given, for one table."""

    def __init__(self) -> None:
        self._entries = np.empty(0, dtype=_ENTRY)

    def __len__(self) -> int:
        return int(self._entries.size)

    def admit(
        self, keys: Sequence[str], lines: Sequence[int | None], prints: Sequence[int]
    ) -> list[Repeat]:
        """Record a batch's keys; returns the rows that repeat an earlier key of the file.

        `prints` fingerprint each row's values, so a repeat with the same values can be
        told from one that contradicts the first. The first occurrence stays the row.
        """
        batch = np.empty(len(keys), dtype=_ENTRY)
        first_in_batch: dict[tuple[int, int], int] = {}
        repeats: list[Repeat] = []
        fresh = np.ones(len(keys), dtype=bool)
        for index, key in enumerate(keys):
            high, low = key_digest(key)
            line = lines[index]
            batch[index] = (high, low, -1 if line is None else line, prints[index])
            earlier = first_in_batch.get((high, low))
            if earlier is not None:
                fresh[index] = False
                same = prints[earlier] == prints[index]
                repeats.append(Repeat(index, lines[earlier], same))
            else:
                first_in_batch[(high, low)] = index
        repeats += self._known(batch, fresh)
        self._add(batch[fresh])
        return sorted(repeats, key=lambda r: r.index)

    def _known(self, batch: np.ndarray, fresh: np.ndarray) -> list[Repeat]:
        """Rows of the batch (still marked fresh) whose key an earlier batch gave."""
        if self._entries.size == 0 or not fresh.any():
            return []
        stored = self._entries
        positions = np.searchsorted(stored["high"], batch["high"])
        nearest = np.minimum(positions, stored.size - 1)
        candidates = fresh & (stored["high"][nearest] == batch["high"])
        repeats = []
        for index in np.flatnonzero(candidates):
            position = int(positions[index])
            while position < stored.size and stored["high"][position] == batch["high"][index]:
                if stored["low"][position] == batch["low"][index]:
                    first = int(stored["line"][position])
                    same = bool(stored["print"][position] == batch["print"][index])
                    repeats.append(Repeat(int(index), None if first < 0 else first, same))
                    fresh[index] = False
                    break
                position += 1
        return repeats

    def _add(self, entries: np.ndarray) -> None:
        if entries.size == 0:
            return
        merged = np.concatenate([self._entries, entries])
        # Stable sort on data that is one sorted run plus a short one: a merge, not a sort.
        self._entries = merged[np.argsort(merged["high"], kind="stable")]
