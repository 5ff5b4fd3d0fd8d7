"""The dashboard's views: one pydantic model per page, which is also its JSON twin.

A page and its `/api/` endpoint render the same model instance (`web.views` builds it
once per briefing), so they cannot disagree on a number; the models document the API in
the OpenAPI schema. The measures' own dataclasses (`GoalPace`, `RoiRow`'s `Estimate`,
`BenchmarkResult`, …) are used as they are wherever a page shows them whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from outcomes.briefing.attention import Attention, LintItem
from outcomes.briefing.build import IngestRow, RejectedRow
from outcomes.measure.benchmarks import BenchmarkResult
from outcomes.measure.cadence import CadenceRow
from outcomes.measure.content import TacticFocus
from outcomes.measure.conversation import ResponderHealth
from outcomes.measure.costs import PlannedVsSpent
from outcomes.measure.engagement import EngagementLink
from outcomes.measure.pilot import PilotNote, PilotResult
from outcomes.measure.unplanned import UnplannedActivity, UnplannedCampaign, UnplannedCheckins
from outcomes.plan.implementation import TacticPlan
from outcomes.workspace.documents import PageView, View
from outcomes.workspace.overview import (
    GoalRow,
    Meta,
    PilotEntry,
    RoiOut,
)


class GoalsView(PageView):
    """Every business goal."""

    meta: Meta
    goals: list[GoalRow]


class TacticSummary(View):
    """A tactic as lists show it: what it is, where it stands, its headline ROI."""

    id: str
    title: str
    strategy: str | None
    strategy_title: str | None
    channel: str
    channel_label: str
    mode: str
    mode_label: str
    start: dt.date
    end: dt.date
    status: str | None = Field(
        description="Its overall status, as the strategy map: business-outcome benchmarks "
        "and a conclusive pilot first, activity benchmarks only without them."
    )
    status_label: str
    status_reason: str | None = Field(None, description="What the status rests on, in words.")
    roi: RoiOut | None
    link: str


class StrategyOut(View):
    """A strategy serving a goal, with its tactics."""

    id: str
    title: str
    owner: str
    audience: str | None
    status: str | None
    status_label: str
    roi: RoiOut | None
    tactics: list[TacticSummary]


class GoalDetail(PageView):
    """One goal: its pacing, and the strategies and tactics serving it with their ROI."""

    meta: Meta
    goal: GoalRow
    start: dt.date
    due: dt.date
    stretch: float | None
    sponsor: str | None
    functions: list[str]
    roi: RoiOut | None
    strategies: list[StrategyOut]
    attention: list[Attention]


class TacticsView(PageView):
    """Every tactic with its headline ROI."""

    meta: Meta
    model: str
    tactics: list[TacticSummary]


class ConversationRow(View):
    """Conversation health of one channel and account, or of one tactic."""

    channel: str | None
    account: str | None
    tactic: str | None
    inbound: int | None
    answered: int
    answered_unseen: int
    response_rate: float | None
    held_response_rate: float | None = Field(
        None,
        description="Where response_rate is none for answers to posts the export does not "
        "hold beside messages it does: the share of those messages answered.",
    )
    rate_words: str = Field("–", description="The response rate as every table writes it.")
    rate_note: str | None = Field(None, description="What held_response_rate leaves out.")
    median_first_response_minutes: float | None
    p90_first_response_minutes: float | None
    median_first_response_business_minutes: float | None
    p90_first_response_business_minutes: float | None
    own_posts: int
    answers: int
    listen_push_ratio: float | None
    flags: list[str]
    target_minutes: float | None = Field(description="The tactic's response-time target.")
    target_in_business_hours: bool | None
    answered_within_target: float | None = Field(
        description="Share of inbound (of answered, where inbound is unknown) answered in time."
    )


class TacticDetail(PageView):
    """One tactic: its implementation plan and everything measured about it."""

    meta: Meta
    tactic: TacticSummary
    goals: list[str] = Field(description="The goals its strategy serves.")
    implementation: TacticPlan | None
    benchmarks: list[BenchmarkResult]
    cadence: list[CadenceRow]
    conversation: list[ConversationRow] = Field(description="Accounts on the tactic's channel.")
    own_conversation: ConversationRow | None = Field(
        description="The tactic's own conversations, with its response-time target."
    )
    content: TacticFocus | None
    roi_by_model: list[RoiOut]
    engagement: EngagementLink | None
    resources: PlannedVsSpent | None
    pilot: PilotResult | None
    attention: list[Attention]


class MapNode(View):
    """A goal, strategy or tactic on the strategy map."""

    id: str
    kind: Literal["goal", "strategy", "tactic"]
    title: str
    serves: list[str]
    status: str | None
    status_label: str | None
    link: str


class StrategyMapView(PageView):
    """The strategy map's elements and their status; the drawing is `/strategy-map.svg`."""

    meta: Meta
    svg: str
    nodes: list[MapNode]


