"""A new warehouse is created at today's schema in one step: the file every migration, run
in turn on an empty file, would make (tables, columns in order with their types and
nullability, indexes) and with every migration recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outcomes.warehouse.migrations import MIGRATIONS, SCHEMA_VERSION, current_version, migrate


def catalogue(con: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every column of every table in order, and every index, as DuckDB describes them."""
    columns = con.execute(
        "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, "
        "column_default FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position"
    ).fetchall()
    indexes = con.execute(
        "SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY table_name, index_name"
    ).fetchall()
    return columns, indexes


def test_a_new_warehouse_is_what_every_migration_in_turn_makes(tmp_path: Path) -> None:
    import duckdb

    at_once = duckdb.connect(str(tmp_path / "new.duckdb"))
    assert migrate(at_once) == [m.version for m in MIGRATIONS]
    assert current_version(at_once) == SCHEMA_VERSION
    in_turn = duckdb.connect(str(tmp_path / "stepwise.duckdb"))
    for migration in MIGRATIONS:
        migration.apply(in_turn)
    created, stepwise = catalogue(at_once), catalogue(in_turn)
    assert created[0] and created[1]  # tables and the rejected-rows index were read
    assert created == stepwise
    # A new file records every migration, so opening it again migrates nothing.
    assert migrate(at_once) == []


def test_a_file_with_tables_but_no_record_of_migrations_is_migrated_in_turn(
    tmp_path: Path,
) -> None:
    import duckdb

    # Tables from before migrations were recorded: the steps run (they find little to do).
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE costs (key VARCHAR)")
    applied = migrate(con)
    assert applied == [m.version for m in MIGRATIONS]
    assert current_version(con) == SCHEMA_VERSION
