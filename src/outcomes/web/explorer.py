"""The attribution explorer's view: one model in detail and every model side by side.

Models run on the journeys the briefing summarised (`briefing.explorer`), in milliseconds,
and each result is kept with the snapshot, so the explorer never touches the warehouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from outcomes.briefing.explorer import BY_CHOICES
from outcomes.measure.attribution import MODELS
from outcomes.plan.implementation import CHANNEL_LABELS
from outcomes.web.schemas import AttributionView, ComparisonRow, Credit

if TYPE_CHECKING:
    from outcomes.web.views import Views

_LEADING: Final = (
    "markov", "shapley", "last_touch", "first_touch", "linear", "position_based", "time_decay"
)  # fmt: skip
EXPLORER_MODELS: Final = (*_LEADING, *(m for m in MODELS if m not in _LEADING))
PERIOD_PATTERN: Final = r"^(plan|[0-9]{4}-Q[1-4])$"
"""The form of a period (the API documents it); which quarters exist depends on the data."""
"""The explorer's menu: the models reports use first, then every other one."""


class ExplorerError(ValueError):
    """A query the explorer cannot answer: an unknown model, step kind or period."""


def check_query(views: Views, model: str, by: str, period: str) -> None:
    """ExplorerError, naming the valid values, for a model, step kind or period not known."""
    if model not in MODELS:
        raise ExplorerError(
            f"unknown attribution model {model!r}; valid: {', '.join(EXPLORER_MODELS)}"
        )
    if by not in BY_CHOICES:
        raise ExplorerError(f"unknown step kind {by!r}; valid: {', '.join(BY_CHOICES)}")
    labels = [label for label, _ in views.briefing.explorer.periods]
    if period not in labels:
        raise ExplorerError(f"unknown period {period!r}; valid: {', '.join(labels)}")


def attribution_view(views: Views, model: str, by: str, period: str) -> AttributionView:
    """The explorer for a checked query."""
    chosen = views.explored(model, by, period)
    credits: list[Credit] = []
    if not isinstance(chosen, str):
        total = sum(c.conversions for c in chosen.channels)
        for c in sorted(chosen.channels, key=lambda c: (-c.value, -c.conversions, c.channel)):
            title, link = _step(views, by, c.channel)
            credits.append(
                Credit(
                    step=c.channel,
                    title=title,
                    link=link,
                    conversions=c.conversions,
                    value=c.value,
                    share=c.conversions / total if total else 0.0,
                    removal_effect=c.removal_effect,
                )
            )
    values: dict[str, dict[str, float | None]] = {}
    errors: dict[str, str] = {}
    for name in EXPLORER_MODELS:
        result = views.explored(name, by, period)
        if isinstance(result, str):
            errors[name] = result
            continue
        for c in result.channels:
            values.setdefault(c.channel, {})[name] = c.value
    compared = [m for m in EXPLORER_MODELS if m not in errors]
    shown = [c.step for c in credits]
    comparison = []
    for step in shown + sorted(set(values) - set(shown)):
        title, link = _step(views, by, step)
        by_model = values.get(step, {})
        comparison.append(
            ComparisonRow(
                step=step, title=title, link=link, value={m: by_model.get(m) for m in compared}
            )
        )
    span = views.briefing.explorer.period(period)
    return AttributionView(
        meta=views.meta,
        model=model,
        by=by,
        period=period,
        period_start=span.start,
        period_end=span.end,
        models=list(EXPLORER_MODELS),
        by_choices=list(BY_CHOICES),
        periods=[label for label, _ in views.briefing.explorer.periods],
        credits=credits,
        total_conversions=sum(c.conversions for c in credits),
        total_value=sum(c.value for c in credits),
        error=chosen if isinstance(chosen, str) else None,
        comparison_models=compared,
        comparison=comparison,
        comparison_errors=errors,
    )


def _step(views: Views, by: str, step: str) -> tuple[str | None, str | None]:
    """A step's title and page: a tactic's title and link, a channel's name."""
    if by == "tactic":
        if step in {t.id for t in views.briefing.plan.tactics}:
            return views.titles.get(step), f"/tactics/{step}"
        if step.partition(":")[0] == "unplanned":  # `unplanned:facebook`: no tactic's touches
            channel = step.partition(":")[2]
            where = f", {CHANNEL_LABELS.get(channel, channel)}" if channel else ""
            return f"No tactic (unplanned{where})", None
        return None, None
    return CHANNEL_LABELS.get(step), None
