"""The scorecard: every monthly question of a social business, answered from one warehouse.

`build_scorecard` runs each measure (goal pacing, tactic benchmarks, cadence, resources,
conversation health, content focus, functions, engagement, pilots) on the plan and the
warehouse and returns them together; `Scorecard.to_json` is the documented, versioned
JSON (`schema_version`), whose `sections` list says which parts it holds. The CLI and,
later, the report and the dashboard only present it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.benchmarks import BenchmarkResult, tactic_benchmarks
from outcomes.measure.cadence import CadenceRow, cadence_consistency
from outcomes.measure.content import FocusExample, TacticFocus, content_focus_and_examples
from outcomes.measure.conversation import (
    ConversationHealth,
    ResponderHealth,
    conversation_health,
    responder_health,
    tactic_conversation,
)
from outcomes.measure.costs import ForeignSpend, Period, PlannedVsSpent, resources_to_date
from outcomes.measure.currency import in_plan_currency
from outcomes.measure.declared_sources import unloaded_by_tactic
from outcomes.measure.engagement import EngagementLink, engagement_links
from outcomes.measure.functions import FunctionCoverage, function_coverage
from outcomes.measure.mapping import materialised_activities
from outcomes.measure.pacing import GoalPace, latest_business_date, pace_goals, paced_day
from outcomes.measure.pilot import PilotNote, PilotResult, pilot_outcomes
from outcomes.measure.tactic_status import TacticStatus, tactic_statuses
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse, to_arrow

if TYPE_CHECKING:
    import ibis

SCHEMA_VERSION: Final = 9
"""Version of `Scorecard.to_json`; 2: benchmarks speak the goals' statuses (`achieved`,
`on_track`, `at_risk`, `off_track`, `no_data`) with `elapsed`, `expected`, `forecast`,
`metric_class` and `outcome`, `tactic_status` gives each tactic's overall status, and
`content_examples` one post per content-focus score band; 3: a goal or benchmark whose
period is over is `achieved` or `missed`, never forecast, a goal's status claims no more
than its forecast interval, and each goal has its `reason`; 4: a goal's `as_of` is the day
its own data reaches, `reference` the day asked for (the newest data's), and a goal is final
only when its `as_of` is its due date; 5: a benchmark has `measured_to`, the day its own
data reaches (`as_of` or the tactic's end at most), and `data_note` when that is earlier,
and it is final (`achieved`/`missed`) only when `measured_to` is the tactic's end; 6: a
response-time benchmark's `actual` counts each message still unanswered past its target as
its wait so far (`note` says so), and the conversation rows give `waiting_past_target` and
`median_with_waiting`; 7: a benchmark other than a growing total is `achieved` only when
final (before, at or past its target it is `on_track`), and `status_note` says why; 8:
`as_of`, the day the scorecard measures benchmarks, statuses and resources to: the goals'
day, or without any business data the newest activity's (`scorecard_day`); and
`pilot_notes` names each pilot the data cannot judge yet (`tactic`, `metric`, `reason`),
which `pilots` leaves out; 9: a `content` row's `mean_score` and `brand_centric_share` are
null when none of its posts is in English (the word lists are), `not_english` counts the
posts left out of its score and `note` says why; `content_examples` holds English posts
only; a conversation row with answers to posts the export does not hold beside messages it
does (an X archive's direct messages) has `held_response_rate`, the share of the held ones
answered, and `rate_note` says what it leaves out."""
SECTIONS: Final = ("goals", "tactics", "tactic_status", "cadence", "resources", "conversation",
                   "conversation_by_tactic", "conversation_by_operator", "content",
                   "content_examples", "functions", "engagement", "pilots",
                   "pilot_notes", "foreign_spend")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Every section of the scorecard, as the measures returned them."""

    goals: tuple[GoalPace, ...]
    tactics: tuple[BenchmarkResult, ...]
    tactic_status: tuple[TacticStatus, ...]
    """Each tactic's overall status, business outcomes weighed first (`tactic_status`)."""
    cadence: tuple[CadenceRow, ...]
    resources: tuple[PlannedVsSpent, ...]
    conversation: tuple[ConversationHealth, ...]
    """Per channel and account."""
    conversation_by_tactic: tuple[ConversationHealth, ...]
    """Per tactic, with the share answered within the tactic's response-time target."""
    conversation_by_operator: tuple[ResponderHealth, ...]
    """Per channel and responder: who answered first, and how fast."""
    content: tuple[TacticFocus, ...]
    content_examples: tuple[FocusExample, ...]
    """One real post per content-focus score band, so a score can be read."""
    functions: tuple[FunctionCoverage, ...]
    engagement: tuple[EngagementLink, ...]
    pilots: tuple[PilotResult, ...]
    pilot_notes: tuple[PilotNote, ...] = ()
    """Each pilot the data cannot judge yet (no month before its start, no CRM row naming
    its people), with why: a pilot is never passed over in silence."""
    foreign_spend: tuple[ForeignSpend, ...] = ()
    """Spend recorded in another currency than the plan's, left out of `resources` (to the
    scorecard's day, which can be later than the ROI period's last day)."""
    as_of: dt.date | None = None
    """The day benchmarks, tactic statuses and resources are measured to (`scorecard_day`)."""

    @property
    def needs_attention(self) -> bool:
        """A goal is not achieved or on track, or a channel answers under half its inbound."""
        return any(g.status not in ("achieved", "on_track") for g in self.goals) or any(
            "low-response" in c.flags for c in self.conversation
        )

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON form (dates as ISO strings)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "sections": list(SECTIONS),
            "goals": [_goal(g) for g in self.goals],
            "tactics": [_benchmark(t) for t in self.tactics],
            "tactic_status": [asdict(t) for t in self.tactic_status],
            "cadence": [asdict(t) | {"last_activity": _iso(t.last_activity)} for t in self.cadence],
            "resources": [asdict(r) for r in self.resources],
            "conversation": [_conversation(c) for c in self.conversation],
            "conversation_by_tactic": [_conversation(c) for c in self.conversation_by_tactic],
            "conversation_by_operator": [asdict(r) for r in self.conversation_by_operator],
            "content": [asdict(c) for c in self.content],
            "content_examples": [asdict(e) for e in self.content_examples],
            "functions": [asdict(f) for f in self.functions],
            "engagement": [asdict(e) for e in self.engagement],
            "pilots": [asdict(p) | {"start": p.start.isoformat()} for p in self.pilots],
            "pilot_notes": [asdict(n) for n in self.pilot_notes],
            "foreign_spend": [f.to_json() for f in self.foreign_spend],
            "as_of": _iso(self.as_of),
        }


def build_scorecard(
    plan: Plan,
    warehouse: Warehouse,
    *,
    as_of: dt.date | None = None,
    sources: Sequence[str] | None = None,
    journeys: JourneyStore | None = None,
    mapped: ibis.Table | None = None,
) -> Scorecard:
    """Run every measure of the scorecard on the plan and the warehouse.

    `journeys`: the warehouse's journeys, when the caller keeps them for other measures
    too (`build_briefing` does); else the measures that need journeys build their own.
    `mapped`: the warehouse's activities mapped by the plan and kept in the engine
    (`materialised_activities`), likewise; else they are mapped and kept here.
    """
    activities, touchpoints = warehouse.table("activities"), warehouse.table("touchpoints")
    # Money in another currency than the plan's is not added (outcomes.measure.currency);
    # the goals are paced on the stored rows, so that they can name what is left out.
    stored = warehouse.table("conversions")
    conversions = in_plan_currency(stored, plan.organisation.currency)
    if journeys is None:
        with JourneyStore(touchpoints, conversions) as own:
            return build_scorecard(
                plan, warehouse, as_of=as_of, sources=sources, journeys=own, mapped=mapped
            )
    if mapped is None:
        with materialised_activities(plan, activities) as kept:
            return build_scorecard(
                plan, warehouse, as_of=as_of, sources=sources, journeys=journeys, mapped=kept
            )
    goals = pace_goals(
        plan, stored, warehouse.table("metric_snapshots"), touchpoints=touchpoints, as_of=as_of
    )
    snapshots = warehouse.table("metric_snapshots")
    day = scorecard_day(plan, goals, as_of, activities, touchpoints, stored, snapshots)
    hours = plan.organisation.business_hours
    # Conversation is cut at the day asked for; without one, at its own newest day: the
    # goals' day (`day`) is their business data's, a goal's start when it has none.
    by_tactic = tactic_conversation(plan, activities, as_of=as_of, mapped=mapped)
    benchmarks = tactic_benchmarks(
        plan,
        activities,
        touchpoints,
        conversions,
        as_of=day,
        conversation=by_tactic,
        journeys=journeys,
        mapped=mapped,
        snapshots=warehouse.table("metric_snapshots"),
    )
    pilots, pilot_notes = pilot_outcomes(plan, conversions)
    resources = resources_to_date(plan, warehouse.table("costs"), day)
    content, examples = content_focus_and_examples(plan, activities, mapped=mapped)
    return Scorecard(
        goals=tuple(goals),
        tactics=tuple(benchmarks),
        tactic_status=tuple(
            tactic_statuses(
                plan, benchmarks, pilots, day, unloaded=unloaded_by_tactic(plan, warehouse, day)
            )
        ),
        cadence=tuple(
            cadence_consistency(
                plan,
                activities,
                as_of=as_of,
                snapshots=warehouse.table("metric_snapshots"),
                mapped=mapped,
            )
        ),
        resources=resources.rows,
        conversation=tuple(conversation_health(activities, by=("channel", "account"), hours=hours)),
        conversation_by_tactic=tuple(by_tactic),
        conversation_by_operator=tuple(responder_health(activities, plan.people, hours=hours)),
        content=tuple(content),
        content_examples=tuple(examples),
        functions=tuple(function_coverage(plan, activities, mapped=mapped)),
        engagement=tuple(
            engagement_links(
                plan,
                activities,
                touchpoints,
                conversions,
                sources=sources,
                journeys=journeys,
                mapped=mapped,
            )
        ),
        pilots=tuple(pilots),
        pilot_notes=tuple(pilot_notes),
        foreign_spend=resources.foreign,
        as_of=day,
    )


def scorecard_day(
    plan: Plan,
    goals: Sequence[GoalPace],
    as_of: dt.date | None,
    activities: ibis.Table,
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    snapshots: ibis.Table,
) -> dt.date:
    """The day the scorecard measures benchmarks, tactic statuses and resources to.

    `as_of` when asked for; else the goals' day (`paced_day`: their business data's newest,
    capped at the due dates). Without any business data a goal's day is its start, and a
    workspace holding only the social exports, the first thing most users load, was judged
    on 1 January however many months of posts it held ("no data yet, it starts on…"): then
    the day is the newest activity's or web visit's, within the plan's period.
    """
    day = paced_day(goals, as_of)
    if as_of is not None or latest_business_date(conversions, snapshots) is not None:
        return day
    newest = [
        value.astimezone(dt.UTC).date()
        for table in (activities, touchpoints)
        if isinstance(value := to_arrow(table.ts.max()).as_py(), dt.datetime)
    ]
    if not newest:
        return day
    return max(day, min(max(newest), Period.of_plan(plan).end))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _benchmark(result: BenchmarkResult) -> dict[str, Any]:
    return asdict(result) | {"outcome": result.outcome, "measured_to": _iso(result.measured_to)}


def _conversation(health: ConversationHealth) -> dict[str, Any]:
    fields = {k: v for k, v in asdict(health).items() if k != "group"}
    return health.group | fields | {"rate_note": health.rate_note}


def _goal(goal: GoalPace) -> dict[str, Any]:
    row = {"id": goal.goal} | asdict(goal)
    del row["goal"]
    return row | {
        "as_of": goal.as_of.isoformat(),
        "last_data": _iso(goal.last_data),
        "reference": _iso(goal.reference),
    }
