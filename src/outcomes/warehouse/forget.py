"""Forgetting one ingest: what it loaded goes, what it replaced comes back, in one transaction.

How the warehouse records an ingest (see `outcomes.warehouse.load`): every fact row carries
the `ingest_id` of the ingest that inserted it or last updated it, and when an ingest updates
a stored row, the row as it was is first copied to `<table>__replaced` with `replaced_by` =
that ingest. Forgetting ingest N therefore:

1. puts back, for every row N updated, the version N replaced (`replaced_by = N`), and
   every row N removed as superseded (an earlier reading's key that holds no row now,
   `outcomes.warehouse.superseded`), kept the same way;
2. deletes the rows N inserted (its remaining `ingest_id = N` rows);
3. deletes N's rows in `rejected`;
4. sets `ingests.forgotten_at`: the row stays for the history, and the file can be loaded
   again (a forgotten ingest no longer counts as "already loaded").

A later ingest M that changed rows N wrote depends on N: putting back what N replaced would
undo M's change too. Such a forget is refused, naming M, unless `cascade` is asked for, which
forgets the later ingests first, newest first, in the same transaction.

A later file that stated the same values as N (counted *unchanged*) left no trace, so it
does not keep them: after forgetting N those rows are as they were before N.

`dry_run` does the whole forget inside the transaction and rolls it back, so the counts it
reports are exactly those the real forget would give, cascade included.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from outcomes.tables import FACT_TABLES, Table
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.file_names import names_file
from outcomes.warehouse.identity import file_checksum
from outcomes.warehouse.schema import replaced_name
from outcomes.warehouse.superseded import removed_by

_INGEST_COLUMNS: Final = (
    "id, file, source, started_at, finished_at, rows_read, rows_loaded, rows_updated, "
    "rows_unchanged, rows_rejected, rows_ignored, ignored, changed_columns, forgotten_at, "
    "notices"
)


class ForgetError(Exception):
    """The ingest cannot be forgotten (unknown, already forgotten, depended on); one line."""


class DependentIngestsError(ForgetError):
    """Later ingests changed rows the ingest wrote: forget them first, or cascade."""

    def __init__(self, ingest: IngestRecord, later: Sequence[IngestRecord]) -> None:
        self.ingest = ingest
        self.later = tuple(later)
        names = ", ".join(f"{record.id} ({record.file})" for record in self.later)
        which = "ingest" if len(self.later) == 1 else "ingests"
        ids = " and ".join(str(record.id) for record in self.later)
        them = "it" if len(self.later) == 1 else "them"
        super().__init__(
            f"ingest {ingest.id} ({ingest.file}) cannot be forgotten alone: later {which} "
            f"{names} changed rows it loaded; forget {ids} first, or pass --cascade to "
            f"forget {them} too"
        )


@dataclass(frozen=True)
class IngestRecord:
    """One row of the `ingests` table: a file loaded, when, and its accounting."""

    id: int
    file: str
    source: str
    started_at: dt.datetime
    finished_at: dt.datetime
    read: int
    loaded: int
    updated: int
    unchanged: int
    rejected: int
    ignored: int
    ignored_by_reason: Mapping[str, int] = field(default_factory=dict)
    changed_columns: Mapping[str, int] = field(default_factory=dict)
    forgotten_at: dt.datetime | None = None
    notices: tuple[str, ...] = ()
    """What the connector had to assume about the file (HubSpot deals taken as open)."""

    @property
    def forgotten(self) -> bool:
        """True once `outcomes forget` removed what this ingest loaded."""
        return self.forgotten_at is not None

    def as_json(self) -> dict[str, Any]:
        """The entry `outcomes history --format json` prints."""
        return {
            "ingest_id": self.id,
            "file": self.file,
            "source": self.source,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "read": self.read,
            "loaded": self.loaded,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored": self.ignored,
            "ignored_by_reason": dict(self.ignored_by_reason),
            "changed_columns": dict(self.changed_columns),
            "forgotten_at": self.forgotten_at.isoformat() if self.forgotten_at else None,
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class TableChange:
    """What forgetting an ingest did to one fact table."""

    table: str
    removed: int
    """Rows the ingest had inserted, deleted."""
    restored: int
    """Rows the ingest had updated, put back as they were before it."""


@dataclass(frozen=True)
class ForgottenIngest:
    """One ingest forgotten: per table what went and what came back, and its rejections."""

    ingest: IngestRecord
    tables: tuple[TableChange, ...]
    """Only the tables it changed."""
    rejections: int
    """Its rows in the `rejected` table, deleted."""

    def as_json(self) -> dict[str, Any]:
        return {
            "ingest_id": self.ingest.id,
            "file": self.ingest.file,
            "source": self.ingest.source,
            "tables": {
                change.table: {"removed": change.removed, "restored": change.restored}
                for change in self.tables
            },
            "rejections_removed": self.rejections,
        }


@dataclass(frozen=True)
class ForgetResult:
    """What `forget` did (or, with `dry_run`, would do)."""

    target: IngestRecord
    forgotten: tuple[ForgottenIngest, ...]
    """Newest first: with a cascade, the later ingests come before `target`."""
    dry_run: bool
    forgotten_at: dt.datetime
    other_current: tuple[int, ...] = ()
    """Older current ingests of the same file, left alone (the newest is forgotten)."""

    def as_json(self) -> dict[str, Any]:
        """The summary `outcomes forget --format json` prints."""
        return {
            "ingest_id": self.target.id,
            "dry_run": self.dry_run,
            "forgotten_at": None if self.dry_run else self.forgotten_at.isoformat(),
            "forgotten": [item.as_json() for item in self.forgotten],
            "other_current_ingests": list(self.other_current),
        }


def history(warehouse: Warehouse, *, include_forgotten: bool = False) -> list[IngestRecord]:
    """The ingests, newest first; forgotten ones only with `include_forgotten`."""
    where = "" if include_forgotten else " WHERE forgotten_at IS NULL"
    return _records(warehouse.duckdb, where + " ORDER BY id DESC", [])


def forget(
    warehouse: Warehouse,
    target: str,
    *,
    dry_run: bool = False,
    cascade: bool = False,
    root: Path | None = None,
) -> ForgetResult:
    """Forget the ingest named by `target`: its id, or the file it loaded (history keeps a
    file inside the workspace folder `root` relative to it: `outcomes.warehouse.file_names`).

    A file loaded by several current ingests (it changed between loads) names the newest;
    the others are listed in `other_current`. Raises `ForgetError` when there is nothing to
    forget, and `DependentIngestsError` when later ingests depend on it and not `cascade`.
    """
    con = warehouse.duckdb
    now = dt.datetime.now(dt.UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        # Found and checked inside the transaction, so what is forgotten is what was checked.
        record, others = _find(con, target, root)
        order = _cascade_order(con, record, cascade)
        forgotten = tuple(_forget_one(con, item, now) for item in order)
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ForgetResult(record, forgotten, dry_run, now, tuple(o.id for o in others))


def _records(con: Any, clause: str, parameters: Sequence[object]) -> list[IngestRecord]:
    rows = con.execute(f"SELECT {_INGEST_COLUMNS} FROM ingests{clause}", parameters).fetchall()
    return [_record(row) for row in rows]


def _record(row: Sequence[Any]) -> IngestRecord:
    (ingest_id, file, source, started, finished, read, loaded, updated, unchanged, rejected,
     ignored, by_reason, changed, forgotten, notices) = row  # fmt: skip
    return IngestRecord(
        int(ingest_id), str(file), str(source), started, finished, int(read or 0),
        int(loaded), int(updated), int(unchanged), int(rejected), int(ignored or 0),
        ignored_by_reason=json.loads(by_reason or "{}"),
        changed_columns=json.loads(changed or "{}"), forgotten_at=forgotten,
        notices=tuple(json.loads(notices or "[]")),
    )  # fmt: skip


def _find(con: Any, target: str, root: Path | None) -> tuple[IngestRecord, list[IngestRecord]]:
    """The current ingest `target` names, and the other current ingests of the same file."""
    if target.strip().isdigit():  # a file named `12` is given as `./12`
        return _by_id(con, int(target)), []
    return _by_file(con, target, root)


def _by_id(con: Any, ingest_id: int) -> IngestRecord:
    found = _records(con, " WHERE id = ?", [ingest_id])
    if not found:
        raise ForgetError(f"no ingest {ingest_id}; `outcomes history` lists the ingests")
    record = found[0]
    if record.forgotten_at is not None:
        raise ForgetError(
            f"ingest {ingest_id} ({record.file}) was already forgotten on "
            f"{when_text(record.forgotten_at)}; `outcomes history --all` lists it"
        )
    return record


def _by_file(con: Any, target: str, root: Path | None) -> tuple[IngestRecord, list[IngestRecord]]:
    records = _records(con, " ORDER BY id DESC", [])
    matches = [record for record in records if names_file(record.file, target, root)]
    if not matches:
        matches = _moved(con, records, target, root)
    current = [record for record in matches if record.forgotten_at is None]
    if current:
        return current[0], current[1:]
    if matches:
        ids = ", ".join(str(record.id) for record in matches)
        raise ForgetError(
            f"{target}: what it loaded was already forgotten (ingest {ids}); "
            "`outcomes history --all` lists it"
        )
    raise ForgetError(
        f"{target}: no ingest of this file; give the file as it was ingested, or the ingest "
        "id `outcomes history` lists"
    )


def _moved(
    con: Any, records: Sequence[IngestRecord], target: str, root: Path | None
) -> list[IngestRecord]:
    """Ingests kept by an absolute path from before the workspace's folder moved (and
    before migration 8 could make them relative): the same path in the folder and the
    same bytes, so the file is the one they loaded."""
    path = Path(target)
    if root is None or not path.is_file():
        return []
    digest, _ = file_checksum(path)
    checksums = dict(con.execute("SELECT id, checksum FROM ingests").fetchall())
    return [
        record
        for record in records
        if names_file(record.file, target, root, moved_match=True)
        and str(checksums.get(record.id) or "").startswith(digest)
    ]


def when_text(moment: dt.datetime) -> str:
    """A moment as people read it in messages and tables: to the minute, in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cascade_order(con: Any, record: IngestRecord, cascade: bool) -> list[IngestRecord]:
    """The ingests to forget, newest first: `record`, and with `cascade` its dependents."""
    later = _dependents(con, record.id)
    if not later:
        return [record]
    if not cascade:
        raise DependentIngestsError(record, _by_ids(con, later))
    # Dependents always have higher ids (an ingest only replaces older versions), so
    # forgetting the whole closure newest first never meets a dependent still current.
    closure, pending = set(later), list(later)
    while pending:
        found = _dependents(con, pending.pop()) - closure
        closure |= found
        pending.extend(found)
    return [*_by_ids(con, closure), record]


