"""What each tactic cost in money, and which export books it.

Consistent with the plan: li-company-guides' €6,000 budget in monthly instalments,
fb-retarget's €24,000 of ad spend day by day from March to September, the trade show's
€30,000 in May, and the tools of x-support (shared inbox, €1,800) and the newsletter
(email service, €1,200) as monthly subscriptions. People's time is not in the sheet: it
comes from the plan's hours and hourly cost.

Ad spend is booked where the ad platform reports it, not in the finance sheet: the
retargeting spend in the Meta Ads Manager report, and the €1,500 of the trade show's
budget that LinkedIn ads spent inviting buyers to book a meeting at the fair (1–18 May,
before it opens on the 19th) in the Campaign Manager report. Each line is in exactly one
export, so the spend recorded per tactic is the cost truth.json plants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.rng import stream

FINANCE: Final = "finance"
META_ADS: Final = "meta-ads"
LINKEDIN_ADS: Final = "linkedin-ads"
FAIR_ADS: Final = (120, 137)
"""The LinkedIn meeting-booking campaign's days: 1–18 May, until the fair opens."""
FAIR_ADS_BUDGET: Final = 1_500.0


@dataclass(frozen=True, slots=True)
class Cost:
    """One cost line: a day's ad spend, an instalment, a subscription, a bill."""

    date: dt.date
    tactic: str
    kind: str
    description: str
    amount: float
    ledger: str = FINANCE
    """The export that books the line: the finance sheet, or an ad platform's connector."""


def _monthly(tactic: str, kind: str, description: str, total: float, day: int) -> list[Cost]:
    return [
        Cost(dt.date(m.YEAR, month, day), tactic, kind, description, round(total / 12, 2))
        for month in range(1, 13)
    ]


@dataclass(frozen=True, slots=True)
class Campaign:
    """An ad campaign's spend: which tactic, over which days, booked by which connector."""

    tactic: str
    campaign: str
    """Its name in the platform: the tactic's utm_campaign in the plan, which is how the
    spend a report records is attributed to the tactic."""
    window: tuple[int, int]
    """[first day, last day] of the year (0-based, inclusive)."""
    description: str
    ledger: str


FB_CAMPAIGN: Final = Campaign(
    "fb-retarget",
    "fb-retarget",
    m.FB_WINDOW,
    "Meta Ads: customer stories to pricing-page visitors",
    META_ADS,
)
FAIR_CAMPAIGN: Final = Campaign(
    "trade-show",
    "logifair-2026",
    FAIR_ADS,
    "LinkedIn Ads: book a meeting at LogiFair 2026",
    LINKEDIN_ADS,
)


def _ad_spend(rng: np.random.Generator, campaign: Campaign, total: float) -> list[Cost]:
    """Daily spend over the campaign's window, summing to the budget to the cent."""
    lo, hi = campaign.window
    days = hi - lo + 1
    weights = rng.gamma(8.0, 1.0, days)
    cents = np.floor(weights / weights.sum() * total * 100).astype(np.int64)
    cents[-1] += round(total * 100) - int(cents.sum())
    return [
        Cost(
            m.START.date() + dt.timedelta(days=lo + i),
            campaign.tactic,
            "ads",
            campaign.description,
            int(c) / 100,
            campaign.ledger,
        )
        for i, c in enumerate(cents)
    ]


def simulate_costs(seed: int) -> list[Cost]:
    """Every cost line of 2026, by date."""
    rng = stream(seed, "costs")
    rows = [
        *_monthly("li-company-guides", "budget", "Guide design and copy-editing", 6_000.0, 15),
        *_monthly("x-support", "tool", "Shared inbox subscription", 1_800.0, 1),
        *_monthly("customer-newsletter", "tool", "Email service subscription", 1_200.0, 1),
        *_ad_spend(rng, FB_CAMPAIGN, 24_000.0),
        # Drawn after the retargeting spend, so those days keep their amounts.
        *_ad_spend(rng, FAIR_CAMPAIGN, FAIR_ADS_BUDGET),
        Cost(dt.date(m.YEAR, 5, 4), "trade-show", "budget", "LogiFair 2026 booth fee", 18_000.0),
        Cost(dt.date(m.YEAR, 5, 8), "trade-show", "budget", "Printed material", 1_300.0),
        # The stand came in €1,500 under its estimate; that went to the LinkedIn ads.
        Cost(
            dt.date(m.YEAR, 5, 15), "trade-show", "budget", "Stand build", 6_500.0 - FAIR_ADS_BUDGET
        ),
        Cost(dt.date(m.YEAR, 5, 22), "trade-show", "budget", "Travel and hotel", 4_200.0),
    ]
    return sorted(rows, key=lambda c: (c.date, c.tactic, c.description))
