"""Mastodon: API responses saved as JSON, as `outcomes.sources.mastodon_api.save` writes them.

`statuses.json` is the account's statuses (`GET /api/v1/accounts/:id/statuses`, pages
joined, newest first), `notifications.json` its notifications (`GET /api/v1/notifications`)
and `account.json` the account itself. Content is HTML, as the API returns it.

`archive/archive-<date>.zip` is the account archive of the same statuses ("Request your
archive": outbox.json, actor.json, likes.json). It sorts before `statuses.json`, so it is
loaded first and the API then adds the counts the archive lacks: the warehouse ends as the
API alone leaves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from typing import Any

from outcomes.demo.records import Activity
from outcomes.demo.social_mastodon import ACCOUNT_ID, INSTANCE, USERNAME, MastodonYear
from outcomes.demo.writers.files import Output, write_zip

_URL = f"https://{INSTANCE}/@{USERNAME}"


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _account(
    ident: str, username: str, instance: str | None, name: str, created: str = "2025-11-03"
) -> dict[str, Any]:
    """An Account entity as our server shows it: local accounts have no domain in `acct`."""
    host = instance or INSTANCE
    return {
        "id": ident,
        "username": username,
        "acct": f"{username}@{instance}" if instance else username,
        "display_name": name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": f"{created}T00:00:00.000Z",
        "note": "",
        "url": f"https://{host}/@{username}",
        "avatar": f"https://{host}/avatars/original/missing.png",
        "header": f"https://{host}/headers/original/missing.png",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "emojis": [],
        "fields": [],
    }


_US = _account(ACCOUNT_ID, USERNAME, None, "Northwind Freight Software")


def _remote_id(username: str, instance: str) -> str:
    return str(abs(hash_text(f"{username}@{instance}")) % 10**17 + 10**17)


def hash_text(text: str) -> int:
    """A stable integer for a text (Python's `hash` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _link(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener noreferrer" '
        f'translate="no"><span class="invisible">{scheme}://</span><span class="ellipsis">'
        f'{html.escape(rest[:30])}</span><span class="invisible">{html.escape(rest[30:])}</span></a>'
    )


def _mention_html(username: str, instance: str | None) -> str:
    host = instance or INSTANCE
    return (
        f'<span class="h-card" translate="no"><a href="https://{host}/@{username}" '
        f'class="u-url mention">@<span>{username}</span></a></span>'
    )


def _status(
    activity: Activity,
    *,
    account: dict[str, Any],
    content: str,
    mentions: list[dict[str, Any]],
    reply_to: Activity | None = None,
    card: str | None = None,
) -> dict[str, Any]:
    host = account["url"].split("/")[2]
    return {
        "id": activity.native_id,
        "created_at": _time(activity.ts),
        "in_reply_to_id": reply_to.native_id if reply_to else None,
        "in_reply_to_account_id": _remote_id(reply_to.extra["username"], reply_to.extra["instance"])
        if reply_to
        else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{host}/users/{account['username']}/statuses/{activity.native_id}",
        "url": f"https://{host}/@{account['username']}/{activity.native_id}",
        "replies_count": activity.comments,
        "reblogs_count": activity.shares,
        "favourites_count": activity.reactions,
        "quotes_count": 0,
        "edited_at": None,
        "content": content,
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account,
        "media_attachments": [],
        "mentions": mentions,
        "tags": [],
        "emojis": [],
        "card": {"url": card, "title": "Northwind changelog", "description": "", "type": "link"}
        if card
        else None,
        "poll": None,
    }


def _ours(activity: Activity) -> dict[str, Any]:
    if activity.kind == "reply":
        mention = activity.extra["to"]
        username, instance = mention.extra["username"], mention.extra["instance"]
        words = activity.text.split(" ", 1)[1]
        content = f"<p>{_mention_html(username, instance)} {html.escape(words)}</p>"
        who = {
            "id": _remote_id(username, instance),
            "username": username,
            "url": f"https://{instance}/@{username}",
            "acct": f"{username}@{instance}",
        }
        return _status(activity, account=_US, content=content, mentions=[who], reply_to=mention)
    link = activity.extra["link"]
    words = activity.text.replace(link, "").strip()
    content = f"<p>{html.escape(words)} {_link(link)}</p>"
    return _status(activity, account=_US, content=content, mentions=[], card=link)


