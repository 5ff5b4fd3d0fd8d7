"""Mastodon: statuses and notifications saved from the REST API as JSON.

A file holds a JSON array (one API page, or pages joined) or JSON Lines of Status entities
(`GET /api/v1/accounts/:id/statuses`) or Notification entities (`GET /api/v1/notifications`),
or one entity; a folder written by :func:`outcomes.sources.mastodon_api.save` holds
`statuses.json`, `notifications.json` and `account.json` (`outcomes fetch` loads it;
`outcomes ingest mastodon` takes its files, `outcomes ingest --auto` the folder).

* Our statuses become `activities`: "repost" when `reblog` is set, "reply" when
  `in_reply_to_id` is (a thread continues a conversation, so it counts as a reply),
  else "post"; a direct-visibility status of ours is a "message" (a private answer). A status by someone else in the
  file is inbound when it mentions us, and rejected otherwise (it is not ours to count).
* Notifications of type "mention" become inbound activities: "message_in" when the status
  is direct, else "mention"; `author` is who wrote it, `account` is us.
* Other notifications (favourite, reblog, follow, …) are counted per UTC day into
  `metric_snapshots` (`favourites_received`, `reblogs_received`, `new_followers`,
  `follow_requests`, `quotes_received`, else `notifications_<type>`) for our account.
  A saved page is a contiguous stretch of time whose first and last days are usually cut
  short by paging, and the warehouse keeps the first count loaded for a day; so only days
  strictly inside a file's span are counted, and each count that is loaded is complete.
  Every notification is accounted for: those of the first and last days, and all but
  one of those a day's figure counts together, are ignored, each with that reason.
* `account` and `author` are full handles, `user@instance`: a local account's `acct` has
  no instance, so it is taken from the account's URL.
* "Us" is `ReadOptions.account`, else the `account.json` beside the file, else the author
  of the file's first status, else who every mention in the file was sent to. An
  `account.json` that is there but cannot be read (broken, not an account) is not
  passed over in silence: the load warns that whose the posts are was taken from the file.
* `text` is the HTML `content` as plain text: tags stripped, entities unescaped, `<br>`
  a line break and paragraphs a blank line; a content warning comes first.
* `url` is the status's own, else the reblogged status's; from a status without the
  `url` field that second link only goes to a status not stored yet.

Rejections name the record: its position in the array (1-based) or its line in JSON Lines.
A record that is not valid JSON (a cut last line of JSON Lines), is nested too deeply,
holds `NaN`, `Infinity`, a number out of range or a string with a lone UTF-16 surrogate
(`"\\ud800"`: damaged text, not repaired), or gives a key twice with two values (which
holds is unknown) is rejected. An array that is cut off or broken is refused with its
line and column. Arrays are read one element at a time.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

from outcomes.sources.base import (
    RAW_LIMIT,
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import (
    is_empty,
    parse_datetime,
    parse_int,
    utm_from_url,
    utm_in_text,
)
from outcomes.sources.json_input import (
    DecodeError,
    JsonSyntaxError,
    RecordError,
    StreamError,
    TextBuffer,
    TextStream,
    array_elements,
    loads,
    printable,
)
from outcomes.sources.mastodon_account import (
    ACCOUNT_FILE,
    Records,
    account_file_owner,
    account_notice,
    full_acct,
    given_account,
    infer_owner,
    is_account,
    is_notification,
    is_status,
    list_field,
    same_account,
)

NAME: Final = "mastodon"
CHANNEL: Final = "mastodon"
COUNTED_TOGETHER: Final = "a notification counted with others of its kind and day in one figure"
EDGE_DAY: Final = "a notification on the file's first or last day, which paging may have cut short"
"""Why a notification counted by day is passed over: its figure stands for several, or
its day is not counted (see the module's docstring)."""
STATUSES_FILE: Final = "statuses.json"
NOTIFICATIONS_FILE: Final = "notifications.json"
_INT64: Final = 1 << 63

_METRICS: Final = {
    "favourite": "favourites_received",
    "reblog": "reblogs_received",
    "follow": "new_followers",
    "follow_request": "follow_requests",
    "quote": "quotes_received",
}
_NOTIFICATION_HINT: Final = re.compile(
    r'"type"\s*:\s*"(mention|status|reblog|follow|follow_request|favourite|poll|update|quote)"'
)
_ENTITY_HINT: Final = re.compile(r'"(reblogs_count|favourites_count|statuses_count)"\s*:')


class Mastodon(Source):
    """Our statuses, inbound mentions and notification counts from saved Mastodon API JSON."""

    name = NAME
    channel = CHANNEL
    reads_account = True
    description = (
        "Mastodon API JSON: statuses, notifications (array or JSON Lines), or a saved folder"
    )

    def detect(self, path: Path, head: bytes) -> bool:
        """JSON whose first records carry Mastodon's `acct` and a status or notification field."""
        del path
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").lstrip()
        if not text.startswith(("[", "{")) or '"acct"' not in text:
            return False
        return bool(_ENTITY_HINT.search(text) or _NOTIFICATION_HINT.search(text))

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Rows for every status and notification in the file (or the saved folder)."""
        given = given_account(path, options)
        if path.is_dir():
            names = [n for n in (STATUSES_FILE, NOTIFICATIONS_FILE) if (path / n).is_file()]
            if not names:
                raise SourceError(
                    path, f"no {STATUSES_FILE} or {NOTIFICATIONS_FILE} in this folder"
                )
            owner, problem = (given, None) if given else account_file_owner(path)
            for name in names:
                yield from _read_file(path / name, f"{name}: ", owner, options.encoding)
        else:
            owner, problem = (given, None) if given else account_file_owner(path.parent)
            yield from _read_file(path, "", owner, options.encoding)
        if problem is not None:
            yield account_notice(problem)

    def owner_files(self, path: Path) -> tuple[Path, ...]:
        """The `account.json` beside a saved file (`outcomes.sources.mastodon_account`)."""
        return (path.parent / ACCOUNT_FILE,)


# --- reading the JSON ------------------------------------------------------------------


@dataclass(frozen=True)
class _Broken:
    """A record that is not usable JSON: it is rejected, the others are kept."""

    message: str
    column: str | None = None


def _read_file(path: Path, where: str, owner: str | None, encoding: str | None) -> Iterator[Parsed]:
    records, single = _records(path, where, encoding)
    if single and is_account(next(records())[1]):
        return  # an `account.json`: it only says whose the other files are
    context = _Context(owner or infer_owner(path, where, records), where)
    for number, record, raw in records():
        yield from context.record(number, record, raw)
    yield from context.metric_rows()


def _records(path: Path, where: str, encoding: str | None) -> tuple[Records, bool]:
    """A way to go through the file's records (twice if need be), and whether it is one object."""
    first = _first_char(path, where, encoding)
    if first == "[":
        return (lambda: _array(path, where, encoding)), False
    if first == "{" and not _first_line_is_json(path, encoding):
        number, record, raw = _parse_whole(path, where, encoding)
        return (lambda: iter([(number, record, raw)])), True
    if first == "{":
        return (lambda: _json_lines(path, where, encoding)), False
    raise SourceError(path, f"{where}expected JSON (an array or JSON Lines), found {first!r}")


def _open_text(path: Path, encoding: str | None) -> Any:
    try:
        return path.open(encoding=_encoding(path, encoding), errors="strict", newline=None)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
    except LookupError:
        raise SourceError(path, f"unknown encoding {encoding!r}") from None


def _encoding(path: Path, encoding: str | None) -> str:
    if encoding:
        return encoding
    with path.open("rb") as handle:
        bom = handle.read(2)
    return "utf-16" if bom in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def _first_char(path: Path, where: str, encoding: str | None) -> str:
    with _open_text(path, encoding) as handle:
        try:
            for chunk in iter(lambda: handle.read(4096), ""):
                if chunk.strip():
                    return str(chunk.lstrip()[0])
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, where, exc.encoding, None) from None
    raise SourceError(path, f"{where}the file is empty; save the API response again")


