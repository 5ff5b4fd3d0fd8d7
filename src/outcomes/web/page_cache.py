"""Answers kept per snapshot: a page or API answer is built once, then sent as stored bytes.

Everything the dashboard serves is a function of the snapshot shown, the URL and whether
newer numbers are being measured (the notice on every page), so a successful GET answer
is kept under those and sent again as it was, without routing, validation, a worker
thread or a template. A new snapshot starts an empty store. Kept answers carry an ETag;
a browser that sends it back (`If-None-Match`) gets 304 and no body. Answers of
`GZIP_FROM` bytes or more are also kept gzipped (once, about 1 ms for a 50 kB page, a
fifth of its size or less) and sent so to clients that accept it. The store holds at
most `LIMIT` answers, the least recently used going first: query strings are the
client's to invent. The store (`KeptAnswers`) is shared with the front door
(`web.front`), which sends kept answers before the app and its middlewares run; so they
are kept with the security headers `web.security` adds to every response.

Not kept: answers other than 200, answers marked `Cache-Control: no-store`, `/api/status`
(it says when the workspace was last looked at), static files (`StaticFiles` has its own
ETag), and anything before the first snapshot is ready.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from outcomes.web.auth import PRINCIPAL
from outcomes.web.security import secured
from outcomes.web.state import DashboardState, Snapshot

LIMIT: Final = 512
"""Answers kept per snapshot (a page of the demo is 20–150 kB)."""
UNCACHED: Final = ("/api/status", "/static/")
"""Paths (and path prefixes) always answered afresh."""
GZIP_FROM: Final = 1024
"""Bytes from which an answer is also kept gzipped: below, the header costs what it saves."""
CACHE_CONTROL: Final = (b"cache-control", b"no-cache")
"""Browsers keep the answer but ask (with its ETag) before showing it again."""
VARY: Final = (b"vary", b"accept-encoding")

Key = tuple[str, str, bool, str | None, str | None, object]
"""Path, query string, refreshing, the refresh error shown, who it is shown to, and the
app's generation (the newest approval)."""


@dataclass(frozen=True, slots=True)
class Kept:
    """One 200 answer, ready to send as it is or gzipped (headers with their lengths)."""

    plain: Message
    body: bytes
    gzip_start: Message | None
    gzipped: bytes
    etag: bytes
    """Weak, as it stands for the body in either encoding."""


class KeptAnswers:
    """The answers kept for the snapshot `state` shows, at most `limit`, the least recently
    used going first.

    Shared by the page cache middleware, which keeps answers, and the front door
    (`web.front`), which sends them before the app runs. Used from the event loop only.
    """

    def __init__(
        self,
        state: DashboardState,
        *,
        limit: int = LIMIT,
        generation: Callable[[], object] | None = None,
    ) -> None:
        self.state = state
        self.generation = generation
        self.limit = limit
        self.snapshot: Snapshot | None = None
        """The snapshot the kept answers show."""
        self._kept: OrderedDict[Key, Kept] = OrderedDict()

    def key(self, scope: Scope) -> Key | None:
        """Where this request's answer is kept; None when nothing is shown yet."""
        snapshot, refreshing, error = self.state.showing()
        if snapshot is None:
            return None
        if snapshot is not self.snapshot:  # new numbers: every kept answer is stale
            self.snapshot = snapshot
            self._kept.clear()
        query = scope.get("query_string", b"").decode("latin-1")
        # Pages show who is signed in, so each user's are kept apart (a read-only
        # dashboard has no user: one copy for all).
        user = scope.get(PRINCIPAL)
        # Pages also show what the app's store holds beside the workspace (the newest
        # plan approval): a new one is a new key.
        extra = self.generation() if self.generation is not None else None
        who = getattr(user, "cache_key", None)
        return scope["path"], query, refreshing, error, who, extra

    def find(self, key: Key) -> Kept | None:
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def keep(self, key: Key, kept: Kept) -> None:
        self._kept[key] = kept
        while len(self._kept) > self.limit:
            self._kept.popitem(last=False)

    def ready(self, scope: Scope) -> Kept | None:
        """The kept answer to this GET, if any (for the front door: cheap and read-only
        apart from the order of use)."""
        if scope["method"] != "GET" or _uncached(scope["path"]):
            return None
        key = self.key(scope)
        return None if key is None else self.find(key)


