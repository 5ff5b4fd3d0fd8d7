"""LinkedIn: the company page, the account executives' posts, and the comments on both.

* li-company-guides: a route-planning guide every two weeks from 15 January, on the page,
  with a link tagged `utm_campaign=li-company-guides`.
* li-rep-insights: Ana and Bo (the pilot group) post one customer insight a week from
  1 February, with links tagged `utm_campaign=li-rep-insights&utm_content=<rep>`, and
  answer most comments within a day. Cy and Dee (the control group) do not.
* li-listen-respond: Lee answers comments on the page's posts within a few office hours.
* trade-show: the page and Cy and Dee announce LogiFair 2026 with `logifair-2026` links.
* Everything else the page posts (hiring, team, awards) belongs to no tactic.

Clicks on a tagged post are the site sessions its campaign brought (plus clicks that never
became a session), so the social numbers agree with the journeys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.records import Activity, Conversation, day_start, utm_link
from outcomes.demo.rng import stream

PAGE_NAME: Final = m.ORGANISATION
URN: Final = "https://www.linkedin.com/feed/update/urn:li:activity:"
CLICKS_PER_SESSION: Final = 1.25


@dataclass
class Traffic:
    """Site sessions per channel and day, and rep-post sessions per rep and day."""

    daily: np.ndarray
    rep_daily: np.ndarray


@dataclass
class LinkedInYear:
    """Page posts (2026 and the previous quarter), inbox items and conversations."""

    page: list[Activity] = field(default_factory=list)
    old_page: list[Activity] = field(default_factory=list)
    inbox: list[Activity] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)


def allocate_clicks(post_days: list[int], sessions: np.ndarray) -> list[int]:
    """Each post's share of a campaign's sessions: a day's go to the latest post before it."""
    if not post_days:
        return []
    owner = np.searchsorted(np.array(post_days), np.arange(m.DAYS), side="right") - 1
    owner = np.maximum(owner, 0)
    totals = np.bincount(owner, weights=sessions, minlength=len(post_days))
    return [round(float(total) * CLICKS_PER_SESSION) for total in totals]


def office_hours(moment: dt.datetime) -> dt.datetime:
    """`moment`, or the next 07:00 UTC on a weekday when it falls outside 07–17 UTC Mon–Fri."""
    while moment.weekday() >= 5 or not 7 <= moment.hour < 17:
        if moment.weekday() < 5 and moment.hour < 7:
            moment = moment.replace(hour=7, minute=0, second=0)
        else:
            moment = (moment + dt.timedelta(days=1)).replace(hour=7, minute=0, second=0)
    return moment


class _Ids:
    """LinkedIn activity ids: increasing 19-digit numbers."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.last = 7_280_000_000_000_000_000

    def next(self) -> str:
        """A new id, larger than the last."""
        self.last += int(self.rng.integers(10**11, 10**13))
        return str(self.last)


def simulate_linkedin(seed: int, traffic: Traffic) -> LinkedInYear:
    """A year on LinkedIn for the page and the account executives."""
    rng = stream(seed, "linkedin")
    ids = _Ids(rng)
    year = LinkedInYear()
    year.old_page = _old_page(rng, ids)
    _page(rng, ids, traffic, year)
    _reps(stream(seed, "inbox"), ids, traffic, year)
    year.page.sort(key=lambda a: a.ts)
    year.inbox.sort(key=lambda a: a.ts)
    return year


def _page_post(
    rng: np.random.Generator,
    ids: _Ids,
    moment: dt.datetime,
    text: str,
    tactic: str | None,
    clicks: int,
) -> Activity:
    native = ids.next()
    ctr = float(rng.uniform(0.012, 0.03))
    impressions = max(int(clicks / ctr), int(rng.integers(400, 1500)))
    return Activity(
        channel="linkedin",
        account=m.LINKEDIN_PAGE,
        kind="post",
        author=m.LEE,
        ts=moment,
        text=text,
        native_id=f"urn:li:activity:{native}",
        tactic=tactic,
        reactions=int(rng.integers(15, 130)),
        shares=int(rng.integers(0, 15)),
        clicks=clicks + int(rng.poisson(3)),
        impressions=impressions,
        extra={"url": URN + native, "follows": int(rng.integers(0, 7))},
    )


def _page(rng: np.random.Generator, ids: _Ids, traffic: Traffic, year: LinkedInYear) -> None:
    guide_days = list(range(14, m.DAYS, 14))
    clicks = allocate_clicks(guide_days, traffic.daily[m.GUIDES])
    for number, (day, click) in enumerate(zip(guide_days, clicks, strict=True)):
        topic = texts.GUIDE_TOPICS[number % len(texts.GUIDE_TOPICS)]
        link = utm_link(f"/guides/{texts.slug(topic)}", "linkedin", "social", "li-company-guides")
        moment = day_start(day) + dt.timedelta(hours=7, minutes=int(rng.integers(0, 40)))
        text = f"Guide: how to {topic}. {link}"
        year.page.append(_page_post(rng, ids, moment, text, "li-company-guides", click))
    fair_day = 110
    link = utm_link("/logifair", "linkedin", "social", "logifair-2026")
    fair_clicks = allocate_clicks([fair_day], traffic.daily[m.FAIR])[0] // 3
    text = f"Meet us at LogiFair 2026 in Hamburg, 19–21 May: book a 20-minute slot. {link}"
    year.page.append(
        _page_post(
            rng, ids, day_start(fair_day) + dt.timedelta(hours=8), text, "trade-show", fair_clicks
        )
    )
    for day in sorted({int(d) for d in rng.choice(m.DAYS, size=36, replace=False)}):
        moment = day_start(day) + dt.timedelta(hours=int(rng.integers(7, 15)))
        text = texts.pick(rng, texts.TEAM + texts.BRAGS + texts.NEWS)
        year.page.append(_page_post(rng, ids, moment, text, None, int(rng.poisson(20))))
    for post in list(year.page):
        _comments(rng, ids, post, year, answer_rate=0.9, tactic="li-listen-respond")


def _old_page(rng: np.random.Generator, ids: _Ids) -> list[Activity]:
    """The page's posts of October–December 2025 (an older export, before the plan)."""
    posts = []
    for offset in range(-88, 0, 8):
        moment = m.START + dt.timedelta(days=offset, hours=9)
        text = texts.pick(rng, texts.TEAM + texts.NEWS)
        posts.append(_page_post(rng, ids, moment, text, None, int(rng.poisson(15))))
    return posts


