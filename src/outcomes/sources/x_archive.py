"""X (Twitter) archive: `data/tweets.js`, its `tweets-partN.js` siblings, `direct-messages.js`,
or the whole `.zip`.

The archive's tweet files are JavaScript: `window.YTD.tweets.part0 = ` followed by a JSON
array of `{"tweet": {...}}`. The owner's posts in X Communities are not in `tweets.js`
but in `community-tweet.js` (`window.YTD.community_tweet.part0`, the same records with a
`community_id`), which is read with it: without it those posts would be missing from the
archive's load and from the counts, unnoticed. Each tweet becomes one `activities` row:

* kind "repost" when `full_text` starts with "RT @", "reply" when `in_reply_to_status_id`
  is set (a reply to one's own tweet, a thread, is still a reply: it answers something),
  else "post". The tweet files hold only what the owner wrote, so no tweet is inbound.
* The owner's handle comes from `data/account.js` (in the zip, or beside the tweets file),
  else from `ReadOptions.account` (`--account`). Without either (account.js missing or
  unreadable, as when it gives `username` twice with two values, and no `--account`) the
  input is refused: tweets without an account would match no tactic, and would blank the
  account of tweets loaded before.
* `full_text` is HTML-escaped in archives (`&amp;`, `&lt;`, `&gt;`); it is unescaped.
* `favorite_count` and `retweet_count` are strings; they become `reactions` and `shares`.
  The archive has no impressions.
* `campaign` is the `utm_campaign` of the first expanded link (`entities.urls`), since
  links in the text are t.co short links, else of a link written out in the text. A tweet
  without `entities` gives a campaign from its text only to a tweet not stored yet, and
  leaves a stored tweet's campaign as it is.
* A post over 280 characters is cut in `tweets.js` ("…"); its whole text, from
  `note-tweet.js` beside the tweets (or in the zip), is stored instead, and a campaign
  from its links when the tweet gives none (see `outcomes.sources.x_notes`). A
  `note-tweet.js` that cannot be read loses no tweet: the load warns and keeps a full text
  stored before.
* An edited tweet is one activity: the archive writes each version as a record of its own,
  so only the last version is loaded, under the first version's id and date, and the
  earlier ones are passed over as "an earlier version of an edited tweet"
  (see `outcomes.sources.x_edits`).

A record without an id or date, with a date that cannot be read or a count that is not a
number is rejected, and so is one holding `NaN`, `Infinity`, a number out of range, a
string with a lone UTF-16 surrogate (`"\\ud800"`: damaged text, which is not repaired) or
a key given twice with two values (a `created_at` given twice: which day holds is
unknown; the same value twice is read);
`line` is its 1-based position in the file's array, and when the input holds several
tweet files (a zip or folder) the reason names the file. A file that is cut off, broken
or nested too deeply is refused with its line and column.

Direct messages (`direct-messages.js`, its `-partN.js` siblings, and
`direct-message-headers.js`, the same messages without their text) are read with the
tweets of a folder or zip, or alone, and so is a zip of the DM files alone (with the
`account.js` beside them); see `outcomes.sources.x_dms`. Which side is ours comes from
`account.js`'s `accountId`; without it they are counted and passed over, and a notice
says so. A customer's message is "message_in" (its author their numeric id: DMs name no
handle), each of them loaded (the measures read a customer's messages before our answer
as one wait); our next message is "message" answering the first waiting one
(`in_reply_to`), so its first response time is measured.
Our other messages (opening a conversation, or following our own answer) answer no one.
Group conversations (`direct-messages-group.js`) are counted and passed over: who waits
for whose answer cannot be told there.

Tweet files are read as streams, also inside the zip: one tweet at a time is parsed from
a window of about 1 MiB, so a 300 MB `tweets.js` is never held whole.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from outcomes.sources.archive_members import UNPACK_ERRORS, beside, small_file, small_member
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
    is_empty,
    parse_datetime,
    parse_int,
    utm_from_url,
    utm_in_text,
)
from outcomes.sources.json_input import (
    Element,
    RecordError,
    loads,
    printable,
)
from outcomes.sources.x_dms import DMS_PREFIX, dms_files, dms_member, is_dms, read_dms, unescape
from outcomes.sources.x_edits import EditChains, edit_chain
from outcomes.sources.x_files import (
    Kind,
    Opener,
    elements,
    file_opener,
    member_opener,
    unpack_error,
)
from outcomes.sources.x_notes import NOTES_FILE, LongPosts, Notes, read_notes

NAME: Final = "x-archive"
CHANNEL: Final = "x"
CAMPAIGN: Final = frozenset({"campaign"})
"""Worked out from a tweet's links and text: None there is a statement (`Row.clears`)."""
# Older archives (before 2020) call the file `tweet.js` and the variable `window.YTD.tweet`.
_TWEETS_PREFIX: Final = re.compile(r"\s*window\.YTD\.(?:tweets?|community_tweet)\.part\d+\s*=\s*")
_ACCOUNT_PREFIX: Final = re.compile(r"\s*window\.YTD\.account\.part\d+\s*=\s*")
_TWEETS_FILE: Final = re.compile(r"(?:tweets?|community-tweet)(?:-part(\d+))?\.js")
_ACCOUNT_FILE: Final = "account.js"


