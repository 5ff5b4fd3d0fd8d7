"""Two threads of one process on the warehouse: the dashboard measuring from a snapshot
while it loads a check-in. DuckDB refuses a second connection of another kind in the same
process at once; both sides wait for the other instead of failing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from outcomes.warehouse.connection import Warehouse, WarehouseLockedError
from outcomes.workspace import init_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path, example="northwind")
    Warehouse.open(tmp_path).close()
    return tmp_path


def hold_until(
    open_it: object, ready: threading.Event, release: threading.Event
) -> threading.Thread:
    """A thread that opens the warehouse, says it is ready, and holds it until released."""

    def run() -> None:
        with open_it():  # type: ignore[operator]
            ready.set()
            release.wait(30)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_snapshot_waits_for_a_writer_thread_of_this_process(workspace: Path) -> None:
    ready, release = threading.Event(), threading.Event()
    writer = hold_until(lambda: Warehouse.open(workspace), ready, release)
    assert ready.wait(30)
    # The writer lets go half a second into the snapshot's wait, from another thread.
    threading.Timer(0.5, release.set).start()
    with Warehouse.snapshot(workspace, wait=30) as snapshot:  # waits, then copies
        assert snapshot.duckdb.execute("SELECT 1").fetchone() == (1,)
    writer.join(30)


def test_a_bounded_wait_for_a_writer_thread_ends_as_locked(workspace: Path) -> None:
    ready, release = threading.Event(), threading.Event()
    writer = hold_until(lambda: Warehouse.open(workspace), ready, release)
    assert ready.wait(30)
    try:
        with pytest.raises(WarehouseLockedError):
            Warehouse.snapshot(workspace, wait=0.2)  # a bounded wait still ends
    finally:
        # Held until now (not for a fixed time), so the wait surely ended while it was held.
        release.set()
    writer.join(30)
