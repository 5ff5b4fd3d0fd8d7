"""The damaged-file corpus (issue 12): every connector, 40+ named damages each, end to end.

For each connector a good export (a fixture) is loaded into a real warehouse; then each
damaged version of it is loaded with `ingest_files`, the route the command line takes.
The cases, one per connector, are in `tests/sources/corpus_cases.py` (the delimited
exports' headers in `corpus_columns.py`); the damages in `tests/sources/corpus.py`
(delimited text), `corpus_workbook.py` (workbooks and zips), `corpus_json.py` (JSON) and
`corpus_outbox.py` (the Mastodon archive's own, some of them to the actor.json written
beside the outbox). Whatever the damage:

* the outcome is an accounting or a refusal of the file, never a traceback: an
  `IngestResult`, or a `FileFailure` that is not `unexpected` and whose message is one line
  naming the file (a refused file changes nothing);
* an accounting is balanced (`read = loaded + updated + unchanged + rejected + ignored`)
  and its rejections are all in the `rejected` table;
* no row the good file stored is lost, a stored value changes only in a column the
  result names as changed, and a column the damaged file lacks changes no stored value;
* no row is stored anew (a damaged copy names no record the good file does not: a row
  keyed anew is a record stored twice), but in the cases `NEW_ROWS` lists with why;
* a damage that says how many more records it must reject (`Mutation.rejects`: a record
  giving a key twice with two values, 1; with the same value, 0) rejects that many more
  than the good file, and changes no stored value;
* no NaN or infinity is anywhere in the warehouse.

The warehouse of a connector is loaded with the good file once and put back to exactly
that state (every table, from a copy) before each damaged file: what a fresh warehouse
holding the good file holds, at a tenth of the cost of a new one per damage.

Property tests then feed each tabular parser compositions of the damages, and arbitrary
bytes after a good header, through `Source.read`: only rows, rejections, ignored
records and notices about the file come out, or one `SourceError`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import Rejected, Row, SourceError, get_source
from outcomes.sources.base import Ignored, Notice
from outcomes.tables import FACT_TABLES
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.ingest import FileFailure, ingest_files
from tests.sources.corpus_cases import CASES, Case
from tests.sources.damaged import read_outcome

MINIMUM = 40
FACTS = tuple(t.name for t in FACT_TABLES)


XFAIL: dict[tuple[str, str], str] = {}
"""Damages a connector is known to mishandle, with why (none now: keep it for the next)."""

BAD_CELL_GONE = "a row the good file rejects for a bad cell loads once that column is gone"
OTHER_NAME = "the damage changed a value the record is known by: the file names another one"
NEW_ROWS: dict[tuple[str, str], str] = {
    ("hubspot-contacts", "re-export without 'Became a Customer Date'"): BAD_CELL_GONE,
    ("hubspot-deals", "column 'Amount' dropped"): BAD_CELL_GONE,
    ("hubspot-deals", "header 'Amount' renamed"): BAD_CELL_GONE,
    ("hubspot-deals-xlsx", "column 'Amount' dropped"): BAD_CELL_GONE,
    ("hubspot-deals-xlsx", "header 'Amount' renamed"): BAD_CELL_GONE,
    ("meta", "re-export without 'Reach'"): BAD_CELL_GONE,
    ("salesforce", "re-export without 'Is Won'"): BAD_CELL_GONE,
    ("paths", "NUL byte in a cell"): OTHER_NAME,
    ("paths", "a very long cell"): OTHER_NAME,
    ("paths", "escaped lone surrogate text"): OTHER_NAME,
    ("ga4", "'user_pseudo_id' is null (or the text 'null')"): OTHER_NAME,
    ("ga4", "NUL escape in text"): OTHER_NAME,
}
"""A damaged copy of the good file names no record the good file does not, so it stores no
new row, except in these cases (each with why); a case listed that stores none fails, so
that the list stays true."""


def _params() -> Iterator[Any]:
    for case in CASES.values():
        for mutation in case.mutations:
            marks = []
            reason = XFAIL.get((case.name, mutation.name))
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(
                case.name, mutation.name, marks=marks, id=f"{case.name}: {mutation.name}"
            )


# --- a warehouse per connector, put back to "the good file loaded" before each damage ---------


SAVED = "corpus_saved"


class Bench:
    """One open warehouse at a time, holding one connector's good file.

    The state after the good file is kept in a schema of its own; a damaged file that was
    loaded is then undone table by table: what its ingest wrote is removed and the rows as
    they were are copied back, its replaced versions, rejections and `ingests` row deleted.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.case: str | None = None
        self.warehouse: Warehouse | None = None
        self.good: Facts = {}
        self.good_rejected = 0
        self.last_ingest = 0
        self.floats: list[tuple[str, str]] = []
        self.opened = 0

    def ready(self, case: Case) -> Warehouse:
        if self.case != case.name:
            self.close()
            self.opened += 1
            folder = self.root / f"{self.opened}-{case.name}"
            self.warehouse = Warehouse.open(folder / "ws")
            good = case.write(folder / "good", case.good)
            [outcome] = ingest_files(self.warehouse, case.source, [good], case.options)
            assert isinstance(outcome, IngestResult) and outcome.balanced, outcome
            assert outcome.loaded > 0, outcome
            self.good_rejected = outcome.rejected
            self._save()
            self.case = case.name
        assert self.warehouse is not None
        self._undo()
        return self.warehouse

    def _save(self) -> None:
        assert self.warehouse is not None
        con = self.warehouse.duckdb
        con.execute(f"CREATE SCHEMA {SAVED}")
        for name in _tables(self.warehouse):
            con.execute(f'CREATE TABLE {SAVED}."{name}" AS SELECT * FROM main."{name}"')
        self.good = facts(self.warehouse)
        self.last_ingest = int(con.execute("SELECT max(id) FROM ingests").fetchall()[0][0])
        self.floats = [
            (t, c)
            for t, c in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE "
                "table_schema = 'main' AND data_type IN ('DOUBLE', 'FLOAT', 'REAL')"
            ).fetchall()
        ]

    def _undo(self) -> None:
        assert self.warehouse is not None
        con = self.warehouse.duckdb
        later = [
            i
            for (i,) in con.execute(
                "SELECT id FROM ingests WHERE id > ?", [self.last_ingest]
            ).fetchall()
        ]
        for ingest in later:
            for table in FACTS:
                con.execute(f'DELETE FROM "{table}" WHERE ingest_id = ?', [ingest])
                con.execute(
                    f'INSERT INTO "{table}" SELECT s.* FROM {SAVED}."{table}" s '
                    f'ANTI JOIN "{table}" t ON t.key = s.key'
                )
                con.execute(f'DELETE FROM "{table}__replaced" WHERE replaced_by = ?', [ingest])
            con.execute("DELETE FROM rejected WHERE ingest_id = ?", [ingest])
            con.execute("DELETE FROM ingests WHERE id = ?", [ingest])

    def differences(self) -> list[str]:
        """The tables whose content is not what the good file left (for the bench's own test)."""
        assert self.warehouse is not None
        con = self.warehouse.duckdb
        found = []
        for name in _tables(self.warehouse):
            sql = (
                f'SELECT count(*) FROM ((SELECT * FROM main."{name}" EXCEPT ALL '
                f'SELECT * FROM {SAVED}."{name}") UNION ALL (SELECT * FROM {SAVED}."{name}" '
                f'EXCEPT ALL SELECT * FROM main."{name}"))'
            )
            if con.execute(sql).fetchall()[0][0]:
                found.append(name)
        return found

    def not_finite(self) -> list[str]:
        """`table.column` of every NaN or infinity stored, in every table."""
        assert self.warehouse is not None
        tests = [
            f'SELECT \'{t}.{c}\' FROM main."{t}" WHERE NOT isfinite("{c}")' for t, c in self.floats
        ]
        if not tests:
            return []
        rows = self.warehouse.duckdb.execute(" UNION ALL ".join(tests)).fetchall()
        return sorted({name for (name,) in rows})

    def close(self) -> None:
        if self.warehouse is not None:
            self.warehouse.close()
        self.warehouse, self.case = None, None


