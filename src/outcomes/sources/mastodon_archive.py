"""Mastodon's own account archive ("Request your archive"): `outbox.json`, or the whole `.zip`.

The archive holds `outbox.json`, an ActivityStreams `OrderedCollection` whose
`orderedItems` are what the account published, `actor.json` (the account), `likes.json`,
`bookmarks.json` and the media. Each item of the outbox becomes one `activities` row:

* `Create` (its `object` a `Note`, or a `Question` for a poll): "reply" when the object's
  `inReplyTo` is set, "message" when it is addressed to no public and no followers
  collection (`to`/`cc`: a direct message, as the API's "direct" visibility), else "post".
  `text` is the HTML `content` as plain text, the content warning (`summary`) first;
  `campaign` is the `utm_campaign` of a link in it; `url` is the Note's `url` (the web
  page), left out when it has none, so that a url loaded before stays.
* `Announce` (a boost): "repost"; its `object` is the boosted status's URI, which becomes
  `url`. The archive has no text of a boosted status, so `text` and `campaign` are left
  out: a boost loaded from the API keeps them.
* Other activities are passed over (ignored, by reason); `likes.json`, `bookmarks.json`
  and the media are not read (favourites given are not activities of the account).

The same status gets the same row as from the `mastodon` connector (API JSON): `key` is
`natural_key("mastodon", uri)` with the Note's `id` (a boost: the Announce's `id`, which
is the reblog's `uri`), `native_id` is the number in `…/statuses/<id>`, and `account` and
`author` are `user@instance`, from `actor.json`'s `preferredUsername` and the host of
its `url`. The archive has no counts (favourites, boosts, replies), so they are left out
and counts loaded from the API stay. It differs from the API in `ts` (archives give
seconds, the API milliseconds), in a boost's `url` (the URI, not the web page) and in
`in_reply_to` of a reply to another server (its URI: the API's id is local to our
server); a reply on our own server gets the id, as from the API.

Whose archive it is comes from `actor.json` (in the zip, or beside `outbox.json`), else
from `--account` (give the full `user@instance`). Without either (actor.json missing or
unreadable and no `--account`) the archive is refused: posts without an account would
match no tactic, and would blank the account of posts loaded before. An outbox whose
activity names another `actor` than actor.json's `id` is refused too: that actor.json is
another archive's, and every post would be credited to the wrong account.

Some archives write `"orderedItems": []` before the real `orderedItems` member (a key
given twice); every `orderedItems` member is read, and `line` is the item's 1-based
position among them. An item that is not an object, holds `NaN`, `Infinity`, a number
out of range, a lone UTF-16 surrogate or a key given twice with two values, or lacks an
id or a date is rejected; so is one whose `published` is not an ISO 8601 date and time
(as ActivityStreams writes it): "06/12/2025" may be June or December, and a date alone
has lost its time.
An outbox that is cut off or broken is refused with its line and column, and so is one
whose `totalItems` says it holds items while no `orderedItems` member holds any (the real
member renamed away, the empty one left). The outbox is
read as a stream, also inside the zip: it is never held whole.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final
from urllib.parse import urlsplit

from outcomes.sources.archive_members import UNPACK_ERRORS, beside, small_file, small_member
from outcomes.sources.base import (
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import parse_datetime, utm_from_url, utm_in_text
from outcomes.sources.json_input import (
    DecodeError,
    Element,
    RecordError,
    StreamError,
    TextBuffer,
    TextStream,
    array_elements,
    loads,
    printable,
    unreadable_archive,
    value_at,
)
from outcomes.sources.mastodon import CHANNEL, html_to_text

NAME: Final = "mastodon-archive"
OUTBOX_FILE: Final = "outbox.json"
ACTOR_FILE: Final = "actor.json"
PUBLIC: Final = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
_ITEMS: Final = "orderedItems"
_STATUS_ID: Final = re.compile(r"/statuses/(\d+)(?:/activity)?/?$")
_COLLECTION_HINT: Final = re.compile(r'"type"\s*:\s*"OrderedCollection"')
_ACTIVITY_HINT: Final = re.compile(r'"type"\s*:\s*"(Create|Announce)"')
_ISO_MOMENT: Final = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?", re.ASCII | re.IGNORECASE
)
Opener = Callable[[], AbstractContextManager[IO[bytes]]]


class MastodonArchive(Source):
    """Posts, replies, direct messages and boosts from Mastodon's account archive."""

    name = NAME
    channel = CHANNEL
    reads_account = True
    description = "Mastodon account archive: outbox.json (with actor.json) or the archive .zip"

    def detect(self, path: Path, head: bytes) -> bool:
        """A zip holding outbox.json and actor.json, or an ActivityStreams outbox."""
        if head.startswith(b"PK\x03\x04"):
            return _zip_members(path, quiet=True) is not None
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").lstrip()
        return (
            text.startswith("{")
            and _COLLECTION_HINT.search(text) is not None
            and f'"{_ITEMS}"' in text
            and (path.name == OUTBOX_FILE or _ACTIVITY_HINT.search(text) is not None)
        )

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """A row (or rejection, or ignored item) for every item of the outbox."""
        if path.is_dir():
            outbox = path / OUTBOX_FILE
            if not outbox.is_file():
                raise SourceError(path, f"no {OUTBOX_FILE} in this folder")
            owner = _owner(path, _file_actor(path / ACTOR_FILE), options)
            yield from _items(outbox, OUTBOX_FILE, lambda: outbox.open("rb"), owner, options)
        elif _is_zip(path):
            yield from _read_zip(path, options)
        else:
            owner = _owner(path, _file_actor(path.parent / ACTOR_FILE), options)
            yield from _items(path, "", lambda: path.open("rb"), owner, options)

    def owner_files(self, path: Path) -> tuple[Path, ...]:
        """The `actor.json` beside an outbox (a zip holds its own)."""
        return beside(path, ACTOR_FILE)


