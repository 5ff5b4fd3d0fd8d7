"""Goal pacing: hand-computed cases on a real DuckDB warehouse, and the demo's planted truth."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import statistics
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from outcomes.examples import example_path
from outcomes.measure.pacing import GoalPace, pace_goals
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse

D = dt.date
_keys = count()


@pytest.fixture(scope="module")
def northwind() -> Plan:
    return load_plan(example_path("northwind")).plan


def with_goal(plan: Plan, **changes: Any) -> Plan:
    """The plan with one goal: northwind's first, changed."""
    return plan.model_copy(update={"goals": [plan.goals[0].model_copy(update=changes)]})


def convert(w: Warehouse, when: dt.date, type_: str, value: float | None = None) -> None:
    key = f"c{next(_keys)}"
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, customer_id, ts, type, value, ingest_id) "
        "VALUES (?, 'test', ?, ?, ?, ?, 1)",
        [key, key, dt.datetime.combine(when, dt.time(12), tzinfo=dt.UTC), type_, value],
    )


def touch(w: Warehouse, when: dt.date) -> None:
    """A web visit: the touchpoints, like the conversions, say how far the data runs."""
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, ingest_id) "
        "VALUES (?, 'test', 'j', ?, 'web', 1)",
        [f"t{next(_keys)}", dt.datetime.combine(when, dt.time(12), tzinfo=dt.UTC)],
    )


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month, the day a finance export dates the month's figure."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def snapshot(w: Warehouse, when: dt.date, metric: str, value: float) -> None:
    w.duckdb.execute(
        "INSERT INTO metric_snapshots (key, source, channel, entity, entity_kind, metric, date, "
        "value, ingest_id) VALUES (?, 'test', 'helpdesk', 'Support', 'team', ?, ?, ?, 1)",
        [f"s{next(_keys)}", metric, when, value],
    )


def pace(w: Warehouse, plan: Plan, as_of: dt.date | None = None) -> GoalPace:
    if len(plan.goals) > 1:
        plan = with_goal(plan)  # northwind's first goal alone
    conversions, snapshots = w.table("conversions"), w.table("metric_snapshots")
    [result] = pace_goals(
        plan, conversions, snapshots, touchpoints=w.table("touchpoints"), as_of=as_of
    )
    return result


def test_a_flow_mid_period_is_paced_against_the_pro_rated_target(
    warehouse: Warehouse, northwind: Plan
) -> None:
    # net_new_customers, baseline 40, threshold 50, target 60 over 2026.
    for day in range(1, 26):  # 25 new customers in the first 181 days
        convert(warehouse, D(2026, 1, 1) + dt.timedelta(days=7 * day % 180), "new_customer")
    touch(warehouse, D(2026, 6, 30))  # the data runs to the day paced at
    half = pace(warehouse, northwind, as_of=D(2026, 6, 30))
    assert half.kind == "flow" and half.elapsed == pytest.approx(181 / 365)
    assert half.actual == 25 and half.expected == pytest.approx(60 * 181 / 365)
    assert half.forecast == pytest.approx(25 * 365 / 181)  # 50.4: just past the threshold
    assert half.forecast_low is not None and half.forecast_high is not None
    assert half.forecast_low < half.forecast < half.forecast_high
    # Past the threshold, but 25 customers are consistent with a year of 34 to 67: the
    # interval straddles the line, so the status claims no more than "at risk".
    assert half.status == "at_risk"
    assert half.reason == (
        "the forecast 50.41 is past the threshold 50, but its 90% interval, "
        "33.83 to 67.00, straddles it"
    )
    assert pace(warehouse, with_goal(northwind, threshold=55), D(2026, 6, 30)).status == "at_risk"
    # A line the whole interval is past: on track.
    lower = pace(warehouse, with_goal(northwind, baseline=20, threshold=30), D(2026, 6, 30))
    assert lower.status == "on_track"
    assert lower.reason == ("the forecast 50.41 (90%: 33.83 to 67.00) is past the threshold 30")


