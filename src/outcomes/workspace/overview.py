"""Page one as one document: `outcomes status --format json` and `GET /api/overview`.

Each goal's status, the ROI of each tactic with the totals, what needs a decision, the
pilots: built from a briefing (`Workspace.overview`), so the terminal, the JSON, the API
and the dashboard's first page read one measurement, worded once. Links are the
dashboard's page paths (`/goals/ID`, `/tactics/ID`): where each row is shown whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import Field

from outcomes.briefing.attention import Attention
from outcomes.catalog.statuses import status_word
from outcomes.measure.foreign_sales import left_out_note
from outcomes.measure.pacing import CONFIDENCE as FORECAST_CONFIDENCE
from outcomes.measure.pilot import PilotNote, PilotResult
from outcomes.measure.roi_report import Coverage, Estimate, RoiRow, tactic_totals
from outcomes.measure.words import metric_unit
from outcomes.workspace.documents import PageView, View

if TYPE_CHECKING:
    from outcomes.briefing.build import Briefing

SCHEMA_VERSION: Final = 4
"""The version of the page-one document (`Overview.schema_version`). 2: a goal's `as_of`
is the day its own data reaches (the page's `as_of` at most), no longer the page's day for
every goal; `status_reason`, `Meta.confidence` and `Meta.forecast_confidence` are new.
3: an ROI row's `revenue` and the totals' are null when no loaded export gives a sale,
and `revenue_note` says why (they were 0); `pilot_notes`, the pilots the data cannot
judge yet. 4: a goal's ROI row not judged on sales has `terms_note`, and its `revenue`,
`new_customers` and `cost_per_acquisition` are null (not its terms)."""

PAGES: Final = frozenset(
    {"/", "/goals", "/tactics", "/strategy-map", "/attribution", "/conversation", "/lint",
     "/sources", "/pilots"}
)  # fmt: skip
"""The dashboard's pages an exception's link may point at (`/goals/ID` and `/tactics/ID`
are checked against the plan)."""


class Meta(View):
    """What every view's numbers rest on."""

    organisation: str
    currency: str
    plan_file: str
    as_of: dt.date = Field(description="The day the numbers are measured at.")
    data_through: dt.date | None = Field(
        None, description="The last day the business data covers; returns and costs run to it."
    )
    period_start: dt.date
    period_end: dt.date
    generated_at: dt.datetime = Field(description="When the numbers were measured (UTC).")
    fingerprint: str = Field(description="The state of plan and warehouse measured.")
    headline_model: str = Field(description="The attribution model ROI leads with.")
    health_score: int = Field(description="The plan's lint health score, 0 to 100.")
    confidence: float = Field(
        0.9, description="The coverage of the ROI intervals, as the briefing measured them."
    )
    forecast_confidence: float = Field(
        0.9, description="The coverage of the goals' forecast intervals."
    )


class GoalRow(View):
    """A business goal and its pacing."""

    id: str
    title: str
    metric: str
    unit: str
    direction: str
    status: str
    status_label: str
    baseline: float
    threshold: float | None
    target: float
    expected: float = Field(description="Where the goal should be by now on a straight path.")
    actual: float | None
    forecast: float | None
    forecast_low: float | None
    forecast_high: float | None
    elapsed: float = Field(description="Share of the goal's period passed, 0 to 1.")
    as_of: dt.date = Field(
        description="The day the goal is measured at: the last its own data reaches, the "
        "page's as_of at most; its status reason says so when it is earlier."
    )
    last_data: dt.date | None
    source: str | None
    link: str
    scope: str | None = Field(None, description="Which conversions count for it, in words.")
    scope_note: str | None = Field(
        None, description="Why a scoped goal has no number: its scope matches no conversion."
    )
    left_out: str | None = Field(
        None, description="Money the actual leaves out, being in another currency than the plan's."
    )
    status_reason: str = Field(
        "", description="What the status rests on, in words, as every route gives it."
    )


class RoiOut(View):
    """Attributed outcomes, cost and ROI of a tactic, strategy or goal under one model."""

    level: Literal["tactic", "strategy", "goal"]
    id: str
    title: str
    model: str
    conversions: Estimate
    revenue: Estimate | None = Field(
        description="Attributed revenue; none where nothing can measure it (`revenue_note`)."
    )
    revenue_note: str | None = Field(
        None, description="Why the revenue is not measured; none when it is."
    )
    new_customers: Estimate | None = Field(
        description="New customers the model credits; none where nothing can measure them "
        "(`new_customers_note` says why)."
    )
    new_customers_note: str | None = Field(
        None, description="Why the new customers are not measured; none when they are."
    )
    left_out_note: str | None = Field(
        None,
        description="Sales in another currency than the plan's that touched it, which its "
        "revenue and ROI leave out; none when there are none.",
    )
    cost: float
    people: float
    money: float
    technology: float
    roi: Estimate | None = Field(
        description="(return − cost) / cost, on the return in money; none without cost or "
        "without a return in money."
    )
    roas: float | None
    roas_note: str | None = Field(
        None,
        description="Why roas is none: no money spent (budget or ads), no sales return measured yet, or "
        "goals not judged on sales; none when roas is given.",
    )
    cost_per_acquisition: float | None
    terms_note: str | None = Field(
        None,
        description="On a goal not judged on sales, what it is judged on: revenue, new "
        "customers and cost per new customer are not its terms (null); none otherwise.",
    )
    link: str | None
    return_kind: Literal["money", "units", "none"] = Field(
        "none",
        description="money; units (a contribution in the goal's unit, no money value); none "
        "(no return measured yet).",
    )
    return_money: float | None = Field(None, description="The return in money, when known.")
    return_units: float | None = Field(None, description="The contribution in goal units.")
    return_unit: str | None = Field(None, description="The currency, contacts or hires.")
    return_label: str = Field("no return measured yet", description="The return in words.")


class RoiTotals(View):
    """All tactics together (`outcomes.measure.roi_report.TacticTotals`)."""

    revenue: float | None = Field(
        description="The tactics' revenue; none when no loaded export gives a sale."
    )
    new_customers: float | None = Field(
        description="The new customers of the tactics that measure them; none when none does."
    )
    cost: float = Field(description="Every tactic's cost, those left out of the ROI included.")
    roi: Estimate | None = Field(
        description="(return − cost) / cost over the tactics whose return is in money, with "
        "the interval the sums of their ends give; none without their cost."
    )
    returned: float = Field(0.0, description="The tactics' returns in money, summed.")
    left_out: list[str] = Field(
        default_factory=list,
        description="Tactics with a cost and no return in money, left out of the ROI.",
    )
    left_out_cost: float = Field(0.0, description="Their cost.")
    note: str = Field("", description="What the ROI is over, in one sentence, when not all.")


class PilotEntry(View):
    """A pilot's result with its tactic's title."""

    title: str
    link: str
    result: PilotResult


class Overview(PageView):
    """Page one: goals, ROI by tactic, the three things that need a decision, pilots."""

    schema_version: int = Field(
        SCHEMA_VERSION, description="Raised when a field changes meaning or goes away."
    )
    meta: Meta
    goals: list[GoalRow]
    roi_model: str
    roi: list[RoiOut]
    roi_totals: RoiTotals
    coverage: Coverage
    credit_warnings: list[str] = Field(
        default_factory=list,
        description="Tactics whose credit under the headline model came mostly through "
        "states other journeys share, one sentence each.",
    )
    top_attention: list[Attention]
    more_attention: int = Field(description="Exceptions beyond the three on page one.")
    attention: list[Attention]
    pilots: list[PilotEntry]
    pilot_notes: list[PilotNote] = Field(
        default_factory=list,
        description="Each pilot the data cannot judge yet, with why (never left out in silence).",
    )


def overview(briefing: Briefing) -> Overview:
    """Page one of `briefing`."""
    titles = element_titles(briefing)
    tactic_rows = briefing.tactic_roi()
    totals = tactic_totals(tactic_rows, briefing.currency)
    model = briefing.options.headline_model
    return Overview(
        meta=meta(briefing),
        goals=goal_rows(briefing, titles),
        roi_model=model,
        roi=[roi_out(row, titles) for row in tactic_rows],
        roi_totals=RoiTotals(
            revenue=totals.revenue,
            new_customers=totals.new_customers,
            cost=totals.cost,
            roi=totals.roi,
            returned=totals.returned,
            left_out=list(totals.left_out),
            left_out_cost=totals.left_out_cost,
            note=totals.note,
        ),
        coverage=briefing.roi.coverage,
        credit_warnings=[w.message for w in briefing.roi.warnings if w.model == model],
        top_attention=linked(briefing, briefing.top_attention),
        more_attention=len(briefing.attention) - len(briefing.top_attention),
        attention=linked(briefing, briefing.attention),
        pilots=pilot_entries(briefing, titles),
        pilot_notes=list(briefing.scorecard.pilot_notes),
    )


def status_label(status: str | None) -> str:
    """A status as readers see it: `on_track` → "on track"; None → "no data yet"."""
    return status_word(status)


def meta(briefing: Briefing) -> Meta:
    """What the numbers of every document from `briefing` rest on."""
    return Meta(
        organisation=briefing.organisation,
        currency=briefing.currency,
        plan_file=briefing.plan_file,
        as_of=briefing.as_of,
        data_through=briefing.data_through,
        period_start=briefing.period.start,
        period_end=briefing.period.end,
        generated_at=briefing.generated_at,
        fingerprint=briefing.fingerprint,
        headline_model=briefing.options.headline_model,
        health_score=briefing.health_score,
        confidence=briefing.options.confidence,
        forecast_confidence=FORECAST_CONFIDENCE,
    )


def element_titles(briefing: Briefing) -> dict[str, str]:
    """Titles of goals, strategies and tactics by id."""
    plan = briefing.plan
    elements: Iterable[tuple[str, str]] = (
        *((g.id, g.title) for g in plan.goals),
        *((s.id, s.title) for s in plan.strategies),
        *((t.id, t.title) for t in plan.tactics),
    )
    return dict(elements)


def goal_rows(briefing: Briefing, titles: dict[str, str]) -> list[GoalRow]:
    """Every paced goal's row."""
    return [
        GoalRow(
            id=pace.goal,
            title=titles.get(pace.goal, pace.goal),
            metric=pace.metric,
            unit=metric_unit(briefing.plan, pace.metric),
            direction=pace.direction,
            status=pace.status,
            status_label=status_label(pace.status),
            baseline=pace.baseline,
            threshold=pace.threshold,
            target=pace.target,
            expected=pace.expected,
            actual=pace.actual,
            forecast=pace.forecast,
            forecast_low=pace.forecast_low,
            forecast_high=pace.forecast_high,
            elapsed=pace.elapsed,
            as_of=pace.as_of,
            last_data=pace.last_data,
            source=pace.source,
            link=f"/goals/{pace.goal}",
            scope=pace.scope,
            scope_note=pace.scope_note,
            left_out=pace.left_out,
            status_reason=pace.reason,
        )
        for pace in briefing.scorecard.goals
    ]


def roi_out(row: RoiRow, titles: dict[str, str]) -> RoiOut:
    """One ROI row as documents show it, with the page that shows it whole."""
    link = {"tactic": "/tactics/", "goal": "/goals/"}.get(row.level)
    return RoiOut(
        level=row.level,
        id=row.id,
        title=titles.get(row.id, row.id),
        model=row.model,
        conversions=row.conversions,
        revenue=row.revenue if row.revenue_shown else None,
        revenue_note=row.revenue_note,
        new_customers=row.new_customers if row.customers_shown else None,
        new_customers_note=row.new_customers_note,
        left_out_note=left_out_note(row.left_out),
        cost=row.cost,
        people=row.people,
        money=row.money,
        technology=row.technology,
        roi=row.roi,
        roas=row.roas,
        roas_note=row.roas_note,
        cost_per_acquisition=row.cost_per_acquisition,
        terms_note=row.terms_note,
        link=f"{link}{row.id}" if link else None,
        **_return_fields(row),
    )


def _return_fields(row: RoiRow) -> dict[str, Any]:
    """The return in the goal's own terms, as `RoiOut`'s fields."""
    kept = row.returns
    if kept is None:
        return {}
    return {
        "return_kind": kept.kind,
        "return_money": None if kept.money is None else kept.money.value,
        "return_units": kept.units,
        "return_unit": kept.unit,
        "return_label": kept.label,
    }


def linked(briefing: Briefing, items: Iterable[Attention]) -> list[Attention]:
    """Exceptions with links that resolve: a strategy's finding points at the map."""
    plan = briefing.plan
    tactics = {t.id for t in plan.tactics}
    strategies = {s.id for s in plan.strategies}
    goals = {g.id for g in plan.goals}
    out = []
    for item in items:
        kind, _, ident = item.link.strip("/").partition("/")
        link = item.link
        if kind == "tactics" and ident and ident not in tactics:
            link = "/strategy-map" if ident in strategies else "/lint"
        elif kind == "goals" and ident and ident not in goals:
            link = "/goals"
        elif f"/{kind}" not in PAGES:
            link = "/"
        out.append(item if link == item.link else dataclasses.replace(item, link=link))
    return out


def pilot_entries(briefing: Briefing, titles: dict[str, str]) -> list[PilotEntry]:
    """Every pilot's result, with its tactic's title and page."""
    return [
        PilotEntry(title=titles.get(p.tactic, p.tactic), link=f"/tactics/{p.tactic}", result=p)
        for p in briefing.scorecard.pilots
    ]
