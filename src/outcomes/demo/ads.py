"""What the ad platforms report of the paid campaigns, day by day.

Each day's spend is the cost line of :mod:`outcomes.demo.costs` that the platform books;
the delivery is drawn to agree with what the other exports already say:

* Meta Ads, campaign `fb-retarget`: the ads are the boosted customer stories of the page
  export. Each story's boosted views and reach are spread over the days it was the newest
  story, in proportion to the day's spend; its link clicks (and other clicks) over the same
  days in proportion to the retargeting sessions, so the two exports agree to the click
  and the clicks follow the site's sessions. Results are landing-page views: the day's
  retargeting sessions.
* LinkedIn Ads, campaign `logifair-2026`: an invitation to book a meeting at the fair.
  Clicks are a share of the fair's sessions of the day (the ads' links carry the fair's
  utm_campaign); impressions follow from the spend at a LinkedIn CPM, reach from a
  frequency; conversions are meetings booked on the site, seen by the insight tag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.costs import FAIR_CAMPAIGN, FB_CAMPAIGN, Campaign, Cost
from outcomes.demo.records import Activity
from outcomes.demo.rng import stream
from outcomes.demo.social_linkedin import Traffic

FB_CAMPAIGN_ID: Final = "120210457830290417"
FAIR_CAMPAIGN_ID: Final = "196042318"
FAIR_CLICK_SHARE: Final = 0.12
"""Of the fair's site sessions on a campaign day, the share that came through the ads."""
FAIR_MEETING_RATE: Final = 0.06
MAX_CTR: Final = 0.02
"""Sponsored content rarely gets more clicks per impression; at large scales, where the
fair's sessions outgrow the fixed budget, impressions follow the clicks instead."""


@dataclass(frozen=True, slots=True)
class AdDay:
    """One campaign's delivery on one day, as its platform reports it."""

    day: dt.date
    spend: float
    impressions: int
    reach: int
    clicks: int
    """Link clicks on Meta; clicks on LinkedIn."""
    clicks_all: int
    results: int
    """Landing-page views on Meta; conversions on LinkedIn."""


@dataclass(frozen=True, slots=True)
class AdReport:
    """A campaign's report: its name as exported, its id, its days, its unique reach."""

    campaign: str
    campaign_id: str
    days: list[AdDay]
    reach: int
    """People reached over the whole report (Ads Manager and Campaign Manager deduplicate)."""


def spread(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` in whole units over the weights, largest remainders first, summing exactly."""
    share = np.asarray(weights, dtype=float)
    if share.sum() <= 0:
        share = np.ones_like(share)
    exact = share / share.sum() * total
    whole: np.ndarray = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[: total - int(whole.sum())]] += 1
    return whole


def _spend(costs: Iterable[Cost], campaign: Campaign) -> np.ndarray:
    """The campaign's spend per day of its window, from the lines its platform books."""
    lo, hi = campaign.window
    daily = np.zeros(hi - lo + 1)
    for line in costs:
        if line.ledger == campaign.ledger and line.tactic == campaign.tactic:
            daily[(line.date - m.START.date()).days - lo] += line.amount
    return daily


def _date(day: int) -> dt.date:
    return m.START.date() + dt.timedelta(days=day)


def meta_report(costs: Iterable[Cost], stories: list[Activity], traffic: Traffic) -> AdReport:
    """fb-retarget's Ads Manager report: the boosted stories' delivery, day by day."""
    lo, hi = FB_CAMPAIGN.window
    spend = _spend(costs, FB_CAMPAIGN)
    sessions = traffic.daily[m.FB][lo : hi + 1]
    posted = np.array(sorted((s.ts - m.START).days for s in stories))
    # A day's ads show the newest story, as allocate_clicks credits a day's sessions to it.
    owner = np.maximum(np.searchsorted(posted, np.arange(lo, hi + 1), side="right") - 1, 0)
    columns = np.zeros((5, hi - lo + 1), dtype=np.int64)
    for index, story in enumerate(sorted(stories, key=lambda s: s.ts)):
        days = owner == index
        views, reach, link = (
            story.impressions,
            int(story.extra["reach"]),
            story.extra["link_clicks"],
        )
        # The page export's boosted share of the story's views and reach (writers/meta.py).
        columns[0, days] = spread(views - views // 4, spend[days])
        columns[1, days] = spread(reach - reach // 5, spend[days])
        columns[2, days] = spread(int(link), sessions[days])
        columns[3, days] = spread(story.clicks, sessions[days])
    columns[4] = sessions.astype(np.int64)
    days = [
        AdDay(_date(lo + i), round(float(spend[i]), 2), int(c[0]), int(min(c[1], c[0])),
              int(c[2]), int(c[3]), int(c[4]))
        for i, c in enumerate(columns.T)
    ]  # fmt: skip
    unique = sum(int(s.extra["reach"]) - int(s.extra["reach"]) // 5 for s in stories)
    return AdReport(FB_CAMPAIGN.campaign, FB_CAMPAIGN_ID, days, unique)


def linkedin_report(seed: int, costs: Iterable[Cost], traffic: Traffic) -> AdReport:
    """The trade show's Campaign Manager report: meeting invitations before the fair."""
    rng = stream(seed, "ads")
    lo, hi = FAIR_CAMPAIGN.window
    spend = _spend(costs, FAIR_CAMPAIGN)
    sessions = traffic.daily[m.FAIR][lo : hi + 1].astype(np.int64)
    clicks = rng.binomial(sessions, FAIR_CLICK_SHARE)
    cpm = rng.uniform(38.0, 52.0, len(spend))
    impressions = np.maximum(np.round(spend / cpm * 1000), np.ceil(clicks / MAX_CTR))
    reach = np.round(impressions / rng.uniform(1.6, 2.4, len(spend)))
    meetings = rng.binomial(clicks, FAIR_MEETING_RATE)
    days = [
        AdDay(_date(lo + i), round(float(spend[i]), 2), int(impressions[i]), int(reach[i]),
              int(clicks[i]), int(clicks[i]), int(meetings[i]))
        for i in range(len(spend))
    ]  # fmt: skip
    unique = int(reach.sum() * 0.55)  # the same buyers see the invitation on several days
    return AdReport(FAIR_CAMPAIGN.campaign, FAIR_CAMPAIGN_ID, days, unique)
