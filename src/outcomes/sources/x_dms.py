"""X archive direct messages: `data/direct-messages.js`, so listening in DMs is measured.

Also `direct-messages-part1.js`… (a long history split over parts) and
`direct-message-headers.js` (`window.YTD.direct_message_headers`: the same events without
their text, links or reactions; times and senders are all the pairing needs). All the
direct messages files of one input are read before any conversation is paired, so a
conversation split over two parts is one conversation, and a message in two files (the
headers and the messages) is loaded once, with its text, the other copy passed over as
"a message read from another direct messages file of the archive too". A headers file
loaded on its own states no text and no campaign: it leaves those of a message stored
from `direct-messages.js` as they are. The files are still read one conversation at a
time; the messages read (their columns, text included) are held until the last file is
read, never the files whole.

The file is `window.YTD.direct_messages.part0 = ` followed by a JSON array of
conversations, `{"dmConversation": {"conversationId": "123-456", "messages": [...]}}`,
each message `{"messageCreate": {"id", "senderId", "recipientId", "text", "createdAt",
"urls", "mediaUrls", "reactions", "editHistory"}}`. Archives list a conversation's
messages newest first; they are put in time order (ties by id) before pairing.

Which side is ours comes from `account.js`'s `accountId` (the archive names people by
numeric id in DMs, never by handle). Each message is one record:

* a message from someone else is a customer's message, kind "message_in", with the
  sender's id as `author`. Each is loaded, the further messages they send before our
  answer too: that these are one wait, from the first, is read where every source's
  conversations are (`outcomes.measure.message_turns`), not here;
* our first message after a wait is its answer, kind "message" with `in_reply_to` the
  first waiting message's id (`outcomes.measure.conversation` pairs them, and the first
  response time is the answer's time minus that message's);
* our other messages (one opening a conversation, or following our own answer) are kind
  "message" without `in_reply_to`: they answer no one, as a reply continuing our own
  thread answers no customer.

`text` is unescaped as tweets are; `campaign` is the `utm_campaign` of a link (`urls`'
`expanded`). Reactions, media and earlier versions (`editHistory`) are not read.

A message without an id, sender or date, or with a date that cannot be read, is rejected
(its `line` is the conversation's 1-based position in the file, the reason names the
message); so is one neither from nor to the account of `account.js` (another archive's
account file). An entry that is not a `messageCreate` (a conversation event) is passed
over by its reason. Without an `accountId` no message can be sided: each is passed over
and a notice says what to do.

Group conversations (`direct-messages-group.js`, `window.YTD.direct_messages_group`)
have another shape: no `recipientId`, many participants and membership events
(`joinConversation`, `participantsLeave`). Who waits for whose answer cannot be told
there, so each of their entries is passed over with that reason: counted, not loaded.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from outcomes.sources.archive_members import UNPACK_ERRORS
from outcomes.sources.base import (
    Ignored,
    Notice,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import FieldError, parse_datetime, utm_from_url
from outcomes.sources.json_input import Element
from outcomes.sources.x_files import Kind, Opener, elements, file_opener, unpack_error

NAME: Final = "x-archive"
CHANNEL: Final = "x"
DMS_PREFIX: Final = re.compile(
    r"\s*window\.YTD\.direct_message(?P<shape>s|s_group|_headers|_group_headers)\.part\d+\s*=\s*"
)
DMS: Final = Kind(DMS_PREFIX, "window.YTD.direct_messages.part0 = [", "direct messages")
_DMS_FILE: Final = re.compile(
    r"direct-message(?P<shape>s|s-group|-headers|-group-headers)(?:-part\d+)?\.js"
)
EVENT: Final = "a conversation event, not a message"
GROUP: Final = "a group conversation: who waits for whose answer cannot be told"
UNSIDED: Final = "no accountId in account.js: which side of the conversation is ours is unknown"
TWICE: Final = "a message read from another direct messages file of the archive too"
_STATED: Final = frozenset({"campaign", "in_reply_to"})
"""Worked out from the file (links, the order of the conversation): None is a statement."""


@dataclass(frozen=True, slots=True)
class Owner:
    """The archive's account: its handle (the `account` of every row) and its numeric id."""

    handle: str
    account_id: str | None


