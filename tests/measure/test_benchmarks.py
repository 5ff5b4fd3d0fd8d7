"""Tactic benchmarks measured: hand-made rows for the status rules, the demo for the sources."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from outcomes.examples import example_text
from outcomes.measure.benchmarks import BenchmarkResult, tactic_benchmarks
from outcomes.measure.conversation import tactic_conversation
from outcomes.measure.tactic_status import tactic_statuses
from outcomes.plan import Plan, load_plan, load_plan_text
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache

END = dt.date(2026, 12, 31)


def measured(
    plan: Plan, w: Warehouse, as_of: dt.date = END
) -> dict[tuple[str, str], BenchmarkResult]:
    results = tactic_benchmarks(plan, w.table("activities"), w.table("touchpoints"),
                                w.table("conversions"), as_of=as_of)  # fmt: skip
    return {(r.tactic, r.metric): r for r in results}


def deflect(w: Warehouse, n: int, channel: str) -> None:
    """`n` deflected tickets on `channel` on 1 March, keyed `<channel>0` to
    `<channel><n - 1>`, from exports that run to the year's end (`visit`)."""
    # One statement: a thousand single-row INSERTs took seconds.
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, ts, type, channel, ingest_id) "
        "SELECT ? || i, 'test', ?, 'ticket_deflected', ?, 1 FROM range(?) AS numbers(i)",
        [channel, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), channel, n],
    )
    visit(w, END)


def visit(w: Warehouse, day: dt.date) -> None:
    """A web visit on `day`: the business data reaches it (a benchmark on conversions is
    measured to the newest conversion's or touchpoint's day)."""
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, ingest_id) "
        "VALUES (?, 'test', 'visitor', ?, 1)",
        [f"visit-{day}", dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)],
    )


def test_status_against_baseline_threshold_and_target(plan: Plan, warehouse: Warehouse) -> None:
    # x-support: deflections baseline 0, target 1,500 (midpoint 750); newsletter: target 300.
    deflect(warehouse, 800, "x")
    deflect(warehouse, 300, "email")
    found = measured(plan, warehouse)
    x = found[("x-support", "support_tickets_deflected")]
    # Past the midpoint, yet the tactic is over: short of its target for good.
    assert (x.actual, x.status) == (800.0, "missed")
    email = found[("customer-newsletter", "support_tickets_deflected")]
    assert (email.actual, email.status) == (300.0, "achieved")
    # No replies of the support account: its first-response benchmark has no data.
    assert found[("x-support", "first_response_minutes")].status == "no_data"
    # Tactics that have not started by as_of are left out.
    early = measured(plan, warehouse, as_of=dt.date(2026, 2, 15))
    assert ("fb-retarget", "demo_requests") not in early and (
        "x-support",
        "support_tickets_deflected",
    ) in early


def test_the_demo_benchmarks_read_the_planted_numbers(
    demo_cache: DemoCache, tmp_path: Path
) -> None:
    directory = demo_cache.copy(0.1, tmp_path / "northwind").workspace
    truth = json.loads((directory / "truth.json").read_text())["tactics"]
    demo_plan = load_plan(directory / "plan.yaml").plan
    with Warehouse.open(directory) as w:
        found = measured(demo_plan, w)
        activities = w.table("activities")
        everything = {h.group["tactic"]: h for h in tactic_conversation(demo_plan, activities)}
        # The benchmarks count each tactic's own dates, to the day measured; the planted
        # conversations run the channel's whole year.
        talk = {h.group["tactic"]: h for h in tactic_conversation(demo_plan, activities, as_of=END)}
    rate = found[("li-rep-insights", "response_rate")]
    assert rate.actual == pytest.approx(
        truth["li-rep-insights"]["conversation"]["response_rate"], abs=5e-5
    )
    listen = found[("li-listen-respond", "first_response_minutes")]
    planted = truth["li-listen-respond"]["conversation"]["median_first_response_minutes"]
    # The planted median is of the answered comments; the benchmark also counts those
    # still unanswered past its target, each as its wait so far, and says so.
    assert everything["li-listen-respond"].median_first_response_minutes == pytest.approx(
        planted, abs=0.05
    )
    health = talk["li-listen-respond"]
    assert health.waiting_past_target > 0
    assert health.median_first_response_minutes is not None
    assert listen.actual == health.median_with_waiting
    assert listen.actual > health.median_first_response_minutes
    assert listen.note is not None and listen.note.startswith(
        f"counting {health.waiting_past_target} messages still unanswered past the target"
    )
    support = found[("x-support", "support_tickets_deflected")]
    assert support.actual == truth["x-support"]["tickets_deflected"]
    leads = found[("li-company-guides", "qualified_leads")]
    assert leads.actual is not None and leads.actual > 0


