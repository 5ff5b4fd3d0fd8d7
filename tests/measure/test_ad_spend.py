"""Ad platforms' spend reaches the tactic that runs the campaign, and its ROI uses it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.examples import example_path
from outcomes.measure.costs import (
    Period,
    attributed,
    measured_costs,
    planned_vs_spent,
    tactic_costs,
)
from outcomes.measure.roi import roi
from outcomes.plan import Plan, load_plan
from outcomes.sources.meta_ads import MetaAds
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures"
META_REPORT = FIXTURES / "meta_ads" / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
RETARGETING_SPEND = 102.00 + 98.75 + 110.25  # the retargeting campaign's three days
PLAN_MATCH = "match: {utm_campaign: fb-retarget, utm_source: facebook}"


def plan_claiming(tmp_path: Path, campaigns: str) -> Plan:
    """Northwind's plan with fb-retarget's `utm_campaign` listing `campaigns`."""
    text = example_path("northwind").read_text(encoding="utf-8")
    assert PLAN_MATCH in text
    changed = text.replace(
        PLAN_MATCH, f"match: {{utm_campaign: {campaigns}, utm_source: facebook}}"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(changed, encoding="utf-8")
    return load_plan(path).plan


def test_campaign_spend_is_attributed_by_the_plans_campaign_names(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    ingest_file(warehouse, MetaAds(), META_REPORT)
    plan = plan_claiming(tmp_path, "[fb-retarget, '  nw | retargeting | pricing visitors ']")
    costs = warehouse.table("costs")
    mapped = attributed(plan, costs)
    counted = mapped.group_by("tactic").aggregate(n=mapped.count()).to_pyarrow().to_pylist()
    assert {r["tactic"]: r["n"] for r in counted} == {
        "fb-retarget": 3,
        "NW | Brand video | Q1": 3,  # no tactic names it: it stays as exported, unclaimed
    }
    spent = tactic_costs(plan, YEAR, costs)["fb-retarget"]
    assert spent.money == pytest.approx(RETARGETING_SPEND)
    assert "money" in spent.recorded
    resources = {r.tactic: r for r in planned_vs_spent(plan, costs, dt.date(2026, 12, 31))}
    assert resources["fb-retarget"].spent_money == pytest.approx(RETARGETING_SPEND)


def test_a_tactic_id_written_as_tactic_is_kept(warehouse: Warehouse, plan: Plan) -> None:
    warehouse.duckdb.execute(
        "INSERT INTO costs (key, source, tactic, date, amount, kind, ingest_id) VALUES "
        "('k1', 'test', 'fb-retarget', DATE '2026-03-03', 250, 'ads', 1)"
    )
    assert tactic_costs(plan, YEAR, warehouse.table("costs"))["fb-retarget"].money == 250.0


def test_paid_tactic_roi_uses_the_recorded_ad_spend(warehouse: Warehouse, tmp_path: Path) -> None:
    con = warehouse.duckdb
    con.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, utm_source, utm_campaign,"
        " ingest_id) VALUES ('t1', 'ga4', 'j1', TIMESTAMPTZ '2026-03-03 10:00+00', 'facebook',"
        " 'facebook', 'fb-retarget', 1)"
    )
    con.execute(
        "INSERT INTO conversions (key, source, journey_id, ts, type, value, ingest_id) VALUES "
        "('c1', 'ga4', 'j1', TIMESTAMPTZ '2026-03-04 10:00+00', 'order', 1000.0, 1)"
    )
    # The data covers the year (costs are pro-rated to the days it covers).
    con.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, ingest_id) VALUES "
        "('t2', 'ga4', 'j2', TIMESTAMPTZ '2026-12-31 10:00+00', 'google', 1)"
    )
    ingest_file(warehouse, MetaAds(), META_REPORT)
    tables = (warehouse.table("touchpoints"), warehouse.table("conversions"))
    claimed = plan_claiming(tmp_path, "[fb-retarget, 'NW | Retargeting | Pricing visitors']")
    fb = roi(claimed, *tables, warehouse.table("costs"), period=YEAR, models=("last_touch",),
             bootstrap=0).row("tactic", "fb-retarget", "last_touch")  # fmt: skip
    assert fb.money == pytest.approx(RETARGETING_SPEND)
    assert fb.roas == pytest.approx(1000.0 / RETARGETING_SPEND)
    assert fb.roi is not None and fb.roi.value == pytest.approx((1000.0 - fb.cost) / fb.cost)
    # Without the campaign named in the plan, the spend is nobody's: the plan's budget stands.
    unclaimed = plan_claiming(tmp_path, "fb-retarget")
    estimate = roi(unclaimed, *tables, warehouse.table("costs"), period=YEAR,
                   models=("last_touch",), bootstrap=0).row("tactic", "fb-retarget", "last_touch")  # fmt: skip
    assert estimate.money == pytest.approx(24_000.0)


def test_spend_no_tactic_claims_is_listed_not_dropped(warehouse: Warehouse, tmp_path: Path) -> None:
    # No tactic names the brand video campaign: its EUR 92.90 was spent all the same.
    ingest_file(warehouse, MetaAds(), META_REPORT)
    plan = plan_claiming(tmp_path, "[fb-retarget, 'NW | Retargeting | Pricing visitors']")
    measured = measured_costs(plan, YEAR, warehouse.table("costs"))
    assert measured.tactics["fb-retarget"].money == pytest.approx(RETARGETING_SPEND)
    [video] = measured.unclaimed
    assert (video.tactic, video.part, video.currency, video.lines) == (
        "NW | Brand video | Q1", "money", "EUR", 3
    )  # fmt: skip
    assert video.amount == pytest.approx(45.10 + 47.80)
    assert "is claimed by no tactic, so no tactic's cost counts it" in video.message
    report = roi(plan, warehouse.table("touchpoints"), warehouse.table("conversions"),
                 warehouse.table("costs"), period=YEAR, models=("last_touch",), bootstrap=0)  # fmt: skip
    [listed] = report.to_json()["unclaimed_spend"]
    assert (listed["tactic"], listed["amount"]) == ("NW | Brand video | Q1", pytest.approx(92.9))
