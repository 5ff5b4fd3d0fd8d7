"""Long posts in an X archive: the whole text of a post over 280 characters.

`tweets.js` holds such a post cut at about 275 characters, ending in "…" (and usually a
t.co link to the whole post); the whole text is in `data/note-tweet.js`
(`window.YTD.note_tweet.part0 = [{"noteTweet": {"noteTweetId", "createdAt", "core":
{"text", "urls", ...}}}]`). A note names no tweet: its `noteTweetId` is an id of its own.
So a note is the tweet's when both went out in the same second (`createdAt`,
`created_at`) and the tweet's text is where the note's begins, as the tools that read
archives pair them (the Community Archive matches the same instant and a text prefix).
The two texts are compared as X writes them: a reply's text starts with the handles it
answers and the note's does not, and the same link has a t.co address of its own in each,
so leading handles are left out and any t.co link matches any other. A tweet that does not
end in "…" is a note's only when the texts are the same: a short tweet must not take the
note of a long one posted in the same second (a thread goes out in one second).

Checked against real archives (tests/sources/fixtures/PROVENANCE.md): every note matched
exactly one tweet, several of them replies and threads posted in one second.

Nothing is guessed: a note that matches no tweet, or more than one, and a tweet that
matches more than one note, leave those tweets with the text `tweets.js` gives, and the
load says so (a `Notice`, after the rows). A tweet file loaded on its own beside the
archive's other tweet files (`community-tweet.js` by `--auto`) shares their notes: a note
that fits none of its tweets is then named only when one of its tweets was left cut.
A `note-tweet.js` that cannot be read loses no
tweet: they load with their cut text, which fills a stored text but never replaces one (a
full text loaded before stays, and the campaign of a link past the cut), and the load says
why.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any, Final, Generic, TypeVar

from outcomes.sources.archive_members import UNPACK_ERRORS
from outcomes.sources.base import Notice, Row
from outcomes.sources.fields import parse_datetime, utm_from_url, utm_in_text
from outcomes.sources.json_input import (
    DecodeError,
    Element,
    StreamError,
    TextStream,
    array_elements,
    text_start,
)

NOTES_FILE: Final = "note-tweet.js"
_PREFIX: Final = re.compile(r"\s*window\.YTD\.note_tweet\.part\d+\s*=\s*")
_LINK: Final = re.compile(r"https?://t\.co/\w+")
_LEADING_HANDLES: Final = re.compile(r"^(?:@\w+\s+)+")
_CUT: Final = re.compile(r"…(?:\s*https?://t\.co/\w+)*\s*$")
"""Where `tweets.js` cut a long post: "…", then the links X adds after it."""
_ANY_LINK: Final = "\x00"
_SHOWN: Final = 3
"""Notes named in a notice; the rest are counted."""

Payload = TypeVar("Payload")
Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True, slots=True)
class Note:
    """One long post's whole text, the second it went out and its links."""

    note_id: str
    second: dt.datetime
    text: str
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notes:
    """What `note-tweet.js` gives: its notes, or why it gives none."""

    notes: tuple[Note, ...] = ()
    problem: str = ""
    """Why the file cannot be read; "" when it was read, or is not there."""
    unreadable: tuple[str, ...] = ()
    """Why each note that could not be used was passed over."""


def read_notes(name: str, opener: Opener | None) -> Notes:
    """The notes of `note-tweet.js` (`name` as the user knows it); none without the file."""
    if opener is None:
        return Notes()
    notes: list[Note] = []
    unreadable: list[str] = []
    try:
        with opener() as stream:
            for element in _elements(stream):
                note = _note(element)
                if isinstance(note, Note):
                    notes.append(note)
                else:
                    unreadable.append(f"note {element.number}: {note}")
    except (DecodeError, StreamError, _NotNotesError) as exc:
        where = f" at line {exc.line}, column {exc.column}" if isinstance(exc, StreamError) else ""
        return Notes(problem=f"{name} cannot be read ({exc}{where})")
    except UNPACK_ERRORS as exc:
        return Notes(problem=f"{name} cannot be read ({exc})")
    return Notes(tuple(notes), unreadable=tuple(unreadable))


class _NotNotesError(ValueError):
    """The file does not start as `note-tweet.js` does."""


