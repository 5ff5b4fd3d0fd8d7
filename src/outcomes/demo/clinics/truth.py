"""The clinics' truth.json: what the simulation made true, per tactic in its goal's terms.

Each tactic's return is what it truly added, in money: incremental revenue (bookings and
contracts, from the counterfactual journeys), calls saved × cost per call (reception),
hires × the agency fee each saves (careers posts). Numbers come from the simulation, never
from reading the exports back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from outcomes.demo.clinics import model as c
from outcomes.demo.clinics.journeys import EMPLOYER, PATIENT, JourneyTruth
from outcomes.demo.clinics.social import SocialYear
from outcomes.demo.costs import Cost
from outcomes.demo.truth import STATUS_RULE, conversation_stats, goal_status, tactic_money
from outcomes.plan import Plan

SCHEMA_VERSION: Final = 1
DEFINITIONS: Final = {
    "patient-bookings": "Amount of HubSpot deals won in 2026 in the Patients pipeline",
    "employer-contracts": "Amount of HubSpot deals won in 2026 in the Employers pipeline",
    "fewer-calls": "calls reception took in December 2026, the last month (the phone system's monthly report)",
    "hire-physios": "physiotherapists hired in 2026 (the hiring tracker), through any source",
}


@dataclass
class ClinicsSimulated:
    """Everything the clinics' truth is computed from."""

    seed: int
    scale: float
    plan: Plan
    journeys: JourneyTruth
    social: SocialYear
    calls: list[tuple[Any, int, int]]
    costs: list[Cost]
    contacts: int
    deals: int
    ga4_events: int
    files: dict[str, list[Path]]
    exports: Path


def _r(value: float) -> float:
    return round(float(value), 2)


def _tactics(sim: ClinicsSimulated) -> dict[str, Any]:
    activities = Counter(a.tactic for a in sim.social.activities)
    hires = sum(1 for h in sim.social.hires if h[3] == "careers")
    out: dict[str, Any] = {}
    for tactic in sim.plan.tactics:
        gained = sim.journeys.incremental(tactic.id)
        revenue = gained["patient_revenue"] + gained["employer_revenue"]
        deflected = len(sim.social.deflections) if tactic.id == "reception-inbox" else 0
        hired = hires if tactic.id == "careers-posts" else 0
        saved = deflected * c.COST_PER_CONTACT
        hiring = hired * c.VALUE_PER_HIRE
        gain = revenue + saved + hiring
        conversations = [x for x in sim.social.conversations if x.tactic == tactic.id]
        out[tactic.id] = {
            "incremental_bookings": gained["bookings"],
            "incremental_enquiries": gained["enquiries"],
            "incremental_contracts": gained["contracts"],
            "incremental_patient_revenue": _r(gained["patient_revenue"]),
            "incremental_employer_revenue": _r(gained["employer_revenue"]),
            "incremental_revenue": _r(revenue),
            "tickets_deflected": deflected,
            "support_cost_saved": _r(saved),
            "hires": hired,
            "hiring_value": _r(hiring),
            "return": _r(gain),
            "activities": activities.get(tactic.id, 0),
            **tactic_money(sim.plan, tactic, sim.costs, gain),
            "conversation": conversation_stats(conversations) if conversations else None,
        }
    return out


def _goals(sim: ClinicsSimulated) -> dict[str, Any]:
    patients, employers = sim.journeys.actual
    actuals = {
        "patient-bookings": _r(patients.revenue()),
        "employer-contracts": _r(employers.revenue()),
        "fewer-calls": float(sim.calls[-1][1]),
        "hire-physios": float(len(sim.social.hires)),
    }
    return {
        goal.id: {
            "metric": goal.metric,
            "scope": goal.scope.model_dump(exclude_defaults=True) if goal.scope else None,
            "value_per_unit": goal.value_per_unit,
            "status": goal_status(goal, actuals[goal.id]),
            "actual": actuals[goal.id],
            "baseline": goal.baseline,
            "threshold": goal.threshold,
            "target": goal.target,
            "definition": DEFINITIONS[goal.id],
        }
        for goal in sim.plan.goals
    }


def _crm(sim: ClinicsSimulated) -> dict[str, Any]:
    patients, employers = sim.journeys.actual
    return {
        "hubspot_contacts": sim.contacts,
        "hubspot_deals": sim.deals,
        "pipelines": {
            c.PATIENTS: {"deals_won": int(patients.won.sum()), "revenue": _r(patients.revenue())},
            c.EMPLOYERS: {
                "enquiries": int(employers.converted.sum()),
                "deals": int(employers.opp.sum()),
                "deals_won": int(employers.won.sum()),
                "deals_lost": int(employers.lost.sum()),
                "revenue": _r(employers.revenue()),
            },
        },
        "new_customers": int(patients.won.sum() + employers.won.sum()),
        "revenue_all_pipelines": _r(patients.revenue() + employers.revenue()),
    }


def build_truth(sim: ClinicsSimulated) -> dict[str, Any]:
    """The whole truth.json document of the clinics."""
    social = sim.social
    inbound = Counter(a.kind for a in social.activities if a.channel == "facebook")
    return {
        "schema_version": SCHEMA_VERSION,
        "company": "clinics",
        "organisation": c.ORGANISATION,
        "seed": sim.seed,
        "scale": sim.scale,
        "period": {"start": c.START.date().isoformat(), "end": c.AS_OF.isoformat()},
        "as_of": c.AS_OF.isoformat(),
        "currency": c.CURRENCY,
        "journeys": {
            "patients": sim.journeys.populations[PATIENT].n,
            "employers": sim.journeys.populations[EMPLOYER].n,
        },
        "crm": _crm(sim),
        "tactics": _tactics(sim),
        "likes_only_tactic": "ig-reels",
        "wrong_pipeline_tactic": "fb-patient-ads",
        "shared_accounts": {
            "facebook:Harbour Physio": {"publish": "fb-physio-tips", "respond": "reception-inbox"},
            "linkedin:Harbour Physio": {
                "publish": ["li-employer-wellness", "careers-posts"],
                "respond": "li-comments",
            },
        },
        "facebook_kinds": dict(sorted(inbound.items())),
        "support": {
            "cost_per_contact": c.COST_PER_CONTACT,
            "tickets_deflected": len(social.deflections),
            "calls_taken": int(sum(taken for _, taken, _ in sim.calls)),
            "support_cost_saved": _r(len(social.deflections) * c.COST_PER_CONTACT),
            "deflected_by_month": dict(
                sorted(Counter(f"{d:%Y-%m}" for d in social.deflections).items())
            ),
        },
        "hiring": {
            "hires": len(social.hires),
            "through_careers_posts": sum(1 for h in social.hires if h[3] == "careers"),
            "value_per_hire": c.VALUE_PER_HIRE,
            "hired_on": sorted(h[1].isoformat() for h in social.hires),
        },
        "goals": _goals(sim),
        "goal_status_rule": STATUS_RULE,
        "activities": {
            "total": len(social.activities),
            "by_tactic": dict(
                sorted(Counter(a.tactic for a in social.activities if a.tactic).items())
            ),
        },
        "ga4": {"format": "json", "events": sim.ga4_events},
        "planted_rejections": 0,
        "files": {
            source: sorted(p.relative_to(sim.exports.parent).as_posix() for p in paths)
            for source, paths in sorted(sim.files.items())
        },
    }
