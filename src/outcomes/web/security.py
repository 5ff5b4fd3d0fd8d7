"""What every response of the dashboard carries, and which requests it refuses.

* DNS rebinding: a page on another site can have a browser resolve that site's name to
  127.0.0.1 and then read the dashboard as if it were that site's own. The Host header
  still carries the other site's name, so only names the dashboard is known by are
  served: the loopback names, the address it listens on (unless a wildcard such as
  0.0.0.0) and those given with `outcomes serve --allowed-host` (`*.example.com` for any
  name under example.com, `*` for any name at all). Other requests are answered 400.
* Security headers on every response: the middleware is the app's outermost layer, so
  the 400s above and the 500 of an unhandled exception (which it answers and logs
  itself) carry them as well as pages, 404s and static files. Starlette would answer
  unhandled exceptions outside all middleware, where these headers never reach.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable, Iterable
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_ENCODED: Final = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in SECURITY_HEADERS.items()
)
"""`SECURITY_HEADERS` as ASGI writes headers, made once rather than per response."""
LOOPBACK: Final = ("localhost", "127.0.0.1", "[::1]")
"""Names served whatever the options: a browser on this machine reaches it by these."""
WILDCARD_ADDRESSES: Final = frozenset({"", "0.0.0.0", "[::]"})
"""Addresses that listen on every interface: no name to allow from them."""
ANY: Final = "*"
_NAME: Final = re.compile(
    r"(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*"
)
"""A DNS name or IPv4 address, optionally `*.` for any name under it."""

log = logging.getLogger(__name__)

ErrorPage = Callable[[Request, int, str, str], Response]
"""Builds an error response: (request, status, title, message)."""


def host_pattern(value: str) -> str:
    """A name for the allow-list: lower case, IPv6 in brackets; ValueError when it is not one.

    Ports are refused rather than dropped: the check is on names, and a port given here
    would suggest that other ports are refused.
    """
    text = value.strip().lower()
    if text == ANY:
        return text
    text = text.removesuffix(".")  # the absolute form of a DNS name: the same name
    if text.count(":") > 1 or text.startswith("["):
        return _ipv6(text, value)
    if ":" in text:
        raise ValueError(f"{value!r}: give the name without a port")
    if not _NAME.fullmatch(text):
        raise ValueError(
            f"{value!r} is not a host name (e.g. dashboard.example.com, *.example.com)"
        )
    return text


def _ipv6(text: str, value: str) -> str:
    inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        return f"[{ipaddress.IPv6Address(inner).compressed}]"
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv6 address (give it without a port)") from None


def allowed_hosts(bound: str | None = None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The names to serve: loopback, `bound` unless it is a wildcard address, and `extra`.

    ValueError names the first of `extra` that is not a host name.
    """
    names = list(LOOPBACK)
    if bound:
        address = host_pattern(bound)
        if address not in WILDCARD_ADDRESSES:
            names.append(address)
    names.extend(host_pattern(name) for name in extra)
    return tuple(dict.fromkeys(names))


def host_name(header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8000` → `[::1]`."""
    text = header.strip().lower()
    if text.startswith("["):
        return text.partition("]")[0] + "]"
    return text.partition(":")[0].rstrip(".")


def host_allowed(name: str, patterns: Iterable[str]) -> bool:
    """Whether `name` (from `host_name`) is one of `patterns` or under a `*.` one."""
    for pattern in patterns:
        if pattern in (ANY, name):
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def secured(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Response headers with each of `SECURITY_HEADERS` the response does not set itself."""
    listed = list(headers)
    present = {name.lower() for name, _ in listed}
    return listed + [pair for pair in _ENCODED if pair[0] not in present]


def _host(scope: Scope) -> str:
    """The request's Host header (ASGI servers give header names in lower case)."""
    for name, value in scope["headers"]:
        if name == b"host":
            return str(value.decode("latin-1"))
    return ""


HOSTS_LIMIT: Final = 256
"""Host headers whose verdict `AllowedHosts` keeps at most: they are the client's to write."""


class AllowedHosts:
    """The names served (patterns as `host_pattern` makes them), and each Host header's
    verdict once worked out: a browser sends the same header with every request.

    Shared by the security middleware and the front door (`web.front`).
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(host_pattern(pattern) for pattern in patterns)
        self._verdicts: dict[str, bool] = {}

    def allows(self, scope: Scope) -> bool:
        """Whether the request's Host header names a host served."""
        header = _host(scope)
        verdict = self._verdicts.get(header)
        if verdict is None:
            verdict = host_allowed(host_name(header), self.patterns)
            if len(self._verdicts) >= HOSTS_LIMIT:
                self._verdicts.clear()
            self._verdicts[header] = verdict
        return verdict


class SecurityMiddleware:
    """Refuses unknown Host names, adds `SECURITY_HEADERS`, answers unhandled errors 500."""

    def __init__(self, app: ASGIApp, *, hosts: AllowedHosts, error: ErrorPage) -> None:
        self.app = app
        self.hosts = hosts
        self.error = error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = secured(message.get("headers", ()))
            await send(message)

        if not self.hosts.allows(scope):
            name = host_name(_host(scope))
            await self._refuse(Request(scope), name)(scope, receive, send_secured)
            return
        try:
            await self.app(scope, receive, send_secured)
        except Exception as exc:
            if started:  # too late for an error page: the server ends the response
                raise
            # The traceback goes to the log, never to the reader. Not raised on: the
            # server would then drop the connection the browser keeps for its next page.
            request = Request(scope)
            log.exception("error serving %s %s", request.method, request.url.path)
            message = f"{type(exc).__name__} while serving this page."
            response = self.error(request, 500, "Something went wrong", message)
            await response(scope, receive, send_secured)

    def _refuse(self, request: Request, name: str) -> Response:
        if not name:
            message = "The request names no host (no Host header); it is not served."
        else:
            message = (
                f"This dashboard is not served under the name {name[:100]!r}. If that name "
                f"is yours, start it with `outcomes serve --allowed-host {name[:100]}`."
            )
        return self.error(request, 400, "Bad request: unknown host", message)
