"""Weekly check-ins over the web: a form per tactic, the tactic's check-ins, a weekly overview.

Served only with sign-in. Operators (and the roles above) record a check-in for a tactic
from a server-rendered form carrying its CSRF token; problems (a confidence out of 1–10, a
negative count, an unknown tactic, a closed week) are shown inline next to what was typed,
which is kept. Who sees check-ins: operators, strategists and admins see every tactic's; a
viewer sees those of the tactics they are accountable for (their user name is the plan
person's id or name). Each save goes through the store (audit-logged) and, in the same
transaction, the workspace (`Workspace.record_checkin`), so its counts count for cadence.
Pages are `no-store`: they change with every check-in, not with the measured snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcomes.catalog.checkin_counts import CHECKIN_COUNTS
from outcomes.plan import Plan, PlanError, Tactic
from outcomes.web.access import needs
from outcomes.web.auth import CSRF_FIELD, Form, Principal, auth_config, client_ip, csrf_form
from outcomes.web.auth import principal as principal_of
from outcomes.web.context import dashboard
from outcomes.web.render import render
from outcomes.web.store import Role, StoreError
from outcomes.web.store.checkins import (
    Checkin,
    CheckinEntry,
    CheckinRefusedError,
    Checkins,
    offered,
    open_weeks,
    week_of,
)
from outcomes.workspace import Workspace, WorkspaceError

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NO_STORE: Final = {"Cache-Control": "no-store"}
TREND_WEEKS: Final = 8
COUNT_FIELD: Final = "count-"
CheckedForm = Annotated[Form, Depends(csrf_form)]


@dataclass(frozen=True)
class TacticRow:
    """One tactic on the weekly overview."""

    tactic: Tactic
    checkins: list[Checkin]
    trend: list[tuple[dt.date, float | None]]
    """Mean confidence per week, oldest first (None: nobody checked in)."""


def _workspace(request: Request) -> Workspace:
    state = dashboard(request).state
    return Workspace.open(state.workspace, plan=state.plan_file)


def _plan(request: Request) -> Plan:
    try:
        return _workspace(request).plan.plan
    except PlanError as exc:
        raise HTTPException(409, f"the plan cannot be read, so no check-in either: {exc}") from None


def _signed_in(request: Request) -> Principal:
    found = principal_of(request)
    if found is None:  # the middleware sends anonymous requests to sign in first
        raise HTTPException(401, "sign in first")
    return found


def _may_see(who: Principal, plan: Plan, tactic: Tactic) -> bool:
    """Operators and up see every tactic's check-ins; anyone its accountable person's."""
    if who.role.includes(Role.OPERATOR):
        return True
    names = {who.name.casefold()}
    people = {person.id: person for person in plan.people}
    for person_id in tactic.accountable:
        person = people.get(person_id)
        if person_id.casefold() in names or (person and person.name.casefold() in names):
            return True
    return False


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    who = _signed_in(request)
    html = render(
        template,
        {
            "principal": who,
            "csrf_field": CSRF_FIELD,
            "csrf": who.csrf,
            "count_labels": CHECKIN_COUNTS,
            "count_field": COUNT_FIELD,
            "may_check_in": who.role.includes(Role.OPERATOR),
            "active": "/checkins",
            **context,
        },
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


@router.get("/checkins")
@needs(Role.VIEWER)
def overview(request: Request, week: str = "") -> Response:
    """The week's check-ins per tactic, the confidence trend and the open blockers."""
    who, plan = _signed_in(request), _plan(request)
    today = dt.datetime.now(dt.UTC).date()
    shown = _week_asked(week, today)
    book = Checkins(auth_config(request).store)
    first = shown - dt.timedelta(weeks=TREND_WEEKS - 1)
    recent = [c for c in book.since(first) if c.week <= shown]
    rows = [
        TacticRow(tactic, [c for c in recent if c.tactic == tactic.id and c.week == shown],
                  _trend(tactic.id, recent, first))
        for tactic in plan.tactics
        if _may_see(who, plan, tactic)
    ]  # fmt: skip
    seen = {row.tactic.id for row in rows}
    blockers = [c for c in recent if c.blocker and c.week in open_weeks(today) and c.tactic in seen]
    return _page(
        request, "checkins.html.j2", title="Check-ins", rows=rows, week=shown,
        previous=shown - dt.timedelta(weeks=1), following=shown + dt.timedelta(weeks=1),
        blockers=blockers, tactics=plan.tactics, weeks=open_weeks(today), errors={},
        entered={},
    )  # fmt: skip


def _week_asked(text: str, today: dt.date) -> dt.date:
    if not text:
        return week_of(today)
    try:
        return week_of(dt.date.fromisoformat(text))
    except ValueError:
        raise HTTPException(400, f"week={text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _trend(
    tactic: str, recent: Sequence[Checkin], first: dt.date
) -> list[tuple[dt.date, float | None]]:
    weeks = [first + dt.timedelta(weeks=n) for n in range(TREND_WEEKS)]
    out: list[tuple[dt.date, float | None]] = []
    for week in weeks:
        scores = [c.confidence for c in recent if c.tactic == tactic and c.week == week]
        out.append((week, sum(scores) / len(scores) if scores else None))
    return out


