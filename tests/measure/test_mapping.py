"""Mapping activities and touchpoints to the plan's tactics, run inside a real DuckDB warehouse."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from outcomes.examples import example_path
from outcomes.measure.mapping import mapped_activities, mapped_touchpoints
from outcomes.measure.unplanned import find_unplanned
from outcomes.plan import LoadedPlan, Plan, load_plan
from outcomes.warehouse.connection import Warehouse
from tests.conftest import CLEAN_PLAN


def clean_plan_data() -> dict[str, Any]:
    return copy.deepcopy(CLEAN_PLAN)


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


def clinic_plan(load_data: Callable[..., LoadedPlan], *tactics: dict[str, Any]) -> Plan:
    """A plan with the given tactics on Instagram (the rest of the plan is the clean one)."""
    data = clean_plan_data()
    base = data["tactics"][0]
    data["tactics"] = [
        {
            **{k: v for k, v in base.items() if k not in ("pilot", "cadence")},
            "channel": "instagram",
            "measurement": {"sources": ["meta"]},
            **tactic,
        }
        for tactic in tactics
    ]
    return load_data(data).plan


def add_rows(warehouse: Warehouse, *rows: tuple[str, str, str, str, str]) -> None:
    """(key, kind, account, author, text) on Instagram."""
    add_activities(
        warehouse,
        *(
            (key, "instagram", account, kind, author, text, None)
            for key, kind, account, author, text in rows
        ),
    )


CLINIC_ROWS = (
    ("story", "post", "kerrphysio", "kerrphysio", "3 moves for a stiff lower back #physio"),
    ("repost", "repost", "kerrphysio", "kerrphysio", "RT a patient"),
    ("answer", "reply", "kerrphysio", "kerrphysio", "Yes, Saturdays too!"),
    ("question", "comment", "kerrphysio", "a patient", "Are you open Saturdays?"),
    ("dm", "message_in", "kerrphysio", "a patient", "Can I move my visit?"),
    ("elsewhere", "post", "otherclinic", "otherclinic", "Not ours"),
)


def test_publish_and_respond_tactics_share_an_account(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    """Both name the account; each claims its mode's kinds, whichever comes first."""
    publish = {
        "id": "stories",
        "mode": "publish",
        "measurement": {"sources": ["meta"], "match": {"accounts": ["@KerrPhysio"]}},
    }
    respond = {
        "id": "front-desk",
        "mode": "respond",
        "measurement": {"sources": ["meta"], "match": {"accounts": ["kerrphysio"]}},
    }
    add_rows(warehouse, *CLINIC_ROWS)
    expected = {
        "story": "stories",
        "repost": "stories",
        "answer": "front-desk",
        "question": "front-desk",
        "dm": "front-desk",
        "elsewhere": None,
    }
    for order in ((publish, respond), (respond, publish)):
        assert tactic_of(warehouse, clinic_plan(load_data, *order)) == expected


def test_match_kinds_decide_what_an_account_matcher_claims(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    """Written kinds replace the mode's: this respond tactic takes posts, not comments."""
    respond = {
        "id": "front-desk",
        "mode": "respond",
        "measurement": {
            "sources": ["meta"],
            "match": {"accounts": ["kerrphysio"], "kinds": ["post", "reply"]},
        },
    }
    add_rows(warehouse, *CLINIC_ROWS)
    found = tactic_of(warehouse, clinic_plan(load_data, respond))
    assert found == {
        "story": "front-desk",
        "repost": None,
        "answer": "front-desk",
        "question": None,
        "dm": None,
        "elsewhere": None,
    }


def test_the_most_specific_claim_wins_whatever_the_plan_order(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    """Criteria beat a channel default; more criteria met beat fewer; written kinds count."""
    default = {"id": "all-posts", "mode": "publish"}
    account = {
        "id": "account",
        "mode": "publish",
        "measurement": {"sources": ["meta"], "match": {"accounts": ["kerrphysio"]}},
    }
    tagged = {
        "id": "tagged",
        "mode": "publish",
        "measurement": {
            "sources": ["meta"],
            "match": {"accounts": ["kerrphysio"], "hashtags": ["physio"]},
        },
    }
    kinds = {
        "id": "kinds",
        "mode": "publish",
        "measurement": {
            "sources": ["meta"],
            "match": {"accounts": ["kerrphysio"], "kinds": ["repost"]},
        },
    }
    add_rows(warehouse, *CLINIC_ROWS)
    expected = {
        "story": "tagged",  # account + hashtag (2) over account (1) and the default (0)
        "repost": "kinds",  # account + written kinds (2) over account (1)
        "answer": None,
        "question": None,
        "dm": None,
        "elsewhere": "all-posts",  # only the channel default claims another account's post
    }
    tactics = [default, account, tagged, kinds]
    for order in (tactics, tactics[::-1], [tagged, default, kinds, account]):
        assert tactic_of(warehouse, clinic_plan(load_data, *order)) == expected


def test_a_tie_goes_to_the_tactic_first_in_the_plan(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    first = {
        "id": "first",
        "mode": "publish",
        "measurement": {"sources": ["meta"], "match": {"accounts": ["kerrphysio"]}},
    }
    second = {
        "id": "second",
        "mode": "publish",
        "measurement": {"sources": ["meta"], "match": {"hashtags": ["#Physio"]}},
    }
    add_rows(warehouse, CLINIC_ROWS[0])
    assert tactic_of(warehouse, clinic_plan(load_data, first, second)) == {"story": "first"}
    assert tactic_of(warehouse, clinic_plan(load_data, second, first)) == {"story": "second"}


def test_touchpoints_go_to_the_tactic_naming_more_utm_fields(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    broad = {
        "id": "broad",
        "mode": "publish",
        "measurement": {"sources": ["meta"], "match": {"utm_campaign": ["spring"]}},
    }
    narrow = {
        "id": "narrow",
        "mode": "advertise",
        "measurement": {
            "sources": ["meta"],
            "match": {"utm_campaign": ["spring"], "utm_source": ["instagram"]},
        },
    }
    for key, source in [("paid", "instagram"), ("shared", "facebook")]:
        warehouse.duckdb.execute(
            "INSERT INTO touchpoints (key, source, journey_id, ts, utm_source, utm_campaign, ingest_id) "
            "VALUES (?, 'test', 'j', TIMESTAMPTZ '2026-03-02 10:00:00+00', ?, 'spring', 1)",
            [key, source],
        )
    for order in ((broad, narrow), (narrow, broad)):
        plan = clinic_plan(load_data, *order)
        rows = mapped_touchpoints(plan, warehouse.table("touchpoints")).select("key", "tactic")
        found = {r["key"]: r["tactic"] for r in rows.to_pyarrow().to_pylist()}
        assert found == {"paid": "narrow", "shared": "broad"}
