"""The Mastodon API client against a real HTTP server on 127.0.0.1 serving canned pages."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from outcomes.sources import ReadOptions, Rejected, Row
from outcomes.sources.mastodon import Mastodon
from outcomes.sources.mastodon_api import (
    FetchResult,
    MastodonApiError,
    fetch,
    normalise_instance,
    rate_limit_wait,
    save,
)

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
ACCOUNT = json.loads((FIXTURES / "account.json").read_text(encoding="utf-8"))
STATUSES = json.loads((FIXTURES / "statuses.json").read_text(encoding="utf-8"))
NOTIFICATIONS = json.loads((FIXTURES / "notifications.json").read_text(encoding="utf-8"))
MENTIONS = [n for n in NOTIFICATIONS if n["type"] == "mention" and n["status"]]
STATUSES_PATH = f"/api/v1/accounts/{ACCOUNT['id']}/statuses"


@dataclass
class Canned:
    """One answer: status, JSON (or text) body, headers, and a delay before answering;
    `kind` sends a text body as that content type (JSON written by hand)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    kind: str | None = None


@dataclass
class Server:
    """Routes by path (plus `?max_id=` when a request pages); each route answers in turn."""

    base: str
    routes: dict[str, list[Canned]]
    requests: list[tuple[str, dict[str, str]]]

    def route(self, key: str, *answers: Canned) -> None:
        self.routes[key] = list(answers)

    def paths(self) -> list[str]:
        return [urlsplit(path).path for path, _ in self.requests]

    def query(self, index: int) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.requests[index][0]).query)


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer

    def do_GET(self) -> None:
        state = self.server.state
        state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        parts = urlsplit(self.path)
        max_id = parse_qs(parts.query).get("max_id")
        key = parts.path + (f"?max_id={max_id[0]}" if max_id else "")
        answers = state.routes.get(key)
        if not answers:
            self._send(Canned(404, "<html><body>Not Found</body></html>"))
            return
        self._send(answers.pop(0) if len(answers) > 1 else answers[0])

    def _send(self, canned: Canned) -> None:
        if canned.delay:
            time.sleep(canned.delay)
        is_text = isinstance(canned.body, str)
        data = (canned.body if is_text else json.dumps(canned.body)).encode("utf-8")
        self.send_response(canned.status)
        kind = canned.kind or (
            "text/html; charset=utf-8" if is_text else "application/json; charset=utf-8"
        )
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up waiting (the timeout tests).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        del format, args  # keep test output quiet