def _read_zip(path: Path, options: ReadOptions) -> Iterator[Parsed]:
    members = _zip_members(path, quiet=False)
    if members is None:
        raise SourceError(
            path, f"the zip has no {OUTBOX_FILE}; is this the archive from Mastodon's settings?"
        )
    outbox, actor = members
    try:
        with zipfile.ZipFile(path) as archive:
            owner = _owner(path, _zip_actor(archive, actor), options)
            yield from _items(path, f"{outbox}: ", lambda: archive.open(outbox), owner, options)
    except zipfile.BadZipFile:
        raise SourceError(path, "not a valid zip archive; download the archive again") from None


def _zip_members(path: Path, *, quiet: bool) -> tuple[str, str] | None:
    """The outbox member and the actor.json beside it; None for another kind of zip.

    Detection (`quiet`) wants both files, so that a zip that merely holds an outbox is not
    taken for an archive; reading needs only the outbox (a missing actor.json is reported).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        if quiet:
            return None
        if isinstance(exc, OSError):
            raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
        raise SourceError(path, "not a valid zip archive; download the archive again") from None
    outboxes = sorted(
        (
            n
            for n in names
            if PurePosixPath(n).name == OUTBOX_FILE and not n.startswith("__MACOSX/")
        ),
        key=lambda n: (n.count("/"), n),
    )
    if not outboxes:
        return None
    actor = str(PurePosixPath(outboxes[0]).with_name(ACTOR_FILE))
    if quiet and actor not in names:
        return None
    return outboxes[0], actor


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            # An empty zip is only its end record: "the zip has no outbox.json", not "not JSON".
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


# --- whose archive it is -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Actor:
    """The handle `actor.json` gives, or why it gives none."""

    handle: str | None
    problem: str = ""
    uri: str | None = None
    """The actor's `id`: every activity of its outbox names it as `actor`."""


Owner = tuple[str | SourceError, str | None]