def test_a_business_hours_benchmark_reads_waits_in_the_plans_time_zone(
    warehouse: Warehouse,
) -> None:
    text = example_text("northwind").replace(
        "currency: EUR", "currency: EUR\n  business_hours: {time_zone: Europe/Amsterdam}", 1
    )
    old = "      - {metric: first_response_minutes, threshold: 480, target: 240}\n"
    assert old in text
    text = text.replace(
        old, old + "      - {metric: first_response_business_minutes, threshold: 120, target: 60}\n"
    )
    plan = load_plan_text(text).plan
    # A comment at 16:30 on a Friday in Amsterdam (15:30 UTC), answered at 09:30 on Monday;
    # the page's export runs to the year's end, its last post on 31 December.
    for kind, native_id, reply_to, when in [
        ("comment", "c1", None, dt.datetime(2026, 3, 6, 15, 30, tzinfo=dt.UTC)),
        ("reply", "r1", "c1", dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.UTC)),
        ("post", "p1", None, dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC)),
    ]:
        warehouse.duckdb.execute(
            "INSERT INTO activities (key, source, channel, account, native_id, kind, "
            "in_reply_to, ts, ingest_id) VALUES (?, 'test', 'linkedin', 'page', ?, ?, ?, ?, 1)",
            [native_id, native_id, kind, reply_to, when],
        )
    found = measured(plan, warehouse)
    business = found[("li-listen-respond", "first_response_business_minutes")]
    assert (business.actual, business.status) == (60.0, "achieved")
    calendar = found[("li-listen-respond", "first_response_minutes")]
    # Short of its target when the tactic ends (as_of is its last day): final.
    assert (calendar.actual, calendar.status) == (65 * 60.0, "missed")


NEWSLETTER = "      - {metric: support_tickets_deflected, baseline: 0, target: 300, per: period}\n"


def newsletter_plan(benchmark: str) -> Plan:
    text = example_text("northwind")
    assert NEWSLETTER in text
    return load_plan_text(text.replace(NEWSLETTER, benchmark)).plan


@pytest.mark.parametrize(
    ("deflected", "as_of", "status"),
    [
        # 280 of 300 with a month left runs at 306 by December: on track, not short.
        (280, dt.date(2026, 11, 30), "on_track"),
        (100, dt.date(2026, 3, 31), "on_track"),  # a quarter in, a third of the target
        (60, dt.date(2026, 6, 30), "at_risk"),  # runs at 121: better than 0, short of 290
        (300, dt.date(2026, 6, 30), "achieved"),  # a total past its target stays past it
        (280, dt.date(2026, 12, 31), "missed"),  # the year is over: 280 is final
    ],
)
def test_a_period_total_is_paced_through_the_tactics_dates(
    warehouse: Warehouse, deflected: int, as_of: dt.date, status: str
) -> None:
    plan = newsletter_plan(
        "      - {metric: support_tickets_deflected, baseline: 0, threshold: 290, target: 300}\n"
    )
    deflect(warehouse, deflected, "email")
    result = measured(plan, warehouse, as_of=as_of)[
        ("customer-newsletter", "support_tickets_deflected")
    ]
    elapsed = ((as_of - dt.date(2026, 1, 1)).days + 1) / 365
    assert result.elapsed == pytest.approx(elapsed)
    assert result.expected == pytest.approx(300 * elapsed)
    assert result.forecast == pytest.approx(deflected / elapsed)
    assert result.status == status
    assert result.outcome  # support_tickets_deflected is a business metric


def test_a_rate_per_week_is_judged_on_its_value_not_paced(warehouse: Warehouse) -> None:
    plan = newsletter_plan(
        "      - {metric: support_tickets_deflected, threshold: 5, target: 6, per: week}\n"
    )
    deflect(warehouse, 60, "email")  # 60 in the 13 weeks to 1 April: 4.6 a week
    result = measured(plan, warehouse, as_of=dt.date(2026, 4, 1))[
        ("customer-newsletter", "support_tickets_deflected")
    ]
    assert result.actual == pytest.approx(60 / (91 / 7))
    assert result.forecast == result.actual and result.expected == 6
    assert result.status == "at_risk"  # no baseline: short of the line, not worse than before


