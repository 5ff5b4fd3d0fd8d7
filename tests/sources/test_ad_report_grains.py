"""A campaign's day is stored at one grain: reports broken down otherwise are refused.

Meta Ads and LinkedIn Ads reports of the same campaigns and overlapping days, one with a
row per campaign and day and one broken down (by ad, by platform, by creative), built
from the fixtures in the formats the tools export and loaded through the real connectors
into a real warehouse, in both orders: each day's spend is stored once, at the grain loaded
first, and the rows of the other grain are rejected, saying why and what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from outcomes.sources import get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.forget import forget
from outcomes.warehouse.load import IngestResult, ingest_file
from tests.sources.corpus_workbook import xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures"
META_ADS = FIXTURES / "meta_ads" / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
LINKEDIN_ADS = FIXTURES / "linkedin_ads" / "campaign_performance_report.csv"
RETARGETING = "NW | Retargeting | Pricing visitors"

META_FIGURES = (
    "Results", "Amount spent (EUR)", "Impressions", "Reach", "Link clicks", "Clicks (all)",
)  # fmt: skip
LINKEDIN_FIGURES = ("Total Spent", "Impressions", "Clicks", "Conversions", "Leads", "Reach")
BY_AD = {"Ad set name": ("NW | Prospecting set", "NW | Prospecting set"), "Ad name": ("A", "B")}
BY_PLATFORM = {"Platform": ("facebook", "instagram")}
BY_CREATIVE = {"Creative ID": ("7001", "7002"), "Creative Name": ("Guide", "Checklist")}

# The days of a second report: two the fixture has (overlapping the first report) and a
# new one, with the figures of the fixture's last day.
META_DAYS = {"2026-03-03": ["2026-03-03"], "2026-03-04": ["2026-03-04", "2026-03-05"]}
LINKEDIN_DAYS = {"3/3/2026": ["3/3/2026"], "3/4/2026": ["3/4/2026", "3/5/2026"]}

# Each day's spend and impressions once: the fixture's Mar 2–4, and Mar 5 as its Mar 4.
META_SPEND = {RETARGETING: 102.00 + 98.75 + 110.25 + 110.25, "NW | Brand video | Q1": 92.90}
META_IMPRESSIONS = 56680 + 9010
LINKEDIN_SPEND = 1568.00 + 398.50 + 125.10
AD_ROWS = 6 * 6 + 6 * 5
"""The fixture by ad: 12 rows, each a cost and 5 counts (4 where Results is empty)."""


def table(text: str) -> tuple[list[str], list[list[str]], list[dict[str, str]]]:
    """A report's title lines, header and data rows (its summary or totals row left out)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Campaign" in line and "," in line)
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))
    header = next(csv.reader([lines[start]]))
    titles = [next(csv.reader([line]), []) for line in lines[:start]]
    return header, titles, [r for r in rows if r.get("Campaign name") or r.get("Campaign Name")]


def split(value: str, share: int) -> str:
    """`share` fifths of a figure as the report writes it (same decimals); "" stays ""."""
    if not value:
        return value
    exact = Decimal(value)
    return str((exact * share / 5).quantize(exact))


def broken_down(
    rows: list[dict[str, str]], by: dict[str, tuple[str, str]], figures: Sequence[str]
) -> list[dict[str, str]]:
    """Each campaign-day row as two rows of the breakdown `by`, its figures split 3:2."""
    out = []
    for row in rows:
        first = {**row, **{c: cells[0] for c, cells in by.items()}}
        first.update({f: split(row[f], 3) for f in figures if f in row})
        second = {**row, **{c: cells[1] for c, cells in by.items()}}
        second.update({f: str(Decimal(row[f]) - Decimal(first[f])) for f in figures if row[f]})
        out += [first, second]
    return out


def redated(
    rows: list[dict[str, str]], column: str, days: dict[str, list[str]]
) -> list[dict[str, str]]:
    """The rows of `days`' keys, each written on every day it lists."""
    return [{**row, column: day} for row in rows for day in days.get(row[column], [])]


def write(
    path: Path, header: list[str], rows: list[dict[str, str]], titles: list[list[str]]
) -> Path:
    """The report as the tool exports it: a CSV, or a workbook with numbers and dates."""
    records = [[row.get(c, "") for c in header] for row in rows]
    if path.suffix == ".xlsx":
        typed = [[_typed(c, cell) for c, cell in zip(header, r, strict=True)] for r in records]
        path.write_bytes(xlsx_bytes({"Raw Data Report": [header, *typed]}))
        return path
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*titles, header, *records])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _typed(column: str, text: str) -> object:
    """A workbook's cell: figures as numbers, days as dates, the rest (ids too) as text."""
    if not text:
        return None
    if column in META_FIGURES:
        return float(text) if "." in text else int(text)
    if column in ("Day", "Reporting starts", "Reporting ends"):
        return dt.date.fromisoformat(text)
    return text


