"""Mastodon: an account someone at Northwind started, with no tactic in the plan.

It posts product news twice a week and is the low-response channel: people mention it
about once a day and it answers only about one mention in five, hours later. Everything
it does is unplanned activity. Statuses carry Mastodon ids: milliseconds shifted by 16.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.records import Activity, Conversation, day_start, utm_link
from outcomes.demo.rng import stream

INSTANCE: Final = "mastodon.social"
USERNAME: Final = "northwind"
ACCOUNT_ID: Final = "109412345678901234"
MENTIONS_PER_DAY: Final = 1.0
ANSWER_RATE: Final = 0.2
REMOTE: Final = ("fosstodon.org", "mastodon.online", "hachyderm.io", "det.social", "mas.to")
QUESTIONS: Final = (
    "does the planner support electric vans' charging stops?",
    "any plans for an open API for ETAs?",
    "is there a self-hosted option?",
    "which map data do you use?",
    "nice release! does it work offline too?",
    "can drivers see the whole day's route in the app?",
)  # fmt: skip


def mastodon_id(moment: dt.datetime, rng: np.random.Generator) -> str:
    """A Mastodon status id for `moment`: milliseconds since 1970 shifted by 16, plus noise."""
    ms = int(moment.timestamp() * 1000)
    return str((ms << 16) | int(rng.integers(0, 1 << 16)))


@dataclass
class MastodonYear:
    """The account's statuses, the notifications it received, and its conversations."""

    statuses: list[Activity] = field(default_factory=list)
    mentions: list[Activity] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    """Favourites, reblogs and follows: {type, ts, who, status id or None}."""
    conversations: list[Conversation] = field(default_factory=list)


def simulate_mastodon(seed: int) -> MastodonYear:
    """A year of the Mastodon account."""
    rng = stream(seed, "mastodon")
    year = MastodonYear()
    for day in range(7, m.DAYS):
        weekday = (day + m.START.weekday()) % 7
        if weekday in (1, 4):
            year.statuses.append(_post(rng, day, year))
        for _ in range(int(rng.poisson(MENTIONS_PER_DAY))):
            _mention(rng, day, year)
        for _ in range(int(rng.poisson(0.6))):
            moment = day_start(day) + dt.timedelta(seconds=int(rng.integers(0, m.DAY_S)))
            year.notifications.append({"type": "follow", "ts": moment, "who": _remote(rng)})
    year.statuses.sort(key=lambda a: a.ts)
    year.mentions.sort(key=lambda a: a.ts)
    year.notifications.sort(key=lambda n: n["ts"])
    return year


def _remote(rng: np.random.Generator) -> tuple[str, str, str]:
    """(username, instance, display name) of someone on another server."""
    first, last = texts.person(rng)
    return (
        texts.slug(first) + str(int(rng.integers(1, 99))),
        texts.pick(rng, REMOTE),
        f"{first} {last}",
    )


def _post(rng: np.random.Generator, day: int, year: MastodonYear) -> Activity:
    moment = day_start(day) + dt.timedelta(hours=9, minutes=int(rng.integers(0, 50)))
    link = utm_link("/changelog", "mastodon", "social", None)
    favourites, reblogs = int(rng.integers(2, 26)), int(rng.integers(0, 9))
    status = Activity(
        channel="mastodon",
        account=f"{USERNAME}@{INSTANCE}",
        kind="post",
        author=f"{USERNAME}@{INSTANCE}",
        ts=moment,
        text=f"{texts.pick(rng, texts.NEWS)} {link}",
        native_id=mastodon_id(moment, rng),
        tactic=None,
        reactions=favourites,
        shares=reblogs,
        extra={"link": link},
    )
    for kind, count in (("favourite", favourites), ("reblog", reblogs)):
        for _ in range(count):
            when = moment + dt.timedelta(minutes=int(rng.integers(1, 2880)))
            if when < m.END:
                year.notifications.append(
                    {"type": kind, "ts": when, "who": _remote(rng), "status": status}
                )
    return status


def _mention(rng: np.random.Generator, day: int, year: MastodonYear) -> None:
    asked = day_start(day) + dt.timedelta(seconds=int(rng.integers(0, m.DAY_S)))
    username, instance, name = _remote(rng)
    question = texts.pick(rng, QUESTIONS)
    mention = Activity(
        channel="mastodon",
        account=f"{USERNAME}@{INSTANCE}",
        kind="mention",
        author=f"{username}@{instance}",
        ts=asked,
        text=f"@{USERNAME}@{INSTANCE} {question}",
        native_id=mastodon_id(asked, rng),
        tactic=None,
        extra={"username": username, "instance": instance, "name": name},
    )
    year.mentions.append(mention)
    answered: dt.datetime | None = None
    if rng.random() < ANSWER_RATE:
        hours = float(np.exp(rng.normal(np.log(16.0), 0.7)))
        answered = asked + dt.timedelta(hours=hours)
        if answered < m.END:
            year.statuses.append(_reply(rng, mention, answered))
        else:
            answered = None
    responder = f"{USERNAME}@{INSTANCE}" if answered is not None else None
    year.conversations.append(Conversation("mastodon", None, asked, answered, responder))


def _reply(rng: np.random.Generator, mention: Activity, moment: dt.datetime) -> Activity:
    moment = moment.replace(microsecond=0)
    username = mention.extra["username"]
    instance = mention.extra["instance"]
    return Activity(
        channel="mastodon",
        account=f"{USERNAME}@{INSTANCE}",
        kind="reply",
        author=f"{USERNAME}@{INSTANCE}",
        ts=moment,
        text=f"@{username}@{instance} Thanks for asking! {texts.pick(rng, texts.REPLIES)}",
        native_id=mastodon_id(moment, rng),
        tactic=None,
        in_reply_to=mention.native_id,
        reactions=int(rng.integers(0, 4)),
        extra={"to": mention},
    )