def test_a_flow_short_of_its_pace_is_at_risk_and_an_unmeasured_one_has_no_data_yet(
    plan: Plan, warehouse: Warehouse
) -> None:
    deflect(warehouse, 10, "x")  # deflections exist, none on email
    found = measured(plan, warehouse, as_of=dt.date(2026, 6, 30))
    assert found[("customer-newsletter", "support_tickets_deflected")].status == "no_data"
    assert found[("x-support", "support_tickets_deflected")].status == "at_risk"
    # Engagement of a tactic with no matched activity: nothing measures it.
    assert found[("li-rep-insights", "response_rate")].status == "no_data"


def test_without_baseline_or_threshold_a_total_is_on_track_only_at_the_target_pace(
    warehouse: Warehouse,
) -> None:
    plan = newsletter_plan("      - {metric: support_tickets_deflected, target: 300}\n")
    deflect(warehouse, 100, "email")  # by 30 June: runs at 202, short of 300, better than 0
    june = measured(plan, warehouse, as_of=dt.date(2026, 6, 30))
    assert june[("customer-newsletter", "support_tickets_deflected")].status == "at_risk"
    deflect(warehouse, 60, "email")  # 160 by 30 June: runs at 323
    june = measured(plan, warehouse, as_of=dt.date(2026, 6, 30))
    assert june[("customer-newsletter", "support_tickets_deflected")].status == "on_track"


@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 30), END, dt.date(2027, 1, 31)])
def test_at_and_after_the_tactics_end_the_result_is_final_never_on_track(
    warehouse: Warehouse, as_of: dt.date
) -> None:
    """Half the target at the tactic's end is not "on track": without a threshold the line
    is the midpoint, and the forecast at the end is just the actual."""
    plan = newsletter_plan(
        "      - {metric: support_tickets_deflected, baseline: 0, target: 300}\n"
    )
    deflect(warehouse, 150, "email")
    key = ("customer-newsletter", "support_tickets_deflected")
    result = measured(plan, warehouse, as_of=as_of)[key]
    [judged] = [s for s in tactic_statuses(plan, list(measured(plan, warehouse, as_of).values()), [])
                if s.tactic == "customer-newsletter"]  # fmt: skip
    if as_of < END:  # a day before the end, the run rate still forecasts 150.4: on track
        assert (result.status, judged.status) == ("on_track", "on_track")
        return
    assert result.elapsed == 1.0 and result.forecast == result.actual == 150
    assert (result.status, judged.status) == ("missed", "missed")
    assert (
        judged.reason == "on business outcomes: support_tickets_deflected 150 (target 300): missed"
    )


def test_a_target_reached_by_the_tactics_end_is_achieved(warehouse: Warehouse) -> None:
    plan = newsletter_plan(
        "      - {metric: support_tickets_deflected, baseline: 0, threshold: 290, target: 300}\n"
    )
    deflect(warehouse, 300, "email")
    result = measured(plan, warehouse)[("customer-newsletter", "support_tickets_deflected")]
    assert (result.actual, result.status) == (300.0, "achieved")


def _linkedin(w: Warehouse, source: str, kind: str, native_id: str, text: str = "") -> None:
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, native_id, kind, text, ts, "
        "ingest_id) VALUES (?, ?, 'linkedin', 'Sagebrook Home Services', ?, ?, ?, ?, 1)",
        [native_id, source, native_id, kind, text, dt.datetime(2026, 10, 6, 15, tzinfo=dt.UTC)],
    )


def test_a_count_no_loaded_export_can_hold_has_no_data_yet_not_zero(
    warehouse: Warehouse,
) -> None:
    """A LinkedIn page's export holds posts and never the replies under them, so a respond
    tactic's `replies_sent` measured from it is not known to be 0: Sagebrook's li-listen
    read "replies_sent 0 (target 20): off track" from an export that could not hold one."""
    fixture = Path(__file__).parents[1] / "workspace/fixtures/sixthco/plan.yaml"
    plan = load_plan(fixture).plan
    link = "https://sagebrook.example/careers?utm_campaign=careers-techs"
    _linkedin(warehouse, "linkedin", "post", "p1", f"Meet Luis #SagebrookCareers {link}")
    as_of = dt.date(2026, 11, 30)
    found = measured(plan, warehouse, as_of=as_of)
    listen = found[("li-listen", "replies_sent")]
    assert (listen.actual, listen.status) == (None, "no_data")
    # Posts are what that export holds: the careers tactic's count is measured.
    assert found[("li-careers", "posts")].actual == 1.0
    # Once an export that holds replies is loaded on the channel, none is a real 0.
    _linkedin(warehouse, "csv", "comment", "c1")
    assert measured(plan, warehouse, as_of=as_of)[("li-listen", "replies_sent")].actual == 0.0
