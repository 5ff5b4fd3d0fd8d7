"""Rows an earlier reading stored under keys that hold no row now: removed, and put back.

A connector whose reading changed may say that a key an earlier reading of it stored holds
no row now (`outcomes.sources.base.Superseded`: an edited tweet's later version, once
stored as a post of its own, is now part of the post keyed by the first version).
`SupersededRows` collects those keys while a file loads and, once the file's rows are
written, removes the rows the same source stored under them, never one this file wrote
(it may state the key itself). Each row removed is first copied to `<table>__replaced`
with `replaced_by` = the ingest, as a row the ingest updates is, and one notice says how
many went: a row does not leave the figures unsaid.

Forgetting that ingest (`outcomes.warehouse.forget`) puts them back with the rows it
updated. A removed row is a kept version whose key has no row in the table any more;
`removed_by` counts those, so that forget can check that every version it puts back is
one the ingest updated or removed.
"""

from __future__ import annotations

from typing import Any, Final

from outcomes.sources.base import Superseded
from outcomes.tables import Table
from outcomes.warehouse.schema import replaced_name

SHOWN: Final = 3
"""Keys a notice names; the rest it counts."""


class SupersededRows:
    """The keys, by table, that one file's reading says hold no row now."""

    def __init__(self, con: Any, ingest_id: int) -> None:
        self._con = con
        self._ingest_id = ingest_id
        self._keys: dict[str, set[str]] = {}

    def add(self, record: Superseded) -> None:
        """One key of `record.table` that this reading gives no row."""
        self._keys.setdefault(record.table, set()).add(record.key)

    def remove(self, source: str) -> str | None:
        """Remove the rows an earlier reading of `source` stored under the keys, keeping
        each for `forget`; the notice saying how many went, or None when none did."""
        removed: list[str] = []
        for name, keys in sorted(self._keys.items()):
            removed += self._remove_from(name, sorted(keys), source)
        if not removed:
            return None
        shown = ", ".join(removed[:SHOWN]) + (
            f" and {len(removed) - SHOWN} more" if removed[SHOWN:] else ""
        )
        return (
            f"removed {len(removed)} row{'s' if len(removed) != 1 else ''} an earlier reading "
            f"of {source} stored under keys that now hold no row ({shown}); "
            "`outcomes forget` of this load puts them back"
        )

    def _remove_from(self, name: str, keys: list[str], source: str) -> list[str]:
        """Remove `source`'s rows of table `name` under `keys`; their keys, sorted."""
        table = f'"{name}"'
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE _outcomes_gone AS SELECT unnest(?::VARCHAR[]) AS key",
            [keys],
        )
        # Only the source's own rows, and none this file wrote (it may state the key).
        where = "key IN (SELECT key FROM _outcomes_gone) AND source = ? AND ingest_id <> ?"
        params = [source, self._ingest_id]
        self._con.execute(
            f'INSERT INTO "{name}__replaced" BY NAME SELECT t.*, ? AS replaced_by '
            f"FROM {table} t WHERE {where}",
            [self._ingest_id, *params],
        )
        gone = self._con.execute(f"DELETE FROM {table} WHERE {where} RETURNING key", params)
        removed = sorted(str(key) for (key,) in gone.fetchall())
        self._con.execute("DROP TABLE _outcomes_gone")
        return removed


def removed_by(con: Any, table: Table, ingest_id: int) -> int:
    """How many rows of `table` ingest `ingest_id` removed as superseded and kept: its kept
    versions whose key has no row in the table now. Forget puts them back without a row
    going."""
    name, replaced = f'"{table.name}"', f'"{replaced_name(table)}"'
    rows = con.execute(
        f"SELECT count(*) FROM {replaced} r WHERE replaced_by = ? "
        f"AND NOT EXISTS (SELECT 1 FROM {name} t WHERE t.key = r.key)",
        [ingest_id],
    ).fetchall()
    return int(rows[0][0]) if rows else 0