def _tables(warehouse: Warehouse) -> list[str]:
    found = warehouse.duckdb.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name <> 'schema_migrations' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in found]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    opened = Bench(tmp_path_factory.mktemp("corpus"))
    yield opened
    opened.close()


# --- what every damaged file must leave ---------------------------------------------------------

Facts = dict[str, dict[str, dict[str, Any]]]


def facts(warehouse: Warehouse) -> Facts:
    """Every fact table: key → its values (without the ingest that last wrote it)."""
    found: Facts = {}
    for table in FACTS:
        cursor = warehouse.duckdb.execute(f'SELECT * EXCLUDE (ingest_id) FROM main."{table}"')
        names = [d[0] for d in cursor.description]
        found[table] = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    return found


def changes(before: Facts, after: Facts) -> dict[str, set[str]]:
    """`table.column` → the keys whose stored value differs."""
    found: dict[str, set[str]] = {}
    for table, rows in before.items():
        for key, values in rows.items():
            now = after[table].get(key)
            if now is None:
                continue
            for column, value in values.items():
                if value != now[column]:
                    found.setdefault(f"{table}.{column}", set()).add(key)
    return found


@pytest.mark.parametrize(("case_name", "mutation_name"), list(_params()))
def test_a_damaged_file_is_accounted_for_or_refused_and_changes_only_what_it_states(
    bench: Bench, tmp_path: Path, case_name: str, mutation_name: str
) -> None:
    case = CASES[case_name]
    mutation = next(m for m in case.mutations if m.name == mutation_name)
    warehouse = bench.ready(case)
    before = bench.good
    path = case.write(tmp_path, mutation(case.good), mutation)

    [outcome] = ingest_files(warehouse, case.source, [path], case.options)

    if isinstance(outcome, FileFailure):
        assert not outcome.unexpected, outcome.message
        assert "\n" not in outcome.message and "\r" not in outcome.message, outcome.message
        assert str(path) in outcome.message, outcome.message
        assert facts(warehouse) == before  # a refused file changes nothing
    else:
        assert isinstance(outcome, IngestResult)
        assert outcome.balanced, outcome
        [(stored,)] = warehouse.duckdb.execute(
            "SELECT count(*) FROM rejected WHERE ingest_id = ?", [outcome.ingest_id]
        ).fetchall()
        assert stored == outcome.rejected
        after = facts(warehouse)
        for table, rows in before.items():
            lost = set(rows) - set(after[table])
            assert not lost, f"{table}: rows of the good file lost: {sorted(lost)}"
        changed = changes(before, after)
        unnamed = {c for c in changed if c.split(".")[1] not in outcome.changed_columns}
        assert not unnamed, f"values changed that the result does not name: {unnamed}"
        rows_changed = {(c.split(".")[0], key) for c, keys in changed.items() for key in keys}
        assert len(rows_changed) <= outcome.updated, (rows_changed, outcome)
        added = {t: sorted(set(after[t]) - set(rows)) for t, rows in before.items()}
        added = {table: keys for table, keys in added.items() if keys}
        if (case_name, mutation_name) in NEW_ROWS:
            assert outcome.loaded, "a damage listed in NEW_ROWS stores no new row: unlist it"
        else:
            assert not outcome.loaded, f"a copy of the good file stored rows anew: {added}"
        if mutation.rejects is not None:
            assert outcome.rejected == bench.good_rejected + mutation.rejects, outcome
            assert not changed, f"values changed by a record that must be rejected: {changed}"
        for missing in mutation.absent:
            for column in case.feeds.get(missing, ()):
                assert column not in changed, (
                    f"{column} changed for {sorted(changed[column])} though the file lacks "
                    f"{missing!r}"
                )
    assert not bench.not_finite()


