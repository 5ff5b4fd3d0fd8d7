"""Loading one file into the warehouse: all of its good rows or nothing, every row accounted for.

Each file loads in one DuckDB transaction, so an interrupted load (even `kill -9`) leaves
the warehouse exactly as it was. Every item a connector gives is counted once:

    read = loaded + updated + unchanged + rejected + ignored

* **loaded**: a new natural key, inserted.
* **updated**: a known key where a value the file *states* differs; only stated columns are
  written (a column the file lacks is absent, not empty, and never touched), and the row as
  it was is kept in `<table>__replaced` so `forget` can put it back. A blank cell (None)
  states nothing either: it never replaces a stored value, and the values blanks kept are
  counted per column for a notice (`outcomes.warehouse.blanks`). A value the connector
  could only read from a fallback column, because the file lacks the column it comes from
  (`Row.fills`: a Salesforce deal dated by Created Date when Close Date is missing), only
  fills a gap: it is written where nothing is stored, never over a stored value.
* **unchanged**: a known key whose stated values are all the same, blanks aside.
* **rejected**: the connector's rejections, and rows this gate refuses (a required value
  missing, an unknown kind, NaN or infinity, a negative count, a date outside 1990–2099, a
  key the file already gave with other values); each is stored in `rejected` as it comes,
  so memory stays flat however many there are.
* **ignored**: records that are not data (a total row), by reason, and rows that repeat an
  earlier row of the same file with the same values.

A connector whose reading changed may say that a key an earlier reading stored holds no row
now (`Superseded`: an edited tweet's later version, once stored as a post of its own).
Such rows of the same source are removed after the file's rows are written, each kept in
`<table>__replaced` so that `forget` puts it back, and a notice says how many went
(`outcomes.warehouse.superseded`).

A file whose bytes were loaded before is not read again; its earlier accounting (and its
rejections) are reported again instead, and its earlier notices each say they are that
ingest's ("as ingest 3 reported: …"), since nothing was done again. The owner files beside it and the reading options
that change what its rows are count as part of it (`outcomes.warehouse.identity`): the
same bytes with another `actor.json` or a corrected `--date-order` are read again, and the
result says why (`read_again`).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from outcomes.sources.base import (
    Blank,
    Ignored,
    Notice,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    Superseded,
)
from outcomes.tables import Table
from outcomes.warehouse.blanks import KeptBlanks
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.file_keys import FileKeys
from outcomes.warehouse.identity import LoadIdentity
from outcomes.warehouse.schema import REJECTED, TABLES
from outcomes.warehouse.stored import StoredRecords
from outcomes.warehouse.superseded import SupersededRows
from outcomes.warehouse.validation import invalid

BATCH_ROWS: Final = 50_000
REJECTION_BATCH: Final = 10_000
SAMPLE: Final = 50
"""Rejections kept in memory for the summary; all of them are in the `rejected` table."""
REPEAT: Final = "repeats an earlier row of this file"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class IngestResult:
    """What loading one file did: its full accounting.

    `read = loaded + updated + unchanged + rejected + ignored` always holds (`balanced`).
    """

    file: str
    source: str
    read: int
    loaded: int
    updated: int
    unchanged: int
    rejected: int
    ingest_id: int | None
    ignored: Mapping[str, int] = field(default_factory=dict)
    """Reason → how many records were passed over for it."""
    changed_columns: Mapping[str, int] = field(default_factory=dict)
    """Column → how many stored values this file changed."""
    already_loaded: bool = False
    read_again: str | None = None
    """Why a file whose bytes were loaded before was read again (the owner file beside it,
    or `--account`, is not the one read with them); None when it was not."""
    notices: tuple[str, ...] = ()
    """What the connector had to assume about the file as a whole (`Notice`: HubSpot deals
    taken as open because nothing says whether their stage is won), one line each; for a
    file already loaded, the notices its earlier ingest stored (`reported_notices`)."""
    rejections: tuple[Rejected, ...] = field(default=(), repr=False)
    """The first rejections (at most `SAMPLE`); every one is in the `rejected` table."""

    @property
    def ignored_total(self) -> int:
        """Records passed over, whatever the reason."""
        return sum(self.ignored.values())

    @property
    def reported_notices(self) -> tuple[str, ...]:
        """The notices as the summary gives them: a file already loaded was not read, so
        each is said to be the earlier ingest's ("removed 5 rows" was not done again)."""
        if not self.already_loaded:
            return self.notices
        return tuple(f"as ingest {self.ingest_id} reported: {text}" for text in self.notices)

    @property
    def balanced(self) -> bool:
        """True when every item read is accounted for by exactly one term."""
        terms = self.loaded + self.updated + self.unchanged + self.rejected + self.ignored_total
        return self.read == terms

    def as_json(self) -> dict[str, Any]:
        """The summary `outcomes ingest --format json` prints for the file."""
        return {
            "file": self.file,
            "source": self.source,
            "ingest_id": self.ingest_id,
            "already_loaded": self.already_loaded,
            "read_again": self.read_again,
            "read": self.read,
            "loaded": self.loaded,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored": self.ignored_total,
            "ignored_by_reason": dict(self.ignored),
            "changed_columns": dict(self.changed_columns),
            "notices": list(self.reported_notices),
        }


