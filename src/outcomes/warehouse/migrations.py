"""Versioned schema migrations for the DuckDB warehouse.

Each migration has a number and runs once, in its own transaction; `schema_migrations`
records what ran. Add new tables or columns as a new migration, never by editing one that
has shipped: workspaces in the field have already run it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Final

from outcomes.tables import FACT_TABLES, Table
from outcomes.warehouse.file_names import stored_name
from outcomes.warehouse.schema import (
    ALL_TABLES,
    INGESTS,
    TABLES,
    create_table_sql,
    replaced_name,
    replaced_table_sql,
)


@dataclass(frozen=True)
class Migration:
    """A numbered change to the schema."""

    version: int
    description: str
    apply: Callable[[Any], None]


def _initial(con: Any) -> None:
    for table in ALL_TABLES:
        con.execute(create_table_sql(table))
    con.execute('CREATE INDEX IF NOT EXISTS rejected_by_ingest ON "rejected" (ingest_id)')


def _timesheets(con: Any) -> None:
    """`costs.hours` and `costs.person`, in the schema's column order (loads insert by position)."""
    existing = {row[0] for row in con.execute("DESCRIBE costs").fetchall()}
    if {"hours", "person"} <= existing:
        return  # created by migration 1 from today's schema
    costs = next(t for t in ALL_TABLES if t.name == "costs")
    con.execute("ALTER TABLE costs RENAME TO costs_before_timesheets")
    con.execute(create_table_sql(costs))
    con.execute("INSERT INTO costs BY NAME SELECT * FROM costs_before_timesheets")
    con.execute("DROP TABLE costs_before_timesheets")


def _accounting(con: Any) -> None:
    """The full accounting of each ingest, and the replaced versions `forget` restores.

    `rows_skipped` becomes `rows_unchanged` (one word for one thing); files loaded before
    this migration get `rows_read` from the terms they recorded, and nothing ignored.
    """
    con.execute(create_table_sql(INGESTS))
    existing = {row[0] for row in con.execute("DESCRIBE ingests").fetchall()}
    if "rows_skipped" in existing:
        con.execute("ALTER TABLE ingests RENAME COLUMN rows_skipped TO rows_unchanged")
    added = {
        "rows_read": "BIGINT",
        "rows_ignored": "BIGINT",
        "ignored": "VARCHAR",
        "changed_columns": "VARCHAR",
        "forgotten_at": "TIMESTAMPTZ",
    }
    for column, sql_type in added.items():
        if column not in existing:
            con.execute(f'ALTER TABLE ingests ADD COLUMN "{column}" {sql_type}')
    con.execute(
        "UPDATE ingests SET rows_ignored = 0, "
        "rows_read = rows_loaded + rows_updated + rows_unchanged + rows_rejected "
        "WHERE rows_read IS NULL"
    )
    for table in FACT_TABLES:
        con.execute(replaced_table_sql(table))


def _rebuilt(con: Any, table: Table, name: str) -> None:
    """`name` (the table or its replaced versions) in today's column order, rows kept.

    Loads insert by position, so new columns go where the schema has them (before
    `ingest_id`), which `ALTER TABLE … ADD COLUMN` cannot do.
    """
    create = create_table_sql(table) if name == table.name else replaced_table_sql(table)
    con.execute(f'ALTER TABLE "{name}" RENAME TO "{name}__before"')
    con.execute(create)
    con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM "{name}__before"')
    con.execute(f'DROP TABLE "{name}__before"')


def _with_columns(con: Any, table: Table, columns: set[str]) -> list[str]:
    """Rebuild `table` and its replaced versions, where stored, in today's column order when
    they lack any of `columns`; the names of those stored (up to date now)."""
    stored = []
    for name in (table.name, replaced_name(table)):
        found = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
        ).fetchall()
        existing = {row[0] for row in found}
        if not existing:
            continue  # nothing stored to upgrade
        if not columns <= existing:
            _rebuilt(con, table, name)
        stored.append(name)
    return stored


def _crm_fields(con: Any) -> None:
    """`conversions.pipeline`, `segment` and `product`, which goal scopes filter on."""
    _with_columns(con, TABLES["conversions"], {"pipeline", "segment", "product"})


def _breakdowns(con: Any) -> None:
    """`breakdown` on `costs` and `metric_snapshots`: the grain of an ad report's rows, so
    that a report broken down otherwise is refused rather than counted twice. Rows stored
    before have none (null): their grain is unknown."""
    for table in (TABLES["costs"], TABLES["metric_snapshots"]):
        _with_columns(con, table, {"breakdown"})


# The ad report connectors, whose cost lines' `note` ended in the currency their report
# stated ("Meta Ads campaign 123, USD") before `costs.currency` existed.
_AD_SOURCES: Final = ("meta-ads", "linkedin-ads")
_NOTE_CURRENCY: Final = ", ([A-Za-z]{3})$"


