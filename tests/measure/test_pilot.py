"""Pilot proof: difference in differences worked out by hand, and the demo's planted effect."""

from __future__ import annotations

import datetime as dt
import json
from itertools import count
from pathlib import Path

import pytest

from outcomes.measure.pilot import PilotNote, pilot_outcomes, pilot_results
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse

_keys = count()


def created(w: Warehouse, owner: str, year: int, month: int, amount: float) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, ts, type, value, owner, ingest_id) "
        "VALUES (?, 'test', ?, 'opportunity', ?, ?, 1)",
        [f"o{next(_keys)}", dt.datetime(year, month, 9, tzinfo=dt.UTC), amount, owner],
    )


PIPELINE = {  # created per month: Dec 2025, Jan 2026 | Feb, Mar 2026
    "Ana Silva": (10, 10, 30, 30),
    "bo lindqvist": (20, 20, 40, 40),  # owners match the plan's names whatever the case
    "Cy Mensah": (10, 10, 10, 10),
    "Dee Novak": (20, 0, 20, 20),  # nothing in January: a zero, not a gap
}
MONTHS = ((2025, 12), (2026, 1), (2026, 2), (2026, 3))


def test_difference_in_differences_and_exact_permutation_p(
    plan: Plan, warehouse: Warehouse
) -> None:
    for owner, amounts in PIPELINE.items():
        for (year, month), amount in zip(MONTHS, amounts, strict=True):
            if amount:
                created(warehouse, owner, year, month, amount)
    created(warehouse, "Someone Else", 2026, 2, 1_000_000)  # not in the pilot: ignored
    [result] = pilot_results(plan, warehouse.table("conversions"))
    assert (result.months_before, result.months_after) == (2, 2)
    assert (result.group_before, result.group_after) == (15.0, 35.0)
    assert (result.control_before, result.control_after) == (10.0, 15.0)
    assert result.effect == pytest.approx(15.0)  # (35 - 15) - (15 - 10)
    # Per-person changes 20, 20, 0, 10: of the six ways to pick two, {ana, bo} and its
    # mirror {cy, dee} reach |15|.
    assert result.permutations == 6 and result.p_value == pytest.approx(2 / 6)
    assert result.low <= result.effect <= result.high
    assert "15 more pipeline value per person per month" in result.verdict
    assert "no permutation p-value can fall below 0.33" in result.verdict


def test_pilots_without_data_or_control_are_left_out(plan: Plan, warehouse: Warehouse) -> None:
    assert pilot_results(plan, warehouse.table("conversions")) == []
    tactic = next(t for t in plan.tactics if t.pilot is not None)
    assert tactic.pilot is not None
    alone = tactic.model_copy(update={"pilot": tactic.pilot.model_copy(update={"control": []})})
    solo = plan.model_copy(update={"tactics": [alone]})
    created(warehouse, "Ana Silva", 2026, 1, 5)
    created(warehouse, "Ana Silva", 2026, 3, 5)
    assert pilot_results(solo, warehouse.table("conversions")) == []


def test_a_pilot_whose_rows_begin_when_it_starts_is_noted_not_left_out(
    plan: Plan, warehouse: Warehouse
) -> None:
    # Rivierwacht's partnership managers: the CRM export starts the month the pilot does,
    # so no month shows how the groups compared before it. Every route said nothing of the
    # pilot; now it is a note saying why and what to load.
    tactic = next(t for t in plan.tactics if t.pilot is not None)
    assert tactic.pilot is not None
    start = tactic.start
    for owner in PIPELINE:
        created(warehouse, owner, start.year, start.month, 10)
    results, notes = pilot_outcomes(plan, warehouse.table("conversions"))
    assert results == []
    [note] = notes
    assert isinstance(note, PilotNote)
    assert (note.tactic, note.metric) == (tactic.id, tactic.pilot.metric)
    assert f"begin in {start:%B %Y}, when it starts" in note.reason
    assert f"load the CRM export of the months before {start:%B %Y}" in note.reason


def test_a_pilot_no_crm_row_names_is_noted(plan: Plan, warehouse: Warehouse) -> None:
    created(warehouse, "Someone Else", 2026, 2, 1_000)
    _, [note] = pilot_outcomes(plan, warehouse.table("conversions"))
    assert "names any of its people (Ana Silva, Bo Lindqvist, Cy Mensah, Dee Novak)" in (
        note.reason
    )


