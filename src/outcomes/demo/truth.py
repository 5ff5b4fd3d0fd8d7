"""truth.json: what the simulator made true, for later work to recover from the exports.

The structure is documented in :mod:`outcomes.demo`. Numbers come from the simulation
itself (counterfactual tallies, conversation records, cost lines), never from reading
the files back, so a check against the warehouse is a real check.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from outcomes.demo import model as m
from outcomes.demo.costs import Cost
from outcomes.demo.crm import LegacyDeal
from outcomes.demo.journeys import JourneyTruth, Tally
from outcomes.demo.records import Activity, Conversation
from outcomes.demo.support import SupportYear
from outcomes.demo.timesheets import EFFORT, TimeEntry
from outcomes.plan import Goal, Plan, Tactic

SCHEMA_VERSION: Final = 1
STATUS_RULE: Final = (
    "the status at the goal's due date, when the period is over and nothing is left to "
    "forecast: achieved when the actual reaches the target, missed otherwise. 'Reaches' "
    "follows the goal's direction."
)
DEFINITIONS: Final = {
    "net_new_customers": "HubSpot contacts that became customers (deals won) in 2026",
    "average_order_value": "mean Amount of the HubSpot deals won in 2026 (first-year contract value)",
    "support_cost": "tickets opened in 2026 (demand minus deflected) × cost per ticket",
}


@dataclass
class Simulated:
    """Everything the truth is computed from."""

    seed: int
    scale: float
    plan: Plan
    journeys: JourneyTruth
    sessions: dict[str, int]
    activities: list[Activity]
    conversations: list[Conversation]
    support: SupportYear
    costs: list[Cost]
    timesheets: list[TimeEntry]
    legacy: list[LegacyDeal]
    contacts: int
    deals: int
    ga4_events: int
    ga4_format: str
    files: dict[str, list[Path]]
    exports: Path


def _within_target(
    stats: dict[str, Any], conversations: list[Conversation], tactic: Tactic
) -> dict[str, Any]:
    """Adds the share of inbound answered within the tactic's calendar-time target, if any."""
    target = next(
        (b.target for b in tactic.benchmarks if b.metric == "first_response_minutes"), None
    )
    if target is None:
        return stats
    within = sum(1 for c in conversations if c.minutes is not None and c.minutes <= target)
    return stats | {"answered_within_target": round(within / len(conversations), 4)}


def _round(value: float) -> float:
    return round(float(value), 2)


def conversation_stats(items: Iterable[Conversation]) -> dict[str, Any]:
    """Inbound count, answered count, response rate and median minutes to the first answer."""
    items = list(items)
    minutes = [c.minutes for c in items if c.minutes is not None]
    return {
        "inbound": len(items),
        "answered": len(minutes),
        "response_rate": round(len(minutes) / len(items), 4) if items else None,
        "median_first_response_minutes": round(statistics.median(minutes), 1) if minutes else None,
    }


def _responders(conversations: Iterable[Conversation]) -> dict[str, dict[str, Any]]:
    """{channel: {responder: {answered_first, median_first_response_minutes}}}."""
    waits: dict[str, dict[str, list[float]]] = {}
    for c in conversations:
        if c.responder is not None and c.minutes is not None:
            waits.setdefault(c.channel, {}).setdefault(c.responder, []).append(c.minutes)
    return {
        channel: {
            who: {
                "answered_first": len(minutes),
                "median_first_response_minutes": round(statistics.median(minutes), 1),
            }
            for who, minutes in sorted(people.items())
        }
        for channel, people in sorted(waits.items())
    }


def _hours(entries: Iterable[TimeEntry]) -> dict[str, Any]:
    """{effort: {tactic: {person: planted logged ÷ planned}}, logged: {tactic: {person: h}}}."""
    logged: dict[str, dict[str, float]] = {}
    for e in entries:
        per_person = logged.setdefault(e.tactic, {})
        per_person[e.person] = per_person.get(e.person, 0.0) + e.hours
    effort: dict[str, dict[str, float]] = {}
    for (tactic, person), value in EFFORT.items():
        effort.setdefault(tactic, {})[person] = value
    return {
        "effort": effort,
        "logged": {t: {p: round(h, 2) for p, h in sorted(people.items())}
                   for t, people in sorted(logged.items())},
    }  # fmt: skip


def goal_status(goal: Goal, actual: float) -> str:
    """The goal's status at its due date under :data:`STATUS_RULE`: a final result."""
    sign = -1.0 if goal.direction in ("decrease", "at_most") else 1.0
    return "achieved" if sign * actual >= sign * goal.target else "missed"