@dataclass(frozen=True, slots=True)
class _Message:
    id: str
    sender: str
    values: dict[str, Any]
    number: int
    """Its conversation's 1-based position in the file it was read from."""
    headers: bool = False
    """Read from a `direct-message-headers.js`: the same message without its text."""


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a direct messages file holds: group conversations or not, whole messages or
    only their headers."""

    group: bool
    headers: bool


def read_dms(
    files: Sequence[tuple[Path, str, Opener]],
    owner: tuple[str | SourceError, str | None],
    options: ReadOptions,
    *,
    label: bool,
) -> Iterator[Parsed]:
    """The messages of the direct messages `files` of one input (each the file or zip,
    the member's name, its opener); `owner` is the archive's handle (or why it has none)
    and `accountId`; `label` names the file in reasons.

    A conversation's messages are paired once all the files are read: an archive splits a
    long history over `direct-messages-part1.js`…, and a conversation over two parts is
    one conversation. A message in two files (`direct-message-headers.js` holds those of
    `direct-messages.js` without their text) is loaded once, with its text.
    """
    held = _Conversations()
    for path, member, opener in files:
        yield from _read_file(path, member, opener, owner, options, held, label=label)
    yield from held.rows(owner[1])


def _read_file(
    path: Path,
    member: str,
    opener: Opener,
    owner: tuple[str | SourceError, str | None],
    options: ReadOptions,
    held: _Conversations,
    *,
    label: bool,
) -> Iterator[Parsed]:
    where = f"{member}: " if label else ""
    handle, account_id = owner
    sided = True
    try:
        shape = _shape(opener, PurePosixPath(member).name) or _Shape(group=False, headers=False)
        with opener() as stream:
            for element in elements(path, where, stream, options.encoding, DMS):
                if isinstance(handle, SourceError):
                    raise handle
                sided = sided and (shape.group or account_id is not None)
                found = conversation(element, Owner(handle, account_id), where, shape=shape)
                for parsed in found:
                    if isinstance(parsed, _Message):
                        held.add(_conversation_id(element, member), parsed)
                    else:
                        yield parsed
    except UNPACK_ERRORS as exc:
        raise unpack_error(path, member, exc, label=label) from None
    if not sided:
        yield unsided_notice(member)


class _Conversations:
    """The messages of every file read so far, by conversation, until all are read."""

    def __init__(self) -> None:
        self.messages: dict[str, list[_Message]] = {}

    def add(self, conversation_id: str, message: _Message) -> None:
        self.messages.setdefault(conversation_id, []).append(message)

    def rows(self, account_id: str | None) -> Iterator[Parsed]:
        """Each conversation's messages paired, a message read twice given once."""
        for messages in self.messages.values():
            kept: dict[str, _Message] = {}
            for message in sorted(messages, key=lambda m: m.headers):  # with text first
                if message.id in kept:
                    yield Ignored(message.number, TWICE)
                else:
                    kept[message.id] = message
            yield from _paired(list(kept.values()), account_id)


def _conversation_id(element: Element, member: str) -> str:
    """The conversation's id, or one of its own when the file gives none."""
    value = element.value
    wrapper = value.get("dmConversation", value) if isinstance(value, dict) else None
    found = wrapper.get("conversationId") if isinstance(wrapper, dict) else None
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found).strip():
        return f"id:{str(found).strip()}"
    return f"at:{member}#{element.number}"


def is_dms(path: Path) -> bool:
    """Whether the file holds direct messages (by its prefix, else by its name)."""
    try:
        return _shape(file_opener(path), path.name) is not None
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def dms_files(folder: Path) -> list[Path]:
    """The direct messages files of an archive's `data/` folder."""
    return sorted(p for p in folder.glob("*.js") if _DMS_FILE.fullmatch(p.name))


def dms_member(name: str, folder: PurePosixPath) -> bool:
    """Whether the zip member `name` is a direct messages file in `folder` (the tweets')."""
    member = PurePosixPath(name)
    return member.parent == folder and _DMS_FILE.fullmatch(member.name) is not None


def _shape(opener: Opener, name: str) -> _Shape | None:
    """What a file holds (by its prefix, else by its name); None when no direct messages."""
    with opener() as stream:
        head = stream.read(256).removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    match = DMS_PREFIX.match(head) or _DMS_FILE.fullmatch(name)
    if match is None:
        return None
    shape = match.group("shape")
    return _Shape(group="group" in shape, headers="headers" in shape)


