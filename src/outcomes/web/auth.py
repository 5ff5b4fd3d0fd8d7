"""Who is asking, and whether they may: sign-in sessions, the trusted proxy header, CSRF.

Each route declares the least role it needs (`web.access.needs`); the middleware here
enforces it before the page cache or the route's code runs. Served with sign-in
(`outcomes serve` without `--read-only`), anonymous pages are sent to the sign-in page
(303), anonymous API calls and writes answer 401, a role too low answers 403. Served
`--read-only`, nobody signs in: what the viewer role may read is open to all, and
everything else (every write, whatever its route declares) answers 403.

* A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure when served
  over https, directly or behind a proxy uvicorn trusts), kept in the store by its hash
  and ending at `SESSION_HOURS`, at sign-out, or when the user is disabled. Signing in
  always starts a new session and ends the one the browser brought (no fixation).
* Single sign-on: with `trusted_header` (e.g. X-Forwarded-User), a request from one of
  `trusted_proxies` naming an enabled user in that header is that user. From any other
  address the header is ignored, so a client cannot name itself.
* Behind a proxy: X-Forwarded-Proto (https: Secure cookies) and X-Forwarded-For (the
  address sign-ins are rate-limited and audited by) are believed from `trusted_proxies`
  only, the one list of proxies (uvicorn's own handling is off, `outcomes serve`). The
  header check above asks the connection's own address, not the forwarded one.
* CSRF: every form carries `csrf_token`: the session's own token, or for the sign-in form
  an HMAC of a random pre-session cookie (double submit, signed with the app's secret).
  A POST without the right one is refused 403, as is one whose Origin is another site.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qs, quote, urlsplit

from anyio import to_thread
from fastapi import HTTPException, Request
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from outcomes.web.access import ANYONE, SAFE_METHODS, AccessRules, Needed, allows
from outcomes.web.store import Role, Store
from outcomes.web.store.store import SESSION_HOURS

SESSION_COOKIE: Final = "outcomes_session"
PRESESSION_COOKIE: Final = "outcomes_presession"
CSRF_FIELD: Final = "csrf_token"
PRINCIPAL: Final = "outcomes.principal"
"""The scope key the middleware leaves the request's `Principal` (or None) under."""
PEER: Final = "outcomes.peer"
"""The scope key of the address the connection came from, before X-Forwarded-For."""
FORM_LIMIT: Final = 64 * 1024
"""Bytes of a form body read at most: the app's forms are a few fields."""
FAILURE_WINDOW_MINUTES: Final = 15
FAILURES_PER_NAME: Final = 5
FAILURES_PER_ADDRESS: Final = 20
RECHECK_SECONDS: Final = 2.0
"""How long a GET trusts the user the store gave for the same cookie (or proxy header)
without asking it again. Looking a session up costs a database transaction on a worker
thread, milliseconds each under load, for every page and API call. Changes made through
the dashboard (sign-out, a user disabled, a new role) apply at once, as every other
request than GET or HEAD forgets all; changes made elsewhere (`outcomes user disable`,
another server process) within these seconds."""
REMEMBERED_LIMIT: Final = 4096
"""Users remembered at most (by cookie): beyond, all are forgotten and looked up again."""


@dataclass(frozen=True)
class Principal:
    """The user a request is made by."""

    name: str
    role: Role
    csrf: str
    via: str
    """"session" or "proxy"."""

    @property
    def cache_key(self) -> str:
        """What of the user a kept page shows (pages differ by user and role, not session)."""
        return f"{self.role.value}:{self.name}"


@dataclass(frozen=True)
class AuthConfig:
    """How the app signs people in (`create_app(..., auth=...)`)."""

    store: Store
    trusted_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    session_hours: float = SESSION_HOURS
    secret: bytes = field(default=b"", repr=False)

    def with_secret(self) -> AuthConfig:
        """This config with the store's signing key read once (not per request)."""
        if self.secret:
            return self
        return AuthConfig(
            self.store, self.trusted_header, self.trusted_proxies, self.session_hours,
            self.store.secret(),
        )  # fmt: skip


def principal(request: Request) -> Principal | None:
    found = request.scope.get(PRINCIPAL)
    return found if isinstance(found, Principal) else None