def meta_report(
    path: Path,
    by: dict[str, tuple[str, str]] | None = None,
    *,
    ids: bool = True,
    days: dict[str, list[str]] | None = None,
) -> Path:
    """The fixture's Meta Ads report, broken down `by` ad or platform, with or without
    `Campaign ID`, on `days` (all of its own when None)."""
    header, _, rows = table(META_ADS.read_text(encoding="utf-8"))
    header = [c for c in header if ids or c != "Campaign ID"]
    if by:
        at = header.index("Campaign name") + 1
        header[at:at] = list(by)
        rows = broken_down(rows, by, META_FIGURES)
    if days is not None:
        rows = redated(rows, "Day", days)
    return write(path, header, rows, [])


def linkedin_report(path: Path, *, by_creative: bool, days: dict[str, list[str]] | None) -> Path:
    """The fixture's LinkedIn Ads report, by campaign or by creative, on `days`."""
    header, titles, rows = table(LINKEDIN_ADS.read_text(encoding="utf-8"))
    if by_creative:
        at = header.index("Campaign ID") + 1
        header[at:at] = list(BY_CREATIVE)
        rows = broken_down(rows, BY_CREATIVE, LINKEDIN_FIGURES)
    if days is not None:
        rows = redated(rows, "Start Date (in UTC)", days)
    return write(path, header, rows, titles)


def spend_by_tactic(warehouse: Warehouse) -> dict[str, float]:
    rows = warehouse.duckdb.execute(
        "SELECT tactic, round(sum(amount), 2) FROM costs WHERE kind = 'ads' GROUP BY tactic"
    ).fetchall()
    return {str(tactic): float(total) for tactic, total in rows}


def metric_total(warehouse: Warehouse, metric: str) -> float:
    [(total,)] = warehouse.duckdb.execute(
        "SELECT sum(value) FROM metric_snapshots WHERE metric = ?", [metric]
    ).fetchall()
    return float(total)


def stored_rejections(warehouse: Warehouse, result: IngestResult) -> list[str]:
    rows = warehouse.duckdb.execute(
        "SELECT reason FROM rejected WHERE ingest_id = ? ORDER BY line", [result.ingest_id]
    ).fetchall()
    return [str(reason) for (reason,) in rows]


def load(warehouse: Warehouse, name: str, *paths: Path) -> list[IngestResult]:
    return [ingest_file(warehouse, get_source(name), path) for path in paths]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("ids", [True, False], ids=["with ids", "without ids"])
@pytest.mark.parametrize("campaign_first", [True, False], ids=["campaign first", "ad first"])
def test_meta_ads_by_campaign_and_by_ad_store_each_day_once(
    warehouse: Warehouse, tmp_path: Path, suffix: str, ids: bool, campaign_first: bool
) -> None:
    by_campaign = meta_report(tmp_path / f"campaigns{suffix}", ids=ids)
    by_ad = meta_report(tmp_path / f"ads{suffix}", BY_AD, ids=ids, days=META_DAYS)
    first, second = (by_campaign, by_ad) if campaign_first else (by_ad, by_campaign)

    stored, result = load(warehouse, "meta-ads", first, second)

    assert stored.rejected == 0 and stored.loaded > 0
    # The days both reports have: 2 campaigns × 2 days, as 2 ads each in the ad report.
    assert result.rejected == (8 if campaign_first else 4) and result.balanced
    assert result.loaded > 0  # the day only the second report has
    assert spend_by_tactic(warehouse) == pytest.approx(META_SPEND)
    assert metric_total(warehouse, "impressions") == META_IMPRESSIONS
    reasons = stored_rejections(warehouse, result)
    assert len(reasons) == result.rejected
    ads = "broken down by Ad set name, Ad name"
    stored_as, mine = (
        ("stored as one row per campaign and day", f"report is {ads}")
        if campaign_first
        else (f"stored {ads}", "report has one row per campaign and day")
    )
    assert reasons[0].startswith(f"campaign '{RETARGETING}' on 2026-03-03 is {stored_as} ")
    assert f"(by {first})" in reasons[0] and f"this row's {mine}" in reasons[0]
    assert f"`outcomes forget {first}`" in reasons[0]
    assert all("count its spend and counts twice" in reason for reason in reasons)


