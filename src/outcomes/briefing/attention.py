"""What needs a decision: the exceptions an executive should hear about first.

Each finding of the scorecard, the ROI and the linter that asks someone to act becomes an
`Attention` item with a severity. Page one of the report shows three: the goals that need
a decision first, then problems of different kinds where there are (a random act of
social and a channel that pushes without listening say more together than two notes on
one channel); everything else is listed after.

Items are ranked by severity, then by kind (`KIND_ORDER`), then by their **effect on
goals**. A business goal off track (severity 3) or at risk (severity 2, "act this month")
outranks every note about a tactic's engagement, conversation or cost of the same or lower
severity: a revenue goal at risk is never "and 1 more" below an engagement note. Within a
kind, by effect (`Attention.effect`): an off-track or at-risk goal by its shortfall as a
share of the change it plans (baseline to target), a tactic losing money by the money it
loses (cost − return, in the goal's terms), a tactic over plan by its overspend, a channel
that does not answer by the messages left unanswered, spend in another currency by its
amount.

Spend recorded in another currency than the plan's (`RoiReport.foreign_spend`) is never
converted nor counted, so the cost and ROI of the tactic it was for rest on the plan's
estimate or part of the spend: that is a severity-3 item, with the ROI's own sentence,
so that the briefing and `outcomes roi` say the same. Spend the scorecard's
spent-against-planned leaves out and ROI does not name (`Scorecard.foreign_spend`: dated
after the ROI period's last day) is an item too, with the sentence `outcomes scorecard`
prints. Spend in the plan's currency that no tactic claims (`RoiReport.unclaimed_spend`:
an ad campaign nobody planned) is a random act of social that cost money, with the
sentence `outcomes roi` prints: a severity-2 item when the money is material, at least
`MATERIAL_SHARE` of what the plan's tactics cost in the period, else something to watch
(severity 1): €150 beside €8,600 of tactics is not what an executive decides first.

**Page one** (`top_three`) puts the business goals that need a decision (off track,
missed, at risk) first, one of each of those kinds before a second of any (a goal still
at risk can be saved; a third goal already missed adds less): a goal at risk of missing
its target is what an executive must see first, and no note of another kind displaces it (the
seventh company's donations goal at risk was "and 4 more" below €150 of unclaimed
spend). The places the goals leave go to items of different kinds where there are (a
random act of social and a channel that pushes without listening say more together
than two notes on one channel), most severe first.

A tactic is judged in the terms of the goals it serves (`outcomes.measure.returns`): only
a tactic whose return is measured in money and falls short of its cost, across the whole
interval, is "losing money" (`roi_verdict`: an interval of no width backs no verdict, as
in the report's colours). No item advises stopping a tactic a lint rule requires (the
listen or respond tactic L001 asks for on a channel the plan pushes on), nor stopping
listening: those are told to get cheaper or better instead, and a listening tactic that
loses money is something to watch (severity 1), not to act on this month.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from outcomes.catalog.channels import LISTENING_MODES
from outcomes.catalog.money import format_money
from outcomes.catalog.statuses import status_word
from outcomes.lint.rules.listening import required_listeners
from outcomes.measure.costs import ForeignSpend
from outcomes.measure.pacing import CONFIDENCE as FORECAST_CONFIDENCE
from outcomes.measure.pacing import GoalPace
from outcomes.measure.roi_report import RoiReport, RoiRow
from outcomes.measure.scorecard import Scorecard
from outcomes.measure.unplanned import UnplannedReport
from outcomes.measure.words import (
    cost_words,
    metric_interval,
    metric_value,
    roi_verdict,
    roi_words,
)
from outcomes.plan import Plan

Kind = Literal[
    "off-track-goal",
    "missed-goal",
    "foreign-currency-spend",
    "at-risk-goal",
    "stale-goal",
    "random-act",
    "push-without-listening",
    "engagement-tied-to-nothing",
    "losing-money",
    "over-plan",
]
# Ties of severity break in `Kind`'s order: the business goals first (off track, at risk,
# then one that cannot be judged), then strategy, then money; a cost that could not be
# counted comes right after the off-track goals, as every number of money about its
# tactic rests on it. A goal at risk is severity 2, like the notes on engagement and
# conversation, so this order puts it above them: the goal is what the notes are for.
KIND_ORDER: Final[tuple[Kind, ...]] = get_args(Kind)
# Activity nobody planned, as a share of all activity, that counts as random acts.
UNPLANNED_SHARE: Final = 0.10
MATERIAL_SHARE: Final = 0.05
"""Unclaimed spend at least this share of the tactics' cost in the period is to act on."""
GOAL_KINDS: Final = frozenset(("off-track-goal", "missed-goal", "at-risk-goal"))
"""The items of a business goal that needs a decision, which page one shows before any
note (a goal that cannot be judged for want of data is a note about the data)."""


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
    effect: float = 0.0
    """Its size, to rank items of one kind: see the module docstring."""


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
        *_foreign_spend(roi, card),
        *_unclaimed_spend(roi),
        *_losing_money(plan, roi, headline_model),
        *_over_plan(card, plan.organisation.currency),
    ]
    return tuple(sorted(items, key=lambda a: (-a.severity, KIND_ORDER.index(a.kind), -a.effect)))


