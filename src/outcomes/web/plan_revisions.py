"""The plan's history in the browser, and executive sign-off.

`/plan/revisions` lists every revision (who, when, why) with its diff; any signed-in user
reads it. A goal's sponsor approves a revision there: the user whose name is the id of an
executive in the plan who sponsors a goal (user `dana` is person `dana`; `outcomes demo`
makes such users). The overview, goals and tactics pages show the newest approved
revision, by whom and when, and mark the goals and tactics changed since (`sign_off`).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcomes.plan import PlanError, load_plan_text
from outcomes.plan.changes import SignOff
from outcomes.web.access import needs
from outcomes.web.auth import (
    CSRF_FIELD,
    Form,
    auth_config,
    client_ip,
    csrf_form,
    expected_csrf,
    require,
)
from outcomes.web.auth import principal as principal_of
from outcomes.web.context import dashboard
from outcomes.web.render import render
from outcomes.web.store import Role, StoreError
from outcomes.web.store.revisions import PlanHistory, Revision, diff

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NO_STORE: Final = {"Cache-Control": "no-store"}
SHOWN: Final = 50
"""Revisions listed on the history page, the newest first."""
CheckedForm = Annotated[Form, Depends(csrf_form)]
GENERATION_INTERVAL: Final = 1.0
"""Seconds an approval made by another process may take to reach kept pages."""


class ApprovalGeneration:
    """The newest approval's id, which kept pages depend on; asked of the store at most
    once per `interval` seconds (a query per kept page would cost more than sending it).

    An approval made through this app is seen at once (`approve` calls `forget`); one made
    through another worker or process within `interval`.
    """

    def __init__(self, history: PlanHistory, interval: float = GENERATION_INTERVAL) -> None:
        self.history = history
        self.interval = interval
        self._lock = threading.Lock()
        self._value: int | None = None
        self._asked = -math.inf

    def __call__(self) -> int | None:
        with self._lock:
            if time.monotonic() - self._asked < self.interval:
                return self._value
        value = self.history.latest_approval_id()
        with self._lock:
            self._value, self._asked = value, time.monotonic()
        return value

    def forget(self) -> None:
        with self._lock:
            self._asked = -math.inf


def history_of(request: Request) -> PlanHistory:
    """The history of the plan this dashboard shows, in the app's store."""
    return PlanHistory(auth_config(request).store, dashboard(request).state.plan_file)


def sign_off(request: Request) -> SignOff | None:
    """The newest approval and what changed since; None when read-only or never approved.

    Kept with the snapshot under the newest approval's id, so it is worked out once per
    plan and approval (the page cache keys pages by that id too: `ApprovalGeneration`).
    """
    if request.app.state.auth is None:
        return None
    history = history_of(request)
    snapshot = dashboard(request).state.snapshot()
    generation = request.app.state.approvals()
    if snapshot is None or generation is None:
        return None
    return snapshot.memo(("sign-off", generation), history.sign_off)


@router.get("/plan/revisions")
@needs(Role.VIEWER)
def revisions(request: Request) -> Response:
    """The newest revisions with their diffs, and the approvals."""
    require(request, Role.VIEWER)
    history = history_of(request)
    history.sync()
    shown = history.revisions(SHOWN)
    parents = {r.number: r for r in shown}
    diffs = {
        r.number: diff(parents.get(r.parent or 0) or history.get(r.parent or 0), r) for r in shown
    }
    return _page(
        request, "plan_revisions.html.j2", title="Plan revisions", revisions=shown, diffs=diffs,
        approvals=history.approvals(), sign_off=history.sign_off(),
    )  # fmt: skip


@router.get("/plan/revisions/{number}")
@needs(Role.VIEWER)
def revision(request: Request, number: int) -> Response:
    """One revision: its diff from its parent, who approved it, and the approve form."""
    require(request, Role.VIEWER)
    return _revision_page(request, number)


def _revision_page(
    request: Request, number: int, status: int = 200, error: str | None = None
) -> Response:
    history = history_of(request)
    newest = history.sync()
    found = history.get(number)
    if found is None:
        raise HTTPException(404, f"There is no plan revision {number}.")
    user = require(request, Role.VIEWER)
    parent = history.get(found.parent) if found.parent else None
    return _page(
        request, "plan_revision.html.j2", status, title=f"Plan revision {number}", revision=found,
        diff_text=diff(parent, found), newest=newest, error=error,
        approvals=[a for a in history.approvals() if a.revision == number],
        sponsored=_sponsored(found, user.name),
    )  # fmt: skip


@router.post("/plan/revisions/{number}/approve")
@needs(Role.VIEWER)
def approve(request: Request, number: int, form: CheckedForm) -> Response:
    """The signed-in sponsor approves revision `number` (logged in the audit log)."""
    user = require(request, Role.VIEWER)
    try:
        history_of(request).approve(number, user=user.name, ip=client_ip(request.scope))
    except StoreError as exc:
        return _revision_page(request, number, 403, str(exc))
    request.app.state.approvals.forget()  # the next page shows it
    return RedirectResponse(f"/plan/revisions/{number}", status_code=303, headers=NO_STORE)


def _sponsored(revision: Revision, user: str) -> list[str]:
    """The goals `user` sponsors as an executive in `revision` (who may approve it)."""
    try:
        plan = load_plan_text(revision.text).plan
    except PlanError:
        return []
    if not any(p.id == user and p.executive for p in plan.people):
        return []
    return [g.id for g in plan.goals if g.sponsor == user]


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = render(
        template,
        {"principal": principal_of(request), "csrf_field": CSRF_FIELD, "csrf": expected_csrf(request),
         "active": "/plan/revisions", **context},
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=NO_STORE)
