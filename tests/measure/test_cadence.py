"""Cadence consistency: who kept the rhythm, worked out by hand on a real warehouse."""

from __future__ import annotations

import datetime as dt
from itertools import count

from outcomes.measure.cadence import cadence_consistency
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

_keys = count()


def post(w: Warehouse, author: str, day: dt.date, kind: str = "post") -> None:
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, author, kind, ts, ingest_id) "
        "VALUES (?, 'test', 'linkedin', ?, ?, ?, ?, 1)",
        [f"a{next(_keys)}", author, author, kind,
         dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)],
    )  # fmt: skip


def test_who_kept_the_rhythm_and_who_stopped(plan: Plan, warehouse: Warehouse) -> None:
    monday = dt.date(2026, 2, 2)
    for week in range(10):  # Ana posts every week
        post(warehouse, "Ana Silva", monday + dt.timedelta(weeks=week, days=2))
    for week in range(6):  # Bo posts for six weeks, then stops
        post(warehouse, "bo lindqvist", monday + dt.timedelta(weeks=week))
        post(warehouse, "Bo Lindqvist", monday + dt.timedelta(weeks=week), kind="reply")
    as_of = monday + dt.timedelta(weeks=10, days=2)  # week 11 is still running: not counted
    rows = {
        (r.tactic, r.operator): r
        for r in cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
    }
    # The rep tactic's week running since the 1 February Sunday starts on 26 January.
    tactic = rows[("li-rep-insights", "(tactic)")]
    assert tactic.periods == 11 and tactic.per == "week"
    ana, bo = rows[("li-rep-insights", "ana")], rows[("li-rep-insights", "bo")]
    assert (ana.activities, ana.periods_kept, ana.status) == (10, 10, "kept the rhythm")
    assert (bo.activities, bo.periods_kept, bo.status) == (6, 6, "stopped")  # replies don't count
    assert bo.last_activity == monday + dt.timedelta(weeks=5)
    assert tactic.activities == 16 and tactic.periods_kept == 10
    assert rows[("li-company-guides", "(tactic)")].status == "not started"
    assert rows[("customer-newsletter", "(tactic)")].status == "no activity data"


def test_an_irregular_operator(plan: Plan, warehouse: Warehouse) -> None:
    monday = dt.date(2026, 2, 2)
    for week in (0, 2, 4, 6, 8, 9):
        post(warehouse, "Ana Silva", monday + dt.timedelta(weeks=week))
    as_of = monday + dt.timedelta(weeks=10) - dt.timedelta(days=1)
    [ana] = [
        r for r in cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
        if r.operator == "ana"
    ]  # fmt: skip
    assert (ana.periods, ana.periods_kept, ana.status) == (11, 6, "irregular")


def _twice_a_week(plan: Plan) -> Plan:
    """The plan with li-rep-insights asking two posts a week of each rep instead of one."""
    tactics = [
        t.model_copy(update={"cadence": t.cadence.model_copy(update={"count": 2})})
        if t.id == "li-rep-insights" and t.cadence is not None
        else t
        for t in plan.tactics
    ]
    return plan.model_copy(update={"tactics": tactics})


def test_posting_less_often_than_planned_is_irregular_not_stopped(
    plan: Plan, warehouse: Warehouse
) -> None:
    # Ana keeps two posts a week once, then posts every week, one a week: she never stopped.
    monday = dt.date(2026, 2, 2)
    post(warehouse, "Ana Silva", monday + dt.timedelta(days=2))
    for week in range(10):
        post(warehouse, "Ana Silva", monday + dt.timedelta(weeks=week, days=1))
    as_of = monday + dt.timedelta(weeks=10, days=-1)
    [ana] = [
        r for r in cadence_consistency(_twice_a_week(plan), warehouse.table("activities"), as_of=as_of)
        if r.operator == "ana"
    ]  # fmt: skip
    assert (ana.periods, ana.periods_kept, ana.activities) == (11, 1, 11)
    assert ana.status == "irregular"
    assert ana.last_activity == monday + dt.timedelta(weeks=9, days=1)  # a Tuesday


def test_activity_in_the_running_week_is_no_silence(plan: Plan, warehouse: Warehouse) -> None:
    # Bo posts for six weeks, skips four, and posts again in the week still running.
    monday = dt.date(2026, 2, 2)
    for week in (*range(6), 10):
        post(warehouse, "Bo Lindqvist", monday + dt.timedelta(weeks=week))
    post(warehouse, "Bo Lindqvist", monday + dt.timedelta(weeks=10, days=3))  # after as_of
    as_of = monday + dt.timedelta(weeks=10, days=2)
    [bo] = [
        r for r in cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
        if r.operator == "bo"
    ]  # fmt: skip
    # The running week is not counted, but it is not silence either.
    assert (bo.periods, bo.periods_kept, bo.activities) == (11, 6, 6)
    assert bo.status == "irregular"
    assert bo.last_activity == monday + dt.timedelta(weeks=10)


def test_reps_in_no_loaded_export_have_no_activity_data_not_not_started(
    plan: Plan, warehouse: Warehouse
) -> None:
    # Only the company page's export is loaded: it cannot show whether Ana and Bo posted
    # from their own profiles, so their tactic is not "not started" but has no data.
    monday = dt.date(2026, 2, 2)
    for week in range(4):
        post(warehouse, "Northwind", monday + dt.timedelta(weeks=week))
    as_of = monday + dt.timedelta(weeks=6)
    rows = {
        (r.tactic, r.operator): r
        for r in cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
    }
    reps = rows[("li-rep-insights", "(tactic)")]
    assert (reps.activities, reps.status) == (0, "no activity data")
    assert reps.reason == "no loaded export holds linkedin activity of Ana Silva or Bo Lindqvist"
    # The guides name no account nor person: any LinkedIn activity could be theirs, and
    # LinkedIn activity is loaded, so their silence is real.
    guides = rows[("li-company-guides", "(tactic)")]
    assert (guides.status, guides.reason) == ("not started", "")
    # Once one rep's profile is loaded, the tactic's silence is real too.
    post(warehouse, "Bo Lindqvist", monday, kind="reply")
    again = cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
    [reps] = [r for r in again if (r.tactic, r.operator) == ("li-rep-insights", "(tactic)")]
    assert (reps.status, reps.reason) == ("not started", "")


def test_the_last_activity_is_the_day_of_the_last_post_not_its_weeks_monday(
    plan: Plan, warehouse: Warehouse
) -> None:
    monday = dt.date(2026, 2, 2)
    for week in range(4):  # Ana posts every Thursday
        post(warehouse, "Ana Silva", monday + dt.timedelta(weeks=week, days=3))
    post(warehouse, "Ana Silva", monday + dt.timedelta(weeks=4, days=1))  # in the week running
    as_of = monday + dt.timedelta(weeks=4, days=2)
    rows = {
        (r.tactic, r.operator): r
        for r in cadence_consistency(plan, warehouse.table("activities"), as_of=as_of)
    }
    # Before, both read the Monday of the week: 2 March.
    assert rows[("li-rep-insights", "ana")].last_activity == dt.date(2026, 3, 3)
    assert rows[("li-rep-insights", "(tactic)")].last_activity == dt.date(2026, 3, 3)
    # Without the running week's post, the last Thursday (26 February), not its Monday.
    earlier = {
        (r.tactic, r.operator): r
        for r in cadence_consistency(plan, warehouse.table("activities"), as_of=dt.date(2026, 3, 1))
    }
    assert earlier[("li-rep-insights", "ana")].last_activity == dt.date(2026, 2, 26)
