"""The day the scorecard measures to: without any business data, a workspace holding only
the social exports (the first thing most users load) is measured to its newest activity,
not to the goals' start, where a year of posts read "no data yet, it starts on…"."""

from __future__ import annotations

import datetime as dt

from outcomes.briefing.build import BriefingOptions, build_briefing
from outcomes.examples import example_path
from outcomes.measure.scorecard import build_scorecard
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse


def post(w: Warehouse, key: str, day: dt.date, kind: str = "post") -> None:
    """A post of @northwindhelp, x-support's account, at noon on `day`."""
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, author, native_id, kind, ts, "
        "ingest_id) VALUES (?, 'test', 'x', 'northwindhelp', 'northwindhelp', ?, ?, ?, 1)",
        [key, key, kind, dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)],
    )


def order(w: Warehouse, day: dt.date) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, ts, type, value, ingest_id) "
        "VALUES ('o1', 'test', ?, 'order', 100, 1)",
        [dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)],
    )


def test_social_exports_alone_are_measured_to_their_newest_day(
    plan: Plan, warehouse: Warehouse
) -> None:
    for month in range(1, 10):
        post(warehouse, f"p{month}", dt.date(2026, month, 28))
    card = build_scorecard(plan, warehouse)
    assert card.as_of == dt.date(2026, 9, 28)
    assert card.to_json()["as_of"] == "2026-09-28"
    # The goals have no data: they stay at their start, with nothing to say.
    assert {g.status for g in card.goals} == {"no_data"}
    # li-rep-insights starts on 1 February: by 28 September it has started, and its
    # status says what it lacks, not that it has not begun.
    [rep] = [t for t in card.tactic_status if t.tactic == "li-rep-insights"]
    assert "it starts on" not in rep.reason, rep.reason
    # Its planned hours are pro-rated to that day, not to 1 January's none.
    [hours] = [r for r in card.resources if r.tactic == "li-rep-insights"]
    assert hours.planned_hours > 0


def test_business_data_keeps_the_day_its_own(plan: Plan, warehouse: Warehouse) -> None:
    """With an order on 31 March, the day is the business data's, whatever the posts'."""
    order(warehouse, dt.date(2026, 3, 31))
    post(warehouse, "late", dt.date(2026, 9, 28))
    assert build_scorecard(plan, warehouse).as_of == dt.date(2026, 3, 31)


def test_the_day_stays_within_the_plan_and_is_the_briefings(warehouse: Warehouse) -> None:
    loaded = load_plan(example_path("northwind"))
    post(warehouse, "after", dt.date(2027, 2, 1))
    briefing = build_briefing(loaded, warehouse, BriefingOptions(bootstrap=0), explorer=False)
    assert briefing.scorecard.as_of == briefing.as_of == dt.date(2026, 12, 31)
    asked = build_scorecard(loaded.plan, warehouse, as_of=dt.date(2026, 6, 1))
    assert asked.as_of == dt.date(2026, 6, 1)
