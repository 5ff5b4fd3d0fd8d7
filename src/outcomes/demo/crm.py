"""The CRM side of journeys: HubSpot contacts and deals, and the Salesforce legacy year.

Leads become HubSpot contacts whose Original Source and drill-downs follow their first
touch; opportunities become deals owned by the rep of the journey's territory. Before the
move to HubSpot, 2025's opportunities lived in Salesforce: the same four reps, no rep
posts, so the pilot groups differ only by chance there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo import texts
from outcomes.demo.journeys import Block, Outcomes
from outcomes.demo.records import at
from outcomes.demo.rng import stream
from outcomes.demo.sessions import Sessions

OPEN_STAGES: Final = (
    "Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
    "Decision Maker Bought-In", "Contract Sent",
)  # fmt: skip
_FIELDS: Final = (
    "journey", "lead_ts", "first_channel", "territory", "opp", "opp_ts", "close_ts", "won",
    "lost", "open", "amount", "sessions", "open_stage",
)  # fmt: skip

# First touch → HubSpot's Original Source and its two drill-downs.
ORIGINAL_SOURCE: Final = {
    "organic-search": ("Organic search", "google", "unknown keywords (ssl)"),
    "direct": ("Direct traffic", "northwind.example/", ""),
    "referral": ("Referrals", "logisticsweekly.example", "logisticsweekly.example/tools"),
    "paid-search": ("Paid search", "google", "route planning software"),
    "li-company-guides": ("Organic social", "LinkedIn", "li-company-guides"),
    "li-rep-insights": ("Organic social", "LinkedIn", "li-rep-insights"),
    "fb-retarget": ("Paid social", "Facebook", "fb-retarget"),
    "logifair-2026": ("Organic social", "LinkedIn", "logifair-2026"),
    "x": ("Organic social", "Twitter", "award-2026"),
    "instagram": ("Organic social", "Instagram", ""),
    "mastodon": ("Other campaigns", "mastodon", ""),
    "youtube": ("Organic social", "YouTube", ""),
}


def record_id(journey: int) -> int:
    """The HubSpot contact id of a journey's lead: a fixed scramble of its number."""
    return (journey * 2_654_435_761) % 2**32 + 10_000_000


def record_ids(journeys: np.ndarray) -> np.ndarray:
    """:func:`record_id` of many journeys at once."""
    scrambled = journeys.astype(np.uint64) * np.uint64(2_654_435_761) % np.uint64(2**32)
    return scrambled.astype(np.int64) + 10_000_000


def deal_id(journey: int) -> int:
    """The HubSpot deal id of a journey's opportunity."""
    return (journey * 2_246_822_519) % 2**32 + 20_000_000_000


@dataclass
class Leads:
    """Every lead of the year, as columns (one entry per lead, in journey order)."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: {f: [] for f in _FIELDS})

    def add(self, block: Block, o: Outcomes, s: Sessions) -> None:
        """Collect the block's leads."""
        rows = np.flatnonzero(o.lead)
        sessions = np.bincount(s.journey, minlength=block.n)
        columns = {
            "journey": block.first_id + rows,
            "lead_ts": o.lead_ts[rows],
            "first_channel": block.ch[rows, 0].astype(np.int64),
            "territory": block.territory[rows].astype(np.int64),
            "opp": o.opp[rows],
            "opp_ts": o.opp_ts[rows],
            "close_ts": o.close_ts[rows],
            "won": o.won[rows],
            "lost": o.lost[rows],
            "open": o.open[rows],
            "amount": o.amount[rows],
            "sessions": sessions[rows],
            "open_stage": block.u["open_stage"][rows],
        }
        for name, values in columns.items():
            self.parts[name].append(values)

    def column(self, name: str) -> np.ndarray:
        """All leads' values of one field."""
        return np.concatenate(self.parts[name]) if self.parts[name] else np.array([])


def contact_source(source: tuple[str, str, str]) -> dict[str, str]:
    """A contact's Original Source columns for (source, drill-down 1, drill-down 2)."""
    return {
        "Original Source": source[0],
        "Original Source Drill-Down 1": source[1],
        "Original Source Drill-Down 2": source[2],
    }


def deal_source(source: tuple[str, str, str]) -> dict[str, str]:
    """A deal's Original Source columns for (source, drill-down 1, drill-down 2)."""
    return {
        "Original Source Type": source[0],
        "Original Source Data 1": source[1],
        "Original Source Data 2": source[2],
    }


def _hubspot_time(seconds: int) -> str:
    return at(seconds).strftime("%Y-%m-%d %H:%M")


def hubspot_rows(seed: int, leads: Leads) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(contacts, deals) as HubSpot's export columns, in Record ID order."""
    rng = stream(seed, "crm")
    contacts: list[dict[str, Any]] = []
    deals: list[dict[str, Any]] = []
    count = len(leads.column("journey"))
    cols = {name: leads.column(name) for name in _FIELDS}
    for i in range(count):
        first, last = texts.person(rng)
        firm = texts.company(rng)
        country, city = texts.COUNTRIES[int(rng.integers(len(texts.COUNTRIES)))]
        journey = int(cols["journey"][i])
        source = ORIGINAL_SOURCE[m.CHANNELS[int(cols["first_channel"][i])].code]
        rep = m.REPS[int(cols["territory"][i])]
        person = (first, last, texts.pick(rng, texts.JOB_TITLES), firm, country, city)
        contacts.append(_contact(journey, person, source, rep.name, cols, i))
        if cols["opp"][i]:
            deals.append(_deal(journey, firm, source, rep.name, cols, i))
    contacts.sort(key=lambda row: int(row["Record ID"]))
    deals.sort(key=lambda row: int(row["Record ID"]))
    return contacts, deals


