"""Fetching an account's statuses and mentions from a Mastodon server, and saving them.

:func:`fetch` looks the account up, pages through its statuses (public, no token needed)
and, given a token with `read:notifications`, through its mention notifications, following
the `Link: <…>; rel="next"` header. :func:`save` writes what was fetched as the JSON files
that the `mastodon` connector reads (`statuses.json`, `notifications.json`, `account.json`).

What is saved is each object as the server wrote it (:class:`ServerObject` keeps its text),
not as Python parsed it: a parse keeps the last value of a key the server gave twice, and
the connector, which rejects such a record (which value holds is unknown), would never see
it. The pages' objects are joined into one array, each object's text unchanged.

Use the account's home instance: status ids are local to the server that serves them, and
replies are matched to mentions by those ids.

Every request has a timeout. HTTP 429 waits until `X-RateLimit-Reset` (or `Retry-After`),
up to `max_wait` seconds in all, then gives up; 5xx answers and network errors are retried
with a growing pause. Failures raise :class:`MastodonApiError` with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from outcomes.sources.base import SourceError
from outcomes.sources.fields import parse_datetime
from outcomes.sources.json_input import RecordError, loads

DEFAULT_TIMEOUT: Final = 20.0
"""Seconds for each request (connect, read, write)."""
MAX_WAIT: Final = 900.0
"""Seconds of rate-limit waiting, in all, before giving up."""
RETRIES: Final = 3
"""Retries of a request after a 5xx answer or a network error."""
DEFAULT_RATE_WAIT: Final = 60.0
"""Wait after a 429 that says neither `Retry-After` nor `X-RateLimit-Reset`."""
STATUS_LIMIT: Final = 40
NOTIFICATION_LIMIT: Final = 80
USER_AGENT: Final = "outcomes (social business measurement)"

Sleep = Callable[[float], None]


class ServerObject(dict[str, Any]):
    """A JSON object of the server's answer, parsed, with `text`: the object as the server
    wrote it, which is what :func:`save` writes."""

    __slots__ = ("text",)

    def __init__(self, value: dict[str, Any], text: str) -> None:
        super().__init__(value)
        self.text = text


class MastodonApiError(SourceError):
    """The server could not give what was asked; the message says why and what to do."""

    def __init__(self, instance: str, message: str) -> None:
        super().__init__(instance, message)


@dataclass(frozen=True)
class FetchResult:
    """What one fetch brought back, as the server sent it."""

    instance: str
    account: ServerObject
    statuses: list[ServerObject]
    notifications: list[ServerObject] | None
    """Mention notifications; None when no token was given (they need one)."""
    fetched_at: dt.datetime

    @property
    def newest_status_id(self) -> str | None:
        """The `since_id` for the next fetch of statuses."""
        return _newest(self.statuses)

    @property
    def newest_notification_id(self) -> str | None:
        """The `notifications_since_id` for the next fetch of mentions."""
        return _newest(self.notifications or [])


def fetch(
    instance_url: str,
    *,
    account: str,
    token: str | None,
    since_id: str | None = None,
    client: httpx.Client | None = None,
    max_pages: int | None = None,
    notifications_since_id: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_wait: float = MAX_WAIT,
    retries: int = RETRIES,
    sleep: Sleep = time.sleep,
) -> FetchResult:
    """The account's statuses newer than `since_id` and, with a token, its mentions.

    `max_pages` caps the pages read from each endpoint. Raises :class:`MastodonApiError`.
    """
    instance = normalise_instance(instance_url)
    own = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        api = _Api(http, instance, token, timeout, max_wait, retries, sleep)
        found = api.lookup(account.strip().lstrip("@"))
        statuses = api.pages(
            f"{instance}/api/v1/accounts/{found['id']}/statuses",
            {"limit": STATUS_LIMIT},
            "the account's statuses",
            since_id,
            max_pages,
        )
        notifications = None
        if token:
            notifications = api.pages(
                f"{instance}/api/v1/notifications",
                {"types[]": "mention", "limit": NOTIFICATION_LIMIT},
                "notifications",
                notifications_since_id,
                max_pages,
            )
    finally:
        if own:
            http.close()
    return FetchResult(instance, found, statuses, notifications, dt.datetime.now(dt.UTC))


def save(result: FetchResult, directory: Path) -> list[Path]:
    """Write the fetch as `account.json`, `statuses.json` and (with mentions) `notifications.json`.

    Each file is written whole or not at all (a temporary file renamed into place).
    """
    directory.mkdir(parents=True, exist_ok=True)
    contents: list[tuple[str, str]] = [
        ("account.json", result.account.text),
        ("statuses.json", _array(result.statuses)),
    ]
    if result.notifications is not None:
        contents.append(("notifications.json", _array(result.notifications)))
    written = []
    for name, text in contents:
        target = directory / name
        partial = directory / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        written.append(target)
    return written


def _array(objects: list[ServerObject]) -> str:
    """A JSON array of the objects, each as the server wrote it."""
    if not objects:
        return "[]\n"
    return "[\n" + ",\n".join(item.text for item in objects) + "\n]\n"


def normalise_instance(url: str) -> str:
    """`mastodon.social`, `https://mastodon.social/` → `https://mastodon.social`."""
    text = url.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MastodonApiError(url, "not an instance URL; give it as https://mastodon.example")
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _newest(items: list[ServerObject]) -> str | None:
    ids = [str(i["id"]) for i in items if i.get("id") is not None]
    return max(ids, key=_id_order) if ids else None


def _id_order(native_id: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings of growing length; compare by length, then text."""
    return len(native_id), native_id


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