class Credit(View):
    """One step's share of the conversions and their value under one model."""

    step: str
    title: str | None
    link: str | None
    conversions: float
    value: float
    share: float = Field(description="Share of all attributed conversions, 0 to 1.")
    removal_effect: float | None


class ComparisonRow(View):
    """One step's attributed value under each model."""

    step: str
    title: str | None
    link: str | None
    value: dict[str, float | None]


class AttributionView(PageView):
    """The attribution explorer: one model in detail, every model compared."""

    meta: Meta
    model: str
    by: str
    period: str
    period_start: dt.date
    period_end: dt.date
    models: list[str]
    by_choices: list[str]
    periods: list[str]
    credits: list[Credit]
    total_conversions: float
    total_value: float
    error: str | None = Field(description="Why the chosen model gave no result, if it did not.")
    comparison_models: list[str]
    comparison: list[ComparisonRow]
    comparison_errors: dict[str, str]


class ConversationView(PageView):
    """Listening and responding per channel and account."""

    meta: Meta
    rows: list[ConversationRow]
    by_tactic: list[ConversationRow]
    responders: list[ResponderHealth]
    names: dict[str, str] = Field(description="Plan people's names by id, for responders.")
    business_hours: str = Field(
        description="The plan's business hours, e.g. mon–fri 09:00–17:00 (UTC)."
    )
    attention: list[Attention]


class LintView(PageView):
    """The plan's lint findings and health score."""

    meta: Meta
    health_score: int
    counts: dict[str, int] = Field(description="Findings per severity.")
    findings: list[LintItem]


class UnplannedView(View):
    """Activity and campaign traffic no tactic accounts for."""

    activities: int
    unplanned_activities: int
    share: float
    groups: list[UnplannedActivity]
    groups_total: int
    campaigns: list[UnplannedCampaign]
    campaigns_total: int
    checkins: list[UnplannedCheckins] = Field(default_factory=list)
    """Weekly check-ins of tactics the plan does not have (renamed or removed)."""


class SourcesView(PageView):
    """What was loaded, what was refused, and what belongs to no tactic."""

    meta: Meta
    ingests: list[IngestRow]
    rejected_total: int = Field(description="Rejected rows in the warehouse.")
    rejected_shown: int = Field(description="Rejected rows listed here (the newest).")
    rejected: list[RejectedRow]
    unplanned: UnplannedView


class PilotsView(PageView):
    """Every pilot's verdict."""

    meta: Meta
    pilots: list[PilotEntry]
    pilot_notes: list[PilotNote] = Field(
        default_factory=list, description="Each pilot the data cannot judge yet, with why."
    )


class StatusView(View):
    """Where the dashboard's numbers stand."""

    ready: bool
    refreshing: bool
    fingerprint: str | None = Field(description="The state the shown numbers measured.")
    workspace_fingerprint: str | None = Field(description="The workspace's state now.")
    generated_at: dt.datetime | None
    as_of: dt.date | None
    error: str | None
    checked_at: dt.datetime | None
    read_only: bool
