"""The second demo company: a year of Harbour Physio's 14 clinics, with the truth.

`outcomes demo DIR --company clinics` builds it (Northwind stays the default). It tests
what Northwind cannot: two businesses in one CRM told apart by the deals' Pipeline
(patients' £55 bookings and employers' contracts), a publish and a respond tactic on one
account (the Facebook page: tips, and reception's answers), a support-savings tactic
whose return is calls not taken, a hiring tactic whose return is agency fees not paid,
exports with day-first dates, an inbound "Message" type that needs a value map, and a
category word in the company's name ("Physio").

truth.json (``schema_version`` 1), besides seed, scale, period, as_of and currency::

    company "clinics", organisation
    journeys       patients, employers (journeys simulated)
    crm            hubspot_contacts, hubspot_deals, pipelines {Patients: {deals_won,
                   revenue}, Employers: {enquiries, deals, deals_won, deals_lost, revenue}},
                   new_customers and revenue_all_pipelines (what an unscoped goal counts)
    tactics        {tactic: {incremental_bookings, incremental_enquiries,
                   incremental_contracts, incremental_patient_revenue,
                   incremental_employer_revenue, incremental_revenue, tickets_deflected,
                   support_cost_saved, hires, hiring_value, return, activities, cost,
                   cost_by_kind, people_cost, roi, roi_with_people, conversation}}
                   return = incremental revenue + support cost saved + hiring value, the
                   tactic's effect in money in the terms of the goal it serves; roi =
                   (return − cost) / cost with the money cost (finance sheet); incremental_*
                   are exact realised counterfactuals, as for Northwind
    likes_only_tactic      "ig-reels": reactions and visits, no booking
    wrong_pipeline_tactic  "fb-patient-ads": HR managers see it, it wins no contract
    shared_accounts        {channel:account: {publish, respond}}
    facebook_kinds         {kind: activities on the Facebook page}
    support        cost_per_contact, tickets_deflected, calls_taken, support_cost_saved,
                   deflected_by_month {YYYY-MM: calls saved}
    hiring         hires, through_careers_posts, value_per_hire, hired_on [ISO dates]
    goals          {goal: {metric, scope, value_per_unit, status, actual, baseline,
                   threshold, target, definition}}
    activities     total, by_tactic
    ga4, planted_rejections (0), files
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from outcomes.demo.clinics.crm import hubspot_rows
from outcomes.demo.clinics.exports import (
    clinic_costs,
    reception_calls,
    write_config,
    write_costs,
    write_helpdesk,
    write_hires,
    write_inbox,
)
from outcomes.demo.clinics.ga4 import events, sessions, write_ga4
from outcomes.demo.clinics.journeys import simulate
from outcomes.demo.clinics.social import simulate_social
from outcomes.demo.clinics.truth import ClinicsSimulated, build_truth
from outcomes.demo.writers.crm import write_hubspot
from outcomes.demo.writers.files import Output
from outcomes.plan import load_plan
from outcomes.workspace import PLAN_FILE, init_workspace

__all__ = ["write_clinics_exports"]


def write_clinics_exports(
    directory: Path,
    *,
    scale: float = 1.0,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Create the clinics workspace, write every export, `outcomes.toml` and truth.json."""
    say = progress or (lambda message: None)
    init_workspace(directory, example="clinics")
    output = Output(directory / "exports")
    say("simulating patients' and employers' journeys")
    journeys = simulate(seed, scale)
    rows: list[dict[str, Any]] = []
    for pop, outcome in zip(journeys.populations, journeys.actual, strict=True):
        rows.extend(events(pop, outcome, sessions(pop, outcome, seed)))
    ga4_events = write_ga4(output, rows)
    say("writing HubSpot, the inbox, the help desk, hires and costs")
    contacts, deals = hubspot_rows(seed, journeys.populations, journeys.actual)
    write_hubspot(output, contacts, deals)
    social = simulate_social(seed)
    calls = reception_calls(seed, social)
    costs = clinic_costs()
    write_inbox(output, social)
    write_helpdesk(output, social, calls)
    write_hires(output, social)
    write_costs(output, costs)
    write_config(directory)
    plan = load_plan(directory / PLAN_FILE).plan
    truth = build_truth(
        ClinicsSimulated(
            seed,
            scale,
            plan,
            journeys,
            social,
            calls,
            costs,
            len(contacts),
            len(deals),
            ga4_events,
            output.files,
            output.exports,
        )
    )
    (directory / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth
