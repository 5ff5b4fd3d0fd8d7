"""On the demo company, ROI recovers the planted per-tactic effects within stated tolerance.

Attribution shares out observed outcomes; it does not run the counterfactual the
simulator ran, so it cannot match the truth exactly. The stated tolerance (issue #15,
point 10), for the data-driven models (Markov, Shapley), with no lookback window because
deals close weeks after the lead that started them:

* every tactic that brings revenue is credited between 0.67× and 1.5× of its planted
  incremental revenue, and all of them together within 15% of their planted total;
* their new customers together within 15% of the planted total;
* the likes-only tactic (fb-retarget) is credited nothing and its ROI is −1 under every
  model, while the revenue tactics earn more than they cost.

Measured on seed 7, scale 1 (20,000 journeys): Markov credits li-rep-insights 0.67×,
li-company-guides 1.50× and trade-show 0.93× of their planted revenue, 1.09× together;
Shapley 0.72×, 1.38×, 0.89× and 1.05×. Markov sits on the edges of the tolerance: it
credits the guides, which bring leads and orders, with part of what the rep posts do to
deals weeks later (qualification, win, size), because a first-order chain forgets, by the
time a deal converts, that the journey passed the rep's post.

Two things brought social selling up from 0.53× (Markov) and 0.59× (Shapley):

* GA4's direct rule (`outcomes.measure.attribution.direct`): a direct visit, mostly the
  way back of someone a tagged touch brought (the simulator's return visits to sign up
  or buy are direct sessions), is left out of every path with another touch. With direct
  visits as steps (`skip_direct=False`) Markov gives 0.50×, 1.08×, 0.69× and Shapley
  0.61×, 0.93×, 0.72×: two thirds of the untracked touches are direct, and each took an
  equal share of the paths the tactics opened.
* A causal simulator (`test_a_touch_changes_only_what_is_decided_after_it`): a rep post
  seen after the opportunity opened used to count towards opening it; the planted
  revenue of li-rep-insights fell from €174,360 to €149,760 once only earlier touches act.

No touch is lost on the way: every won deal the simulator's counterfactual gives a
revenue tactic has that tactic's GA4 visit, UTM-tagged, on the path credited to it
(`test_every_planted_deal_has_its_tactic_on_its_path`). With the rule the heuristics come
close too (linear 1.05× together, last touch 1.23×, crediting the guides 1.66×).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomes.demo import model as m
from outcomes.demo.crm import record_ids
from outcomes.demo.journeys import blocks, evaluate
from outcomes.measure.attribution.journeys import journey_parts
from outcomes.measure.returns import count_interval
from outcomes.measure.roi_report import RoiReport
from outcomes.plan import load_plan
from outcomes.warehouse.connection import Warehouse, to_arrow
from tests.measure.demo_roi import demo_roi

REVENUE_TACTICS = ("li-rep-insights", "li-company-guides", "trade-show")
DATA_DRIVEN = ("markov", "shapley")
MODELS = (*DATA_DRIVEN, "last_touch", "linear", "position_based")
LOW, HIGH = 0.67, 1.5
"""Issue #15's tolerance: credited revenue over planted incremental revenue, per tactic."""


@pytest.fixture(scope="module")
def demo(full_demo: Path) -> tuple[RoiReport, dict[str, Any]]:
    report = demo_roi(full_demo, models=MODELS, bootstrap=100)  # seed 7, the demo's default
    truth = json.loads((full_demo / "truth.json").read_text())
    return report, truth


@pytest.mark.parametrize("model", DATA_DRIVEN)
def test_revenue_tactics_are_recovered_within_tolerance(
    demo: tuple[RoiReport, dict[str, Any]], model: str
) -> None:
    report, truth = demo
    planted = {t: truth["tactics"][t]["incremental_revenue"] for t in REVENUE_TACTICS}
    credited = {t: report.row("tactic", t, model).revenue.value for t in REVENUE_TACTICS}
    for tactic in REVENUE_TACTICS:
        assert LOW * planted[tactic] <= credited[tactic] <= HIGH * planted[tactic], tactic
    assert sum(credited.values()) == pytest.approx(sum(planted.values()), rel=0.15)
    customers = sum(report.row("tactic", t, model).new_customers.value for t in REVENUE_TACTICS)
    planted_customers = sum(
        truth["tactics"][t]["incremental_new_customers"] for t in REVENUE_TACTICS
    )
    assert customers == pytest.approx(planted_customers, rel=0.15)
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
    assert row.roi.value == row.roi.low == -1.0
    # On journeys, none of them converting: no replicate credits it, but its interval is
    # not a certainty of nothing. Its upper end is a count of 0's (about 3 sales at 90%),
    # each of the mean sale's value: still below zero, so still losing money.
    events = count_interval(0, report.params["confidence"])[1]
    mean_sale = truth_mean_sale(report)
    assert row.revenue.low == 0 and row.revenue.high == pytest.approx(events * mean_sale)
    assert row.new_customers.high == pytest.approx(events)
    assert -1.0 < row.roi.high < 0


