"""X archive direct messages: `data/direct-messages.js`, so listening in DMs is measured.

The file is `window.YTD.direct_messages.part0 = ` followed by a JSON array of
conversations, `{"dmConversation": {"conversationId": "123-456", "messages": [...]}}`,
each message `{"messageCreate": {"id", "senderId", "recipientId", "text", "createdAt",
"urls", "mediaUrls", "reactions", "editHistory"}}`. Archives list a conversation's
messages newest first; they are put in time order (ties by id) before pairing.

Which side is ours comes from `account.js`'s `accountId` (the archive names people by
numeric id in DMs, never by handle). Each message is one record:

* a message from someone else is a customer's message, kind "message_in", with the
  sender's id as `author`. While a customer waits for us, the further messages they send
  before our answer are the same wait (one conversation waits once, from its first
  message): they are passed over as "a further message while the customer already
  waits", so that one answer does not leave them counted as unanswered;
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
from collections.abc import Iterator
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
DMS_PREFIX: Final = re.compile(r"\s*window\.YTD\.direct_messages(_group)?\.part\d+\s*=\s*")
DMS: Final = Kind(DMS_PREFIX, "window.YTD.direct_messages.part0 = [", "direct messages")
_DMS_FILE: Final = re.compile(r"direct-messages(-group)?(?:-part\d+)?\.js")
FOLLOW_UP: Final = "a further message while the customer already waits"
EVENT: Final = "a conversation event, not a message"
GROUP: Final = "a group conversation: who waits for whose answer cannot be told"
UNSIDED: Final = "no accountId in account.js: which side of the conversation is ours is unknown"
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


def read_dms(
    path: Path,
    member: str,
    opener: Opener,
    owner: tuple[str | SourceError, str | None],
    options: ReadOptions,
    *,
    label: bool,
) -> Iterator[Parsed]:
    """The messages of one direct messages file; `owner` is the archive's handle (or why
    it has none) and `accountId`; `label` names the file in reasons."""
    where = f"{member}: " if label else ""
    handle, account_id = owner
    sided = True
    try:
        group = bool(_group(opener, PurePosixPath(member).name))
        with opener() as stream:
            for element in elements(path, where, stream, options.encoding, DMS):
                if isinstance(handle, SourceError):
                    raise handle
                sided = sided and (group or account_id is not None)
                yield from conversation(element, Owner(handle, account_id), where, group=group)
    except UNPACK_ERRORS as exc:
        raise unpack_error(path, member, exc, label=label) from None
    if not sided:
        yield unsided_notice(member)


def is_dms(path: Path) -> bool:
    """Whether the file holds direct messages (by its prefix, else by its name)."""
    try:
        return _group(file_opener(path), path.name) is not None
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def dms_files(folder: Path) -> list[Path]:
    """The direct messages files of an archive's `data/` folder."""
    return sorted(p for p in folder.glob("*.js") if _DMS_FILE.fullmatch(p.name))


def dms_member(name: str, folder: PurePosixPath) -> bool:
    """Whether the zip member `name` is a direct messages file in `folder` (the tweets')."""
    member = PurePosixPath(name)
    return member.parent == folder and _DMS_FILE.fullmatch(member.name) is not None


def _group(opener: Opener, name: str) -> bool | None:
    """Whether a file holds group conversations; None when it holds no direct messages."""
    with opener() as stream:
        head = stream.read(256).removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    match = DMS_PREFIX.match(head)
    if match is not None:
        return match.group(1) is not None
    named = _DMS_FILE.fullmatch(name)
    return None if named is None else named.group(1) is not None


def conversation(element: Element, owner: Owner, where: str, *, group: bool) -> Iterator[Parsed]:
    """Every message of one conversation of the file: rows, rejections or passed over."""
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
    if group or owner.account_id is None:
        yield from (Ignored(number, GROUP if group else UNSIDED) for _ in entries)
        return
    messages: list[_Message] = []
    for entry in entries:
        parsed = _message(entry, owner, number, where, element.raw)
        if isinstance(parsed, _Message):
            messages.append(parsed)
        else:
            yield parsed
    yield from _paired(messages, owner, number)


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


def _message(entry: object, owner: Owner, number: int, where: str, raw: str) -> Parsed | _Message:
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
    return _Message(message_id, sender, _values(body, message_id, sender, ts, owner))


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


def _paired(messages: list[_Message], owner: Owner, number: int) -> Iterator[Parsed]:
    """The conversation's messages in time order, each customer wait with its answer."""
    waiting: str | None = None
    for message in sorted(messages, key=lambda m: (m.values["ts"], len(m.id), m.id)):
        if message.sender != owner.account_id:
            if waiting is not None:
                yield Ignored(number, FOLLOW_UP)
                continue
            waiting = message.id
            values = message.values | {"kind": "message_in", "in_reply_to": None}
        else:
            values = message.values | {"kind": "message", "in_reply_to": waiting}
            waiting = None
        yield Row("activities", values, number, clears=_STATED)


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