def conversation(
    element: Element, owner: Owner, where: str, *, shape: _Shape
) -> Iterator[Parsed | _Message]:
    """Every message of one conversation of the file: messages to pair, rejections or
    passed over."""
    number = element.number
    if element.problem is not None:
        yield Rejected(
            number, element.problem.column, f"{where}{element.problem.reason}", element.raw
        )
        return
    entries = _entries(element.value)
    if entries is None:
        reason = f'{where}expected {{"dmConversation": {{"messages": [...]}}}}'
        yield Rejected(number, "dmConversation", reason, element.raw)
        return
    if shape.group or owner.account_id is None:
        yield from (Ignored(number, GROUP if shape.group else UNSIDED) for _ in entries)
        return
    for entry in entries:
        yield _message(entry, owner, number, where, element.raw, headers=shape.headers)


def unsided_notice(file: str) -> Notice:
    """What to do when DMs were passed over for want of the account's id."""
    return Notice(
        f"{file}: the direct messages were not loaded, since account.js gives no accountId; "
        "put the archive's data/account.js beside it and load it again"
    )


def _entries(value: object) -> list[Any] | None:
    wrapper = value.get("dmConversation", value) if isinstance(value, dict) else None
    messages = wrapper.get("messages") if isinstance(wrapper, dict) else None
    return messages if isinstance(messages, list) else None


def _message(
    entry: object, owner: Owner, number: int, where: str, raw: str, *, headers: bool
) -> Parsed | _Message:
    """One entry as a message of the conversation, or why it is not one."""
    if isinstance(entry, dict) and len(entry) == 1 and "messageCreate" not in entry:
        return Ignored(number, EVENT)
    body = entry.get("messageCreate") if isinstance(entry, dict) else None
    if not isinstance(body, dict):
        return Rejected(number, "messages", f'{where}expected {{"messageCreate": {{...}}}}', raw)
    message_id, sender = _id(body, "id"), _id(body, "senderId")
    named = f"{where}message {message_id}: " if message_id else where
    if message_id is None or sender is None:
        column = "messageCreate.id" if message_id is None else "messageCreate.senderId"
        return Rejected(number, column, f"{named}the message has no {column.split('.')[1]}", raw)
    recipient = _id(body, "recipientId")
    if owner.account_id not in (sender, recipient):
        reason = (
            f"{named}neither from nor to the account of account.js (accountId {owner.account_id})"
        )
        return Rejected(
            number, "messageCreate.senderId", f"{reason}; is account.js this archive's?", raw
        )
    try:
        ts = parse_datetime(body.get("createdAt"))
    except FieldError as exc:
        return Rejected(number, "messageCreate.createdAt", f"{named}{exc}", raw)
    if ts is None:
        return Rejected(
            number, "messageCreate.createdAt", f"{named}the message has no createdAt", raw
        )
    values = _values(body, message_id, sender, ts, owner)
    if headers:  # no text, no links: what the other file says of them stays
        values = {k: v for k, v in values.items() if k not in ("text", "campaign")}
    return _Message(message_id, sender, values, number, headers)


def _values(
    body: dict[str, Any], message_id: str, sender: str, ts: Any, owner: Owner
) -> dict[str, Any]:
    text = body.get("text")
    return {
        "key": natural_key(CHANNEL, "dm", message_id),
        "source": NAME,
        "channel": CHANNEL,
        "account": owner.handle,
        "native_id": message_id,
        "author": owner.handle if sender == owner.account_id else sender,
        "ts": ts,
        "text": unescape(text) if isinstance(text, str) else None,
        "campaign": _campaign(body.get("urls")),
    }


def _paired(messages: list[_Message], account_id: str | None) -> Iterator[Parsed]:
    """The conversation's messages in time order, each customer wait with its answer."""
    waiting: str | None = None
    for message in sorted(messages, key=lambda m: (m.values["ts"], len(m.id), m.id)):
        if message.sender != account_id:
            waiting = waiting or message.id  # a further message is the same wait
            values = message.values | {"kind": "message_in", "in_reply_to": None}
        else:
            values = message.values | {"kind": "message", "in_reply_to": waiting}
            waiting = None
        stated = frozenset(column for column in _STATED if column in values)
        yield Row("activities", values, message.number, clears=stated)


def _id(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def unescape(text: str) -> str:
    """Archive texts escape only `&`, `<` and `>`; `&amp;` last so `&amp;lt;` stays `&lt;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _campaign(urls: object) -> str | None:
    for link in urls if isinstance(urls, list) else []:
        expanded = link.get("expanded") if isinstance(link, dict) else None
        try:
            found = utm_from_url(expanded if isinstance(expanded, str) else None)
        except ValueError:  # a link urllib cannot split names no campaign
            continue
        if found.get("utm_campaign"):
            return found["utm_campaign"]
    return None
