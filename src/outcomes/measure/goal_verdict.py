"""A goal's forecast at its due date and its status on it (`outcomes.measure.pacing`).

Split from pacing so that the verdict (the forecast's interval, the line it is judged
against, final or open) reads on its own; the module docstring of pacing describes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from outcomes.measure.goal_metrics import Measured
from outcomes.measure.words import metric_interval, metric_value
from outcomes.plan import Plan
from outcomes.plan.model import Goal

Status = Literal["achieved", "on_track", "at_risk", "off_track", "missed", "stale", "no_data"]
CONFIDENCE: Final = 0.9
"""The coverage of every goal's forecast interval; `Z90` is its normal quantile."""
Z90: Final = 1.645


def forecast_of(
    measured: Measured, kind: str, elapsed: float
) -> tuple[float, float | None, float | None]:
    if kind == "flow":
        if elapsed <= 0:
            return measured.value, None, None
        forecast = measured.value / elapsed
        if measured.source == "snapshots":
            return forecast, *_snapshot_interval(measured, elapsed, forecast)
        if measured.events == 0:
            return forecast, None, None
        # The number of events is Poisson: its relative spread carries to the run rate.
        relative = Z90 / math.sqrt(measured.events)
        return forecast, forecast * (1 - relative), forecast * (1 + relative)
    if measured.spread is None or measured.events < 2:
        return measured.value, None, None
    half = Z90 * measured.spread / math.sqrt(measured.events)
    return measured.value, measured.value - half, measured.value + half


def _snapshot_interval(
    measured: Measured, elapsed: float, forecast: float
) -> tuple[float | None, float | None]:
    """The run rate's interval when a flow is reported as periodic snapshots.

    The remaining r = n(1 − elapsed)/elapsed periods are each one more draw with the
    observed spread s; their sum varies by s√r, and the mean they are projected with is
    itself uncertain by s/√n, which r periods multiply: half-width z·s·√(r + r²/n).
    Nothing remains once the period is over, and two snapshots are needed for a spread.
    """
    if measured.spread is None or elapsed >= 1.0:
        return None, None
    remaining = measured.events * (1 - elapsed) / elapsed
    half = Z90 * measured.spread * math.sqrt(remaining + remaining**2 / measured.events)
    return forecast - half, forecast + half


def _better(goal: Goal, a: float, b: float) -> bool:
    """True when `a` is strictly better than `b` in the goal's direction."""
    return a > b if goal.direction in ("increase", "at_least") else a < b


@dataclass(frozen=True, slots=True)
class Judged:
    """A measured goal at `as_of`, to be given its status and the reason for it."""

    goal: Goal
    kind: str
    elapsed: float
    actual: float
    forecast: float
    low: float | None
    high: float | None

    def verdict(self, plan: Plan) -> tuple[Status, str]:
        """The status (module docstring) and its reason, numbers in the metric's unit."""

        def value(amount: float) -> str:
            return metric_value(plan, self.goal.metric, amount)

        final = self._final(value)
        if final is not None:
            return final
        interval = metric_interval(plan, self.goal.metric, self.low, self.high)
        return self._on_forecast(value, interval)

    def _final(self, value: Callable[[float], str]) -> tuple[Status, str] | None:
        """`achieved` or, at the due date, `missed`; None while the result is open."""
        goal = self.goal
        # A growing total that has passed the target stays past it; a cost still
        # accumulating (a flow to decrease) has reached nothing until the period is over.
        increasing = goal.direction in ("increase", "at_least")
        reached = self.actual if self.kind == "flow" else self.forecast
        if (self.elapsed >= 1.0 or (self.kind == "flow" and increasing)) and not _better(
            goal, goal.target, reached
        ):
            return "achieved", f"{value(reached)} reaches the target {value(goal.target)}"
        if self.elapsed < 1.0:
            return None
        return "missed", (
            f"the period is over: it ended at {value(reached)}, {self._short} the target "
            f"{value(goal.target)}{self._line_aside(value, reached)}"
        )

    def _on_forecast(self, value: Callable[[float], str], interval: str) -> tuple[Status, str]:
        """Before the due date: the status the forecast's whole interval supports."""
        goal, point = self.goal, value(self.forecast)
        shown = f" ({CONFIDENCE:.0%}: {interval})" if interval else ""
        line, line_words = self._line(value)
        baseline = f"the baseline {value(goal.baseline)}"
        worse, better = self._ends()
        if not _better(goal, line, worse):
            return "on_track", f"the forecast {point}{shown} {self._stays} {line_words}"
        if not _better(goal, better, goal.baseline):
            return "off_track", f"the forecast {point}{shown} is at or worse than {baseline}"
        if not _better(goal, line, self.forecast):
            return "at_risk", (
                f"the forecast {point} is {self._past} {line_words}, but its {CONFIDENCE:.0%} "
                f"interval, {interval}, straddles it"
            )
        if not _better(goal, self.forecast, goal.baseline):
            return "at_risk", (
                f"the forecast {point} is at or worse than {baseline}, but its "
                f"{CONFIDENCE:.0%} interval, {interval}, reaches past it"
            )
        return "at_risk", (
            f"the forecast {point}{shown} is {self._short} {line_words} but better than {baseline}"
        )

    def _line(self, value: Callable[[float], str]) -> tuple[float, str]:
        """The on-track line and its name: the threshold, else the midpoint."""
        goal = self.goal
        if goal.threshold is not None:
            return goal.threshold, f"the threshold {value(goal.threshold)}"
        middle = (goal.baseline + goal.target) / 2
        return middle, f"the midpoint {value(middle)} between baseline and target"

    def _line_aside(self, value: Callable[[float], str], reached: float) -> str:
        """Where a missed goal ended against its threshold, when it has one."""
        threshold = self.goal.threshold
        if threshold is None:
            return ""
        if _better(self.goal, threshold, reached):
            of = "of " if self._higher else ""
            return f" and {of}its threshold {value(threshold)}"
        return f" though {self._past} its threshold {value(threshold)}"

    # Words in the goal's direction: a cost to bring down is forecast to stay under its
    # threshold, not "past" it, and ends above its target, not "short of" it.
    @property
    def _higher(self) -> bool:
        return self.goal.direction in ("increase", "at_least")

    @property
    def _past(self) -> str:
        return "past" if self._higher else "under"

    @property
    def _stays(self) -> str:
        return "is past" if self._higher else "stays under"

    @property
    def _short(self) -> str:
        return "short of" if self._higher else "above"

    def _ends(self) -> tuple[float, float]:
        """(worse, better) end of the forecast's interval; the forecast twice without one."""
        if self.low is None or self.high is None:
            return self.forecast, self.forecast
        if self.goal.direction in ("increase", "at_least"):
            return min(self.low, self.forecast), max(self.high, self.forecast)
        return max(self.high, self.forecast), min(self.low, self.forecast)
