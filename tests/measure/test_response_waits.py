"""How long an unanswered item has waited: to the newest data, the day measured, or its
tactic's end, whichever comes first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from outcomes.measure.conversation import tactic_conversation
from outcomes.plan import LoadedPlan
from outcomes.warehouse.connection import Warehouse
from tests.measure.test_conversation import T0, activity
from tests.measure.test_mapping import clinic_plan


def _respond(tactic: str, account: str, end: str) -> dict[str, object]:
    return {
        "id": tactic,
        "mode": "respond",
        "start": "2026-03-01",
        "end": end,
        "benchmarks": [{"metric": "first_response_minutes", "target": 60}],
        "measurement": {"sources": ["csv"], "match": {"accounts": [account]}},
    }


def test_an_item_unanswered_when_its_tactic_ended_waits_to_that_end_only(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    """Before: the spring tactic's comment of 2 March 09:00, never answered, waited to the
    newest activity of all tactics (20 March, the other tactic's): 18 days. After: to the
    end of its tactic's last day, 3 March: 39 hours."""
    w = warehouse
    plan = clinic_plan(
        load_data,
        _respond("spring-desk", "spring", "2026-03-03"),
        _respond("year-desk", "year", "2026-12-31"),
    )
    activity(w, "instagram", "comment", "c1", 0, account="spring", author="Ana", source="csv")
    activity(w, "instagram", "comment", "c2", 60, account="spring", author="Bo", source="csv")
    activity(w, "instagram", "reply", "r2", 90, in_reply_to="c2", account="spring", source="csv")
    days = 18 * 24 * 60
    activity(w, "instagram", "comment", "c3", days, account="year", author="Cy", source="csv")
    activity(
        w, "instagram", "reply", "r3", days + 20, in_reply_to="c3", account="year", source="csv"
    )
    for as_of in (None, dt.date(2026, 3, 25)):
        rows = tactic_conversation(plan, w.table("activities"), as_of=as_of)
        spring = {h.group["tactic"]: h for h in rows}["spring-desk"]
        assert spring.waiting_past_target == 1, as_of
        waited = (dt.datetime(2026, 3, 4, tzinfo=dt.UTC) - T0).total_seconds() / 60
        assert waited == 39 * 60
        assert spring.median_with_waiting == pytest.approx((30 + waited) / 2), as_of


def test_the_day_measured_bounds_the_wait_before_the_tactics_end(
    warehouse: Warehouse, load_data: Callable[..., LoadedPlan]
) -> None:
    w = warehouse
    plan = clinic_plan(load_data, _respond("year-desk", "year", "2026-12-31"))
    activity(w, "instagram", "comment", "c1", 0, account="year", author="Ana", source="csv")
    activity(w, "instagram", "post", "p1", 10 * 24 * 60, account="year", source="csv")
    [desk] = tactic_conversation(plan, w.table("activities"), as_of=dt.date(2026, 3, 2))
    assert desk.waiting_past_target == 1
    assert desk.median_with_waiting == pytest.approx(15 * 60)  # 09:00 to midnight
