"""The dashboard app: FastAPI serving server-rendered pages and their JSON twins.

`create_app` builds it for one workspace. Nothing it serves loads from another origin:
the stylesheet is `/static/dashboard.css`, charts and the strategy map are inline SVG,
FastAPI's Swagger and ReDoc pages (which load from a CDN) are off, and the OpenAPI
document is at `/api/openapi.json` with a plain page listing the endpoints at `/api`. A
Content-Security-Policy that allows no script at all backs up the templates' escaping;
`web.security` sets it on every response and refuses requests for unknown host names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from outcomes import __version__
from outcomes.briefing.build import BriefingOptions
from outcomes.web import charts
from outcomes.web.access import AccessRules
from outcomes.web.auth import AuthConfig, AuthMiddleware, Gate, principal
from outcomes.web.context import Dashboard, NotReadyError
from outcomes.web.explorer import ExplorerError
from outcomes.web.front import DashboardApp, FrontDoor
from outcomes.web.page_cache import KeptAnswers, PageCache
from outcomes.web.render import render
from outcomes.web.security import LOOPBACK, AllowedHosts, SecurityMiddleware
from outcomes.web.state import DashboardState, Snapshot
from outcomes.web.store import StoreError
from outcomes.web.views import Views
from outcomes.workspace import PLAN_FILE

if TYPE_CHECKING:
    from outcomes.web.alerting.scheduler import Scheduler
    from outcomes.web.plan_revisions import ApprovalGeneration

STATIC: Final = Path(__file__).parent / "static"
RETRY_AFTER: Final = 2
"""Seconds a client is asked to wait while the first measurement runs."""


def create_app(
    workspace: Path,
    *,
    plan_file: Path | None = None,
    options: BriefingOptions | None = None,
    read_only: bool = True,
    allowed_hosts: Iterable[str] = LOOPBACK,
    auth: AuthConfig | None = None,
    schedule: bool = False,
) -> FastAPI:
    """The dashboard of `workspace`, measured with `options`.

    The first measurement starts when the app starts (its lifespan) and runs in the
    background; until it is ready pages answer 503 with Retry-After. `read_only` (the
    default) serves everyone without sign-in and changes nothing; otherwise people sign in
    as users of the store (`auth`, by default the workspace's `.outcomes/app.db` or
    `$OUTCOMES_DATABASE_URL`) and each page needs a role (`web.auth`). Requests naming a
    host other than `allowed_hosts` (patterns as `web.security.allowed_hosts` makes them;
    loopback names by default) are refused with 400, against DNS rebinding. `schedule`:
    run the alerts, the weekly digest and the scheduled fetches in a background thread
    while the app runs (`web.alerting.scheduler`).
    """
    state = DashboardState(
        workspace, plan_file or workspace / PLAN_FILE, options or BriefingOptions(), warm=warm
    )

    if not read_only and auth is None:
        from outcomes.web.store import Store

        auth = AuthConfig(Store.for_workspace(workspace))
    signin = None if read_only or auth is None else auth.with_secret()

    scheduler = _scheduler(workspace, plan_file, auth, state.options) if schedule else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.start()
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            state.stop()

    app = DashboardApp(
        title="outcomes dashboard",
        version=__version__,
        description="Whether social media moves the business goals: the dashboard's data.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.dashboard = Dashboard(state=state, read_only=signin is None)
    app.state.scheduler = scheduler
    app.state.auth = signin
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from outcomes.web import account, api, checkins, pages, plan_edit, plan_revisions

    app.include_router(api.router)
    app.include_router(pages.router)
    if signin is not None:
        app.include_router(account.router)
        app.include_router(checkins.router)
        app.include_router(plan_edit.router)
        app.include_router(plan_revisions.router)
    _handle_errors(app)
    app.openapi()  # built once now, not on the first request for /api

    # Made once and shared by the middlewares and the front door, so that both decide alike.
    app.state.approvals = None if signin is None else _approvals(signin, state)
    kept = KeptAnswers(state, generation=app.state.approvals)
    gate = Gate(signin, AccessRules(app.routes))
    hosts = AllowedHosts(allowed_hosts)
    # Inside the security middleware, so kept answers get its headers and its host check.
    app.add_middleware(PageCache, kept=kept)
    # Outside the page cache, so a kept page is only sent to whom it may be shown.
    app.add_middleware(AuthMiddleware, gate=gate, error=_error)
    # Outermost: its headers reach every response, its 500 every unhandled exception.
    app.add_middleware(SecurityMiddleware, hosts=hosts, error=_error)
    # Before all of them: a kept page, for whom the gate clears, on a host served.
    app.front = FrontDoor(hosts, gate, kept)
    return app


def _scheduler(
    workspace: Path, plan_file: Path | None, auth: AuthConfig | None, options: BriefingOptions
) -> Scheduler:
    """The scheduler on the sign-in's store, or (read-only) the workspace's own."""
    from outcomes.web.alerting.scheduler import Scheduler
    from outcomes.web.store import Store

    store = auth.store if auth is not None else Store.for_workspace(workspace)
    return Scheduler(workspace, store, plan_file=plan_file, options=options)


def _approvals(signin: AuthConfig, state: DashboardState) -> ApprovalGeneration:
    """What kept pages also depend on besides the snapshot: the newest plan approval."""
    from outcomes.web.plan_revisions import ApprovalGeneration
    from outcomes.web.store.revisions import PlanHistory

    return ApprovalGeneration(PlanHistory(signin.store, state.plan_file))


def warm(snapshot: Snapshot) -> None:
    """Build every page's view and chart of a new snapshot before it is shown."""
    views = snapshot.memo(("views",), lambda: Views(snapshot))
    views.overview()
    views.goals()
    for goal in views.briefing.plan.goals:
        views.goal(goal.id)
    views.tactics()
    for tactic in views.briefing.plan.tactics:
        views.tactic(tactic.id)
    views.strategy_map()
    views.strategy_map_svg()
    views.attribution()
    views.conversation()
    views.lint()
    views.sources()
    views.pilots()
    charts.warm(views)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    context = {"code": status, "title": title, "message": message, "principal": principal(request)}
    html = render("error.html.j2", context)
    return HTMLResponse(html, status_code=status)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(NotReadyError)
    async def not_ready(request: Request, exc: NotReadyError) -> Response:
        headers = {"Retry-After": str(RETRY_AFTER)}
        status = exc.status
        if _wants_json(request):
            message = status.error or "measuring the workspace; try again in a moment"
            return JSONResponse({"detail": message}, status_code=503, headers=headers)
        html = render(
            "measuring.html.j2", {"status": status, "retry": RETRY_AFTER, "title": "Measuring"}
        )
        return HTMLResponse(html, status_code=503, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        response = _error(request, exc.status_code, titles.get(exc.status_code, "Error"), message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        # What a route does not answer itself (the plan file gone from under the history
        # pages, the app's database unreadable): the reason in a page, not a traceback.
        return _error(request, 503, "Service unavailable", str(exc))

    @app.exception_handler(ExplorerError)
    async def bad_query(request: Request, exc: ExplorerError) -> Response:
        return _error(request, 400, "Bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return _error(request, 422, "Invalid request", problems or "invalid request")