def ingest_file(
    warehouse: Warehouse,
    source: Source,
    path: Path,
    options: ReadOptions | None = None,
    *,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
    name: str | None = None,
) -> IngestResult:
    """Load one file with `source`; raises `SourceError` (nothing loaded) if it is unreadable.

    History (`ingests.file`, `rejected.file`) keeps the file as `name` (the workspace
    gives it relative to its folder: `outcomes.warehouse.file_names`), else as `path`
    was given; the result names it as given."""
    con = warehouse.duckdb
    identity = LoadIdentity.of(source, path, options)
    previous = _previous(con, str(path), source.name, identity.stored)
    if previous is not None:
        return previous
    read_again = identity.read_again(con, source.name)
    started = _now()
    con.execute("BEGIN TRANSACTION")
    loader: _Loader | None = None
    try:
        ingest_id = int(
            con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchall()[0][0]
        )
        loader = _Loader(con, ingest_id, name or str(path), batch_rows, progress)
        reading = replace(options or ReadOptions(), stored=StoredRecords(con))
        loader.load(source.read(path, reading), source.name)
        kept = replace(loader.result(source.name), read_again=read_again)
        if not kept.balanced:  # a bug of ours: nothing is stored rather than a wrong count
            raise RuntimeError(f"{path}: the ingest's accounting does not add up: {kept}")
        _record(con, kept, identity.stored, identity.size, started)
        result = replace(kept, file=str(path))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        if loader is not None:
            loader.rejections.discard()
        raise
    return result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _record(con: Any, result: IngestResult, checksum: str, size: int, started: dt.datetime) -> None:
    con.execute(
        "INSERT INTO ingests BY NAME SELECT ? AS id, ? AS file, ? AS source, ? AS checksum, "
        "? AS size, ? AS rows_loaded, ? AS rows_updated, ? AS rows_unchanged, "
        "? AS rows_rejected, ? AS started_at, ? AS finished_at, ? AS rows_read, "
        "? AS rows_ignored, ? AS ignored, ? AS changed_columns, ? AS notices",
        [result.ingest_id, result.file, result.source, checksum, size, result.loaded,
         result.updated, result.unchanged, result.rejected, started, _now(), result.read,
         result.ignored_total, json.dumps(dict(result.ignored)),
         json.dumps(dict(result.changed_columns)), json.dumps(list(result.notices))],
    )  # fmt: skip


def _previous(con: Any, file: str, source: str, checksum: str) -> IngestResult | None:
    """The accounting of an earlier ingest of the same bytes, with its rejections."""
    found = con.execute(
        "SELECT id, rows_read, rows_loaded, rows_updated, rows_unchanged, rows_rejected, "
        "ignored, notices FROM ingests WHERE checksum = ? AND source = ? "
        "AND forgotten_at IS NULL "
        "ORDER BY id LIMIT 1",
        [checksum, source],
    ).fetchone()
    if found is None:
        return None
    ingest_id, read, loaded, updated, unchanged, rejected, ignored, notices = found
    rows = con.execute(
        'SELECT line, "column", reason, raw FROM rejected WHERE ingest_id = ? '
        "ORDER BY line NULLS LAST LIMIT ?",
        [ingest_id, SAMPLE],
    ).fetchall()
    # Nothing is loaded again; the earlier ingest's terms say what this file holds.
    return IngestResult(
        file, source, int(read), 0, 0, int(loaded + updated + unchanged), int(rejected),
        int(ingest_id), ignored=json.loads(ignored or "{}"), already_loaded=True,
        notices=tuple(json.loads(notices or "[]")),
        rejections=tuple(Rejected(r[0], r[1], r[2], r[3] or "") for r in rows),
    )  # fmt: skip


@dataclass
class _Buffer:
    """Rows for one table stating the same columns, waiting to be written together."""

    table: Table
    stated: tuple[str, ...]
    fills: frozenset[str]
    clears: frozenset[str]
    rows: list[Row] = field(default_factory=list)