def test_a_count_at_the_end_of_its_period_is_final_with_no_interval_beside_it(
    warehouse: Warehouse, northwind: Plan
) -> None:
    # 45 new customers in 2026, against a target of 60: missed, and the year's count is
    # what happened, not a forecast with a spread of 34 to 56 around it.
    for day in range(45):
        convert(warehouse, D(2026, 1, 1) + dt.timedelta(days=8 * day), "new_customer")
    touch(warehouse, D(2026, 12, 31))
    done = pace(warehouse, northwind, as_of=D(2026, 12, 31))
    assert (done.status, done.actual, done.forecast) == ("missed", 45, 45)
    assert (done.forecast_low, done.forecast_high) == (None, None)


def test_a_forecast_worse_than_the_baseline_is_off_track_only_when_its_interval_is(
    warehouse: Warehouse, northwind: Plan
) -> None:
    # 16 customers by 30 June run at 32.3 a year, worse than last year's 40; but 16 are
    # consistent with a year of 19 to 46: not plainly off track.
    for day in range(16):
        convert(warehouse, D(2026, 1, 5) + dt.timedelta(days=10 * day), "new_customer")
    touch(warehouse, D(2026, 6, 30))
    few = pace(warehouse, northwind, as_of=D(2026, 6, 30))
    assert few.forecast is not None and few.forecast < 40
    assert few.forecast_high is not None and few.forecast_high > 40
    assert few.status == "at_risk"
    assert few.reason == (
        "the forecast 32.27 is at or worse than the baseline 40, but its 90% interval, "
        "19.00 to 45.53, reaches past it"
    )
    sure = pace(warehouse, with_goal(northwind, baseline=50, threshold=55), D(2026, 6, 30))
    assert sure.status == "off_track"  # the whole interval is worse than 50
    assert sure.reason.startswith("the forecast 32.27 (90%: 19.00 to 45.53) is at or worse")


@pytest.mark.parametrize(
    ("customers", "status", "reason"),
    [
        (60, "achieved", "60 reaches the target 60"),
        # Past the threshold at the due date: the old rule said "on track" of a result that
        # can no longer change.
        (55, "missed", "the period is over: it ended at 55, short of the target 60 though "
         "past its threshold 50"),
        (45, "missed", "the period is over: it ended at 45, short of the target 60 and of "
         "its threshold 50"),
    ],
)  # fmt: skip
def test_at_and_after_the_due_date_a_goal_is_achieved_or_missed(
    warehouse: Warehouse, northwind: Plan, customers: int, status: str, reason: str
) -> None:
    for day in range(customers):
        convert(warehouse, D(2026, 12, 31) - dt.timedelta(days=day * 6), "new_customer")
    for as_of in (D(2026, 12, 31), D(2027, 1, 20)):  # on the due date, and after it
        final = pace(warehouse, northwind, as_of=as_of)
        assert (final.as_of, final.elapsed, final.actual) == (D(2026, 12, 31), 1.0, customers)
        assert (final.status, final.reason) == (status, reason)


def test_an_increasing_total_past_its_target_is_achieved_early(
    warehouse: Warehouse, northwind: Plan
) -> None:
    for _ in range(61):
        convert(warehouse, D(2026, 3, 1), "new_customer")
    assert pace(warehouse, northwind, as_of=D(2026, 3, 31)).status == "achieved"


def test_a_cost_to_decrease_is_not_achieved_before_the_period_ends(
    warehouse: Warehouse, northwind: Plan
) -> None:
    support = northwind.goals[2]  # support_cost: baseline 410k, threshold 390k, target 360k
    plan = northwind.model_copy(update={"goals": [support]})
    for month in range(1, 7):
        snapshot(warehouse, month_end(2026, month), "support_cost", 30_000.0)
    half = pace(warehouse, plan, as_of=D(2026, 6, 30))
    assert half.actual == 180_000 and half.source == "snapshots"
    assert half.forecast == pytest.approx(180_000 * 365 / 181)  # 363k: past the threshold
    assert half.status == "on_track"  # below the target so far, but costs keep coming
    # Six equal months: nothing varies, so the run rate is the forecast exactly.
    assert half.forecast_low == half.forecast_high == pytest.approx(half.forecast)