TWEETS: Final = Kind(_TWEETS_PREFIX, "window.YTD.tweets.part0 = [", "tweets")
_INT64: Final = 1 << 63


class XArchive(Source):
    """Tweets, replies and retweets from an X archive (tweets.js, a data folder or the zip)."""

    name = NAME
    channel = CHANNEL
    reads_account = True
    reading = 4
    reading_change = (
        "stores an edited tweet once, under its first id (the rows an earlier reading stored "
        "for its later versions go), a long post's whole text from note-tweet.js, and the "
        "direct messages of the archive's direct-messages.js and direct-message-headers.js, "
        "a conversation split over direct-messages-partN.js files read as one, and a "
        "customer's further messages before our answer (measured as one wait)"
    )
    description = (
        "X (Twitter) archive: data/tweets.js, tweets-partN.js, direct-messages.js, "
        "direct-message-headers.js or the archive .zip"
    )

    def detect(self, path: Path, head: bytes) -> bool:
        """A tweets or direct messages file by its `window.YTD.` prefix, or a zip of tweets."""
        if head.startswith(b"PK\x03\x04"):
            return bool(_zip_tweet_members(path, quiet=True) or _zip_dm_members(path))
        text = head.removeprefix(codecs.BOM_UTF8)[:200].decode("utf-8", errors="replace")
        return _TWEETS_PREFIX.match(text) is not None or DMS_PREFIX.match(text) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Every tweet of the file, folder or zip as an `activities` row, or a rejection."""
        if path.is_dir():
            yield from _read_folder(path, options)
        elif _is_zip(path):
            yield from _read_zip(path, options)
        elif is_dms(path):
            account = _sibling_account(path.parent)
            owner = (_owner(path, account, options), account.account_id)
            yield from read_dms([(path, path.name, file_opener(path))], owner, options, label=False)
        else:
            handle = _owner(path, _sibling_account(path.parent), options)
            posts = _Posts(read_notes(NOTES_FILE, _sibling_notes(path.parent)))
            opener = file_opener(path)
            yield from _tweets(path, path.name, opener, handle, options, posts, label=False)
            yield from posts.rest(path.name, alone=not _other_tweet_files(path))

    def owner_files(self, path: Path) -> tuple[Path, ...]:
        """The `account.js` and `note-tweet.js` beside a tweets file (a zip holds its own)."""
        return (*beside(path, _ACCOUNT_FILE), *beside(path, NOTES_FILE))


class _Posts:
    """Where a tweet's row goes before it is given: its note's whole text (`x_notes`),
    then its edit chain (`x_edits`), both across every tweet file of the input."""

    def __init__(self, notes: Notes) -> None:
        self.long_posts: LongPosts[tuple[frozenset[int], int]] = LongPosts(notes)
        self.edits = EditChains()  # the versions of an edited tweet may sit in different parts

    def admit(self, row: Row, chain: frozenset[int], number: int) -> Iterator[Parsed]:
        """What a tweet's row gives now: itself, a settled edit chain, or nothing yet."""
        passed = self.long_posts.admit(row, (chain, number))
        if passed is not None:
            yield from self.edits.admit(passed[0], *passed[1])

    def rest(self, tweets: str, *, alone: bool = True) -> Iterator[Parsed]:
        """At the end of the input: the rows held back, then what the load must be told
        (`alone` False: other tweet files beside this one are loaded on their own)."""
        for row, (chain, number) in self.long_posts.rest():
            yield from self.edits.admit(row, chain, number)
        yield from self.edits.rest()
        yield from self.long_posts.notices(tweets, alone=alone)


