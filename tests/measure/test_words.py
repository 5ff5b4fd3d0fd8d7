"""Estimates in words (ROI, a goal's forecast) and the ROI verdict: what every route writes,
and never more than the interval."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from outcomes.examples import example_path
from outcomes.measure.roi_report import Estimate
from outcomes.measure.words import metric_interval, metric_value, roi_verdict, roi_words
from outcomes.plan import load_plan


@pytest.mark.parametrize(
    ("estimate", "kind", "words"),
    [
        (Estimate(5.88, 4.12, 7.9), "money", "588% (412% to 790%)"),
        # Equal ends: the bootstrap did not run, or gave one number; no "(−100% to −100%)".
        (Estimate(-1.0, -1.0, -1.0), "money", "-100% (no interval)"),
        (Estimate(0.25, 0.25, 0.25), "money", "25% (no interval)"),
        (None, "none", "no return measured yet"),
        (None, "units", "not in money"),
        (None, "money", "—"),
    ],
)
def test_roi_words(estimate: Estimate | None, kind: str, words: str) -> None:
    assert roi_words(estimate, kind) == words


@pytest.mark.parametrize(
    ("estimate", "verdict"),
    [
        (Estimate(0.5, 0.1, 0.9), "gain"),
        (Estimate(-0.5, -0.9, -0.1), "loss"),
        (Estimate(0.05, -0.09, 0.11), None),  # across 0: it cannot tell yet
        (Estimate(-1.0, -1.0, -1.0), None),  # no width: no measured uncertainty backs it
        (Estimate(2.0, 2.0, 2.0), None),
        (Estimate(-0.5, math.nan, -0.1), None),
        (None, None),
    ],
)
def test_a_verdict_needs_the_whole_interval_of_some_width_on_one_side(
    estimate: Estimate | None, verdict: str | None
) -> None:
    assert roi_verdict(estimate) == verdict


def test_a_forecast_interval_is_written_in_its_metrics_unit() -> None:
    plan = load_plan(example_path("northwind")).plan
    assert metric_interval(plan, "revenue", 40_000.4, 61_000.0) == "€40,000 to €61,000"
    assert metric_interval(plan, "net_new_customers", 0.71, 7.29) == "0.71 to 7.29"
    assert metric_interval(plan, "revenue", 50_000.0, 50_000.0) == "no interval"
    assert metric_interval(plan, "revenue", None, None) == ""


FOURTHCO = Path(__file__).parents[1] / "workspace" / "fixtures" / "fourthco" / "plan.yaml"


@pytest.mark.parametrize(
    ("metric", "value", "words"),
    [
        # Ledgerline's support cost per ticket (its own metric, unit currency): €21.40
        # against a €20 target read "€21", hiding two fifths of the gap; €20.40 read "€20".
        ("cost_per_ticket", 21.4, "€21.40"),
        ("cost_per_ticket", 20.4, "€20.40"),
        ("cost_per_ticket", 20.0, "€20"),
        ("cost_per_hire", 4_700.0, "€4,700"),
        ("revenue", 79_000.4, "€79,000"),
    ],
)
def test_money_per_unit_keeps_the_cents_whole_units_would_hide(
    metric: str, value: float, words: str
) -> None:
    plan = load_plan(FOURTHCO).plan
    assert metric_value(plan, metric, value) == words


def test_an_interval_of_money_per_unit_keeps_its_cents() -> None:
    plan = load_plan(FOURTHCO).plan
    assert metric_interval(plan, "cost_per_ticket", 20.4, 21.75) == "€20.40 to €21.75"
