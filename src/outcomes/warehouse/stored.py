"""What the warehouse holds, as a connector may ask it while a file loads (`ReadOptions.stored`).

A tool that names one record two ways (by an id, or by a name and a day) asks which keys
are stored under a name and day, so that the other shape updates them instead of storing
them again (`outcomes.sources.two_keys`); an ad report asks at which grain (its
`breakdown`) a campaign's day is stored, so that a report broken down otherwise is refused
instead of counted twice (`outcomes.sources.campaigns`); a Salesforce report asks which
customer ids are stored, to tell accounts stored by id from accounts stored by name.
Only what was stored before the
file is answered: each table is read once per source, at the first question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from outcomes.sources.base import StoredActivity, StoredBreakdown, StoredSnapshot

_STORED: Final = {
    "activities": "SELECT account, ts, text, key, url, NULL, NULL FROM activities "
    "WHERE source = ? AND text IS NOT NULL ORDER BY key",
    "snapshots": "SELECT entity, date, key, metric, breakdown, ingest_id FROM metric_snapshots "
    "WHERE source = ? AND entity IS NOT NULL ORDER BY key",
    "costs": "SELECT tactic, date, key, breakdown, ingest_id FROM costs "
    "WHERE source = ? AND tactic IS NOT NULL ORDER BY key",
}
"""What `StoredRecords` reads of each table: where a row is, what is told of it, then its
grain and the ingest that wrote it (none for activities)."""
_CUSTOMERS: Final = (
    "SELECT DISTINCT customer_id FROM conversions WHERE source = ? AND customer_id IS NOT NULL "
    "ORDER BY customer_id"
)


@dataclass
class _Table:
    """One table's rows of one source, by where they are (name or text, and day)."""

    kind: str
    items: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)
    grains: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    """Where → each grain stored there → the newest ingest that wrote a row at it."""

    def add(self, row: tuple[Any, ...]) -> None:
        where, item = _located(self.kind, row[:-2])
        self.items.setdefault(where, []).append(item)
        grain, ingest_id = row[-2:]
        if grain is not None:
            stored = self.grains.setdefault(where, {})
            stored[grain] = max(stored.get(grain, 0), int(ingest_id))


def _located(kind: str, row: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """(where a stored row is: its name or text and day, what a connector is told of it)."""
    if kind == "activities":
        account, ts, text, key, url = row
        return (account, ts.astimezone(dt.UTC).date(), text), StoredActivity(key, url)
    if kind == "snapshots":
        entity, date, key, metric = row
        return (entity, date), StoredSnapshot(key, metric)
    tactic, date, key = row
    return (tactic, date), key


class StoredRecords:
    """The stored records a connector may ask for (`ReadOptions.stored`): those stored
    before this file, read once per table and source at the first question (one query,
    not one per record: a posts sheet has thousands)."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self._read: dict[tuple[str, str], _Table] = {}
        self._files: dict[int, str] | None = None
        self._customers: dict[str, list[str]] = {}

    def activities_on(
        self, source: str, account: str | None, day: dt.date, text: str
    ) -> Sequence[StoredActivity]:
        return self._stored("activities", source).items.get((account, day, text), [])

    def snapshots_on(self, source: str, entity: str, day: dt.date) -> Sequence[StoredSnapshot]:
        return self._stored("snapshots", source).items.get((entity, day), [])

    def costs_on(self, source: str, tactic: str, day: dt.date) -> Sequence[str]:
        return self._stored("costs", source).items.get((tactic, day), [])

    def breakdowns_on(self, source: str, name: str, day: dt.date) -> Sequence[StoredBreakdown]:
        newest: dict[str, int] = {}
        for kind in ("costs", "snapshots"):
            for grain, ingest_id in self._stored(kind, source).grains.get((name, day), {}).items():
                newest[grain] = max(newest.get(grain, 0), ingest_id)
        if not newest:
            return []
        files = self._ingest_files()
        return [StoredBreakdown(grain, files.get(newest[grain], "")) for grain in sorted(newest)]

    def customers_of(self, source: str) -> Sequence[str]:
        found = self._customers.get(source)
        if found is None:
            rows = self._con.execute(_CUSTOMERS, [source]).fetchall()
            found = self._customers[source] = [str(customer) for (customer,) in rows]
        return found

    def _stored(self, kind: str, source: str) -> _Table:
        found = self._read.get((kind, source))
        if found is None:
            found = self._read[(kind, source)] = _Table(kind)
            for row in self._con.execute(_STORED[kind], [source]).fetchall():
                found.add(tuple(row))
        return found

    def _ingest_files(self) -> dict[int, str]:
        """Each ingest's file, read once: the few a refusal names."""
        if self._files is None:
            rows = self._con.execute("SELECT id, file FROM ingests").fetchall()
            self._files = {int(ingest_id): str(file) for ingest_id, file in rows}
        return self._files
