"""Signing in and out, and the admin's pages: users and roles, and the audit log.

Served only with sign-in (not `--read-only`). Every form is server-rendered, works
without script and carries its CSRF token (`web.auth.csrf_form` checks it); every
answer here is `Cache-Control: no-store`, so neither the page cache nor a browser keeps
a page holding a token. Changes go through the store, which logs each in the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcomes.web.access import ANYONE, needs
from outcomes.web.auth import (
    CSRF_FIELD,
    FAILURE_WINDOW_MINUTES,
    FAILURES_PER_ADDRESS,
    FAILURES_PER_NAME,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    Form,
    auth_config,
    client_ip,
    csrf_form,
    expected_csrf,
    is_https,
    new_presession,
    presession_token,
    principal,
    require,
)
from outcomes.web.render import render
from outcomes.web.store import ACTIONS, MIN_PASSWORD, ROLES, Role, StoreError, parse_role

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
NO_STORE: Final = {"Cache-Control": "no-store"}
AUDIT_SHOWN: Final = 200
CheckedForm = Annotated[Form, Depends(csrf_form)]


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = render(
        template,
        {
            "principal": principal(request),
            "csrf_field": CSRF_FIELD,
            "csrf": context.pop("csrf", None) or expected_csrf(request),
            "roles": [role.value for role in ROLES],
            "error": None,
            "no_users": False,
            **context,
        },
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no `//host`, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return "/"  # browsers drop tabs and newlines: "/\t/evil.example" is "//evil.example"
    return target


def _redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers=NO_STORE)


# -- sign in and out -------------------------------------------------------------------


@router.get("/signin")
@needs(ANYONE)
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form; it sets the pre-session cookie its CSRF token is bound to."""
    if principal(request) is not None:
        return _redirect(_safe_next(next))
    config = auth_config(request)
    presession = request.cookies.get(PRESESSION_COOKIE) or new_presession()
    response = _page(
        request, "signin.html.j2", title="Sign in", next=_safe_next(next), name="",
        csrf=presession_token(config.secret, presession), no_users=not config.store.users(),
    )  # fmt: skip
    _set_cookie(request, response, PRESESSION_COOKIE, presession, max_age=3600)
    return response


@router.post("/signin")
@needs(ANYONE)
def signin(request: Request, form: CheckedForm) -> Response:
    """Check the name and password (rate-limited); a new session on success."""
    config = auth_config(request)
    store, ip = config.store, client_ip(request.scope)
    name, password = form.get("name", "").strip(), form.get("password", "")
    target = _safe_next(form.get("next"))
    throttled = _throttled(request, name, target)
    if throttled is not None:
        return throttled
    user = store.authenticate(name, password, ip=ip) if name and password else None
    if user is None:
        if not (name and password):
            store.audit("anonymous", "signin.failed", name, {"reason": "empty field"}, ip)
        return _page(
            request, "signin.html.j2", 401, title="Sign in", next=target, name=name,
            error="Wrong name or password (or the user is disabled).",
        )  # fmt: skip
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # whatever session the browser brought ends here: a fresh one is made
        store.end_session(old, ip=ip, logged=False)
    token, _ = store.start_session(user, hours=config.session_hours, ip=ip)
    done = _redirect(target)
    _set_cookie(request, done, SESSION_COOKIE, token, max_age=int(config.session_hours * 3600))
    done.delete_cookie(PRESESSION_COOKIE, path="/")
    return done


def _throttled(request: Request, name: str, target: str) -> Response | None:
    """429 when this name, or this address, failed too often in the last minutes."""
    store, ip = auth_config(request).store, client_ip(request.scope)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=FAILURE_WINDOW_MINUTES)
    if store.failures_since(since, name=name) < FAILURES_PER_NAME and (
        ip is None or store.failures_since(since, ip=ip) < FAILURES_PER_ADDRESS
    ):
        return None
    store.audit("anonymous", "signin.throttled", name, {}, ip)
    response = _page(
        request, "signin.html.j2", 429, title="Sign in", next=target, name=name,
        error=f"Too many failed sign-ins: wait {FAILURE_WINDOW_MINUTES} minutes, or ask an "
        "admin to set a new password (`outcomes user set-password`).",
    )  # fmt: skip
    response.headers["Retry-After"] = str(FAILURE_WINDOW_MINUTES * 60)
    return response


