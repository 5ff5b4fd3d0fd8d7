"""Answers kept per snapshot: built once, sent again as bytes, 304 on a matching ETag, gzip.

The middleware is driven directly with a counting app and a stand-in for the dashboard's
state, then checked once on the real app: kept answers still carry the security headers.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from starlette.types import Message, Receive, Scope, Send

from outcomes.web.page_cache import KeptAnswers, PageCache, accepts_gzip, not_modified
from outcomes.web.security import SECURITY_HEADERS
from outcomes.web.state import DashboardState
from tests.web.conftest import Served

BODY = b"<p>" + b"the answer " * 200 + b"</p>"


@dataclass
class Status:
    ready: bool = True
    refreshing: bool = False
    error: str | None = None


@dataclass
class State:
    """What the middleware reads of `DashboardState`."""

    shown: object | None = field(default_factory=object)
    now: Status = field(default_factory=Status)

    def showing(self) -> tuple[object | None, bool, str | None]:
        return self.shown, self.now.refreshing, self.now.error


@dataclass
class Inner:
    """An app answering `status` with `BODY` and `seen()`, counting its calls."""

    status: int = 200
    calls: int = 0
    seen: Callable[[], bytes] = lambda: b""
    """What the answer shows of the state, read as it starts."""
    meanwhile: Callable[[], Awaitable[None]] | None = None
    """Awaited while answering: what happens before the answer is done."""
    extra: list[tuple[bytes, bytes]] = field(default_factory=list)
    """Headers the answer carries besides its type and length."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        body = BODY + self.seen()
        if self.meanwhile is not None:
            await self.meanwhile()
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        headers += self.extra
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def fetch(app: PageCache, path: str = "/", *, method: str = "GET", **headers: str) -> Answer:
    scope: dict[str, Any] = {
        "type": "http", "method": method, "path": path.partition("?")[0],
        "query_string": path.partition("?")[2].encode(),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    found = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return Answer(start["status"], found, body)


def request(app: PageCache, path: str = "/", *, method: str = "GET", **headers: str) -> Answer:
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in
    # this one for the whole session, and asyncio.run refuses to start a second.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, fetch(app, path, method=method, **headers)).result()


def cache(inner: Inner, state: State, limit: int = 512) -> PageCache:
    return PageCache(inner, kept=KeptAnswers(cast(DashboardState, state), limit=limit))


def test_a_page_is_built_once_and_sent_again_as_it_was() -> None:
    inner, state = Inner(), State()
    app = cache(inner, state)
    first, second = request(app), request(app)
    assert inner.calls == 1
    assert first.body == second.body == BODY and second.status == 200
    assert first.headers["etag"] == second.headers["etag"].strip() != ""
    assert second.headers["content-length"] == str(len(BODY))
    assert second.headers["content-type"] == "text/html"


def test_a_matching_etag_is_answered_304_without_a_body() -> None:
    app = cache(Inner(), State())
    etag = request(app).headers["etag"]
    answer = request(app, if_none_match=etag)
    assert answer.status == 304 and answer.body == b""
    assert request(app, if_none_match='"something-else"').status == 200


def test_clients_that_accept_gzip_get_it_gzipped() -> None:
    app = cache(Inner(), State())
    plain = request(app)
    zipped = request(app, accept_encoding="gzip, deflate")
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == BODY
    assert zipped.headers["content-length"] == str(len(zipped.body)) != str(len(BODY))
    assert zipped.headers["vary"] == plain.headers["vary"] == "accept-encoding"


def test_new_numbers_and_the_refresh_notice_are_answered_afresh() -> None:
    inner, state = Inner(), State()
    app = cache(inner, state)
    request(app)
    state.now = Status(refreshing=True)
    request(app)
    assert inner.calls == 2  # the page now says it is refreshing
    state.shown, state.now = object(), Status()
    request(app)
    request(app)
    assert inner.calls == 3


def test_an_answer_of_the_old_numbers_is_not_kept_for_the_new() -> None:
    """A request that began on the old snapshot ends after one on the new snapshot."""
    state = State()
    inner = Inner(seen=lambda: str(id(state.shown)).encode())
    app = cache(inner, state)

    async def new_numbers_arrive() -> None:
        inner.meanwhile = None
        state.shown = object()
        await fetch(app)  # answered (and kept) while the first one is still being built

    inner.meanwhile = new_numbers_arrive
    old = request(app)
    assert request(app).body == BODY + str(id(state.shown)).encode() != old.body
    assert inner.calls == 2


def test_query_strings_are_kept_apart_and_the_oldest_go_first() -> None:
    inner = Inner()
    app = cache(inner, State(), limit=2)
    for path in ("/a", "/a?x=1", "/a?x=2", "/a?x=2", "/a"):
        request(app, path)
    assert inner.calls == 4  # /a was dropped for /a?x=2, then built again


@pytest.mark.parametrize(
    ("status", "path", "method", "state"),
    [
        (404, "/", "GET", State()),
        (200, "/api/status", "GET", State()),
        (200, "/static/dashboard.css", "GET", State()),
        (200, "/", "POST", State()),
        (200, "/", "GET", State(shown=None)),  # nothing measured yet
    ],
)
def test_other_answers_are_never_kept(status: int, path: str, method: str, state: State) -> None:
    inner = Inner(status=status)
    app = cache(inner, state)
    first = request(app, path, method=method)
    request(app, path, method=method)
    assert inner.calls == 2
    assert first.status == status and "etag" not in first.headers


def test_an_answer_setting_a_cookie_is_never_kept() -> None:
    inner = Inner(extra=[(b"set-cookie", b"outcomes_presession=for-one-browser; HttpOnly")])
    app = cache(inner, State())
    first, second = request(app), request(app)
    assert inner.calls == 2 and "etag" not in second.headers
    assert first.headers["set-cookie"].startswith("outcomes_presession=")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [("gzip", True), ("deflate, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False),
     ("br", False), ("", False), ("*, gzip;q=0", False)],
)  # fmt: skip
def test_accept_encoding_is_read_with_its_weights(header: str, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


def test_if_none_match_is_compared_weakly() -> None:
    assert not_modified('"abc"', b'W/"abc"')
    assert not_modified('W/"x", W/"abc"', b'W/"abc"')
    assert not_modified("*", b'W/"abc"')
    assert not not_modified('"abcd"', b'W/"abc"') and not not_modified("", b'W/"abc"')


def test_kept_pages_carry_the_security_headers_and_revalidate(served: Served) -> None:
    first = served.get("/goals")
    again = served.client.get("/goals", headers={"If-None-Match": first.headers["etag"]})
    assert first.status_code == 200 and again.status_code == 304
    for response in (first, again):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    assert served.client.get("/goals").text == first.text