def test_each_connector_has_at_least_40_distinct_damages_that_change_the_bytes() -> None:
    problems = []
    for case in CASES.values():
        names = [m.name for m in case.mutations]
        if len(names) < MINIMUM or len(set(names)) != len(names):
            problems.append((case.name, len(names), len(set(names))))
        good = (case.good, case.beside(None))
        for mutation in case.mutations:
            damaged = (mutation(case.good), case.beside(mutation))
            if damaged == good or (mutation(case.good), case.beside(mutation)) != damaged:
                problems.append((case.name, mutation.name))
    assert not problems


def test_putting_the_warehouse_back_gives_the_state_of_the_good_file(
    bench: Bench, tmp_path: Path
) -> None:
    case = CASES["salesforce"]
    warehouse = bench.ready(case)
    assert facts(warehouse) == bench.good and not bench.differences()
    revised = case.good.replace(b"Remy Rep", b"Remy Representative").replace(b"Gamma", b"Gam")
    revised += b"0065g00000ZZZ09,New,Acme,Prospecting,0,0,5,5/1/2026,2/1/2026,Web,,Ana,New\n"
    [outcome] = ingest_files(warehouse, case.source, [case.write(tmp_path, revised)])
    assert isinstance(outcome, IngestResult), outcome
    assert outcome.updated > 0 and outcome.loaded > 0 and outcome.rejected > 0
    assert set(bench.differences()) >= {"conversions", "conversions__replaced", "ingests"}
    assert facts(bench.ready(case)) == bench.good
    assert not bench.differences()


