"""Numbers and estimates in words, as the report, the terminal and the dashboard write them.

One module for every route, so a question gets one answer whichever asks it: an ROI and
its interval (`roi_words`), the verdict drawn from it (`roi_verdict`), a goal's forecast
interval (`metric_interval`), a metric's value in its unit. It lives beside the measures,
below the briefing, because the briefing's own sentences (what needs a decision) write
their numbers with it too."""

from __future__ import annotations

from typing import Final, Literal

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


NO_INTERVAL: Final = "no interval"
"""What an estimate whose two ends are equal shows in place of "(x to x)"."""

Verdict = Literal["gain", "loss"]


def has_interval(estimate: Estimate) -> bool:
    """Whether the estimate's interval has a width.

    Low = high is what the bootstrap leaves when it did not run (`--bootstrap 0`) or when
    every replicate gave the same number (a tactic credited nothing under a model that
    never credits it): no period of data makes a return certain, so such an interval
    states no uncertainty at all, and "−100% (−100% to −100%)" would claim one.
    """
    return estimate.low != estimate.high


def percent_interval(estimate: Estimate | None) -> str:
    """An estimate with its interval: "588% (412% to 790%)"; "−100% (no interval)" when
    the two ends are equal (`has_interval`)."""
    if estimate is None:
        return "—"
    if is_invalid(estimate.value):
        return INVALID
    if is_invalid(estimate.low) or is_invalid(estimate.high):
        return f"{estimate.value:.0%} (interval: {INVALID})"
    if not has_interval(estimate):
        return f"{estimate.value:.0%} ({NO_INTERVAL})"
    return f"{estimate.value:.0%} ({estimate.low:.0%} to {estimate.high:.0%})"


def roi_words(estimate: Estimate | None, kind: str | None = None) -> str:
    """ROI as every presenter shows it: the interval, or why there is none.

    `kind` is the return's kind (`outcomes.measure.returns`): with no ROI, `none` reads
    "no return measured yet" and `units` "not in money" (the return is in goal units).
    The terminal's `outcomes roi` and `outcomes status`, the report and the dashboard all
    write ROI through this function, so a tactic reads the same on each.
    """
    if estimate is None and kind == "none":
        return "no return measured yet"
    if estimate is None and kind == "units":
        return "not in money"
    return percent_interval(estimate)


def roi_verdict(estimate: Estimate | None) -> Verdict | None:
    """`gain` when the whole interval is above 0 (it pays for itself), `loss` when it is
    below (it costs more than it returns); none when the interval crosses 0, has no width
    (`has_interval`: no measured uncertainty backs a verdict) or a number is invalid.

    Every colour and every "losing money" in the report, the dashboard, the charts and
    the briefing comes from here, so no route says more than the interval.
    """
    if estimate is None or not has_interval(estimate):
        return None
    ends = (estimate.value, estimate.low, estimate.high)
    if any(is_invalid(end) for end in ends):
        return None
    # The point is inside the interval by construction; min and max keep the verdict
    # honest if a caller's estimate is not.
    if min(ends) > 0:
        return "gain"
    if max(ends) < 0:
        return "loss"
    return None


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
        return metric_money(value, plan.organisation.currency)
    if unit == "percent":
        return f"{number(value)}%"
    if unit == "ratio":
        return f"{value:,.2f}"
    suffix = {"minutes": " min", "days": " days"}.get(unit, "")
    return f"{number(value)}{suffix}"


CENTS_BELOW: Final = 1_000
"""A metric's money value below this keeps its cents: a cost per ticket, per lead or per
order, where whole units hide a gap (€21.40 against a €20 target read "€21")."""


def metric_money(amount: float, currency: str) -> str:
    """A metric's money value as every route writes it: to the cent below `CENTS_BELOW`
    ("€21.40"; a whole amount stays "€20"), in whole units above it ("€79,000"), where a
    cent is below a ten-thousandth of the value and says nothing."""
    if is_invalid(amount):
        return INVALID
    shown = round(amount, 2) if abs(amount) < CENTS_BELOW else round(amount)
    return format_money(shown, currency)


def benchmark_value(plan: Plan, metric: str, value: float | None) -> str:
    """A benchmark's number as its tables and the tactic's status reason write it: money in
    the plan's currency ("€45,000", not "45,000"), any other unit as a plain number ("2",
    "0.91"), "–" without a value."""
    if value is None:
        return "–"
    if metric_unit(plan, metric) == "currency":
        return metric_money(value, plan.organisation.currency)
    return number(value)


def metric_interval(plan: Plan, metric: str, low: float | None, high: float | None) -> str:
    """A metric's interval in its unit, as every route writes a goal's forecast interval:
    "€40,000 to €61,000"; empty without one, "no interval" when its ends are equal (a
    level whose snapshots never varied states no uncertainty, not a certainty)."""
    if low is None or high is None:
        return ""
    if low == high:
        return NO_INTERVAL
    return f"{metric_value(plan, metric, low)} to {metric_value(plan, metric, high)}"


def money(amount: float | None, currency: str) -> str:
    """Money rounded to whole units, as tables of totals show it."""
    if amount is None:
        return "—"
    return INVALID if is_invalid(amount) else format_money(round(amount), currency)


def cost_words(cost: float, recorded: float, currency: str) -> str:
    """A cost in words that say where it comes from: the plan's estimate (hours, budget,
    tools) is "planned", never "spent"; only recorded spend is spent. "$4,368 planned",
    "€2,000 spent", "€6,368 (€2,000 spent, €4,368 planned)"."""
    planned = cost - recorded
    if recorded <= 0:
        return f"{format_money(cost, currency)} planned"
    if planned < 0.005:  # a cent's rounding is not a plan
        return f"{format_money(cost, currency)} spent"
    return (
        f"{format_money(cost, currency)} ({format_money(recorded, currency)} spent, "
        f"{format_money(planned, currency)} planned)"
    )
