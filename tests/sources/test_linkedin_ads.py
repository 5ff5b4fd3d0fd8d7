"""LinkedIn Campaign Manager reports: title rows, month-first dates, totals row, spend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from outcomes.sources.base import Notice, ReadOptions, Rejected, Row
from outcomes.sources.linkedin_ads import LinkedInAds
from outcomes.sources.registry import detect_source, get_source
from outcomes.sources.tabular import iter_rows
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = FIXTURES / "linkedin_ads" / "campaign_performance_report.csv"


def fetch(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in warehouse.duckdb.execute(sql).fetchall()]


def totals_row() -> dict[str, str]:
    rows = [cells for _, cells in iter_rows(REPORT)]
    header = next(r for r in rows if "Total Spent" in r)
    total = next(r for r in rows if r and r[0] == "Total")
    return dict(zip(header, total, strict=True))


def test_detected_below_its_title_rows_and_registered() -> None:
    found = detect_source(REPORT)
    assert found is not None and found.name == "linkedin-ads"
    assert isinstance(get_source("linkedin-ads"), LinkedInAds)


def test_page_exports_are_still_linkedin_not_ads() -> None:
    for path in sorted((FIXTURES / "linkedin").glob("*")):
        found = detect_source(path)
        assert found is not None and found.name == "linkedin", path


def test_loaded_totals_equal_the_totals_row(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, LinkedInAds(), REPORT)
    assert (result.rejected, dict(result.ignored)) == (0, {"the report's totals row": 1})
    total = totals_row()
    spent = fetch(warehouse, "SELECT round(sum(amount), 2), count(*) FROM costs")
    assert spent == [(float(total["Total Spent"].replace(",", "")), 6)]
    metrics = dict(
        fetch(warehouse, "SELECT metric, sum(value) FROM metric_snapshots GROUP BY metric")
    )
    for metric, header in [
        ("impressions", "Impressions"), ("clicks", "Clicks"),
        ("conversions", "Conversions"), ("leads", "Leads"),
    ]:  # fmt: skip
        assert metrics[metric] == float(total[header]), metric


def test_dates_are_month_first_and_notes_carry_the_currency() -> None:
    rows = [p for p in LinkedInAds().read(REPORT, ReadOptions()) if isinstance(p, Row)]
    first = rows[0].values
    assert (first["date"], first["tactic"], first["note"]) == (
        dt.date(2026, 3, 2),
        "NW - Ops leaders - Guides",
        "LinkedIn Ads campaign 196000101, EUR",
    )
    assert {r.values["currency"] for r in rows if r.table == "costs"} == {"EUR"}
    assert {r.values["channel"] for r in rows if r.table == "metric_snapshots"} == {"linkedin"}


def test_reexport_updates_and_adds_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    ingest_file(warehouse, LinkedInAds(), REPORT)
    again = tmp_path / "again.csv"
    text = REPORT.read_text(encoding="utf-8").replace(
        "Date Generated: 3/5/2026", "Date Generated: 3/6/2026"
    )
    again.write_text(text.replace(",118.40,2050,12,", ",119.40,2050,13,"), encoding="utf-8")
    result = ingest_file(warehouse, LinkedInAds(), again)
    assert (result.loaded, result.updated) == (0, 2)
    assert fetch(warehouse, "SELECT round(sum(amount), 2) FROM costs") == [(1569.0,)]


def test_a_row_without_a_date_or_with_a_bad_amount_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Start Date (in UTC),Campaign Name,Campaign ID,Currency,Total Spent,Clicks\n"
        "3/2/2026,A,1,EUR,twelve,3\n"
        ",A,1,EUR,5.00,1\n",
        encoding="utf-8",
    )
    items = list(LinkedInAds().read(bad, ReadOptions()))
    assert [(r.line, r.column) for r in items if isinstance(r, Rejected)] == [
        (2, "Total Spent"),
        (3, "Start Date (in UTC)"),
    ]


def test_spend_in_another_currency_than_the_plans_is_said_as_it_loads(
    warehouse: Warehouse,
) -> None:
    spent = float(totals_row()["Total Spent"].replace(",", ""))
    in_pounds = ingest_file(warehouse, LinkedInAds(), REPORT, ReadOptions(currency="gbp"))
    assert in_pounds.notices == (
        f"spend in EUR ({spent:,.2f} over 6 lines), not the plan's GBP (organisation.currency): "
        "outcomes does not convert currencies, so ROI and resources leave it out. Export the "
        "ad account's report in GBP, or convert the amounts before loading; then forget this "
        "file and load the new one",
    )
    # In the plan's own currency, or with no plan to compare with, nothing is said.
    for options in (ReadOptions(currency="EUR"), ReadOptions()):
        parsed = list(LinkedInAds().read(REPORT, options))
        assert not [p for p in parsed if isinstance(p, Notice)], options


def test_a_report_cut_short_rejects_its_last_row_not_ignores_it_as_the_totals(
    tmp_path: Path,
) -> None:
    """A download that stopped early in a row whose date is blank leaves it with no
    campaign and no date, as a totals row without "Total" has; before, it was ignored as
    the totals row and the load exited 0."""
    lines = REPORT.read_text(encoding="utf-8").rstrip("\n").split("\n")
    body = [line for line in lines if not line.startswith("Total")]
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join([*body[:-1], ",Northwind Fr"]), encoding="utf-8")
    items = list(LinkedInAds().read(cut, ReadOptions()))
    rejected = [r for r in items if isinstance(r, Rejected)]
    assert [r.line for r in rejected] == [len(body)]
    assert "cut short" in rejected[0].reason
