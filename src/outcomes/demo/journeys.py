"""Visitor journeys, vectorised with NumPy, and their outcomes with and without each tactic.

A journey is one anonymous visitor (a GA4 `user_pseudo_id`) with up to eight touches over
days or weeks. Each touch adds its channel's lift to the visitor's lead and purchase
log-odds; the visitor converts at the first touch where the probability passes their own
uniform draw, so more (and better) touches convert more often and earlier. A lead may
become an opportunity and a won deal; the tactics that work on deals (rep posts, guides,
the trade show) raise those chances and the deal's size only through touches made before
the event they change (the opportunity's creation, which sets its amount, or the close),
so the planted truth counts no effect of a touch on something already decided, and every
effect it counts comes from a touch on the path the attribution credits for that sale.

Counterfactuals use *common random numbers*: every uniform a journey needs is drawn once,
and the outcomes are computed again with one tactic's touches removed. Nothing else
changes, so `actual − without` is the tactic's exact, realised incremental effect on this
seed's journeys, not an expected value. Retargeting (fb-retarget) is no touch here: its
visits are added afterwards, only to journeys that did not convert (see `sessions`), so
removing it changes no outcome at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.rng import stream

_LEAD_LIFT: Final = np.array([c.lead_lift for c in m.CHANNELS])
_BUY_LIFT: Final = np.array([c.buy_lift for c in m.CHANNELS])
_UNIFORMS: Final = (
    "lead", "lead_mode", "lead_time", "lead_fb", "buy", "buy_mode", "buy_time", "buy_fb",
    "opp", "opp_gap", "cycle", "win", "amount", "price", "open_stage",
)  # fmt: skip


_NEVER: Final = np.iinfo(np.int64).max


def _month_of_day() -> np.ndarray:
    import datetime as dt

    return np.array([(m.START + dt.timedelta(days=d)).month - 1 for d in range(m.DAYS)])


MONTH_OF_DAY: Final = _month_of_day()


@dataclass(frozen=True)
class Block:
    """The journeys of one block: touches, territories and the common random numbers."""

    index: int
    first_id: int
    """Global number of the block's first journey."""
    ch: np.ndarray
    """(n, K) channel codes of the touches, −1 where there is none."""
    t: np.ndarray
    """(n, K) touch times, epoch seconds, ascending along each row."""
    valid: np.ndarray
    territory: np.ndarray
    """(n,) index into :data:`outcomes.demo.model.REPS`."""
    z_lead: np.ndarray
    z_buy: np.ndarray
    u: dict[str, np.ndarray]
    client: np.ndarray
    """(n,) the random half of each GA4 client id."""

    @property
    def n(self) -> int:
        """Journeys in the block."""
        return int(self.ch.shape[0])


@dataclass(frozen=True)
class Outcomes:
    """What happened to each journey of a block in one scenario (arrays of length n)."""

    lead: np.ndarray
    lead_ts: np.ndarray
    lead_touch: np.ndarray
    lead_return: np.ndarray
    """True when the lead came in a later return visit rather than the deciding session."""
    opp: np.ndarray
    opp_ts: np.ndarray
    close_ts: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    open: np.ndarray
    amount: np.ndarray
    buy: np.ndarray
    buy_ts: np.ndarray
    buy_touch: np.ndarray
    buy_return: np.ndarray
    value: np.ndarray


@dataclass
class Tally:
    """Counts over journeys for one scenario, summed over blocks."""

    numbers: dict[str, float] = field(default_factory=dict)
    pipeline: np.ndarray = field(default_factory=lambda: np.zeros((len(m.REPS), 12)))
    """Pipeline created (deal amounts by create date) per rep territory and month."""

    def add(self, other: dict[str, float], pipeline: np.ndarray) -> None:
        """Add one block's counts."""
        for key, value in other.items():
            self.numbers[key] = self.numbers.get(key, 0.0) + value
        self.pipeline += pipeline


def journey_count(scale: float) -> int:
    """How many journeys a scale simulates: 20,000 per unit, at least 200."""
    return max(200, round(m.JOURNEYS_PER_SCALE * scale))


def blocks(seed: int, scale: float) -> Iterator[Block]:
    """The journeys of the demo, block by block (each block from its own random stream)."""
    total = journey_count(scale)
    cdfs = m.channel_cdfs()
    days = m.day_weights()
    for index, first in enumerate(range(0, total, m.BLOCK)):
        n = min(m.BLOCK, total - first)
        yield _block(stream(seed, "journeys", index), index, first, n, cdfs, days)


