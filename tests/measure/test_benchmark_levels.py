"""Level benchmarks (rates, response times) and pipeline counts claim no more than their
dates and data: measured over the tactic's dates to the day measured, and final only at
the tactic's end.

Hand-made rows in a real warehouse, on the Northwind plan: `li-listen-respond` answers
LinkedIn comments from 15 January to 31 December (first response target 240 minutes,
threshold 480; response rate target 0.95, threshold 0.8).
"""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.measure.benchmarks import BenchmarkResult, tactic_benchmarks
from outcomes.measure.tactic_status import tactic_statuses
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

LISTEN = "li-listen-respond"
AS_OF = dt.date(2026, 4, 30)


def measured(
    plan: Plan, w: Warehouse, as_of: dt.date = AS_OF
) -> dict[tuple[str, str], BenchmarkResult]:
    results = tactic_benchmarks(
        plan, w.table("activities"), w.table("touchpoints"), w.table("conversions"),
        as_of=as_of,
    )  # fmt: skip
    return {(r.tactic, r.metric): r for r in results}


def on_linkedin(w: Warehouse, rows: list[tuple[str, str, str | None, dt.datetime]]) -> None:
    """Activities on the LinkedIn page: (kind, native id, the id it answers, time)."""
    for kind, native_id, reply_to, when in rows:
        w.duckdb.execute(
            "INSERT INTO activities (key, source, channel, account, native_id, kind, "
            "in_reply_to, ts, ingest_id) VALUES (?, 'test', 'linkedin', 'page', ?, ?, ?, ?, 1)",
            [native_id, native_id, kind, reply_to, when],
        )


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def test_conversation_levels_count_only_the_tactics_dates_to_the_day_measured(
    plan: Plan, warehouse: Warehouse
) -> None:
    on_linkedin(
        warehouse,
        [
            ("comment", "c0", None, at(1, 5)),  # before the tactic starts: not its work
            ("comment", "c1", None, at(3, 2)),
            ("reply", "r1", "c1", at(3, 2, 10)),  # answered in 60 minutes
            ("comment", "c2", None, at(3, 10)),
            ("reply", "r2", "c2", at(5, 20)),  # answered after the day measured
            ("comment", "c3", None, at(5, 10)),  # came in after the day measured
            ("reply", "r3", "c3", at(5, 10, 9, 30)),
            ("post", "p1", None, at(6, 30)),  # the page's export runs to 30 June
        ],
    )
    found = measured(plan, warehouse)
    rate = found[(LISTEN, "response_rate")]
    # On 30 April two comments had come in since 15 January, and one was answered. Before,
    # c0 and c3 counted, and r2 answered c2 before it was written: 3 of 4.
    assert (rate.actual, rate.measured_to) == (0.5, AS_OF)
    wait = found[(LISTEN, "first_response_minutes")]
    # c2 waits from 10 March 09:00 to the end of 30 April, unanswered that day: past the
    # target, it counts as its wait so far beside c1's 60 minutes.
    waited = (dt.datetime(2026, 5, 1, tzinfo=dt.UTC) - at(3, 10)).total_seconds() / 60
    assert wait.actual == pytest.approx((60 + waited) / 2)
    assert wait.note is not None and wait.note.startswith("counting 1 message still unanswered")


def touch(w: Warehouse, journey: str, ts: dt.datetime, campaign: str) -> None:
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, utm_source, "
        "utm_campaign, ingest_id) VALUES (?, 'ga4', ?, ?, 'linkedin', 'linkedin', ?, 1)",
        [f"t-{journey}-{ts}", journey, ts, campaign],
    )


def convert(w: Warehouse, journey: str, ts: dt.datetime, type_: str) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, journey_id, ts, type, channel, ingest_id) "
        "VALUES (?, 'ga4', ?, ?, ?, 'email', 1)",
        [f"c-{journey}-{ts}", journey, ts, type_],
    )


def test_pipeline_counts_are_cut_at_the_day_measured(plan: Plan, warehouse: Warehouse) -> None:
    # li-company-guides (from 15 January) counts qualified leads whose journeys touched
    # its campaign; the newsletter, tickets deflected on email. The exports run to June.
    touch(warehouse, "j1", at(3, 1), "li-company-guides")
    convert(warehouse, "j1", at(3, 2), "qualified_lead")
    touch(warehouse, "j2", at(5, 1), "li-company-guides")
    convert(warehouse, "j2", at(5, 20), "qualified_lead")  # after the day measured
    convert(warehouse, "d1", at(3, 1), "ticket_deflected")
    convert(warehouse, "d2", at(5, 20), "ticket_deflected")  # after the day measured
    touch(warehouse, "j3", at(6, 30), "elsewhere")
    found = measured(plan, warehouse)
    # On 30 April one lead and one ticket had come; before, May's counted too (2 and 2).
    leads = found[("li-company-guides", "qualified_leads")]
    assert (leads.actual, leads.measured_to) == (1.0, AS_OF)
    tickets = found[("customer-newsletter", "support_tickets_deflected")]
    assert (tickets.actual, tickets.measured_to) == (1.0, AS_OF)


def test_a_level_at_its_target_is_on_track_until_its_data_reaches_the_end(
    plan: Plan, warehouse: Warehouse
) -> None:
    on_linkedin(
        warehouse,
        [
            ("comment", "c1", None, at(3, 2)),
            ("reply", "r1", "c1", at(3, 2, 10)),
            ("post", "p1", None, at(12, 31)),  # the page's export runs to the year's end
        ],
    )
    rate = measured(plan, warehouse)[(LISTEN, "response_rate")]
    # Every comment answered by 30 April: past the target 0.95, but a rate can fall back
    # before 31 December. Before, it read "achieved" in April.
    assert (rate.actual, rate.status, rate.final) == (1.0, "on_track", False)
    assert rate.status_note == "at its target before the tactic's end 2026-12-31: final only then"
    [judged] = [s for s in tactic_statuses(plan, [rate], [], AS_OF) if s.tactic == LISTEN]
    assert judged.reason == (
        "no business outcome yet; response_rate 1 (target 0.95, at its target before the "
        "tactic's end 2026-12-31: final only then): on track"
    )
    # Its data reaching the end, the same rate is final.
    at_end = measured(plan, warehouse, as_of=dt.date(2026, 12, 31))[(LISTEN, "response_rate")]
    assert (at_end.status, at_end.status_note) == ("achieved", None)
