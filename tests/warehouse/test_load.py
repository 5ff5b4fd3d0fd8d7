"""Ingest semantics on real files: all or nothing per file, twice adds nothing, no silent loss."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, SourceError, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

SENDS = ReadOptions(
    table="touchpoints",
    mapping={"journey_id": "Email", "ts": "Sent at", "utm_campaign": "Campaign"},
)


def write_sends(
    path: Path, rows: int, *, bad_every: int | None = None, start: int = 0
) -> list[int]:
    """A newsletter send log; returns the file lines whose date is corrupt."""
    bad_lines = []
    lines = ["Email,Sent at,Campaign"]
    for i in range(start, start + rows):
        line_no = len(lines) + 1
        if bad_every and i % bad_every == bad_every - 1:
            lines.append(f"user{i}@example.com,31/31/2026 99:99,newsletter")
            bad_lines.append(line_no)
        else:
            lines.append(f"user{i}@example.com,2026-03-{1 + i % 28:02d} 09:{i % 60:02d},newsletter")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad_lines


def count(warehouse: Warehouse, table: str) -> int:
    return int(warehouse.duckdb.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])


def test_loading_the_same_file_twice_adds_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    sends = tmp_path / "sends.csv"
    write_sends(sends, 100)
    first = ingest_file(warehouse, get_source("csv"), sends, SENDS)
    second = ingest_file(warehouse, get_source("csv"), sends, SENDS)
    assert (first.loaded, first.unchanged, first.rejected) == (100, 0, 0)
    assert (second.loaded, second.unchanged, second.already_loaded) == (0, 100, True)
    assert count(warehouse, "touchpoints") == 100
    assert count(warehouse, "ingests") == 1


def test_a_re_export_with_new_rows_loads_only_the_new_ones(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    write_sends(tmp_path / "march.csv", 100)
    write_sends(tmp_path / "march-and-more.csv", 150)
    ingest_file(warehouse, get_source("csv"), tmp_path / "march.csv", SENDS)
    again = ingest_file(warehouse, get_source("csv"), tmp_path / "march-and-more.csv", SENDS)
    assert (again.loaded, again.unchanged) == (50, 100)
    assert count(warehouse, "touchpoints") == 150


def test_one_percent_corrupt_rows_load_the_rest_and_report_each(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    sends = tmp_path / "sends.csv"
    bad_lines = write_sends(sends, 2000, bad_every=100)
    result = ingest_file(warehouse, get_source("csv"), sends, SENDS)
    assert (result.loaded, result.rejected) == (1980, 20)
    rejected = warehouse.duckdb.execute(
        'SELECT line, "column", reason, raw FROM rejected ORDER BY line'
    ).fetchall()
    assert [row[0] for row in rejected] == bad_lines
    assert all(row[1] == "Sent at" and "31/31/2026 99:99" in row[2] for row in rejected)
    assert rejected[0][3].startswith("user99@example.com")
    history = warehouse.duckdb.execute(
        "SELECT rows_loaded, rows_rejected, source FROM ingests"
    ).fetchall()
    assert history == [(1980, 20, "csv")]


def test_a_file_that_fails_midway_loads_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    sends = tmp_path / "sends.csv"
    write_sends(sends, 30_000)
    with sends.open("ab") as handle:
        handle.write("caf\xe9@example.com,2026-03-01 09:00,newsletter\n".encode("cp1252"))
    with pytest.raises(SourceError, match=r"sends\.csv:30002: byte 0xE9 is not utf-8"):
        ingest_file(warehouse, get_source("csv"), sends, SENDS, batch_rows=5_000)
    assert count(warehouse, "touchpoints") == 0
    assert count(warehouse, "ingests") == 0
    result = ingest_file(warehouse, get_source("csv"), sends, replace(SENDS, encoding="cp1252"))
    assert result.loaded == 30_001


def test_an_empty_file_is_refused(warehouse: Warehouse, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        ingest_file(warehouse, get_source("csv"), empty, SENDS)
    assert count(warehouse, "ingests") == 0


def test_rows_with_an_unknown_kind_are_rejected_not_loaded(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text("id,when,kind,channel\n1,2026-01-01,post,linkedin\n2,2026-01-02,tweet,x\n")
    options = ReadOptions(
        table="activities",
        mapping={"native_id": "id", "ts": "when", "kind": "kind", "channel": "channel"},
    )
    result = ingest_file(warehouse, get_source("csv"), posts, options)
    assert (result.loaded, result.rejected) == (1, 1)
    [rejection] = result.rejections
    assert (rejection.line, rejection.column) == (3, "kind")
    assert "got 'tweet'" in rejection.reason


SENDS_BEFORE_KILL = 12_000
KILLED_INGEST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from outcomes.sources import ReadOptions, get_source
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    options = ReadOptions(table="touchpoints", mapping={"journey_id": "Email", "ts": "Sent at", "utm_campaign": "Campaign"})

    def progress(records: int) -> None:
        if records >= 10_000:
            print("flushed", flush=True)
            sys.stdin.readline()  # wait here, mid-transaction, until the test kills us

    with Warehouse.open(Path(sys.argv[1])) as warehouse:
        ingest_file(warehouse, get_source("csv"), Path(sys.argv[2]), options, progress=progress, batch_rows=2_000)
    """
)


def test_kill_9_during_ingest_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    sends = tmp_path / "sends.csv"
    # More rows than the child reads before it is killed (five batches of 2,000: the loader
    # reports progress every 10,000 records), so it dies mid-file and mid-transaction; the
    # whole file is loaded again afterwards.
    write_sends(sends, SENDS_BEFORE_KILL)
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_INGEST, str(workspace), str(sends)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "flushed"  # five batches written, uncommitted
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Warehouse.open(workspace) as warehouse:
        assert count(warehouse, "touchpoints") == 0
        assert count(warehouse, "ingests") == 0
        result = ingest_file(warehouse, get_source("csv"), sends, SENDS)
        assert result.loaded == SENDS_BEFORE_KILL


def test_a_re_export_with_revised_values_updates_rows_in_place(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.csv"
    options = ReadOptions(
        table="activities",
        mapping={
            "native_id": "id",
            "ts": "when",
            "kind": "kind",
            "channel": "channel",
            "impressions": "impressions",
        },
    )
    posts.write_text(
        "id,when,kind,channel,impressions\n1,2026-01-01,post,linkedin,100\n2,2026-01-02,post,linkedin,50\n"
    )
    ingest_file(warehouse, get_source("csv"), posts, options)
    revised = tmp_path / "posts-later.csv"
    revised.write_text(
        "id,when,kind,channel,impressions\n1,2026-01-01,post,linkedin,340\n2,2026-01-02,post,linkedin,50\n"
        "3,2026-01-03,post,linkedin,7\n"
    )
    result = ingest_file(warehouse, get_source("csv"), revised, options)
    assert (result.loaded, result.updated, result.unchanged) == (1, 1, 1)
    rows = warehouse.duckdb.execute(
        "SELECT native_id, impressions, ingest_id FROM activities ORDER BY native_id"
    ).fetchall()
    assert rows == [("1", 340, 2), ("2", 50, 1), ("3", 7, 2)]
