"""Loading one file into the warehouse: all of its good rows or nothing.

Each file loads in one DuckDB transaction. Rows go in as Arrow batches keyed by their
natural key: a new key is inserted; a known key whose values changed is updated in place (a
re-export carries revised impressions and stages); a known key with the same values is
skipped. So loading the same rows twice adds nothing, and a file whose bytes were loaded
before is not read again. Every rejected record is kept in the
`rejected` table with its file, line, column and reason. If the process dies mid-file
(even `kill -9`), the uncommitted transaction is discarded when the warehouse next opens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from outcomes.sources.base import Parsed, ReadOptions, Rejected, Row, Source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.schema import (
    ACTIVITY_KINDS,
    CONVERSION_TYPES,
    COST_KINDS,
    REJECTED,
    TABLES,
    Table,
)

BATCH_ROWS: Final = 50_000
_VOCABULARY: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("activities", "kind"): ACTIVITY_KINDS,
    ("conversions", "type"): CONVERSION_TYPES,
    ("costs", "kind"): COST_KINDS,
}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class IngestResult:
    """What loading one file did."""

    file: str
    source: str
    loaded: int
    skipped: int
    rejected: int
    ingest_id: int | None
    already_loaded: bool = False
    updated: int = 0
    rejections: tuple[Rejected, ...] = field(default=(), repr=False)

    def as_json(self) -> dict[str, Any]:
        """The summary `outcomes ingest --format json` prints for the file."""
        return {
            "file": self.file,
            "source": self.source,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "updated": self.updated,
        }


def file_checksum(path: Path) -> tuple[str, int]:
    """sha256 of the file's bytes, and its size, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def ingest_file(
    warehouse: Warehouse,
    source: Source,
    path: Path,
    options: ReadOptions | None = None,
    *,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestResult:
    """Load one file with `source`; raises `SourceError` (nothing loaded) if it is unreadable."""
    con = warehouse.duckdb
    checksum, size = file_checksum(path)
    previous = con.execute(
        "SELECT rows_loaded + rows_updated + rows_skipped FROM ingests WHERE checksum = ? AND source = ? "
        "ORDER BY id LIMIT 1",
        [checksum, source.name],
    ).fetchone()
    if previous is not None:
        return IngestResult(
            str(path), source.name, 0, int(previous[0]), 0, None, already_loaded=True
        )
    started = _now()
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = int(
            con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchall()[0][0]
        )
        loader = _Loader(con, ingest_id, str(path), batch_rows, progress)
        loader.load(source.read(path, options or ReadOptions()))
        con.execute(
            "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [ingest_id, str(path), source.name, checksum, size, loader.loaded, loader.updated,
             loader.skipped, len(loader.rejections), started, _now()],
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return IngestResult(
        str(path),
        source.name,
        loader.loaded,
        loader.skipped,
        len(loader.rejections),
        ingest_id,
        updated=loader.updated,
        rejections=tuple(loader.rejections),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Loader:
    """Buffers rows per table and writes them in Arrow batches inside the open transaction."""

    def __init__(
        self, con: Any, ingest_id: int, file: str, batch_rows: int, progress: Progress | None
    ) -> None:
        self.con = con
        self.ingest_id = ingest_id
        self.file = file
        self.batch_rows = batch_rows
        self.progress = progress
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.rejections: list[Rejected] = []
        self.loaded = 0
        self.updated = 0
        self.skipped = 0
        self.seen = 0

    def load(self, records: Iterable[Parsed]) -> None:
        for record in records:
            self.seen += 1
            if isinstance(record, Row):
                self._add(record)
            else:
                self.rejections.append(record)
            if self.progress is not None and self.seen % 10_000 == 0:
                self.progress(self.seen)
        for name in list(self.buffers):
            self._flush(TABLES[name])
        self._write_rejections()
        if self.progress is not None:
            self.progress(self.seen)

    def _add(self, row: Row) -> None:
        table = TABLES[row.table]
        problem = _invalid(table, row.values)
        if problem is not None:
            column, reason = problem
            self.rejections.append(Rejected(None, column, reason, repr(row.values)))
            return
        buffer = self.buffers.setdefault(table.name, [])
        buffer.append(row.values)
        if len(buffer) >= self.batch_rows:
            self._flush(table)

    def _flush(self, table: Table) -> None:
        rows = self.buffers.pop(table.name, [])
        if not rows:
            return
        batch = self._arrow(table, rows)
        if batch.num_rows == 0:
            return
        batch = batch.append_column(
            "ingest_id", pa.array([self.ingest_id] * batch.num_rows, pa.int64())
        )
        self.con.register("_outcomes_batch", batch)
        try:
            updated = self._update_changed(table)
            inserted = self.con.execute(
                f'INSERT INTO "{table.name}" SELECT DISTINCT ON (b.key) b.* FROM _outcomes_batch b '
                f'ANTI JOIN "{table.name}" t ON t.key = b.key'
            ).fetchall()[0][0]
        finally:
            self.con.unregister("_outcomes_batch")
        self.loaded += int(inserted)
        self.updated += updated
        self.skipped += batch.num_rows - int(inserted) - updated

    def _update_changed(self, table: Table) -> int:
        """Rewrite rows whose key is known but whose values changed; returns how many."""
        values = [c.name for c in table.columns if c.name != "key"]
        assignments = ", ".join(f'"{c}" = b."{c}"' for c in [*values, "ingest_id"])
        changed = " OR ".join(f't."{c}" IS DISTINCT FROM b."{c}"' for c in values)
        rows = self.con.execute(
            f'UPDATE "{table.name}" AS t SET {assignments} '
            f"FROM (SELECT DISTINCT ON (key) * FROM _outcomes_batch) AS b "
            f"WHERE t.key = b.key AND ({changed})"
        ).fetchall()
        return int(rows[0][0]) if rows else 0

    def _arrow(self, table: Table, rows: list[dict[str, Any]]) -> pa.Table:
        schema = table.arrow_schema()
        try:
            return pa.Table.from_pylist(rows, schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            # A connector produced a value of the wrong type: find the rows and keep them as
            # rejections rather than losing the whole batch.
            good = []
            for values in rows:
                try:
                    pa.Table.from_pylist([values], schema=schema)
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
                    reason = f"a value has the wrong type for table {table.name}: {exc}"
                    self.rejections.append(Rejected(None, None, reason, repr(values)))
                else:
                    good.append(values)
            return pa.Table.from_pylist(good, schema=schema)

    def _write_rejections(self) -> None:
        if not self.rejections:
            return
        rows = [
            {"ingest_id": self.ingest_id, "file": self.file, "line": r.line, "column": r.column,
             "reason": r.reason, "raw": r.raw}
            for r in self.rejections
        ]  # fmt: skip
        batch = pa.Table.from_pylist(rows, schema=REJECTED.arrow_schema())
        self.con.register("_outcomes_rejected", batch)
        try:
            self.con.execute('INSERT INTO "rejected" SELECT * FROM _outcomes_rejected')
        finally:
            self.con.unregister("_outcomes_rejected")


def _invalid(table: Table, values: dict[str, Any]) -> tuple[str, str] | None:
    """(column, reason) when a row lacks a required value or uses an unknown kind."""
    for column in table.columns:
        value = values.get(column.name)
        if column.required and (value is None or value == ""):
            return column.name, f"no {column.name} (every {table.name} row needs one)"
        allowed = _VOCABULARY.get((table.name, column.name))
        if allowed is not None and value is not None and value not in allowed:
            return (
                column.name,
                f"unknown {column.name} {value!r}; expected one of: {', '.join(allowed)}",
            )
    unknown = set(values) - set(table.names)
    if unknown:
        return sorted(unknown)[0], f"no column {sorted(unknown)[0]!r} in table {table.name}"
    return None