# --- property tests: compositions of damage, and any bytes after a good header ---------------

TABULAR = (
    "csv",
    "hubspot-contacts",
    "hubspot-deals",
    "salesforce",
    "meta",
    "linkedin-csv",
    "youtube",
    "paths",
)
PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_only_parsed_or_source_error(case: Case, path: Path) -> None:
    outcome = read_outcome(get_source(case.source), path, case.options)
    if isinstance(outcome, SourceError):
        return  # read_outcome checked it is one line naming the file
    for item in outcome:
        assert isinstance(item, Row | Rejected | Ignored | Notice), item


def _compose(case: Case, indexes: list[int]) -> bytes:
    data = case.good
    for index in indexes:
        try:
            data = case.mutations[index % len(case.mutations)](data)
        except Exception:  # a damage that needs a good file: skip it on a bad one
            continue
    return data


@pytest.mark.parametrize("case_name", TABULAR)
def test_composed_damage_gives_only_rows_rejections_or_a_source_error(
    tmp_path: Path, case_name: str
) -> None:
    case = CASES[case_name]

    @PROPERTY
    @given(indexes=st.lists(st.integers(0, 10_000), min_size=1, max_size=3))
    def check(indexes: list[int]) -> None:
        shutil.rmtree(tmp_path / "composed", ignore_errors=True)
        assert_only_parsed_or_source_error(
            case, case.write(tmp_path / "composed", _compose(case, indexes))
        )

    check()


@pytest.mark.parametrize("case_name", TABULAR)
def test_any_bytes_after_a_good_header_give_only_rows_rejections_or_a_source_error(
    tmp_path: Path, case_name: str
) -> None:
    case = CASES[case_name]
    lines = case.good.split(b"\n")
    header = next(i for i, line in enumerate(lines) if b"," in line or b";" in line) + 1
    if case_name == "linkedin-csv":
        header += 1  # the title row, then the header
    head = b"\n".join(lines[:header]) + b"\n"

    @PROPERTY
    @given(
        tail=st.binary(max_size=300)
        | st.text(alphabet='",;\t\n\r x1.-é\x00', max_size=200).map(str.encode)
    )
    def check(tail: bytes) -> None:
        shutil.rmtree(tmp_path / "tail", ignore_errors=True)
        assert_only_parsed_or_source_error(case, case.write(tmp_path / "tail", head + tail))

    check()