def _block(
    rng: np.random.Generator, index: int, first: int, n: int, cdfs: np.ndarray, days: np.ndarray
) -> Block:
    k_max = m.MAX_TOUCHES
    start_day = rng.choice(m.DAYS, size=n, p=days)
    touches = 1 + np.minimum(rng.poisson(1.7, n), k_max - 1)
    gaps = np.concatenate([np.zeros((n, 1)), rng.exponential(5.5, (n, k_max - 1))], axis=1)
    hours = np.asarray(rng.choice(24, size=(n, k_max), p=_hour_weights()))
    day = start_day[:, None] + np.floor(np.cumsum(gaps, axis=1)).astype(np.int64)
    seconds = day * m.DAY_S + hours * 3600 + rng.integers(0, 3600, (n, k_max))
    t = np.sort(m.START_S + seconds, axis=1)
    valid = (np.arange(k_max)[None, :] < touches[:, None]) & (t < m.END_S)
    territory = rng.integers(0, len(m.REPS), n).astype(np.int8)
    ch = _channels(rng, t, territory, cdfs)
    ch = np.where(valid, ch, -1).astype(np.int8)
    z_lead = rng.standard_normal(n)
    z_buy = rng.standard_normal(n)
    u = {name: rng.random(n) for name in _UNIFORMS}
    client = rng.integers(100_000_000, 2_147_483_647, n)
    return Block(index, first, ch, t, valid, territory, z_lead, z_buy, u, client)


def _hour_weights() -> np.ndarray:
    weights = np.array(m.HOUR_WEIGHT)
    return np.asarray(weights / weights.sum())


