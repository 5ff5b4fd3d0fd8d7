"""Blank cells that left stored values in place, and the notice a load gives about them.

Whether an export's blank cell means "unknown" or "0" differs by tool and by column, so a
blank states nothing: on a row's first load it is stored as NULL, and on a re-load it
never replaces the value stored (the writer in `outcomes.warehouse.load` keeps it, and
the row counts as unchanged when blanks are its only difference). A figure that would
give a row of its own (an ad report's Impressions, a metric snapshot) writes nothing for
a blank, and the connector says so with a `Blank`.

Keeping a value is not silent: a number the file does not show stays in every figure. So
`KeptBlanks` counts, per column, the stored values blanks left in place, the first line
where one did and the file that stored it, and words one notice per column saying what
to do: write 0 where the figure is zero, or, to drop the earlier values, forget this file
and then the earlier one and load this file again (forgotten first, since the same bytes
are otherwise not read again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

from outcomes.sources.base import Blank

CHECK_BATCH: Final = 50_000
"""`Blank`s held before they are compared with the warehouse, so memory stays flat."""


@dataclass
class _Kept:
    """The stored values blanks of one column left in place."""

    count: int = 0
    line: int | None = None
    """The first line of the file where one did, when the connector knows lines."""
    ingest_id: int | None = None
    """The ingest that stored the value at `line`."""


class KeptBlanks:
    """Counts, per column, the stored values a file's blank cells left in place."""

    def __init__(self, con: Any, ingest_id: int, file: str) -> None:
        self._con = con
        self._ingest_id = ingest_id
        self._file = file
        self._columns: dict[str, _Kept] = {}
        self._pending: list[Blank] = []
        # One cell can give several rows (a won deal's opportunity and its win): it counts once.
        self._cells: set[tuple[str, int]] = set()

    def kept(self, column: str, line: int | None, ingest_id: int) -> None:
        """One stored value of `column`, from ingest `ingest_id`, kept by a blank at `line`."""
        if line is not None:
            if (column, line) in self._cells:
                return
            self._cells.add((column, line))
        entry = self._columns.setdefault(column, _Kept())
        entry.count += 1
        earlier = entry.line is None or (line is not None and line < entry.line)
        if entry.count == 1 or earlier:
            entry.line, entry.ingest_id = line, ingest_id

    def add(self, blank: Blank) -> None:
        """A blank figure a connector gave no row for; compared with the warehouse in batches."""
        self._pending.append(blank)
        if len(self._pending) >= CHECK_BATCH:
            self.check()

    def check(self) -> None:
        """Count the pending `Blank`s under whose key an earlier file stored a row."""
        by_table: dict[str, list[Blank]] = {}
        for blank in self._pending:
            by_table.setdefault(blank.table, []).append(blank)
        self._pending = []
        for table, blanks in by_table.items():
            for index, ingest_id in self._stored(table, [b.key for b in blanks]):
                self.kept(blanks[index].column, blanks[index].line, ingest_id)

    def _stored(self, table: str, keys: list[str]) -> list[tuple[int, int]]:
        """(index in `keys`, the ingest that stored it) for each key stored by an earlier file."""
        batch = pa.table({"i": list(range(len(keys))), "key": keys})
        self._con.register("_outcomes_blanks", batch)
        try:
            rows = self._con.execute(
                f'SELECT b.i, t.ingest_id FROM _outcomes_blanks b JOIN "{table}" t '
                "ON t.key = b.key WHERE t.ingest_id IS DISTINCT FROM ? ORDER BY b.i",
                [self._ingest_id],
            ).fetchall()
        finally:
            self._con.unregister("_outcomes_blanks")
        return [(int(index), int(ingest_id)) for index, ingest_id in rows]

    def notices(self) -> list[str]:
        """One line per column whose blanks kept stored values: how many, where, what to do."""
        self.check()
        files = self._files({k.ingest_id for k in self._columns.values() if k.ingest_id})
        return [
            _notice(column, kept, self._file, files.get(kept.ingest_id or 0))
            for column, kept in sorted(self._columns.items())
        ]

    def _files(self, ingest_ids: set[int]) -> dict[int, str]:
        if not ingest_ids:
            return {}
        marks = ", ".join("?" for _ in ingest_ids)
        rows = self._con.execute(
            f"SELECT id, file FROM ingests WHERE id IN ({marks})", sorted(ingest_ids)
        ).fetchall()
        return {int(ingest_id): str(file) for ingest_id, file in rows}


def _notice(column: str, kept: _Kept, file: str, earlier: str | None) -> str:
    cells = "1 blank cell" if kept.count == 1 else f"{kept.count} blank cells"
    values = "the value" if kept.count == 1 else "the values"
    where = [f"first at line {kept.line}"] if kept.line is not None else []
    where += [f"stored from {earlier}"] if earlier else []
    # This file first: once loaded, the same bytes are not read again until it is forgotten.
    forget = f"`outcomes forget {file}`, then " + (
        f"`outcomes forget {earlier}`" if earlier else "forget the file loaded earlier"
    )
    return (
        f"{column}: {cells} kept {values} loaded earlier"
        + (f" ({', '.join(where)})" if where else "")
        + f": a blank states nothing, so the stored {column} stays. Where it is zero, write "
        f"0 and load the file again; to drop the earlier values instead, run {forget}, and "
        "load this file again"
    )