def test_snapshot_flows_forecast_with_their_month_to_month_spread(
    warehouse: Warehouse, northwind: Plan
) -> None:
    support = northwind.goals[2]
    plan = northwind.model_copy(update={"goals": [support]})
    for month, value in zip(range(1, 7), (20_000.0, 40_000.0) * 3, strict=True):
        snapshot(warehouse, month_end(2026, month), "support_cost", value)
    half = pace(warehouse, plan, as_of=D(2026, 6, 30))
    elapsed = 181 / 365
    remaining = 6 * (1 - elapsed) / elapsed  # about 6.1 more months
    spread = statistics.stdev((20_000.0, 40_000.0) * 3)
    width = 1.645 * spread * math.sqrt(remaining + remaining**2 / 6)
    assert half.forecast is not None and half.forecast_low is not None
    assert half.forecast_low == pytest.approx(half.forecast - width)
    assert half.forecast_high == pytest.approx(half.forecast + width)
    done = pace(warehouse, plan, as_of=D(2026, 12, 31))
    assert done.forecast_low is None  # the year is over: nothing left to forecast


def test_a_month_dated_its_first_day_stands_for_the_whole_month(
    warehouse: Warehouse, northwind: Plan
) -> None:
    # Finance lists months as 01/01/2026 … 01/06/2026: June's figure covers June, so on
    # 20 June the goal is paced there, not at 1 June with six months over five.
    support = northwind.goals[2]
    plan = northwind.model_copy(update={"goals": [support]})
    for month in range(1, 7):
        snapshot(warehouse, dt.date(2026, month, 1), "support_cost", 30_000.0)
    convert(warehouse, D(2026, 6, 20), "new_customer")
    paced = pace(warehouse, plan, as_of=D(2026, 6, 20))
    assert (paced.as_of, paced.actual) == (D(2026, 6, 20), 180_000.0)
    assert paced.elapsed == pytest.approx(171 / 365)


def test_levels_move_from_baseline_to_target_and_use_the_mean(
    warehouse: Warehouse, northwind: Plan
) -> None:
    goal = northwind.goals[1]  # average_order_value 18,000 → 21,000, no threshold
    plan = northwind.model_copy(update={"goals": [goal]})
    for value in (19_000.0, 20_000.0, 21_000.0):
        convert(warehouse, D(2026, 2, 1), "deal_won", value)
    convert(warehouse, D(2026, 2, 2), "order", 500.0)  # deals won define the order value
    touch(warehouse, D(2026, 2, 28))
    early = pace(warehouse, plan, as_of=D(2026, 2, 28))
    assert early.kind == "level" and early.actual == 20_000.0 and early.forecast == 20_000.0
    assert early.expected == pytest.approx(18_000 + 3_000 * 59 / 365)
    # Past the 19,500 midpoint, but three deals' mean is €18,355 to €21,645 at 90%.
    assert early.status == "at_risk"
    assert "straddles it" in early.reason
    final = pace(warehouse, plan, as_of=D(2027, 3, 1))  # after the due date: capped at it
    assert final.as_of == D(2026, 12, 31)
    assert final.status == "stale"  # nothing since February


def test_goals_without_data_and_off_track_goals(warehouse: Warehouse, northwind: Plan) -> None:
    assert pace(warehouse, northwind, as_of=D(2026, 6, 30)).status == "no_data"
    for _ in range(30):
        convert(warehouse, D(2026, 12, 1), "new_customer")
    final = pace(warehouse, northwind)  # as_of: the last day with business data
    assert final.as_of == D(2026, 12, 1) and final.actual == 30
    # Run rate 32.6 is worse than last year's 40, and 30 customers in the year are
    # consistent with 22.8 to 42.4: the interval reaches past the baseline.
    assert final.status == "at_risk"


