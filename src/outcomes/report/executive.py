"""The executive report: page one is the answer, the rest is the evidence.

Page one: each business goal with its status, actual against target and forecast; ROI
by tactic with its interval; the three decisions or exceptions that need attention; the
pilot's verdict. Then the strategy map coloured by status, the ROI and attribution
charts, conversation health, content focus and cadence per operator, every other
exception, and the tactical implementation plan as the appendix. One self-contained HTML
file (charts are inline SVG rendered offline, no script, no external URL) and the same
HTML printed to PDF by WeasyPrint.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from outcomes.briefing.build import Briefing
from outcomes.measure.content import brand_words
from outcomes.plan.implementation import build_implementation_plan
from outcomes.report import charts
from outcomes.report.format import (
    STATUS_LABELS,
    metric_value,
    money,
    number,
    percent,
    percent_interval,
)
from outcomes.report.implementation import format_date, render_html_sections
from outcomes.report.strategy_map import STATUS_COLOURS, strategy_map_svg
from outcomes.report.templating import template_environment


class PdfUnavailableError(Exception):
    """The PDF engine cannot run here; the message says what to install."""


def render_html(briefing: Briefing, *, for_print: bool = False) -> str:
    """The report as one self-contained HTML document."""
    template = _environment().get_template("executive.html.j2")
    return template.render(**_context(briefing, for_print=for_print))


def render_pdf(briefing: Briefing, target: Path | None = None) -> bytes:
    """The report as PDF (A4), written to `target` when given; returns the bytes."""
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise PdfUnavailableError(
            f"PDF needs the Pango library, which could not be loaded ({exc}); install it "
            "with `make report-deps` (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0), or write HTML with --format html"
        ) from None
    html = render_html(briefing, for_print=True)
    document: bytes = weasyprint.HTML(string=html, base_url=None).write_pdf()
    if target is not None:
        target.write_bytes(document)
    return document


@functools.cache
def _environment() -> jinja2.Environment:
    return template_environment("outcomes.report", filters={"cut": cut})


def cut(text: object, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: user text can be any length."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _context(briefing: Briefing, *, for_print: bool) -> dict[str, Any]:
    plan, currency = briefing.plan, briefing.currency
    titles = {
        **{g.id: g.title for g in plan.goals},
        **{s.id: s.title for s in plan.strategies},
        **{t.id: t.title for t in plan.tactics},
    }
    implementation = build_implementation_plan(briefing.loaded, today=briefing.as_of)
    status = briefing.element_status()
    tactic_rows = briefing.tactic_roi()
    return {
        "b": briefing,
        "for_print": for_print,
        "titles": titles,
        "brand_words": sorted(brand_words(plan)),
        "people": {p.id: p.name for p in plan.people},
        "tactic_rows": tactic_rows,
        "roi_totals": _totals(tactic_rows),
        "model_revenue": _model_revenue(briefing),
        "charts": _charts(briefing, titles),
        "status_map": Markup(strategy_map_svg(plan, status=status)),
        "appendix": render_html_sections(implementation),
        "money": functools.partial(money, currency=currency),
        "number": number,
        "pct": percent,
        "interval": percent_interval,
        "date": format_date,
        "value": functools.partial(metric_value, plan),
        "status_label": lambda s: STATUS_LABELS.get(s, str(s).replace("_", " ")),
        "status_colour": _status_colour,
        "group": lambda g: " · ".join(str(v) for v in g.values() if v),
    }


def _status_colour(status: str) -> str:
    fill, stroke, _ = STATUS_COLOURS.get(status, ("#f1f5f9", "#64748b", status))
    return f"background:{fill};border-color:{stroke}"


def _totals(rows: list[Any]) -> dict[str, float | None]:
    revenue = sum(r.revenue.value for r in rows)
    cost = sum(r.cost for r in rows)
    return {
        "revenue": revenue,
        "new_customers": sum(r.new_customers.value for r in rows),
        "cost": cost,
        "roi": (revenue - cost) / cost if cost > 0 else None,
    }


def _model_revenue(briefing: Briefing) -> list[dict[str, Any]]:
    """Per tactic: attributed revenue under each model, for the comparison table."""
    rows = []
    for tactic in briefing.plan.tactics:
        by_model = {
            r.model: r.revenue.value
            for r in briefing.roi.rows
            if r.level == "tactic" and r.id == tactic.id
        }
        rows.append({"id": tactic.id, "title": tactic.title, "revenue": by_model})
    return rows


def _charts(briefing: Briefing, titles: dict[str, str]) -> dict[str, Markup | None]:
    card, currency = briefing.scorecard, briefing.currency
    builders: dict[str, Callable[[], Any]] = {
        "goals": lambda: charts.goal_pacing_chart(card.goals, titles),
        "roi": lambda: charts.roi_chart(briefing.tactic_roi(), currency),
        "revenue_cost": lambda: charts.revenue_cost_chart(briefing.tactic_roi(), currency),
        "models": lambda: charts.model_comparison_chart(briefing.roi),
        "conversation": lambda: charts.conversation_chart(card.conversation),
        "content": lambda: charts.content_focus_chart(card.content),
        "cadence": lambda: charts.cadence_chart(card.cadence),
    }
    rendered: dict[str, Markup | None] = {}
    for name, build in builders.items():
        chart = build()
        # vl-convert writes every label as escaped SVG text; no script, no external URL.
        rendered[name] = None if chart is None else Markup(charts.to_svg(chart))
    return rendered