class _Api:
    """Requests with the token, timeout, retries and rate-limit waits of one fetch."""

    def __init__(
        self,
        client: httpx.Client,
        instance: str,
        token: str | None,
        timeout: float,
        max_wait: float,
        retries: int,
        sleep: Sleep,
    ) -> None:
        self.client = client
        self.instance = instance
        self.token = token
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.max_wait = max_wait
        self.retries = retries
        self.sleep = sleep
        self.waited = 0.0

    def error(self, message: str) -> MastodonApiError:
        return MastodonApiError(self.instance, message)

    def lookup(self, acct: str) -> ServerObject:
        """The Account entity for `acct`, which also proves the server speaks Mastodon's API."""
        url = f"{self.instance}/api/v1/accounts/lookup"
        response = self.get(url, {"acct": acct}, "the account lookup")
        if response.status_code == 404 and _json_error(response) is not None:
            raise self.error(f"no account @{acct} on this server (HTTP 404); check the handle")
        self.check(response, "the account lookup")
        text, found = self.body(response, "the account lookup")
        if not isinstance(found, dict) or "id" not in found or "acct" not in found:
            raise self.error(self.not_mastodon("the account lookup", response))
        return ServerObject(found, text)

    def pages(
        self,
        url: str,
        params: dict[str, Any],
        what: str,
        since_id: str | None,
        max_pages: int | None,
    ) -> list[ServerObject]:
        """Every item of a paged list, newest first, stopping at `since_id` or `max_pages`."""
        items: list[ServerObject] = []
        for number, page in enumerate(self.walk(url, params, what), start=1):
            fresh = [i for i in page if since_id is None or _newer(i.get("id"), since_id)]
            items.extend(fresh)
            # The `next` link pages by max_id and drops since_id, so stop at the first old item.
            if len(fresh) < len(page) or (max_pages is not None and number >= max_pages):
                break
        return items

    def walk(self, url: str, params: dict[str, Any], what: str) -> Iterator[list[ServerObject]]:
        """Each page of a list, following `rel="next"` links on this server."""
        seen: set[str] = set()
        next_url: str | None = url
        query: dict[str, Any] | None = params
        while next_url and next_url not in seen:
            seen.add(next_url)
            response = self.get(next_url, query, what)
            self.check(response, what)
            text, page = self.body(response, what)
            if not isinstance(page, list) or not all(isinstance(i, dict) for i in page):
                raise self.error(self.not_mastodon(what, response))
            if not page:
                return
            yield [ServerObject(value, raw) for value, raw in zip(page, _items(text), strict=True)]
            next_url, query = self.next_link(response), None

    def next_link(self, response: httpx.Response) -> str | None:
        """The `rel="next"` URL; one to another server is refused (it would get the token)."""
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        target, home = urlsplit(link), urlsplit(self.instance)
        if (target.scheme, target.netloc) != (home.scheme, home.netloc):
            raise self.error(f"the next page link points to another server ({target.netloc})")
        return str(link)

    def get(self, url: str, params: dict[str, Any] | None, what: str) -> httpx.Response:
        """GET with retries for 5xx and network errors, and waits for 429."""
        failures = 0
        while True:
            try:
                response = self.client.get(
                    url, params=params, headers=self.headers, timeout=self.timeout
                )
            except httpx.TransportError as exc:
                failures += 1
                if failures > self.retries:
                    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
                    detail = _one_line(str(exc) or type(exc).__name__)
                    raise self.error(f"{what} {kind} after {failures} tries ({detail})") from None
                self.sleep(2.0 ** (failures - 1))
                continue
            if response.status_code == 429:
                self.wait_for_limit(response, what)
                continue
            if response.status_code >= 500:
                failures += 1
                if failures > self.retries:
                    code = response.status_code
                    raise self.error(f"{what}: server error HTTP {code} after {failures} tries")
                self.sleep(2.0 ** (failures - 1))
                continue
            return response

    def wait_for_limit(self, response: httpx.Response, what: str) -> None:
        """Sleep until the rate limit resets, unless that would exceed `max_wait` in all."""
        wait = rate_limit_wait(response)
        if self.waited + wait > self.max_wait:
            reset = response.headers.get("X-RateLimit-Reset") or f"{wait:.0f} s from now"
            raise self.error(
                f"{what}: rate limited until {reset}, past the {self.max_wait:.0f} s this fetch "
                "may wait; try again later"
            )
        self.waited += wait
        self.sleep(wait)

    def check(self, response: httpx.Response, what: str) -> None:
        """Raise a clear error for an answer that is not a success."""
        code = response.status_code
        if code < 400:
            return
        detail = _json_error(response)
        said = f": {detail}" if detail else ""
        if code == 401:
            advice = (
                "the access token was refused; create a new one with read:statuses and "
                "read:notifications"
                if self.token
                else "this server needs an access token; pass one"
            )
            raise self.error(f"{what}: HTTP 401{said}; {advice}")
        if code == 403:
            raise self.error(
                f"{what}: forbidden (HTTP 403){said}; the token may lack the read:notifications "
                "scope, or the account is private"
            )
        if code == 404 and detail is None:
            raise self.error(self.not_mastodon(what, response))
        if code == 404:
            raise self.error(f"{what}: not found (HTTP 404){said}; check the handle")
        raise self.error(f"{what}: HTTP {code}{said}")

    def body(self, response: httpx.Response, what: str) -> tuple[str, Any]:
        """The answer's text and its JSON."""
        try:
            text = _text(response)
            return text, loads(text)
        except RecordError as exc:
            raise self.error(f"{self.not_mastodon(what, response)} ({exc.reason})") from None

    def not_mastodon(self, what: str, response: httpx.Response) -> str:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        return (
            f"does not look like a Mastodon server ({what} answered HTTP "
            f"{response.status_code}, {kind}); check the instance URL"
        )


