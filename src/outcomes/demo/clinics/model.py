"""The clinics company model: Harbour Physio, 14 physiotherapy clinics, and every parameter.

Harbour Physio sells two things through one HubSpot portal: first appointments that
patients book and prepay online (£55, the "Patients" pipeline) and wellness contracts with
employers (£10,000 to £30,000 a year, the "Employers" pipeline). Its name holds
a category word ("Physio") that its own posts use as a topic, not as a brag.

Visitors come in two populations that never mix: patients, whom the Facebook ads and the
physio tips on the Facebook page bring, and HR managers of employers, whom the LinkedIn
wellness posts bring. Both arrive through search, direct visits and referrals too, so a
chain that lumps those untracked steps together and mixes both businesses carries contract
money to the patient tactics; their true share of contract money is nil. Instagram reels
reach only people who never book (the likes-only tactic). Reception answers comments and
messages on the Facebook page, and every question answered there is a phone call
reception does not take; careers posts on LinkedIn bring hires the clinics would otherwise
pay an agency for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# The clinics live in the same year as Northwind: one calendar for both simulations.
from outcomes.demo.model import AS_OF as AS_OF
from outcomes.demo.model import DAY_S as DAY_S
from outcomes.demo.model import DAYS as DAYS
from outcomes.demo.model import END as END
from outcomes.demo.model import END_S as END_S
from outcomes.demo.model import START as START
from outcomes.demo.model import START_S as START_S
from outcomes.demo.model import YEAR as YEAR

CURRENCY: Final = "GBP"
ORGANISATION: Final = "Harbour Physio"
SITE: Final = "https://harbourphysio.example"
FACEBOOK_PAGE: Final = "Harbour Physio"
LINKEDIN_PAGE: Final = "Harbour Physio"
INSTAGRAM: Final = "harbourphysio"
HOURLY_COST: Final = 32.0

CLINICS: Final = (
    "Harbour", "Quayside", "Old Town", "Riverside", "Northgate", "Southbank", "Westfield",
    "Eastside", "Parkway", "Marina", "Castle Hill", "Docklands", "Meadows", "Station Road",
)  # fmt: skip
"""The 14 clinics; a patient's deal names the clinic they booked at."""

PATIENTS: Final = "Patients"
EMPLOYERS: Final = "Employers"
"""HubSpot pipelines: the column that tells a £55 booking from an employer contract."""
BOOKING_PRICE: Final = 55.0
CONTRACT_MIN: Final = 10_000.0
CONTRACT_SPREAD: Final = 20_000.0


@dataclass(frozen=True, slots=True)
class Channel:
    """A way a visitor reaches the site, how GA4 sees it, and what it does in each population."""

    code: str
    tactic: str | None
    source: str | None
    medium: str | None
    campaign: str | None
    patient_weight: float
    employer_weight: float
    patient_lift: float
    """Added to a patient's booking log-odds by each touch."""
    employer_lift: float
    """Added to an HR manager's enquiry log-odds by each touch."""
    landing: str


CHANNELS: Final = (
    Channel("organic-search", None, "google", "organic", None, 0.36, 0.36, 0.35, 0.30, "/"),
    Channel("direct", None, None, None, None, 0.20, 0.20, 0.40, 0.35, "/book"),
    Channel("referral", None, "nhs.example", "referral", None, 0.10, 0.12, 0.55, 0.40, "/gp-referrals"),
    Channel("fb-patient-ads", "fb-patient-ads", "facebook", "paid_social", "fb-patient-ads",
            0.16, 0.0, 0.60, 0.0, "/book"),
    Channel("fb-physio-tips", "fb-physio-tips", "facebook", "social", "physio-tips",
            0.14, 0.0, 0.50, 0.0, "/tips"),
    Channel("li-employer-wellness", "li-employer-wellness", "linkedin", "social",
            "employer-wellness", 0.0, 0.30, 0.0, 0.85, "/employers"),
    Channel("ig-reels", "ig-reels", "instagram", "social", "ig-reels", 0.0, 0.0, 0.0, 0.0, "/"),
)  # fmt: skip
CODES: Final = {c.code: i for i, c in enumerate(CHANNELS)}
DIRECT: Final = CODES["direct"]
REELS: Final = CODES["ig-reels"]
JOURNEY_TACTICS: Final = {
    c.tactic: i for i, c in enumerate(CHANNELS) if c.tactic is not None and c.tactic != "ig-reels"
}
"""Tactics whose touches can change an outcome; the reels only reach people who never book."""
LIVE: Final = {
    CODES["fb-patient-ads"]: (59, 333),  # 1 March … 30 November
    CODES["fb-physio-tips"]: (0, 364),
    CODES["li-employer-wellness"]: (31, 364),  # from 1 February
}
REELS_WINDOW: Final = (90, 272)  # April … September
REELS_AUDIENCE: Final = 0.2
"""Share of patient visitors who never book that a reel brings back once."""

PATIENT_JOURNEYS: Final = 4_500
EMPLOYER_JOURNEYS: Final = 1_400
"""Journeys at scale 1; both grow linearly with the scale."""
MAX_TOUCHES: Final = 6
PATIENT_BASE: Final = -3.15
EMPLOYER_BASE: Final = -3.3
SPREAD: Final = 0.8
SAME_SESSION: Final = 0.7
OPP_RATE: Final = 0.65
WIN_RATE: Final = 0.55

# Reception and its help desk.
COST_PER_CONTACT: Final = 8.0
"""What one phone call to reception costs (the plan's value_per_unit of the support goal)."""
CALLS_PER_MONTH: Final = 5_200
"""Calls reception would take in a month with no answers on Facebook."""
INBOUND_MESSAGES: Final = 2_000
INBOUND_COMMENTS: Final = 600
LINKEDIN_COMMENTS: Final = 150
"""Inbound on the Facebook page over the year."""
DEFLECTED_SHARE: Final = 0.8
"""Of the messages reception answers, the share that would otherwise have been a call."""
TIPS_PER_WEEK: Final = 2

# Hiring.
HIRES_FROM_POSTS: Final = 9
HIRES_FROM_AGENCY: Final = 7
VALUE_PER_HIRE: Final = 3_500.0
"""The agency fee a hire through the careers posts saves (the hiring goal's value_per_unit)."""