def _first_line_is_json(path: Path, encoding: str | None) -> bool:
    with _open_text(path, encoding) as handle:
        try:
            line = next((text for text in handle if text.strip()), "")
            loads(line, unique_keys=True)
        except (UnicodeDecodeError, JsonSyntaxError):
            return False
        except RecordError:  # JSON, but not a usable record: the line is rejected on its own
            return True
    return True


def _parse_whole(path: Path, where: str, encoding: str | None) -> tuple[int, Any, str]:
    """A file holding one pretty-printed entity."""
    with _open_text(path, encoding) as handle:
        try:
            text = handle.read()
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, where, exc.encoding, None) from None
    raw = printable(text[:RAW_LIMIT])
    try:
        return 1, loads(text, unique_keys=True), raw
    except JsonSyntaxError as exc:
        message = f"broken JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        advice = "the file is cut off or damaged; save the API response again"
        raise SourceError(path, f"{where}{message}; {advice}") from None
    except RecordError as exc:
        return 1, _Broken(exc.reason, exc.column), raw


def _array(path: Path, where: str, encoding: str | None) -> Iterator[tuple[int, Any, str]]:
    """The elements of a JSON array, one at a time: a large saved page is never held whole."""
    chosen = _encoding(path, encoding)
    try:
        with path.open("rb") as handle:
            buffer = TextBuffer(TextStream(handle, chosen))
            for element in array_elements(buffer, unique_keys=True):
                problem = element.problem
                record = (
                    element.value if problem is None else _Broken(problem.reason, problem.column)
                )
                yield element.number, record, element.raw
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
    except LookupError:
        raise SourceError(path, f"unknown encoding {encoding!r}") from None
    except DecodeError as exc:
        raise _encoding_error(path, where, exc.encoding, exc.line) from None
    except StreamError as exc:
        message = exc.described()
        advice = "the file is cut off or damaged; save the API response again"
        raise SourceError(path, f"{where}{message}; {advice}") from None