def _elements(stream: IO[bytes]) -> Iterator[Element]:
    head = stream.read(4)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    buffer, found = text_start(
        TextStream(stream, "utf-16" if utf16 else "utf-8-sig", head), _PREFIX
    )
    if not found:
        raise _NotNotesError("it does not start with 'window.YTD.note_tweet.part0 = ['")
    yield from array_elements(buffer, unique_keys=True)


def _note(element: Element) -> Note | str:
    """One element as a note, or why it cannot be one."""
    if element.problem is not None:
        return element.problem.reason
    holder = element.value.get("noteTweet") if isinstance(element.value, dict) else None
    core = holder.get("core") if isinstance(holder, dict) else None
    text = core.get("text") if isinstance(core, dict) else None
    if not isinstance(holder, dict) or not isinstance(core, dict) or not isinstance(text, str):
        return 'expected {"noteTweet": {"core": {"text": ...}}}'
    try:
        moment = parse_datetime(holder.get("createdAt"))
    except (ValueError, OverflowError) as exc:  # FieldError, or a time that overflows UTC
        return str(exc)
    if moment is None:
        return "the note has no createdAt"
    links = tuple(_expanded(core.get("urls")))
    note_id = str(holder.get("noteTweetId") or "")
    return Note(note_id, moment.replace(microsecond=0), text, links)


def _expanded(urls: object) -> Iterator[str]:
    for link in urls if isinstance(urls, list) else []:
        expanded = link.get("expandedUrl") if isinstance(link, dict) else None
        if isinstance(expanded, str):
            yield expanded


# --- which tweet a note is ---------------------------------------------------------------


def _comparable(text: str) -> str:
    """The text as both files can be compared: no leading handles, any t.co link alike,
    nothing after the last words."""
    text = _LINK.sub(_ANY_LINK, _LEADING_HANDLES.sub("", text))
    return text.rstrip().rstrip(_ANY_LINK + " \t\n").rstrip()


def fits(tweet_text: str, note_text: str) -> bool:
    """Whether a tweet's text is a note's: where it begins when the tweet is cut ("…"),
    the same text when it is not."""
    cut = _CUT.search(tweet_text)
    shown = _comparable(tweet_text[: cut.start()] if cut else tweet_text)
    if not shown:
        return False
    whole = _comparable(note_text)
    return whole.startswith(shown) if cut else whole == shown


def looks_cut(text: object) -> bool:
    """Whether a tweet's text ends as `tweets.js` cuts a long post."""
    return isinstance(text, str) and _CUT.search(text) is not None


@dataclass(slots=True)
class _Held(Generic[Payload]):
    row: Row
    payload: Payload
    note: Note