def test_meta_ads_by_platform_then_by_ad_or_by_campaign_are_refused(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Two breakdowns of one campaign-day double as a total and its breakdown do; a row of
    the platform report whose Platform cell is empty is still of that report's grain."""
    by_platform = meta_report(tmp_path / "platforms.csv", BY_PLATFORM)
    text = by_platform.read_text(encoding="utf-8")
    by_platform.write_text(text.replace(",instagram,", ",,", 1), encoding="utf-8")
    by_ad = meta_report(tmp_path / "ads.csv", BY_AD)
    by_campaign = meta_report(tmp_path / "campaigns.csv")

    stored, *refused = load(warehouse, "meta-ads", by_platform, by_ad, by_campaign)

    assert (stored.loaded > 0, stored.rejected) == (True, 0)
    assert [(r.loaded, r.updated, r.rejected, r.balanced) for r in refused] == [
        (0, 0, 12, True),
        (0, 0, 6, True),  # its first day's instagram row was stored with no platform
    ]
    assert round(sum(spend_by_tactic(warehouse).values()), 2) == 403.90  # the summary row
    ad_reason, campaign_reason = (stored_rejections(warehouse, r)[0] for r in refused)
    assert "is stored broken down by Platform" in ad_reason
    assert "this row's report is broken down by Ad set name, Ad name" in ad_reason
    assert "export this report broken down by Platform, as the one loaded before" in ad_reason
    assert "this row's report has one row per campaign and day" in campaign_reason


def test_a_report_at_the_grain_stored_updates_its_rows(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    by_ad = meta_report(tmp_path / "ads.csv", BY_AD)
    corrected = tmp_path / "ads-corrected.csv"
    corrected.write_text(
        by_ad.read_text(encoding="utf-8").replace(",61.20,", ",65.20,", 1), encoding="utf-8"
    )

    stored, result = load(warehouse, "meta-ads", by_ad, corrected)

    assert (stored.loaded, stored.rejected) == (AD_ROWS, 0)
    assert (result.loaded, result.updated, result.rejected) == (0, 1, 0)
    assert round(sum(spend_by_tactic(warehouse).values()), 2) == 403.90 + 4


def test_forgetting_the_first_report_lets_the_other_grain_load(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The refusal's advice works: forget the report loaded before, and the refused one
    (which stored nothing), then load the refused one again."""
    by_campaign = meta_report(tmp_path / "campaigns.csv")
    by_ad = meta_report(tmp_path / "ads.csv", BY_AD)
    [refused] = load(warehouse, "meta-ads", by_campaign, by_ad)[1:]
    assert (refused.loaded, refused.rejected) == (0, 12)

    forget(warehouse, str(by_campaign))
    forget(warehouse, str(by_ad))
    [result] = load(warehouse, "meta-ads", by_ad)

    assert (result.loaded, result.rejected) == (AD_ROWS, 0)
    assert round(sum(spend_by_tactic(warehouse).values()), 2) == 403.90
    breakdowns = warehouse.duckdb.execute("SELECT DISTINCT breakdown FROM costs").fetchall()
    assert breakdowns == [("Ad set name, Ad name",)]


@pytest.mark.parametrize("campaign_first", [True, False], ids=["campaign first", "creative first"])
def test_linkedin_ads_by_campaign_and_by_creative_store_each_day_once(
    warehouse: Warehouse, tmp_path: Path, campaign_first: bool
) -> None:
    by_campaign = linkedin_report(tmp_path / "campaigns.csv", by_creative=False, days=None)
    by_creative = linkedin_report(tmp_path / "creatives.csv", by_creative=True, days=LINKEDIN_DAYS)
    first, second = (by_campaign, by_creative) if campaign_first else (by_creative, by_campaign)

    stored, result = load(warehouse, "linkedin-ads", first, second)

    assert stored.rejected == 0
    assert result.rejected == (8 if campaign_first else 4) and result.balanced
    assert round(sum(spend_by_tactic(warehouse).values()), 2) == round(LINKEDIN_SPEND, 2)
    reason = stored_rejections(warehouse, result)[0]
    assert reason.startswith("campaign 'NW - Ops leaders - Guides' on 2026-03-03 is stored ")
    if campaign_first:
        assert "this row's report is broken down by Creative ID" in reason
    else:
        assert "is stored broken down by Creative ID" in reason
