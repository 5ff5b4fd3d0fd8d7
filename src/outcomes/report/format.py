"""Numbers as the report, the terminal and the dashboard write them."""

from __future__ import annotations

from typing import Final

from outcomes.catalog import BUILTIN_METRICS
from outcomes.catalog.money import INVALID, format_money, is_invalid
from outcomes.catalog.statuses import STATUS_STYLES
from outcomes.measure.roi_report import Estimate
from outcomes.plan import Plan

STATUS_LABELS: Final = {status: style.word for status, style in STATUS_STYLES.items()}
"""Goal, benchmark and tactic statuses as readers see them (`outcomes.catalog.statuses`)."""


def number(value: float | None) -> str:
    """Thousands grouped; two decimals only below 100 and when there is a fraction."""
    if value is None:
        return "—"
    if is_invalid(value):
        return INVALID
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def percent(share: float | None, digits: int = 0) -> str:
    """A share as a percentage: 0.253 → "25%"."""
    if share is None:
        return "—"
    return INVALID if is_invalid(share) else f"{share:.{digits}%}"


def percent_interval(estimate: Estimate | None) -> str:
    """An estimate with its interval: "588% (412% to 790%)"."""
    if estimate is None:
        return "—"
    if is_invalid(estimate.value):
        return INVALID
    if is_invalid(estimate.low) or is_invalid(estimate.high):
        return f"{estimate.value:.0%} (interval: {INVALID})"
    return f"{estimate.value:.0%} ({estimate.low:.0%} to {estimate.high:.0%})"


def roi_words(estimate: Estimate | None, kind: str | None = None) -> str:
    """ROI as every presenter shows it: the interval, or why there is none.

    `kind` is the return's kind (`outcomes.measure.returns`): with no ROI, `none` reads
    "no return measured yet" and `units` "not in money" (the return is in goal units).
    """
    if estimate is None and kind == "none":
        return "no return measured yet"
    if estimate is None and kind == "units":
        return "not in money"
    return percent_interval(estimate)


def metric_unit(plan: Plan, metric: str) -> str:
    """The unit of a metric: the plan's own definition first, then the catalogue."""
    for defined in plan.metrics:
        if defined.id == metric:
            return str(defined.unit)
    spec = BUILTIN_METRICS.get(metric)
    return spec.unit if spec else "count"


def metric_value(plan: Plan, metric: str, value: float | None) -> str:
    """A value of `metric` in its unit: money in the plan's currency, minutes, percent."""
    if value is None:
        return "—"
    if is_invalid(value):
        return INVALID
    unit = metric_unit(plan, metric)
    if unit == "currency":
        return format_money(round(value), plan.organisation.currency)
    if unit == "percent":
        return f"{number(value)}%"
    if unit == "ratio":
        return f"{value:,.2f}"
    suffix = {"minutes": " min", "days": " days"}.get(unit, "")
    return f"{number(value)}{suffix}"


def money(amount: float | None, currency: str) -> str:
    """Money rounded to whole units, as tables of totals show it."""
    if amount is None:
        return "—"
    return INVALID if is_invalid(amount) else format_money(round(amount), currency)
