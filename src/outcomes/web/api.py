"""The JSON API: each page's view, as documented in `/api/openapi.json`.

Responses are the page views (`web.schemas`) serialised once per briefing and kept, so
an API call costs what sending the bytes costs. A stored number that cannot be shown (NaN,
infinity, beyond ±1e15) is written null and its path listed under `invalid_values`
(`web.invalid`): JSON has no NaN, and a client must not mistake it for a missing value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from outcomes.briefing.explorer import BY_CHOICES
from outcomes.web.access import needs
from outcomes.web.context import current_views, dashboard
from outcomes.web.explorer import EXPLORER_MODELS, PERIOD_PATTERN
from outcomes.web.invalid import checked
from outcomes.web.schemas import (
    AttributionView,
    ConversationView,
    GoalDetail,
    GoalsView,
    LintView,
    PilotsView,
    SourcesView,
    StatusView,
    StrategyMapView,
    TacticDetail,
    TacticsView,
)
from outcomes.web.store import Role
from outcomes.web.views import Views
from outcomes.workspace.documents import dumps
from outcomes.workspace.overview import Overview

if TYPE_CHECKING:
    from outcomes.briefing import Briefing


class ErrorOut(BaseModel):
    """An error: what is wrong and, where it helps, what is valid."""

    detail: str


JSON: Final = "application/json"
NOT_FOUND: Final[dict[int | str, dict[str, Any]]] = {404: {"model": ErrorOut}}
NOT_READY: Final[dict[int | str, dict[str, Any]]] = {
    503: {"model": ErrorOut, "description": "The first measurement is under way."}
}

router = APIRouter(prefix="/api", responses=NOT_READY)


def _json(views: Views, view: BaseModel) -> Response:
    return Response(checked(views, view).body, media_type=JSON)


@router.get("/status", response_model=StatusView, responses={503: {}})
@needs(Role.VIEWER)
def status(request: Request) -> StatusView:
    """Where the numbers stand: the state measured, whether a refresh is under way."""
    board = dashboard(request)
    s = board.state.status()
    return StatusView(
        ready=s.ready,
        refreshing=s.refreshing,
        fingerprint=s.fingerprint,
        workspace_fingerprint=s.workspace_fingerprint,
        generated_at=s.generated_at,
        as_of=s.as_of,
        error=s.error,
        checked_at=s.checked_at,
        read_only=board.read_only,
    )


@router.get("/overview", response_model=Overview)
@needs(Role.VIEWER)
def overview(request: Request) -> Response:
    """Page one: goals, ROI by tactic, what needs a decision, pilots."""
    views = current_views(request)
    return _json(views, views.overview())


@router.get("/goals", response_model=GoalsView)
@needs(Role.VIEWER)
def goals(request: Request) -> Response:
    """Every business goal and its pacing."""
    views = current_views(request)
    return _json(views, views.goals())


@router.get("/goals/{goal_id}", response_model=GoalDetail, responses=NOT_FOUND)
@needs(Role.VIEWER)
def goal(request: Request, goal_id: str) -> Response:
    """One goal with the strategies and tactics serving it and their ROI."""
    views = current_views(request)
    view = views.goal(goal_id)
    if view is None:
        raise HTTPException(404, f"The plan has no goal {goal_id!r}.")
    return _json(views, view)


@router.get("/strategy-map", response_model=StrategyMapView)
@needs(Role.VIEWER)
def strategy_map(request: Request) -> Response:
    """Goals, strategies and tactics with their status; the drawing is /strategy-map.svg."""
    views = current_views(request)
    return _json(views, views.strategy_map())


@router.get("/tactics", response_model=TacticsView)
@needs(Role.VIEWER)
def tactics(request: Request) -> Response:
    """Every tactic with its headline ROI and status."""
    views = current_views(request)
    return _json(views, views.tactics())


@router.get("/tactics/{tactic_id}", response_model=TacticDetail, responses=NOT_FOUND)
@needs(Role.VIEWER)
def tactic(request: Request, tactic_id: str) -> Response:
    """One tactic: implementation plan, benchmarks, cadence, conversation, content, ROI."""
    views = current_views(request)
    view = views.tactic(tactic_id)
    if view is None:
        raise HTTPException(404, f"The plan has no tactic {tactic_id!r}.")
    return _json(views, view)


@router.get("/attribution", response_model=AttributionView, responses={400: {"model": ErrorOut}})
@needs(Role.VIEWER)
def attribution(
    request: Request,
    # The valid values are documented (an enum, a pattern) but checked by the explorer,
    # whose 400 names them, rather than by FastAPI's 422.
    model: str = Query(
        "markov",
        description="An attribution model.",
        json_schema_extra={"enum": list(EXPLORER_MODELS)},
    ),
    by: str = Query(
        "channel", description="Journey steps.", json_schema_extra={"enum": list(BY_CHOICES)}
    ),
    period: str = Query(
        "plan",
        description="`plan` or a quarter of the data, such as 2026-Q1.",
        json_schema_extra={"pattern": PERIOD_PATTERN},
    ),
) -> Response:
    """Credit per channel or tactic under one model and period, and every model compared."""
    views = current_views(request)
    view = views.attribution(model, by, period)
    return _json(views, view)


@router.get("/conversation", response_model=ConversationView)
@needs(Role.VIEWER)
def conversation(request: Request) -> Response:
    """Conversation health per channel and account."""
    views = current_views(request)
    return _json(views, views.conversation())


@router.get("/lint", response_model=LintView)
@needs(Role.VIEWER)
def lint(request: Request) -> Response:
    """The plan's lint findings and health score."""
    views = current_views(request)
    return _json(views, views.lint())