def truth_mean_sale(report: RoiReport) -> float:
    """The period's mean value of a sale: Markov's credit (tactics and unplanned touches)
    adds up to the value of the sales on journeys, whose number the coverage gives."""
    tactics = [r for r in report.rows if r.level == "tactic" and r.model == "markov"]
    credited = sum(r.revenue.value for r in tactics) + report.unplanned["markov"].value
    return credited / report.coverage.on_paths


def test_every_sale_reaches_attribution(demo: tuple[RoiReport, dict[str, Any]]) -> None:
    """Under the direct rule too: a journey of direct visits only keeps them as its path,
    so its sale is credited (to `unplanned`) rather than dropped."""
    report, truth = demo
    journeys = truth["journeys"]
    assert report.coverage.on_paths == report.coverage.conversions
    # Each won deal and each order (GA4 logs a few purchases twice; the key keeps one).
    assert report.coverage.conversions == journeys["deals_won"] + journeys["orders"]


def _planted_deals(seed: int, scale: float) -> dict[str, set[str]]:
    """Per revenue tactic, the people (journey keys) whose won deal it caused or enlarged.

    A deal is the tactic's when, with the tactic's touches taken out (the simulator's own
    counterfactual), the deal is not won or is won for less.
    """
    planted: dict[str, set[str]] = {t: set() for t in REVENUE_TACTICS}
    for block in blocks(seed, scale):
        actual = evaluate(block)
        for tactic in REVENUE_TACTICS:
            without = evaluate(block, m.JOURNEY_TACTICS[tactic])
            gained = actual.won & (~without.won | (actual.amount > without.amount))
            rows = np.flatnonzero(gained)
            planted[tactic] |= {f"c:{rid}" for rid in record_ids(block.first_id + rows).tolist()}
    return planted


def test_every_planted_deal_has_its_tactic_on_its_path(full_demo: Path) -> None:
    """The exports record, and the journeys keep, the touch behind every planted deal.

    So whatever gap remains between a tactic's credit and its planted revenue is the
    models' sharing of credit, not a touch lost on the way (issue #15, point 10).
    """
    directory = full_demo
    truth = json.loads((directory / "truth.json").read_text())
    planted = _planted_deals(truth["seed"], truth["scale"])
    plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        _, _, credited = journey_parts(
            w.table("touchpoints"),
            w.table("conversions"),
            by="tactic",
            plan=plan,
            sources=("ga4",),
            lookback_days=None,
            conversion_types=("deal_won",),
        )
        steps = to_arrow(credited.select("ckey", "step").distinct())
    on_path: dict[str, set[str]] = {}
    for who, step in zip(steps["ckey"].to_pylist(), steps["step"].to_pylist(), strict=True):
        on_path.setdefault(who, set()).add(step)
    for tactic in REVENUE_TACTICS:
        deals = planted[tactic]
        assert len(deals) >= truth["tactics"][tactic]["incremental_deals_won"], tactic
        missing = sorted(who for who in deals if tactic not in on_path.get(who, set()))
        assert not missing, (tactic, missing)


@pytest.mark.parametrize("model", DATA_DRIVEN)
def test_every_tactic_returns_with_the_sign_of_its_planted_return(
    demo: tuple[RoiReport, dict[str, Any]], model: str
) -> None:
    """Point 10 of #15 on Northwind: against the cost the product counts (the recorded
    spend where the costs table has it), each tactic's ROI has the sign its planted return
    gives; a tactic planted to return nothing is never shown gaining."""
    report, truth = demo
    for tactic, planted in truth["tactics"].items():
        row = report.row("tactic", tactic, model)
        returned = planted["incremental_revenue"] + planted["support_cost_saved"]
        if returned == 0:
            assert row.roi is None or row.roi.value <= 0, tactic
            continue
        assert row.roi is not None, tactic
        assert (row.roi.value > 0) == (returned > row.cost), tactic
    support = report.row("tactic", "x-support", model)
    assert support.returns is not None and support.returns.money is not None
    assert support.returns.money.value == truth["tactics"]["x-support"]["support_cost_saved"]


def test_direct_visits_as_steps_take_credit_from_the_tactics(
    full_demo: Path, demo: tuple[RoiReport, dict[str, Any]]
) -> None:
    """Without GA4's direct rule (`skip_direct=False`) the return visits take their share:
    social selling falls below the tolerance, and the credit goes to untracked steps."""
    report, truth = demo
    kept = demo_roi(full_demo, models=("markov",), bootstrap=0, skip_direct=False)
    planted = truth["tactics"]["li-rep-insights"]["incremental_revenue"]
    assert kept.row("tactic", "li-rep-insights", "markov").revenue.value < LOW * planted
    assert kept.unplanned["markov"].value > report.unplanned["markov"].value
    assert kept.coverage == report.coverage  # every sale still reaches attribution
