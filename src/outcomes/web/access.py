"""Who may reach each route: every route declares the least role it needs, in one place.

A route's endpoint is decorated with `needs(Role.X)` (or `needs(ANYONE)` for the few
pages a stranger must reach: the sign-in form, the icon) right under its
`@router.get/post`; the two routes the framework makes itself (the OpenAPI document,
the static files) are declared in `BUILT_IN`. `access_table(app.routes)` lists every
declaration; the security tests read it, fail on a route that declares nothing, and
check each route answers every role as declared. `route_needs` is what the auth
middleware (and the front door, `web.front`) enforces, before the page cache and the
route's own code run; `AccessRules` asks it once per method and path.

A route that declares nothing is not public by mistake: it gets `fallback_role` (the
admin role under `/admin`, the viewer role elsewhere), and with `--read-only` only its
GET is served.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeVar

import fastapi.routing
from starlette.routing import BaseRoute, Mount, compile_path

from outcomes.web.store import Role

ANYONE: Final = "anyone"
"""Needed by nothing: a stranger who has not signed in may reach it."""
Needed = Role | Literal["anyone"]
ATTRIBUTE: Final = "__outcomes_needs__"
"""Where `needs` leaves the declaration on an endpoint function."""
BUILT_IN: Final[dict[str, Needed]] = {
    "/api/openapi.json": Role.VIEWER,  # FastAPI's own route: it describes the API it guards
    "/static": ANYONE,  # the stylesheet the sign-in page uses too
}
ADMIN_PREFIX: Final = "/admin"
SAFE_METHODS: Final = frozenset({"GET", "HEAD"})

Endpoint = TypeVar("Endpoint", bound=Callable[..., object])


def needs(role: Needed) -> Callable[[Endpoint], Endpoint]:
    """Declares the least role the decorated endpoint's route needs (`ANYONE`: none)."""

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, ATTRIBUTE, role)
        return endpoint

    return declare


def declared(path: str, endpoint: object) -> Needed | None:
    """What the route at `path` serving `endpoint` declares; None when it declares nothing."""
    found = getattr(endpoint, ATTRIBUTE, None)
    if found is not None:
        return _needed(found)
    return BUILT_IN.get(path)


def _needed(value: object) -> Needed:
    if value == ANYONE:
        return ANYONE
    if isinstance(value, Role):
        return value
    raise TypeError(f"needs({value!r}): give a Role or ANYONE")


def fallback_role(path: str) -> Role:
    """What a path needs when no route declares it (an unknown page, a route undeclared)."""
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        return Role.ADMIN
    return Role.VIEWER


@dataclass(frozen=True)
class RouteAccess:
    """One method of one route, and what it declares it needs (None: nothing)."""

    method: str
    path: str
    needs: Needed | None
    pattern: re.Pattern[str]

    @property
    def enforced(self) -> Needed:
        """What the middleware asks: the declaration, else `fallback_role`."""
        return fallback_role(self.path) if self.needs is None else self.needs


def access_table(routes: Sequence[BaseRoute]) -> tuple[RouteAccess, ...]:
    """Every method of every route of an app (`app.routes`), in the router's order.

    FastAPI from 0.160 keeps included routers whole; `iter_route_contexts` lists the
    routes inside them with the paths they are served at.
    """
    listed: Iterable[object] = routes
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    if flatten is not None:
        listed = list(flatten(routes))
    found: list[RouteAccess] = []
    for route in listed:
        path = str(getattr(route, "path", ""))
        original = getattr(route, "original_route", route)
        mounted = isinstance(original, Mount)
        pattern, _, _ = compile_path(path + "/{rest:path}" if mounted else path)
        verbs = {"GET"} if mounted else set(getattr(route, "methods", None) or ()) - {"HEAD"}
        needed = declared(path, getattr(route, "endpoint", None))
        found.extend(RouteAccess(verb, path, needed, pattern) for verb in sorted(verbs))
    return tuple(found)


def route_needs(table: Sequence[RouteAccess], method: str, path: str) -> tuple[Needed, bool]:
    """What a request needs, and whether a route answers it (the first to match, as the
    router picks); a request no route answers (404, 405) needs `fallback_role`."""
    verb = "GET" if method == "HEAD" else method
    for entry in table:
        if entry.method == verb and entry.pattern.match(path):
            return entry.enforced, True
    return fallback_role(path), False


RULES_LIMIT: Final = 1024
"""Answers `AccessRules` keeps at most: paths are the client's to invent."""


class AccessRules:
    """`route_needs` of an app's routes, each method and path worked out once.

    The table is made at the first question, when the app serves its first request and
    every route has been added (tests add probes after `create_app`). A path is matched
    against every route's pattern in turn, tens of regular expressions; the same few
    pages are asked for again and again, so the answers are kept, at most `RULES_LIMIT`
    (then all are forgotten and worked out again).
    """

    def __init__(self, routes: Sequence[BaseRoute], limit: int = RULES_LIMIT) -> None:
        self.routes = routes
        self.limit = limit
        self._table: tuple[RouteAccess, ...] | None = None
        self._known: dict[tuple[str, str], tuple[Needed, bool]] = {}

    def needs(self, method: str, path: str) -> tuple[Needed, bool]:
        """What a request needs and whether a route answers it (as `route_needs`)."""
        known = self._known.get((method, path))
        if known is not None:
            return known
        if self._table is None:
            self._table = access_table(self.routes)
        found = route_needs(self._table, method, path)
        if len(self._known) >= self.limit:
            self._known.clear()
        self._known[method, path] = found
        return found


def allows(role: Role | None, needed: Needed) -> bool:
    """Whether a user of `role` (None: not signed in) may reach what needs `needed`."""
    if needed == ANYONE:
        return True
    return role is not None and role.includes(needed)
