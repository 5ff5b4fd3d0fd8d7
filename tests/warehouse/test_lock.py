"""A warehouse another process holds: commands wait for it, then name the holder.

Holders and commands are real processes: a `python -c` that opens the warehouse (as the
dashboard would, or with DuckDB alone) and keeps it until its standard input closes, and
`python -m outcomes ...` commands.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.warehouse.connection import Warehouse, WarehouseLockedError
from outcomes.warehouse.locking import describe_argv, holders_folder
from outcomes.workspace import init_workspace

TIMEOUT = 300  # seconds; only against a hung process, never a measure of speed

CONFIG = """\
[csv.newsletter]
files = ["exports/newsletter-*.csv"]
table = "touchpoints"
[csv.newsletter.columns]
journey_id = "Email"
ts = "Sent at"
utm_campaign = "Campaign"
"""

# Opens the workspace's warehouse as `outcomes serve` would, and keeps it until stdin closes.
HOLD_AS_DASHBOARD = """
import sys
from pathlib import Path
workspace = sys.argv[1]
sys.argv = [str(Path(sys.executable).with_name("outcomes")), "serve", "-w", workspace]
from outcomes.warehouse.connection import Warehouse
warehouse = Warehouse.open(Path(workspace))
print("held", flush=True)
sys.stdin.read()
warehouse.close()
"""

# Holds DuckDB's lock with DuckDB alone: no record of who it is.
HOLD_WITH_DUCKDB = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.read()
connection.close()
"""