class _Loader:
    """Buffers rows and writes them in Arrow batches inside the open transaction."""

    def __init__(
        self, con: Any, ingest_id: int, file: str, batch_rows: int, progress: Progress | None
    ) -> None:
        self.con = con
        self.ingest_id = ingest_id
        self.file = file
        self.batch_rows = batch_rows
        self.progress = progress
        self.buffers: dict[
            tuple[str, tuple[str, ...], frozenset[str], frozenset[str]], _Buffer
        ] = {}
        self.file_keys: dict[str, FileKeys] = {}
        self.rejections = _Rejections(con, ingest_id, file)
        self.blanks = KeptBlanks(con, ingest_id, file)
        self.ignored: dict[str, int] = {}
        self.changed: dict[str, int] = {}
        self.notices: list[str] = []
        self.superseded = SupersededRows(con, ingest_id)
        self.read = self.loaded = self.updated = self.unchanged = 0

    def load(self, records: Iterable[Parsed], source: str = "") -> None:
        for record in records:
            if isinstance(record, Notice):  # about the file, not a record: not counted
                self.notices.append(record.text)
                continue
            if isinstance(record, Blank):  # a figure left out for a blank: not counted either
                self.blanks.add(record)
                continue
            if isinstance(record, Superseded):  # neither: the record was counted as itself
                self.superseded.add(record)
                continue
            self.read += 1
            if isinstance(record, Row):
                self._add(record)
            elif isinstance(record, Ignored):
                self.ignored[record.reason] = self.ignored.get(record.reason, 0) + 1
            else:
                self.rejections.add(record)
            if self.progress is not None and self.read % 10_000 == 0:
                self.progress(self.read)
        for buffer in list(self.buffers.values()):
            self._flush(buffer)
        removed = self.superseded.remove(source)
        if removed is not None:
            self.notices.append(removed)
        self.rejections.flush()
        self.notices.extend(self.blanks.notices())
        if self.progress is not None:
            self.progress(self.read)

    def result(self, source: str) -> IngestResult:
        return IngestResult(
            self.file, source, self.read, self.loaded, self.updated, self.unchanged,
            self.rejections.count, self.ingest_id, ignored=dict(self.ignored),
            changed_columns=dict(sorted(self.changed.items())), notices=tuple(self.notices),
            rejections=self.rejections.sample,
        )  # fmt: skip

    def _add(self, row: Row) -> None:
        table = TABLES[row.table]
        problem = invalid(table, row.values)
        if problem is not None:
            column, reason = problem
            self.rejections.add(Rejected(row.line, column, reason, _raw(row.values)))
            return
        stated = tuple(name for name in table.names if name in row.values)
        fills = frozenset(row.fills & set(stated))
        clears = frozenset(row.clears & set(stated)) - fills
        buffer = self.buffers.setdefault(
            (table.name, stated, fills, clears), _Buffer(table, stated, fills, clears)
        )
        buffer.rows.append(row)
        if len(buffer.rows) >= self.batch_rows:
            self._flush(buffer)

    def _flush(self, buffer: _Buffer) -> None:
        rows, buffer.rows = buffer.rows, []
        rows = self._first_of_each_key(buffer.table, rows)
        if not rows:
            return
        batch = self._arrow(buffer, rows)
        if batch.num_rows == 0:
            return
        self.con.register("_outcomes_batch", batch)
        try:
            writer = _Writer(self.con, buffer, self.ingest_id)
            written = writer.write()
        finally:
            self.con.unregister("_outcomes_batch")
        self.loaded += written.inserted
        self.updated += written.updated
        lines = {row.values["key"]: row.line for row in rows}
        for key, ingest_id, column in written.kept:
            self.blanks.kept(column, lines.get(key), ingest_id)
        self.unchanged += batch.num_rows - written.inserted - written.updated
        for column, count in written.changed.items():
            self.changed[column] = self.changed.get(column, 0) + count

    def _first_of_each_key(self, table: Table, rows: list[Row]) -> list[Row]:
        """The rows whose key this file has not given before; repeats are accounted for."""
        keys = self.file_keys.setdefault(table.name, FileKeys())
        prints = [_fingerprint(row.values) for row in rows]
        repeats = keys.admit([row.values["key"] for row in rows], [r.line for r in rows], prints)
        if not repeats:
            return rows
        dropped = set()
        for repeat in repeats:
            dropped.add(repeat.index)
            row = rows[repeat.index]
            if repeat.same_values:
                self.ignored[REPEAT] = self.ignored.get(REPEAT, 0) + 1
                continue
            first = f"line {repeat.first_line}" if repeat.first_line else "an earlier row"
            reason = (
                f"the key {row.values['key']!r} was given by {first} of this file with other "
                "values; that row is kept. Fix the export, or correct the identifying column"
            )
            self.rejections.add(Rejected(row.line, "key", reason, _raw(row.values)))
        return [row for index, row in enumerate(rows) if index not in dropped]

    def _arrow(self, buffer: _Buffer, rows: list[Row]) -> pa.Table:
        schema = pa.schema([buffer.table.arrow_schema().field(name) for name in buffer.stated])
        errors = (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError, ValueError)
        try:
            return pa.Table.from_pylist([r.values for r in rows], schema=schema)
        except errors:
            # A connector produced a value of the wrong type: find the rows and keep them as
            # rejections rather than losing the whole batch.
            good = []
            for row in rows:
                try:
                    pa.Table.from_pylist([row.values], schema=schema)
                except errors as exc:
                    reason = f"a value has the wrong type for table {buffer.table.name}: {exc}"
                    self.rejections.add(Rejected(row.line, None, reason, _raw(row.values)))
                else:
                    good.append(row.values)
            return pa.Table.from_pylist(good, schema=schema)


