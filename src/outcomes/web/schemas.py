"""The dashboard's views: one pydantic model per page, which is also its JSON twin.

A page and its `/api/` endpoint render the same model instance (`web.views` builds it
once per briefing), so they cannot disagree on a number; the models document the API in
the OpenAPI schema. The measures' own dataclasses (`GoalPace`, `RoiRow`'s `Estimate`,
`BenchmarkResult`, …) are used as they are wherever a page shows them whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from outcomes.briefing.attention import Attention, LintItem
from outcomes.briefing.build import IngestRow, RejectedRow
from outcomes.measure.benchmarks import BenchmarkResult
from outcomes.measure.cadence import CadenceRow
from outcomes.measure.content import TacticFocus
from outcomes.measure.conversation import ResponderHealth
from outcomes.measure.costs import PlannedVsSpent
from outcomes.measure.engagement import EngagementLink
from outcomes.measure.pilot import PilotResult
from outcomes.measure.roi_report import Coverage, Estimate
from outcomes.measure.unplanned import UnplannedActivity, UnplannedCampaign
from outcomes.plan.implementation import TacticPlan


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Page(_View):
    """A page's view: the JSON twin of one page."""

    invalid_values: list[str] = Field(
        default_factory=list,
        description=(
            "Where this response holds a stored number that cannot be shown (NaN, infinity, "
            "or beyond ±1e15), as paths such as `roi[2].revenue.value`; each is null here "
            'and reads "invalid value" on the page.'
        ),
    )


class Meta(_View):
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


class GoalRow(_View):
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
    as_of: dt.date
    last_data: dt.date | None
    source: str | None
    link: str
    scope: str | None = Field(None, description="Which conversions count for it, in words.")
    scope_note: str | None = Field(
        None, description="Why a scoped goal has no number: its scope matches no conversion."
    )
    status_reason: str = Field(
        "", description="What the status rests on, in words, as every route gives it."
    )


class RoiOut(_View):
    """Attributed outcomes, cost and ROI of a tactic, strategy or goal under one model."""

    level: Literal["tactic", "strategy", "goal"]
    id: str
    title: str
    model: str
    conversions: Estimate
    revenue: Estimate
    new_customers: Estimate
    cost: float
    people: float
    money: float
    technology: float
    roi: Estimate | None = Field(
        description="(return − cost) / cost, on the return in money; none without cost or "
        "without a return in money."
    )
    roas: float | None
    cost_per_acquisition: float | None
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


class RoiTotals(_View):
    """All tactics together (`outcomes.measure.roi_report.TacticTotals`)."""

    revenue: float
    new_customers: float
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


class PilotEntry(_View):
    """A pilot's result with its tactic's title."""

    title: str
    link: str
    result: PilotResult


class Overview(_Page):
    """Page one: goals, ROI by tactic, the three things that need a decision, pilots."""

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


class GoalsView(_Page):
    """Every business goal."""

    meta: Meta
    goals: list[GoalRow]


class TacticSummary(_View):
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


class StrategyOut(_View):
    """A strategy serving a goal, with its tactics."""

    id: str
    title: str
    owner: str
    audience: str | None
    status: str | None
    status_label: str
    roi: RoiOut | None
    tactics: list[TacticSummary]


class GoalDetail(_Page):
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


class TacticsView(_Page):
    """Every tactic with its headline ROI."""

    meta: Meta
    model: str
    tactics: list[TacticSummary]


class ConversationRow(_View):
    """Conversation health of one channel and account, or of one tactic."""

    channel: str | None
    account: str | None
    tactic: str | None
    inbound: int | None
    answered: int
    answered_unseen: int
    response_rate: float | None
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


class TacticDetail(_Page):
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


class MapNode(_View):
    """A goal, strategy or tactic on the strategy map."""

    id: str
    kind: Literal["goal", "strategy", "tactic"]
    title: str
    serves: list[str]
    status: str | None
    status_label: str | None
    link: str


class StrategyMapView(_Page):
    """The strategy map's elements and their status; the drawing is `/strategy-map.svg`."""

    meta: Meta
    svg: str
    nodes: list[MapNode]


class Credit(_View):
    """One step's share of the conversions and their value under one model."""

    step: str
    title: str | None
    link: str | None
    conversions: float
    value: float
    share: float = Field(description="Share of all attributed conversions, 0 to 1.")
    removal_effect: float | None


class ComparisonRow(_View):
    """One step's attributed value under each model."""

    step: str
    title: str | None
    link: str | None
    value: dict[str, float | None]


class AttributionView(_Page):
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


class ConversationView(_Page):
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


class LintView(_Page):
    """The plan's lint findings and health score."""

    meta: Meta
    health_score: int
    counts: dict[str, int] = Field(description="Findings per severity.")
    findings: list[LintItem]


class UnplannedView(_View):
    """Activity and campaign traffic no tactic accounts for."""

    activities: int
    unplanned_activities: int
    share: float
    groups: list[UnplannedActivity]
    groups_total: int
    campaigns: list[UnplannedCampaign]
    campaigns_total: int


class SourcesView(_Page):
    """What was loaded, what was refused, and what belongs to no tactic."""

    meta: Meta
    ingests: list[IngestRow]
    rejected_total: int = Field(description="Rejected rows in the warehouse.")
    rejected_shown: int = Field(description="Rejected rows listed here (the newest).")
    rejected: list[RejectedRow]
    unplanned: UnplannedView


class PilotsView(_Page):
    """Every pilot's verdict."""

    meta: Meta
    pilots: list[PilotEntry]


class StatusView(_View):
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