def _incremental(actual: Tally, without: Tally | None) -> dict[str, float]:
    def gain(key: str) -> float:
        return actual.numbers[key] - (without.numbers[key] if without else actual.numbers[key])

    return {
        "incremental_leads": gain("leads"),
        "incremental_opportunities": gain("opportunities"),
        "incremental_pipeline": _round(gain("pipeline")),
        "incremental_new_customers": gain("deals_won"),
        "incremental_deals_won": gain("deals_won"),
        "incremental_orders": gain("orders"),
        "incremental_revenue": _round(gain("deal_revenue") + gain("order_revenue")),
    }


def _weeks(start: dt.date, end: dt.date) -> float:
    return ((end - start).days + 1) / 7


def tactic_money(plan: Plan, tactic: Tactic, costs: Iterable[Cost], gain: float) -> dict[str, Any]:
    """A tactic's cost lines, people cost and return on them, as truth.json states them.

    `gain` is what the tactic truly added, in money; roi is (gain − cost) / cost with the
    money cost, roi_with_people adds the plan's hours × hourly cost.
    """
    lines = [c for c in costs if c.tactic == tactic.id]
    cost = sum(c.amount for c in lines)
    kinds: dict[str, float] = {}
    for line in lines:
        kinds[line.kind] = kinds.get(line.kind, 0.0) + line.amount
    hours = tactic.resources.hours_per_week if tactic.resources else None
    people = (hours or 0) * plan.organisation.hourly_cost * _weeks(tactic.start, tactic.end)
    return {
        "cost": _round(cost),
        "cost_by_kind": {k: _round(v) for k, v in sorted(kinds.items())},
        "people_cost": _round(people),
        "roi": round((gain - cost) / cost, 4) if cost else None,
        "roi_with_people": round((gain - cost - people) / (cost + people), 4)
        if cost + people
        else None,
    }


def _tactics(sim: Simulated) -> dict[str, Any]:
    deflected = Counter(
        "x-support" if d.channel.startswith("X") else "customer-newsletter"
        for d in sim.support.deflections
    )
    by_tactic: dict[str | None, list[Activity]] = {}
    for activity in sim.activities:
        by_tactic.setdefault(activity.tactic, []).append(activity)
    out: dict[str, Any] = {}
    for tactic in sim.plan.tactics:
        code = m.JOURNEY_TACTICS.get(tactic.id)
        numbers = _incremental(sim.journeys.actual, sim.journeys.without.get(tactic.id))
        saved = deflected[tactic.id] * m.SUPPORT_COST_PER_TICKET
        mine = by_tactic.get(tactic.id, [])
        gain = numbers["incremental_revenue"] + saved
        conversations = [c for c in sim.conversations if c.tactic == tactic.id]
        out[tactic.id] = {
            **numbers,
            "tickets_deflected": deflected[tactic.id],
            "support_cost_saved": _round(saved),
            "activities": len(mine),
            "reactions": sum(a.reactions for a in mine),
            "clicks": sum(a.clicks for a in mine),
            "sessions": sim.sessions.get(m.CHANNELS[code].code, 0) if code is not None else 0,
            **tactic_money(sim.plan, tactic, sim.costs, gain),
            "conversation": _within_target(conversation_stats(conversations), conversations, tactic)
            if conversations
            else None,
        }
    return out


def _pilot(sim: Simulated) -> dict[str, Any]:
    actual = sim.journeys.actual.pipeline
    effect = actual - sim.journeys.without["li-rep-insights"].pipeline
    start = m.PILOT_START.month - 1
    group = [i for i, r in enumerate(m.REPS) if r.pilot_group]
    control = [i for i, r in enumerate(m.REPS) if not r.pilot_group]
    months_after = 12 - start

    def per_rep_month(rows: list[int], months: slice) -> float:
        block = actual[rows, months]
        return _round(block.sum() / block.size)

    legacy: dict[str, float] = {}
    for deal in sim.legacy:
        legacy[deal.owner] = legacy.get(deal.owner, 0.0) + deal.amount
    names = {i: m.REPS[i].name for i in range(len(m.REPS))}
    return {
        "tactic": "li-rep-insights",
        "metric": "pipeline_value",
        "definition": "sum of the Amount of HubSpot deals by Deal Owner, by the month of their Create Date",
        "group": [m.REPS[i].id for i in group],
        "control": [m.REPS[i].id for i in control],
        "group_owners": [names[i] for i in group],
        "control_owners": [names[i] for i in control],
        "start": m.PILOT_START.isoformat(),
        "effect_per_rep_per_month": _round(
            effect[group, start:].sum() / (len(group) * months_after)
        ),
        "control_effect": _round(effect[control].sum()),
        "expected_effect_per_rep_per_month": _round(m.PILOT_EXPECTED_EFFECT * sim.scale),
        "observed": {
            "before": {
                "group_per_rep_per_month": per_rep_month(group, slice(0, start)),
                "control_per_rep_per_month": per_rep_month(control, slice(0, start)),
            },
            "after": {
                "group_per_rep_per_month": per_rep_month(group, slice(start, 12)),
                "control_per_rep_per_month": per_rep_month(control, slice(start, 12)),
            },
            "salesforce_2025": {
                "group_per_rep_per_month": _round(
                    sum(legacy.get(names[i], 0.0) for i in group) / (len(group) * 12)
                ),
                "control_per_rep_per_month": _round(
                    sum(legacy.get(names[i], 0.0) for i in control) / (len(control) * 12)
                ),
            },
        },
    }