def _text(response: httpx.Response) -> str:
    """The answer's text; raises RecordError when its bytes are not text.

    Its JSON is then refused, not repaired, when it holds `NaN`, `Infinity`, numbers out
    of range or lone surrogates, or is nested too deeply to parse (`loads`). A key given
    twice is not refused here: the connector rejects that record and reads the others.
    """
    try:
        # Strictly: `response.text` would replace bytes that are not text, silently.
        return response.content.decode(response.charset_encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:  # bytes not in the declared charset
        raise RecordError(f"the answer is not text: {exc}") from None


def _items(text: str) -> Iterator[str]:
    """The text of each element of the JSON array `text` (already read whole as one), as
    written."""
    decoder = json.JSONDecoder()
    position = _past_blanks(text, text.index("[") + 1)
    while text[position] != "]":
        _, end = decoder.raw_decode(text, position)
        yield text[position:end]
        position = _past_blanks(text, end)
        if text[position] == ",":
            position = _past_blanks(text, position + 1)


def _past_blanks(text: str, position: int) -> int:
    """The first position from `position` that is not JSON whitespace."""
    while text[position] in " \t\n\r":
        position += 1
    return position


def _json_error(response: httpx.Response) -> str | None:
    """Mastodon's `{"error": "…"}` text, or None when the body is not Mastodon's JSON error."""
    try:
        body = loads(_text(response))
    except RecordError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return _one_line(str(error)) if error else None


def _newer(native_id: object, since_id: str) -> bool:
    return native_id is not None and _id_order(str(native_id)) > _id_order(since_id)


def rate_limit_wait(response: httpx.Response, now: dt.datetime | None = None) -> float:
    """Seconds until the limit resets: `Retry-After` (seconds or a date), `X-RateLimit-Reset`."""
    now = now or dt.datetime.now(dt.UTC)
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after.strip())
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError, OverflowError):  # a date the header garbled
            when = None
        if when is not None:
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            return max(0.0, (when - now).total_seconds())
    reset = response.headers.get("X-RateLimit-Reset")
    if reset:
        try:
            moment = parse_datetime(reset)
        except (ValueError, OverflowError):  # FieldError, or a time that overflows UTC
            moment = None
        if moment is not None:
            return max(0.0, (moment - now).total_seconds())
    return DEFAULT_RATE_WAIT
