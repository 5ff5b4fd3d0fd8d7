"""ROI on a demo workspace, measured as the Makefile's demo measures it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outcomes.measure.roi import roi
from outcomes.measure.roi_report import RoiReport
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse


def demo_roi(
    directory: Path, plan: Plan | None = None, *, snapshots: bool = False, **options: Any
) -> RoiReport:
    """`roi` on the workspace's warehouse (its own plan unless `plan` is given), from the web
    analytics' sessions over the whole history; `snapshots`: with the help-desk snapshots
    support returns are priced from; `options` are `roi`'s, over those defaults."""
    chosen = plan or load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as warehouse:
        kept = {"snapshots": warehouse.table("metric_snapshots")} if snapshots else {}
        tables = (warehouse.table(name) for name in ("touchpoints", "conversions", "costs"))
        return roi(
            chosen, *tables, **{"sources": ("ga4",), "lookback_days": None, **kept, **options}
        )
