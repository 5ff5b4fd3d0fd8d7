"""X: the @northwindhelp support account (x-support) and the main @northwind account.

@northwindhelp answers about 95% of the support questions customers tweet at it, most
within the hour; an archive holds only the owner's tweets, so each question survives
only as the reply's `in_reply_to_status_id`, a snowflake id that encodes when it was
tweeted. A reply that solves the problem in public deflects a support ticket; one that
asks for a DM does not. @northwind posts product news, award brags and retweets: activity
no tactic of the plan accounts for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.records import Activity, Conversation, at, day_start, utm_link
from outcomes.demo.rng import stream

X_EPOCH_MS: Final = 1_288_834_974_657
HELP: Final = "northwindhelp"
MAIN: Final = "northwind"
HELP_ID: Final = "1180000000000000001"
MAIN_ID: Final = "1180000000000000002"
QUESTIONS_PER_DAY: Final = 3.7
ANSWER_RATE: Final = 0.95
SOLVED_IN_PUBLIC: Final = 0.8
HELP_CENTRE: Final = "https://help.northwind.example/articles/"


def snowflake(moment: dt.datetime, rng: np.random.Generator) -> int:
    """An X id for a tweet made at `moment`: milliseconds since X's epoch, shifted by 22."""
    ms = int(moment.timestamp() * 1000) + int(rng.integers(0, 1000))
    return ((ms - X_EPOCH_MS) << 22) | int(rng.integers(0, 1 << 22))


def snowflake_time(tweet_id: int) -> dt.datetime:
    """When a tweet with this id was made (to the millisecond)."""
    return dt.datetime.fromtimestamp(((tweet_id >> 22) + X_EPOCH_MS) / 1000, tz=dt.UTC)


@dataclass
class XYear:
    """A year of both X accounts."""

    help: list[Activity] = field(default_factory=list)
    main: list[Activity] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    deflections: list[dt.datetime] = field(default_factory=list)
    """When each publicly solved question was answered (a ticket that was never opened)."""


def simulate_x(seed: int) -> XYear:
    """Both accounts' tweets, the support conversations and the tickets they deflected."""
    rng = stream(seed, "x")
    year = XYear()
    for day in range(m.DAYS):
        _support_day(rng, day, year)
        if day % 12 == 5:
            year.help.append(_status_post(rng, day))
    _main_account(rng, year)
    year.help.sort(key=lambda a: a.ts)
    year.main.sort(key=lambda a: a.ts)
    return year


def _support_day(rng: np.random.Generator, day: int, year: XYear) -> None:
    weekend = (day + m.START.weekday()) % 7 >= 5
    hours = np.array(m.HOUR_WEIGHT) / sum(m.HOUR_WEIGHT)
    for _ in range(int(rng.poisson(QUESTIONS_PER_DAY * (0.55 if weekend else 1.0)))):
        asked = day_start(day) + dt.timedelta(
            hours=int(rng.choice(24, p=hours)), seconds=int(rng.integers(0, 3600))
        )
        if rng.random() >= ANSWER_RATE:
            year.conversations.append(Conversation("x", "x-support", asked, None))
            continue
        answered = asked + _response_delay(rng, asked)
        if answered >= m.END:
            year.conversations.append(Conversation("x", "x-support", asked, None))
            continue
        solved = rng.random() < SOLVED_IN_PUBLIC
        year.help.append(_reply(rng, asked, answered, solved))
        year.conversations.append(Conversation("x", "x-support", asked, answered, HELP))
        if solved:
            year.deflections.append(answered)


def _response_delay(rng: np.random.Generator, asked: dt.datetime) -> dt.timedelta:
    """Minutes to answer: about 20 in staffed hours (06–20 UTC), else from 06:00 next morning."""
    minutes = float(np.exp(rng.normal(np.log(20.0), 0.85)))
    if 6 <= asked.hour < 20:
        return dt.timedelta(minutes=min(minutes, 600.0))
    opens = asked.replace(hour=6, minute=0, second=0)
    if asked.hour >= 20:
        opens += dt.timedelta(days=1)
    return (opens - asked) + dt.timedelta(minutes=min(minutes, 240.0))


def _customer(rng: np.random.Generator) -> tuple[str, str, str]:
    first, last = texts.person(rng)
    handle = f"{texts.slug(first)}_{texts.slug(last)}"[:12] + str(int(rng.integers(10, 99)))
    return first, handle, str(int(rng.integers(10**9, 10**18)))