def _inbound(activity: Activity) -> dict[str, Any]:
    username, instance = activity.extra["username"], activity.extra["instance"]
    account = _account(_remote_id(username, instance), username, instance, activity.extra["name"])
    words = activity.text.split(" ", 1)[1]
    content = f"<p>{_mention_html(USERNAME, None)} {html.escape(words)}</p>"
    us = {"id": ACCOUNT_ID, "username": USERNAME, "url": _URL, "acct": USERNAME}
    return _status(activity, account=account, content=content, mentions=[us])


def write_mastodon(output: Output, year: MastodonYear) -> None:
    """statuses.json, notifications.json and account.json in `exports/mastodon/`."""
    statuses = [_ours(a) for a in sorted(year.statuses, key=lambda a: a.ts, reverse=True)]
    events: list[tuple[dt.datetime, str, dict[str, Any], dict[str, Any] | None]] = []
    for mention in year.mentions:
        account = _inbound(mention)["account"]
        events.append((mention.ts, "mention", account, _inbound(mention)))
    for note in year.notifications:
        username, instance, name = note["who"]
        account = _account(_remote_id(username, instance), username, instance, name)
        status = _ours(note["status"]) if "status" in note else None
        events.append((note["ts"], note["type"], account, status))
    events.sort(key=lambda e: (e[0], e[1], e[2]["acct"]))
    notifications = [
        {
            "id": str(40_000_000 + number),
            "type": kind,
            "created_at": _time(ts),
            "group_key": f"ungrouped-{40_000_000 + number}",
            "account": account,
            **({"status": status} if status is not None else {}),
        }
        for number, (ts, kind, account, status) in enumerate(events)
    ][::-1]
    us = dict(_US, statuses_count=len(statuses), followers_count=412, following_count=37)
    _write_archive(output, statuses)
    for name, data in (
        ("account.json", us),
        ("statuses.json", statuses),
        ("notifications.json", notifications),
    ):
        path = output.path("mastodon", f"mastodon/{name}")
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


_ACTOR = f"https://{INSTANCE}/users/{USERNAME}"
_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _created(status: dict[str, Any]) -> dict[str, Any]:
    """A status as the archive's outbox holds it: a Create activity with its Note."""
    published = status["created_at"].replace(".000Z", "Z")
    reply_to = None
    cc = [f"{_ACTOR}/followers"]
    for mention in status["mentions"]:
        username, host = mention["username"], mention["url"].split("/")[2]
        cc.append(f"https://{host}/users/{username}")
        if status["in_reply_to_id"]:
            reply_to = f"https://{host}/users/{username}/statuses/{status['in_reply_to_id']}"
    note = {
        "id": status["uri"],
        "type": "Note",
        "summary": None,
        "inReplyTo": reply_to,
        "published": published,
        "url": status["url"],
        "attributedTo": _ACTOR,
        "to": [_PUBLIC],
        "cc": cc,
        "sensitive": False,
        "content": status["content"],
        "attachment": [],
        "tag": [],
    }
    return {
        "id": status["uri"] + "/activity",
        "type": "Create",
        "actor": _ACTOR,
        "published": published,
        "to": [_PUBLIC],
        "cc": cc,
        "object": note,
    }


def _write_archive(output: Output, statuses: list[dict[str, Any]]) -> None:
    items = [_created(s) for s in reversed(statuses)]  # the outbox is oldest first
    outbox = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }
    actor = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": _ACTOR,
        "type": "Person",
        "preferredUsername": USERNAME,
        "name": _US["display_name"],
        "url": _URL,
        "outbox": "outbox.json",
        "likes": "likes.json",
    }
    likes = {"id": "likes.json", "type": "OrderedCollection", "orderedItems": []}
    members = [
        (name, json.dumps(data, ensure_ascii=False).encode())
        for name, data in (("outbox.json", outbox), ("actor.json", actor), ("likes.json", likes))
    ]
    write_zip(output.path("mastodon-archive", "mastodon/archive/archive-20261231.zip"), members)