def _read_folder(folder: Path, options: ReadOptions) -> Iterator[Parsed]:
    """The tweet and direct messages files of an archive's `data/` folder (or of the
    archive's root folder)."""
    for candidate in (folder, folder / "data"):
        files = sorted(
            (p for p in candidate.glob("*.js") if _TWEETS_FILE.fullmatch(p.name)),
            key=lambda p: (_part_number(p.name), p.name),
        )
        messages = dms_files(candidate)
        if files or messages:
            account = _sibling_account(candidate)
            handle = _owner(folder, account, options)
            posts = _Posts(read_notes(NOTES_FILE, _sibling_notes(candidate)))
            for file in files:
                opener = file_opener(file)
                yield from _tweets(file, file.name, opener, handle, options, posts, label=True)
            if files:
                yield from posts.rest(files[0].name)
            if messages:
                owner = (handle, account.account_id)
                dms = [(file, file.name, file_opener(file)) for file in messages]
                yield from read_dms(dms, owner, options, label=True)
            return
    raise SourceError(
        folder,
        "no tweets.js, tweets-partN.js or direct-messages.js in this folder or its data/ folder",
    )


def _read_zip(path: Path, options: ReadOptions) -> Iterator[Parsed]:
    """The tweet files inside an archive zip, at any depth, part 0 first, then the direct
    messages beside them (a zip of the `data/` folder's DM files alone is read too)."""
    members = _zip_tweet_members(path, quiet=False)
    messages = [] if members else _zip_dm_members(path)
    if not members and not messages:
        raise SourceError(
            path,
            "the zip has no data/tweets.js or direct-messages.js; "
            "is this the X archive (Settings › Your account)?",
        )
    first = (members or messages)[0]
    try:
        with zipfile.ZipFile(path) as archive:
            account = _zip_account(archive, first)
            handle = _owner(path, account, options)
            if members:
                yield from _zip_tweets(path, archive, members, handle, options)
            folder = PurePosixPath(first).parent
            names = sorted(n for n in archive.namelist() if dms_member(n, folder))
            if names:
                owner = (handle, account.account_id)
                dms = [(path, name, member_opener(archive, name)) for name in names]
                yield from read_dms(dms, owner, options, label=True)
    except zipfile.BadZipFile:
        raise SourceError(path, "not a valid zip archive; download the archive again") from None


def _zip_tweets(
    path: Path,
    archive: zipfile.ZipFile,
    members: list[str],
    handle: str | SourceError,
    options: ReadOptions,
) -> Iterator[Parsed]:
    """The tweets of the zip's tweet files, with the `note-tweet.js` beside them."""
    notes_member = str(PurePosixPath(members[0]).with_name(NOTES_FILE))
    found = notes_member in archive.namelist()
    notes = member_opener(archive, notes_member) if found else None
    posts = _Posts(read_notes(notes_member, notes))
    for member in members:
        opener = member_opener(archive, member)
        yield from _tweets(path, member, opener, handle, options, posts, label=True)
    yield from posts.rest(PurePosixPath(members[0]).name)


def _zip_dm_members(path: Path) -> list[str]:
    """Names of the direct messages files in a zip without tweets, at any depth."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return []
    return sorted(
        n for n in names if not n.startswith("__MACOSX/") and dms_member(n, PurePosixPath(n).parent)
    )


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


def _other_tweet_files(path: Path) -> bool:
    """Whether other tweet files sit beside the tweets file `path` (`community-tweet.js`,
    `tweets-part1.js`), sharing its `note-tweet.js`."""
    return any(
        other.name != path.name and _TWEETS_FILE.fullmatch(other.name)
        for other in path.parent.glob("*.js")
    )


def _sibling_notes(folder: Path) -> Opener | None:
    """The `note-tweet.js` next to the tweets file(s); None when there is none (archives
    before long posts have none)."""
    notes = folder / NOTES_FILE
    return file_opener(notes) if notes.is_file() else None


# --- whose tweets these are --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Account:
    """The handle an archive's `account.js` gives, or why it gives none."""

    handle: str | None
    problem: str = ""
    account_id: str | None = None
    """`accountId`: how direct messages tell our side from the customer's."""


