"""The ad platforms' campaign reports, as their export buttons write them.

* `meta-ads/Northwind-Campaigns-Mar-1-2026-Sep-30-2026.csv`: Ads Manager's campaigns
  table broken down By time › Day, with the summary row Ads Manager puts first.
* `linkedin-ads/campaign_performance_report.csv`: Campaign Manager's campaign performance
  report, daily, below its title rows, with month-first dates and a totals row.

The spend in them is the cost lines these platforms book (see :mod:`outcomes.demo.costs`);
the finance sheet leaves those lines out, so every euro is recorded once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from outcomes.demo import model as m
from outcomes.demo.ads import AdDay, AdReport
from outcomes.demo.costs import LINKEDIN_ADS, META_ADS
from outcomes.demo.writers.files import Output, write_csv

META_HEADER: Final = (
    "Reporting starts", "Reporting ends", "Campaign name", "Campaign ID", "Day",
    "Campaign delivery", "Result indicator", "Results", "Cost per result",
    f"Amount spent ({m.CURRENCY})", "Impressions", "Reach", "Link clicks", "Clicks (all)",
    f"CPM (cost per 1,000 impressions) ({m.CURRENCY})",
)  # fmt: skip
LINKEDIN_HEADER: Final = (
    "Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name",
    "Campaign ID", "Campaign Type", "Currency", "Total Spent", "Impressions", "Clicks",
    "Conversions", "Leads", "Reach",
)  # fmt: skip
LINKEDIN_ACCOUNT: Final = "508123456"


def _ratio(numerator: float, denominator: float, digits: int) -> str:
    """A rate as Ads Manager writes it; empty where it is undefined (nothing to divide by)."""
    return f"{numerator / denominator:.{digits}f}" if denominator else ""


def _meta_row(report: AdReport, period: tuple[str, str], day: AdDay) -> list[Any]:
    return [
        *period, report.campaign, report.campaign_id, day.day.isoformat(), "completed",
        "actions:landing_page_view", day.results, _ratio(day.spend, day.results, 6),
        f"{day.spend:.2f}", day.impressions, day.reach, day.clicks, day.clicks_all,
        _ratio(day.spend * 1000, day.impressions, 3),
    ]  # fmt: skip


def write_meta_ads(output: Output, report: AdReport) -> None:
    """fb-retarget's daily Ads Manager report, summary row first."""
    first, last = report.days[0].day, report.days[-1].day
    period = (first.isoformat(), last.isoformat())
    spend = round(sum(d.spend for d in report.days), 2)
    impressions = sum(d.impressions for d in report.days)
    results = sum(d.results for d in report.days)
    summary = [
        *period, "", "", "", "", "", results, _ratio(spend, results, 6), f"{spend:.2f}",
        impressions, report.reach, sum(d.clicks for d in report.days),
        sum(d.clicks_all for d in report.days), _ratio(spend * 1000, impressions, 3),
    ]  # fmt: skip
    name = f"Northwind-Campaigns-{_us(first)}-{_us(last)}.csv"
    write_csv(
        output.path(META_ADS, f"meta-ads/{name}"),
        META_HEADER,
        [summary, *(_meta_row(report, period, d) for d in report.days)],
    )


def _us(day: dt.date) -> str:
    """A date as Ads Manager's file names write it: Mar-1-2026."""
    return f"{day:%b}-{day.day}-{day.year}"


def _mdy(day: dt.date) -> str:
    """A date as Campaign Manager writes it: month first, no leading zeros (3/1/2026)."""
    return f"{day.month}/{day.day}/{day.year}"


def write_linkedin_ads(output: Output, report: AdReport) -> None:
    """The trade show's daily Campaign Manager report, title rows above, totals row below."""
    first, last = report.days[0].day, report.days[-1].day
    exported = m.EXPORTED
    preamble = [
        ["Campaign Performance Report (in UTC)"],
        [f"Report Start: {_mdy(first)}"],
        [f"Report End: {_mdy(last)}"],
        [f"Date Generated: {_mdy(exported)}, {exported.hour % 12 or 12}:{exported:%M %p}"],
        [f"Account: {m.ORGANISATION} ({LINKEDIN_ACCOUNT})"],
        [],
    ]
    rows = [
        [
            _mdy(d.day), m.ORGANISATION, "LogiFair 2026", report.campaign, report.campaign_id,
            "Sponsored Content", m.CURRENCY, f"{d.spend:.2f}", d.impressions, d.clicks,
            d.results, 0, d.reach,
        ]
        for d in report.days
    ]  # fmt: skip
    spend = round(sum(d.spend for d in report.days), 2)
    total = [
        "Total", "", "", "", "", "", m.CURRENCY, f"{spend:,.2f}",
        sum(d.impressions for d in report.days), sum(d.clicks for d in report.days),
        sum(d.results for d in report.days), 0, report.reach,
    ]  # fmt: skip
    write_csv(
        output.path(LINKEDIN_ADS, "linkedin-ads/campaign_performance_report.csv"),
        LINKEDIN_HEADER,
        rows,
        preamble=preamble,
        footer=[total],
    )
