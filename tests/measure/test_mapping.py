"""Mapping activities and touchpoints to the plan's tactics, run inside a real DuckDB warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outcomes.examples import example_path
from outcomes.measure.mapping import mapped_activities, mapped_touchpoints
from outcomes.measure.unplanned import find_unplanned
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse

ACTIVITY_COLUMNS = ("key", "channel", "account", "kind", "author", "text", "campaign")


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse.open(tmp_path) as opened:
        yield opened


@pytest.fixture
def northwind() -> Plan:
    return load_plan(example_path("northwind")).plan


def add_activities(warehouse: Warehouse, *rows: tuple[Any, ...]) -> None:
    for row in rows:
        warehouse.duckdb.execute(
            "INSERT INTO activities (key, channel, account, kind, author, text, campaign, source, ts, ingest_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'test', TIMESTAMPTZ '2026-03-02 10:00:00+00', 1)",
            list(row),
        )


def tactic_of(warehouse: Warehouse, plan: Plan) -> dict[str, str | None]:
    rows = (
        mapped_activities(plan, warehouse.table("activities"))
        .select("key", "tactic")
        .to_pyarrow()
        .to_pylist()
    )
    return {row["key"]: row["tactic"] for row in rows}


def test_each_rule_claims_its_activity(warehouse: Warehouse, northwind: Plan) -> None:
    add_activities(
        warehouse,
        (
            "by-operator",
            "linkedin",
            "Northwind",
            "post",
            "Ana Silva",
            "Three lessons from dispatch",
            None,
        ),
        (
            "by-campaign-link",
            "linkedin",
            "Northwind",
            "post",
            "Lee Chen",
            "Guide https://nw.io/?utm_campaign=li-company-guides&x=1",
            None,
        ),
        (
            "by-campaign-column",
            "linkedin",
            "Northwind",
            "post",
            "Lee Chen",
            "Guide",
            "LI-Company-Guides",
        ),
        ("by-account", "x", "@NorthwindHelp", "reply", "northwindhelp", "Sorted, thanks!", None),
        (
            "fallback-respond",
            "linkedin",
            "Northwind",
            "comment",
            "a buyer",
            "Does it work for vans?",
            None,
        ),
        (
            "cross-channel-campaign",
            "linkedin",
            "Northwind",
            "post",
            "Cy Mensah",
            "Meet us https://nw.io/?utm_campaign=logifair-2026",
            None,
        ),
        ("unplanned-post", "x", "northwind", "post", "northwind", "We won an award!", None),
        ("operator-elsewhere", "x", "ana", "post", "Ana Silva", "Weekend ride", None),
    )
    assert tactic_of(warehouse, northwind) == {
        "by-operator": "li-rep-insights",
        "by-campaign-link": "li-company-guides",
        "by-campaign-column": "li-company-guides",
        "by-account": "x-support",
        "fallback-respond": "li-listen-respond",
        "cross-channel-campaign": "trade-show",
        "unplanned-post": None,
        "operator-elsewhere": None,
    }


def test_touchpoints_need_every_utm_field_the_tactic_names(
    warehouse: Warehouse, northwind: Plan
) -> None:
    for key, source, campaign in [
        ("fb", "facebook", "fb-retarget"),
        ("fb-wrong-source", "linkedin", "fb-retarget"),
        ("guides", "linkedin", "li-company-guides"),
        ("none", None, None),
    ]:
        warehouse.duckdb.execute(
            "INSERT INTO touchpoints (key, source, journey_id, ts, utm_source, utm_campaign, ingest_id) "
            "VALUES (?, 'test', 'j', TIMESTAMPTZ '2026-03-02 10:00:00+00', ?, ?, 1)",
            [key, source, campaign],
        )
    rows = (
        mapped_touchpoints(northwind, warehouse.table("touchpoints"))
        .select("key", "tactic")
        .to_pyarrow()
        .to_pylist()
    )
    assert {r["key"]: r["tactic"] for r in rows} == {
        "fb": "fb-retarget",
        "fb-wrong-source": None,
        "guides": "li-company-guides",
        "none": None,
    }


def test_unplanned_report_groups_what_no_tactic_claims(
    warehouse: Warehouse, northwind: Plan
) -> None:
    add_activities(
        warehouse,
        ("a", "x", "northwind", "post", "northwind", "Award!", None),
        ("b", "x", "northwind", "post", "northwind", "Another award!", None),
        ("c", "instagram", "northwind", "post", "northwind", "Giveaway", None),
        ("d", "linkedin", "Northwind", "post", "Ana Silva", "Insight", None),
    )
    report = find_unplanned(
        northwind, warehouse.table("activities"), warehouse.table("touchpoints")
    )
    assert (report.activities, report.unplanned_activities) == (4, 3)
    assert [(g.channel, g.kind, g.count) for g in report.groups] == [
        ("x", "post", 2),
        ("instagram", "post", 1),
    ]
    assert report.share == pytest.approx(0.75)