def _json_lines(path: Path, where: str, encoding: str | None) -> Iterator[tuple[int, Any, str]]:
    with _open_text(path, encoding) as handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, _json_line(line), line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, where, exc.encoding, number + 1) from None


def _json_line(line: str) -> Any:
    """One line's record, or a `_Broken` saying why it cannot be used (a cut last line too)."""
    try:
        return loads(line.rstrip(), unique_keys=True)
    except JsonSyntaxError as exc:
        return _Broken(f"broken JSON at column {exc.colno} ({exc.msg})")
    except RecordError as exc:
        return _Broken(exc.reason, exc.column)


def _encoding_error(path: Path, where: str, encoding: str, line: int | None) -> SourceError:
    at = f" on line {line}" if line is not None else ""
    message = f"the text is not {encoding}{at}"
    return SourceError(path, f"{where}{message}; save it as UTF-8 or pass its encoding")


# --- records to rows -------------------------------------------------------------------


class _ProblemError(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class _Context:
    """What reading one file keeps: whose it is, and the notifications counted per day."""

    owner: str | None
    where: str
    counts: Counter[tuple[str, dt.date]] = field(default_factory=Counter)
    days: set[dt.date] = field(default_factory=set)

    def record(self, number: int, record: Any, raw: str) -> Iterator[Parsed]:
        """The row (or rejection) for one record; counted notifications yield nothing yet."""
        try:
            row = self._row(record)
        except _ProblemError as exc:
            yield Rejected(number, exc.column, f"{self.where}{exc.reason}", raw)
            return
        if row is not None:
            yield row

    def _row(self, record: Any) -> Row | None:
        if isinstance(record, _Broken):
            raise _ProblemError(record.column, record.message)
        if not isinstance(record, dict):
            raise _ProblemError(None, f"expected a JSON object, got {type(record).__name__}")
        if is_status(record):
            return self._status(record)
        if is_notification(record):
            return self._notification(record)
        keys = ", ".join(sorted(record)[:8])
        raise _ProblemError(None, f"neither a Mastodon status nor a notification (keys: {keys})")

    def _status(self, status: dict[str, Any]) -> Row:
        author = full_acct(status.get("account"))
        if self.owner is None or same_account(author, self.owner):
            kind = _own_kind(status)
            return _activity(
                status, kind, author=self.owner or author, account=self.owner or author
            )
        if any(same_account(full_acct(m), self.owner) for m in list_field(status.get("mentions"))):
            return _activity(status, _inbound_kind(status), author=author, account=self.owner)
        raise _ProblemError(
            "account", f"a status by {author}, not by {self.owner} and not mentioning it"
        )

    def _notification(self, notification: dict[str, Any]) -> Row | None:
        kind = str(notification["type"])
        day = _required_time(notification, "created_at", "").date()
        self.days.add(day)
        if kind != "mention":
            self.counts[_metric(kind), day] += 1
            return None
        status = notification.get("status")
        if not isinstance(status, dict):
            raise _ProblemError("status", "a mention notification without its status")
        author = full_acct(notification.get("account")) or full_acct(status.get("account"))
        return _activity(
            status, _inbound_kind(status), author=author, account=self.owner, at="status."
        )

    def metric_rows(self) -> Iterator[Row | Ignored]:
        """Counts for the days strictly inside the file's span (see the module's docstring);
        each notification a figure does not stand for one to one is accounted as ignored,
        so that `read` counts every notification of the file."""
        if not self.counts:
            return
        first, last = min(self.days), max(self.days)
        for (metric, day), count in sorted(self.counts.items(), key=lambda i: (i[0][1], i[0][0])):
            if first < day < last:
                yield Row("metric_snapshots", _metric_values(self.owner, metric, day, count))
                yield from (Ignored(None, COUNTED_TOGETHER) for _ in range(count - 1))
            else:
                yield from (Ignored(None, EDGE_DAY) for _ in range(count))


def _metric(kind: str) -> str:
    return _METRICS.get(kind) or "notifications_" + re.sub(r"\W+", "_", kind).strip("_")


def _metric_values(owner: str | None, metric: str, day: dt.date, count: int) -> dict[str, Any]:
    return {
        "key": natural_key(CHANNEL, owner, metric, day.isoformat()),
        "source": NAME,
        "channel": CHANNEL,
        "entity": owner,
        "entity_kind": "account",
        "metric": metric,
        "date": day,
        "value": float(count),
    }


def _own_kind(status: dict[str, Any]) -> str:
    if isinstance(status.get("reblog"), dict):
        return "repost"
    if status.get("visibility") == "direct":
        return "message"  # a private answer is still ours, but not a public reply
    return "post" if is_empty(status.get("in_reply_to_id")) else "reply"


def _inbound_kind(status: dict[str, Any]) -> str:
    return "message_in" if status.get("visibility") == "direct" else "mention"


def _activity(
    status: dict[str, Any], kind: str, *, author: str | None, account: str | None, at: str = ""
) -> Row:
    """An `activities` row for a status; `at` prefixes column names ("status.") in rejections."""
    native_id = _text(status.get("id"))
    if native_id is None:
        raise _ProblemError(f"{at}id", "the status has no id")
    shown = status["reblog"] if isinstance(status.get("reblog"), dict) else status
    text, links = html_to_text(_text(shown.get("content")))
    spoiler = _text(shown.get("spoiler_text"))
    if spoiler:
        text = f"{spoiler}\n\n{text}" if text else spoiler
    values: dict[str, Any] = {
        "key": natural_key(CHANNEL, _text(status.get("uri")) or native_id),
        "source": NAME,
        "channel": CHANNEL,
        "account": account,
        "native_id": native_id,
        "kind": kind,
        "author": author,
        "in_reply_to": _text(status.get("in_reply_to_id")),
        "ts": _required_time(status, "created_at", at),
        "text": text,
        "url": _text(status.get("url")) or _text(shown.get("url")),
        "campaign": _campaign(shown, links, text),
    }
    for column, name in (
        ("reactions", "favourites_count"),
        ("shares", "reblogs_count"),
        ("comments", "replies_count"),
    ):
        if name in status:  # absent is not empty: a status without it leaves the stored count
            values[column] = _count(status, name, at)
    # Without its own `url` a status's link is the reblogged status's: it may fill a gap,
    # never replace the link a fuller export stored.
    fills = frozenset() if "url" in status else frozenset({"url"})
    # The campaign is worked out from the links and text: none found there is a statement.
    return Row("activities", values, fills=fills, clears=frozenset({"campaign"}))


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _required_time(record: dict[str, Any], name: str, at: str) -> dt.datetime:
    try:
        moment = parse_datetime(record.get(name))
    except (ValueError, OverflowError) as exc:  # FieldError, or a time that overflows UTC
        raise _ProblemError(f"{at}{name}", str(exc)) from None
    if moment is None:
        raise _ProblemError(f"{at}{name}", f"no {name}")
    return moment


def _count(status: dict[str, Any], name: str, at: str) -> int | None:
    try:
        value = parse_int(status.get(name))
    except (ValueError, OverflowError) as exc:  # FieldError, or inf/huge from the parsers
        raise _ProblemError(f"{at}{name}", str(exc)) from None
    if value is not None and not -_INT64 <= value < _INT64:
        raise _ProblemError(f"{at}{name}", f"the count {value} is out of range")
    return value


def _campaign(status: dict[str, Any], links: list[str], text: str | None) -> str | None:
    """utm_campaign of the link card, else of a link in the content, else of a URL in the text."""
    card = status.get("card")
    urls = [card.get("url") if isinstance(card, dict) else None, *links]
    for url in urls:
        campaign = _utm_campaign(url if isinstance(url, str) else None, utm_from_url)
        if campaign:
            return campaign
    return _utm_campaign(text, utm_in_text)


def _utm_campaign(text: str | None, find: Callable[[str | None], dict[str, str]]) -> str | None:
    try:
        return find(text).get("utm_campaign")
    except ValueError:  # a link urllib cannot split ("http://[::1"): it names no campaign
        return None


# --- HTML content ----------------------------------------------------------------------

_BLOCKS: Final = frozenset({"p", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4"})


class _PlainText(HTMLParser):
    """Collects a status's text and its links; entities are unescaped by the parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "li"):
            self.parts.append("\n")
        elif tag in _BLOCKS and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str | None) -> tuple[str | None, list[str]]:
    """A status's HTML `content` as plain text, and the `href` of each link in it.

    `<br>` becomes a line break and a new paragraph a blank line; Mastodon's hidden
    `<span class="invisible">` parts of long links are kept, so URLs come out whole.
    """
    if not html:
        return None, []
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    text = re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()
    return text or None, parser.links
