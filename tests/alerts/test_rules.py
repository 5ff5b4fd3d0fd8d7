"""The rules that raise alerts, on the bundled Northwind plan and measured rows written out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from outcomes.alerts.model import Thresholds
from outcomes.alerts.rules import goal_alerts, ingest_alerts, response_alerts, stopped_alerts
from outcomes.briefing.build import IngestRow
from outcomes.measure.cadence import CadenceRow
from outcomes.measure.pacing import GoalPace
from outcomes.measure.response_days import ResponseDay, missed_runs
from outcomes.measure.response_waits import ResponseTarget
from outcomes.plan import Plan, load_plan

AS_OF = dt.date(2026, 6, 30)
NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def plan(northwind_path: Path) -> Plan:
    return load_plan(northwind_path).plan


def pace(goal: str, status: str) -> GoalPace:
    return GoalPace(
        goal=goal, metric="won_deals", direction="increase", kind="flow", as_of=AS_OF,
        elapsed=0.5, baseline=10, threshold=None, target=40, actual=12.0, expected=25.0,
        forecast=24.0, forecast_low=20.0, forecast_high=28.0, status=status,  # type: ignore[arg-type]
        source="hubspot", last_data=AS_OF,
    )  # fmt: skip


def test_a_goal_that_worsens_since_the_last_run_raises_one_alert(plan: Plan) -> None:
    first, second, third = (goal.id for goal in plan.goals[:3])
    previous = {first: "on_track", second: "off_track", third: "at_risk"}
    now = [pace(first, "off_track"), pace(second, "at_risk"), pace(third, "at_risk")]

    found = goal_alerts(plan, now, previous)

    assert [alert.key for alert in found] == [f"goal:{first}"]
    alert = found[0]
    assert alert.severity == "critical"
    assert alert.state == "on_track->off_track"
    assert alert.link == f"/goals/{first}"
    assert plan.goals[0].title in alert.title and "off track" in alert.title
    assert "was on track" in alert.title
    assert alert.detail == (
        "won_deals as of 2026-06-30: actual 12, forecast 24, target 40 (baseline 10)."
    )


def test_a_goal_alert_writes_its_figures_in_the_metrics_unit(plan: Plan) -> None:
    # Average order value is money: €412.50 with its cents (below 1,000), never "412".
    [goal] = [goal for goal in plan.goals if goal.metric == "average_order_value"]
    money = dataclasses.replace(
        pace(goal.id, "off_track"), metric="average_order_value", actual=412.5,
        forecast=430.0, target=520.0, baseline=400.0,
    )  # fmt: skip

    [alert] = goal_alerts(plan, [money], {goal.id: "on_track"})

    assert alert.detail == (
        "average_order_value as of 2026-06-30: actual €412.50, forecast €430, "
        "target €520 (baseline €400)."
    )


def test_a_goal_seen_first_or_without_data_raises_nothing(plan: Plan) -> None:
    first, second = (goal.id for goal in plan.goals[:2])
    assert goal_alerts(plan, [pace(first, "off_track")], {}) == []
    assert goal_alerts(plan, [pace(second, "no_data")], {second: "on_track"}) == []
    assert goal_alerts(plan, [pace(second, "off_track")], {second: "no_data"}) == []
    stale = goal_alerts(plan, [pace(second, "stale")], {second: "on_track"})
    assert [(alert.severity, alert.state) for alert in stale] == [("warning", "on_track->stale")]


def day(
    tactic: str, date: str, median: float | None, inbound: int = 2, answered: int = 2
) -> ResponseDay:
    return ResponseDay(
        tactic, dt.date.fromisoformat(date), inbound, answered, median, ResponseTarget(60.0)
    )


def test_the_run_of_missed_days_ends_at_the_newest_day_and_a_met_day_breaks_it() -> None:
    days = [
        day("help", "2026-06-20", 200.0),
        day("help", "2026-06-22", 30.0),  # met: the run starts after it
        day("help", "2026-06-24", 90.0),
        day("help", "2026-06-26", None, inbound=3, answered=0),  # nobody answered: missed
        day("help", "2026-06-29", 61.0),
        day("sales", "2026-06-29", 500.0),
        day("sales", "2026-06-30", 10.0),
    ]
    runs = {run.tactic: run for run in missed_runs(days)}

    assert [d.day.isoformat() for d in runs["help"].days] == [
        "2026-06-24",
        "2026-06-26",
        "2026-06-29",
    ]
    assert runs["help"].since == dt.date(2026, 6, 24)
    assert runs["sales"].days == ()


def test_a_response_target_missed_n_days_running_alerts_once_per_run(plan: Plan) -> None:
    tactic = plan.tactics[0].id
    days = [day(tactic, f"2026-06-{n}", 120.0) for n in (27, 28, 29)]
    three = missed_runs(days)

    assert response_alerts(plan, three, Thresholds(response_days=4)) == []
    (alert,) = response_alerts(plan, three, Thresholds(response_days=3))
    assert alert.key == f"response:{tactic}" and alert.link == "/conversation"
    assert "3 days running" in alert.title
    # A fourth missed day continues the same run: the same state, so it is not news again.
    (later,) = response_alerts(
        plan, missed_runs([*days, day(tactic, "2026-06-30", 99.0)]), Thresholds()
    )
    assert later.state == alert.state == "since 2026-06-27"


def cadence(tactic: str, last: dt.date | None, per: str = "week") -> CadenceRow:
    return CadenceRow(
        tactic=tactic, operator="(tactic)", planned_per_period=2, per=per, periods=20,
        periods_kept=10, activities=30, last_activity=last, status="irregular",
    )  # fmt: skip


def test_a_tactic_stops_when_silent_longer_than_its_cadence_allows(plan: Plan) -> None:
    running = [t for t in plan.tactics if t.start <= AS_OF <= t.end]
    first, second = running[0].id, running[1].id
    rows = [
        cadence(first, AS_OF - dt.timedelta(days=15)),  # two weeks and a day: stopped
        cadence(second, AS_OF - dt.timedelta(days=14)),  # exactly two weeks: allowed
    ]
    (alert,) = stopped_alerts(plan, rows, AS_OF, Thresholds())
    assert alert.key == f"tactic:{first}" and alert.link == f"/tactics/{first}"
    assert "no activity for 15 days" in alert.title
    monthly = [cadence(first, AS_OF - dt.timedelta(days=40), per="month")]
    assert stopped_alerts(plan, monthly, AS_OF, Thresholds()) == []
    assert stopped_alerts(plan, [cadence(first, None)], AS_OF, Thresholds()) == []


def ingest(ident: int, read: int, rejected: int, days_ago: float) -> IngestRow:
    finished = NOW - dt.timedelta(days=days_ago)
    return IngestRow(
        ident, f"exports/{ident}.csv", "csv", read, read - rejected, 0, 0, rejected, 0, finished
    )


def test_an_ingest_rejecting_many_rows_alerts_by_count_or_share_when_recent() -> None:
    rows = [
        ingest(1, read=1000, rejected=12, days_ago=1),  # 12 rows: over the count
        ingest(2, read=20, rejected=2, days_ago=1),  # 10 %: over the share
        ingest(3, read=1000, rejected=5, days_ago=1),  # neither
        ingest(4, read=100, rejected=90, days_ago=30),  # too old to be news
        ingest(5, read=10, rejected=8, days_ago=0),  # most of the file: critical
    ]
    found = {alert.key: alert for alert in ingest_alerts(rows, NOW, Thresholds())}

    assert sorted(found) == ["ingest:1", "ingest:2", "ingest:5"]
    assert found["ingest:5"].severity == "critical" and found["ingest:1"].severity == "warning"
    assert "rejected 12 of 1,000 rows" in found["ingest:1"].title
    stricter = ingest_alerts(rows, NOW, Thresholds(rejected_rows=100, rejected_share=0.5))
    assert [alert.key for alert in stricter] == ["ingest:5"]


def test_a_day_whose_inbound_items_are_not_exported_is_judged_by_its_answers() -> None:
    slow = ResponseDay("x", dt.date(2026, 6, 29), None, 4, 120.0, ResponseTarget(60.0))
    quick = ResponseDay("x", dt.date(2026, 6, 30), None, 4, 30.0, ResponseTarget(60.0))
    assert slow.missed and not quick.missed
    assert missed_runs([slow, quick])[0].days == ()
    assert missed_runs([quick, slow])[0].days == ()  # order of the input does not matter
