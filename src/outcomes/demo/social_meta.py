"""Facebook, Instagram and YouTube.

* fb-retarget: boosted customer stories, twice a week from March to September, tagged
  `utm_campaign=fb-retarget`. They collect by far the most reactions and clicks of any
  tactic and change no business outcome (see :mod:`outcomes.demo.journeys`).
* The Facebook page's other posts, every Instagram post and every YouTube video belong to
  no tactic of the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.records import Activity, day_start, utm_link
from outcomes.demo.rng import stream
from outcomes.demo.social_linkedin import Traffic, allocate_clicks

PAGE_ID: Final = "104857600123456"
IG_ACCOUNT_ID: Final = "17841400012345678"
IG_USERNAME: Final = "northwind.freight"
YT_CHANNEL: Final = "Northwind Freight Software"
_STORY_RESULTS: Final = (
    "cut empty kilometres by 18%", "planned 30% more stops per driver",
    "halved the time spent re-planning", "kept every delivery slot through the winter",
    "onboarded six dispatchers in a week", "lowered fuel costs by 11%",
)  # fmt: skip


@dataclass
class MetaYear:
    """Facebook page posts, Instagram posts and YouTube videos of the year."""

    facebook: list[Activity] = field(default_factory=list)
    instagram: list[Activity] = field(default_factory=list)
    youtube: list[Activity] = field(default_factory=list)


def simulate_meta(seed: int, traffic: Traffic) -> MetaYear:
    """A year of Facebook, Instagram and YouTube."""
    rng = stream(seed, "meta")
    year = MetaYear()
    _retargeting(rng, traffic, year)
    for day in range(4, m.DAYS, 7):
        moment = day_start(day) + dt.timedelta(hours=10, minutes=int(rng.integers(0, 50)))
        year.facebook.append(_fb_post(rng, moment, texts.pick(rng, texts.TEAM + texts.BRAGS)))
    for day in range(2, m.DAYS, 5):
        moment = day_start(day) + dt.timedelta(hours=int(rng.integers(8, 18)))
        year.instagram.append(_ig_post(rng, moment))
    youtube = stream(seed, "youtube")
    for number, day in enumerate((20, 75, 130, 190, 250, 310)):
        moment = day_start(day) + dt.timedelta(hours=15)
        year.youtube.append(_video(youtube, number, moment))
    year.facebook.sort(key=lambda a: a.ts)
    return year


def _retargeting(rng: np.random.Generator, traffic: Traffic, year: MetaYear) -> None:
    lo, hi = m.FB_WINDOW
    days = [d for d in range(lo, hi + 1) if (d + m.START.weekday()) % 7 in (1, 4)]
    clicks = allocate_clicks(days, traffic.daily[m.FB])
    for day, click in zip(days, clicks, strict=True):
        firm = texts.company(rng)
        link = utm_link(f"/customers/{texts.slug(firm)}", "facebook", "paid_social", "fb-retarget")
        text = f"Customer story: how {firm} {texts.pick(rng, _STORY_RESULTS)}. Read it: {link}"
        moment = day_start(day) + dt.timedelta(hours=11, minutes=int(rng.integers(0, 50)))
        reach = int(rng.integers(8_000, 40_000))
        post = _fb_post(rng, moment, text, tactic="fb-retarget", clicks=click, reach=reach)
        year.facebook.append(post)


def _fb_post(
    rng: np.random.Generator,
    moment: dt.datetime,
    text: str,
    *,
    tactic: str | None = None,
    clicks: int | None = None,
    reach: int | None = None,
) -> Activity:
    boosted = tactic is not None
    post_number = int(rng.integers(10**14, 10**15))
    reach = reach if reach is not None else int(rng.integers(300, 2_500))
    # Link clicks are the site sessions plus a few lost on the way; the other clicks (photo,
    # "see more", profile) come on top, and on boosted stories they are most of them.
    link = clicks if clicks is not None else int(rng.integers(0, 20))
    other = int(link * rng.uniform(2.0, 3.5)) if boosted else int(rng.integers(5, 60))
    return Activity(
        channel="facebook",
        account=m.ORGANISATION,
        kind="post",
        author=None,
        ts=moment,
        text=text,
        native_id=f"{PAGE_ID}_{post_number}",
        tactic=tactic,
        campaign=tactic,
        reactions=int(rng.integers(300, 1_500) if boosted else rng.integers(8, 70)),
        comments=int(rng.integers(5, 45) if boosted else rng.integers(0, 8)),
        shares=int(rng.integers(10, 90) if boosted else rng.integers(0, 6)),
        clicks=link + other,
        impressions=int(reach * rng.uniform(1.2, 1.8)),
        extra={
            "url": f"https://www.facebook.com/{PAGE_ID}/posts/{post_number}",
            "reach": reach,
            "boosted": boosted,
            "link_clicks": link,
            "type": "Links" if boosted else texts.pick(rng, ("Photos", "Photos", "Videos")),
        },
    )


def _ig_post(rng: np.random.Generator, moment: dt.datetime) -> Activity:
    code = "".join(
        texts.pick(rng, tuple("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz0123456789"))
        for _ in range(11)
    )
    reach = int(rng.integers(400, 3_000))
    return Activity(
        channel="instagram",
        account=IG_USERNAME,
        kind="post",
        author=None,
        ts=moment,
        text=f"{texts.pick(rng, texts.TEAM + texts.BRAGS)} #logistics #routeplanning",
        native_id=str(17_900_000_000_000_000 + int(rng.integers(10**12, 10**14))),
        tactic=None,
        reactions=int(rng.integers(30, 260)),
        comments=int(rng.integers(0, 20)),
        shares=int(rng.integers(0, 15)),
        extra={
            "url": f"https://www.instagram.com/p/{code}/",
            "reach": reach,
            "views": int(reach * rng.uniform(1.1, 1.6)),
            "saves": int(rng.integers(0, 30)),
            "follows": int(rng.integers(0, 6)),
            "type": texts.pick(rng, ("IG image", "IG carousel", "IG reel")),
        },
    )


def _video(rng: np.random.Generator, number: int, moment: dt.datetime) -> Activity:
    alphabet = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    video_id = "".join(texts.pick(rng, alphabet) for _ in range(11))
    days_live = (m.END - moment).days
    daily = rng.gamma(1.5, 8.0, days_live) * np.exp(-np.arange(days_live) / 90) + 2
    views = np.floor(daily).astype(int)
    return Activity(
        channel="youtube",
        account=YT_CHANNEL,
        kind="post",
        author=None,
        ts=moment,
        text=texts.VIDEOS[number],
        native_id=video_id,
        tactic=None,
        reactions=int(views.sum() * rng.uniform(0.02, 0.05)),
        comments=int(views.sum() * rng.uniform(0.002, 0.006)),
        shares=int(views.sum() * rng.uniform(0.003, 0.01)),
        impressions=int(views.sum() * rng.uniform(12, 25)),
        extra={
            "daily_views": views.tolist(),
            "duration": int(rng.integers(180, 2_400)),
            "avg_view_seconds": int(rng.integers(60, 240)),
            "subscribers": int(rng.integers(2, 40)),
        },
    )