def _by_ids(con: Any, ids: set[int]) -> list[IngestRecord]:
    """The ingests with these ids, newest first."""
    marks = ", ".join("?" for _ in ids)
    return _records(con, f" WHERE id IN ({marks}) ORDER BY id DESC", sorted(ids))


def _dependents(con: Any, ingest_id: int) -> set[int]:
    """Later ingests that changed rows `ingest_id` wrote, in any fact table."""
    found: set[int] = set()
    for table in FACT_TABLES:
        name, replaced = _quoted(table.name), _quoted(replaced_name(table))
        rows = con.execute(
            # A later ingest replaced a version this one wrote...
            f"SELECT replaced_by FROM {replaced} WHERE ingest_id = $id AND replaced_by > $id "
            "UNION "
            # ...or holds a row whose earlier version this one would put back.
            f"SELECT t.ingest_id FROM {name} t WHERE t.ingest_id > $id AND t.key IN "
            f"(SELECT key FROM {replaced} WHERE replaced_by = $id)",
            {"id": ingest_id},
        ).fetchall()
        found.update(int(row[0]) for row in rows)
    return found


def _forget_one(con: Any, record: IngestRecord, now: dt.datetime) -> ForgottenIngest:
    changes = [_forget_in(con, table, record.id) for table in FACT_TABLES]
    rejections = _count(con.execute('DELETE FROM "rejected" WHERE ingest_id = ?', [record.id]))
    con.execute("UPDATE ingests SET forgotten_at = ? WHERE id = ?", [now, record.id])
    kept = tuple(change for change in changes if change.removed or change.restored)
    return ForgottenIngest(record, kept, rejections)


