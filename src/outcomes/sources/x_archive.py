"""X (Twitter) archive: `data/tweets.js`, its `tweets-partN.js` siblings, or the whole `.zip`.

The archive's tweet files are JavaScript: `window.YTD.tweets.part0 = ` followed by a JSON
array of `{"tweet": {...}}`. Each tweet becomes one `activities` row:

* kind "repost" when `full_text` starts with "RT @", "reply" when `in_reply_to_status_id`
  is set (a reply to one's own tweet, a thread, is still a reply: it answers something),
  else "post". The archive holds only what the owner wrote, so nothing here is inbound.
* The owner's handle comes from `data/account.js` (in the zip, or beside the tweets file),
  else from `ReadOptions.account`. Without either, `account` and `author` stay empty and
  the URL uses X's handle-less form `https://x.com/i/web/status/<id>`.
* `full_text` is HTML-escaped in archives (`&amp;`, `&lt;`, `&gt;`); it is unescaped.
* `favorite_count` and `retweet_count` are strings; they become `reactions` and `shares`.
  The archive has no impressions.
* `campaign` is the `utm_campaign` of the first expanded link (`entities.urls`), since
  links in the text are t.co short links, else of a link written out in the text.

A record without an id or date, with a date that cannot be read or a count that is not a
number is rejected; `line` is its 1-based position in the file's array, and when the input
holds several tweet files (a zip or folder) the reason names the file.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Final

from outcomes.sources.base import (
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import (
    FieldError,
    is_empty,
    parse_datetime,
    parse_int,
    utm_from_url,
    utm_in_text,
)

NAME: Final = "x-archive"
CHANNEL: Final = "x"
# Older archives (before 2020) call the file `tweet.js` and the variable `window.YTD.tweet`.
_TWEETS_PREFIX: Final = re.compile(r"\s*window\.YTD\.tweets?\.part\d+\s*=\s*")
_ACCOUNT_PREFIX: Final = re.compile(r"\s*window\.YTD\.account\.part\d+\s*=\s*")
_TWEETS_FILE: Final = re.compile(r"tweets?(?:-part(\d+))?\.js")
_ACCOUNT_FILE: Final = "account.js"
_EXPECTED: Final = "window.YTD.tweets.part0 = ["
# What unpacking a damaged, encrypted or oddly compressed member can raise.
_UNPACK_ERRORS: Final = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


class XArchive(Source):
    """Tweets, replies and retweets from an X archive (tweets.js, a data folder or the zip)."""

    name = NAME
    channel = CHANNEL
    description = "X (Twitter) archive: data/tweets.js, tweets-partN.js or the archive .zip"

    def detect(self, path: Path, head: bytes) -> bool:
        """A tweets file by its `window.YTD.tweets.` prefix, or a zip holding one."""
        if head.startswith(b"PK\x03\x04"):
            return bool(_zip_tweet_members(path, quiet=True))
        text = head.removeprefix(codecs.BOM_UTF8)[:200].decode("utf-8", errors="replace")
        return _TWEETS_PREFIX.match(text) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Every tweet of the file, folder or zip as an `activities` row, or a rejection."""
        if path.is_dir():
            yield from _read_folder(path, options)
        elif _is_zip(path):
            yield from _read_zip(path, options)
        else:
            data = _read_bytes(path)
            handle = _sibling_handle(path.parent) or _option_handle(options)
            yield from _tweets(path, path.name, data, handle, options, label=False)


def _read_folder(folder: Path, options: ReadOptions) -> Iterator[Parsed]:
    """The tweet files of an archive's `data/` folder (or of the archive's root folder)."""
    for candidate in (folder, folder / "data"):
        files = sorted(
            (p for p in candidate.glob("*.js") if _TWEETS_FILE.fullmatch(p.name)),
            key=lambda p: _part_number(p.name),
        )
        if files:
            handle = _sibling_handle(candidate) or _option_handle(options)
            for file in files:
                yield from _tweets(file, file.name, _read_bytes(file), handle, options, label=True)
            return
    raise SourceError(folder, "no tweets.js or tweets-partN.js in this folder or its data/ folder")


