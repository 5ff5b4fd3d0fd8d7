"""The clinics' exports that no connector knows, read through `outcomes.toml`, and that file.

A UK social-inbox tool, help desk, hiring tracker and finance sheet: all write day-first
dates (`31/03/2026 14:05`), so each mapping says `date_order = "dmy"`. The inbox names an
inbound private message "Message" and everything we write to a patient "Reply"; read as
it is, "Message" would be one of our own messages, so the mapping maps it onto
`message_in` (`[csv.inbox.value_map]`).

* `social-inbox/harbour-physio-inbox-2026.csv` → activities (Facebook, LinkedIn, Instagram)
* `helpdesk/online-answers-2026.csv` → conversions `ticket_deflected` (a call not taken)
* `helpdesk/reception-calls-2026.csv` → metric_snapshots `reception_calls` per month
* `hiring/hires-2026.csv` → conversions `hire`, with the source and campaign of the hire
* `finance/costs-2026.csv` → costs, every money line of every tactic
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Final

import numpy as np

from outcomes.demo.clinics import model as c
from outcomes.demo.clinics.social import SocialYear
from outcomes.demo.costs import Cost
from outcomes.demo.rng import stream
from outcomes.demo.writers.files import Output, write_csv
from outcomes.workspace.config import CONFIG_FILE

_INBOX_KIND: Final = {
    "post": "Post",
    "comment": "Comment",
    "reply": "Reply",
    "message_in": "Message",
}
_NETWORK: Final = {"facebook": "Facebook", "linkedin": "LinkedIn", "instagram": "Instagram"}
VALUE_MAP: Final = """\
[csv.inbox.value_map]
kind = {Message = "message_in"}  # an inbound private message, not one of ours
"""
CONFIG: Final = """\
# Column mappings for the exports outcomes has no connector for (see `outcomes ingest`).
# These tools write day-first dates: 03/06/2026 is 3 June.

[csv.inbox]
files = ["exports/social-inbox/*.csv"]
table = "activities"
date_order = "dmy"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.inbox.columns]
native_id = "Message ID"
channel = "Network"
account = "Profile"
kind = "Type"
author = "Author"
ts = "Date"
text = "Message"
url = "Link"
in_reply_to = "In reply to"
campaign = "Campaign"
reactions = "Likes"
{value_map}
[csv.deflections]
files = ["exports/helpdesk/online-answers-*.csv"]
table = "conversions"
date_order = "dmy"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.deflections.columns]
key = "Answer ID"
ts = "Resolved"
type = "Outcome"
channel = "Channel"

[csv.reception]
files = ["exports/helpdesk/reception-calls-*.csv"]
table = "metric_snapshots"
date_order = "dmy"
[csv.reception.columns]
date = "Month"
channel = "Channel"
entity = "Team"
entity_kind = "Scope"
metric = "Metric"
value = "Value"

[csv.hires]
files = ["exports/hiring/*.csv"]
table = "conversions"
date_order = "dmy"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.hires.columns]
key = "Candidate ID"
ts = "Hired on"
channel = "Source"
campaign = "Campaign"
[csv.hires.values]
type = "hire"

[csv.costs]
files = ["exports/finance/*.csv"]
table = "costs"
date_order = "dmy"
[csv.costs.columns]
date = "Date"
tactic = "Tactic"
kind = "Kind"
note = "Description"
amount = "Amount (GBP)"
"""


def write_config(workspace: Path) -> Path:
    """Write `outcomes.toml`, with the inbox's value map."""
    path = workspace / CONFIG_FILE
    path.write_text(CONFIG.replace("{value_map}", VALUE_MAP), encoding="utf-8")
    return path


def _dmy(moment: dt.datetime | dt.date) -> str:
    return moment.strftime("%d/%m/%Y %H:%M" if isinstance(moment, dt.datetime) else "%d/%m/%Y")