def _owner(path: Path, actor: _Actor, options: ReadOptions) -> Owner:
    """The archive's handle, else `--account`; without either, the error to refuse it with;
    and the `id` of the actor.json the handle came from (None for `--account`).

    As with the X archive, the archive's own actor.json wins over the option (it cannot be
    mistyped). The error is raised at the first item, so that an empty or broken outbox
    says that first.
    """
    if actor.handle is not None:
        return actor.handle, actor.uri
    given = str(options.account).strip().lstrip("@") if options.account else ""
    if given:
        if printable(given) != given:
            message = "the --account value is not valid text; type the handle again"
            return SourceError(path, message), None
        return given, None
    message = (
        f"{actor.problem}, so whose posts these are is unknown; "
        "pass the handle with --account user@instance"
    )
    return SourceError(path, message), None


def _file_actor(path: Path) -> _Actor:
    found = small_file(path, "an actor file", "the outbox")
    return _Actor(None, found) if isinstance(found, str) else _actor_from(ACTOR_FILE, found)


def _zip_actor(archive: zipfile.ZipFile, member: str) -> _Actor:
    found = small_member(archive, member, "an actor file")
    return _Actor(None, found) if isinstance(found, str) else _actor_from(member, found)


def _actor_from(name: str, data: bytes) -> _Actor:
    """`preferredUsername@host` from an ActivityPub actor (`Person`)."""
    try:
        actor = loads(data.decode("utf-8-sig"), unique_keys=True)
    except UnicodeDecodeError:
        return _Actor(None, f"{name} is not UTF-8 text")
    except RecordError as exc:
        return _Actor(None, f"{name} cannot be read ({exc.reason})")
    if not isinstance(actor, dict):
        return _Actor(None, f"{name} is not an actor (a JSON object)")
    username = actor.get("preferredUsername")
    user = username.strip().lstrip("@") if isinstance(username, str) else ""
    host = next((h for h in map(_host, (actor.get("url"), actor.get("id"))) if h), None)
    if not user or host is None:
        return _Actor(None, f"{name} names no preferredUsername and url")
    uri = actor.get("id")
    return _Actor(f"{user}@{host}", uri=uri.strip() if isinstance(uri, str) else None)


