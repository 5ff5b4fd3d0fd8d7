"""The simulator's records of social activity and conversations, before they are written.

Social activity is made by people, so it does not grow with the scale: a few thousand
records, kept as small Python objects. Each carries the tactic that truly produced it
(None for unplanned activity), which is what truth.json counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from outcomes.demo import model as m


@dataclass(frozen=True, slots=True)
class Activity:
    """One post, reply, repost, comment or mention, as the warehouse will see it."""

    channel: str
    account: str | None
    kind: str
    author: str | None
    ts: dt.datetime
    text: str
    native_id: str
    tactic: str | None
    in_reply_to: str | None = None
    campaign: str | None = None
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    impressions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    """Format-specific details a writer needs (a tweet's reply target, a post's reach…)."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """An inbound question, mention or comment, and when (if ever) we first answered it."""

    channel: str
    tactic: str | None
    inbound: dt.datetime
    answered: dt.datetime | None
    responder: str | None = None
    """Who answered first, as the export names them (None when unanswered)."""

    @property
    def minutes(self) -> float | None:
        """Minutes to the first answer, None when unanswered."""
        if self.answered is None:
            return None
        return (self.answered - self.inbound).total_seconds() / 60


def at(seconds: int | float) -> dt.datetime:
    """Epoch seconds as an aware UTC datetime (whole seconds)."""
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)


def day_start(day: int) -> dt.datetime:
    """Midnight UTC of day `day` (0 = 1 January) of the simulated year."""
    return m.START + dt.timedelta(days=day)


def utm_link(path: str, source: str, medium: str, campaign: str | None, content: str = "") -> str:
    """A tagged link to the company's site."""
    query = f"utm_source={source}&utm_medium={medium}"
    if campaign:
        query += f"&utm_campaign={campaign}"
    if content:
        query += f"&utm_content={content}"
    return f"{m.SITE}{path}?{query}"
