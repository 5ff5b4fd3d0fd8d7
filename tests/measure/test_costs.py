"""Tactic costs in a period: plan estimates pro-rated by hand, recorded spend replacing them."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.measure.costs import Period, measured_costs, planned_vs_spent, tactic_costs
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

D = dt.date


def spend(
    w: Warehouse, tactic: str, date: dt.date, amount: float, kind: str, currency: str | None = None
) -> None:
    w.duckdb.execute(
        "INSERT INTO costs (key, source, tactic, date, amount, kind, currency, ingest_id) "
        "VALUES (?, 'test', ?, ?, ?, ?, ?, 1)",
        [f"{tactic}{date}{kind}{amount}", tactic, date, amount, kind, currency],
    )


def test_plan_estimates_are_pro_rated_to_the_period(plan: Plan) -> None:
    # trade-show runs 2026-05-01..05-31 (31 days): 6 h/week, €30,000 budget, €70 an hour.
    may_first_half = Period(D(2026, 5, 1), D(2026, 5, 15))
    cost = tactic_costs(plan, may_first_half)["trade-show"]
    assert cost.hours == pytest.approx(6 * 15 / 7)
    assert cost.people == pytest.approx(6 * 15 / 7 * 70)
    assert cost.money == pytest.approx(30_000 * 15 / 31)
    assert cost.technology == 0 and cost.recorded == frozenset()
    # x-support (whole 2026, €1,800 of tools) over the year, and a period it misses.
    year = tactic_costs(plan, Period(D(2026, 1, 1), D(2026, 12, 31)))["x-support"]
    assert year.technology == pytest.approx(1_800)
    assert year.people == pytest.approx(10 * 365 / 7 * 70)
    assert tactic_costs(plan, Period(D(2025, 1, 1), D(2025, 12, 31)))["x-support"].total == 0


def test_recorded_spend_replaces_the_estimate_of_its_part(plan: Plan, warehouse: Warehouse) -> None:
    w = warehouse
    spend(w, "fb-retarget", D(2026, 3, 3), 1_000.0, "ads")
    spend(w, "fb-retarget", D(2026, 4, 3), 500.0, "budget")
    spend(w, "fb-retarget", D(2027, 1, 3), 9_999.0, "ads")  # outside the period
    spend(w, "x-support", D(2026, 2, 1), 150.0, "tool")
    year = Period(D(2026, 1, 1), D(2026, 12, 31))
    costs = tactic_costs(plan, year, w.table("costs"))
    fb = costs["fb-retarget"]
    assert fb.money == 1_500.0  # not the plan's €24,000
    assert fb.people == pytest.approx(2 * 214 / 7 * 70)  # still the plan's hours
    assert fb.recorded == frozenset({"money"})
    support = costs["x-support"]
    assert (support.technology, support.recorded) == (150.0, frozenset({"technology"}))


def test_periods_are_checked_and_taken_from_the_plan(plan: Plan) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(D(2026, 2, 1), D(2026, 1, 1))
    assert Period.of_plan(plan) == Period(D(2026, 1, 1), D(2026, 12, 31))
    assert Period(D(2026, 1, 1), D(2026, 1, 1)).days == 1


def test_planned_against_spent_to_date(plan: Plan, warehouse: Warehouse) -> None:
    w = warehouse
    spend(w, "fb-retarget", D(2026, 3, 3), 20_000.0, "ads")  # by April: far over its share
    spend(w, "x-support", D(2026, 2, 1), 150.0, "tool")
    rows = {r.tactic: r for r in planned_vs_spent(plan, w.table("costs"), D(2026, 4, 30))}
    fb = rows["fb-retarget"]
    assert fb.planned_money == pytest.approx(24_000 * 61 / 214)  # March and April of 214 days
    assert fb.spent_money == 20_000.0 and fb.over_plan
    support = rows["x-support"]
    assert support.planned_technology == pytest.approx(1_800 * 120 / 365)
    assert support.spent_technology == 150.0 and not support.over_plan
    assert rows["li-rep-insights"].spent_money is None
    assert rows["li-rep-insights"].planned_hours == pytest.approx(4 * 89 / 7)


def log(w: Warehouse, tactic: str, date: dt.date, hours: float, person: str | None) -> None:
    w.duckdb.execute(
        "INSERT INTO costs (key, source, tactic, date, amount, kind, hours, person, ingest_id) "
        "VALUES (?, 'test', ?, ?, ?, 'people', ?, ?, 1)",
        [f"{tactic}{date}{person}", tactic, date, hours * 70, hours, person],
    )


def test_logged_hours_against_each_operators_share_of_the_plan(
    plan: Plan, warehouse: Warehouse
) -> None:
    w = warehouse
    # li-rep-insights: 4 hours a week from 1 February, shared by Ana and Bo.
    log(w, "li-rep-insights", D(2026, 2, 6), 2.0, "Ana Silva")  # a name, as trackers write it
    log(w, "li-rep-insights", D(2026, 2, 13), 1.5, "ana")
    log(w, "li-rep-insights", D(2026, 2, 13), 0.5, "BO LINDQVIST")
    log(w, "li-rep-insights", D(2026, 2, 13), 1.0, "Guest Writer")  # nobody in the plan
    log(w, "li-rep-insights", D(2026, 5, 1), 9.0, "ana")  # after as_of
    rows = {r.tactic: r for r in planned_vs_spent(plan, w.table("costs"), D(2026, 2, 28))}
    reps = rows["li-rep-insights"]
    assert reps.planned_hours == pytest.approx(4 * 28 / 7)
    assert reps.logged_hours == pytest.approx(5.0)
    people = {p.person: (p.planned_hours, p.logged_hours) for p in reps.by_person}
    assert people == {
        "ana": (pytest.approx(8.0), 3.5),
        "bo": (pytest.approx(8.0), 0.5),
        "Guest Writer": (0.0, 1.0),
    }
    # Logged time is recorded people cost: it replaces the plan's estimate in ROI.
    february = tactic_costs(plan, Period(D(2026, 2, 1), D(2026, 2, 28)), w.table("costs"))
    assert february["li-rep-insights"].people == pytest.approx(5.0 * 70)
    # A tactic with no timesheet lines has no logged hours, not zero.
    listening = rows["li-listen-respond"]
    assert listening.logged_hours is None
    assert [p.logged_hours for p in listening.by_person] == [None]


def test_spend_in_another_currency_is_never_added_to_the_plans(
    plan: Plan, warehouse: Warehouse
) -> None:
    w = warehouse  # Northwind's plan is in EUR
    spend(w, "fb-retarget", D(2026, 3, 3), 1_000.0, "ads", "EUR")
    spend(w, "fb-retarget", D(2026, 3, 4), 400.0, "ads", "usd")  # as a CSV mapping may write it
    spend(w, "fb-retarget", D(2026, 3, 5), 100.0, "budget", "USD")
    spend(w, "x-support", D(2026, 2, 1), 150.0, "tool", "GBP")  # all its tool lines
    spend(w, "x-support", D(2026, 2, 2), 90.0, "ads", " ")  # a blank cell states nothing
    year = Period(D(2026, 1, 1), D(2026, 12, 31))
    measured = measured_costs(plan, year, w.table("costs"))
    fb, support = measured.tactics["fb-retarget"], measured.tactics["x-support"]
    assert fb.money == 1_000.0 and fb.recorded == frozenset({"money"})  # its EUR lines only
    # x-support's tools are all in GBP: the plan's estimate stands, as if none were recorded.
    assert support.technology == pytest.approx(1_800) and support.recorded == frozenset({"money"})
    assert support.money == 90.0
    left_out = {(f.tactic, f.currency): f for f in measured.foreign}
    assert set(left_out) == {("fb-retarget", "USD"), ("x-support", "GBP")}
    usd = left_out[("fb-retarget", "USD")]
    assert (usd.amount, usd.lines, usd.part, usd.estimated) == (500.0, 2, "money", False)
    assert "counts only its lines in EUR" in usd.message
    gbp = left_out[("x-support", "GBP")]
    assert (gbp.amount, gbp.lines, gbp.part, gbp.estimated) == (150.0, 1, "technology", True)
    assert "its technology cost is the plan's estimate" in gbp.message
    assert tactic_costs(plan, year, w.table("costs")) == dict(measured.tactics)
    # Spent against planned counts the plan's currency only too.
    rows = {r.tactic: r for r in planned_vs_spent(plan, w.table("costs"), D(2026, 4, 30))}
    assert rows["fb-retarget"].spent_money == 1_000.0
    assert rows["x-support"].spent_technology is None