def _owner(path: Path, account: _Account, options: ReadOptions) -> str | SourceError:
    """The archive's handle, else `--account`; without either, the error to refuse it with.

    The archive's own account file wins over the option: it cannot be mistyped. Loading
    tweets without an account would hide them from every tactic that matches on it, and
    a later load of the same tweets would overwrite the account a good load stored. The
    error is raised at the first tweet, so an empty or broken file says that first.
    """
    if account.handle is not None:
        return account.handle
    given = _clean_handle(options.account)
    if given is not None:
        if not _encodable(given):
            return SourceError(path, "the --account value is not valid text; type the handle again")
        return given
    return SourceError(
        path,
        f"{account.problem}, so whose tweets these are is unknown; "
        "pass the handle with --account HANDLE",
    )


def _zip_account(archive: zipfile.ZipFile, tweets_member: str) -> _Account:
    """The `account.js` beside the tweets file in the zip."""
    member = str(PurePosixPath(tweets_member).with_name(_ACCOUNT_FILE))
    found = small_member(archive, member, "an account file")
    return _Account(None, found) if isinstance(found, str) else _account_from(member, found)


def _sibling_account(folder: Path) -> _Account:
    """The `account.js` next to the tweets file(s)."""
    found = small_file(folder / _ACCOUNT_FILE, "an account file", "the tweets")
    if isinstance(found, str):
        return _Account(None, found)
    return _account_from(_ACCOUNT_FILE, found)


