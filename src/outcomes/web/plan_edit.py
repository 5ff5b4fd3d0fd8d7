"""Editing the plan in the browser: forms for people, goals, strategies and tactics.

Strategists and admins only (`web.auth` refuses `/plan/edit` to lower roles). Every form
is server-rendered, works without script and carries its CSRF token and the revision it
was made from (`base`). A save:

1. applies the form to the newest revision's text with the round-trip writer
   (`plan.edit`), so comments, order and layout stay;
2. loads the would-be text (`plan.load_plan_text`): a problem blocks the save and is
   shown beside its field with the file's line and column;
3. lints it (`lint.check_plan`): findings the plan did not have before are shown beside
   their fields, and the user fixes them or presses "Save anyway";
4. records a revision and writes `plan.yaml` atomically (`PlanHistory.save`, which logs
   it in the audit log); a form made from an older revision is refused with the diff
   of what changed since (409), never written over it.

The dashboard measures the saved plan at once (`DashboardState.poll(force=True)`): the
plan's bytes are part of the workspace's fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcomes.lint import Finding, check_plan
from outcomes.plan import Goal, LoadedPlan, Person, PlanError, Strategy, Tactic, load_plan_text
from outcomes.plan.edit import EditError, add_element, remove_element, set_fields
from outcomes.web.access import needs
from outcomes.web.auth import CSRF_FIELD, Form, client_ip, csrf_form, expected_csrf, require
from outcomes.web.auth import principal as principal_of
from outcomes.web.context import dashboard
from outcomes.web.plan_forms import FIELDS, KINDS, Notes, form_values, place, read_form
from outcomes.web.plan_revisions import history_of
from outcomes.web.render import render
from outcomes.web.store import Role, StoreError
from outcomes.web.store.revisions import OutdatedError, Revision, diff

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NO_STORE: Final = {"Cache-Control": "no-store"}
CheckedForm = Annotated[Form, Depends(csrf_form)]
NEW: Final = ""
"""The element id of the form that adds one."""


def _section(section: str) -> str:
    if section not in FIELDS:
        raise HTTPException(
            404, f"The plan editor has no {section!r}: use one of {', '.join(FIELDS)}."
        )
    return section


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = render(
        template,
        {"principal": principal_of(request), "csrf_field": CSRF_FIELD, "csrf": expected_csrf(request),
         "kinds": KINDS, **context},
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


@router.get("/plan/edit")
@needs(Role.STRATEGIST)
def editor(request: Request) -> Response:
    """Every element of the plan, each with its form's link, and links to add new ones."""
    require(request, Role.STRATEGIST)
    newest = history_of(request).sync()
    try:
        loaded: LoadedPlan | None = load_plan_text(newest.text, _file_name(request))
        problems: list[str] = []
    except PlanError as exc:
        loaded, problems = None, [str(problem) for problem in exc.problems]
    elements = {}
    if loaded is not None:
        elements = {
            section: [(e.id, getattr(e, "title", None) or getattr(e, "name", "")) for e in getattr(loaded.plan, section)]
            for section in FIELDS
        }  # fmt: skip
    return _page(
        request, "plan_editor.html.j2", title="Edit the plan", active="/plan/edit",
        revision=newest, elements=elements, problems=problems,
    )  # fmt: skip


@router.get("/plan/edit/{section}")
@needs(Role.STRATEGIST)
def add_form(request: Request, section: str) -> Response:
    """An empty form for a new person, goal, strategy or tactic."""
    require(request, Role.STRATEGIST)
    newest = history_of(request).sync()
    return _form(request, _section(section), NEW, newest, form_values(section, None))


@router.get("/plan/edit/{section}/{element_id}")
@needs(Role.STRATEGIST)
def edit_form(request: Request, section: str, element_id: str) -> Response:
    """The form of one element, filled with its values in the newest revision."""
    require(request, Role.STRATEGIST)
    newest = history_of(request).sync()
    loaded = _loaded_or_404(request, newest)
    element = _element(loaded, _section(section), element_id)
    values = form_values(section, element.model_dump(mode="python", by_alias=True))
    return _form(request, section, element_id, newest, values)


@router.post("/plan/edit/{section}")
@needs(Role.STRATEGIST)
def add(request: Request, section: str, form: CheckedForm) -> Response:
    require(request, Role.STRATEGIST)
    values = read_form(_section(section), form, new=True)
    new_id = str(values.get("id") or "")
    return _save(
        request, form, section, NEW, lambda text: add_element(text, section, values),
        f"Add {KINDS[section]} {new_id}",
    )  # fmt: skip


@router.post("/plan/edit/{section}/{element_id}")
@needs(Role.STRATEGIST)
def edit(request: Request, section: str, element_id: str, form: CheckedForm) -> Response:
    require(request, Role.STRATEGIST)
    values = read_form(_section(section), form, new=False)
    return _save(
        request, form, section, element_id,
        lambda text: set_fields(text, section, element_id, values),
        f"Edit {KINDS[section]} {element_id}",
    )  # fmt: skip


