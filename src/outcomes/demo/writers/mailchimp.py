"""`mailchimp/campaigns.csv`: Mailchimp's campaign report of the customer newsletter.

One row per monthly issue, newest first as the Reports page lists them. The counts are
those of the newsletter's activity log (`newsletter/newsletter-activity-2026.csv`, the
same email service's per-recipient events): recipients are the issue's sends, unique
opens and clicks its readers who opened and clicked. Every send was delivered and no one
left the list (the simulated readership is constant), so bounces and unsubscribes are 0.
Total opens and clicks add the repeat opens and clicks the log does not keep.

The Title is "newsletter": Mailchimp's link tracking takes utm_campaign from the title,
which is the newsletter tactic's utm_campaign in the plan, so the report's metrics are
found under the tactic.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

from outcomes.demo import model as m
from outcomes.demo.rng import stream
from outcomes.demo.support import SupportYear, issue_day
from outcomes.demo.writers.files import Output, write_csv

TITLE: Final = "newsletter"
HEADER: Final = (
    "Title", "Subject", "List", "Send Date", "Send Weekday", "Total Recipients",
    "Successful Deliveries", "Soft Bounces", "Hard Bounces", "Total Bounces",
    "Times Forwarded", "Forwarded Opens", "Unique Opens", "Open Rate", "Total Opens",
    "Unique Clicks", "Click Rate", "Total Clicks", "Unsubscribes", "Abuse Complaints",
    "Times Liked on Facebook", "Folder Id", "Unique Id",
)  # fmt: skip


def _sent(month: int) -> str:
    """The send time as Mailchimp writes it: "Mar 03, 2026 08:00 am"."""
    when = issue_day(month)
    return f"{when:%b %d, %Y %I:%M} {when:%p}".replace("AM", "am").replace("PM", "pm")


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.2f}%" if whole else "0.00%"


def write_mailchimp(output: Output, year: SupportYear, seed: int) -> None:
    """The campaign report, counted from the newsletter's events."""
    rng = stream(seed, "mailchimp")
    events = Counter((issue, event) for _, event, _, issue in year.newsletter)
    rows: list[list[Any]] = []
    for month in range(1, 13):
        issue = f"{m.YEAR}-{month:02d}"
        sent, opened, clicked = (events[issue, e] for e in ("Sent", "Opened", "Clicked"))
        when = issue_day(month)
        rows.append([
            TITLE, f"Northwind Answers, {when:%B}: three fixes from support",
            "Northwind customers", _sent(month), f"{when:%A}", sent, sent, 0, 0, 0,
            int(rng.poisson(2)), int(rng.poisson(3)), opened, _percent(opened, sent),
            opened + int(rng.poisson(opened * 0.6)), clicked, _percent(clicked, sent),
            clicked + int(rng.poisson(clicked * 0.35)), 0, 0, 0, "",
            f"{int(rng.integers(16**9, 16**10)):010x}",
        ])  # fmt: skip
    write_csv(output.path("mailchimp", "mailchimp/campaigns.csv"), HEADER, rows[::-1])