@router.get("/checkins/{tactic_id}")
@needs(Role.VIEWER)
def tactic_page(request: Request, tactic_id: str) -> Response:
    """A tactic's check-ins, newest week first, and (for operators) the form to add one."""
    who, plan = _signed_in(request), _plan(request)
    tactic = _tactic(plan, tactic_id)
    if tactic is None:
        raise HTTPException(404, f"There is no tactic {tactic_id!r} in the plan.")
    if not _may_see(who, plan, tactic):
        raise HTTPException(403, "only operators and the tactic's accountable person see these")
    return _tactic_page(request, plan, tactic)


def _tactic_page(
    request: Request,
    plan: Plan,
    tactic: Tactic,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    entered: Mapping[str, str] | None = None,
) -> HTMLResponse:
    who = _signed_in(request)
    today = dt.datetime.now(dt.UTC).date()
    store = auth_config(request).store
    book = Checkins(store)
    user = store.user(who.name)
    own = book.find(tactic.id, week_of(today), user) if user is not None else None
    return _page(
        request, "checkin_tactic.html.j2", status, title=f"Check-ins: {tactic.title}",
        tactic=tactic, checkins=book.of_tactic(tactic.id), offered=offered(tactic),
        weeks=open_weeks(today), errors=errors or {}, entered=entered or _entered(own),
    )  # fmt: skip


def _entered(own: Checkin | None) -> dict[str, str]:
    """The form's fields, filled with the user's check-in of this week when there is one."""
    if own is None:
        return {}
    fields = {"week": own.week.isoformat(), "done": own.done, "confidence": str(own.confidence)}
    fields["blocker"] = own.blocker or ""
    fields.update({COUNT_FIELD + name: str(count) for name, count in own.counts.items()})
    return fields


def _tactic(plan: Plan, tactic_id: str) -> Tactic | None:
    return next((t for t in plan.tactics if t.id == tactic_id), None)


@router.post("/checkins")
@needs(Role.OPERATOR)
def record(request: Request, form: CheckedForm) -> Response:
    """Save the signed-in operator's check-in; the form again with the problems (400)."""
    who = _signed_in(request)
    if not who.role.includes(Role.OPERATOR):
        raise HTTPException(403, "recording a check-in needs the operator role")
    space = _workspace(request)
    plan = _plan(request)
    tactic = _tactic(plan, form.get("tactic", ""))
    entered = {k: v for k, v in form.items() if k != CSRF_FIELD}
    if tactic is None:
        return _unknown_tactic(request, plan, entered)
    entry, problems = _parse(tactic, form)
    if entry is not None:
        problems = _save(request, who, space, tactic, entry)
    if problems:
        return _tactic_page(request, plan, tactic, 400, problems, entered)
    return RedirectResponse(f"/checkins/{tactic.id}", status_code=303, headers=NO_STORE)


def _unknown_tactic(request: Request, plan: Plan, entered: Mapping[str, str]) -> Response:
    today = dt.datetime.now(dt.UTC).date()
    message = f"there is no tactic {entered.get('tactic', '')!r} in the plan: pick one of the list"
    return _page(
        request, "checkins.html.j2", 400, title="Check-ins", rows=[], week=week_of(today),
        previous=week_of(today) - dt.timedelta(weeks=1), following=week_of(today),
        blockers=[], tactics=plan.tactics, weeks=open_weeks(today),
        errors={"tactic": message}, entered=entered,
    )  # fmt: skip


def _parse(tactic: Tactic, form: Form) -> tuple[CheckinEntry | None, dict[str, str]]:
    """The entry the form describes, or the fields that are not even numbers or dates."""
    problems: dict[str, str] = {}
    week = _number_or_date(form.get("week", ""), dt.date.fromisoformat, "week", problems)
    confidence = _number_or_date(form.get("confidence", ""), int, "confidence", problems)
    counts: dict[str, int] = {}
    for name in offered(tactic):
        text = form.get(COUNT_FIELD + name, "").strip()
        if text:
            parsed = _number_or_date(text, int, name, problems)
            if parsed is not None:
                counts[name] = parsed
    if problems or week is None or confidence is None:
        return None, problems
    blocker = form.get("blocker", "").strip() or None
    return CheckinEntry(tactic.id, week, form.get("done", ""), confidence, counts, blocker), {}


def _number_or_date(text: str, parse: Any, name: str, problems: dict[str, str]) -> Any:
    try:
        return parse(text.strip())
    except ValueError:
        kind = "a date (YYYY-MM-DD)" if name == "week" else "a whole number"
        problems[name] = f"{kind}, not {text[:40]!r}" if text.strip() else f"give {kind}"
        return None


def _save(
    request: Request, who: Principal, space: Workspace, tactic: Tactic, entry: CheckinEntry
) -> dict[str, str]:
    store = auth_config(request).store
    user = store.user(who.name)
    if user is None:
        return {"tactic": "your user is gone from the store; sign in again"}
    try:
        Checkins(store).record(space, user, tactic, entry, ip=client_ip(request.scope))
    except CheckinRefusedError as exc:
        return exc.problems
    except (StoreError, WorkspaceError) as exc:
        return {"tactic": str(exc)}
    return {}
