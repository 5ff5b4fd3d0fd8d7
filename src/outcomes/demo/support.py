"""Support: the customer newsletter, the tickets it and @northwindhelp deflect, the cost.

Ticket demand is what customers would open with no public answers and no newsletter:
about 16,400 a year (the plan's €410,000 baseline at €25 a ticket). A question solved in
public on X, or answered by a newsletter article a customer clicked, never becomes a
ticket; the helpdesk logs it as deflected. Support cost is the tickets actually opened
times the cost per ticket. Support concerns the existing customer base, so none of this
grows with the scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.rng import stream

OPEN_RATE: Final = 0.45
CLICK_RATE: Final = 0.2
"""Of those who open an issue."""
DEFLECT_RATE: Final = 0.17
"""Of those who click: the answer saved them a ticket."""


@dataclass(frozen=True, slots=True)
class Deflection:
    """A ticket that was never opened: when, through which channel and campaign, for whom."""

    ts: dt.datetime
    channel: str
    campaign: str
    customer: str


@dataclass
class SupportYear:
    """Newsletter activity, deflections and the helpdesk's monthly numbers."""

    newsletter: list[tuple[str, str, dt.datetime, str]] = field(default_factory=list)
    """(email, event, when, issue) for every send, open and click."""
    deflections: list[Deflection] = field(default_factory=list)
    monthly: list[dict[str, float]] = field(default_factory=list)
    """Per month: demand, tickets created, deflected, support cost."""

    @property
    def support_cost(self) -> float:
        """The year's support cost."""
        return sum(month["support_cost"] for month in self.monthly)


def _subscribers(rng: np.random.Generator) -> list[tuple[str, str]]:
    """(email, customer id) of the newsletter's readers: people at existing customers."""
    seen: set[str] = set()
    readers: list[tuple[str, str]] = []
    while len(readers) < m.NEWSLETTER_SUBSCRIBERS:
        first, last = texts.person(rng)
        firm = texts.company(rng)
        email = f"{texts.slug(first)}.{texts.slug(last)}@{texts.slug(firm)}.example"
        if email not in seen:
            seen.add(email)
            readers.append((email, f"C-{10_000 + len(readers) * 7}"))
    return readers


def issue_day(month: int) -> dt.datetime:
    """The first Tuesday of the month, 08:00 UTC."""
    first = dt.datetime(m.YEAR, month, 1, 8, tzinfo=dt.UTC)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7)


def simulate_support(seed: int, x_deflections: list[dt.datetime]) -> SupportYear:
    """The newsletter year and the helpdesk's tickets, given the deflections on X."""
    rng = stream(seed, "support")
    year = SupportYear()
    readers = _subscribers(rng)
    for month in range(1, 13):
        _issue(rng, month, readers, year)
    year.deflections.extend(Deflection(ts, "X (Twitter)", "", "") for ts in x_deflections)
    year.deflections.sort(key=lambda d: (d.ts, d.channel))
    year.newsletter.sort(key=lambda row: (row[2], row[0], row[1]))
    _monthly(rng, year)
    return year


def _issue(
    rng: np.random.Generator, month: int, readers: list[tuple[str, str]], year: SupportYear
) -> None:
    sent = issue_day(month)
    issue = f"{m.YEAR}-{month:02d}"
    for email, customer in readers:
        delivered = sent + dt.timedelta(seconds=int(rng.integers(0, 1800)))
        year.newsletter.append((email, "Sent", delivered, issue))
        if rng.random() >= OPEN_RATE:
            continue
        opened = delivered + dt.timedelta(minutes=float(np.exp(rng.normal(np.log(300), 1.0))))
        year.newsletter.append((email, "Opened", opened.replace(microsecond=0), issue))
        if rng.random() >= CLICK_RATE:
            continue
        clicked = opened + dt.timedelta(seconds=int(rng.integers(5, 600)))
        year.newsletter.append((email, "Clicked", clicked.replace(microsecond=0), issue))
        if rng.random() < DEFLECT_RATE:
            solved = clicked + dt.timedelta(seconds=int(rng.integers(60, 1200)))
            year.deflections.append(
                Deflection(solved.replace(microsecond=0), "Email", "newsletter", customer)
            )


def _monthly(rng: np.random.Generator, year: SupportYear) -> None:
    for month in range(1, 13):
        start = dt.datetime(m.YEAR, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(m.YEAR + (month == 12), month % 12 + 1, 1, tzinfo=dt.UTC)
        share = (end - start).days / m.DAYS
        demand = int(rng.poisson(m.SUPPORT_BASELINE_TICKETS * share))
        deflected = sum(1 for d in year.deflections if start <= d.ts < end)
        created = demand - deflected
        year.monthly.append(
            {
                "month": float(month),
                "demand": float(demand),
                "tickets_created": float(created),
                "tickets_deflected": float(deflected),
                "support_cost": created * m.SUPPORT_COST_PER_TICKET,
            }
        )