def _goals(sim: Simulated) -> dict[str, Any]:
    numbers = sim.journeys.actual.numbers
    actuals = {
        "net_new_customers": numbers["deals_won"],
        "average_order_value": _round(numbers["deal_revenue"] / numbers["deals_won"])
        if numbers["deals_won"]
        else 0.0,
        "support_cost": _round(sim.support.support_cost),
    }
    goals = {}
    for goal in sim.plan.goals:
        actual = actuals[goal.metric]
        goals[goal.id] = {
            "metric": goal.metric,
            "status": goal_status(goal, actual),
            "actual": actual,
            "baseline": goal.baseline,
            "threshold": goal.threshold,
            "target": goal.target,
            "definition": DEFINITIONS[goal.metric],
        }
    return goals


def _activities(sim: Simulated) -> tuple[dict[str, Any], dict[str, Any]]:
    by_channel = Counter(a.channel for a in sim.activities)
    unplanned = [a for a in sim.activities if a.tactic is None]
    activities = {
        "total": len(sim.activities),
        "by_channel": dict(sorted(by_channel.items())),
        "by_tactic": dict(sorted(Counter(a.tactic for a in sim.activities if a.tactic).items())),
    }
    loose = {
        "activities": len(unplanned),
        "by_channel": dict(sorted(Counter(a.channel for a in unplanned).items())),
        "by_account": dict(sorted(Counter(f"{a.channel}:{a.account}" for a in unplanned).items())),
    }
    return activities, loose


def _support(sim: Simulated) -> dict[str, Any]:
    months = sim.support.monthly
    return {
        "cost_per_ticket": m.SUPPORT_COST_PER_TICKET,
        "baseline_support_cost": m.SUPPORT_BASELINE_TICKETS * m.SUPPORT_COST_PER_TICKET,
        "ticket_demand": int(sum(x["demand"] for x in months)),
        "tickets_created": int(sum(x["tickets_created"] for x in months)),
        "tickets_deflected": int(sum(x["tickets_deflected"] for x in months)),
        "support_cost": _round(sim.support.support_cost),
        "newsletter_subscribers": m.NEWSLETTER_SUBSCRIBERS,
    }


def build_truth(sim: Simulated) -> dict[str, Any]:
    """The whole truth.json document."""
    numbers = sim.journeys.actual.numbers
    activities, unplanned = _activities(sim)
    legacy_won = [d for d in sim.legacy if d.won]
    legacy_new = [d for d in legacy_won if d.type == "New Business"]
    channels = ("x", "mastodon", "linkedin")
    return {
        "schema_version": SCHEMA_VERSION,
        "seed": sim.seed,
        "scale": sim.scale,
        "period": {"start": m.START.date().isoformat(), "end": m.AS_OF.isoformat()},
        "as_of": m.AS_OF.isoformat(),
        "currency": m.CURRENCY,
        "journeys": {
            "total": sim.journeys.journeys,
            **{
                k: (_round(v) if "revenue" in k or k == "pipeline" else int(v))
                for k, v in numbers.items()
            },
            "revenue": _round(numbers["deal_revenue"] + numbers["order_revenue"]),
            "touches": sim.journeys.touches,
            "sessions": sim.sessions,
        },
        "tactics": _tactics(sim),
        "likes_only_tactic": "fb-retarget",
        "pilot": _pilot(sim),
        "conversation": {
            c: conversation_stats(x for x in sim.conversations if x.channel == c) for c in channels
        },
        "responders": _responders(sim.conversations),
        "low_response_channel": "mastodon",
        "goals": _goals(sim),
        "goal_status_rule": STATUS_RULE,
        "support": _support(sim),
        "hours": _hours(sim.timesheets),
        "activities": activities,
        "unplanned": unplanned,
        "crm": {
            "hubspot_contacts": sim.contacts,
            "hubspot_deals": sim.deals,
            "salesforce_2025": {
                "opportunities": len(sim.legacy),
                "deals_won": len(legacy_won),
                "new_customers": len(legacy_new),
                "average_order_value": _round(sum(d.amount for d in legacy_won) / len(legacy_won))
                if legacy_won
                else 0.0,
            },
        },
        "ga4": {"format": sim.ga4_format, "events": sim.ga4_events},
        "planted_rejections": 0,
        "files": {
            source: sorted(p.relative_to(sim.exports.parent).as_posix() for p in paths)
            for source, paths in sorted(sim.files.items())
        },
    }
