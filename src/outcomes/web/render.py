"""HTML for the dashboard: one autoescaping Jinja environment and the number formats.

Every template is autoescaped, so text from exports and the plan (post texts, account
names, titles, rejected rows) is written as text wherever it appears; the only markup
passed through is the SVG that `report.strategy_map` and the chart renderer write, with
every text in it escaped. Long words wrap (`overflow-wrap: anywhere` in the CSS) and very
long texts are cut with `clip`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, Final

import jinja2

from outcomes.catalog.money import INVALID, format_money, is_invalid
from outcomes.catalog.statuses import status_word
from outcomes.measure.roi_report import Estimate
from outcomes.measure.words import (
    metric_interval,
    metric_value,
    money,
    number,
    percent,
    percent_interval,
    roi_verdict,
    roi_words,
)
from outcomes.report.templating import template_environment

NAV: Final = (
    ("/", "Overview"),
    ("/goals", "Goals"),
    ("/strategy-map", "Strategy map"),
    ("/tactics", "Tactics"),
    ("/attribution", "Attribution"),
    ("/conversation", "Conversation"),
    ("/lint", "Plan lint"),
    ("/sources", "Sources"),
    ("/pilots", "Pilots"),
    ("/api", "API"),
)
CLIP: Final = 600
"""Characters of a free text (a post, a rejected row) shown before it is cut."""
SHORT: Final = 120
"""Characters of a title or a name in a table cell; its own page shows it whole."""
SEVERITY_WORDS: Final = {3: "decide now", 2: "act this month", 1: "watch"}
SHOWN_INVALID: Final = 20
"""Paths of invalid numbers a page's notice lists; its JSON lists them all."""


class Formats:
    """Number formats bound to one plan (its metrics' units and currency)."""

    def __init__(self, plan: Any, currency: str) -> None:
        self.plan = plan
        self.currency = currency

    def value(self, metric: str, amount: float | None) -> str:
        """A metric's value in its unit."""
        return metric_value(self.plan, metric, amount)

    def interval_of(self, metric: str, low: float | None, high: float | None) -> str:
        """A metric's interval in its unit (`metric_interval`)."""
        return metric_interval(self.plan, metric, low, high)

    def money(self, amount: float | None) -> str:
        """Money rounded to whole units."""
        return money(amount, self.currency)

    def exact_money(self, amount: float | None) -> str:
        """Money with cents where there are any."""
        return "—" if amount is None else format_money(amount, self.currency)


def number_filter(value: float | None) -> str:
    """Thousands grouped, two decimals below 100."""
    return number(value)


def fixed(value: float | None, digits: int = 1) -> str:
    """A number with a fixed count of decimals: "12.8"."""
    if value is None:
        return "—"
    return INVALID if is_invalid(value) else f"{value:,.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage."""
    return percent(value, digits)


def interval(estimate: Estimate | None) -> str:
    """A percentage with its interval: "588% (333% to 933%)"."""
    return percent_interval(estimate)


def day(value: dt.date | dt.datetime | None) -> str:
    """A date as ISO; a time as ISO to the minute, in UTC."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def clip(text: str | None, limit: int = CLIP) -> str:
    """`text` cut to `limit` characters, saying how much was left out."""
    if text is None:
        return ""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def short(text: str | None, limit: int = SHORT) -> str:
    """A title or name for a table cell: cut to `limit` characters with an ellipsis."""
    if text is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def raw(value: float | None) -> str:
    """A number as the API writes it, for `data-value` attributes (empty where it is null)."""
    if value is None or is_invalid(value):
        return ""
    return repr(float(value))


def bar_width(share: float | None) -> str:
    """A share as a CSS width in percent, held to 0–100 ("0" where it cannot be shown)."""
    if share is None or is_invalid(share):
        return "0"
    return f"{min(max(share, 0.0), 1.0) * 100:.1f}"


def verdict(result: Any) -> str:
    """A measure's verdict sentence (a pilot's, an engagement link's), unless it rests on a
    number that cannot be shown: the measure wrote that number into the sentence as "nan"."""
    values = (getattr(result, field.name) for field in dataclasses.fields(result))
    if any(is_invalid(value) for value in values):
        return f"No verdict ({INVALID}): a number it rests on comes from a broken stored value."
    return str(result.verdict)


@functools.cache
def environment() -> jinja2.Environment:
    """The dashboard's templates, autoescaped."""
    env = template_environment(
        "outcomes.web",
        filters={
            "number": number_filter, "fixed": fixed, "pct": pct, "interval": interval,
            "roi_words": roi_words, "roi_verdict": roi_verdict,
            "day": day, "clip": clip, "short": short, "raw": raw, "bar_width": bar_width,
            "verdict": verdict, "status_word": status_word,
        },
    )  # fmt: skip
    env.globals.update(nav=NAV, severity_words=SEVERITY_WORDS, shown_invalid=SHOWN_INVALID)
    return env


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render a template of the dashboard."""
    return environment().get_template(template).render(**context)
