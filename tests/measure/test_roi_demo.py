"""On the demo company, ROI recovers the planted per-tactic effects within stated tolerance.

Attribution shares out observed outcomes; it does not run the counterfactual the
simulator ran, so it cannot match the truth exactly. The stated tolerance, for the
data-driven models (Markov, Shapley), with no lookback window because deals close weeks
after the lead that started them:

* every tactic that brings revenue is credited between half and twice its planted
  incremental revenue, and all of them together within 25% of their planted total;
* their new customers together within 40% of the planted total;
* the likes-only tactic (fb-retarget) is credited nothing and its ROI is −1 under every
  model, while the revenue tactics earn more than they cost.

Measured on seed 7, scale 1 (20,000 journeys): Markov credits li-rep-insights 0.53×,
li-company-guides 1.07× and trade-show 0.68× of their planted revenue, 0.79× together;
Shapley 0.59×, 0.91×, 0.71× and 0.76×. (Untracked touches keep their channel only where a
tactic brings an audience, which on the demo leaves them one state: with one state per
raw channel Markov fell to 0.35×, 0.70×, 0.45×.) The heuristics credit these tactics less (last
touch 0.62× together, linear 0.54×), which is why the data-driven models are the default
for ROI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outcomes.measure.roi import RoiReport, roi
from outcomes.plan import load_plan
from outcomes.warehouse.connection import Warehouse

REVENUE_TACTICS = ("li-rep-insights", "li-company-guides", "trade-show")
DATA_DRIVEN = ("markov", "shapley")
MODELS = (*DATA_DRIVEN, "last_touch", "linear", "position_based")


@pytest.fixture(scope="module")
def demo(full_demo: Path) -> tuple[RoiReport, dict[str, Any]]:
    directory = full_demo  # seed 7, the demo's default
    plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        report = roi(
            plan,
            w.table("touchpoints"),
            w.table("conversions"),
            w.table("costs"),
            models=MODELS,
            sources=("ga4",),
            lookback_days=None,
            bootstrap=100,
        )
    truth = json.loads((directory / "truth.json").read_text())
    return report, truth


@pytest.mark.parametrize("model", DATA_DRIVEN)
def test_revenue_tactics_are_recovered_within_tolerance(
    demo: tuple[RoiReport, dict[str, Any]], model: str
) -> None:
    report, truth = demo
    planted = {t: truth["tactics"][t]["incremental_revenue"] for t in REVENUE_TACTICS}
    credited = {t: report.row("tactic", t, model).revenue.value for t in REVENUE_TACTICS}
    for tactic in REVENUE_TACTICS:
        assert 0.5 * planted[tactic] <= credited[tactic] <= 2 * planted[tactic], tactic
    assert sum(credited.values()) == pytest.approx(sum(planted.values()), rel=0.25)
    customers = sum(report.row("tactic", t, model).new_customers.value for t in REVENUE_TACTICS)
    planted_customers = sum(
        truth["tactics"][t]["incremental_new_customers"] for t in REVENUE_TACTICS
    )
    assert customers == pytest.approx(planted_customers, rel=0.4)
    for tactic in REVENUE_TACTICS:
        row = report.row("tactic", tactic, model)
        assert row.roi is not None and row.roi.value > 0


@pytest.mark.parametrize("model", MODELS)
def test_the_likes_only_tactic_gets_roi_below_zero(
    demo: tuple[RoiReport, dict[str, Any]], model: str
) -> None:
    report, truth = demo
    row = report.row("tactic", truth["likes_only_tactic"], model)
    assert row.revenue.value == 0 and row.new_customers.value == 0
    assert row.cost > 0 and row.roi is not None
    assert row.roi.value == row.roi.high == -1.0


def test_every_sale_reaches_attribution(demo: tuple[RoiReport, dict[str, Any]]) -> None:
    report, truth = demo
    journeys = truth["journeys"]
    assert report.coverage.on_paths == report.coverage.conversions
    # Each won deal and each order (GA4 logs a few purchases twice; the key keeps one).
    assert report.coverage.conversions == journeys["deals_won"] + journeys["orders"]