def clinic_costs() -> list[Cost]:
    """Every money line: ad spend, the content agency, tools, job slots, the reels freelancer."""
    lines: list[Cost] = []
    monthly = (
        ("fb-patient-ads", "ads", "Facebook ads: first-appointment offer", 270.0, range(3, 12)),
        ("fb-physio-tips", "tool", "Design tool subscription", 20.0, range(1, 13)),
        ("li-employer-wellness", "other", "Content agency: employer case studies", 1_000.0, range(2, 13)),
        ("reception-inbox", "tool", "Shared inbox subscription", 45.0, range(1, 13)),
        ("careers-posts", "tool", "LinkedIn job slot", 150.0, range(1, 13)),
        ("ig-reels", "other", "Freelance reel editor", 600.0, range(4, 10)),
    )  # fmt: skip
    for tactic, kind, description, amount, months in monthly:
        for month in months:
            lines.append(Cost(dt.date(c.YEAR, month, 1), tactic, kind, description, amount))
    return lines


def write_inbox(output: Output, year: SocialYear) -> None:
    """The social-inbox tool's export of every post, comment, message and reply."""
    rows = [
        [
            a.native_id,
            _NETWORK[a.channel],
            a.account,
            _INBOX_KIND[a.kind],
            a.author,
            _dmy(a.ts),
            a.text,
            a.extra.get("url", ""),
            a.in_reply_to or "",
            a.campaign or "",
            a.reactions,
        ]
        for a in year.activities
    ]
    header = ("Message ID", "Network", "Profile", "Type", "Author", "Date", "Message", "Link",
              "In reply to", "Campaign", "Likes")  # fmt: skip
    write_csv(output.path("csv", "social-inbox/harbour-physio-inbox-2026.csv"), header, rows)


def reception_calls(seed: int, year: SocialYear) -> list[tuple[dt.date, int, int]]:
    """(month end, calls taken, calls deflected) per month."""
    rng = stream(seed, "clinics-social", 1)
    months = []
    for month in range(1, 13):
        last = dt.date(c.YEAR, month, calendar.monthrange(c.YEAR, month)[1])
        deflected = sum(1 for d in year.deflections if d.month == month)
        demand = int(rng.poisson(c.CALLS_PER_MONTH))
        months.append((last, demand - deflected, deflected))
    return months


def write_helpdesk(output: Output, year: SocialYear, calls: list[tuple[dt.date, int, int]]) -> None:
    """The online answers that saved a call, and the phone system's monthly calls."""
    write_csv(
        output.path("csv", "helpdesk/online-answers-2026.csv"),
        ("Answer ID", "Resolved", "Outcome", "Channel"),
        (
            [f"OA-{n:05d}", _dmy(ts), "Ticket deflected", "Facebook"]
            for n, ts in enumerate(year.deflections, start=1)
        ),
    )
    write_csv(
        output.path("csv", "helpdesk/reception-calls-2026.csv"),
        ("Month", "Channel", "Team", "Scope", "Metric", "Value"),
        (
            [_dmy(last), "phone", "Reception", "team", "reception_calls", taken]
            for last, taken, _ in calls
        ),
    )


def write_hires(output: Output, year: SocialYear) -> None:
    """The hiring tracker's export of the year's hires."""
    rng = np.random.default_rng(len(year.hires))
    rows = [
        [
            ident,
            f"Physiotherapist, {c.CLINICS[int(rng.integers(len(c.CLINICS)))]}",
            _dmy(hired),
            source,
            campaign,
        ]
        for ident, hired, source, campaign in year.hires
    ]
    write_csv(output.path("csv", "hiring/hires-2026.csv"),
              ("Candidate ID", "Job", "Hired on", "Source", "Campaign"), rows)  # fmt: skip


def write_costs(output: Output, costs: list[Cost]) -> None:
    """The finance sheet."""
    write_csv(
        output.path("csv", "finance/costs-2026.csv"),
        ("Date", "Tactic", "Kind", "Description", "Amount (GBP)"),
        ([_dmy(x.date), x.tactic, x.kind, x.description, f"{x.amount:.2f}"] for x in costs),
    )