def test_the_demo_goals_have_the_statuses_the_simulator_made_true(full_demo: Path) -> None:
    directory = full_demo
    truth = json.loads((directory / "truth.json").read_text())["goals"]
    plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        paced = pace_goals(plan, w.table("conversions"), w.table("metric_snapshots"))
    assert {g.goal: g.status for g in paced} == {g: t["status"] for g, t in truth.items()}
    for goal in paced:
        assert goal.actual == pytest.approx(truth[goal.goal]["actual"]), goal.goal
        assert goal.as_of == D(2026, 12, 31)


@pytest.mark.parametrize("reaching", ["conversion", "touchpoint"])
def test_a_goal_is_final_only_when_its_own_data_reaches_the_due_date(
    warehouse: Warehouse, northwind: Plan, reaching: str
) -> None:
    # 45 new customers, the last on 10 December; a finance export's figure dated 31
    # December makes that the newest day of business data.
    for week in range(45):
        convert(warehouse, D(2026, 12, 10) - dt.timedelta(days=7 * week), "new_customer")
    snapshot(warehouse, D(2026, 12, 31), "support_cost", 30_000.0)
    early = pace(warehouse, northwind)
    # 21 days of the year are unknown to the warehouse: forecast, not "missed".
    assert early.status == "at_risk"
    assert (early.as_of, early.reference) == (D(2026, 12, 10), D(2026, 12, 31))
    assert early.elapsed == pytest.approx(344 / 365)
    assert early.forecast == pytest.approx(45 * 365 / 344)
    assert early.reason == (
        "the conversions and touchpoints run to 2026-12-10, 21 days before the due date "
        "2026-12-31: the forecast 47.75 (90%: 36.04 to 59.46) is short of the threshold 50 "
        "but better than the baseline 40"
    )
    # A lead, or a web visit, on the due date: the data covers the year, and 45 is final.
    if reaching == "conversion":
        convert(warehouse, D(2026, 12, 31), "lead")
    else:
        touch(warehouse, D(2026, 12, 31))
    final = pace(warehouse, northwind)
    assert (final.as_of, final.elapsed, final.actual) == (D(2026, 12, 31), 1.0, 45)
    assert (final.status, final.reason) == (
        "missed", "the period is over: it ended at 45, short of the target 60 and of its "
        "threshold 50"
    )  # fmt: skip


def test_a_snapshot_goal_is_final_only_when_its_own_snapshots_reach_the_due_date(
    warehouse: Warehouse, northwind: Plan
) -> None:
    support = northwind.goals[2]  # support_cost: baseline 410k, threshold 390k, target 360k
    plan = northwind.model_copy(update={"goals": [support]})
    for month in range(1, 12):
        snapshot(warehouse, month_end(2026, month), "support_cost", 30_000.0)
    convert(warehouse, D(2026, 12, 31), "lead")  # the CRM export runs to the due date
    # €330,000 to the end of November is under the target, but December's cost is unknown:
    # not "achieved" on eleven months of a year.
    early = pace(warehouse, plan)
    assert (early.as_of, early.actual, early.status) == (D(2026, 11, 30), 330_000, "on_track")
    assert early.reason.startswith(
        "the support_cost snapshots run to 2026-11-30, 31 days before the due date 2026-12-31: "
        "the forecast €360,629"
    )
    snapshot(warehouse, D(2026, 12, 31), "support_cost", 30_000.0)
    final = pace(warehouse, plan)
    assert (final.as_of, final.actual, final.status) == (D(2026, 12, 31), 360_000, "achieved")
    assert final.reason == "€360,000 reaches the target €360,000"


def test_a_quiet_day_inside_the_exports_is_covered(warehouse: Warehouse, northwind: Plan) -> None:
    # A sale every Friday of the year; paced at Tuesday 30 June, which had none, the goal
    # is measured at 30 June: the sales after it show the export covers that day.
    for week in range(52):
        convert(warehouse, D(2026, 1, 2) + dt.timedelta(days=7 * week), "new_customer")
    half = pace(warehouse, northwind, as_of=D(2026, 6, 30))
    assert (half.as_of, half.reference, half.actual) == (D(2026, 6, 30), D(2026, 6, 30), 26)
    assert half.reason.startswith("the forecast")