def top_three(items: Iterable[Attention]) -> tuple[Attention, ...]:
    """Three items: the goals that need a decision first, then the notes; each of
    different kinds where possible; most severe first (see the module docstring)."""
    ordered = list(items)
    goals = [item for item in ordered if item.kind in GOAL_KINDS and item.severity >= 2]
    chosen = _varied(goals, [])
    chosen = _varied([item for item in ordered if item not in goals], chosen)
    return tuple(sorted(chosen, key=ordered.index))


def _varied(candidates: Sequence[Attention], chosen: list[Attention]) -> list[Attention]:
    """`chosen` filled up to three from `candidates` in order, a kind not chosen yet
    before a second item of one that is."""
    chosen = list(chosen)
    kinds = {item.kind for item in chosen}
    for item in candidates:
        if item.kind not in kinds and len(chosen) < 3:
            chosen.append(item)
            kinds.add(item.kind)
    for item in candidates:
        if len(chosen) < 3 and item not in chosen:
            chosen.append(item)
    return chosen


def _shortfall(plan: Plan, goal_id: str, actual: float | None, expected: float | None) -> float:
    """How far a goal is behind where it should be, as a share of its planned change."""
    goal = next((g for g in plan.goals if g.id == goal_id), None)
    if goal is None or actual is None or expected is None or goal.target == goal.baseline:
        return 0.0
    return abs(expected - actual) / abs(goal.target - goal.baseline)


def _goals(plan: Plan, card: Scorecard) -> Iterable[Attention]:
    titles = {g.id: g.title for g in plan.goals}
    for pace in card.goals:
        title = titles.get(pace.goal, pace.goal)
        link = f"/goals/{pace.goal}"
        effect = _shortfall(plan, pace.goal, pace.actual, pace.expected)
        value = functools.partial(_value, plan, pace.metric)
        if pace.status == "off_track":
            yield Attention(
                "off-track-goal",
                3,
                pace.goal,
                f"{title} is {status_word(pace.status)}",
                f"{value(pace.actual)} against {value(pace.expected)} expected by now"
                f"{_forecast(plan, pace)} for a target of {value(pace.target)}. Decide what "
                "changes: the tactics serving it, their resources, or the target.",
                link,
                effect,
            )
        elif pace.status == "missed":
            yield Attention(
                "missed-goal",
                3,
                pace.goal,
                f"{title}: target {status_word(pace.status)}",
                f"{_sentence(pace.reason)} Decide what the next period changes: the tactics "
                "that served it, their resources, or the target.",
                link,
                effect,
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
                "or name a source that does."
                if pace.scope_note is None
                else f"{pace.scope_note[0].upper()}{pace.scope_note[1:]}: correct the scope "
                "in the plan or load the CRM export that fills it.",
                link,
            )
        elif pace.status == "at_risk":
            yield Attention(
                "at-risk-goal",
                2,
                pace.goal,
                f"{title} is {status_word(pace.status)}",
                f"{value(pace.actual)} against {value(pace.expected)} expected by now; the "
                f"target is {value(pace.target)}. {_sentence(pace.reason)}",
                link,
                effect,
            )


