"""The briefing: everything the executive report, `outcomes status` and the dashboard show.

`build_briefing` runs the scorecard, ROI per tactic under several models, the linter,
the unplanned-activity search and reads the ingest history, then picks the exceptions
that need a decision (`briefing.attention`). It is computed once per state of the plan and
the warehouse (`briefing.cache`) and presented by the HTML/PDF report, the terminal and the
web app, which add nothing but layout. `Briefing.to_json` is the dashboard's API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from outcomes.briefing.attention import Attention, LintItem, attention_items, top_three
from outcomes.briefing.explorer import JourneySummaries, summarise_journeys
from outcomes.catalog.statuses import Status, worst
from outcomes.lint import check_plan
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.costs import Period, data_through
from outcomes.measure.currency import in_plan_currency
from outcomes.measure.declared_sources import loaded_sources
from outcomes.measure.mapping import materialised_activities
from outcomes.measure.pacing import paced_day
from outcomes.measure.roi import DEFAULT_MODELS, roi
from outcomes.measure.roi_report import RoiReport, RoiRow
from outcomes.measure.scorecard import Scorecard, build_scorecard
from outcomes.measure.unplanned import UnplannedReport, find_unplanned
from outcomes.plan import LoadedPlan, Plan
from outcomes.warehouse.connection import Warehouse, to_arrow

SCHEMA_VERSION: Final = 9
"""Version of `Briefing.to_json`; 2: `roi` and `unplanned` are those results' own JSON;
3: `data_through`, and the scorecard's version 2; 4: the scorecard's version 3; 5: the
scorecard's version 4; 6: the scorecard's version 7 and the ROI's version 5; 7: the
scorecard's version 8 (its `as_of`, the briefing's too; `pilot_notes`) and the ROI's
version 6 (`revenue_note`, `roi_note`); 8: the scorecard's version 9 (a content row with no
post in English has no score); 9: the ROI's version 7 (a goal row not judged on sales has
`terms_note`, and no revenue, new customers or cost per new customer)."""
# Rejected rows kept in the briefing; the rest stay in the warehouse's `rejected` table.
REJECTED_SHOWN: Final = 500


@dataclass(frozen=True, slots=True)
class BriefingOptions:
    """How the numbers are measured; part of the cache key."""

    as_of: dt.date | None = None
    sources: tuple[str, ...] | None = None
    """Touchpoint sources journeys are built from (None: all)."""
    lookback_days: int | None = 90
    models: tuple[str, ...] = DEFAULT_MODELS
    headline_model: str = "markov"
    bootstrap: int = 200
    confidence: float = 0.9


ScorecardHook = Callable[[Plan, Scorecard], object]
"""Told the plan and its scorecard as soon as they are measured (`build_briefing`)."""


@dataclass(frozen=True, slots=True)
class IngestRow:
    """One loaded file, from the warehouse's `ingests` table."""

    id: int
    file: str
    source: str
    rows_read: int
    rows_loaded: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    rows_ignored: int
    finished_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row a connector refused, with where and why."""

    ingest_id: int
    file: str
    line: int | None
    column: str | None
    reason: str
    raw: str | None


@dataclass(frozen=True)
class Briefing:
    """The measured state of the plan, as every presentation shows it."""

    plan: Plan
    plan_file: str
    options: BriefingOptions
    generated_at: dt.datetime
    as_of: dt.date
    period: Period
    scorecard: Scorecard
    roi: RoiReport
    unplanned: UnplannedReport
    findings: tuple[LintItem, ...]
    health_score: int
    attention: tuple[Attention, ...]
    ingests: tuple[IngestRow, ...]
    rejected: tuple[RejectedRow, ...]
    rejected_total: int
    journeys: JourneySummaries | None
    """The explorer's journey summaries; None when measured without them (`explorer=False`:
    only the dashboard's explorer reads them, and summarising them is a third of a
    measurement)."""
    loaded: LoadedPlan
    """The plan with its source map, for the implementation plan's appendix."""
    data_through: dt.date | None = None
    """The last day the business data covers (the newest conversion); returns and costs
    are measured to it (`roi.period`), and every presenter says "data through" it."""
    fingerprint: str = field(default="")

    @property
    def organisation(self) -> str:
        """The organisation's name."""
        return self.plan.organisation.name

    @property
    def currency(self) -> str:
        """The plan's currency."""
        return self.plan.organisation.currency

    @property
    def explorer(self) -> JourneySummaries:
        """The explorer's journey summaries; LookupError when measured without them."""
        if self.journeys is None:
            raise LookupError("this briefing was measured without the explorer's journeys")
        return self.journeys

    @property
    def top_attention(self) -> tuple[Attention, ...]:
        """The three exceptions page one shows."""
        return top_three(self.attention)

    def element_status(self) -> dict[str, Status]:
        """Status per goal, strategy and tactic, for the strategy map and every page.

        Goals: their pacing. Strategies: the worst of the goals they serve ("no data yet"
        loses to any measurement). Tactics: their overall status
        (`outcomes.measure.tactic_status`: business outcomes first, "serves no goal" for a
        tactic that reaches none).
        """
        status: dict[str, Status] = {g.goal: g.status for g in self.scorecard.goals}
        for strategy in self.plan.strategies:
            served = [status[g] for g in strategy.serves if g in status]
            if served:
                status[strategy.id] = worst(served)
        for judged in self.scorecard.tactic_status:
            status[judged.tactic] = judged.status
        return status

    def tactic_roi(self, model: str | None = None) -> list[RoiRow]:
        """ROI rows of every tactic under `model` (the headline model by default)."""
        chosen = model or self.options.headline_model
        return [r for r in self.roi.rows if r.level == "tactic" and r.model == chosen]

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON form the dashboard's API serves."""
        return {
            "schema_version": SCHEMA_VERSION,
            "organisation": self.organisation,
            "currency": self.currency,
            "plan_file": self.plan_file,
            "generated_at": self.generated_at.isoformat(),
            "as_of": self.as_of.isoformat(),
            "data_through": self.data_through.isoformat() if self.data_through else None,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "options": asdict(self.options)
            | {"as_of": self.options.as_of.isoformat() if self.options.as_of else None},
            "attention": [asdict(a) for a in self.attention],
            "top_attention": [asdict(a) for a in self.top_attention],
            "scorecard": self.scorecard.to_json(),
            "roi": self.roi.to_json(),
            "unplanned": self.unplanned.to_json(),
            "unplanned_share": self.unplanned.share,
            "lint": {"health_score": self.health_score, "findings": self.lint_json()},
            "ingests": self.ingests_json(),
        }

    def lint_json(self) -> list[dict[str, Any]]:
        """The lint findings as dicts."""
        return [asdict(f) for f in self.findings]

    def ingests_json(self) -> list[dict[str, Any]]:
        """The ingest history as dicts."""
        return [asdict(i) | {"finished_at": i.finished_at.isoformat()} for i in self.ingests]

    def rejected_json(self) -> dict[str, Any]:
        """The rejected rows kept in the briefing, and how many there are in all."""
        return {"total": self.rejected_total, "rows": [asdict(r) for r in self.rejected]}


