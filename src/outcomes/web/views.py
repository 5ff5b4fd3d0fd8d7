"""Build each page's view (`web.schemas`) from a briefing; pages and the API share them.

Nothing here touches the warehouse: every number comes from the briefing in memory, so a
view builds in milliseconds and is then kept with its snapshot (`Views`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Final, TypeVar

from outcomes.briefing.attention import Attention
from outcomes.briefing.build import Briefing
from outcomes.briefing.explorer import WHOLE_PERIOD, explore
from outcomes.measure.attribution.result import AttributionResult
from outcomes.measure.conversation import ConversationHealth
from outcomes.measure.roi_report import RoiRow
from outcomes.measure.words import metric_unit
from outcomes.plan.implementation import (
    CHANNEL_LABELS,
    MODE_LABELS,
    ImplementationPlan,
    build_implementation_plan,
)
from outcomes.plan.model import Plan, Tactic
from outcomes.report.strategy_map import strategy_map_svg
from outcomes.web.explorer import attribution_view, check_query
from outcomes.web.schemas import (
    AttributionView,
    ConversationRow,
    ConversationView,
    GoalDetail,
    GoalsView,
    LintView,
    MapNode,
    PilotsView,
    SourcesView,
    StrategyMapView,
    StrategyOut,
    TacticDetail,
    TacticSummary,
    TacticsView,
    UnplannedView,
)
from outcomes.web.state import Snapshot
from outcomes.workspace import overview
from outcomes.workspace.overview import (
    GoalRow,
    Meta,
    Overview,
    PilotEntry,
    RoiOut,
    status_label,
)

V = TypeVar("V")

# Unplanned-activity rows listed on /sources; the rest are counted.
UNPLANNED_SHOWN: Final = 100


class Views:
    """Every view of one snapshot, each built on first use and kept with it."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.briefing = snapshot.briefing

    def _memo(self, key: tuple[str, ...], build: Callable[[], V]) -> V:
        return self.snapshot.memo(("view", *key), build)

    # -- shared pieces -------------------------------------------------------------------

    @property
    def meta(self) -> Meta:
        """What the numbers rest on."""
        return self._memo(("meta",), lambda: overview.meta(self.briefing))

    @property
    def titles(self) -> dict[str, str]:
        """Titles of goals, strategies and tactics by id."""
        return self._memo(("titles",), lambda: overview.element_titles(self.briefing))

    @property
    def element_status(self) -> dict[str, str]:
        """Status per goal, strategy and tactic (the strategy map's colours)."""
        return self._memo(("status",), lambda: dict[str, str](self.briefing.element_status()))

    @property
    def implementation(self) -> ImplementationPlan:
        """The tactical implementation plan, as of the briefing's day."""
        return self._memo(
            ("implementation",),
            lambda: build_implementation_plan(self.briefing.loaded, today=self.briefing.as_of),
        )

    def roi(self, level: str, id_: str, model: str | None = None) -> RoiOut | None:
        """The ROI of a tactic, strategy or goal under `model` (the headline one by default)."""
        chosen = model or self.briefing.options.headline_model
        return self._roi_index().get((level, id_, chosen))

    def _roi_index(self) -> dict[tuple[str, str, str], RoiOut]:
        def build() -> dict[tuple[str, str, str], RoiOut]:
            return {(r.level, r.id, r.model): self._roi_out(r) for r in self.briefing.roi.rows}

        return self._memo(("roi-index",), build)

    def _roi_out(self, row: RoiRow) -> RoiOut:
        return overview.roi_out(row, self.titles)

    def attention(self, items: Iterable[Attention]) -> list[Attention]:
        """Exceptions with links that resolve: a strategy's finding points at the map."""
        return overview.linked(self.briefing, items)

    def goal_rows(self) -> list[GoalRow]:
        """Every goal's pacing row."""
        return self._memo(("goal-rows",), self._goal_rows)

    def _goal_rows(self) -> list[GoalRow]:
        return overview.goal_rows(self.briefing, self.titles)

    def tactic_summary(self, tactic: Tactic) -> TacticSummary:
        """One tactic as lists show it."""
        status = self.element_status.get(tactic.id)
        judged = next(
            (j for j in self.briefing.scorecard.tactic_status if j.tactic == tactic.id), None
        )
        return TacticSummary(
            id=tactic.id,
            title=tactic.title,
            strategy=tactic.serves,
            strategy_title=self.titles.get(tactic.serves) if tactic.serves else None,
            channel=tactic.channel,
            channel_label=CHANNEL_LABELS.get(tactic.channel, tactic.channel),
            mode=tactic.mode,
            mode_label=MODE_LABELS.get(tactic.mode, tactic.mode),
            start=tactic.start,
            end=tactic.end,
            status=status,
            status_label=status_label(status),
            status_reason=judged.reason if judged else None,
            roi=self.roi("tactic", tactic.id),
            link=f"/tactics/{tactic.id}",
        )

    # -- pages ---------------------------------------------------------------------------

    def overview(self) -> Overview:
        """Page one."""
        return self._memo(("overview",), lambda: overview.overview(self.briefing))

    def goals(self) -> GoalsView:
        """Every goal."""
        return self._memo(("goals",), lambda: GoalsView(meta=self.meta, goals=self.goal_rows()))

    def goal(self, goal_id: str) -> GoalDetail | None:
        """One goal, or None for an id the plan does not have."""
        if goal_id not in {g.id for g in self.briefing.plan.goals}:
            return None
        return self._memo(("goal", goal_id), lambda: self._goal(goal_id))

    def _goal(self, goal_id: str) -> GoalDetail:
        plan = self.briefing.plan
        goal = next(g for g in plan.goals if g.id == goal_id)
        row = next((r for r in self.goal_rows() if r.id == goal_id), None)
        if row is None:  # a goal the scorecard could not pace: show the plan's numbers
            row = GoalRow(
                id=goal.id, title=goal.title, metric=goal.metric,
                unit=metric_unit(plan, goal.metric), direction=goal.direction,
                status="no_data", status_label=status_label("no_data"), baseline=goal.baseline,
                threshold=goal.threshold, target=goal.target, expected=goal.baseline,
                actual=None, forecast=None, forecast_low=None, forecast_high=None, elapsed=0.0,
                as_of=self.briefing.as_of, last_data=None, source=None, link=f"/goals/{goal.id}",
            )  # fmt: skip
        strategies = []
        for strategy in plan.strategies:
            if goal_id not in strategy.serves:
                continue
            status = self.element_status.get(strategy.id)
            strategies.append(
                StrategyOut(
                    id=strategy.id,
                    title=strategy.title,
                    owner=_person(self.briefing, strategy.owner),
                    audience=strategy.audience,
                    status=status,
                    status_label=status_label(status),
                    roi=self.roi("strategy", strategy.id),
                    tactics=[
                        self.tactic_summary(t) for t in plan.tactics if t.serves == strategy.id
                    ],
                )
            )
        return GoalDetail(
            meta=self.meta,
            goal=row,
            start=goal.start,
            due=goal.due,
            stretch=goal.stretch,
            sponsor=_person(self.briefing, goal.sponsor) if goal.sponsor else None,
            functions=list(goal.functions),
            roi=self.roi("goal", goal_id),
            strategies=strategies,
            attention=self.attention(
                a for a in self.briefing.attention if a.link == f"/goals/{goal_id}"
            ),
        )

    def tactics(self) -> TacticsView:
        """Every tactic."""
        return self._memo(
            ("tactics",),
            lambda: TacticsView(
                meta=self.meta,
                model=self.briefing.options.headline_model,
                tactics=[self.tactic_summary(t) for t in self.briefing.plan.tactics],
            ),
        )

    def tactic(self, tactic_id: str) -> TacticDetail | None:
        """One tactic, or None for an id the plan does not have."""
        if tactic_id not in {t.id for t in self.briefing.plan.tactics}:
            return None
        return self._memo(("tactic", tactic_id), lambda: self._tactic(tactic_id))

    def _tactic(self, tactic_id: str) -> TacticDetail:
        briefing, card = self.briefing, self.briefing.scorecard
        tactic = next(t for t in briefing.plan.tactics if t.id == tactic_id)
        strategy = next((s for s in briefing.plan.strategies if s.id == tactic.serves), None)
        return TacticDetail(
            meta=self.meta,
            tactic=self.tactic_summary(tactic),
            goals=list(strategy.serves) if strategy else [],
            implementation=next(
                (t for t in self.implementation.tactics if t.id == tactic_id), None
            ),
            benchmarks=[r for r in card.tactics if r.tactic == tactic_id],
            cadence=[r for r in card.cadence if r.tactic == tactic_id],
            conversation=[
                _conversation_row(c)
                for c in card.conversation
                if c.group.get("channel") == tactic.channel
            ],
            own_conversation=next(
                (
                    _conversation_row(c)
                    for c in card.conversation_by_tactic
                    if c.group.get("tactic") == tactic_id
                ),
                None,
            ),
            content=next((c for c in card.content if c.tactic == tactic_id), None),
            roi_by_model=[
                r
                for m in briefing.roi.models
                if (r := self.roi("tactic", tactic_id, m)) is not None
            ],
            engagement=next((e for e in card.engagement if e.tactic == tactic_id), None),
            resources=next((r for r in card.resources if r.tactic == tactic_id), None),
            pilot=next((p for p in card.pilots if p.tactic == tactic_id), None),
            attention=self.attention(
                a for a in briefing.attention if a.link == f"/tactics/{tactic_id}"
            ),
        )

    def strategy_map(self) -> StrategyMapView:
        """The strategy map's elements and status."""
        return self._memo(("strategy-map",), self._strategy_map)

    def strategy_map_svg(self) -> str:
        """The strategy map coloured by status, as SVG (every text in it escaped)."""
        return self.snapshot.memo(
            ("svg", "strategy-map"),
            lambda: strategy_map_svg(self.briefing.plan, status=self.element_status),
        )

    def _strategy_map(self) -> StrategyMapView:
        plan, status = self.briefing.plan, self.element_status
        nodes = [
            *(MapNode(id=g.id, kind="goal", title=g.title, serves=[], link=f"/goals/{g.id}",
                      status=status.get(g.id), status_label=_label(status.get(g.id)))
              for g in plan.goals),
            *(MapNode(id=s.id, kind="strategy", title=s.title, serves=list(s.serves),
                      link=f"/goals/{s.serves[0]}" if s.serves else "/strategy-map",
                      status=status.get(s.id), status_label=_label(status.get(s.id)))
              for s in plan.strategies),
            *(MapNode(id=t.id, kind="tactic", title=t.title,
                      serves=[t.serves] if t.serves else [], link=f"/tactics/{t.id}",
                      status=status.get(t.id), status_label=_label(status.get(t.id)))
              for t in plan.tactics),
        ]  # fmt: skip
        return StrategyMapView(meta=self.meta, svg="/strategy-map.svg", nodes=nodes)

    def attribution(
        self, model: str = "markov", by: str = "channel", period: str = WHOLE_PERIOD
    ) -> AttributionView:
        """The explorer for one model, step kind and period; ExplorerError for bad values."""
        check_query(self, model, by, period)
        return self._memo(
            ("attribution", model, by, period),
            lambda: attribution_view(self, model, by, period),
        )

    def explored(self, model: str, by: str, period: str) -> AttributionResult | str:
        """A model's result on the summarised journeys, or why it has none (kept)."""

        def run() -> AttributionResult | str:
            try:
                return explore(self.briefing.explorer, model=model, by=by, period=period)
            except (ValueError, ArithmeticError) as exc:
                return f"{model}: {exc}"

        return self.snapshot.memo(("explore", model, by, period), run)

    def conversation(self) -> ConversationView:
        """Conversation health per channel and account."""
        return self._memo(
            ("conversation",),
            lambda: ConversationView(
                meta=self.meta,
                rows=[_conversation_row(c) for c in self.briefing.scorecard.conversation],
                by_tactic=[
                    _conversation_row(c) for c in self.briefing.scorecard.conversation_by_tactic
                ],
                business_hours=_hours(self.briefing.plan),
                responders=list(self.briefing.scorecard.conversation_by_operator),
                names={p.id: p.name for p in self.briefing.plan.people},
                attention=self.attention(
                    a for a in self.briefing.attention if a.link == "/conversation"
                ),
            ),
        )

    def lint(self) -> LintView:
        """The lint findings."""

        def build() -> LintView:
            counts = Counter(f.severity for f in self.briefing.findings)
            return LintView(
                meta=self.meta,
                health_score=self.briefing.health_score,
                counts=dict(sorted(counts.items())),
                findings=list(self.briefing.findings),
            )

        return self._memo(("lint",), build)

    def sources(self) -> SourcesView:
        """Ingest history, rejected rows and unplanned activity."""

        def build() -> SourcesView:
            briefing, unplanned = self.briefing, self.briefing.unplanned
            return SourcesView(
                meta=self.meta,
                ingests=list(briefing.ingests),
                rejected_total=briefing.rejected_total,
                rejected_shown=len(briefing.rejected),
                rejected=list(briefing.rejected),
                unplanned=UnplannedView(
                    activities=unplanned.activities,
                    unplanned_activities=unplanned.unplanned_activities,
                    share=unplanned.share,
                    groups=list(unplanned.groups[:UNPLANNED_SHOWN]),
                    groups_total=len(unplanned.groups),
                    campaigns=list(unplanned.campaigns[:UNPLANNED_SHOWN]),
                    campaigns_total=len(unplanned.campaigns),
                    checkins=list(unplanned.checkins),
                ),
            )

        return self._memo(("sources",), build)

    def pilots(self) -> PilotsView:
        """Every pilot's verdict."""
        return self._memo(
            ("pilots",),
            lambda: PilotsView(
                meta=self.meta,
                pilots=self._pilot_entries(),
                pilot_notes=list(self.briefing.scorecard.pilot_notes),
            ),
        )

    def _pilot_entries(self) -> list[PilotEntry]:
        return overview.pilot_entries(self.briefing, self.titles)


