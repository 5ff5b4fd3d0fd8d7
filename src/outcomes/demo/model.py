"""The Northwind company model: the year, the people, the touch channels and every parameter.

Everything the simulator draws from is declared here, in one place, so that the planted
truth can be read off the parameters: which channel lifts which outcome and by how much,
what a deal is worth, how fast each account answers. The numbers are tuned so that, at
scale 1 (20,000 journeys), the goals land where the demo wants them (new-logos on track,
bigger-orders at risk, cheaper-support on track) and li-rep-insights' pilot group gains
about €12,000 of pipeline per rep per month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np

YEAR: Final = 2026
START: Final = dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC)
END: Final = dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC)
"""The simulated period is [START, END): the whole of 2026, in UTC."""
START_S: Final = int(START.timestamp())
END_S: Final = int(END.timestamp())
DAYS: Final = 365
DAY_S: Final = 86_400
AS_OF: Final = dt.date(YEAR, 12, 31)
EXPORTED: Final = dt.datetime(YEAR + 1, 1, 2, 9, 30, tzinfo=dt.UTC)
"""When the exports were downloaded: fixed, so archives and workbooks are byte-stable."""

JOURNEYS_PER_SCALE: Final = 20_000
BLOCK: Final = 200_000
"""Journeys are simulated in blocks of this many, each with its own random stream, so memory
stays flat however large the scale; the block size is part of the design (changing it
changes the draws)."""
MAX_TOUCHES: Final = 8
CURRENCY: Final = "EUR"
SITE: Final = "https://northwind.example"
ORGANISATION: Final = "Northwind Freight Software"
LINKEDIN_PAGE: Final = "northwind-freight-software"


@dataclass(frozen=True, slots=True)
class Rep:
    """An account executive: plan id, display name, and whether they are in the pilot group."""

    id: str
    name: str
    pilot_group: bool


REPS: Final = (
    Rep("ana", "Ana Silva", True),
    Rep("bo", "Bo Lindqvist", True),
    Rep("cy", "Cy Mensah", False),
    Rep("dee", "Dee Novak", False),
)
"""Each journey belongs to one rep's territory (uniformly); deals are owned by that rep."""
LEE: Final = "Lee Chen"
PILOT_START: Final = dt.date(YEAR, 2, 1)
PILOT_EXPECTED_EFFECT: Final = 12_000.0
"""What the li-rep-insights parameters were tuned to give per pilot rep per month at scale 1
(a large-sample Monte Carlo of this model gives about this); truth.json states the exact
realised effect of the seed."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A way a visitor reaches the site: how it is tagged and what it does to outcomes."""

    code: str
    """The step name in journey paths."""
    tactic: str | None
    """The plan tactic whose touches these are, if any."""
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    weight: float
    """Relative share of touches while the channel is live."""
    lead_lift: float
    """Added to the visitor's lead log-odds by each touch."""
    buy_lift: float
    """Added to the visitor's self-serve purchase log-odds by each touch."""
    landing: str
    """The page a touch lands on."""


CHANNELS: Final = (
    Channel("organic-search", None, None, None, None, 0.30, 0.30, 0.32, "/route-planning"),
    Channel("direct", None, None, None, None, 0.17, 0.40, 0.45, "/"),
    Channel("referral", None, None, None, None, 0.07, 0.28, 0.20, "/partners"),
    Channel("paid-search", None, None, None, None, 0.08, 0.34, 0.40, "/pricing"),
    Channel("li-company-guides", "li-company-guides", "linkedin", "social",
            "li-company-guides", 0.10, 0.45, 0.30, "/guides"),
    Channel("li-rep-insights", "li-rep-insights", "linkedin", "social",
            "li-rep-insights", 0.06, 0.60, 0.10, "/insights"),
    Channel("fb-retarget", "fb-retarget", "facebook", "paid_social",
            "fb-retarget", 0.0, 0.0, 0.0, "/customers"),
    Channel("logifair-2026", "trade-show", "linkedin", "social",
            "logifair-2026", 0.30, 1.00, 0.0, "/logifair"),
    Channel("x", None, "twitter", "social", "award-2026", 0.02, 0.10, 0.05, "/news"),
    Channel("instagram", None, "instagram", "social", None, 0.02, 0.05, 0.08, "/"),
    Channel("mastodon", None, "mastodon", "social", None, 0.01, 0.10, 0.05, "/changelog"),
    Channel("youtube", None, "youtube", "video", None, 0.02, 0.12, 0.10, "/videos"),
)  # fmt: skip
CODES: Final = {c.code: i for i, c in enumerate(CHANNELS)}
GUIDES: Final = CODES["li-company-guides"]
REP_POSTS: Final = CODES["li-rep-insights"]
FB: Final = CODES["fb-retarget"]
FAIR: Final = CODES["logifair-2026"]
DIRECT: Final = CODES["direct"]
ORGANIC: Final = CODES["organic-search"]
REFERRAL: Final = CODES["referral"]
PAID_SEARCH: Final = CODES["paid-search"]
JOURNEY_TACTICS: Final = {
    "li-company-guides": GUIDES,
    "li-rep-insights": REP_POSTS,
    "fb-retarget": FB,
    "trade-show": FAIR,
}
"""Tactics that bring visitors; the others act on support or conversation, not journeys."""

