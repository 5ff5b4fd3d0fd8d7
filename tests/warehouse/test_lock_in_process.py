"""Two threads of one process on the warehouse: the dashboard measuring from a snapshot
while it loads a check-in. DuckDB refuses a second connection of another kind in the same
process at once; both sides wait for the other instead of failing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from outcomes.warehouse.connection import Warehouse, WarehouseLockedError
from outcomes.workspace import init_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path, example="northwind")
    Warehouse.open(tmp_path).close()
    return tmp_path


def hold_for(open_it: object, seconds: float, ready: threading.Event) -> threading.Thread:
    def run() -> None:
        with open_it():  # type: ignore[operator]
            ready.set()
            time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_snapshot_waits_for_a_writer_thread_of_this_process(workspace: Path) -> None:
    ready = threading.Event()
    writer = hold_for(lambda: Warehouse.open(workspace), 0.5, ready)
    assert ready.wait(30)
    with Warehouse.snapshot(workspace, wait=30) as snapshot:  # waits, then copies
        assert snapshot.duckdb.execute("SELECT 1").fetchone() == (1,)
    writer.join(30)


def test_a_bounded_wait_for_a_writer_thread_ends_as_locked(workspace: Path) -> None:
    ready = threading.Event()
    writer = hold_for(lambda: Warehouse.open(workspace), 2.0, ready)
    assert ready.wait(30)
    with pytest.raises(WarehouseLockedError):
        Warehouse.snapshot(workspace, wait=0.2)  # a bounded wait still ends
    writer.join(30)