def _sentence(reason: str) -> str:
    """A goal's status reason as a sentence of its own: capital first, full stop last."""
    return f"{reason[:1].upper()}{reason[1:]}." if reason else ""


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
                float((row.inbound or 0) - row.answered),
            )
        elif "push-heavy" in row.flags:
            yield Attention(
                "push-without-listening",
                1,
                where,
                f"{where} pushes more than it listens",
                f"{row.own_posts:,} posts against {row.answers:,} replies and messages.",
                "/conversation",
                float(row.own_posts - row.answers),
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


def _unclaimed_spend(roi: RoiReport) -> Iterable[Attention]:
    """Money spent on what no tactic claims (an ad campaign nobody planned): a random act
    of social that cost money, which no tactic's cost shows; to act on when material."""
    model = roi.models[0]
    planned = sum(r.cost for r in roi.rows if r.level == "tactic" and r.model == model)
    for spent in roi.unclaimed_spend:
        material = planned <= 0 or spent.amount >= MATERIAL_SHARE * planned
        yield Attention(
            "random-act",
            2 if material else 1,
            spent.tactic,
            f"'{spent.tactic}': {format_money(spent.amount, spent.currency)} spent that no "
            "tactic claims",
            spent.message,
            "/sources",
            spent.amount,
        )


def _foreign_spend(roi: RoiReport, card: Scorecard) -> Iterable[Attention]:
    """Spend recorded in another currency than the plan's, which no cost counts: severity
    3 for a tactic's (its cost, ROI and cost per acquisition rest on the plan's estimate
    or part of its spend, and look right), 1 for a campaign no tactic claims.

    ROI's list covers the ROI period, which ends at the last day of business data; the
    scorecard's spent-against-planned runs to its own day. Lines the second leaves out
    that the first does not name (dated after the ROI period, most often) get an item of
    their own, with the scorecard's sentence; the same lines are never named twice.
    """
    named = {_lines(left_out) for left_out in roi.foreign_spend}
    for left_out in roi.foreign_spend:
        yield _foreign_item(left_out, "of spend not counted")
    for left_out in card.foreign_spend:
        if _lines(left_out) not in named:
            yield _foreign_item(left_out, "of spend to date not counted against the plan")


def _lines(left_out: ForeignSpend) -> tuple[str, str, str, float, int]:
    """Which lines a `ForeignSpend` sums, whatever it was left out of."""
    return (left_out.tactic, left_out.part, left_out.currency, left_out.amount, left_out.lines)


def _foreign_item(left_out: ForeignSpend, what: str) -> Attention:
    if left_out.claimed:
        title = f"{left_out.tactic}: {left_out.written} {what}"
        link = f"/tactics/{left_out.tactic}"
    else:
        title = f"Campaign '{left_out.tactic}': {left_out.written} {what}"
        link = "/sources"
    return Attention(
        "foreign-currency-spend",
        3 if left_out.claimed else 1,
        left_out.tactic,
        title,
        left_out.message,
        link,
        left_out.amount,
    )


def _losing_money(plan: Plan, roi: RoiReport, model: str) -> Iterable[Attention]:
    required = required_listeners(plan)
    listening = {t.id: t.channel for t in plan.tactics if t.mode in LISTENING_MODES}
    for row in roi.rows:
        if row.level != "tactic" or row.model != model or row.roi is None or row.cost <= 0:
            continue
        kept = row.returns
        # The report's colour and the chart's verdict say the same: a loss across the whole
        # interval, of some width (an invalid or zero-width one is no evidence of a loss).
        if kept is None or kept.kind != "money" or kept.money is None:
            continue
        if roi_verdict(row.roi) != "loss":
            continue
        if row.id in required:
            advice = f"Make it cheaper or make it work; do not stop it: {required[row.id]}."
        elif row.id in listening:
            advice = (
                "Make it cheaper or make it work rather than stop it: stopping means nobody "
                f"answers customers on {listening[row.id]}."
            )
        else:
            advice = "Fix it or stop it."
        yield Attention(
            "losing-money",
            2 if row.id not in listening else 1,
            row.id,
            f"{row.id} costs more than it returns",
            f"{cost_words(row.cost, row.cost_recorded, roi.currency)}, {_returned(row, model)}; "
            f"ROI{_confidence(roi.params.get('confidence'))} {roi_words(row.roi)}. {advice}",
            f"/tactics/{row.id}",
            row.cost - kept.money.value,
        )


def _returned(row: RoiRow, model: str) -> str:
    """The return in the goal's terms, saying which model credited the sales in it."""
    kept = row.returns
    if kept is None:
        return "no return measured"
    sales = any(p.family in ("sales", "retention") and p.measured for p in kept.parts)
    return kept.label + (f" ({model})" if sales else "")


def _confidence(confidence: float | None) -> str:
    """The interval's coverage before the ROI's words: " (90% interval)"."""
    return f" ({confidence:.0%} interval)" if confidence else ""


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
                spent - planned,
            )


def _value(plan: Plan, metric: str, amount: float | None) -> str:
    """A goal's number in its metric's unit, as the scorecard's tables write it."""
    return "no data" if amount is None else metric_value(plan, metric, amount)


def _forecast(plan: Plan, pace: GoalPace) -> str:
    """ "; forecast €17,700 (90%: €17,118 to €18,282)", as the goal's page writes it."""
    if pace.forecast is None:
        return ""
    interval = metric_interval(plan, pace.metric, pace.forecast_low, pace.forecast_high)
    shown = f" ({FORECAST_CONFIDENCE:.0%}: {interval})" if interval else ""
    return f"; forecast {_value(plan, pace.metric, pace.forecast)}{shown}"