def _channels(
    rng: np.random.Generator, t: np.ndarray, territory: np.ndarray, cdfs: np.ndarray
) -> np.ndarray:
    """A channel for every touch slot, from the mix live on its day (one slot at a time)."""
    n, k_max = t.shape
    day = np.clip((t - m.START_S) // m.DAY_S, 0, m.DAYS - 1)
    group = np.array([rep.pilot_group for rep in m.REPS])[territory].astype(np.int64)
    draws = rng.random((n, k_max))
    ch = np.empty((n, k_max), dtype=np.int64)
    for slot in range(k_max):
        cdf = cdfs[int(slot == 0), group, day[:, slot]]
        ch[:, slot] = np.minimum((draws[:, slot, None] > cdf).sum(axis=1), len(m.CHANNELS) - 1)
    return ch


def _expit(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _exponential(u: np.ndarray) -> np.ndarray:
    """A unit exponential from a uniform (so one common draw serves every scenario)."""
    return np.asarray(-np.log1p(-u))


def _crossing(
    block: Block, keep: np.ndarray, lift: np.ndarray, base: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(converted?, touch index) at the first kept touch whose probability passes `u`."""
    logit = base[:, None] + np.cumsum(np.where(keep, lift[np.maximum(block.ch, 0)], 0.0), axis=1)
    hit = keep & (u[:, None] < _expit(logit))
    return np.asarray(hit.any(axis=1)), np.asarray(hit.argmax(axis=1))


def _conversion_time(
    block: Block, touch: np.ndarray, mode: np.ndarray, when: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(timestamp, came back later?) of a conversion decided at `touch`."""
    t_touch = block.t[np.arange(block.n), touch]
    later = mode >= m.SAME_SESSION
    same_session = t_touch + 40 + (when * 900).astype(np.int64)
    return_visit = t_touch + 3 * 3600 + (_exponential(when) * 40 * 3600).astype(np.int64)
    return np.where(later, return_visit, same_session), later


def _first_touch(block: Block, keep: np.ndarray, code: int) -> np.ndarray:
    """(n,) each journey's first kept touch of channel `code`, epoch seconds (int64 max: none)."""
    return np.asarray(np.where(keep & (block.ch == code), block.t, _NEVER).min(axis=1))


def evaluate(block: Block, removed: int | None = None) -> Outcomes:
    """Every journey's outcomes with the touches of channel `removed` taken out (None: none)."""
    keep = block.valid if removed is None else block.valid & (block.ch != removed)
    u = block.u
    lead_hit, lead_touch = _crossing(
        block, keep, _LEAD_LIFT, m.LEAD_BASE + m.LEAD_SPREAD * block.z_lead, u["lead"]
    )
    lead_ts, lead_return = _conversion_time(block, lead_touch, u["lead_mode"], u["lead_time"])
    lead = lead_hit & (lead_ts < m.END_S)
    first = {code: _first_touch(block, keep, code) for code in (m.REP_POSTS, m.FAIR, m.GUIDES)}
    opp_ts = lead_ts + ((2 + 9 * _exponential(u["opp_gap"])) * m.DAY_S).astype(np.int64)
    # A touch acts only on what is decided after it: whether the opportunity opens and its
    # amount (set when it is created) on the touches up to its creation, the win on those
    # up to the close. (Counting any touch of the journey let a rep post seen after the
    # opportunity opened create it, and one after the close win it.)
    rep, fair, guides = (first[code] <= opp_ts for code in (m.REP_POSTS, m.FAIR, m.GUIDES))
    p_opp = _expit(m.OPP_BASE + m.OPP_REP * rep + m.OPP_FAIR * fair + m.OPP_GUIDES * guides)
    opp = lead & (u["opp"] < p_opp) & (opp_ts < m.END_S)
    close_ts = opp_ts + ((14 + 40 * _exponential(u["cycle"])) * m.DAY_S).astype(np.int64)
    closed = opp & (close_ts < m.END_S)
    rep_won, guides_won = (first[code] <= close_ts for code in (m.REP_POSTS, m.GUIDES))
    p_win = _expit(m.WIN_BASE + m.WIN_REP * rep_won + m.WIN_GUIDES * guides_won)
    won = closed & (u["win"] < p_win)
    raw_amount = (
        m.AMOUNT_MIN
        + m.AMOUNT_SPREAD * u["amount"] ** 1.4
        + m.AMOUNT_REP * rep
        + m.AMOUNT_FAIR * fair
    )
    buy_hit, buy_touch = _crossing(
        block, keep, _BUY_LIFT, m.BUY_BASE + m.BUY_SPREAD * block.z_buy, u["buy"]
    )
    buy_ts, buy_return = _conversion_time(block, buy_touch, u["buy_mode"], u["buy_time"])
    tiers = np.searchsorted(np.cumsum(m.SELF_SERVE_SHARES), u["price"], side="right")
    prices = np.array(m.SELF_SERVE_PRICES)[np.minimum(tiers, len(m.SELF_SERVE_PRICES) - 1)]
    return Outcomes(
        lead=lead,
        lead_ts=lead_ts,
        lead_touch=lead_touch,
        lead_return=lead_return,
        opp=opp,
        opp_ts=opp_ts,
        close_ts=close_ts,
        won=won,
        lost=closed & ~won,
        open=opp & ~closed,
        amount=np.round(raw_amount / 100) * 100,
        buy=buy_hit & (buy_ts < m.END_S),
        buy_ts=buy_ts,
        buy_touch=buy_touch,
        buy_return=buy_return,
        value=prices,
    )


def tally(block: Block, o: Outcomes) -> tuple[dict[str, float], np.ndarray]:
    """The block's counts for truth, and its pipeline per territory and month."""
    day = np.clip((o.opp_ts - m.START_S) // m.DAY_S, 0, m.DAYS - 1)
    cell = block.territory.astype(np.int64) * 12 + MONTH_OF_DAY[day]
    pipeline = np.bincount(cell[o.opp], weights=o.amount[o.opp], minlength=len(m.REPS) * 12)
    numbers = {
        "leads": float(o.lead.sum()),
        "opportunities": float(o.opp.sum()),
        "pipeline": float(o.amount[o.opp].sum()),
        "deals_won": float(o.won.sum()),
        "deals_lost": float(o.lost.sum()),
        "deals_open": float(o.open.sum()),
        "deal_revenue": float(o.amount[o.won].sum()),
        "orders": float(o.buy.sum()),
        "order_revenue": float(o.value[o.buy].sum()),
        "converting": float((o.won | o.buy).sum()),
    }
    return numbers, pipeline.reshape(len(m.REPS), 12)


Consumer = Callable[[Block, Outcomes], None]


@dataclass
class JourneyTruth:
    """What the journeys add up to: the actual tallies and one per removed tactic."""

    journeys: int = 0
    touches: dict[str, int] = field(default_factory=dict)
    actual: Tally = field(default_factory=Tally)
    without: dict[str, Tally] = field(default_factory=dict)


def simulate(seed: int, scale: float, consumer: Consumer) -> JourneyTruth:
    """Simulate every block, hand each (with its actual outcomes) to `consumer`, and tally.

    The consumer writes the block's exports; nothing of a block is kept after it returns,
    so memory does not grow with the scale.
    """
    truth = JourneyTruth()
    for block in blocks(seed, scale):
        actual = evaluate(block)
        consumer(block, actual)
        truth.journeys += block.n
        counts = np.bincount(block.ch[block.valid], minlength=len(m.CHANNELS))
        for channel, count in zip(m.CHANNELS, counts, strict=True):
            truth.touches[channel.code] = truth.touches.get(channel.code, 0) + int(count)
        truth.actual.add(*tally(block, actual))
        for tactic, code in m.JOURNEY_TACTICS.items():
            truth.without.setdefault(tactic, Tally()).add(*tally(block, evaluate(block, code)))
    return truth
