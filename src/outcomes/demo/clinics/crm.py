"""The clinics' HubSpot portal: one contacts export and one deals export for both businesses.

A patient who books becomes a contact (Lifecycle Stage "Customer") and a won deal of £55 in
the "Patients" pipeline, named after the clinic; an HR manager who enquires becomes a
contact, and a deal in the "Employers" pipeline when the enquiry is qualified. The columns
are HubSpot's (:mod:`outcomes.demo.writers.crm` writes both files); only the Pipeline
column tells a booking from a contract.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from outcomes.demo import texts
from outcomes.demo.clinics import model as c
from outcomes.demo.clinics.journeys import EMPLOYER, Outcomes, Population
from outcomes.demo.crm import contact_source, deal_flags, deal_id, deal_source, record_id
from outcomes.demo.records import at
from outcomes.demo.rng import stream

EMPLOYER_STAGES: Final = ("Discovery call", "Proposal sent", "Contract sent")
EMPLOYER_FIRMS: Final = (
    "Portside Logistics", "Harbour Council", "Northgate Foods", "Quay Engineering",
    "Marina Hotels", "Castle Retail", "Docklands Bank", "Riverside Schools", "Westfield Care",
    "Station Couriers", "Meadows Dairy", "Eastside Builders", "Parkway Insurance",
    "Southbank Studios", "Anchor Manufacturing", "Lighthouse Software",
)  # fmt: skip
HR_TITLES: Final = ("HR Director", "Head of People", "Wellbeing Lead", "Office Manager")
# First touch → HubSpot's Original Source and its drill-downs.
ORIGINAL_SOURCE: Final = {
    "organic-search": ("Organic search", "google", ""),
    "direct": ("Direct traffic", "harbourphysio.example/", ""),
    "referral": ("Referrals", "nhs.example", "nhs.example/find-a-physio"),
    "fb-patient-ads": ("Paid social", "Facebook", "fb-patient-ads"),
    "fb-physio-tips": ("Organic social", "Facebook", "physio-tips"),
    "li-employer-wellness": ("Organic social", "LinkedIn", "employer-wellness"),
    "ig-reels": ("Organic social", "Instagram", "ig-reels"),
}


def _time(seconds: int) -> str:
    return at(seconds).strftime("%Y-%m-%d %H:%M")


def hubspot_rows(
    seed: int, pops: list[Population], actual: list[Outcomes]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(contacts, deals) as HubSpot's export columns, in Record ID order."""
    rng = stream(seed, "clinics-crm")
    contacts: list[dict[str, Any]] = []
    deals: list[dict[str, Any]] = []
    for pop, o in zip(pops, actual, strict=True):
        for j in np.flatnonzero(o.converted):
            journey = pop.first_id + int(j)
            first, last = texts.person(rng)
            source = ORIGINAL_SOURCE[c.CHANNELS[int(pop.ch[j, 0])].code]
            employer = pop.kind == EMPLOYER
            firm = texts.pick(rng, EMPLOYER_FIRMS) if employer else ""
            clinic = texts.pick(rng, c.CLINICS)
            contacts.append(_contact(journey, (first, last, firm), source, o, int(j), employer))
            if o.opp[j]:
                deals.append(_deal(journey, firm or f"{first} {last}", clinic, source, o, int(j),
                                   employer, float(rng.random())))  # fmt: skip
    contacts.sort(key=lambda row: int(row["Record ID"]))
    deals.sort(key=lambda row: int(row["Record ID"]))
    return contacts, deals


def _contact(journey: int, who: tuple[str, str, str], source: tuple[str, str, str],
             o: Outcomes, j: int, employer: bool) -> dict[str, Any]:  # fmt: skip
    first, last, firm = who
    won = bool(o.won[j])
    created = _time(int(o.ts[j]))
    domain = texts.slug(firm) + ".example" if employer else "mail.example"
    return {
        "Record ID": str(record_id(journey)),
        "First Name": first,
        "Last Name": last,
        "Email": f"{texts.slug(first)}.{texts.slug(last)}.{journey}@{domain}",
        "Job Title": HR_TITLES[journey % len(HR_TITLES)] if employer else "",
        "Company Name": firm,
        "Country/Region": "United Kingdom",
        "City": "Portsmouth",
        "Lifecycle Stage": "Customer" if won else ("Opportunity" if o.opp[j] else "Lead"),
        "Lead Status": "Connected" if o.opp[j] else "New",
        "Contact owner": "Jo Okoro" if employer and o.opp[j] else "",
        "Create Date": created,
        **contact_source(source),
        "Became a Lead Date": created,
        "Became a Sales Qualified Lead Date": _time(int(o.opp_ts[j]))
        if employer and o.opp[j]
        else "",
        "Became an Opportunity Date": _time(int(o.opp_ts[j])) if employer and o.opp[j] else "",
        "Became a Customer Date": _time(int(o.close_ts[j])) if won else "",
        "First Conversion": "Employer enquiry form" if employer else "Online booking",
        "First Conversion Date": created,
        "Number of Sessions": "",
        "Marketing contact status": "Marketing contact",
    }


def _deal(journey: int, name: str, clinic: str, source: tuple[str, str, str], o: Outcomes,
          j: int, employer: bool, draw: float) -> dict[str, Any]:  # fmt: skip
    if o.won[j]:
        stage = "Closed Won"
    elif o.lost[j]:
        stage = "Closed Lost"
    else:
        stage = EMPLOYER_STAGES[min(int(draw * len(EMPLOYER_STAGES)), len(EMPLOYER_STAGES) - 1)]
    title = (
        f"{name} – staff wellness contract" if employer else f"{name} – first appointment, {clinic}"
    )
    return {
        "Record ID": str(deal_id(journey)),
        "Deal Name": title,
        "Deal Stage": stage,
        "Pipeline": c.EMPLOYERS if employer else c.PATIENTS,
        "Amount": f"{float(o.amount[j]):.0f}",
        "Deal Currency Code": c.CURRENCY,
        "Close Date": _time(int(o.close_ts[j])),
        "Create Date": _time(int(o.opp_ts[j])),
        "Deal Owner": "Jo Okoro" if employer else f"{clinic} reception",
        "Associated Contact IDs": str(record_id(journey)),
        **deal_source(source),
        **deal_flags(bool(o.won[j]), bool(o.lost[j])),
    }