def client_ip(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def peer_ip(scope: Scope) -> str | None:
    """The connection's own address (a proxy's, when there is one)."""
    found = scope.get(PEER)
    return str(found) if found is not None else client_ip(scope)


def believe_forwarded(scope: Scope, trusted: tuple[str, ...]) -> None:
    """Take the scheme and the client's address from a trusted proxy's X-Forwarded-*.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the
    client is the nearest entry that is not itself a trusted proxy; what the client
    wrote there itself comes before and is never believed.
    """
    peer = client_ip(scope)
    scope[PEER] = peer
    if peer not in trusted:
        return
    headers = Headers(scope=scope)
    proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto
    chain = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(chain):
        if hop not in trusted:
            scope["client"] = (hop, 0)
            return


def is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


def presession_token(secret: bytes, presession: str) -> str:
    """The sign-in form's CSRF token, bound to its browser's pre-session cookie."""
    return hmac.new(secret, b"pre:" + presession.encode(), hashlib.sha256).hexdigest()


def proxy_csrf(secret: bytes, name: str) -> str:
    """The CSRF token of a user signed in by the proxy's header (no session of ours)."""
    return hmac.new(secret, b"proxy:" + name.encode(), hashlib.sha256).hexdigest()


def new_presession() -> str:
    return secrets.token_urlsafe(24)


Identity = tuple[str, str]
"""What a request names its user by: its session cookie, and its trusted proxy header's
name (each empty when absent)."""


class RecentPrincipals:
    """Users the store gave in the last `seconds`, by the identity that named them.

    Used from the event loop only (no lock). `generation` changes whenever all are
    forgotten, so that a look-up begun before a change is not remembered after it.
    """

    def __init__(self, seconds: float = RECHECK_SECONDS, limit: int = REMEMBERED_LIMIT) -> None:
        self.seconds = seconds
        self.limit = limit
        self.generation = 0
        self._found: dict[Identity, tuple[Principal, float]] = {}

    def get(self, identity: Identity) -> Principal | None:
        entry = self._found.get(identity)
        if entry is None:
            return None
        found, until = entry
        if time.monotonic() >= until:
            del self._found[identity]
            return None
        return found

    def keep(self, identity: Identity, found: Principal, lasts: float, generation: int) -> None:
        """Remember `found` for `seconds`, or `lasts` if sooner (its session's end)."""
        if generation != self.generation:
            return
        if len(self._found) >= self.limit:
            self._found.clear()
        self._found[identity] = (found, time.monotonic() + min(self.seconds, lasts))

    def forget_all(self) -> None:
        self.generation += 1
        self._found.clear()


@dataclass(frozen=True, slots=True)
class Cleared:
    """A request allowed on what is already known: its user (None: nobody signs in, or
    the route is open to strangers)."""

    principal: Principal | None


NOBODY: Final = Cleared(None)


class Gate:
    """Who may reach what: the sign-in (`config` None: the read-only dashboard), each
    route's declared role (`access`) and the users the store gave lately (`recent`).

    Shared by the auth middleware and the front door (`web.front`), so both decide alike.
    """

    def __init__(self, config: AuthConfig | None, access: AccessRules) -> None:
        self.config = config
        self.access = access
        self.recent = RecentPrincipals()

    def cleared(self, scope: Scope) -> Cleared | None:
        """A GET or HEAD allowed without asking the store, with its user; None when the
        store must be asked or the answer is a refusal (a sign-in, 401, 403): the
        middleware then decides, with its pages."""
        if scope["method"] not in SAFE_METHODS:
            return None
        needed, routed = self.access.needs(scope["method"], scope["path"])
        if self.config is None:
            return NOBODY if routed and allows(Role.VIEWER, needed) else None
        identity = session_identity(self.config, scope)
        if identity == ("", ""):
            return NOBODY if needed == ANYONE else None
        found = self.recent.get(identity)
        if found is None or not allows(found.role, needed):
            return None
        return Cleared(found)


def session_identity(config: AuthConfig, scope: Scope) -> Identity:
    """What the request names its user by (its session cookie, the trusted header)."""
    headers = Headers(scope=scope)
    named = ""
    header = config.trusted_header
    if header and peer_ip(scope) in config.trusted_proxies:
        named = headers.get(header, "").strip()
    return session_cookie(tuple(headers.getlist("cookie"))), named


@functools.lru_cache(maxsize=1024)  # a browser sends the same Cookie header each time
def session_cookie(cookie_headers: tuple[str, ...]) -> str:
    """The session token in the Cookie headers (empty when none), as `Request.cookies`
    reads them: the last header naming it wins."""
    found = ""
    for header in cookie_headers:
        found = cookie_parser(header).get(SESSION_COOKIE, found)
    return found


class AuthMiddleware:
    """Resolves the request's user and refuses what their role does not allow."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        gate: Gate,
        error: Callable[[Request, int, str, str], Response],
    ) -> None:
        self.app = app
        self.gate = gate
        self.config = gate.config
        self.error = error
        self.recent = gate.recent

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/static/") or path == "/favicon.ico":
            await self.app(scope, receive, send)  # the same for everyone: no user to look up
            return
        needed, routed = self.gate.access.needs(scope["method"], path)
        if self.config is not None:
            believe_forwarded(scope, self.config.trusted_proxies)
        request = Request(scope)
        if self.config is None:
            refusal = self._read_only_refusal(request, needed, routed)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        config = self.config
        reading = scope["method"] in SAFE_METHODS
        try:
            found = await self._principal(config, request, reading)
            scope[PRINCIPAL] = found
            refusal = self._refusal(request, found, needed) if isinstance(needed, Role) else None
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            await self.app(scope, receive, send)
        finally:
            if not reading:  # a form may have signed out, disabled a user, changed a role
                self.recent.forget_all()

    def _read_only_refusal(self, request: Request, needed: Needed, routed: bool) -> Response | None:
        """403 for a route that writes or needs more than a viewer; others are served."""
        if not routed:
            return None  # the app's own 404 or 405
        if request.method in SAFE_METHODS and allows(Role.VIEWER, needed):
            return None
        message = (
            "This dashboard is served read-only (`outcomes serve --read-only`): nothing can "
            "be changed here, and nobody signs in."
        )
        return self.error(request, 403, "Forbidden", message)

    async def _principal(
        self, config: AuthConfig, request: Request, reading: bool
    ) -> Principal | None:
        """The request's user: remembered (GET and HEAD only) or asked of the store."""
        identity = session_identity(config, request.scope)
        if identity == ("", ""):
            return None
        if reading:
            remembered = self.recent.get(identity)
            if remembered is not None:
                return remembered
        generation = self.recent.generation
        resolved = await to_thread.run_sync(self._resolve, config, request)
        if resolved is None:
            return None
        found, lasts = resolved
        self.recent.keep(identity, found, lasts, generation)
        return found

    @staticmethod
    def _resolve(config: AuthConfig, request: Request) -> tuple[Principal, float] | None:
        """The user and the seconds their session has left (infinite through the proxy)."""
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            signed = config.store.session(token)
            if signed is not None:
                found = Principal(signed.user.name, signed.user.role, signed.csrf, "session")
                return found, (signed.expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        header = config.trusted_header
        if header and peer_ip(request.scope) in config.trusted_proxies:
            name = request.headers.get(header, "").strip()
            if name:
                user = config.store.proxy_user(name, ip=client_ip(request.scope))
                if user is not None:
                    csrf = proxy_csrf(config.secret, name)
                    return Principal(user.name, user.role, csrf, "proxy"), math.inf
        return None

    def _refusal(self, request: Request, found: Principal | None, needed: Role) -> Response | None:
        if found is None:
            if request.url.path.startswith("/api/") or request.method not in SAFE_METHODS:
                return JSONResponse(
                    {"detail": "sign in first: this dashboard needs a user (POST /signin)"},
                    status_code=401,
                )
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
        if not found.role.includes(needed):
            message = (
                f"{found.name} is {found.role.value}; this page needs the {needed.value} role. "
                "An admin can change roles (`outcomes user set-role`)."
            )
            return self.error(request, 403, "Forbidden", message)
        return None


def require(request: Request, role: Role) -> Principal:
    """The request's user when they have `role` (the middleware has checked; this says so)."""
    found = principal(request)
    if found is None or not found.role.includes(role):
        raise HTTPException(403, f"this needs the {role.value} role")
    return found


Form = dict[str, str]


async def csrf_form(request: Request) -> Form:
    """The POSTed form's fields (first value of each), once its CSRF token is checked.

    A FastAPI dependency for every form route: 415 for another body than a urlencoded
    form, 413 beyond `FORM_LIMIT`, 403 without the right token or from another origin.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    body = await _body(request)
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "the form could not be read (UTF-8, at most 50 fields)") from None
    form = {key: values[0] for key, values in parsed.items()}
    _check_origin(request)
    if not hmac.compare_digest(form.get(CSRF_FIELD, ""), expected_csrf(request)):
        raise HTTPException(
            403,
            "The form expired or did not come from this dashboard (no valid CSRF token): "
            "reload the page and send it again.",
        )
    return form


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > FORM_LIMIT:
            raise HTTPException(413, f"the form is larger than {FORM_LIMIT // 1024} kB")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return
    if urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
        raise HTTPException(403, "The form was sent from another site; it is refused.")


def expected_csrf(request: Request) -> str:
    """The token this request's forms carry (empty: none can be right)."""
    found = principal(request)
    if found is not None:
        return found.csrf
    presession = request.cookies.get(PRESESSION_COOKIE)
    if not presession:
        return "\0"  # never equal to a submitted string value
    return presession_token(auth_config(request).secret, presession)


def auth_config(request: Request) -> AuthConfig:
    config = request.app.state.auth
    if not isinstance(config, AuthConfig):  # pragma: no cover - create_app sets it
        raise TypeError("the app serves no sign-in")
    return config
