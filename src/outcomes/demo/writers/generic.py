"""Files with no dedicated connector, read through `outcomes.toml` mappings, and that file.

* `newsletter/newsletter-activity-2026.csv`: the email service's activity log (sent,
  opened, clicked) → touchpoints with `utm_campaign` "newsletter".
* `finance/costs-2026.csv`: the finance sheet's lines per tactic → costs (not the ad
  spend: the ad platforms' reports book it, see `writers/ads.py`).
* `timesheets/clockify-detailed-2026.csv`: the time tracker's detailed report (a
  Clockify-style export: one project per tactic, US dates, decimal durations, cost rate
  and amount) → costs of kind `people` with hours and person.
* `helpdesk/deflections-2026.csv`: tickets the helpdesk logged as deflected → conversions
  of type `ticket_deflected`.
* `helpdesk/helpdesk-monthly-2026.csv`: tickets and support cost per month, in the long
  form of a helpdesk report → metric_snapshots.
* `social-inbox/linkedin-inbox-2026.csv` (written by the LinkedIn writer) → activities.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Final

from outcomes.demo import model as m
from outcomes.demo.costs import FINANCE, Cost
from outcomes.demo.support import SupportYear
from outcomes.demo.timesheets import TimeEntry
from outcomes.demo.writers.files import Output, write_csv
from outcomes.workspace.config import CONFIG_FILE

CONFIG: Final = """\
# Column mappings for the exports outcomes has no connector for (see `outcomes ingest`).
# Each [csv.NAME] says which files, which warehouse table, and which CSV header fills
# each column: warehouse column = "CSV header".

[csv.newsletter]
files = ["exports/newsletter/*.csv"]
table = "touchpoints"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.newsletter.columns]
journey_id = "Email"
ts = "Timestamp"
event = "Event"
channel = "Channel"
utm_source = "Source"
utm_medium = "Medium"
utm_campaign = "Campaign"
utm_content = "Issue"

[csv.costs]
files = ["exports/finance/costs-*.csv"]
table = "costs"
[csv.costs.columns]
date = "Date"
tactic = "Tactic"
kind = "Kind"
note = "Description"
amount = "Amount (EUR)"

[csv.timesheets]
files = ["exports/timesheets/*.csv"]
table = "costs"
date_order = "mdy"  # the time tracker writes US dates (03/06/2026 is 6 March)
[csv.timesheets.columns]
date = "Start Date"
tactic = "Project"
person = "User"
hours = "Duration (decimal)"
amount = "Cost Amount (EUR)"
note = "Description"
[csv.timesheets.values]
kind = "people"

[csv.deflections]
files = ["exports/helpdesk/deflections-*.csv"]
table = "conversions"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.deflections.columns]
key = "Deflection ID"
ts = "Resolved at"
type = "Outcome"
channel = "Channel"
campaign = "Campaign"
customer_id = "Customer ID"

[csv.helpdesk]
files = ["exports/helpdesk/helpdesk-monthly-*.csv"]
table = "metric_snapshots"
[csv.helpdesk.columns]
date = "Month"
channel = "Channel"
entity = "Group"
entity_kind = "Scope"
metric = "Metric"
value = "Value"

[csv.linkedin_inbox]
files = ["exports/social-inbox/*.csv"]
table = "activities"
timezone = "UTC"  # the tool writes its times in UTC, without a zone
[csv.linkedin_inbox.columns]
native_id = "Message ID"
channel = "Network"
account = "Profile"
kind = "Type"
author = "Author"
ts = "Date (UTC)"
text = "Message"
url = "Link"
in_reply_to = "In reply to"
campaign = "Campaign"
reactions = "Likes"
"""


def write_config(workspace: Path) -> Path:
    """`outcomes.toml` with the mappings above."""
    path = workspace / CONFIG_FILE
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write_support(output: Output, year: SupportYear) -> None:
    """The newsletter log, the deflections and the helpdesk's monthly report."""
    write_csv(
        output.path("csv", "newsletter/newsletter-activity-2026.csv"),
        ("Email", "Event", "Timestamp", "Campaign", "Issue", "Source", "Medium", "Channel"),
        (
            [email, event, _stamp(ts), "newsletter", issue, "newsletter", "email", "Email"]
            for email, event, ts, issue in year.newsletter
        ),
    )
    write_csv(
        output.path("csv", "helpdesk/deflections-2026.csv"),
        ("Deflection ID", "Resolved at", "Outcome", "Channel", "Campaign", "Customer ID"),
        (
            [
                f"DF-{m.YEAR}-{n:05d}",
                _stamp(d.ts),
                "Ticket deflected",
                d.channel,
                d.campaign,
                d.customer,
            ]
            for n, d in enumerate(year.deflections, start=1)
        ),
    )
    rows = []
    for month in year.monthly:
        number = int(month["month"])
        last = dt.date(m.YEAR, number, calendar.monthrange(m.YEAR, number)[1]).isoformat()
        for metric in ("tickets_created", "tickets_deflected", "support_cost"):
            rows.append([last, "helpdesk", "Support", "team", metric, f"{month[metric]:.2f}"])
    write_csv(
        output.path("csv", "helpdesk/helpdesk-monthly-2026.csv"),
        ("Month", "Channel", "Group", "Scope", "Metric", "Value"),
        rows,
    )


def write_timesheets(output: Output, entries: list[TimeEntry]) -> None:
    """The time tracker's detailed report, every line billed at the plan's hourly cost."""
    rows = []
    for e in entries:
        start = dt.datetime.combine(e.date, dt.time(8, 0))
        end = start + dt.timedelta(hours=e.hours)
        seconds = round(e.hours * 3600)
        duration = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        rows.append([
            e.tactic, "Northwind Freight Software", e.description, "", e.user,
            f"{e.person}@northwind.example", "", "No", start.strftime("%m/%d/%Y"),
            start.strftime("%I:%M:%S %p"), end.strftime("%m/%d/%Y"), end.strftime("%I:%M:%S %p"),
            duration, f"{e.hours:.2f}", f"{m.HOURLY_COST:.2f}", f"{e.hours * m.HOURLY_COST:.2f}",
        ])  # fmt: skip
    write_csv(
        output.path("csv", "timesheets/clockify-detailed-2026.csv"),
        (
            "Project",
            "Client",
            "Description",
            "Task",
            "User",
            "Email",
            "Tags",
            "Billable",
            "Start Date",
            "Start Time",
            "End Date",
            "End Time",
            "Duration (h)",
            "Duration (decimal)",
            "Cost Rate (EUR)",
            "Cost Amount (EUR)",
        ),
        rows,
    )


def write_costs(output: Output, costs: list[Cost]) -> None:
    """The finance sheet: the lines it books, so no spend is recorded twice."""
    write_csv(
        output.path("csv", "finance/costs-2026.csv"),
        ("Date", "Tactic", "Kind", "Description", "Amount (EUR)"),
        (
            [c.date.isoformat(), c.tactic, c.kind, c.description, f"{c.amount:.2f}"]
            for c in costs
            if c.ledger == FINANCE
        ),
    )
