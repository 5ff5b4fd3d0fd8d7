"""The dashboard's pages: server-rendered HTML, one route per page, no script.

Each page renders the view its `/api/` twin returns (`web.views`), inside a layout that
says how old the numbers are and whether newer ones are being measured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import BaseModel

from outcomes.web import charts
from outcomes.web.access import ANYONE, needs
from outcomes.web.auth import principal
from outcomes.web.context import current_views, dashboard
from outcomes.web.invalid import checked
from outcomes.web.plan_revisions import sign_off
from outcomes.web.render import Formats, render
from outcomes.web.store import Role
from outcomes.web.views import Views
from outcomes.workspace.overview import Meta

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

SVG_MEDIA_TYPE = "image/svg+xml"


def page(
    request: Request,
    template: str,
    *,
    views: Views,
    meta: Meta,
    title: str,
    active: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the dashboard's layout; a notice names the view's invalid numbers."""
    shown = context.get("v")
    invalid = checked(views, shown).paths if isinstance(shown, BaseModel) else ()
    html = render(
        template,
        {
            "title": title,
            "active": active,
            "meta": meta,
            "status": dashboard(request).state.status(),
            "read_only": dashboard(request).read_only,
            "principal": principal(request),
            "fmt": views.snapshot.memo(
                ("formats",), lambda: Formats(views.briefing.plan, views.briefing.currency)
            ),
            "chart": lambda name: charts.chart(views, name),
            "invalid_values": invalid,
            "api_twin": _api_twin(request),
            **context,
        },
    )
    return HTMLResponse(html, status_code=status_code)


def _api_twin(request: Request) -> str:
    """The API route that returns this page's view."""
    path = "/api/overview" if request.url.path == "/" else f"/api{request.url.path}"
    return f"{path}?{request.url.query}" if request.url.query else path


def view_page(
    request: Request,
    template: str,
    build: Callable[[Views], Any],
    *,
    title: str,
    active: str,
    **context: Any,
) -> HTMLResponse:
    """A page that shows one view (`build` picks it from the current views) as `v`."""
    views = current_views(request)
    v = build(views)
    return page(
        request, template, views=views, meta=v.meta, v=v, title=title, active=active, **context
    )


@router.get("/")
@needs(Role.VIEWER)
def overview(request: Request) -> HTMLResponse:
    """Page one of the executive report."""
    return view_page(
        request, "overview.html.j2", Views.overview, title="Overview", active="/",
        sign_off=sign_off(request),
    )  # fmt: skip


@router.get("/goals")
@needs(Role.VIEWER)
def goals(request: Request) -> HTMLResponse:
    """Every business goal and its pacing."""
    return view_page(
        request, "goals.html.j2", Views.goals, title="Business goals", active="/goals",
        sign_off=sign_off(request),
    )  # fmt: skip


@router.get("/goals/{goal_id}")
@needs(Role.VIEWER)
def goal(request: Request, goal_id: str) -> HTMLResponse:
    """One goal: pacing, and the strategies and tactics serving it."""
    views = current_views(request)
    v = views.goal(goal_id)
    if v is None:
        raise HTTPException(404, f"The plan has no goal {goal_id!r}.")
    return page(request, "goal.html.j2", views=views, meta=v.meta, v=v,
                title=v.goal.title, active="/goals")  # fmt: skip


@router.get("/strategy-map")
@needs(Role.VIEWER)
def strategy_map(request: Request) -> HTMLResponse:
    """The strategy map coloured by status."""
    views = current_views(request)
    v = views.strategy_map()
    return page(request, "strategy_map.html.j2", views=views, meta=v.meta, v=v,
                svg=Markup(views.strategy_map_svg()), title="Strategy map",
                active="/strategy-map")  # fmt: skip


@router.get("/favicon.ico", include_in_schema=False)
@needs(ANYONE)
def favicon() -> Response:
    """No icon: browsers ask for one when they open the API or the SVG directly."""
    return Response(status_code=204)


@router.get("/strategy-map.svg")
@needs(Role.VIEWER)
def strategy_map_svg(request: Request) -> Response:
    """The strategy map as a standalone SVG file."""
    svg = current_views(request).strategy_map_svg()
    return Response(svg, media_type=SVG_MEDIA_TYPE)


@router.get("/tactics")
@needs(Role.VIEWER)
def tactics(request: Request) -> HTMLResponse:
    """Every tactic with its ROI, cadence and content focus."""
    views = current_views(request)
    v = views.tactics()
    return page(request, "tactics.html.j2", views=views, meta=v.meta, v=v,
                title="Tactics", active="/tactics",
                card=views.briefing.scorecard, titles=views.titles,
                sign_off=sign_off(request))  # fmt: skip


@router.get("/tactics/{tactic_id}")
@needs(Role.VIEWER)
def tactic(request: Request, tactic_id: str) -> HTMLResponse:
    """One tactic: implementation plan and everything measured about it."""
    views = current_views(request)
    v = views.tactic(tactic_id)
    if v is None:
        raise HTTPException(404, f"The plan has no tactic {tactic_id!r}.")
    return page(request, "tactic.html.j2", views=views, meta=v.meta, v=v,
                title=v.tactic.title, active="/tactics")  # fmt: skip


@router.get("/attribution")
@needs(Role.VIEWER)
def attribution(
    request: Request, model: str = "markov", by: str = "channel", period: str = "plan"
) -> HTMLResponse:
    """The attribution explorer (bad values: 400 from the ExplorerError handler)."""
    return view_page(
        request,
        "attribution.html.j2",
        lambda views: views.attribution(model, by, period),
        title="Attribution explorer",
        active="/attribution",
    )


@router.get("/conversation")
@needs(Role.VIEWER)
def conversation(request: Request) -> HTMLResponse:
    """Listening and responding per channel and account."""
    return view_page(
        request,
        "conversation.html.j2",
        Views.conversation,
        title="Conversation",
        active="/conversation",
    )


@router.get("/lint")
@needs(Role.VIEWER)
def lint(request: Request) -> HTMLResponse:
    """The plan's lint findings and health score."""
    return view_page(request, "lint.html.j2", Views.lint, title="Plan lint", active="/lint")


@router.get("/sources")
@needs(Role.VIEWER)
def sources(request: Request) -> HTMLResponse:
    """Ingest history, rejected rows and unplanned activity."""
    return view_page(request, "sources.html.j2", Views.sources, title="Sources", active="/sources")


@router.get("/pilots")
@needs(Role.VIEWER)
def pilots(request: Request) -> HTMLResponse:
    """Every pilot's verdict."""
    return view_page(request, "pilots.html.j2", Views.pilots, title="Pilots", active="/pilots")


@router.get("/api")
@needs(Role.VIEWER)
def api_index(request: Request) -> HTMLResponse:
    """The JSON API's endpoints, listed from its OpenAPI document."""
    views = current_views(request)
    endpoints = api_endpoints(request.app.openapi())
    return page(request, "api.html.j2", views=views, meta=views.meta, endpoints=endpoints,
                title="JSON API", active="/api")  # fmt: skip


def api_endpoints(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Each path of the OpenAPI document with its method, summary and parameters."""
    found = []
    for path, operations in sorted(openapi.get("paths", {}).items()):
        for method, operation in operations.items():
            parameters = [
                {
                    "name": p.get("name", ""),
                    "in": p.get("in", ""),
                    "required": bool(p.get("required")),
                    "default": p.get("schema", {}).get("default"),
                }
                for p in operation.get("parameters", [])
            ]
            found.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "example": "{" not in path,
                }
            )
    return found
