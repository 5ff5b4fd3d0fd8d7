"""What each tactic cost in money, as the finance sheet books it.

Consistent with the plan: li-company-guides' €6,000 budget in monthly instalments,
fb-retarget's €24,000 of ad spend day by day from March to September, the trade show's
€30,000 in May, and the tools of x-support (shared inbox, €1,800) and the newsletter
(email service, €1,200) as monthly subscriptions. People's time is not in the sheet: it
comes from the plan's hours and hourly cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.rng import stream


@dataclass(frozen=True, slots=True)
class Cost:
    """One line of the finance sheet."""

    date: dt.date
    tactic: str
    kind: str
    description: str
    amount: float


def _monthly(tactic: str, kind: str, description: str, total: float, day: int) -> list[Cost]:
    return [
        Cost(dt.date(m.YEAR, month, day), tactic, kind, description, round(total / 12, 2))
        for month in range(1, 13)
    ]


def _ad_spend(rng: np.random.Generator, total: float) -> list[Cost]:
    """Daily spend over the retargeting window, summing to the budget to the cent."""
    lo, hi = m.FB_WINDOW
    days = hi - lo + 1
    weights = rng.gamma(8.0, 1.0, days)
    cents = np.floor(weights / weights.sum() * total * 100).astype(np.int64)
    cents[-1] += round(total * 100) - int(cents.sum())
    return [
        Cost(
            m.START.date() + dt.timedelta(days=lo + i),
            "fb-retarget",
            "ads",
            "Meta Ads: customer stories to pricing-page visitors",
            int(c) / 100,
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
        *_ad_spend(rng, 24_000.0),
        Cost(dt.date(m.YEAR, 5, 4), "trade-show", "budget", "LogiFair 2026 booth fee", 18_000.0),
        Cost(dt.date(m.YEAR, 5, 8), "trade-show", "budget", "Printed material", 1_300.0),
        Cost(dt.date(m.YEAR, 5, 15), "trade-show", "budget", "Stand build", 6_500.0),
        Cost(dt.date(m.YEAR, 5, 22), "trade-show", "budget", "Travel and hotel", 4_200.0),
    ]
    return sorted(rows, key=lambda c: (c.date, c.tactic, c.description))