def _raw(values: Mapping[str, Any]) -> str:
    return repr(dict(values))


def _fingerprint(values: Mapping[str, Any]) -> int:
    """A hash of a row's values, to tell a repeated row from a contradicting one."""
    try:
        return hash(tuple(values.items()))
    except TypeError:  # an unhashable value (a list from a JSON export): its text will do
        return hash(repr(tuple(values.items())))


def _storable(text: str | None) -> str | None:
    """Text that UTF-8 can hold: a lone surrogate from a broken export becomes U+FFFD."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


@dataclass(frozen=True)
class _Written:
    inserted: int
    updated: int
    changed: dict[str, int]
    kept: list[tuple[str, int, str]]
    """(key, the ingest that stored the value, column) for each stored value a blank kept."""


class _Writer:
    """Writes the registered batch `_outcomes_batch` (unique keys) into one table."""

    def __init__(self, con: Any, buffer: _Buffer, ingest_id: int) -> None:
        self.con = con
        self.table = buffer.table
        self.values = [c for c in buffer.stated if c != "key"]
        # Columns read from a fallback because the file lacks their own: they fill gaps only.
        self.fills = buffer.fills
        # Columns whose None the connector states (`Row.clears`): it replaces a stored value.
        self.clears = buffer.clears
        self.ingest_id = ingest_id

    def _differs(self, column: str) -> str:
        if column in self.fills:
            return f't."{column}" IS NULL AND b."{column}" IS NOT NULL'
        if column in self.clears:
            return f't."{column}" IS DISTINCT FROM b."{column}"'
        # A blank (NULL) states nothing: only a value the file gives can differ.
        return f'b."{column}" IS NOT NULL AND t."{column}" IS DISTINCT FROM b."{column}"'

    def _assignment(self, column: str) -> str:
        if column in self.fills:
            return f'"{column}" = coalesce(t."{column}", k."{column}")'
        if column in self.clears:
            return f'"{column}" = k."{column}"'
        return f'"{column}" = coalesce(k."{column}", t."{column}")'

    def write(self) -> _Written:
        name = f'"{self.table.name}"'
        differs = {c: self._differs(c) for c in self.values}
        flags = "".join(f', ({test}) AS "_changed_{c}"' for c, test in differs.items())
        any_change = " OR ".join(differs.values()) or "FALSE"
        # The batch's known keys, once: new files match nothing and this stays empty.
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE _outcomes_known AS "
            f"SELECT b.*{flags} FROM _outcomes_batch b JOIN {name} t ON t.key = b.key "
            f"WHERE {any_change}"
        )
        changed = self._changed_columns()
        kept = self._kept(name)
        updated = self._update(name) if changed else 0
        inserted = self.con.execute(
            f"INSERT INTO {name} BY NAME SELECT b.*, ? AS ingest_id FROM _outcomes_batch b "
            f"ANTI JOIN {name} t ON t.key = b.key",
            [self.ingest_id],
        ).fetchall()[0][0]
        self.con.execute("DROP TABLE _outcomes_known")
        return _Written(int(inserted), updated, changed, kept)

    def _kept(self, name: str) -> list[tuple[str, int, str]]:
        """The stored values the batch's blank cells leave in place, before any is written.

        A column read from a fallback (`fills`) is no blank cell when it is empty: the file
        lacks what it comes from, which its connector says in words of its own."""
        blanks = [c for c in self.values if c not in self.clears and c not in self.fills]
        if not blanks:
            return []
        tests = {c: f'(b."{c}" IS NULL AND t."{c}" IS NOT NULL)' for c in blanks}
        flags = ", ".join(tests.values())
        rows = self.con.execute(
            f"SELECT b.key, t.ingest_id, {flags} FROM _outcomes_batch b "
            f"JOIN {name} t ON t.key = b.key WHERE {' OR '.join(tests.values())}"
        ).fetchall()
        columns = list(tests)
        return [
            (row[0], int(row[1]), column)
            for row in rows
            for column, blank in zip(columns, row[2:], strict=True)
            if blank
        ]

    def _changed_columns(self) -> dict[str, int]:
        if not self.values:
            return {}
        sums = ", ".join(f'count(*) FILTER (WHERE "_changed_{c}")' for c in self.values)
        row = self.con.execute(f"SELECT count(*), {sums} FROM _outcomes_known").fetchone()
        if not row or not row[0]:
            return {}
        return {c: int(n) for c, n in zip(self.values, row[1:], strict=True) if n}

    def _update(self, name: str) -> int:
        replaced = f'"{self.table.name}__replaced"'
        self.con.execute(
            f"INSERT INTO {replaced} BY NAME SELECT t.*, ? AS replaced_by "
            f"FROM {name} t SEMI JOIN _outcomes_known k ON t.key = k.key",
            [self.ingest_id],
        )
        assignments = ", ".join(self._assignment(c) for c in self.values)
        rows = self.con.execute(
            f"UPDATE {name} AS t SET {assignments}, ingest_id = ? FROM _outcomes_known k "
            "WHERE t.key = k.key",
            [self.ingest_id],
        ).fetchall()
        return int(rows[0][0]) if rows else 0


class _Rejections:
    """Rejections kept out of memory until the file's transaction commits them.

    A few are kept for the summary. The rest wait in a Parquet file on disk, written in
    batches as they come, and go into `rejected` in one INSERT at the end: DuckDB writes a
    large insert's row groups to the database file as it goes, while many small inserts in
    one transaction stay in memory until the commit (300 MB of rejected lines peaked at over
    a gigabyte that way).
    """

    def __init__(self, con: Any, ingest_id: int, file: str) -> None:
        self.con = con
        self.ingest_id = ingest_id
        self.file = file
        self.pending: list[Rejected] = []
        self.sample: tuple[Rejected, ...] = ()
        self.count = 0
        self._spill: tempfile.TemporaryDirectory[str] | None = None
        self._writer: Any = None

    def add(self, rejection: Rejected) -> None:
        self.count += 1
        if len(self.sample) < SAMPLE:
            self.sample = (*self.sample, rejection)
        self.pending.append(rejection)
        if len(self.pending) >= REJECTION_BATCH:
            self._spill_pending()

    def flush(self) -> None:
        """Store every rejection in the open transaction."""
        if self._writer is None:
            if self.pending:
                self._insert(self._batch())
            return
        self._spill_pending()
        self._writer.close()
        assert self._spill is not None
        try:
            spilled = str(Path(self._spill.name) / "rejected.parquet").replace("'", "''")
            self.con.execute(f"INSERT INTO \"rejected\" SELECT * FROM read_parquet('{spilled}')")
        finally:
            self._spill.cleanup()
            self._writer = self._spill = None

    def discard(self) -> None:
        """Remove what was spilled, when the file's transaction is rolled back."""
        if self._writer is not None:
            self._writer.close()
        if self._spill is not None:
            self._spill.cleanup()
        self._writer = self._spill = None

    def _batch(self) -> pa.Table:
        rows = [
            {"ingest_id": self.ingest_id, "file": _storable(self.file), "line": r.line,
             "column": _storable(r.column), "reason": _storable(r.reason), "raw": _storable(r.raw)}
            for r in self.pending
        ]  # fmt: skip
        self.pending = []
        return pa.Table.from_pylist(rows, schema=REJECTED.arrow_schema())

    def _spill_pending(self) -> None:
        if not self.pending:
            return
        import pyarrow.parquet as pq

        if self._writer is None:
            self._spill = tempfile.TemporaryDirectory(prefix="outcomes-rejected-")
            path = Path(self._spill.name) / "rejected.parquet"
            self._writer = pq.ParquetWriter(str(path), REJECTED.arrow_schema())
        self._writer.write_table(self._batch())

    def _insert(self, batch: pa.Table) -> None:
        self.con.register("_outcomes_rejected", batch)
        try:
            self.con.execute('INSERT INTO "rejected" SELECT * FROM _outcomes_rejected')
        finally:
            self.con.unregister("_outcomes_rejected")