def _reply(
    rng: np.random.Generator, asked: dt.datetime, answered: dt.datetime, solved: bool
) -> Activity:
    first, handle, user_id = _customer(rng)
    question = int(rng.integers(len(texts.SUPPORT_QUESTIONS)))
    if solved:
        link = f"{HELP_CENTRE}{1000 + question}"
        body = f"Hi {first}! {texts.SUPPORT_ANSWERS[question]} {link}"
    else:
        link = ""
        body = f"Hi {first}! {texts.TICKET_ANSWER}"
    tweet_id = snowflake(answered, rng)
    inbound_id = snowflake(asked, rng)
    return Activity(
        channel="x",
        account=HELP,
        kind="reply",
        author=HELP,
        ts=at(tweet_id_seconds(tweet_id)),
        text=f"@{handle} {body}",
        native_id=str(tweet_id),
        tactic="x-support",
        in_reply_to=str(inbound_id),
        reactions=int(rng.poisson(0.6)),
        extra={
            "screen_name": handle,
            "user_id": user_id,
            "name": first,
            "links": [link] if link else [],
            "question": texts.SUPPORT_QUESTIONS[question],
            "resolved": solved,
        },
    )


def tweet_id_seconds(tweet_id: int) -> int:
    """The whole second a tweet id encodes (archives give `created_at` to the second)."""
    return int(snowflake_time(tweet_id).timestamp())


def _status_post(rng: np.random.Generator, day: int) -> Activity:
    moment = day_start(day) + dt.timedelta(hours=16, minutes=int(rng.integers(0, 50)))
    tweet_id = snowflake(moment, rng)
    text = "Scheduled maintenance tonight 22:00–22:30 CET: the planner may be slow. Status: https://status.northwind.example"
    return Activity(
        channel="x",
        account=HELP,
        kind="post",
        author=HELP,
        ts=at(tweet_id_seconds(tweet_id)),
        text=text,
        native_id=str(tweet_id),
        tactic="x-support",
        reactions=int(rng.poisson(2)),
        shares=int(rng.poisson(1)),
        extra={"links": ["https://status.northwind.example"]},
    )


def _main_account(rng: np.random.Generator, year: XYear) -> None:
    for day in range(3, m.DAYS, 7):
        moment = day_start(day) + dt.timedelta(hours=10, minutes=int(rng.integers(0, 40)))
        link = f"{m.SITE}/changelog"
        year.main.append(_main_post(rng, moment, f"{texts.pick(rng, texts.NEWS)} {link}", link))
    for day in range(10, m.DAYS, 15):
        moment = day_start(day) + dt.timedelta(hours=12, minutes=int(rng.integers(0, 40)))
        link = utm_link("/news", "twitter", "social", "award-2026")
        text = f"{texts.pick(rng, texts.BRAGS)} 🏆 {link}"
        year.main.append(_main_post(rng, moment, text, link, brag=True))
    for status in [a for a in year.help if a.kind == "post"][::2]:
        moment = status.ts + dt.timedelta(minutes=int(rng.integers(5, 90)))
        year.main.append(_retweet(rng, moment, status))


def _main_post(
    rng: np.random.Generator, moment: dt.datetime, text: str, link: str, *, brag: bool = False
) -> Activity:
    tweet_id = snowflake(moment, rng)
    return Activity(
        channel="x",
        account=MAIN,
        kind="post",
        author=MAIN,
        ts=at(tweet_id_seconds(tweet_id)),
        text=text,
        native_id=str(tweet_id),
        tactic=None,
        campaign="award-2026" if brag else None,
        reactions=int(rng.integers(40, 220) if brag else rng.integers(3, 30)),
        shares=int(rng.integers(5, 40) if brag else rng.integers(0, 6)),
        extra={"links": [link]},
    )


def _retweet(rng: np.random.Generator, moment: dt.datetime, status: Activity) -> Activity:
    tweet_id = snowflake(moment, rng)
    return Activity(
        channel="x",
        account=MAIN,
        kind="repost",
        author=MAIN,
        ts=at(tweet_id_seconds(tweet_id)),
        text=f"RT @{HELP}: {status.text}",
        native_id=str(tweet_id),
        tactic=None,
        extra={"links": [], "retweeted": status.native_id},
    )
