"""What a request needs from the app: the dashboard's state and the current views."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from outcomes.web.state import DashboardState, StateStatus
from outcomes.web.views import Views


class NotReadyError(Exception):
    """No briefing to show yet: the first measurement is under way (or failed)."""

    def __init__(self, status: StateStatus) -> None:
        super().__init__(status.error or "measuring")
        self.status = status


@dataclass(frozen=True)
class Dashboard:
    """The app's own state, kept on `app.state.dashboard`."""

    state: DashboardState
    read_only: bool


def dashboard(request: Request) -> Dashboard:
    """The dashboard a request is served by."""
    found = request.app.state.dashboard
    if not isinstance(found, Dashboard):  # pragma: no cover - create_app always sets it
        raise TypeError("app.state.dashboard is not set: build the app with create_app")
    return found


def current_views(request: Request) -> Views:
    """The views of the snapshot shown now; NotReadyError until the first one is measured."""
    state = dashboard(request).state
    snapshot = state.snapshot()
    if snapshot is None:
        raise NotReadyError(state.status())
    return snapshot.memo(("views",), lambda: Views(snapshot))
