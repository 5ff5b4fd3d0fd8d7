"""Meta Ads Manager campaign reports: spend into costs, delivery into metric snapshots."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from outcomes.sources.base import Ignored, ReadOptions, Rejected, Row
from outcomes.sources.meta_ads import MetaAds
from outcomes.sources.registry import detect_source, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

REPORT = (
    Path(__file__).parent
    / "fixtures"
    / "meta_ads"
    / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
)
RETARGETING = "NW | Retargeting | Pricing visitors"


def parsed(path: Path) -> list[Row | Rejected | Ignored]:
    return list(MetaAds().read(path, ReadOptions()))


def fetch(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in warehouse.duckdb.execute(sql).fetchall()]


def summary_row() -> dict[str, str]:
    """The report's own totals, from the summary row Ads Manager writes first."""
    rows = list(csv.DictReader(io.StringIO(REPORT.read_text(encoding="utf-8"))))
    return next(r for r in rows if not r["Campaign name"])


def test_detected_by_its_header_and_registered() -> None:
    found = detect_source(REPORT)
    assert found is not None and found.name == "meta-ads"
    assert isinstance(get_source("meta-ads"), MetaAds)


def test_loaded_totals_equal_the_summary_row(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, MetaAds(), REPORT)
    assert (result.read, result.rejected, dict(result.ignored)) == (
        34, 0, {"the report's summary row": 1},
    )  # fmt: skip
    total = summary_row()
    spent = fetch(warehouse, "SELECT round(sum(amount), 2), count(*) FROM costs")
    assert spent == [(float(total["Amount spent (EUR)"]), 6)]
    metrics = dict(
        fetch(warehouse, "SELECT metric, sum(value) FROM metric_snapshots GROUP BY metric")
    )
    assert metrics["impressions"] == float(total["Impressions"])
    assert metrics["clicks"] == float(total["Link clicks"])
    assert metrics["clicks_all"] == float(total["Clicks (all)"])
    assert metrics["results"] == float(total["Results"])  # empty cells are no results


def test_cost_lines_name_campaign_platform_and_currency() -> None:
    costs = [p.values for p in parsed(REPORT) if isinstance(p, Row) and p.table == "costs"]
    assert costs[0] == {
        "key": "meta-ads|120210000000000101|2026-03-02|spend",
        "source": "meta-ads",
        "tactic": RETARGETING,
        "date": dt.date(2026, 3, 2),
        "amount": 102.0,
        "kind": "ads",
        "note": "Meta Ads campaign 120210000000000101, EUR",
        "currency": "EUR",  # the spend header's
        "breakdown": "",  # one row per campaign and day
    }
    # a day without spend is still a recorded day: zero, not missing
    assert costs[-1]["amount"] == 0.0 and costs[-1]["date"] == dt.date(2026, 3, 4)


def test_reexport_updates_the_days_it_states(warehouse: Warehouse, tmp_path: Path) -> None:
    ingest_file(warehouse, MetaAds(), REPORT)
    corrected = tmp_path / "corrected.csv"
    text = REPORT.read_text(encoding="utf-8").replace(",102.00,8400,", ",104.50,8400,")
    corrected.write_text(text, encoding="utf-8")
    result = ingest_file(warehouse, MetaAds(), corrected)
    assert (result.loaded, result.updated) == (0, 1)
    assert fetch(warehouse, "SELECT round(sum(amount), 2), count(*) FROM costs") == [(406.4, 6)]


def test_a_row_covering_several_days_is_rejected_not_misdated(tmp_path: Path) -> None:
    monthly = tmp_path / "monthly.csv"
    monthly.write_text(
        "Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions\n"
        "2026-03-01,2026-03-31,Spring push,1200.00,50000\n"
        "2026-03-05,2026-03-05,Spring push,40.00,1800\n",
        encoding="utf-8",
    )
    items = parsed(monthly)
    rejected = [(r.line, r.column) for r in items if isinstance(r, Rejected)]
    assert rejected == [(2, "Reporting starts")]
    rows = [r.values for r in items if isinstance(r, Row)]
    assert rows[0]["note"] == "Meta Ads campaign 'Spring push', USD"  # currency from the header
    assert rows[0]["currency"] == "USD"
    assert rows[0]["key"] == "meta-ads|Spring push|2026-03-05|spend"


def test_bad_cells_are_rejected_with_their_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Campaign name,Day,Amount spent (EUR),Link clicks\n"
        "A,2026-03-02,abc,3\n"
        "A,2026-03-03,5.00,-2\n"
        ",2026-03-04,5.00,1\n",
        encoding="utf-8",
    )
    items = parsed(bad)
    assert [(r.line, r.column) for r in items if isinstance(r, Rejected)] == [
        (2, "Amount spent (EUR)"),
        (3, "Link clicks"),
        (4, "Campaign name"),
    ]
    assert not [r for r in items if isinstance(r, Row)]


def test_absent_columns_write_nothing(tmp_path: Path) -> None:
    lean = tmp_path / "lean.csv"
    lean.write_text("Campaign name,Day,Amount spent (EUR)\nA,2026-03-02,5.00\n", encoding="utf-8")
    assert [r.table for r in parsed(lean) if isinstance(r, Row)] == ["costs"]


def test_a_currency_column_states_each_rows_currency(tmp_path: Path, warehouse: Warehouse) -> None:
    report = tmp_path / "by-currency.csv"
    report.write_text(
        "Campaign name,Day,Currency,Amount spent\n"
        "A,2026-03-02,usd,5.00\n"
        "A,2026-03-03,,6.00\n",  # a plain `Amount spent` header names none: nothing stated
        encoding="utf-8",
    )
    ingest_file(warehouse, MetaAds(), report)
    stored = fetch(warehouse, "SELECT date, amount, currency FROM costs ORDER BY date")
    assert stored == [(dt.date(2026, 3, 2), 5.0, "USD"), (dt.date(2026, 3, 3), 6.0, None)]


def test_a_report_cut_short_rejects_its_last_row_not_ignores_it_as_the_summary(
    tmp_path: Path,
) -> None:
    """A download that stopped inside a row leaves it with neither campaign nor day, as the
    summary row has none; before, it was "ignored: the report's summary row", its spend lost
    without a rejection and the load exited 0."""
    whole = REPORT.read_text(encoding="utf-8")
    cut = tmp_path / "cut.csv"
    last = whole.rstrip("\n").rsplit("\n", 1)[1]
    cut.write_text(whole.rstrip("\n")[: -len(last)] + last.split(",")[0] + ",2026-0", "utf-8")
    items = parsed(cut)
    summaries = [r.line for r in items if isinstance(r, Ignored)]
    rejected = [r for r in items if isinstance(r, Rejected)]
    assert len(summaries) == 1  # the report's own summary row, first
    assert [r.line for r in rejected] == [whole.rstrip("\n").count("\n") + 1]
    assert "cut short" in rejected[0].reason