def _person(briefing: Briefing, person_id: str) -> str:
    person = next((p for p in briefing.plan.people if p.id == person_id), None)
    return person.name if person else person_id


def _label(status: str | None) -> str | None:
    return None if status is None else status_label(status)


def _conversation_row(c: ConversationHealth) -> ConversationRow:
    return ConversationRow(
        channel=c.group.get("channel"),
        account=c.group.get("account"),
        tactic=c.group.get("tactic"),
        inbound=c.inbound,
        answered=c.answered,
        answered_unseen=c.answered_unseen,
        response_rate=c.response_rate,
        held_response_rate=c.held_response_rate,
        rate_words=c.rate_words,
        rate_note=c.rate_note,
        median_first_response_minutes=c.median_first_response_minutes,
        p90_first_response_minutes=c.p90_first_response_minutes,
        median_first_response_business_minutes=c.median_first_response_business_minutes,
        p90_first_response_business_minutes=c.p90_first_response_business_minutes,
        own_posts=c.own_posts,
        answers=c.answers,
        listen_push_ratio=c.listen_push_ratio,
        flags=list(c.flags),
        target_minutes=None if c.target is None else c.target.minutes,
        target_in_business_hours=None if c.target is None else c.target.business_hours,
        answered_within_target=c.answered_within_target,
    )


def _hours(plan: Plan) -> str:
    hours = plan.organisation.business_hours
    return f"{', '.join(hours.days)} {hours.open}–{hours.close} ({hours.time_zone})"
