"""Function coverage: the plan's goals, strategies and tactics per function, and activity."""

from __future__ import annotations

import datetime as dt

from outcomes.measure.functions import FUNCTIONS, function_coverage
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse


def test_functions_served_measured_and_not_served(plan: Plan, warehouse: Warehouse) -> None:
    w = warehouse
    # One reply from the X support account (x-support matches account northwindhelp).
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, kind, ts, ingest_id) "
        "VALUES ('a1', 'test', 'x', 'northwindhelp', 'reply', ?, 1)",
        [dt.datetime(2026, 3, 1, tzinfo=dt.UTC)],
    )
    coverage = {c.function: c for c in function_coverage(plan, w.table("activities"))}
    assert tuple(coverage) == FUNCTIONS and "executive" not in coverage
    service = coverage["service"]
    assert service.goals == ("cheaper-support",) and service.strategies == ("community-support",)
    assert "x-support" in service.tactics and service.activities == 1
    assert service.coverage == "served"
    sales = coverage["sales"]
    assert set(sales.goals) == {"new-logos", "bigger-orders"} and "li-rep-insights" in sales.tactics
    assert sales.coverage == "unmeasured"  # no sales activity in this warehouse yet
    assert {f for f, c in coverage.items() if c.coverage == "not_served"} == {
        "product",
        "talent",
        "employees",
    }