def build_briefing(
    loaded: LoadedPlan,
    warehouse: Warehouse,
    options: BriefingOptions | None = None,
    *,
    explorer: bool = True,
    on_scorecard: ScorecardHook | None = None,
) -> Briefing:
    """Measure everything the report and the dashboard show.

    `explorer=False` leaves out the journey summaries only the dashboard's explorer reads
    (by channel and by tactic, for the plan's period and each quarter); every other number
    is the same either way. `on_scorecard(plan, scorecard)` is called as soon as the
    scorecard is measured, before ROI (the PDF's charts of it are drawn meanwhile).
    """
    options = options or BriefingOptions()
    if options.headline_model not in options.models:
        raise ValueError(
            f"the headline model {options.headline_model!r} is not among the models "
            f"computed ({', '.join(options.models)})"
        )
    plan = loaded.plan
    touchpoints = warehouse.table("touchpoints")
    # Money in another currency than the plan's is not added (outcomes.measure.currency).
    conversions = in_plan_currency(warehouse.table("conversions"), plan.organisation.currency)
    # The journeys are built once for every measure below (the warehouse does not change
    # while they run); the explorer goes first, so that ROI reads the plan period's paths
    # it summarised with the quarters'.
    activities = warehouse.table("activities")
    # The activities mapped to tactics are kept in the engine too, for the scorecard's
    # measures and the unplanned-activity search.
    with (
        JourneyStore(touchpoints, conversions) as journeys,
        materialised_activities(plan, activities) as mapped,
    ):
        summaries = (
            summarise_journeys(
                plan,
                warehouse,
                lookback_days=options.lookback_days,
                sources=options.sources,
                journeys=journeys,
            )
            if explorer
            else None
        )
        card = build_scorecard(
            plan,
            warehouse,
            as_of=options.as_of,
            sources=options.sources,
            journeys=journeys,
            mapped=mapped,
        )
        if on_scorecard is not None:
            on_scorecard(plan, card)
        period = Period.of_plan(plan)
        report = roi(
            plan,
            touchpoints,
            # As stored: ROI leaves foreign money out itself, and names what it left out.
            warehouse.table("conversions"),
            warehouse.table("costs"),
            models=options.models,
            period=period,
            lookback_days=options.lookback_days,
            sources=options.sources,
            bootstrap=options.bootstrap,
            confidence=options.confidence,
            journeys=journeys,
            snapshots=warehouse.table("metric_snapshots"),
            loaded=loaded_sources(warehouse),
        )
        unplanned = find_unplanned(
            plan,
            activities,
            touchpoints,
            conversions,
            mapped=mapped,
            snapshots=warehouse.table("metric_snapshots"),
        )
    as_of = card.as_of or paced_day(card.goals, options.as_of)
    check = check_plan(loaded)
    findings = tuple(
        LintItem(
            code=f.rule.code,
            rule=f.rule.name,
            severity=f.severity.value,
            element=f.element,
            element_kind=f.element_kind,
            message=f.message,
            fix=f.fix,
            location=f.location,
        )
        for f in check.findings
    )
    attention = attention_items(plan, card, report, options.headline_model, unplanned, findings)
    rejected, rejected_total = _rejected(warehouse)
    return Briefing(
        plan=plan,
        plan_file=loaded.file,
        options=options,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        as_of=as_of,
        period=period,
        scorecard=card,
        roi=report,
        unplanned=unplanned,
        findings=findings,
        health_score=check.score.value,
        attention=attention,
        ingests=_ingests(warehouse),
        rejected=rejected,
        rejected_total=rejected_total,
        journeys=summaries,
        loaded=loaded,
        data_through=data_through(conversions, touchpoints),
    )


def _ingests(warehouse: Warehouse) -> tuple[IngestRow, ...]:
    table = warehouse.table("ingests")
    names = list(IngestRow.__dataclass_fields__)
    current = table.filter(table.forgotten_at.isnull())
    rows = to_arrow(current.select(*names).order_by(table.id.desc())).to_pylist()
    return tuple(IngestRow(**row) for row in rows)


def _rejected(warehouse: Warehouse) -> tuple[tuple[RejectedRow, ...], int]:
    table = warehouse.table("rejected")
    total = int(to_arrow(table.aggregate(n=table.count())).to_pylist()[0]["n"])
    names = list(RejectedRow.__dataclass_fields__)
    newest = table.select(*names).order_by([table.ingest_id.desc(), table.line])
    rows = to_arrow(newest.limit(REJECTED_SHOWN)).to_pylist()
    return tuple(RejectedRow(**row) for row in rows), total