def test_the_demo_pilot_effect_lies_within_its_interval(full_demo: Path) -> None:
    directory = full_demo
    truth = json.loads((directory / "truth.json").read_text())["pilot"]
    demo_plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        [result] = pilot_results(demo_plan, w.table("conversions"))
    assert result.tactic == truth["tactic"] and list(result.group) == truth["group"]
    planted = truth["effect_per_rep_per_month"]
    assert result.low <= planted <= result.high
    assert result.effect == pytest.approx(planted, rel=0.1)
    # 2025 from Salesforce and January 2026 from HubSpot before; February on after.
    assert (result.months_before, result.months_after) == (13, 11)
    assert result.group_after == pytest.approx(
        truth["observed"]["after"]["group_per_rep_per_month"]
    )


def test_the_verdict_claims_no_more_than_its_p_value(plan: Plan, warehouse: Warehouse) -> None:
    # The interval of the hand-made pilot excludes zero, but four people cannot give a
    # permutation p below 1/3: the verdict says the data point to a gain, not that it is real.
    for owner, amounts in PIPELINE.items():
        for (year, month), amount in zip(MONTHS, amounts, strict=True):
            if amount:
                created(warehouse, owner, year, month, amount)
    [result] = pilot_results(plan, warehouse.table("conversions"))
    assert result.low > 0 and result.p_value > 0.1
    assert "real" not in result.verdict
    assert "p = 0.33: with these people" in result.verdict
    assert "point to a gain; they do not prove it yet" in result.verdict


def test_the_verdict_calls_a_difference_real_when_both_tests_agree(
    plan: Plan, warehouse: Warehouse
) -> None:
    # Four in the pilot, four in control (70 ways to choose): only the pilot group grows.
    tactic = next(t for t in plan.tactics if t.pilot is not None)
    assert tactic.pilot is not None
    someone = plan.people[0]
    people = [someone.model_copy(update={"id": f"p{i}", "name": f"P{i}"}) for i in range(8)]
    pilot = tactic.pilot.model_copy(
        update={"group": ["p0", "p1", "p2", "p3"], "control": ["p4", "p5", "p6", "p7"]}
    )
    wide = plan.model_copy(
        update={"people": people, "tactics": [tactic.model_copy(update={"pilot": pilot})]}
    )
    for i in range(8):
        for (year, month), step in zip(MONTHS, (0, 1, 2, 3), strict=True):
            gain = 40 + i if i < 4 and step >= 2 else 0
            created(warehouse, f"P{i}", year, month, 10 + step + gain)
    [result] = pilot_results(wide, warehouse.table("conversions"))
    assert result.low > 0 and result.p_value <= 0.1
    assert "the data support a real gain of at least" in result.verdict


def test_an_interval_across_zero_says_what_the_data_fit(plan: Plan, warehouse: Warehouse) -> None:
    for owner, amounts in {"Ana Silva": (10, 30, 10, 30), "Bo Lindqvist": (30, 10, 30, 10),
                           "Cy Mensah": (20, 20, 20, 20), "Dee Novak": (10, 30, 30, 10)}.items():  # fmt: skip
        for (year, month), amount in zip(MONTHS, amounts, strict=True):
            created(warehouse, owner, year, month, amount)
    [result] = pilot_results(plan, warehouse.table("conversions"))
    assert result.low <= 0 <= result.high
    assert "The interval includes zero: the data fit anything from" in result.verdict
    assert "real" not in result.verdict


def test_the_bootstrap_interval_is_that_of_resampling_months() -> None:
    # The interval resamples months before and after with replacement and takes the
    # difference in differences of each resample: worked out here the long way, one
    # resampled panel at a time, with the same seed.
    import numpy as np

    from outcomes.measure.pilot import BOOTSTRAP, _bootstrap, _did

    rng = np.random.default_rng(3)
    panel = rng.gamma(2.0, 1000.0, size=(5, 11))
    group = np.array([True, True, False, False, False])
    after = np.arange(11) >= 6
    low, high = _bootstrap(panel, group, after, seed=7, confidence=0.9)
    draws = np.random.default_rng(7)
    before_cols, after_cols = np.flatnonzero(~after), np.flatnonzero(after)
    flags = np.r_[np.zeros(len(before_cols), bool), np.ones(len(after_cols), bool)]
    estimates = []
    for _ in range(BOOTSTRAP):
        cols = np.r_[
            draws.choice(before_cols, len(before_cols)), draws.choice(after_cols, len(after_cols))
        ]
        estimates.append(_did(panel[:, cols], group, flags))
    assert (low, high) == pytest.approx(tuple(np.percentile(estimates, [5, 95])), rel=1e-12)
    assert low < _did(panel, group, after) < high