@router.get("/sources", response_model=SourcesView)
@needs(Role.VIEWER)
def sources(request: Request) -> Response:
    """Ingest history, the newest rejected rows and activity no tactic accounts for."""
    views = current_views(request)
    return _json(views, views.sources())


@router.get("/pilots", response_model=PilotsView)
@needs(Role.VIEWER)
def pilots(request: Request) -> Response:
    """Every pilot's verdict."""
    views = current_views(request)
    return _json(views, views.pilots())


@router.get("/briefing", response_model=dict[str, Any])
@needs(Role.VIEWER)
def briefing(request: Request) -> Response:
    """The whole briefing (`Briefing.to_json`, versioned by `schema_version`).

    Numbers that cannot be shown are null, their paths listed under `invalid_values`.
    """
    views = current_views(request)

    def build() -> bytes:
        return dumps(views.briefing.to_json())[0]

    return Response(views.snapshot.memo(("json", "briefing"), build), media_type=JSON)


def _result(
    request: Request, name: str, document: Callable[[Briefing], dict[str, Any]]
) -> Response:
    """One measured result's own JSON (`to_json`): the document `outcomes NAME --format json`
    prints for the dashboard's options, byte for byte in content."""
    views = current_views(request)

    def build() -> bytes:
        return dumps(document(views.briefing))[0]

    return Response(views.snapshot.memo(("json", name), build), media_type=JSON)


@router.get("/roi", response_model=dict[str, Any])
@needs(Role.VIEWER)
def roi(request: Request) -> Response:
    """ROI per tactic, strategy and goal under each model: `outcomes roi --format json`."""
    return _result(request, "roi", lambda briefing: briefing.roi.to_json())


@router.get("/scorecard", response_model=dict[str, Any])
@needs(Role.VIEWER)
def scorecard(request: Request) -> Response:
    """Goals, benchmarks, cadence, conversation…: `outcomes scorecard --format json`."""
    return _result(request, "scorecard", lambda briefing: briefing.scorecard.to_json())


@router.get("/unplanned", response_model=dict[str, Any])
@needs(Role.VIEWER)
def unplanned(request: Request) -> Response:
    """Activity no tactic accounts for: `outcomes unplanned --format json`."""
    return _result(request, "unplanned", lambda briefing: briefing.unplanned.to_json())