def _cost_currencies(con: Any) -> None:
    """`costs.currency`: the currency an ad report states for its spend, so that spend in
    another currency than the plan's is left out of sums instead of added as if it were
    the plan's.

    Ad report lines stored before take it from the end of their note, which the connector
    wrote from the same statement of the report (a file loaded before is not read again,
    so its lines would otherwise stay summed as the plan's); other lines have none (null),
    taken as the plan's, as before.
    """
    # Every stored version, also one rebuilt with the column by migration 5 in this run.
    for name in _with_columns(con, TABLES["costs"], {"currency"}):
        con.execute(
            f'UPDATE "{name}" SET currency = upper(regexp_extract(note, ?, 1)) '
            "WHERE currency IS NULL AND list_contains(?, source) AND regexp_matches(note, ?)",
            [_NOTE_CURRENCY, list(_AD_SOURCES), _NOTE_CURRENCY],
        )


def _notices(con: Any) -> None:
    """`ingests.notices`: what a connector had to assume about a file (HubSpot deals taken as
    open), so that a file loaded again reports it again. Files loaded before have none."""
    con.execute(create_table_sql(INGESTS))  # today's, where a file had none to upgrade
    con.execute('ALTER TABLE ingests ADD COLUMN IF NOT EXISTS "notices" VARCHAR')


_STATE_DIR: Final = ".outcomes"
"""The workspace's state folder, which holds its DuckDB file (`connection.STATE_DIR`; that
module imports this one)."""


def _relative_files(con: Any) -> None:
    """History names a file inside the workspace by its path relative to the workspace's
    folder (`outcomes.warehouse.file_names`), so a moved folder still forgets by file: the
    absolute paths recorded before, where they are inside this warehouse's workspace,
    become relative. A warehouse that is no workspace's `.outcomes/` file (elsewhere by
    `OUTCOMES_WAREHOUSE`, or in memory) keeps them: `forget` matches those as before."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    database = Path(row[0]) if row and row[0] else None
    if database is None or database.parent.name != _STATE_DIR:
        return
    root = database.parent.parent
    present = {name for (name,) in con.execute("SHOW TABLES").fetchall()}
    for table in ("ingests", "rejected"):
        if table not in present:
            continue  # a warehouse from before it was made: nothing to name
        names = con.execute(f'SELECT DISTINCT file FROM "{table}" WHERE file IS NOT NULL')
        for (name,) in names.fetchall():
            if not PurePath(name).is_absolute():
                continue
            kept = stored_name(Path(name), root)
            if kept != name:
                con.execute(f'UPDATE "{table}" SET file = ? WHERE file = ?', [kept, name])


MIGRATIONS: Final = (
    Migration(1, "tables for activities, metrics, journeys, conversions, costs, ingests", _initial),
    Migration(2, "hours worked and who worked them, on cost lines (timesheets)", _timesheets),
    Migration(3, "each ingest's full accounting; replaced row versions for forget", _accounting),
    Migration(4, "CRM pipeline, segment and product on conversions, for goal scopes", _crm_fields),
    Migration(5, "the breakdown of ad report rows on costs and metric snapshots", _breakdowns),
    Migration(6, "the currency of cost lines, as the source states it", _cost_currencies),
    Migration(7, "what a connector had to assume about a file, on its ingest", _notices),
    Migration(8, "files inside the workspace named relative to its folder", _relative_files),
)

SCHEMA_VERSION: Final = MIGRATIONS[-1].version


def migrate(con: Any) -> list[int]:
    """Apply every migration the database has not run yet; returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version BIGINT PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    if not done and not _has_tables(con):
        return _create(con)
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        _recorded(con, migration.apply, (migration,))
        applied.append(migration.version)
    return applied


def _recorded(con: Any, apply: Callable[[Any], None], migrations: Sequence[Migration]) -> None:
    """`apply(con)` and the record of `migrations` as applied, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        apply(con)
        for migration in migrations:
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())",
                [migration.version, migration.description],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _has_tables(con: Any) -> bool:
    """Whether any of the warehouse's tables exists (a file from before migrations did)."""
    names = [table.name for table in ALL_TABLES]
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
        f"({', '.join('?' for _ in names)})",
        names,
    ).fetchall()
    return bool(found[0][0])


def _create(con: Any) -> list[int]:
    """A new warehouse: today's schema at once, every migration recorded as applied.

    The first migration creates the tables from today's schema, and the third the
    replaced versions of the fact tables (also from today's schema), so the others find
    nothing to change in a new file; running them anyway cost every new warehouse a
    transaction and a look at the catalogue each (half of its creation, and the test suite
    creates a warehouse for most of its tests). `tests/warehouse/test_migrations.py`
    checks that a file created so is the one every migration run in turn makes.
    """
    _recorded(con, _today, MIGRATIONS)
    return [migration.version for migration in MIGRATIONS]


def _today(con: Any) -> None:
    """Today's schema in a new file: the tables, and the fact tables' replaced versions
    (which migration 3 adds)."""
    _initial(con)
    for table in FACT_TABLES:
        con.execute(replaced_table_sql(table))


def current_version(con: Any) -> int:
    """The highest migration the database has run (0 for a new one)."""
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
    return int(rows[0][0])