def _comments(
    rng: np.random.Generator,
    ids: _Ids,
    post: Activity,
    year: LinkedInYear,
    *,
    answer_rate: float,
    tactic: str,
    campaign: str | None = None,
    answerer: str = m.LEE,
) -> int:
    """Comments on a post (inbox rows), their answers, and the conversations they open."""
    count = int(rng.poisson(3.5 if post.tactic else 1.5))
    for _ in range(count):
        asked = post.ts + dt.timedelta(minutes=float(np.exp(rng.normal(np.log(300.0), 1.0))))
        if asked >= m.END:
            continue
        first, last = texts.person(rng)
        comment = Activity(
            channel="linkedin",
            account=PAGE_NAME if post.account == m.LINKEDIN_PAGE else post.account,
            kind="comment",
            author=f"{first} {last}",
            ts=asked.replace(microsecond=0),
            text=texts.pick(rng, texts.COMMENTS),
            native_id=f"urn:li:comment:{ids.next()}",
            tactic=tactic,
            in_reply_to=post.native_id,
            campaign=campaign,
            reactions=int(rng.poisson(1)),
        )
        year.inbox.append(comment)
        answered = _answer(rng, ids, comment, year, answer_rate, answerer, tactic, campaign)
        responder = answerer if answered is not None else None
        year.conversations.append(Conversation("linkedin", tactic, comment.ts, answered, responder))
    return count


def _answer(
    rng: np.random.Generator,
    ids: _Ids,
    comment: Activity,
    year: LinkedInYear,
    answer_rate: float,
    answerer: str,
    tactic: str,
    campaign: str | None,
) -> dt.datetime | None:
    if rng.random() >= answer_rate:
        return None
    median = 90.0 if answerer == m.LEE else 180.0
    minutes = float(np.exp(rng.normal(np.log(median), 0.7)))
    answered = office_hours(comment.ts) + dt.timedelta(minutes=minutes)
    answered = answered.replace(microsecond=0)
    if answered >= m.END:
        return None
    year.inbox.append(
        Activity(
            channel="linkedin",
            account=comment.account,
            kind="reply",
            author=answerer,
            ts=answered,
            text=texts.pick(rng, texts.REPLIES),
            native_id=f"urn:li:comment:{ids.next()}",
            tactic=tactic,
            in_reply_to=comment.native_id,
            campaign=campaign,
        )
    )
    return answered


def _reps(rng: np.random.Generator, ids: _Ids, traffic: Traffic, year: LinkedInYear) -> None:
    for rep_index, rep in enumerate(m.REPS):
        if not rep.pilot_group:
            continue
        weekday = 1 + rep_index  # Ana on Tuesdays, Bo on Wednesdays
        first_day = (m.PILOT_START - m.START.date()).days
        days = [d for d in range(first_day, m.DAYS) if (d + m.START.weekday()) % 7 == weekday]
        clicks = allocate_clicks(days, traffic.rep_daily[rep_index])
        for number, (day, click) in enumerate(zip(days, clicks, strict=True)):
            link = utm_link("/insights", "linkedin", "social", "li-rep-insights", rep.id)
            text = f"{texts.INSIGHTS[number % len(texts.INSIGHTS)]} {link}"
            moment = day_start(day) + dt.timedelta(hours=7, minutes=int(rng.integers(0, 50)))
            post = _rep_post(rng, ids, rep.name, moment, text, "li-rep-insights", click)
            year.inbox.append(post)
            _comments(
                rng,
                ids,
                post,
                year,
                answer_rate=0.88,
                tactic="li-rep-insights",
                campaign="li-rep-insights",
                answerer=rep.name,
            )
    fair_clicks = traffic.daily[m.FAIR].sum() * 2 / 3
    for rep in (r for r in m.REPS if r.id in ("cy", "dee")):
        for day in (116, 127, 137):
            link = utm_link("/logifair", "linkedin", "social", "logifair-2026", rep.id)
            text = f"I'll be at LogiFair 2026 in May: grab a slot and let's talk routes. {link}"
            moment = day_start(day) + dt.timedelta(hours=8, minutes=int(rng.integers(0, 50)))
            click = round(fair_clicks / 6 * CLICKS_PER_SESSION)
            year.inbox.append(_rep_post(rng, ids, rep.name, moment, text, "trade-show", click))


def _rep_post(
    rng: np.random.Generator,
    ids: _Ids,
    name: str,
    moment: dt.datetime,
    text: str,
    tactic: str,
    clicks: int,
) -> Activity:
    native = ids.next()
    return Activity(
        channel="linkedin",
        account=name,
        kind="post",
        author=name,
        ts=moment,
        text=text,
        native_id=f"urn:li:activity:{native}",
        tactic=tactic,
        campaign=tactic if tactic == "li-rep-insights" else "logifair-2026",
        reactions=int(rng.integers(10, 90)),
        clicks=clicks,
        extra={"url": URN + native},
    )