class LongPosts(Generic[Payload]):
    """Gives each tweet the whole text of its note; see the module.

    A tweet one note fits is held back until every tweet is read, since a later tweet
    may fit the same note (then neither takes it); the others pass at once.
    """

    def __init__(self, notes: Notes) -> None:
        self._notes = notes
        self._by_second: dict[dt.datetime, list[Note]] = {}
        for note in notes.notes:
            self._by_second.setdefault(note.second, []).append(note)
        self._held: list[_Held[Payload]] = []
        self._fitted: Counter[int] = Counter()
        """id() of each note → how many tweets it fits."""
        self._torn = 0
        """Tweets that fit more than one note."""
        self._cut_alone = 0
        """Tweets cut as long posts are that fit no note."""

    def admit(self, row: Row, payload: Payload) -> tuple[Row, Payload] | None:
        """The row to pass on now, or None when it is held back for `rest`."""
        text, moment = row.values.get("text"), row.values.get("ts")
        if self._notes.problem and looks_cut(text):
            return _unknown_note(row), payload
        if not isinstance(text, str) or not isinstance(moment, dt.datetime):
            return row, payload
        second = moment.replace(microsecond=0)
        found = [note for note in self._by_second.get(second, []) if fits(text, note.text)]
        for note in found:
            self._fitted[id(note)] += 1
        if len(found) > 1:
            self._torn += 1
        elif not found and looks_cut(text):
            self._cut_alone += 1
        if len(found) != 1:
            return row, payload
        self._held.append(_Held(row, payload, found[0]))
        return None

    def rest(self) -> Iterator[tuple[Row, Payload]]:
        """The rows held back, each with its note's text when no other tweet fits it."""
        for held in self._held:
            if self._fitted[id(held.note)] == 1:
                yield _with_note(held.row, held.note), held.payload
            else:
                yield held.row, held.payload
        self._held.clear()

    def notices(self, tweets: str, *, alone: bool = True) -> Iterator[Notice]:
        """What the load must say about the notes (`tweets`: the tweet file's name).

        A tweet file loaded on its own beside other tweet files (`alone` False: the
        archive's `community-tweet.js`, `tweets-part1.js`) shares `note-tweet.js` with
        them, so a note that fits none of its tweets is likely another file's: it is named
        only when a tweet of this file was left cut with no note.
        """
        if self._notes.problem:
            yield Notice(
                f"{self._notes.problem}: posts over 280 characters keep the text {tweets} "
                "cuts at about 275 characters (a full text loaded before is kept); "
                "download the archive again"
            )
        unmatched = [n for n in self._notes.notes if self._fitted[id(n)] != 1]
        if not alone and not self._cut_alone:
            unmatched = [n for n in unmatched if self._fitted[id(n)] > 1]
        if unmatched or self._torn:
            yield Notice(_unmatched(unmatched, self._torn, self._fitted, tweets))
        if self._notes.unreadable:
            count = len(self._notes.unreadable)
            yield Notice(
                f"{NOTES_FILE}: {count} note{'s' if count != 1 else ''} cannot be read "
                f"({self._notes.unreadable[0]}): those posts keep the text {tweets} cuts"
            )


def _unknown_note(row: Row) -> Row:
    """A cut tweet whose note cannot be known: a full text stored before stays, and so does
    a campaign read from a link past the cut. No campaign before the cut states none (it
    is left out), so it keeps a stored one without a blank cell's notice: the notice that
    `note-tweet.js` cannot be read says why."""
    values = {k: v for k, v in row.values.items() if k != "campaign" or v is not None}
    return dataclasses.replace(row, values=values, fills=row.fills | {"text", "campaign"})


def _unmatched(unmatched: list[Note], torn: int, fitted: Counter[int], tweets: str) -> str:
    """One line naming the notes that are no single tweet's."""
    parts = [
        f"note {note.note_id or '(no id)'} matches "
        + ("no tweet" if fitted[id(note)] == 0 else f"{fitted[id(note)]} tweets")
        for note in unmatched[:_SHOWN]
    ]
    if len(unmatched) > _SHOWN:
        parts.append(f"{len(unmatched) - _SHOWN} more")
    if torn:
        parts.append(f"{torn} tweet{'s' if torn != 1 else ''} match{'' if torn != 1 else 'es'} two")
    return (
        f"{NOTES_FILE}: long posts not matched to exactly one tweet by the second they went "
        f"out and the start of their text ({'; '.join(parts)}): those posts keep the "
        f"text {tweets} cuts at about 275 characters; check that {NOTES_FILE} comes from the "
        "same archive as the tweets"
    )


def _with_note(row: Row, note: Note) -> Row:
    """The row with the note's whole text where `tweets.js` cut it (a reply's text keeps the
    handles it starts with, which the note leaves out), and a campaign from the note's links
    when it had none. A tweet that is not cut keeps its own text: it is whole already."""
    values: dict[str, Any] = dict(row.values)
    text = str(values["text"])
    if looks_cut(text):
        handles = _LEADING_HANDLES.match(text)
        start = handles.group(0) if handles and not note.text.startswith(handles.group(0)) else ""
        values["text"] = start + note.text
    if values.get("campaign") is None:
        campaign = _campaign(note)
        if campaign is not None:
            values["campaign"] = campaign
    return dataclasses.replace(row, values=values)


def _campaign(note: Note) -> str | None:
    """The `utm_campaign` of the note's first link that has one (links past the cut are
    only here), else of one written out in its text."""
    try:
        for link in note.links:
            found = utm_from_url(link).get("utm_campaign")
            if found:
                return found
        return utm_in_text(note.text).get("utm_campaign")
    except ValueError:  # a link urllib cannot split names no campaign
        return None
