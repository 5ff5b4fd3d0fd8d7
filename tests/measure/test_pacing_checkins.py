"""A goal on a plan's own metric counted in weekly check-ins is a flow: the weeks' counts
add up over the goal's period.

Corliss Valve & Pump (the eighth company) counts the customer ideas the product team
accepted each week in check-ins (`{"ideas_accepted": 2}` for the week of 19 October).
Read as a level, its goal showed the last week's count, 1, as the actual: "off track:
the forecast 1 is at or worse than the baseline 2" after 4 ideas accepted."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from outcomes.examples import example_path
from outcomes.measure.pacing import GoalPace, pace_goals
from outcomes.plan import Plan, load_plan
from outcomes.plan.model import MetricDefinition
from outcomes.warehouse.connection import Warehouse
from tests.measure.test_pacing import with_goal

_keys = count()
IDEAS = MetricDefinition.model_validate(
    {"id": "ideas_accepted", "name": "Ideas accepted", "class": "business", "unit": "count"}
)


@pytest.fixture(scope="module")
def northwind() -> Plan:
    return load_plan(example_path("northwind")).plan


def weekly(w: Warehouse, source: str, week: dt.date, value: float) -> None:
    w.duckdb.execute(
        "INSERT INTO metric_snapshots (key, source, channel, entity, entity_kind, metric, date, "
        "value, ingest_id) VALUES (?, ?, 'mastodon', 'field-listening', 'campaign', "
        "'ideas_accepted', ?, ?, 1)",
        [f"s{next(_keys)}", source, week, value],
    )


def ideas_plan(northwind: Plan) -> Plan:
    plan = with_goal(
        northwind,
        id="product-feedback", metric="ideas_accepted", direction="increase",
        baseline=2, threshold=5, target=8, stretch=None,
        start=dt.date(2026, 9, 1), due=dt.date(2026, 12, 31), scope=None,
    )  # fmt: skip
    return plan.model_copy(update={"metrics": [*plan.metrics, IDEAS]})


def paced_ideas(warehouse: Warehouse, northwind: Plan) -> GoalPace:
    """The ideas goal paced on 30 November, from what `warehouse` holds."""
    [paced] = pace_goals(
        ideas_plan(northwind),
        warehouse.table("conversions"),
        warehouse.table("metric_snapshots"),
        as_of=dt.date(2026, 11, 30),
    )
    return paced


def test_weekly_checkin_counts_add_up_over_the_goal(warehouse: Warehouse, northwind: Plan) -> None:
    for week, accepted in [(dt.date(2026, 9, 28), 1), (dt.date(2026, 10, 19), 2)]:
        weekly(warehouse, "checkin", week, accepted)
    weekly(warehouse, "checkin", dt.date(2026, 11, 16), 1)
    paced = paced_ideas(warehouse, northwind)
    assert (paced.kind, paced.actual) == ("flow", 4.0)
    assert paced.status != "off_track"


def test_the_same_metric_from_an_export_stays_a_level(
    warehouse: Warehouse, northwind: Plan
) -> None:
    # A register exported as the running figure is read as written: its latest value.
    weekly(warehouse, "csv", dt.date(2026, 10, 31), 3)
    weekly(warehouse, "csv", dt.date(2026, 11, 30), 4)
    paced = paced_ideas(warehouse, northwind)
    assert (paced.kind, paced.actual) == ("level", 4.0)
