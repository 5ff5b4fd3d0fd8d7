"""Opening a workspace's warehouse: the file, the URL override, and migrations run once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from outcomes.tables import Table
from outcomes.warehouse.connection import ENV_VAR, Warehouse, WarehouseError
from outcomes.warehouse.migrations import SCHEMA_VERSION, current_version, migrate
from outcomes.warehouse.schema import ALL_TABLES, TABLES, create_table_sql, replaced_table_sql


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


def test_tables_read_in_one_query_are_those_ibis_reads_one_by_one(tmp_path: Path) -> None:
    # Every type the contract uses (timestamps with zones, decimals, lists…) parsed alike.
    with Warehouse.open(tmp_path) as warehouse:
        warehouse.duckdb.execute("CREATE TABLE extra (id INTEGER NOT NULL, tags VARCHAR[])")
        for name in (*(t.name for t in ALL_TABLES), "extra"):
            ours, ibis_own = warehouse.table(name), warehouse.backend.table(name)
            assert ours.op() == ibis_own.op(), name
        assert not warehouse.table("extra").schema()["id"].nullable
        created_later = "created_after_the_first_read"
        warehouse.duckdb.execute(f"CREATE TABLE {created_later} (x BIGINT)")
        assert warehouse.table(created_later).schema().names == ("x",)


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


def test_a_version_1_warehouse_gains_timesheet_columns_and_keeps_its_costs(
    tmp_path: Path,
) -> None:
    import duckdb

    path = tmp_path / ".outcomes" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    # The costs table as version 1 shipped it, with one booked line.
    con.execute(
        'CREATE TABLE costs ("key" VARCHAR NOT NULL, "source" VARCHAR NOT NULL, '
        '"tactic" VARCHAR NOT NULL, "date" DATE NOT NULL, "amount" DOUBLE NOT NULL, '
        '"kind" VARCHAR NOT NULL, "note" VARCHAR, "ingest_id" BIGINT NOT NULL)'
    )
    con.execute("INSERT INTO costs VALUES ('k1', 'csv', 'ads', '2026-03-01', 99.5, 'ads', NULL, 7)")
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    con.execute("INSERT INTO schema_migrations VALUES (1, 'tables', now())")
    con.close()
    with Warehouse.open(tmp_path) as warehouse:
        columns = [r[0] for r in warehouse.duckdb.execute("DESCRIBE costs").fetchall()]
        costs = next(t for t in ALL_TABLES if t.name == "costs")
        assert columns == [*costs.names, "ingest_id"]
        rows = warehouse.duckdb.execute(
            "SELECT key, amount, hours, person, ingest_id FROM costs"
        ).fetchall()
        assert rows == [("k1", 99.5, None, None, 7)]
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION == 8


def test_a_version_2_warehouse_keeps_its_ingests_with_their_accounting(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / ".outcomes" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    # The ingests table as versions 1 and 2 shipped it, with one loaded file.
    con.execute(
        "CREATE TABLE ingests (id BIGINT NOT NULL, file VARCHAR NOT NULL, source VARCHAR NOT NULL, "
        "checksum VARCHAR NOT NULL, size BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, "
        "rows_updated BIGINT NOT NULL, rows_skipped BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, "
        "started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL)"
    )
    con.execute(
        "INSERT INTO ingests VALUES (1, 'a.csv', 'csv', 'abc', 10, 5, 1, 2, 3, now(), now())"
    )
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    con.execute("INSERT INTO schema_migrations VALUES (1, 'tables', now()), (2, 'hours', now())")
    con.close()
    with Warehouse.open(tmp_path) as warehouse:
        row = warehouse.duckdb.execute(
            "SELECT rows_read, rows_loaded, rows_updated, rows_unchanged, rows_rejected, "
            "rows_ignored FROM ingests"
        ).fetchall()
        assert row == [(11, 5, 1, 2, 3, 0)]
        tables = {r[0] for r in warehouse.duckdb.execute("SHOW TABLES").fetchall()}
        assert {"activities__replaced", "conversions__replaced"} <= tables


def test_a_version_3_warehouse_gains_crm_fields_and_keeps_its_conversions(
    tmp_path: Path,
) -> None:
    import duckdb

    path = tmp_path / ".outcomes" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    # conversions and its replaced versions as version 3 shipped them, with one row each.
    before = (
        '"key" VARCHAR NOT NULL, "source" VARCHAR NOT NULL, "customer_id" VARCHAR, '
        '"journey_id" VARCHAR, "ts" TIMESTAMPTZ NOT NULL, "type" VARCHAR NOT NULL, '
        '"value" DOUBLE, "currency" VARCHAR, "stage" VARCHAR, "owner" VARCHAR, '
        '"campaign" VARCHAR, "channel" VARCHAR, "ingest_id" BIGINT NOT NULL'
    )
    con.execute(f"CREATE TABLE conversions ({before})")
    con.execute(f'CREATE TABLE conversions__replaced ({before}, "replaced_by" BIGINT NOT NULL)')
    row = "'k1', 'hubspot', 'c1', 'c1', '2026-03-01 10:00:00+00', 'deal_won', 5000.0, 'GBP', "
    row += "'closedwon', 'ann', 'spring', 'linkedin', 2"
    con.execute(f"INSERT INTO conversions VALUES ({row})")
    con.execute(f"INSERT INTO conversions__replaced VALUES ({row}, 3)")
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    con.execute(
        "INSERT INTO schema_migrations VALUES (1, 'a', now()), (2, 'b', now()), (3, 'c', now())"
    )
    con.close()
    with Warehouse.open(tmp_path) as warehouse:
        conversions = next(t for t in ALL_TABLES if t.name == "conversions")
        columns = [r[0] for r in warehouse.duckdb.execute("DESCRIBE conversions").fetchall()]
        assert columns == [*conversions.names, "ingest_id"]
        replaced = warehouse.duckdb.execute("DESCRIBE conversions__replaced").fetchall()
        assert [r[0] for r in replaced] == [*conversions.names, "ingest_id", "replaced_by"]
        for table in ("conversions", "conversions__replaced"):
            kept = warehouse.duckdb.execute(
                f"SELECT key, value, channel, pipeline, segment, product, ingest_id FROM {table}"
            ).fetchall()
            assert kept == [("k1", 5000.0, "linkedin", None, None, None, 2)]
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION == 8


def shipped(tmp_path: Path, version: int, tables: dict[Table, tuple[str, ...]]) -> None:
    """A workspace's warehouse as `version` shipped it: each table, and its replaced copy,
    holding the rows given (in the copy, replaced by the next ingest)."""
    import duckdb

    path = tmp_path / ".outcomes" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    for table, rows in tables.items():
        con.execute(create_table_sql(table))
        con.execute(replaced_table_sql(table))
        for row in rows:
            con.execute(f"INSERT INTO {table.name} VALUES ({row})")
            con.execute(f"INSERT INTO {table.name}__replaced VALUES ({row}, {version})")
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    done = f"SELECT v, 'v', now() FROM range(1, {version + 1}) t(v)"
    con.execute(f"INSERT INTO schema_migrations {done}")
    con.close()


def without(table: Table, *gone: str) -> Table:
    """`table` without the columns later versions added."""
    return replace(table, columns=tuple(c for c in table.columns if c.name not in gone))


def assert_in_schema_order(warehouse: Warehouse, table: Table) -> None:
    """The table and its replaced copy have today's columns, in the schema's order."""
    columns = [r[0] for r in warehouse.duckdb.execute(f"DESCRIBE {table.name}").fetchall()]
    assert columns == [*table.names, "ingest_id"]
    replaced = warehouse.duckdb.execute(f"DESCRIBE {table.name}__replaced").fetchall()
    assert [r[0] for r in replaced] == [*table.names, "ingest_id", "replaced_by"]


def test_a_version_4_warehouse_gains_breakdowns_and_keeps_its_costs_and_snapshots(
    tmp_path: Path,
) -> None:
    # costs and metric_snapshots as version 4 shipped them (no breakdown, no currency).
    cost = "'k1', 'meta-ads', 'Launch', '2026-03-02', 10.0, 'ads', NULL, NULL, NULL, 2"
    snapshot = (
        "'k2', 'meta-ads', 'facebook', 'Launch', 'campaign', 'impressions', '2026-03-02', 9, 2"
    )
    costs, snapshots = TABLES["costs"], TABLES["metric_snapshots"]
    old_costs, old_snapshots = (
        without(costs, "breakdown", "currency"),
        without(snapshots, "breakdown"),
    )
    shipped(tmp_path, 4, {old_costs: (cost,), old_snapshots: (snapshot,)})
    with Warehouse.open(tmp_path) as warehouse:
        for table in (costs, snapshots):
            assert_in_schema_order(warehouse, table)
            for name in (table.name, f"{table.name}__replaced"):
                kept = warehouse.duckdb.execute(f"SELECT key, breakdown FROM {name}").fetchall()
                assert len(kept) == 1 and kept[0][1] is None  # a grain not recorded: unknown
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION == 8


def test_a_version_5_warehouse_gains_cost_currencies_and_keeps_its_costs(
    tmp_path: Path,
) -> None:
    # costs as version 5 shipped it, with ad spend lines and one of another source.
    rows = (
        "'k1', 'meta-ads', 'Launch', '2026-03-02', 10.0, 'ads', 'Meta Ads campaign 7, USD', "
        "NULL, NULL, '', 2",
        "'k2', 'linkedin-ads', 'Guides', '2026-03-02', 20.0, 'ads', 'LinkedIn Ads campaign "
        "''Guides''', NULL, NULL, '', 2",  # its report stated no currency
        "'k3', 'csv', 'Launch', '2026-03-02', 30.0, 'ads', 'paid by card, USD', NULL, NULL, "
        "NULL, 4",  # a note of someone's writing is not read
    )
    costs = TABLES["costs"]
    shipped(tmp_path, 5, {without(costs, "currency"): rows})
    with Warehouse.open(tmp_path) as warehouse:
        assert_in_schema_order(warehouse, costs)
        for name in ("costs", "costs__replaced"):
            kept = warehouse.duckdb.execute(
                f"SELECT key, amount, breakdown, currency, ingest_id FROM {name} ORDER BY key"
            ).fetchall()
            # An ad report's line takes the currency its note was written with; others none.
            assert kept == [
                ("k1", 10.0, "", "USD", 2),
                ("k2", 20.0, "", None, 2),
                ("k3", 30.0, None, None, 4),
            ]
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION == 8


def test_a_version_6_warehouse_gains_ingest_notices_and_keeps_its_ingests(tmp_path: Path) -> None:
    import duckdb

    ingests = TABLES["ingests"]
    path = tmp_path / ".outcomes" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute(create_table_sql(without(ingests, "notices")))
    con.execute(
        "INSERT INTO ingests (id, file, source, checksum, size, rows_loaded, rows_updated, "
        "rows_unchanged, rows_rejected, started_at, finished_at) VALUES (1, 'deals.csv', "
        "'hubspot', 'abc', 10, 2, 0, 0, 0, '2026-03-01 00:00:00+00', '2026-03-01 00:00:01+00')"
    )
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    for version in range(1, 7):
        con.execute("INSERT INTO schema_migrations VALUES (?, 'shipped', now())", [version])
    con.close()
    with Warehouse.open(tmp_path) as warehouse:
        columns = [r[0] for r in warehouse.duckdb.execute("DESCRIBE ingests").fetchall()]
        assert columns == list(ingests.names)
        kept = warehouse.duckdb.execute("SELECT id, file, notices FROM ingests").fetchall()
        assert kept == [(1, "deals.csv", None)]  # loaded before: no notices recorded
        assert current_version(warehouse.duckdb) == SCHEMA_VERSION == 8
