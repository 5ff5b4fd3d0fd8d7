"""The dashboard's state: measured in the background, stale while revalidating, retried."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from outcomes.briefing.build import BriefingOptions
from outcomes.plan.errors import PlanError
from outcomes.web import create_app
from outcomes.web.context import Dashboard
from outcomes.web.state import DashboardState
from outcomes.workspace import WorkspaceError
from tests.web.conftest import serve


class Workspace:
    """A fake workspace: a fingerprint to change and a loader to script."""

    def __init__(self) -> None:
        self.fingerprint = "one"
        self.looks = 0
        self.loads: list[str] = []
        self.fail: Exception | None = None
        self.gate = threading.Event()
        self.gate.set()

    def look(self, *_: Any) -> str:
        self.looks += 1
        return self.fingerprint

    def load(self, *_: Any) -> Any:
        seen = self.fingerprint
        self.loads.append(seen)
        assert self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        return SimpleNamespace(
            fingerprint=seen, generated_at=dt.datetime.now(dt.UTC), as_of=dt.date(2026, 12, 31)
        )

    def state(self, **kwargs: Any) -> DashboardState:
        options = {"check_interval": 0.0, **kwargs}
        return DashboardState(
            Path("ws"), Path("ws/plan.yaml"), BriefingOptions(),
            loader=self.load, fingerprinter=self.look, **options,
        )  # fmt: skip


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def shown(state: DashboardState) -> str | None:
    snapshot = state.snapshot()
    return None if snapshot is None else snapshot.fingerprint


def test_a_change_is_measured_in_the_background_while_the_old_numbers_are_shown() -> None:
    ws = Workspace()
    state = ws.state()
    assert state.wait_ready(5) and shown(state) == "one"
    ws.gate.clear()
    ws.fingerprint = "two"
    state.poll()
    until(lambda: ws.loads == ["one", "two"])
    status = state.status()
    assert status.refreshing and status.fingerprint == "one" and shown(state) == "one"
    ws.gate.set()
    until(lambda: shown(state) == "two")
    assert not state.status().refreshing
    state.poll()
    assert ws.loads == ["one", "two"], "an unchanged workspace is not measured again"


def test_a_locked_warehouse_keeps_the_old_numbers_and_is_tried_again() -> None:
    ws = Workspace()
    state = ws.state(retry_interval=0.3)
    assert state.wait_ready(5)
    # What the face raises when the warehouse is busy.
    ws.fail = WorkspaceError(
        "cannot open the warehouse: Could not set lock on file", transient=True
    )
    ws.fingerprint = "two"
    state.poll()
    until(lambda: state.status().error is not None)
    assert "trying again" in (state.status().error or "") and shown(state) == "one"
    state.poll()
    assert len(ws.loads) == 2, "not before the retry interval"
    ws.fail = None
    time.sleep(0.35)
    state.poll()
    until(lambda: shown(state) == "two")
    assert state.status().error is None


def test_an_unreadable_plan_waits_for_the_next_change() -> None:
    ws = Workspace()
    state = ws.state(retry_interval=0.0)
    assert state.wait_ready(5)
    ws.fail = PlanError.single("plan.yaml", None, "goals: required")
    ws.fingerprint = "broken"
    state.poll()
    until(lambda: state.status().error is not None)
    assert state.status().error == "the plan cannot be read: plan.yaml: goals: required"
    for _ in range(5):
        state.poll()
        time.sleep(0.01)
    assert ws.loads == ["one", "broken"]
    ws.fail = None
    ws.fingerprint = "fixed"
    state.poll()
    until(lambda: shown(state) == "fixed")


def test_the_workspace_is_looked_at_most_once_a_second() -> None:
    ws = Workspace()
    state = ws.state(check_interval=1.0)
    assert state.wait_ready(5)
    looks = ws.looks
    for _ in range(50):
        state.snapshot()
        state.status()
    assert ws.looks == looks


def test_pages_answer_503_with_retry_after_until_the_first_measurement(tmp_path: Path) -> None:
    ws = Workspace()
    ws.gate.clear()
    app = create_app(tmp_path)
    app.state.dashboard = Dashboard(state=ws.state(), read_only=True)
    # Without the lifespan, the first request starts the measurement.
    with serve(app, lifespan="off") as client:
        check_measuring(client)
    ws.gate.set()


def check_measuring(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in response.text
    assert "Measuring" in response.text
    api = client.get("/api/overview")
    assert api.status_code == 503 and api.headers["retry-after"] == "2"
    status = client.get("/api/status").json()
    assert status["ready"] is False and status["refreshing"] is True


def test_a_plan_that_cannot_be_read_is_shown_as_the_reason(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("version: 1\norganisation: {name: <b>Acme</b>}\n")
    with serve(create_app(tmp_path)) as client:
        until(lambda: client.get("/api/status").json()["error"] is not None)
        response = client.get("/goals")
        assert response.status_code == 503
        assert "The workspace cannot be measured" in response.text
        assert "the plan cannot be read: " in response.text
        assert "<b>Acme" not in response.text
        assert client.get("/api/goals").json()["detail"].startswith("the plan cannot be read")
    assert not (tmp_path / ".outcomes" / "warehouse.duckdb").exists()


@pytest.mark.parametrize("path", ["/", "/api/overview"])
def test_a_crash_is_a_500_without_a_traceback(tmp_path: Path, path: str) -> None:
    ws = Workspace()
    app = create_app(tmp_path)
    app.state.dashboard = Dashboard(state=ws.state(), read_only=True)
    assert app.state.dashboard.state.wait_ready(5)
    # The fake briefing has no numbers: building the page fails, as a bug would.
    with serve(app, lifespan="off") as client:
        response = client.get(path)
    assert response.status_code == 500
    assert "Traceback" not in response.text and "AttributeError" in response.text