# Writes a table, then dies without closing: the rows are only in the write-ahead log.
DIE_WRITING = """
import os, signal, sys, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("CREATE TABLE written_before_dying AS SELECT range AS n FROM range(10)")
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path, example="northwind")
    (tmp_path / "outcomes.toml").write_text(CONFIG)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "newsletter-1.csv").write_text(
        "Email,Sent at,Campaign\na@x.com,2026-03-02 09:00,newsletter\n"
    )
    Warehouse.open(tmp_path).close()
    return tmp_path


def database(workspace: Path) -> Path:
    return workspace / ".outcomes" / "warehouse.duckdb"


@contextmanager
def held(script: str, argument: Path) -> Iterator[subprocess.Popen[str]]:
    """A process holding the warehouse until the block ends."""
    with subprocess.Popen(
        [sys.executable, "-c", script, str(argument)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "held"
            yield holder
        finally:
            holder.stdin.close()
            holder.wait(TIMEOUT)


def outcomes(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outcomes", *args],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def ingest_args(workspace: Path, *more: str) -> list[str]:
    export = workspace / "exports" / "newsletter-1.csv"
    return ["ingest", "csv", str(export), "-w", str(workspace), "--format", "json", *more]


def assert_one_clear_line(stderr: str, expected: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {expected}"], stderr
    for raw in ("Could not set lock", "Conflicting lock", "IO Error", "Traceback"):
        assert raw not in stderr


def test_a_held_warehouse_fails_after_the_wait_and_names_the_dashboard(workspace: Path) -> None:
    with held(HOLD_AS_DASHBOARD, workspace) as holder:
        result = outcomes(*ingest_args(workspace, "--wait", "1"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_clear_line(
        result.stderr,
        f"the dashboard (outcomes serve, PID {holder.pid}) holds the warehouse; waited 1 s; "
        "try again when it is done or pass --wait 60",
    )
    # The holder's record went with it.
    assert not list(holders_folder(database(workspace)).glob("*.json"))


def test_every_command_that_reads_the_warehouse_waits_and_names_the_holder(
    workspace: Path,
) -> None:
    plan = str(workspace / "plan.yaml")
    commands = [
        ["status", "-w", str(workspace), "--refresh"],
        ["report", "-w", str(workspace), "--refresh"],
        ["scorecard", "-w", str(workspace), "--plan", plan],
        ["roi", "-w", str(workspace), "--plan", plan, "--bootstrap", "0"],
        ["attribute", "-w", str(workspace)],
        ["unplanned", "-w", str(workspace), "--plan", plan],
    ]
    runner = CliRunner()
    with held(HOLD_AS_DASHBOARD, workspace) as holder:
        for command in commands:
            result = runner.invoke(app, [*command, "--wait", "0"])
            assert result.exit_code == 2, (command, result.output)
            assert_one_clear_line(
                result.stderr,
                f"the dashboard (outcomes serve, PID {holder.pid}) holds the warehouse; "
                "try again when it is done, or pass --wait 60 to wait for it",
            )


def test_a_command_waits_for_the_holder_and_succeeds_once_it_lets_go(workspace: Path) -> None:
    with held(HOLD_AS_DASHBOARD, workspace) as holder:
        command = [sys.executable, "-m", "outcomes", *ingest_args(workspace, "--wait", "120")]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as waiter:
            assert waiter.stderr is not None and waiter.stdout is not None
            # It says that it waits, and for whom, before the holder lets go.
            assert waiter.stderr.readline().strip() == (
                f"waiting up to 120 s for the dashboard (outcomes serve, PID {holder.pid}) "
                "to let go of the warehouse…"
            )
            assert waiter.poll() is None
            assert holder.stdin is not None
            holder.stdin.close()
            assert waiter.wait(TIMEOUT) == 0, waiter.stderr.read()
            [summary] = json.loads(waiter.stdout.read())
    assert summary["loaded"] == 1


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_a_holder_without_a_record_is_named_by_its_command_line_not_by_a_stale_record(
    workspace: Path,
) -> None:
    # A dashboard killed while it held the warehouse leaves its record behind.
    with held(HOLD_AS_DASHBOARD, workspace) as killed:
        killed.send_signal(signal.SIGKILL)
        killed.wait(TIMEOUT)
    assert list(holders_folder(database(workspace)).glob(f"{killed.pid}-*.json"))
    with held(HOLD_WITH_DUCKDB, database(workspace)) as holder:
        result = outcomes(*ingest_args(workspace, "--wait", "0"))
    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    python = re.escape(Path(sys.executable).name)
    assert re.fullmatch(
        rf"error: {python} -c import sys, duckdb connection = .*… \(PID {holder.pid}\) holds "
        r"the warehouse; try again when it is done, or pass --wait 60 to wait for it",
        line,
    ), line
    assert "dashboard" not in result.stderr
    # The next process to hold the warehouse sweeps the dead one's record.
    Warehouse.open(workspace).close()
    assert not list(holders_folder(database(workspace)).glob("*.json"))


def test_a_snapshot_holds_no_lock_while_it_is_measured(workspace: Path) -> None:
    with Warehouse.snapshot(workspace) as snapshot:
        result = outcomes(*ingest_args(workspace, "--wait", "0"))
        assert result.returncode == 0, result.stderr
        # The copy is the state it was taken in; the ingest went to the real file.
        assert snapshot.duckdb.execute("SELECT count(*) FROM touchpoints").fetchone() == (0,)
        copy = Path(snapshot.url.removeprefix("duckdb://"))
        assert copy.is_file() and copy.parent.parent == database(workspace).parent.resolve()
    assert not copy.parent.exists(), "the copy is removed on close"
    with Warehouse.open(workspace) as warehouse:
        assert warehouse.duckdb.execute("SELECT count(*) FROM touchpoints").fetchone() == (1,)


def test_a_snapshot_waits_for_a_writer_and_then_names_it(workspace: Path) -> None:
    with held(HOLD_AS_DASHBOARD, workspace) as holder, pytest.raises(WarehouseLockedError) as err:
        Warehouse.snapshot(workspace, wait=0.5)
    assert err.value.holder == f"the dashboard (outcomes serve, PID {holder.pid})"
    assert str(err.value).endswith("waited 0.5 s; try again when it is done or pass --wait 60")
    leftovers = list(database(workspace).parent.glob("warehouse.duckdb.snapshot-*"))
    assert leftovers == [], "a failed snapshot leaves no copy"


def test_a_snapshot_holds_what_a_killed_writer_committed(workspace: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", DIE_WRITING, str(database(workspace))], timeout=TIMEOUT, check=False
    )
    assert database(workspace).with_name("warehouse.duckdb.wal").exists()
    with Warehouse.snapshot(workspace) as snapshot:
        rows = snapshot.duckdb.execute("SELECT count(*) FROM written_before_dying").fetchone()
    assert rows == (10,)


def test_a_snapshot_left_by_a_killed_process_is_removed(workspace: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", "pass"]) as gone:
        gone.wait(TIMEOUT)
    left = database(workspace).parent / f"warehouse.duckdb.snapshot-{gone.pid}-x"
    left.mkdir()
    (left / "warehouse.duckdb").write_bytes(b"copy")
    mine = database(workspace).parent / f"warehouse.duckdb.snapshot-{os.getpid()}-y"
    mine.mkdir()
    Warehouse.snapshot(workspace).close()
    assert not left.exists()
    assert mine.exists(), "a live process's snapshot is its own"


@pytest.mark.parametrize(
    ("argv", "described"),
    [
        (["/venv/bin/outcomes", "serve", "-w", "ws"], ("outcomes serve", "the dashboard")),
        (["python3", "-m", "outcomes", "ingest", "--auto", "x"], ("outcomes ingest", "an ingest")),
        (["/src/outcomes/__main__.py", "report", "-o", "r.pdf"], ("outcomes report", None)),
        (["/venv/bin/outcomes", "fetch", "mastodon"], ("outcomes fetch", None)),
        (["/usr/bin/duckdb", "warehouse.duckdb"], ("duckdb warehouse.duckdb", None)),
        (["python", "-c", "x = 1\n" * 40], ("python -c " + "x = 1 " * 8 + "x…", None)),
    ],
)
def test_processes_are_described_by_what_they_run(
    argv: list[str], described: tuple[str, str | None]
) -> None:
    assert describe_argv(argv) == described
