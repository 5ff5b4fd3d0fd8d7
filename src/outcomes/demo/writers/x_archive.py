"""X archives: the `.zip` X sends when you ask for your data (Settings › Your account).

The zip holds `Your archive.html` and a `data/` folder of JavaScript files, each a JSON
array assigned to `window.YTD.<name>.part0`. Tweets are newest first; counts are strings,
links in `full_text` are t.co short links with the real URL in `entities.urls`, and the
text is HTML-escaped (`&amp;`), as in real archives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from outcomes.demo import model as m
from outcomes.demo.records import Activity
from outcomes.demo.social_x import HELP, HELP_ID, MAIN, MAIN_ID, XYear
from outcomes.demo.writers.files import Output, write_zip

_SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'
_ACCOUNTS = {
    HELP: (HELP_ID, "Northwind Support", "support@northwind.example", "2019-03-04T10:11:12.000Z"),
    MAIN: (MAIN_ID, "Northwind", "social@northwind.example", "2016-09-12T08:00:00.000Z"),
}


def write_x(output: Output, year: XYear) -> None:
    """One archive per account: @northwindhelp (x-support) and @northwind."""
    for handle, tweets in ((HELP, year.help), (MAIN, year.main)):
        digest = hashlib.sha256(f"{handle}{len(tweets)}".encode()).hexdigest()
        name = f"x/{handle}/twitter-{m.EXPORTED.date().isoformat()}-{digest}.zip"
        write_zip(output.path("x-archive", name), _members(handle, tweets))


def _js(variable: str, items: list[Any]) -> bytes:
    return (
        f"window.YTD.{variable}.part0 = {json.dumps(items, indent=2, ensure_ascii=False)}".encode()
    )


def _members(handle: str, tweets: list[Activity]) -> list[tuple[str, bytes]]:
    account_id, display, email, created = _ACCOUNTS[handle]
    newest_first = sorted(tweets, key=lambda t: t.ts, reverse=True)
    account = {
        "account": {
            "email": email,
            "createdVia": "web",
            "username": handle,
            "accountId": account_id,
            "createdAt": created,
            "accountDisplayName": display,
        }
    }
    profile = {"profile": {"description": {"bio": f"{display}. {m.SITE}", "website": m.SITE}}}
    headers = [
        {"tweet": {"tweet_id": t.native_id, "user_id": account_id, "created_at": _created(t.ts)}}
        for t in newest_first
    ]
    manifest = {
        "userInfo": {"accountId": account_id, "userName": handle, "displayName": display},
        "archiveInfo": {"generationDate": m.EXPORTED.isoformat().replace("+00:00", "Z")},
    }
    return [
        ("Your archive.html", _viewer(display)),
        ("data/account.js", _js("account", [account])),
        ("data/profile.js", _js("profile", [profile])),
        ("data/like.js", _js("like", [])),
        ("data/manifest.js", f"window.__THAR_CONFIG = {json.dumps(manifest)}".encode()),
        ("data/tweet-headers.js", _js("tweet_headers", headers)),
        ("data/tweets.js", _js("tweets", [_tweet(t, account_id) for t in newest_first])),
    ]


def _viewer(display: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Your archive – {display}</title>"
        "</head><body><div id='root'></div><script src='data/manifest.js'></script></body></html>"
    ).encode()


def _created(moment: dt.datetime) -> str:
    """`Sat Dec 06 18:20:30 +0000 2025`."""
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(link: str) -> str:
    return "https://t.co/" + hashlib.sha1(link.encode()).hexdigest()[:10]


def _tweet(tweet: Activity, account_id: str) -> dict[str, Any]:
    text = tweet.text
    urls = []
    for link in tweet.extra.get("links", []):
        short = _short(link)
        start = text.find(link)
        text = text.replace(link, short)
        display = link.split("://", 1)[-1]
        urls.append(
            {
                "url": short,
                "expanded_url": link,
                "display_url": display[:26] + ("…" if len(display) > 26 else ""),
                "indices": [str(start), str(start + len(short))],
            }
        )
    mentions = _mentions(tweet, text)
    body: dict[str, Any] = {
        "edit_info": {
            "initial": {
                "editTweetIds": [tweet.native_id],
                "editableUntil": (tweet.ts + dt.timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                ),
                "editsRemaining": "5",
                "isEditEligible": tweet.kind == "post",
            }
        },
        "retweeted": False,
        "source": _SOURCE,
        "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": urls},
        "display_text_range": [_display_start(tweet), str(len(text))],
        "favorite_count": str(tweet.reactions),
        "id_str": tweet.native_id,
        "truncated": False,
        "retweet_count": str(tweet.shares),
        "id": tweet.native_id,
        "created_at": _created(tweet.ts),
        "favorited": False,
        "full_text": _escape(text),
        "lang": "en",
    }
    if tweet.in_reply_to is not None:
        body |= {
            "in_reply_to_status_id_str": tweet.in_reply_to,
            "in_reply_to_status_id": tweet.in_reply_to,
            "in_reply_to_user_id": tweet.extra["user_id"],
            "in_reply_to_user_id_str": tweet.extra["user_id"],
            "in_reply_to_screen_name": tweet.extra["screen_name"],
        }
    return {"tweet": body}


def _display_start(tweet: Activity) -> str:
    """A reply's displayed text starts after the leading @mention."""
    if tweet.kind == "reply":
        return str(len(tweet.extra["screen_name"]) + 2)
    return "0"


def _mentions(tweet: Activity, text: str) -> list[dict[str, Any]]:
    if tweet.kind == "reply":
        handle, user_id, name = (
            tweet.extra["screen_name"],
            tweet.extra["user_id"],
            tweet.extra["name"],
        )
    elif tweet.kind == "repost":
        handle, user_id, name = HELP, HELP_ID, "Northwind Support"
    else:
        return []
    start = text.find("@" + handle)
    return [
        {
            "name": name,
            "screen_name": handle,
            "indices": [str(start), str(start + len(handle) + 1)],
            "id_str": user_id,
            "id": user_id,
        }
    ]
