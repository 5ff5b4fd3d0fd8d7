"""From a block's journeys to site sessions, and to aggregated journey paths.

Every touch is a session. A conversion made on a later return visit adds a direct session
of its own. While retargeting runs, some visitors who left without converting come back
once through an fb-retarget ad and leave again (see `model.FB_AUDIENCE`). Sessions are sorted by journey and time, which
gives GA4's `ga_session_number` and the order of steps in a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.journeys import Block, Outcomes

LEAD_RETURN: Final = m.MAX_TOUCHES
BUY_RETURN: Final = m.MAX_TOUCHES + 1
RETARGET: Final = m.MAX_TOUCHES + 2
_TAGGED: Final = np.array([c.utm_source is not None for c in m.CHANNELS])


@dataclass(frozen=True)
class Sessions:
    """A block's sessions, sorted by journey then time."""

    journey: np.ndarray
    """Journey index within the block."""
    ts: np.ndarray
    channel: np.ndarray
    slot: np.ndarray
    """Touch slot, LEAD_RETURN / BUY_RETURN for a conversion's return visit, or RETARGET."""
    number: np.ndarray
    """1-based session number within the journey."""
    first: np.ndarray
    """(n,) index of each journey's first session."""
    lead_session: np.ndarray
    """(n,) index of the session a lead was made in (−1 when none)."""
    buy_session: np.ndarray
    last_tagged: np.ndarray
    """Per session: the latest session up to it with a UTM-tagged channel (−1 when none)."""


def _retargeted(block: Block, o: Outcomes) -> tuple[np.ndarray, np.ndarray]:
    """(journeys, times) of the fb-retarget visits: non-converters brought back once."""
    last = np.where(block.valid, block.t, 0).max(axis=1)
    when = last + ((1 + 6 * block.u["buy_fb"]) * m.DAY_S).astype(np.int64)
    day = (when - m.START_S) // m.DAY_S
    lo, hi = m.FB_WINDOW
    chosen = ~o.lead & ~o.buy & (day >= lo) & (day <= hi) & (block.u["lead_fb"] < m.FB_AUDIENCE)
    rows = np.flatnonzero(chosen)
    return rows, when[rows]


def build_sessions(block: Block, o: Outcomes) -> Sessions:
    """Every session of the block's journeys in the actual scenario."""
    rows, slots = np.nonzero(block.valid)
    lead_rows = np.flatnonzero(o.lead & o.lead_return)
    buy_rows = np.flatnonzero(o.buy & o.buy_return)
    fb_rows, fb_ts = _retargeted(block, o)
    journey = np.concatenate([rows, lead_rows, buy_rows, fb_rows])
    ts = np.concatenate(
        [
            block.t[rows, slots],
            o.lead_ts[lead_rows] - 90,
            o.buy_ts[buy_rows] - 120,
            fb_ts,
        ]
    )
    channel = np.concatenate(
        [
            block.ch[rows, slots],
            np.full(len(lead_rows), m.DIRECT),
            np.full(len(buy_rows), m.DIRECT),
            np.full(len(fb_rows), m.FB),
        ]
    ).astype(np.int64)
    slot = np.concatenate(
        [
            slots,
            np.full(len(lead_rows), LEAD_RETURN),
            np.full(len(buy_rows), BUY_RETURN),
            np.full(len(fb_rows), RETARGET),
        ]
    )
    order = np.lexsort((slot, ts, journey))
    journey, ts, channel, slot = journey[order], ts[order], channel[order], slot[order]
    starts = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
    first = np.full(block.n, -1, dtype=np.int64)
    first[journey[starts]] = starts
    number = np.arange(len(journey)) - first[journey] + 1
    where = np.full((block.n, RETARGET + 1), -1, dtype=np.int64)
    where[journey, slot] = np.arange(len(journey))
    index = np.arange(block.n)
    lead_slot = np.where(o.lead_return, LEAD_RETURN, o.lead_touch)
    buy_slot = np.where(o.buy_return, BUY_RETURN, o.buy_touch)
    return Sessions(
        journey=journey,
        ts=ts,
        channel=channel,
        slot=slot,
        number=number,
        first=first,
        lead_session=np.where(o.lead, where[index, lead_slot], -1),
        buy_session=np.where(o.buy, where[index, buy_slot], -1),
        last_tagged=_last_tagged(journey, channel),
    )


def _last_tagged(journey: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """GA4's last non-direct click: the latest tagged session so far in the same journey."""
    candidate = np.where(_TAGGED[channel], np.arange(len(channel)), -1)
    filled = np.maximum.accumulate(candidate) if len(candidate) else candidate
    same = (filled >= 0) & (journey[np.maximum(filled, 0)] == journey)
    return np.where(same, filled, -1)


@dataclass
class PathTotals:
    """Aggregated journeys: path key → [conversions, value, non-converting]."""

    totals: dict[int, list[float]] = field(default_factory=dict)

    def add(self, block: Block, o: Outcomes, s: Sessions) -> None:
        """Add a block: each journey's steps up to its conversion (all steps if none)."""
        converted = (o.lead & o.won) | o.buy
        cutoff = np.where(o.lead & o.won, o.lead_ts, np.iinfo(np.int64).max)
        cutoff = np.where(o.buy, np.minimum(cutoff, o.buy_ts), cutoff)
        keep = s.ts <= cutoff[s.journey]
        position = s.number - 1
        weights = np.where(
            keep, (s.channel + 1) * np.power(float(len(m.CHANNELS) + 1), position), 0
        )
        keys = np.bincount(s.journey, weights=weights, minlength=block.n).astype(np.int64)
        value = np.where(o.lead & o.won, o.amount, 0.0) + np.where(o.buy, o.value, 0.0)
        unique, inverse = np.unique(keys, return_inverse=True)
        conversions = np.bincount(inverse, weights=converted.astype(float))
        values = np.bincount(inverse, weights=value)
        nulls = np.bincount(inverse, weights=(~converted).astype(float))
        for key, c, v, z in zip(unique.tolist(), conversions, values, nulls, strict=True):
            entry = self.totals.setdefault(int(key), [0.0, 0.0, 0.0])
            entry[0] += float(c)
            entry[1] += float(v)
            entry[2] += float(z)

    def rows(self) -> list[tuple[str, float, float, float]]:
        """(path, conversions, value, nulls), sorted by path."""
        out = [(decode_path(key), c, v, z) for key, (c, v, z) in self.totals.items() if key > 0]
        return sorted(out)


def decode_path(key: int) -> str:
    """`a > b > c` for a path key (channel codes + 1 in base len(CHANNELS) + 1)."""
    base = len(m.CHANNELS) + 1
    steps = []
    while key:
        key, digit = divmod(key, base)
        steps.append(m.CHANNELS[digit - 1].code)
    return " > ".join(steps)