def _host(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


# --- the outbox ------------------------------------------------------------------------


def _items(
    path: Path,
    where: str,
    opener: Opener,
    owner: Owner,
    options: ReadOptions,
) -> Iterator[Parsed]:
    """Rows for the items of one outbox; `where` names the zip member in messages.

    `owner`: the handle the rows get (or the error to refuse the outbox with) and the
    `id` of the actor.json it came from, which every activity must name as its `actor`.
    """
    handle, actor = owner
    try:
        with opener() as stream:
            for number, element in _elements(path, where, stream, options.encoding):
                if isinstance(handle, SourceError):
                    raise handle
                _check_actor(path, where, number, element, actor)
                yield _item(number, element, handle)
    except UNPACK_ERRORS as exc:
        if not where:
            raise SourceError(path, f"cannot read the file: {exc}") from None
        message = f"{where.rstrip(': ')} cannot be unpacked ({exc}); download the archive again"
        raise SourceError(path, message) from None


def _elements(
    path: Path, where: str, stream: IO[bytes], encoding: str | None
) -> Iterator[tuple[int, Element]]:
    head = stream.read(4)
    chosen = encoding or ("utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    try:
        buffer = TextBuffer(TextStream(stream, chosen, head))
    except LookupError:
        raise SourceError(path, f"unknown encoding {chosen!r}") from None
    try:
        yield from _collection_items(buffer)
    except (DecodeError, StreamError) as exc:
        raise unreadable_archive(path, where, exc) from None
    except RecordError as exc:
        raise SourceError(path, f"{where}{exc.reason}; download the archive again") from None


def _collection_items(buffer: TextBuffer) -> Iterator[tuple[int, Element]]:
    """(position, element) for the elements of every `orderedItems` member of the object.

    The object's other members (`@context`, `id`, `totalItems`) are read and passed over,
    but for one check: a collection whose `totalItems` says it holds items while no
    `orderedItems` member holds any is refused (the real member renamed or cut out, with the
    empty one archives write before it left: read as it is, the archive would load nothing,
    with exit 0). Real archives' `totalItems` differs from the items a little (1,557 for
    1,586), so only none at all is refused.
    """
    first = buffer.next_char()
    if not first:
        raise buffer.problem("the file is empty")
    if first != "{":
        raise buffer.problem("expected a JSON object (an ActivityStreams OrderedCollection)")
    buffer.pos += 1
    count = 0
    said: object = None
    closing = "}"
    while buffer.next_char() != closing:
        name = _member_name(buffer)
        if name == _ITEMS:
            for element in array_elements(buffer, whole=False, unique_keys=True):
                count += 1
                yield count, element
        elif name == "totalItems":
            said = value_at(buffer)
        else:
            value_at(buffer)
        separator = buffer.next_char()
        if separator == ",":
            buffer.pos += 1
        elif separator != closing:
            raise buffer.problem("expected ',' or '}' after a member of the collection")
    buffer.pos += 1
    if buffer.next_char():
        raise buffer.problem("more text after the end of the collection")
    if count == 0 and isinstance(said, int) and not isinstance(said, bool) and said > 0:
        raise RecordError(
            f"the collection says it holds {said:,} items (totalItems), but no orderedItems "
            "member holds any: the outbox is damaged"
        )


def _member_name(buffer: TextBuffer) -> str:
    start = buffer.next_char()
    if start != '"':
        reason = "the collection is cut off (no closing '}')" if not start else "expected a name"
        raise buffer.problem(reason)
    name = value_at(buffer)
    if buffer.next_char() != ":":
        raise buffer.problem("expected ':' after a member name")
    buffer.pos += 1
    return str(name)


def _check_actor(path: Path, where: str, number: int, element: Element, actor: str | None) -> None:
    """Refuse an outbox whose activity is by another actor than the actor.json read.

    An outbox holds only its account's own activities, so an item by someone else means
    the actor.json is another archive's (two archives unpacked in one folder): read as it
    is, every post would be credited to the wrong account.
    """
    item = element.value
    by = item.get("actor") if isinstance(item, dict) else None
    if actor is None or not isinstance(by, str) or _same_uri(by, actor):
        return
    message = (
        f"{where}item {number} is by {printable(by)[:120]}, but {ACTOR_FILE} is the account "
        f"{printable(actor)[:120]}: it belongs to another archive; "
        "put this archive's own actor.json with the outbox"
    )
    raise SourceError(path, message)


def _same_uri(one: str, other: str) -> bool:
    return one.strip().rstrip("/") == other.strip().rstrip("/")


# --- items to rows ---------------------------------------------------------------------


class _ProblemError(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _item(number: int, element: Element, owner: str) -> Parsed:
    """One outbox item as a row, a rejection naming the field at fault, or ignored."""
    if element.problem is not None:
        return Rejected(number, element.problem.column, element.problem.reason, element.raw)
    item = element.value
    if not isinstance(item, dict):
        reason = f"expected an activity (a JSON object), got {_json_type(item)}"
        return Rejected(number, None, reason, element.raw)
    kind = item.get("type")
    try:
        if kind == "Create":
            values = _created(item, owner)
        elif kind == "Announce":
            values = _announced(item, owner)
        else:
            return Ignored(number, "an activity other than Create or Announce")
    except _ProblemError as exc:
        return Rejected(number, exc.column, exc.reason, element.raw)
    # The campaign is worked out from the links and text: none found there is a statement.
    return Row("activities", values, number, clears=frozenset({"campaign"}))


def _created(activity: dict[str, Any], owner: str) -> dict[str, Any]:
    note = activity.get("object")
    if not isinstance(note, dict):
        raise _ProblemError("object", f"expected the created object, got {_json_type(note)}")
    uri = _uri(note, "id", "object.id")
    text, links = html_to_text(_text(note, "content", "object.content"))
    warning = _text(note, "summary", "object.summary")
    if warning:
        text = f"{warning}\n\n{text}" if text else warning
    in_reply_to = _text(note, "inReplyTo", "object.inReplyTo")
    kind = "reply" if in_reply_to else "post"
    if _is_direct(note, activity):
        kind = "message"  # a private answer is still ours, but not a public reply
    values = {
        **_common(uri, owner, kind),
        "in_reply_to": _reply_id(in_reply_to, uri),
        "ts": _time(note, "object.") or _required_time(activity, ""),
        "text": text,
        "campaign": _campaign(links, text),
    }
    url = _text(note, "url", "object.url")
    if url is not None:  # without it, a url loaded before (from the API) stays as it is
        values["url"] = url
    return values


def _announced(activity: dict[str, Any], owner: str) -> dict[str, Any]:
    uri = _uri(activity, "id", "id")
    boosted = activity.get("object")
    target = boosted.get("id") if isinstance(boosted, dict) else boosted
    if not isinstance(target, str) or not target.strip():
        raise _ProblemError("object", "a boost without the URI of what it boosts")
    return {
        **_common(uri, owner, "repost"),
        "in_reply_to": None,
        "ts": _required_time(activity, ""),
        "url": target.strip(),
    }


def _common(uri: str, owner: str, kind: str) -> dict[str, Any]:
    match = _STATUS_ID.search(urlsplit(uri).path)
    return {
        "key": natural_key(CHANNEL, uri),
        "source": NAME,
        "channel": CHANNEL,
        "account": owner,
        "native_id": match.group(1) if match else uri,
        "kind": kind,
        "author": owner,
    }


def _uri(record: dict[str, Any], name: str, column: str) -> str:
    uri = _text(record, name, column)
    if uri is None:
        raise _ProblemError(column, f"no {name}")
    try:
        urlsplit(uri)
    except ValueError:
        raise _ProblemError(column, f"{uri[:80]!r} is not a URI") from None
    return uri


def _text(record: dict[str, Any], name: str, column: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _ProblemError(column, f"expected text, got {_json_type(value)}")
    return value.strip() or None


def _time(record: dict[str, Any], at: str) -> Any:
    """`published`, which ActivityStreams writes as an ISO 8601 date and time (xsd:dateTime).

    Anything else is refused rather than guessed: "06/12/2025" may be June or December, a
    date alone has lost its time, and a bare number is no form the archive writes.
    """
    raw = record.get("published")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or _ISO_MOMENT.fullmatch(raw.strip()) is None:
        shown = printable(raw if isinstance(raw, str) else _json_type(raw))[:40]
        reason = f"expected an ISO 8601 date and time (as 2025-12-06T18:20:30Z), got {shown!r}"
        raise _ProblemError(f"{at}published", reason)
    try:
        return parse_datetime(raw)
    except (ValueError, OverflowError, TypeError) as exc:
        raise _ProblemError(f"{at}published", str(exc) or "cannot read the date") from None


def _required_time(record: dict[str, Any], at: str) -> Any:
    moment = _time(record, at)
    if moment is None:
        raise _ProblemError(f"{at}published", "no published date")
    return moment


def _is_direct(note: dict[str, Any], activity: dict[str, Any]) -> bool:
    """Addressed to no public and no followers collection: what the API calls "direct".

    The note's addressing, else the activity's; an item that gives none is not taken for a
    message (nothing says it is private).
    """
    audience = _audience(note) or _audience(activity)
    if not audience:
        return False
    return not any(a in PUBLIC or a.rstrip("/").endswith("/followers") for a in audience)


def _audience(record: dict[str, Any]) -> list[str]:
    return [
        a for field in ("to", "cc") for a in _addresses(record.get(field)) if isinstance(a, str)
    ]


def _addresses(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _reply_id(in_reply_to: str | None, uri: str) -> str | None:
    """The replied status's id when it is on our server (as the API gives it), else its URI."""
    if in_reply_to is None:
        return None
    try:
        same_host = urlsplit(in_reply_to).hostname == urlsplit(uri).hostname
        match = _STATUS_ID.search(urlsplit(in_reply_to).path)
    except ValueError:
        return in_reply_to
    return match.group(1) if same_host and match else in_reply_to


def _campaign(links: list[str], text: str | None) -> str | None:
    for link in links:
        try:
            campaign = utm_from_url(link).get("utm_campaign")
        except ValueError:  # a link urllib cannot split names no campaign
            continue
        if campaign:
            return campaign
    try:
        return utm_in_text(text).get("utm_campaign")
    except ValueError:
        return None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