def _account_from(name: str, data: bytes) -> _Account:
    """`username` from `window.YTD.account.part0 = [{"account": {...}}]`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _Account(None, f"{name} is not UTF-8 text")
    match = _ACCOUNT_PREFIX.match(text)
    if match is None:
        return _Account(None, f"{name} does not start with 'window.YTD.account.part0 = ['")
    try:
        items = loads(text[match.end() :], unique_keys=True)
    except RecordError as exc:
        return _Account(None, f"{name} cannot be read ({exc.reason})")
    first = items[0] if isinstance(items, list) and items else None
    account = first.get("account") if isinstance(first, dict) else None
    username = account.get("username") if isinstance(account, dict) else None
    handle = _clean_handle(username) if isinstance(username, str) else None
    found_id = account.get("accountId") if isinstance(account, dict) else None
    account_id = _clean_handle(found_id) if isinstance(found_id, str | int) else None
    if handle is None:
        return _Account(None, f"{name} names no username", account_id)
    return _Account(handle, account_id=account_id)


def _clean_handle(raw: object) -> str | None:
    """A handle without its `@`, as X shows it in URLs; None when there is none."""
    text = str(raw).strip().lstrip("@") if raw else ""
    return text or None


def _encodable(text: str) -> bool:
    # A command-line argument with bytes that are not UTF-8 arrives with lone surrogates.
    return printable(text) == text


def _part_number(name: str) -> int:
    match = _TWEETS_FILE.fullmatch(name)
    return int(match.group(1)) if match and match.group(1) else 0


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


# --- one tweets file ---------------------------------------------------------------------


def _tweets(
    path: Path,
    member: str,
    opener: Opener,
    handle: str | SourceError,
    options: ReadOptions,
    posts: _Posts,
    *,
    label: bool,
) -> Iterator[Parsed]:
    """Rows for the tweets of one tweets file; `label` names the file in rejection reasons."""
    where = f"{member}: " if label else ""
    try:
        with opener() as stream:
            for element in elements(path, where, stream, options.encoding, TWEETS):
                if isinstance(handle, SourceError):
                    raise handle
                parsed = _tweet(element, handle, where)
                if isinstance(parsed, Row):
                    tweet = _tweet_object(element.value)
                    yield from posts.admit(parsed, edit_chain(tweet), element.number)
                else:
                    yield parsed
    except UNPACK_ERRORS as exc:
        raise unpack_error(path, member, exc, label=label) from None


def _tweet(element: Element, handle: str, where: str) -> Parsed:
    """One archive element as a row, or a rejection naming the field at fault."""
    number, raw = element.number, element.raw
    if element.problem is not None:
        column = (element.problem.column or "").removeprefix("tweet.") or None
        return Rejected(number, column, f"{where}{element.problem.reason}", raw)
    tweet = _tweet_object(element.value)
    if not isinstance(tweet, dict):
        return Rejected(number, "tweet", f'{where}expected an object {{"tweet": {{...}}}}', raw)
    try:
        values = _tweet_values(tweet, handle)
    except _FieldProblemError as exc:
        return Rejected(number, exc.column, f"{where}{exc.reason}", raw)
    # Without `entities` the campaign is read from the text alone (where links are t.co
    # short links, with no UTM): it may fill a gap, never replace a stored campaign.
    fills = frozenset() if "entities" in tweet else frozenset({"campaign"})
    # With them, no utm_campaign in the links or text is a statement, not a blank.
    return Row("activities", values, fills=fills, clears=CAMPAIGN - fills)


def _tweet_object(value: object) -> object:
    """The tweet inside an archive element (`{"tweet": {...}}`, or a bare tweet)."""
    return value.get("tweet", value) if isinstance(value, dict) else None


class _FieldProblemError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _tweet_values(tweet: dict[str, Any], handle: str) -> dict[str, Any]:
    native_id = _tweet_id(tweet)
    raw_text = tweet.get("full_text", tweet.get("text"))
    if raw_text is not None and not isinstance(raw_text, str):
        raise _FieldProblemError("full_text", f"expected text, got {type(raw_text).__name__}")
    text = _unescape(raw_text)
    in_reply_to = _first(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
    if text is not None and text.startswith("RT @"):
        kind = "repost"
    elif in_reply_to is not None:
        kind = "reply"
    else:
        kind = "post"
    values: dict[str, Any] = {
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
        "url": f"https://x.com/{handle}/status/{native_id}",
        "campaign": _campaign(tweet, text),
        "reactions": _count(tweet, "favorite_count"),
        "shares": _count(tweet, "retweet_count"),
    }
    # Absent is not empty: a tweet without a count field leaves the stored count alone.
    for column, name in (("reactions", "favorite_count"), ("shares", "retweet_count")):
        if name not in tweet:
            del values[column]
    return values


def _tweet_id(tweet: dict[str, Any]) -> str:
    native_id = _first(tweet, "id_str", "id")
    if native_id is None:
        raise _FieldProblemError("id_str", "the tweet has no id (id_str)")
    if not (native_id.isascii() and native_id.isdigit()):
        raise _FieldProblemError("id_str", f"expected a numeric tweet id, got {native_id!r}")
    return native_id


def _first(tweet: dict[str, Any], *names: str) -> str | None:
    """The first of `names` that has a value, as text (archives write ids as strings)."""
    for name in names:
        value = tweet.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise _FieldProblemError(name, f"expected an id, got {type(value).__name__}")
        if not is_empty(value):
            return str(value).strip()
    return None


def _field(
    tweet: dict[str, Any], name: str, parse: Callable[[object], Any], *, required: bool = False
) -> Any:
    try:
        value = parse(tweet.get(name))
    except (ValueError, OverflowError) as exc:  # FieldError, or inf/huge from the parsers
        raise _FieldProblemError(name, str(exc) or f"cannot read {name}") from None
    if value is None and required:
        raise _FieldProblemError(name, f"the tweet has no {name}")
    return value


def _count(tweet: dict[str, Any], name: str) -> int | None:
    """A count that fits the warehouse's 64-bit integers."""
    value: int | None = _field(tweet, name, parse_int)
    if value is not None and not -_INT64 <= value < _INT64:
        raise _FieldProblemError(name, f"the count {value} is out of range")
    return value


def _unescape(text: object) -> str | None:
    return unescape(text) if isinstance(text, str) else None


def _campaign(tweet: dict[str, Any], text: str | None) -> str | None:
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for link in urls if isinstance(urls, list) else []:
        expanded = link.get("expanded_url") if isinstance(link, dict) else None
        campaign = _utm_campaign(expanded if isinstance(expanded, str) else None, utm_from_url)
        if campaign:
            return campaign
    return _utm_campaign(text, utm_in_text)


def _utm_campaign(text: str | None, find: Callable[[str | None], dict[str, str]]) -> str | None:
    try:
        return find(text).get("utm_campaign")
    except ValueError:  # a link urllib cannot split ("http://[::1"): it names no campaign
        return None