def _forget_in(con: Any, table: Table, ingest_id: int) -> TableChange:
    """Put back the versions `ingest_id` replaced in one table, and delete what it inserted."""
    name, replaced = _quoted(table.name), _quoted(replaced_name(table))
    prior = f"(SELECT key FROM {replaced} WHERE replaced_by = ?)"
    # The rows N removed have no row in the table: they come back without one going.
    removed_by_it = removed_by(con, table, ingest_id)
    updated = _count(
        con.execute(
            f"DELETE FROM {name} WHERE ingest_id = ? AND key IN {prior}", [ingest_id, ingest_id]
        )
    )
    restored = _count(
        con.execute(
            f"INSERT INTO {name} BY NAME SELECT * EXCLUDE (replaced_by) FROM {replaced} "
            "WHERE replaced_by = ?",
            [ingest_id],
        )
    )
    # The dependents check makes a difference impossible unless the data is damaged.
    if restored != updated + removed_by_it:
        raise ForgetError(
            f"ingest {ingest_id}: {table.name} holds {updated} rows it updated and "
            f"{removed_by_it} it removed but {restored} earlier versions; nothing was "
            "changed. This is a fault of outcomes: please report it"
        )
    con.execute(f"DELETE FROM {replaced} WHERE replaced_by = ?", [ingest_id])
    removed = _count(con.execute(f"DELETE FROM {name} WHERE ingest_id = ?", [ingest_id]))
    return TableChange(table.name, removed, restored)


def _count(cursor: Any) -> int:
    rows = cursor.fetchall()
    return int(rows[0][0]) if rows else 0


def _quoted(name: str) -> str:
    return f'"{name}"'
