"""What needs a decision: the exceptions an executive should hear about first.

Each finding of the scorecard, the ROI and the linter that asks someone to act becomes an
`Attention` item with a severity. Page one of the report shows three, chosen so that they
are three different kinds of problem when there are (an off-track goal, a random act of
social and a channel that pushes without listening say more together than three
off-track goals); everything else is listed after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from outcomes.catalog.money import format_money
from outcomes.catalog.statuses import status_word
from outcomes.measure.roi import RoiReport
from outcomes.measure.scorecard import Scorecard
from outcomes.measure.unplanned import UnplannedReport
from outcomes.plan import Plan

Kind = Literal[
    "off-track-goal",
    "random-act",
    "stale-goal",
    "push-without-listening",
    "engagement-tied-to-nothing",
    "losing-money",
    "at-risk-goal",
    "over-plan",
]
# Ties of severity break in `Kind`'s order: the business goal, then strategy, then money.
KIND_ORDER: Final[tuple[Kind, ...]] = get_args(Kind)
# Activity nobody planned, as a share of all activity, that counts as random acts.
UNPLANNED_SHARE: Final = 0.10
# Goals whose return is sales: a tactic serving none of them (support, retention) earns
# its keep elsewhere, so a sales ROI of -100% says nothing about it.
SALES_METRICS: Final = frozenset(
    {"revenue", "net_new_customers", "average_order_value", "order_frequency", "pipeline_value"}
)


@dataclass(frozen=True, slots=True)
class Attention:
    """One exception: what is wrong, why it matters and which page shows it."""

    kind: Kind
    severity: int
    """3: a goal or money is lost without a decision; 2: act this month; 1: watch."""
    subject: str
    """The goal, tactic, channel or rule it is about."""
    title: str
    detail: str
    link: str
    """The dashboard path that shows it, e.g. `/goals/net-new-customers`."""


@dataclass(frozen=True, slots=True)
class LintItem:
    """A lint finding, reduced to what the report and the dashboard show."""

    code: str
    rule: str
    severity: str
    element: str
    element_kind: str
    """goal, strategy, tactic, person, metric or plan."""
    message: str
    fix: str
    location: str


def attention_items(
    plan: Plan,
    card: Scorecard,
    roi: RoiReport,
    headline_model: str,
    unplanned: UnplannedReport,
    findings: Sequence[LintItem],
) -> tuple[Attention, ...]:
    """Every exception, most severe first (ties in `KIND_ORDER`)."""
    items = [
        *_goals(plan, card),
        *_random_acts(findings, unplanned),
        *_conversation(card),
        *_engagement(card),
        *_losing_money(roi, headline_model, _sales_tactics(plan)),
        *_over_plan(card, plan.organisation.currency),
    ]
    return tuple(sorted(items, key=lambda a: (-a.severity, KIND_ORDER.index(a.kind))))


def top_three(items: Iterable[Attention]) -> tuple[Attention, ...]:
    """Three items, of three different kinds where possible, most severe first."""
    ordered = list(items)
    chosen: list[Attention] = []
    kinds: set[str] = set()
    for item in ordered:
        if item.kind not in kinds and len(chosen) < 3:
            chosen.append(item)
            kinds.add(item.kind)
    for item in ordered:
        if len(chosen) >= 3:
            break
        if item not in chosen:
            chosen.append(item)
    return tuple(sorted(chosen, key=ordered.index))


def _goals(plan: Plan, card: Scorecard) -> Iterable[Attention]:
    titles = {g.id: g.title for g in plan.goals}
    for pace in card.goals:
        title = titles.get(pace.goal, pace.goal)
        link = f"/goals/{pace.goal}"
        if pace.status == "off_track":
            forecast = "" if pace.forecast is None else f"; forecast {_num(pace.forecast)}"
            yield Attention(
                "off-track-goal",
                3,
                pace.goal,
                f"{title} is {status_word(pace.status)}",
                f"{_num(pace.actual)} against {_num(pace.expected)} expected by now"
                f"{forecast} for a target of {_num(pace.target)}. Decide what changes: the "
                "tactics serving it, their resources, or the target.",
                link,
            )
        elif pace.status in ("stale", "no_data"):
            since = (
                f"no data since {pace.last_data.isoformat()}"
                if pace.last_data
                else status_word("no_data")
            )
            yield Attention(
                "stale-goal",
                2,
                pace.goal,
                f"{title} cannot be judged: {since}",
                f"Its metric {pace.metric} has {since}; load the export that measures it "
                "or name a source that does.",
                link,
            )
        elif pace.status == "at_risk":
            yield Attention(
                "at-risk-goal",
                1,
                pace.goal,
                f"{title} is {status_word(pace.status)}",
                f"{_num(pace.actual)} against {_num(pace.expected)} expected by now; the "
                f"target is {_num(pace.target)}.",
                link,
            )


def _random_acts(findings: Sequence[LintItem], unplanned: UnplannedReport) -> Iterable[Attention]:
    for finding in findings:
        if finding.rule == "random-act-of-social":
            link = (
                f"/tactics/{finding.element}"
                if finding.element_kind == "tactic"
                else "/strategy-map"
            )
            yield Attention(
                "random-act",
                2,
                finding.element,
                f"{finding.element} serves no business goal",
                f"{finding.message} {finding.fix}",
                link,
            )
    if unplanned.activities and unplanned.share >= UNPLANNED_SHARE:
        yield Attention(
            "random-act",
            2,
            "unplanned activity",
            f"{unplanned.share:.0%} of social activity belongs to no tactic",
            f"{unplanned.unplanned_activities:,} of {unplanned.activities:,} posts, replies "
            "and messages match no tactic of the plan: random acts of social. Give each a "
            "tactic that serves a goal, or stop it.",
            "/sources",
        )


def _conversation(card: Scorecard) -> Iterable[Attention]:
    for row in card.conversation:
        where = " ".join(v for v in row.group.values() if v)
        if "low-response" in row.flags:
            rate = "" if row.response_rate is None else f" ({row.response_rate:.0%})"
            yield Attention(
                "push-without-listening",
                2,
                where,
                f"{where} answers too little of what comes in",
                f"{row.answered:,} of {row.inbound or 0:,} mentions, comments and messages "
                f"answered{rate}. Listen and respond at least as often as you push.",
                "/conversation",
            )
        elif "push-heavy" in row.flags:
            yield Attention(
                "push-without-listening",
                1,
                where,
                f"{where} pushes more than it listens",
                f"{row.own_posts:,} posts against {row.answers:,} replies and messages.",
                "/conversation",
            )


def _engagement(card: Scorecard) -> Iterable[Attention]:
    for link in card.engagement:
        if not link.tied and link.total_engagement > 0:
            yield Attention(
                "engagement-tied-to-nothing",
                2,
                link.tactic,
                f"{link.tactic}: engagement tied to no outcome",
                link.verdict,
                f"/tactics/{link.tactic}",
            )


def _sales_tactics(plan: Plan) -> frozenset[str]:
    sales_goals = {g.id for g in plan.goals if g.metric in SALES_METRICS}
    strategies = {s.id for s in plan.strategies if sales_goals & set(s.serves)}
    return frozenset(t.id for t in plan.tactics if t.serves in strategies)


def _losing_money(roi: RoiReport, model: str, sales_tactics: frozenset[str]) -> Iterable[Attention]:
    for row in roi.rows:
        if row.level != "tactic" or row.model != model or row.roi is None or row.cost <= 0:
            continue
        if row.id not in sales_tactics:
            continue
        if row.roi.high < 0:
            yield Attention(
                "losing-money",
                2,
                row.id,
                f"{row.id} costs more than it returns",
                f"{format_money(row.cost, roi.currency)} spent, "
                f"{format_money(row.revenue.value, roi.currency)} attributed ({model}); "
                f"ROI {row.roi.value:.0%} (90% interval {row.roi.low:.0%} to "
                f"{row.roi.high:.0%}). Fix it or stop it.",
                f"/tactics/{row.id}",
            )


def _over_plan(card: Scorecard, currency: str) -> Iterable[Attention]:
    for row in card.resources:
        if row.over_plan:
            spent = (row.spent_money or 0) + (row.spent_technology or 0)
            planned = row.planned_money + row.planned_technology
            yield Attention(
                "over-plan",
                1,
                row.tactic,
                f"{row.tactic} spends over its plan",
                f"{format_money(spent, currency)} spent to date against "
                f"{format_money(planned, currency)} planned.",
                f"/tactics/{row.tactic}",
            )


def _num(value: float | None) -> str:
    if value is None:
        return "no data"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"
