"""The dashboard's charts: rendered once per briefing, in the background, never per request.

`report.charts` declares each chart with Altair and renders it offline to SVG (50–200 ms
each). `warm` renders every chart the pages show while a new briefing is prepared, before
it is shown; `chart` only reads what `warm` kept, so a page never waits for a render.
A chart that cannot be drawn (no data, a renderer error) is simply left out; the
explorer pre-renders the headline model's two views, other queries show their tables' bars.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Final

from markupsafe import Markup

from outcomes.briefing.explorer import WHOLE_PERIOD
from outcomes.report import charts as report_charts
from outcomes.report.charts import Chart
from outcomes.web.views import Views

log = logging.getLogger(__name__)

Builder = Callable[[Views], "Chart | None"]

_CHARTS: Final[dict[str, Builder]] = {
    "goals": lambda v: report_charts.goal_pacing_chart(v.briefing.scorecard.goals, v.titles),
    "roi": lambda v: report_charts.roi_chart(v.briefing.tactic_roi(), v.briefing.currency),
    "revenue_cost": lambda v: report_charts.revenue_cost_chart(
        v.briefing.tactic_roi(), v.briefing.currency
    ),
    "models": lambda v: report_charts.model_comparison_chart(v.briefing.roi),
    "conversation": lambda v: report_charts.conversation_chart(v.briefing.scorecard.conversation),
    "content": lambda v: report_charts.content_focus_chart(v.briefing.scorecard.content),
    "cadence": lambda v: report_charts.cadence_chart(v.briefing.scorecard.cadence),
}


def attribution_name(model: str, by: str, period: str) -> str:
    """The name the explorer's chart for one query is kept under."""
    return f"attribution:{model}:{by}:{period}"


def _goal_builder(goal_id: str) -> Builder:
    def build(v: Views) -> Chart | None:
        paces = [g for g in v.briefing.scorecard.goals if g.goal == goal_id]
        return report_charts.goal_pacing_chart(paces, v.titles) if paces else None

    return build


def _attribution_builder(model: str, by: str, period: str) -> Builder:
    def build(v: Views) -> Chart | None:
        result = v.explored(model, by, period)
        if isinstance(result, str):
            return None
        return report_charts.attribution_chart(result, v.briefing.currency)

    return build


def _builders(views: Views) -> dict[str, Builder]:
    builders = dict(_CHARTS)
    for goal in views.briefing.plan.goals:
        builders[f"goal:{goal.id}"] = _goal_builder(goal.id)
    # The explorer's first view of each step kind; other queries show their table's bars.
    model = views.briefing.options.headline_model
    for by in ("channel", "tactic"):
        builders[attribution_name(model, by, WHOLE_PERIOD)] = _attribution_builder(
            model, by, WHOLE_PERIOD
        )
    return builders


def warm(views: Views) -> None:
    """Render every chart of this briefing (called in the background thread)."""
    for name, build in _builders(views).items():
        views.snapshot.memo(("chart", name), functools.partial(_render, views, build, name))


def chart(views: Views, name: str) -> Markup | None:
    """A chart `warm` rendered, as inline SVG; None when it was not rendered."""
    key = ("chart", name)
    if not views.snapshot.cached(key):
        return None
    svg = views.snapshot.memo(key, lambda: None)
    return Markup(svg) if isinstance(svg, str) else None


def _render(views: Views, build: Builder, name: str) -> str | None:
    try:
        spec = build(views)
        if spec is None:
            return None
        # vl-convert writes every label as escaped SVG text: no script, no external URL.
        svg = report_charts.to_svg(spec)
    except Exception:  # a chart is evidence, not the answer: leave it out, keep the page
        log.exception("cannot draw the %s chart", name)
        return None
    return svg if isinstance(svg, str) else None