class PageCache:
    """ASGI middleware keeping the app's GET answers per snapshot (in `kept`)."""

    def __init__(self, app: ASGIApp, *, kept: KeptAnswers) -> None:
        self.app = app
        self.kept = kept

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or _uncached(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = self.kept.key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        kept = self.kept.find(key)
        if kept is not None:
            await send_kept(kept, scope, send)
            return
        shown = self.kept.snapshot
        messages = await _collect(self.app, scope, receive)
        kept = _keepable(messages)
        if kept is None:
            for message in messages:
                await send(message)
            return
        # Kept only if nothing changed while it was built: it may show either state.
        if self.kept.key(scope) == key and self.kept.snapshot is shown:
            self.kept.keep(key, kept)
        await send_kept(kept, scope, send)


async def _collect(app: ASGIApp, scope: Scope, receive: Receive) -> list[Message]:
    """The app's answer, whole: every page and API answer is one body, not a stream.

    Nothing is sent before the app has finished, so an exception still reaches the
    security middleware in time for its error page.
    """
    messages: list[Message] = []

    async def record(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, record)
    return messages


def _keepable(messages: list[Message]) -> Kept | None:
    """A 200 answer as it can be kept and sent again; None for any other."""
    if not messages or messages[0]["type"] != "http.response.start":
        return None
    start = messages[0]
    if start["status"] != 200 or _no_store(start):
        return None
    body = b"".join(m.get("body", b"") for m in messages[1:] if m["type"] == "http.response.body")
    etag = b'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
    headers = [
        (bytes(name), bytes(value))
        for name, value in start["headers"]
        if bytes(name).lower() not in (b"content-length", b"etag", b"cache-control", b"vary")
    ]
    # With the security headers: the front door sends kept answers without the middleware.
    headers = secured([*headers, (b"etag", etag), CACHE_CONTROL, VARY])
    plain = _start([*headers, (b"content-length", str(len(body)).encode())])
    if len(body) < GZIP_FROM:
        return Kept(plain, body, None, b"", etag)
    gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    length = str(len(gzipped)).encode()
    zipped = _start([*headers, (b"content-encoding", b"gzip"), (b"content-length", length)])
    return Kept(plain, body, zipped, gzipped, etag)


def _no_store(start: Message) -> bool:
    """Whether the answer asks not to be kept (a page holding a form's CSRF token) or sets
    a cookie: a cookie is for the one browser it was sent to, never for the next."""
    for name, value in start["headers"]:
        lowered = bytes(name).lower()
        if lowered == b"set-cookie":
            return True
        if lowered == b"cache-control" and b"no-store" in bytes(value).lower():
            return True
    return False


def _start(headers: list[tuple[bytes, bytes]]) -> Message:
    return {"type": "http.response.start", "status": 200, "headers": headers}


def _uncached(path: str) -> bool:
    return path == UNCACHED[0] or path.startswith(UNCACHED[1])


async def send_kept(kept: Kept, scope: Scope, send: Send) -> None:
    """The kept answer (304 when the client has it); a copy of its start message, as the
    security middleware outside sets its headers anew."""
    if_none_match = accept_encoding = ""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"accept-encoding":
            accept_encoding = value.decode("latin-1")
    if if_none_match and not_modified(if_none_match, kept.etag):
        headers = secured([(b"etag", kept.etag), CACHE_CONTROL, VARY])
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    start, body = kept.plain, kept.body
    if kept.gzip_start is not None and accepts_gzip(accept_encoding):
        start, body = kept.gzip_start, kept.gzipped
    await send({**start})
    await send({"type": "http.response.body", "body": body})


def not_modified(if_none_match: str, etag: bytes) -> bool:
    """Whether an If-None-Match header names `etag` (compared weakly, as for GET) or is `*`."""
    opaque = etag.decode().removeprefix("W/")
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return any(tag in (opaque, "*") for tag in tags)


@functools.lru_cache(maxsize=64)  # a browser sends the same header with every request
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (`gzip`, `*`, not `gzip;q=0`)."""
    allowed = {}
    for part in accept_encoding.lower().split(","):
        name, _, parameters = part.strip().partition(";")
        quality = parameters.strip().removeprefix("q=")
        allowed[name.strip()] = quality not in ("0", "0.0", "0.00", "0.000")
    return allowed.get("gzip", allowed.get("*", False))