@router.get("/signout")
@needs(Role.VIEWER)
def signout_form(request: Request) -> Response:
    """Sign out: a form, so that a link on another site cannot sign anyone out."""
    if principal(request) is None:
        return _redirect("/signin")
    return _page(request, "signout.html.j2", title="Sign out")


@router.post("/signout")
@needs(Role.VIEWER)
def signout(request: Request, form: CheckedForm) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth_config(request).store.end_session(token, ip=client_ip(request.scope))
    response = _redirect("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
        secure=is_https(request.scope),
    )  # fmt: skip


# -- admin: users and the audit log -----------------------------------------------------


@router.get("/admin/users")
@needs(Role.ADMIN)
def users_page(request: Request) -> Response:
    """Every user, with forms to add one, change a role, disable or enable."""
    require(request, Role.ADMIN)
    return _users(request)


def _users(
    request: Request, status: int = 200, error: str | None = None, **entered: str
) -> Response:
    users = auth_config(request).store.users()
    return _page(
        request, "admin_users.html.j2", status, title="Users", users=users, error=error,
        entered=entered, min_password=MIN_PASSWORD,
    )  # fmt: skip


def _change(request: Request, change: Any, **entered: str) -> Response:
    """Run a store change; back to the user list, or the list with the refusal (400)."""
    try:
        change()
    except StoreError as exc:
        return _users(request, 400, str(exc), **entered)
    return _redirect("/admin/users")


@router.post("/admin/users")
@needs(Role.ADMIN)
def add_user(request: Request, form: CheckedForm) -> Response:
    admin = require(request, Role.ADMIN)
    store, ip = auth_config(request).store, client_ip(request.scope)
    name, role = form.get("name", "").strip(), form.get("role", "")
    password = form.get("password", "")
    return _change(
        request,
        lambda: store.add_user(name, parse_role(role), password, actor=admin.name, ip=ip),
        name=name, role=role,
    )  # fmt: skip


@router.post("/admin/users/{name}/role")
@needs(Role.ADMIN)
def set_role(request: Request, name: str, form: CheckedForm) -> Response:
    admin = require(request, Role.ADMIN)
    store, ip = auth_config(request).store, client_ip(request.scope)
    role = form.get("role", "")
    return _change(request, lambda: store.set_role(name, parse_role(role), actor=admin.name, ip=ip))


@router.post("/admin/users/{name}/disable")
@needs(Role.ADMIN)
def disable_user(request: Request, name: str, form: CheckedForm) -> Response:
    admin = require(request, Role.ADMIN)
    store, ip = auth_config(request).store, client_ip(request.scope)
    return _change(request, lambda: store.set_disabled(name, True, actor=admin.name, ip=ip))


@router.post("/admin/users/{name}/enable")
@needs(Role.ADMIN)
def enable_user(request: Request, name: str, form: CheckedForm) -> Response:
    admin = require(request, Role.ADMIN)
    store, ip = auth_config(request).store, client_ip(request.scope)
    return _change(request, lambda: store.set_disabled(name, False, actor=admin.name, ip=ip))


@router.get("/admin/audit")
@needs(Role.ADMIN)
def audit_page(request: Request, action: str = "") -> Response:
    """The newest entries of the audit log, optionally of one action."""
    require(request, Role.ADMIN)
    chosen = action if action in ACTIONS else None
    events = auth_config(request).store.events(limit=AUDIT_SHOWN, action=chosen)
    return _page(
        request, "admin_audit.html.j2", title="Audit log", events=events, actions=ACTIONS,
        action=chosen or "", shown=AUDIT_SHOWN,
    )  # fmt: skip