def _contact(
    journey: int,
    person: tuple[str, str, str, str, str, str],
    source: tuple[str, str, str],
    owner: str,
    cols: dict[str, np.ndarray],
    i: int,
) -> dict[str, Any]:
    first, last, title, firm, country, city = person
    lead_ts = int(cols["lead_ts"][i])
    opp, won = bool(cols["opp"][i]), bool(cols["won"][i])
    stage = "Customer" if won else ("Opportunity" if opp else "Lead")
    sql = _hubspot_time(max(lead_ts, int(cols["opp_ts"][i]) - m.DAY_S)) if opp else ""
    return {
        "Record ID": str(record_id(journey)),
        "First Name": first,
        "Last Name": last,
        "Email": f"{texts.slug(first)}.{texts.slug(last)}@{texts.slug(firm)}.example",
        "Job Title": title,
        "Company Name": firm,
        "Country/Region": country,
        "City": city,
        "Lifecycle Stage": stage,
        "Lead Status": "Connected" if opp else "New",
        "Contact owner": owner if opp else "",
        "Create Date": _hubspot_time(lead_ts),
        **contact_source(source),
        "Became a Lead Date": _hubspot_time(lead_ts),
        "Became a Sales Qualified Lead Date": sql,
        "Became an Opportunity Date": _hubspot_time(int(cols["opp_ts"][i])) if opp else "",
        "Became a Customer Date": _hubspot_time(int(cols["close_ts"][i])) if won else "",
        "First Conversion": "Demo request form",
        "First Conversion Date": _hubspot_time(lead_ts),
        "Number of Sessions": str(int(cols["sessions"][i])),
        "Marketing contact status": "Marketing contact",
    }


def _deal(
    journey: int,
    firm: str,
    source: tuple[str, str, str],
    owner: str,
    cols: dict[str, np.ndarray],
    i: int,
) -> dict[str, Any]:
    if cols["won"][i]:
        stage = "Closed Won"
    elif cols["lost"][i]:
        stage = "Closed Lost"
    else:
        stage = OPEN_STAGES[min(int(cols["open_stage"][i] * len(OPEN_STAGES)), 4)]
    return {
        "Record ID": str(deal_id(journey)),
        "Deal Name": f"{firm} – Route Planner annual",
        "Deal Stage": stage,
        "Pipeline": "Sales Pipeline",
        "Amount": f"{float(cols['amount'][i]):.0f}",
        "Deal Currency Code": m.CURRENCY,
        "Close Date": _hubspot_time(int(cols["close_ts"][i])),
        "Create Date": _hubspot_time(int(cols["opp_ts"][i])),
        "Deal Owner": owner,
        "Associated Contact IDs": str(record_id(journey)),
        **deal_source(source),
        **deal_flags(bool(cols["won"][i]), bool(cols["lost"][i])),
    }


def deal_flags(won: bool, lost: bool) -> dict[str, str]:
    """HubSpot's calculated "Is Closed Won" and "Is Deal Closed?", as a deals export with
    them written: they say a deal is won whatever its stage is called."""
    return {"Is Closed Won": str(won).lower(), "Is Deal Closed?": str(won or lost).lower()}


# --- Salesforce, 2025 -----------------------------------------------------------------------

LEGACY_OPPS_PER_REP_MONTH: Final = 2.8
LEGACY_WIN: Final = 0.4
LEAD_SOURCES: Final = ("Web", "Web", "LinkedIn", "Trade Show", "Partner Referral", "Cold Call")
_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class LegacyDeal:
    """One 2025 Salesforce opportunity."""

    id: str
    name: str
    account: str
    owner: str
    type: str
    lead_source: str
    amount: float
    created: dt.date
    close: dt.date
    stage: str
    won: bool
    closed: bool


def legacy_deals(seed: int, scale: float) -> list[LegacyDeal]:
    """2025's opportunities: per rep and month, won or lost by year end, or still open."""
    rng = stream(seed, "legacy")
    deals: list[LegacyDeal] = []
    for month in range(12):
        first = dt.date(m.YEAR - 1, month + 1, 1)
        days = ((first.replace(month=month + 2) if month < 11 else m.START.date()) - first).days
        for rep in m.REPS:
            for _ in range(int(rng.poisson(LEGACY_OPPS_PER_REP_MONTH * scale))):
                created = first + dt.timedelta(days=int(rng.integers(days)))
                close = created + dt.timedelta(days=int(14 + 40 * rng.exponential()))
                closed = close < m.START.date()
                won = closed and bool(rng.random() < LEGACY_WIN)
                firm = texts.company(rng)
                amount = round((15_500 + 6_000 * float(rng.random()) ** 1.4) / 100) * 100
                stage = "Closed Won" if won else ("Closed Lost" if closed else "Negotiation/Review")
                ident = "0065g00000" + "".join(_ALPHABET[int(x)] for x in rng.integers(0, 62, 8))
                kind = "New Business" if rng.random() < 0.9 else "Existing Business"
                deals.append(
                    LegacyDeal(
                        ident,
                        f"{firm} – Route Planner",
                        firm,
                        rep.name,
                        kind,
                        texts.pick(rng, LEAD_SOURCES),
                        float(amount),
                        created,
                        close,
                        stage,
                        won,
                        closed,
                    )
                )
    deals.sort(key=lambda d: (d.created, d.id))
    return deals
