"""Patients' and HR managers' journeys to the clinics' site, with and without each tactic.

The same design as Northwind's journeys (:mod:`outcomes.demo.journeys`): every touch adds
its channel's lift to the visitor's log-odds, the visitor converts at the first touch whose
probability passes their own uniform draw, and each tactic's effect is the exact realised
counterfactual: the same journeys and random numbers with that tactic's touches taken out.
A patient's conversion is a £55 booking; an HR manager's is an enquiry that may become an
employer contract weeks later. The two populations draw from separate streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo.clinics import model as c
from outcomes.demo.rng import stream

PATIENT: Final = 0
EMPLOYER: Final = 1
_UNIFORMS: Final = (
    "conv",
    "mode",
    "time",
    "opp",
    "gap",
    "cycle",
    "win",
    "amount",
    "reel",
    "clinic",
)


@dataclass(frozen=True)
class Population:
    """The journeys of patients or of HR managers: touches and common random numbers."""

    kind: int
    first_id: int
    """Global number of the first journey (patients first, then HR managers)."""
    ch: np.ndarray
    """(n, K) channel codes, −1 where there is no touch."""
    t: np.ndarray
    """(n, K) touch times, epoch seconds, ascending."""
    valid: np.ndarray
    z: np.ndarray
    u: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        """Journeys in the population."""
        return int(self.ch.shape[0])


@dataclass(frozen=True)
class Outcomes:
    """What happened to each journey in one scenario."""

    converted: np.ndarray
    """A patient's booking or an HR manager's enquiry (the lead the CRM records)."""
    ts: np.ndarray
    touch: np.ndarray
    returned: np.ndarray
    """True when the conversion came on a later, direct visit."""
    opp: np.ndarray
    opp_ts: np.ndarray
    close_ts: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    amount: np.ndarray
    """What a won deal is worth: £55 for a booking, the contract value for an employer."""

    def revenue(self) -> float:
        """Money of the won deals."""
        return float(self.amount[self.won].sum())


def _weights(kind: int) -> np.ndarray:
    """Cumulative channel shares per day for one population: shape (365, C)."""
    base = np.array(
        [ch.patient_weight if kind == PATIENT else ch.employer_weight for ch in c.CHANNELS]
    )
    weights = np.tile(base, (c.DAYS, 1))
    for code, (lo, hi) in c.LIVE.items():
        weights[:lo, code] = 0.0
        weights[hi + 1 :, code] = 0.0
    cumulative = np.cumsum(weights, axis=1)
    return np.asarray(cumulative / cumulative[:, -1:])


def population(seed: int, kind: int, n: int, first_id: int) -> Population:
    """`n` journeys of one population, from its own random stream."""
    rng = stream(seed, "clinics-journeys", kind)
    k_max = c.MAX_TOUCHES
    start_day = rng.integers(0, c.DAYS, n)
    touches = 1 + np.minimum(rng.poisson(1.4, n), k_max - 1)
    gaps = np.concatenate([np.zeros((n, 1)), rng.exponential(4.5, (n, k_max - 1))], axis=1)
    day = start_day[:, None] + np.floor(np.cumsum(gaps, axis=1)).astype(np.int64)
    seconds = day * c.DAY_S + rng.integers(7 * 3600, 22 * 3600, (n, k_max))
    t = np.sort(c.START_S + seconds, axis=1)
    valid = (np.arange(k_max)[None, :] < touches[:, None]) & (t < c.END_S)
    cdf = _weights(kind)
    days = np.clip((t - c.START_S) // c.DAY_S, 0, c.DAYS - 1)
    draws = rng.random((n, k_max))
    ch = np.minimum((draws[:, :, None] > cdf[days]).sum(axis=2), len(c.CHANNELS) - 1)
    ch = np.where(valid, ch, -1).astype(np.int8)
    z = rng.standard_normal(n)
    u = {name: rng.random(n) for name in _UNIFORMS}
    return Population(kind, first_id, ch, t, valid, z, u)


def _expit(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _exponential(u: np.ndarray) -> np.ndarray:
    return np.asarray(-np.log1p(-u))


def evaluate(pop: Population, removed: int | None = None) -> Outcomes:
    """Every journey's outcome with channel `removed`'s touches taken out (None: none)."""
    keep = pop.valid if removed is None else pop.valid & (pop.ch != removed)
    lifts = np.array(
        [ch.patient_lift if pop.kind == PATIENT else ch.employer_lift for ch in c.CHANNELS]
    )
    base = (c.PATIENT_BASE if pop.kind == PATIENT else c.EMPLOYER_BASE) + c.SPREAD * pop.z
    logit = base[:, None] + np.cumsum(np.where(keep, lifts[np.maximum(pop.ch, 0)], 0.0), axis=1)
    hit = keep & (pop.u["conv"][:, None] < _expit(logit))
    touch = hit.argmax(axis=1)
    t_touch = pop.t[np.arange(pop.n), touch]
    returned = pop.u["mode"] >= c.SAME_SESSION
    later = t_touch + 3 * 3600 + (_exponential(pop.u["time"]) * 30 * 3600).astype(np.int64)
    ts = np.where(returned, later, t_touch + 60 + (pop.u["time"] * 900).astype(np.int64))
    converted = hit.any(axis=1) & (ts < c.END_S)
    if pop.kind == PATIENT:
        amount = np.full(pop.n, c.BOOKING_PRICE)
        return Outcomes(converted, ts, touch, returned, converted, ts, ts, converted,
                        np.zeros(pop.n, bool), amount)  # fmt: skip
    opp_ts = ts + ((3 + 12 * _exponential(pop.u["gap"])) * c.DAY_S).astype(np.int64)
    opp = converted & (pop.u["opp"] < c.OPP_RATE) & (opp_ts < c.END_S)
    close_ts = opp_ts + ((20 + 35 * _exponential(pop.u["cycle"])) * c.DAY_S).astype(np.int64)
    closed = opp & (close_ts < c.END_S)
    won = closed & (pop.u["win"] < c.WIN_RATE)
    raw = c.CONTRACT_MIN + c.CONTRACT_SPREAD * pop.u["amount"] ** 1.5
    amount = np.round(raw / 500) * 500
    return Outcomes(
        converted, ts, touch, returned, opp, opp_ts, close_ts, won, closed & ~won, amount
    )


@dataclass
class JourneyTruth:
    """Both populations, their actual outcomes, and the outcomes without each tactic."""

    populations: list[Population]
    actual: list[Outcomes]
    without: dict[str, list[Outcomes]] = field(default_factory=dict)

    def incremental(self, tactic: str) -> dict[str, float]:
        """What the tactic's touches added: bookings, enquiries, contracts and revenue."""
        gone = self.without.get(tactic)
        if gone is None:
            return {"bookings": 0, "enquiries": 0, "contracts": 0, "patient_revenue": 0.0,
                    "employer_revenue": 0.0}  # fmt: skip
        patients, employers = self.actual
        return {
            "bookings": int(patients.won.sum() - gone[PATIENT].won.sum()),
            "enquiries": int(employers.converted.sum() - gone[EMPLOYER].converted.sum()),
            "contracts": int(employers.won.sum() - gone[EMPLOYER].won.sum()),
            "patient_revenue": patients.revenue() - gone[PATIENT].revenue(),
            "employer_revenue": employers.revenue() - gone[EMPLOYER].revenue(),
        }


def journey_counts(scale: float) -> tuple[int, int]:
    """(patients, HR managers) at `scale`, at least 100 of each."""
    return max(100, round(c.PATIENT_JOURNEYS * scale)), max(100, round(c.EMPLOYER_JOURNEYS * scale))


def simulate(seed: int, scale: float) -> JourneyTruth:
    """Both populations, evaluated as they happened and without each journey tactic."""
    patients, employers = journey_counts(scale)
    pops = [population(seed, PATIENT, patients, 0), population(seed, EMPLOYER, employers, patients)]
    truth = JourneyTruth(pops, [evaluate(p) for p in pops])
    for tactic, code in c.JOURNEY_TACTICS.items():
        truth.without[tactic] = [evaluate(p, code) for p in pops]
    return truth
