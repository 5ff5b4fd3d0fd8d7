"""Engagement that matters: the lag test on series made by hand, and the demo's tactics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from outcomes.measure.engagement import best_lag, engagement_links
from outcomes.plan import load_plan
from outcomes.warehouse.connection import Warehouse


def test_the_lag_at_which_engagement_leads_conversions_is_found() -> None:
    rng = np.random.default_rng(3)
    engagement = rng.poisson(50, 60).astype(float)
    conversions = np.r_[np.zeros(2), engagement[:-2]] * 0.1 + rng.normal(0, 0.3, 60)
    found = best_lag(engagement, conversions, 4)
    assert found is not None
    lag, r, low, high = found
    assert lag == 2 and r > 0.8 and 0 < low < r < high <= 1


def test_no_variation_or_too_few_weeks_give_no_answer() -> None:
    assert best_lag(np.ones(10), np.arange(10.0), 3) is None  # engagement never varies
    assert best_lag(np.arange(3.0), np.arange(3.0), 0) is None  # three weeks are too few


def test_the_likes_only_tactic_is_flagged_as_tied_to_nothing(full_demo: Path) -> None:
    directory = full_demo
    truth = json.loads((directory / "truth.json").read_text())
    plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        links = {
            link.tactic: link
            for link in engagement_links(
                plan, w.table("activities"), w.table("touchpoints"), w.table("conversions"),
                sources=("ga4",),
            )
        }  # fmt: skip
    likes_only = links[truth["likes_only_tactic"]]
    assert not likes_only.tied and likes_only.attributed_conversions == 0
    assert likes_only.total_engagement == max(link.total_engagement for link in links.values())
    assert "not tied to any outcome" in likes_only.verdict
    assert links["li-company-guides"].tied and links["li-company-guides"].attributed_conversions > 0
    support = links["x-support"]  # no sales, but the tickets it deflected
    assert (
        support.tied
        and support.tickets_deflected == truth["tactics"]["x-support"]["tickets_deflected"]
    )
    assert {t for t, link in links.items() if not link.tied} == {truth["likes_only_tactic"]}
