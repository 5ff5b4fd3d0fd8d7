"""Compiled SQL kept between runs: keyed by the expression's structure, never by results."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import ibis
import pytest

from outcomes.warehouse import compiled
from outcomes.warehouse.compiled import Materialised, query_key
from outcomes.warehouse.connection import to_arrow


@pytest.fixture(autouse=True)
def own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(compiled.ENV_DIR, str(tmp_path / "queries"))
    compiled._folder.cache_clear()
    yield tmp_path / "queries"
    compiled._folder.cache_clear()


def sales(rows: list[tuple[str, int]]) -> ibis.Table:
    con = ibis.duckdb.connect()
    con.raw_sql("CREATE TABLE sales (region VARCHAR, amount BIGINT)")
    for region, amount in rows:
        con.raw_sql(f"INSERT INTO sales VALUES ('{region}', {amount})")
    return con.table("sales")


def per_region(table: ibis.Table, least: int = 0) -> ibis.Table:
    big = table.filter(table.amount > least)
    return big.group_by("region").aggregate(total=big.amount.sum()).order_by("region")


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.sql"))


def test_the_same_expression_built_again_has_the_same_key() -> None:
    table = sales([])
    assert query_key(per_region(table)) == query_key(per_region(table))
    assert query_key(per_region(table)) == query_key(per_region(sales([("x", 1)])))


def test_anything_that_changes_the_sql_changes_the_key() -> None:
    table = sales([])
    base = query_key(per_region(table))
    assert query_key(per_region(table, least=1)) != base  # a literal
    renamed = table.rename(area="region")
    assert query_key(renamed.group_by("area").aggregate(total=renamed.amount.sum())) != base
    assert query_key(table.filter(table.amount > 0).count()) != query_key(table.count())
    # The same literal value with another type compiles differently.
    assert query_key(table.filter(table.amount > ibis.literal(0, "int64"))) != query_key(
        table.filter(table.amount > ibis.literal(0, "int8"))
    )
    day = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert query_key(table.mutate(d=ibis.literal(day))) != query_key(
        table.mutate(d=ibis.literal(day + dt.timedelta(seconds=1)))
    )


def test_the_key_is_the_same_in_another_process() -> None:
    # Python salts str hashes per process: the key must not depend on them.
    script = (
        "import ibis\n"
        "from outcomes.warehouse.compiled import query_key\n"
        "con = ibis.duckdb.connect()\n"
        "con.raw_sql('CREATE TABLE sales (region VARCHAR, amount BIGINT)')\n"
        "t = con.table('sales')\n"
        "f = t.filter(t.region.isin(['north', 'south']))\n"
        "print(query_key(f.group_by('region').aggregate(n=f.count()))[0])\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(keys) == 1 and len(next(iter(keys))) == 40


def test_kept_sql_answers_with_the_data_of_this_run(own_folder: Path) -> None:
    first = to_arrow(per_region(sales([("north", 5), ("south", 7)])))
    [kept] = kept_files(own_folder)
    # The kept SQL is run again (no compiling) on other data: the answer is that data's.
    kept.write_text(kept.read_text() + "\n-- read back")
    second = to_arrow(per_region(sales([("north", 1), ("west", 2), ("west", 3)])))
    assert first.to_pylist() == [
        {"region": "north", "total": 5},
        {"region": "south", "total": 7},
    ]
    assert second.to_pylist() == [{"region": "north", "total": 1}, {"region": "west", "total": 5}]
    assert kept_files(own_folder) == [kept] and kept.read_text().endswith("-- read back")


def test_scalars_come_back_as_ibis_gives_them() -> None:
    table = sales([("north", 5), ("south", 7)])
    for _ in range(2):  # compiled, then kept
        assert to_arrow(table.amount.max()).as_py() == 7
        assert to_arrow(table.count()).as_py() == 2
        assert to_arrow(table.region).to_pylist() == ["north", "south"]


def test_a_kept_table_is_named_anew_in_each_run(own_folder: Path) -> None:
    answers = []
    for rows in ([("north", 5)], [("south", 2), ("south", 3)]):
        table = sales(rows)
        with Materialised(table.filter(table.amount > 0)) as kept:
            answers.append(to_arrow(per_region(kept)).to_pylist())
            name = kept.op().name
        assert name not in compiled._kept  # released: dropped and forgotten
        left = table.get_backend().con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
        )
        assert left.fetchone() == (0,)
    assert answers == [[{"region": "north", "total": 5}], [{"region": "south", "total": 5}]]
    # Two queries kept (the kept table's and the one reading it), the second with the
    # kept table's name as a placeholder, so the second run used it with its own name.
    texts = [path.read_text() for path in kept_files(own_folder)]
    assert len(texts) == 2
    assert not any(compiled.KEPT_PREFIX in text for text in texts)
    assert sum("__outcomes_relation_0__" in text for text in texts) == 1


def test_in_memory_tables_are_compiled_every_time(own_folder: Path) -> None:
    import pyarrow as pa

    table = ibis.memtable(pa.table({"region": ["north", "south"], "amount": [5, 7]}))
    assert query_key(table.amount.sum()) is None  # its name is drawn anew in every run
    for _ in range(2):
        assert to_arrow(table.amount.sum()).as_py() == 12
    assert kept_files(own_folder) == []


def test_off_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV_DIR, "off")
    compiled._folder.cache_clear()
    assert to_arrow(per_region(sales([("north", 5)]))).num_rows == 1
    assert kept_files(tmp_path) == []


def test_sql_unread_for_a_month_and_other_versions_unused_are_deleted(own_folder: Path) -> None:
    old = dt.datetime.now().timestamp() - (compiled.UNUSED_DAYS + 1) * 86_400
    first = per_region(sales([("north", 5)]))
    to_arrow(first)
    [read_again] = kept_files(own_folder)
    version = read_again.parent
    stale = version / ("0" * 40 + ".sql")
    stale.write_text("SELECT 1")
    upgraded_away = own_folder / ("a" * 16)
    upgraded_away.mkdir()
    (upgraded_away / ("1" * 40 + ".sql")).write_text("SELECT 1")
    still_used = own_folder / ("b" * 16)
    still_used.mkdir()
    (still_used / ("2" * 40 + ".sql")).write_text("SELECT 2")
    for path in (read_again, stale, upgraded_away / ("1" * 40 + ".sql"), upgraded_away):
        os.utime(path, (old, old))
    os.utime(version, (old, old))
    assert to_arrow(first).num_rows == 1  # read: its time is renewed
    compiled.prune_kept(version)
    assert read_again.exists() and not stale.exists()
    assert not upgraded_away.exists() and still_used.exists()


def test_a_run_that_keeps_sql_prunes_once(own_folder: Path) -> None:
    to_arrow(per_region(sales([("north", 5)])))
    [kept] = kept_files(own_folder)
    old = dt.datetime.now().timestamp() - (compiled.UNUSED_DAYS + 1) * 86_400
    forgotten = kept.parent.parent / ("c" * 16)
    not_ours = kept.parent.parent / "notes"
    not_ours.mkdir()
    forgotten.mkdir()
    for folder in (forgotten, not_ours):
        os.utime(folder, (old, old))
    compiled._pruned.clear()
    to_arrow(per_region(sales([("north", 5)]), least=1))  # compiles, keeps: prunes
    assert not forgotten.exists() and not_ours.exists()