class _HttpServer(ThreadingHTTPServer):
    state: Server


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _HttpServer(("127.0.0.1", 0), _Handler)
    state = Server(f"http://127.0.0.1:{httpd.server_address[1]}", {}, [])
    httpd.state = state
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class Sleeps:
    """The injected sleep: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def link(server: Server, path: str, max_id: str, rel: str = "next") -> str:
    return f'<{server.base}{path}?limit=40&max_id={max_id}>; rel="{rel}"'


def serve_account(server: Server) -> None:
    server.route("/api/v1/accounts/lookup", Canned(body=ACCOUNT))


def serve_statuses(server: Server) -> None:
    """Two pages of statuses: 3 then 2, linked by `rel="next"` (and a `prev` to ignore)."""
    next_link = link(server, STATUSES_PATH, STATUSES[2]["id"])
    prev_link = link(server, STATUSES_PATH, "999", rel="prev")
    server.route(
        STATUSES_PATH, Canned(body=STATUSES[:3], headers={"Link": f"{next_link}, {prev_link}"})
    )
    server.route(f"{STATUSES_PATH}?max_id={STATUSES[2]['id']}", Canned(body=STATUSES[3:]))


def run(server: Server, **options: Any) -> FetchResult:
    options.setdefault("token", None)
    options.setdefault("sleep", Sleeps())
    return fetch(server.base, account=options.pop("account", "@northwind"), **options)


# --- a whole fetch ---------------------------------------------------------------------


def test_fetch_pages_statuses_waits_out_a_429_and_gets_mentions(
    server: Server, tmp_path: Path
) -> None:
    serve_account(server)
    serve_statuses(server)
    notes_link = f'<{server.base}/api/v1/notifications?types[]=mention&max_id=9001>; rel="next"'
    server.route(
        "/api/v1/notifications",
        Canned(429, {"error": "Too many requests"}, {"Retry-After": "7"}),
        Canned(body=MENTIONS, headers={"Link": notes_link}),
    )
    server.route("/api/v1/notifications?max_id=9001", Canned(body=[]))
    sleeps = Sleeps()

    result = run(server, token="s3cret", sleep=sleeps)

    assert result.account["acct"] == "northwind"
    assert [s["id"] for s in result.statuses] == [s["id"] for s in STATUSES]
    assert [n["id"] for n in result.notifications or []] == ["9008", "9001"]
    assert sleeps.calls == [7.0]
    assert server.paths() == [
        "/api/v1/accounts/lookup",
        STATUSES_PATH,
        STATUSES_PATH,
        "/api/v1/notifications",
        "/api/v1/notifications",
        "/api/v1/notifications",
    ]
    assert server.query(0) == {"acct": ["northwind"]}
    assert server.query(1) == {"limit": ["40"]}
    assert server.query(2) == {"limit": ["40"], "max_id": [STATUSES[2]["id"]]}
    assert server.query(3) == {"types[]": ["mention"], "limit": ["80"]}
    assert {h.get("authorization") for _, h in server.requests} == {"Bearer s3cret"}
    assert (result.newest_status_id, result.newest_notification_id) == (
        "115670000000000005",
        "9008",
    )


def test_what_is_saved_is_what_the_connector_reads(server: Server, tmp_path: Path) -> None:
    serve_account(server)
    serve_statuses(server)
    server.route("/api/v1/notifications", Canned(body=MENTIONS))

    written = save(run(server, token="t"), tmp_path / "mastodon")
    parsed = list(Mastodon().read(tmp_path / "mastodon", ReadOptions()))

    assert [p.name for p in written] == ["account.json", "statuses.json", "notifications.json"]
    assert json.loads(written[1].read_text(encoding="utf-8")) == STATUSES
    assert not list((tmp_path / "mastodon").glob(".*"))  # no partial files left behind
    kinds = [p.values["kind"] for p in parsed if isinstance(p, Row)]
    assert kinds == ["post", "repost", "reply", "reply", "post", "message_in", "mention"]
    assert {p.values["account"] for p in parsed if isinstance(p, Row)} == {
        "northwind@mastodon.social"
    }


def test_a_status_giving_a_key_twice_is_saved_as_the_server_sent_it(
    server: Server, tmp_path: Path
) -> None:
    serve_account(server)
    # A server's answer whose first status gives `created_at` twice, with two days: a
    # parse keeps the second without a word, so main saved one day and loaded it, exit 0.
    first = json.dumps(STATUSES[0], ensure_ascii=False)
    twice = '{"created_at": "2025-11-30T08:00:00.000Z", ' + first[1:]
    page = "[\n  " + ",\n  ".join([twice, *map(json.dumps, STATUSES[1:3])]) + "\n]"
    server.route(STATUSES_PATH, Canned(body=page, kind="application/json; charset=utf-8"))

    written = save(run(server), tmp_path / "mastodon")
    parsed = list(Mastodon().read(written[1], ReadOptions()))

    assert twice in written[1].read_text(encoding="utf-8")
    [rejected] = [p for p in parsed if isinstance(p, Rejected)]
    assert rejected.line == 1 and rejected.column == "created_at"
    assert "'created_at' is given twice, with two values" in rejected.reason
    rows = [p.values["native_id"] for p in parsed if isinstance(p, Row)]
    assert rows == [STATUSES[1]["id"], STATUSES[2]["id"]]


def test_the_account_is_saved_as_the_server_sent_it(server: Server, tmp_path: Path) -> None:
    account = json.dumps(ACCOUNT, ensure_ascii=False)
    twice = '{"acct": "northwind_hq", ' + account[1:]
    server.route("/api/v1/accounts/lookup", Canned(body=twice, kind="application/json"))
    serve_statuses(server)

    written = save(run(server), tmp_path / "mastodon")

    assert written[0].read_text(encoding="utf-8") == twice


def test_without_a_token_only_public_statuses_are_fetched(server: Server, tmp_path: Path) -> None:
    serve_account(server)
    serve_statuses(server)

    result = run(server)
    written = save(result, tmp_path)

    assert result.notifications is None
    assert "/api/v1/notifications" not in server.paths()
    assert all("authorization" not in headers for _, headers in server.requests)
    assert [p.name for p in written] == ["account.json", "statuses.json"]


def test_since_id_stops_at_the_first_status_already_fetched(server: Server) -> None:
    serve_account(server)
    serve_statuses(server)

    result = run(server, since_id=STATUSES[1]["id"])

    assert [s["id"] for s in result.statuses] == [STATUSES[0]["id"]]
    assert server.paths().count(STATUSES_PATH) == 1  # page 2 is older: not asked for


def test_max_pages_caps_the_pages_read(server: Server) -> None:
    serve_account(server)
    serve_statuses(server)

    result = run(server, max_pages=1)

    assert len(result.statuses) == 3
    assert server.paths().count(STATUSES_PATH) == 1


def test_an_empty_page_ends_the_list(server: Server) -> None:
    serve_account(server)
    server.route(STATUSES_PATH, Canned(body=[], headers={"Link": link(server, STATUSES_PATH, "1")}))

    assert run(server).statuses == []
    assert server.paths().count(STATUSES_PATH) == 1


# --- rate limits, retries, timeouts -----------------------------------------------------


def test_a_429_waits_until_x_ratelimit_reset(server: Server) -> None:
    serve_account(server)
    reset = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)).isoformat(timespec="milliseconds")
    server.route(
        STATUSES_PATH,
        Canned(429, {"error": "Too many requests"}, {"X-RateLimit-Reset": reset}),
        Canned(body=STATUSES),
    )
    sleeps = Sleeps()

    result = run(server, sleep=sleeps)

    assert len(result.statuses) == 5
    assert len(sleeps.calls) == 1
    assert 25 < sleeps.calls[0] <= 30


def test_a_429_past_the_wait_limit_is_an_error(server: Server) -> None:
    serve_account(server)
    reset = "2999-01-01T00:00:00.000Z"
    server.route(STATUSES_PATH, Canned(429, {"error": "Too many"}, {"X-RateLimit-Reset": reset}))
    sleeps = Sleeps()

    with pytest.raises(MastodonApiError) as caught:
        run(server, sleep=sleeps, max_wait=600)

    assert str(caught.value) == (
        f"{server.base}: the account's statuses: rate limited until {reset}, past the 600 s "
        "this fetch may wait; try again later"
    )
    assert sleeps.calls == []


def test_repeated_429s_stop_at_the_total_wait_limit(server: Server) -> None:
    serve_account(server)
    server.route(STATUSES_PATH, Canned(429, {"error": "Too many"}, {"Retry-After": "40"}))
    sleeps = Sleeps()

    with pytest.raises(MastodonApiError, match="rate limited"):
        run(server, sleep=sleeps, max_wait=100)

    assert sleeps.calls == [40.0, 40.0]


def test_server_errors_are_retried_with_growing_pauses(server: Server) -> None:
    serve_account(server)
    server.route(
        STATUSES_PATH,
        Canned(503, "<html>Bad gateway</html>"),
        Canned(502, "<html>Bad gateway</html>"),
        Canned(body=STATUSES),
    )
    sleeps = Sleeps()

    assert len(run(server, sleep=sleeps).statuses) == 5
    assert sleeps.calls == [1.0, 2.0]


def test_a_server_that_keeps_failing_is_an_error(server: Server) -> None:
    serve_account(server)
    server.route(STATUSES_PATH, Canned(500, {"error": "boom"}))
    sleeps = Sleeps()

    with pytest.raises(MastodonApiError) as caught:
        run(server, sleep=sleeps, retries=2)

    assert str(caught.value) == (
        f"{server.base}: the account's statuses: server error HTTP 500 after 3 tries"
    )
    assert sleeps.calls == [1.0, 2.0]


def test_every_request_has_a_timeout(server: Server) -> None:
    server.route("/api/v1/accounts/lookup", Canned(body=ACCOUNT, delay=1.0))
    sleeps = Sleeps()

    started = time.monotonic()
    with pytest.raises(MastodonApiError, match="the account lookup timed out after 2 tries"):
        run(server, sleep=sleeps, timeout=0.2, retries=1)

    assert time.monotonic() - started < 1.5
    assert sleeps.calls == [1.0]


def test_a_timeout_applies_to_a_client_passed_in_too(server: Server) -> None:
    server.route("/api/v1/accounts/lookup", Canned(body=ACCOUNT, delay=1.0))

    with httpx.Client() as client, pytest.raises(MastodonApiError, match="timed out"):
        run(server, client=client, timeout=0.2, retries=0)


# --- answers that are errors ------------------------------------------------------------


def test_a_refused_token_is_a_clear_error(server: Server) -> None:
    serve_account(server)
    serve_statuses(server)
    server.route("/api/v1/notifications", Canned(401, {"error": "The access token is invalid"}))

    with pytest.raises(MastodonApiError) as caught:
        run(server, token="expired")

    assert str(caught.value) == (
        f"{server.base}: notifications: HTTP 401: The access token is invalid; the access token "
        "was refused; create a new one with read:statuses and read:notifications"
    )


def test_a_missing_scope_is_a_clear_error(server: Server) -> None:
    serve_account(server)
    serve_statuses(server)
    server.route(
        "/api/v1/notifications",
        Canned(403, {"error": "This action is outside the authorized scopes"}),
    )

    with pytest.raises(MastodonApiError, match=r"forbidden \(HTTP 403\).*read:notifications"):
        run(server, token="weak")


def test_a_server_needing_a_token_says_so(server: Server) -> None:
    serve_account(server)
    server.route(
        STATUSES_PATH, Canned(401, {"error": "This method requires an authenticated user"})
    )

    with pytest.raises(MastodonApiError, match="this server needs an access token; pass one"):
        run(server)


def test_an_unknown_account_is_a_clear_error(server: Server) -> None:
    server.route("/api/v1/accounts/lookup", Canned(404, {"error": "Record not found"}))

    with pytest.raises(MastodonApiError) as caught:
        run(server, account="ghost")

    assert str(caught.value) == (
        f"{server.base}: no account @ghost on this server (HTTP 404); check the handle"
    )


def test_a_server_that_is_not_mastodon_is_a_clear_error(server: Server) -> None:
    with pytest.raises(MastodonApiError) as caught:
        run(server)  # nothing routed: every path is an HTML 404

    assert str(caught.value) == (
        f"{server.base}: does not look like a Mastodon server (the account lookup answered "
        "HTTP 404, text/html); check the instance URL"
    )
    server.route("/api/v1/accounts/lookup", Canned(200, "<html>Welcome to my blog</html>"))
    with pytest.raises(MastodonApiError, match="answered HTTP 200, text/html"):
        run(server)
    server.route("/api/v1/accounts/lookup", Canned(200, {"name": "some other API"}))
    with pytest.raises(MastodonApiError, match="does not look like a Mastodon server"):
        run(server)


def test_a_statuses_page_that_is_not_a_list_is_an_error(server: Server) -> None:
    serve_account(server)
    server.route(STATUSES_PATH, Canned(body={"statuses": []}))

    with pytest.raises(MastodonApiError, match="does not look like a Mastodon server"):
        run(server)


def test_a_next_link_to_another_server_is_refused(server: Server) -> None:
    serve_account(server)
    server.route(
        STATUSES_PATH,
        Canned(
            body=STATUSES[:1], headers={"Link": '<https://evil.example/p?max_id=1>; rel="next"'}
        ),
    )

    with pytest.raises(MastodonApiError, match=r"points to another server \(evil\.example\)"):
        run(server, token="t")


def test_an_unreachable_server_is_an_error_after_retries() -> None:
    sleeps = Sleeps()
    with pytest.raises(MastodonApiError, match="the account lookup failed after 2 tries"):
        fetch("http://127.0.0.1:9", account="a", token=None, sleep=sleeps, retries=1)
    assert sleeps.calls == [1.0]


# --- small parts ------------------------------------------------------------------------


def test_instance_urls_are_normalised() -> None:
    assert normalise_instance("mastodon.social") == "https://mastodon.social"
    assert normalise_instance(" https://mastodon.social/ ") == "https://mastodon.social"
    assert normalise_instance("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    with pytest.raises(MastodonApiError, match="not an instance URL"):
        normalise_instance("ftp://x")


def test_retry_after_may_be_an_http_date() -> None:
    now = dt.datetime(2025, 12, 6, 18, 0, 0, tzinfo=dt.UTC)
    request = httpx.Request("GET", "https://m.example/")

    def wait(headers: dict[str, str]) -> float:
        return rate_limit_wait(httpx.Response(429, headers=headers, request=request), now)

    assert wait({"Retry-After": "Sat, 06 Dec 2025 18:00:42 GMT"}) == 42.0
    assert wait({"X-RateLimit-Reset": "2025-12-06T18:05:00.000Z"}) == 300.0
    assert wait({"X-RateLimit-Reset": "2025-12-06T17:00:00.000Z"}) == 0.0
    assert wait({}) == 60.0
