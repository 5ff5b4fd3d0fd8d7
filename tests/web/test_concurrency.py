"""The dashboard measures while the command line ingests and reports: nobody fails.

Everything is a real process: `outcomes serve` on a copy of the demo workspace, and, while
it measures, `outcomes ingest` and `outcomes report`. The dashboard measures a copy of the
warehouse (`Warehouse.snapshot`) and holds the file only while copying it; the commands
wait for each other (a report holds the warehouse while it measures).
"""

from __future__ import annotations

import csv
import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import copy_workspace

TIMEOUT = 300.0  # seconds; only against a hung process, never a measure of speed
EXPORT = "concurrent.csv"
ROWS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`outcomes serve` in its own process."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        port = free_port()
        self.process = subprocess.Popen(
            # Read-only: the anonymous dashboard (with sign-in /api/status would answer 401).
            [sys.executable, "-m", "outcomes", "serve", "-w", str(workspace), "--port", str(port),
             "--read-only"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def status(self) -> dict[str, Any]:
        response = self.client.get("/api/status")
        assert response.status_code == 200, response.text[:300]
        found: dict[str, Any] = response.json()
        return found

    def wait_for(self, predicate: Any, what: str) -> dict[str, Any]:
        """Poll /api/status until `predicate(status)` holds; that status."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert self.process.poll() is None, self.stderr()
            try:
                status = self.status()
            except httpx.TransportError:
                status = None  # not listening yet
            if status is not None and predicate(status):
                return status
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; last status {status}")
            time.sleep(0.1)

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(TIMEOUT)
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def server(demo_workspace: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(copy_workspace(demo_workspace, tmp_path / "ws"))
    try:
        yield running
    finally:
        running.stop()


def write_export(path: Path) -> None:
    """A LinkedIn inbox export (mapped in the demo's outcomes.toml) whose rows all load."""
    header = ["Message ID", "Network", "Profile", "Type", "Author", "Date (UTC)", "Message",
              "Link", "In reply to", "Campaign", "Likes"]  # fmt: skip
    rows = [
        [f"urn:li:share:concurrent-{n}", "LinkedIn", "Concurrent Co", "Post", "Concurrent Co",
         f"2026-06-{n % 28 + 1:02d} 10:00:00", f"post {n}", "", "", "", "1"]
        for n in range(ROWS)
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def measuring(server: Server) -> dict[str, Any]:
    """A status taken while the dashboard measures (after a plan edit, if it was idle)."""
    status = server.wait_for(lambda s: True, "the server to answer")
    if status["refreshing"]:
        return status
    plan = server.workspace / "plan.yaml"
    plan.write_text(plan.read_text("utf-8") + "\n# edited, to be measured again\n", "utf-8")
    return server.wait_for(lambda s: s["refreshing"], "a measurement to start")


def command(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "outcomes", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=TIMEOUT)
    return process.returncode, stderr


def test_ingest_and_report_succeed_while_the_dashboard_measures(server: Server) -> None:
    workspace = server.workspace
    export = workspace / "exports" / "social-inbox" / EXPORT
    write_export(export)
    report = workspace / "concurrent-report.html"
    at_launch = measuring(server)
    ingest = command("ingest", "csv", str(export), "-w", str(workspace), "--wait", "300")
    reporting = command("report", "-w", str(workspace), "-o", str(report), "--wait", "300")
    assert at_launch["refreshing"]
    for name, (code, stderr) in {"ingest": finish(ingest), "report": finish(reporting)}.items():
        assert code == 0, (name, stderr)
        for raw in ("Could not set lock", "Conflicting lock", "Traceback", "error:"):
            assert raw not in stderr, (name, stderr)
    assert report.read_text("utf-8").lstrip().lower().startswith("<!doctype html")
    finished = dt.datetime.now(dt.UTC)
    # The dashboard goes on to show the new data, with no error left. The workspace's
    # fingerprint in the status is the one the dashboard last looked at (at most once a
    # second): only one looked at after the commands ended says the new state is shown.
    server.wait_for(
        lambda s: (
            s["ready"]
            and not s["refreshing"]
            and s["error"] is None
            and dt.datetime.fromisoformat(s["checked_at"]) > finished
            and s["fingerprint"] == s["workspace_fingerprint"]
        ),
        "the dashboard to settle on the new state",
    )
    newest = server.client.get("/api/sources").json()["ingests"][0]
    assert newest["file"].endswith(EXPORT) and newest["rows_loaded"] == ROWS
    # Nothing is left behind: no copies, no records of holders.
    state = workspace / ".outcomes"
    assert not list(state.glob("warehouse.duckdb.snapshot-*"))
    assert not list(state.glob("warehouse.duckdb.holders/*.json"))