@router.post("/plan/edit/{section}/{element_id}/remove")
@needs(Role.STRATEGIST)
def remove(request: Request, section: str, element_id: str, form: CheckedForm) -> Response:
    require(request, Role.STRATEGIST)
    return _save(
        request, form, _section(section), element_id,
        lambda text: remove_element(text, section, element_id),
        f"Remove {KINDS[section]} {element_id}",
    )  # fmt: skip


def _save(
    request: Request,
    form: Form,
    section: str,
    element_id: str,
    change: Callable[[str], str],
    default_message: str,
) -> Response:
    """Apply `change` to the newest text; load, lint, then record and write (or say why not)."""
    user = require(request, Role.STRATEGIST)
    history = history_of(request)
    newest = history.sync()
    base = _base(form)
    again = _Again(request, section, element_id, newest, form)
    if base != newest.number:
        return again.outdated(diff(history.get(base or 0), newest))
    try:
        text = change(newest.text)
    except EditError as exc:
        return again(400, Notes({}, [str(exc)]))
    index = _index(newest, section, element_id)
    try:
        loaded = load_plan_text(text, _file_name(request))
    except PlanError as exc:
        return again(400, place(section, index, problems=exc.problems))
    added = _new_findings(newest, loaded)
    if added and not form.get("save_anyway"):
        return again(
            200, place(section, index, findings=added), diff_text=_diff(newest, text), lint=True
        )
    message = form.get("message", "").strip() or default_message
    try:
        saved = history.save(
            text, base=base, author=user.name, message=message, ip=client_ip(request.scope)
        )
    except OutdatedError as exc:
        return again.outdated(exc.diff)
    except StoreError as exc:
        return again(500, Notes({}, [str(exc)]))
    dashboard(request).state.poll(force=True)  # measure the new plan now, not in a second
    return RedirectResponse(f"/plan/revisions/{saved.number}", status_code=303, headers=NO_STORE)


class _Again:
    """The form shown again with what the user entered and why it was not saved."""

    def __init__(
        self, request: Request, section: str, element_id: str, newest: Revision, form: Form
    ) -> None:
        self.request, self.section, self.element_id = request, section, element_id
        self.newest, self.form = newest, form

    def __call__(self, status: int, notes: Notes, **context: Any) -> Response:
        values = {field.key: self.form.get(field.key, "") for field in FIELDS[self.section]}
        if self.element_id != NEW:
            values["id"] = self.element_id
        return _form(
            self.request, self.section, self.element_id, self.newest, values, status=status,
            notes=notes, message=self.form.get("message", ""), base=_base(self.form), **context,
        )  # fmt: skip

    def outdated(self, changes: str) -> Response:
        return self(409, Notes({}, []), outdated=changes)


def _form(
    request: Request,
    section: str,
    element_id: str,
    newest: Revision,
    values: dict[str, str],
    *,
    status: int = 200,
    notes: Notes | None = None,
    **context: Any,
) -> Response:
    context.setdefault("base", newest.number)
    kind = KINDS[section]
    title = f"Add a {kind}" if element_id == NEW else f"Edit {kind} {element_id}"
    action = f"/plan/edit/{section}" + (f"/{element_id}" if element_id != NEW else "")
    return _page(
        request, "plan_element.html.j2", status, title=title, active="/plan/edit",
        section=section, element_id=element_id, fields=FIELDS[section], values=values,
        notes=notes or Notes({}, []), action=action, newest=newest,
        **{"message": "", "diff_text": "", "lint": False, "outdated": None, **context},
    )  # fmt: skip


def _base(form: Form) -> int | None:
    try:
        return int(form.get("base", ""))
    except ValueError:
        return None


def _file_name(request: Request) -> str:
    return dashboard(request).state.plan_file.name


def _loaded_or_404(request: Request, revision: Revision) -> LoadedPlan:
    try:
        return load_plan_text(revision.text, _file_name(request))
    except PlanError as exc:
        raise HTTPException(
            409, f"The plan cannot be read, so its forms cannot be filled: {exc.problems[0]}"
        ) from None


def _element(
    loaded: LoadedPlan, section: str, element_id: str
) -> Person | Goal | Strategy | Tactic:
    elements: list[Person | Goal | Strategy | Tactic] = getattr(loaded.plan, section)
    found = next((e for e in elements if e.id == element_id), None)
    if found is None:
        raise HTTPException(404, f"The plan has no {KINDS[section]} {element_id!r}.")
    return found


def _index(newest: Revision, section: str, element_id: str) -> int:
    """Where the element stands in its list (a new one: last), to place problems by path."""
    try:
        ids = [e.id for e in getattr(load_plan_text(newest.text).plan, section)]
    except PlanError:
        return -1
    return ids.index(element_id) if element_id in ids else len(ids)


def _new_findings(before: Revision, after: LoadedPlan) -> list[Finding]:
    """The would-be plan's findings that the plan did not have (same rule, element, message)."""
    try:
        old = {
            (f.rule.code, f.element, f.message)
            for f in check_plan(load_plan_text(before.text)).findings
        }
    except PlanError:
        old = set()
    return [f for f in check_plan(after).findings if (f.rule.code, f.element, f.message) not in old]


def _diff(newest: Revision, text: str) -> str:
    would_be = Revision(newest.number + 1, newest.number, "", newest.at, "", text, "")
    return diff(newest, would_be)