def _read_zip(path: Path, options: ReadOptions) -> Iterator[Parsed]:
    """The tweet files inside an archive zip, at any depth, part 0 first."""
    members = _zip_tweet_members(path, quiet=False)
    if not members:
        raise SourceError(
            path, "the zip has no data/tweets.js; is this the X archive (Settings › Your account)?"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            handle = _zip_handle(archive, members[0]) or _option_handle(options)
            for member in members:
                data = _zip_member(path, archive, member)
                yield from _tweets(path, member, data, handle, options, label=True)
    except zipfile.BadZipFile:
        raise SourceError(path, "not a valid zip archive; download the archive again") from None


def _zip_tweet_members(path: Path, *, quiet: bool) -> list[str]:
    """Names of the tweet files in the zip, ordered by part; [] for another kind of zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        if quiet:
            return []
        if isinstance(exc, OSError):
            raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
        raise SourceError(path, "not a valid zip archive; download the archive again") from None
    found = [
        n
        for n in names
        if _TWEETS_FILE.fullmatch(PurePosixPath(n).name) and not n.startswith("__MACOSX/")
    ]
    return sorted(found, key=lambda n: (_part_number(PurePosixPath(n).name), n))


def _zip_member(path: Path, archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)
    except _UNPACK_ERRORS as exc:
        raise SourceError(
            path, f"{member} cannot be unpacked ({exc}); download the archive again"
        ) from None


def _zip_handle(archive: zipfile.ZipFile, tweets_member: str) -> str | None:
    """The username in the `account.js` beside the tweets file, if the archive has one."""
    member = str(PurePosixPath(tweets_member).with_name(_ACCOUNT_FILE))
    try:
        data = archive.read(member)
    except (KeyError, *_UNPACK_ERRORS):
        return None
    return _handle_from_account(data)


def _sibling_handle(folder: Path) -> str | None:
    """The username in `account.js` next to the tweets file(s), if there is one.

    The archive's own account file wins over `ReadOptions.account`: it cannot be mistyped.
    """
    account = folder / _ACCOUNT_FILE
    if not account.is_file():
        return None
    try:
        return _handle_from_account(account.read_bytes())
    except OSError:
        return None


def _handle_from_account(data: bytes) -> str | None:
    """`username` from `window.YTD.account.part0 = [{"account": {...}}]`; None if unreadable.

    A damaged account file is not worth refusing the tweets for: the handle can also come
    from the command line.
    """
    try:
        text = data.decode("utf-8-sig")
        match = _ACCOUNT_PREFIX.match(text)
        items = json.loads(text[match.end() :]) if match else None
        username = items[0]["account"]["username"] if isinstance(items, list) and items else None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, IndexError):
        return None
    return _clean_handle(username)


def _option_handle(options: ReadOptions) -> str | None:
    return _clean_handle(options.account)


def _clean_handle(raw: object) -> str | None:
    """A handle without its `@`, as X shows it in URLs; None when there is none."""
    text = str(raw).strip().lstrip("@") if raw else ""
    return text or None


def _part_number(name: str) -> int:
    match = _TWEETS_FILE.fullmatch(name)
    return int(match.group(1)) if match and match.group(1) else 0


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def _tweets(
    path: Path, member: str, data: bytes, handle: str | None, options: ReadOptions, *, label: bool
) -> Iterator[Parsed]:
    """Rows for the tweets of one tweets file; `label` names the file in rejection reasons."""
    where = f"{member}: " if label else ""
    items = _parse_tweets_file(path, where, data, options.encoding)
    del data
    for index in range(len(items)):
        element, items[index] = items[index], None  # let each record go once it is read
        yield _tweet(index + 1, element, handle, where)


def _parse_tweets_file(path: Path, where: str, data: bytes, encoding: str | None) -> list[Any]:
    """The JSON array after the `window.YTD.tweets.partN = ` prefix."""
    text = _decode(path, where, data, encoding)
    if not text.strip():
        raise SourceError(path, f"{where}the file is empty; download the archive again")
    match = _TWEETS_PREFIX.match(text)
    if match is None:
        start = text.lstrip()[:40]
        message = f"does not start with '{_EXPECTED}' (it starts {start!r})"
        raise SourceError(path, f"{where}{message}; not an X archive tweets file")
    try:
        items = json.loads(text[match.end() :])
    except json.JSONDecodeError as exc:
        line, column = _position(text, match.end() + exc.pos)
        message = f"broken JSON at line {line}, column {column} ({exc.msg})"
        advice = "the file is cut off or damaged, download the archive again"
        raise SourceError(path, f"{where}{message}; {advice}") from None
    if not isinstance(items, list):
        raise SourceError(path, f"{where}expected a JSON array of tweets after the prefix")
    return items


def _decode(path: Path, where: str, data: bytes, encoding: str | None) -> str:
    chosen = encoding or ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    try:
        return data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"byte 0x{data[exc.start]:02X} at line {line} is not {chosen}"
        advice = "pass the file's encoding (e.g. --encoding cp1252)"
        raise SourceError(path, f"{where}{message}; {advice}") from None
    except LookupError:
        raise SourceError(path, f"unknown encoding {chosen!r}") from None


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in the whole file."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _tweet(number: int, element: Any, handle: str | None, where: str) -> Parsed:
    """One archive element as a row, or a rejection naming the field at fault."""
    raw = json.dumps(element, ensure_ascii=False)
    tweet = element.get("tweet", element) if isinstance(element, dict) else None
    if not isinstance(tweet, dict):
        return Rejected(number, "tweet", f'{where}expected an object {{"tweet": {{...}}}}', raw)
    try:
        values = _tweet_values(tweet, handle)
    except _FieldProblemError as exc:
        return Rejected(number, exc.column, f"{where}{exc.reason}", raw)
    return Row("activities", values)


class _FieldProblemError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _tweet_values(tweet: dict[str, Any], handle: str | None) -> dict[str, Any]:
    native_id = _tweet_id(tweet)
    text = _unescape(tweet.get("full_text", tweet.get("text")))
    in_reply_to = _first(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
    if text is not None and text.startswith("RT @"):
        kind = "repost"
    elif in_reply_to is not None:
        kind = "reply"
    else:
        kind = "post"
    return {
        "key": natural_key(CHANNEL, native_id),
        "source": NAME,
        "channel": CHANNEL,
        "account": handle,
        "native_id": native_id,
        "kind": kind,
        "author": handle,
        "in_reply_to": in_reply_to,
        "ts": _field(tweet, "created_at", parse_datetime, required=True),
        "text": text,
        "url": f"https://x.com/{handle or 'i/web'}/status/{native_id}",
        "campaign": _campaign(tweet, text),
        "reactions": _field(tweet, "favorite_count", parse_int),
        "shares": _field(tweet, "retweet_count", parse_int),
    }


def _tweet_id(tweet: dict[str, Any]) -> str:
    native_id = _first(tweet, "id_str", "id")
    if native_id is None:
        raise _FieldProblemError("id_str", "the tweet has no id (id_str)")
    if not native_id.isdigit():
        raise _FieldProblemError("id_str", f"expected a numeric tweet id, got {native_id!r}")
    return native_id


def _first(tweet: dict[str, Any], *names: str) -> str | None:
    """The first of `names` that has a value, as text (archives write ids as strings)."""
    for name in names:
        value = tweet.get(name)
        if not is_empty(value):
            return str(value).strip()
    return None


def _field(
    tweet: dict[str, Any], name: str, parse: Callable[[object], Any], *, required: bool = False
) -> Any:
    try:
        value = parse(tweet.get(name))
    except FieldError as exc:
        raise _FieldProblemError(name, str(exc)) from None
    if value is None and required:
        raise _FieldProblemError(name, f"the tweet has no {name}")
    return value


def _unescape(text: object) -> str | None:
    """Archive texts escape only `&`, `<` and `>`; `&amp;` last so `&amp;lt;` stays `&lt;`."""
    if not isinstance(text, str):
        return None
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _campaign(tweet: dict[str, Any], text: str | None) -> str | None:
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for link in urls if isinstance(urls, list) else []:
        expanded = link.get("expanded_url") if isinstance(link, dict) else None
        campaign = utm_from_url(expanded if isinstance(expanded, str) else None).get("utm_campaign")
        if campaign:
            return campaign
    return utm_in_text(text).get("utm_campaign")