# When each channel is live, as [first day, last day] of the year (0-based, inclusive).
LIVE: Final = {
    GUIDES: (14, 364),  # from 2026-01-15
    REP_POSTS: (31, 364),  # from 2026-02-01
    FB: (59, 272),  # 2026-03-01 … 2026-09-30
    FAIR: (120, 150),  # May
}
FB_WINDOW: Final = LIVE[FB]

LEAD_BASE: Final = -5.08
LEAD_SPREAD: Final = 0.9
BUY_BASE: Final = -5.4
BUY_SPREAD: Final = 0.8
SAME_SESSION: Final = 0.6
"""Share of conversions made in the session that decided them; the rest come back later."""
FB_AUDIENCE: Final = 0.25
"""While retargeting runs, the share of visitors who left without converting that an
fb-retarget ad brings back once, a few days after their last visit. The ads are never an
organic touch (their weight is 0) and have no lift: they earn reactions and clicks from
people who look again and still buy nothing, so the tactic drives likes and no business."""

OPP_BASE: Final = -1.35
OPP_REP: Final = 0.63
OPP_FAIR: Final = 0.8
OPP_GUIDES: Final = 0.2
WIN_BASE: Final = 0.05
WIN_REP: Final = 0.3
WIN_GUIDES: Final = 0.2
AMOUNT_MIN: Final = 15_400.0
AMOUNT_SPREAD: Final = 6_000.0
AMOUNT_REP: Final = 1_500.0
AMOUNT_FAIR: Final = 800.0
SELF_SERVE_PRICES: Final = (490.0, 990.0, 1_990.0)
SELF_SERVE_SHARES: Final = (0.6, 0.3, 0.1)

MONTH_WEIGHT: Final = (0.9, 1.0, 1.1, 1.05, 1.1, 1.0, 0.8, 0.7, 1.05, 1.1, 1.05, 0.75)
WEEKDAY_WEIGHT: Final = (1.0, 1.05, 1.05, 1.0, 0.9, 0.35, 0.3)
HOUR_WEIGHT: Final = (
    0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.4, 2.0, 2.2, 2.2, 2.0, 1.8,
    2.0, 2.1, 2.0, 1.7, 1.3, 1.0, 0.8, 0.7, 0.5, 0.3, 0.2, 0.1,
)  # fmt: skip
"""Visits by hour of day in UTC: European office hours."""


def day_weights() -> np.ndarray:
    """Relative traffic of each day of 2026: month seasonality × weekday."""
    days = np.arange(DAYS)
    months = np.array([(START + dt.timedelta(days=int(d))).month - 1 for d in days])
    weekdays = (days + START.weekday()) % 7
    weights = np.array(MONTH_WEIGHT)[months] * np.array(WEEKDAY_WEIGHT)[weekdays]
    return np.asarray(weights / weights.sum())


def channel_cdfs() -> np.ndarray:
    """Cumulative channel shares per (first touch?, pilot territory?, day): shape (2, 2, 365, C).

    Retargeting cannot be a first touch, and rep posts reach only the pilot group's
    territories (the reps' own networks).
    """
    base = np.array([c.weight for c in CHANNELS])
    cdfs = np.zeros((2, 2, DAYS, len(CHANNELS)))
    for first in (0, 1):
        for group in (0, 1):
            weights = np.tile(base, (DAYS, 1))
            for code, (lo, hi) in LIVE.items():
                weights[:lo, code] = 0.0
                weights[hi + 1 :, code] = 0.0
            if first:
                weights[:, FB] = 0.0
            if not group:
                weights[:, REP_POSTS] = 0.0
            cumulative = np.cumsum(weights, axis=1)
            cdfs[first, group] = cumulative / cumulative[:, -1:]
    return cdfs


SUPPORT_COST_PER_TICKET: Final = 25.0
SUPPORT_BASELINE_TICKETS: Final = 16_400
"""410,000 / 25: the plan's support-cost baseline, in tickets."""
NEWSLETTER_SUBSCRIBERS: Final = 1_500
HOURLY_COST: Final = 70.0
