"""Opening a workspace's warehouse: the file, the URL override, and migrations run once."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.warehouse.connection import ENV_VAR, Warehouse, WarehouseError
from outcomes.warehouse.migrations import SCHEMA_VERSION, current_version, migrate
from outcomes.warehouse.schema import ALL_TABLES


def test_new_workspace_gets_a_duckdb_file_with_every_table(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path) as warehouse:
        assert warehouse.is_duckdb
        # Ibis' list_tables() uses a DuckDB API that DuckDB 2 removed, so ask DuckDB itself.
        names = {
            row[0]
            for row in warehouse.duckdb.execute(
                "SELECT table_name FROM information_schema.tables"
            ).fetchall()
        }
        assert names >= {t.name for t in ALL_TABLES}
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION
    assert (tmp_path / ".outcomes" / "warehouse.duckdb").is_file()


def test_migrations_run_once(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path) as warehouse:
        assert migrate(warehouse.duckdb) == []
        rows = warehouse.duckdb.execute("SELECT count(*) FROM schema_migrations").fetchall()
        assert rows == [(SCHEMA_VERSION,)]


def test_environment_variable_points_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv(ENV_VAR, f"duckdb://{other}")
    with Warehouse.open(tmp_path / "ws") as warehouse:
        assert warehouse.url == f"duckdb://{other}"
    assert other.is_file()
    assert not (tmp_path / "ws" / ".outcomes").exists()


def test_unusable_url_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="cannot open the warehouse at nosuchengine://x"):
        Warehouse.open(tmp_path, "nosuchengine://x")


def test_fact_table_columns_match_their_declaration(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path) as warehouse:
        for table in ALL_TABLES:
            columns = list(warehouse.table(table.name).columns)
            expected = [*table.names, "ingest_id"] if table.fact else list(table.names)
            assert columns == expected, table.name
