"""A benchmark is measured to the day its own data reaches, and final only at the tactic's end.

Hand-made rows in a real warehouse: the Northwind newsletter's deflected tickets (a
business metric, measured to the newest conversion or touchpoint), its posts (activity,
measured to the newest activity on its channel), and an ads tactic's clicks from its
campaign report (measured to the last day the report covers).
"""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.examples import example_text
from outcomes.measure.benchmarks import BenchmarkResult, tactic_benchmarks
from outcomes.measure.campaign_figures import campaign_counts
from outcomes.measure.tactic_status import tactic_statuses
from outcomes.plan import Plan, load_plan_text
from outcomes.warehouse.connection import Warehouse
from tests.measure.test_benchmarks import NEWSLETTER, deflect, visit

END = dt.date(2026, 12, 31)  # the newsletter runs the year
KEY = ("customer-newsletter", "support_tickets_deflected")


def newsletter(benchmarks: str, *, campaign: str | None = None) -> Plan:
    """Northwind with the newsletter's benchmarks replaced by `benchmarks`, and its
    `match` naming `campaign` when given."""
    text = example_text("northwind").replace(NEWSLETTER, benchmarks)
    if campaign is not None:
        old = "      match: {utm_campaign: newsletter}\n"
        assert old in text
        text = text.replace(old, f"      match: {{utm_campaign: [{campaign}]}}\n")
    return load_plan_text(text).plan


def measured(plan: Plan, w: Warehouse, as_of: dt.date) -> dict[tuple[str, str], BenchmarkResult]:
    results = tactic_benchmarks(
        plan, w.table("activities"), w.table("touchpoints"), w.table("conversions"),
        as_of=as_of, snapshots=w.table("metric_snapshots"),
    )  # fmt: skip
    return {(r.tactic, r.metric): r for r in results}


def tickets(w: Warehouse, n: int, last_visit: dt.date) -> None:
    """`n` tickets deflected on 1 March from email, and the business data's newest day."""
    w.duckdb.execute("DELETE FROM touchpoints")
    deflect(w, n, "email")
    w.duckdb.execute("DELETE FROM touchpoints")
    visit(w, last_visit)


HALF = "      - {metric: support_tickets_deflected, baseline: 0, target: 300}\n"


def test_a_tactic_over_whose_data_stops_early_is_paced_at_the_datas_day(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(HALF)
    tickets(warehouse, 150, dt.date(2026, 6, 30))
    # A year after the tactic's end, the conversions and touchpoints still stop on 30 June:
    # 150 in 181 of 365 days runs at 302, past the midpoint 150. Not "missed": nobody knows
    # the second half of the year.
    result = measured(plan, warehouse, dt.date(2027, 6, 30))[KEY]
    assert result.measured_to == dt.date(2026, 6, 30)
    assert result.elapsed == pytest.approx(181 / 365)
    assert result.forecast == pytest.approx(150 / (181 / 365))
    assert result.status == "on_track" and not result.final
    assert result.data_note == (
        "the conversions and touchpoints run to 2026-06-30, 184 days before the tactic's "
        "end 2026-12-31"
    )
    [judged] = [s for s in tactic_statuses(plan, [result], [], dt.date(2027, 6, 30))
                if s.tactic == "customer-newsletter"]  # fmt: skip
    assert judged.status == "on_track"
    assert judged.reason == (
        "on business outcomes: support_tickets_deflected 150 (target 300, measured to "
        "2026-06-30): on track"
    )


def test_before_the_end_the_pace_is_counted_to_the_datas_day_not_as_of(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(HALF)
    tickets(warehouse, 100, dt.date(2026, 3, 31))
    # 100 in the 90 days to 31 March runs at 406: on track. Counted to 30 June, the day
    # asked for, the same 100 would run at 202, as if the newsletter had slowed down.
    result = measured(plan, warehouse, dt.date(2026, 6, 30))[KEY]
    assert result.measured_to == dt.date(2026, 3, 31)
    assert result.forecast == pytest.approx(100 / (90 / 365))
    assert result.expected == pytest.approx(300 * 90 / 365)
    assert result.status == "on_track"
    assert result.data_note == (
        "the conversions and touchpoints run to 2026-03-31, 91 days before 2026-06-30"
    )


def test_a_benchmark_whose_data_reaches_the_tactics_end_is_final(warehouse: Warehouse) -> None:
    plan = newsletter(HALF)
    tickets(warehouse, 150, END)
    result = measured(plan, warehouse, dt.date(2027, 1, 31))[KEY]
    assert (result.measured_to, result.data_note) == (END, None)
    assert (result.elapsed, result.status) == (1.0, "missed")
    [judged] = [s for s in tactic_statuses(plan, [result], [], dt.date(2027, 1, 31))
                if s.tactic == "customer-newsletter"]  # fmt: skip
    assert (
        judged.reason == "on business outcomes: support_tickets_deflected 150 (target 300): missed"
    )


def test_a_total_past_its_target_stays_achieved_whatever_day_its_data_reaches(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(HALF)
    tickets(warehouse, 320, dt.date(2026, 3, 31))
    result = measured(plan, warehouse, dt.date(2027, 1, 31))[KEY]
    assert (result.status, result.measured_to) == ("achieved", dt.date(2026, 3, 31))


def post(w: Warehouse, key: str, campaign: str, day: dt.date) -> None:
    """A mailing on `day`, of `campaign` (the newsletter's is `newsletter`)."""
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, native_id, kind, ts, campaign, "
        "ingest_id) VALUES (?, 'test', 'email', 'northwind', ?, 'post', ?, ?, 1)",
        [key, key, dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), campaign],
    )


POSTS = "      - {metric: posts, baseline: 0, target: 24}\n"


def test_data_that_stops_before_the_tactic_starts_measures_nothing(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(POSTS)
    post(warehouse, "old", "offers", dt.date(2025, 12, 15))
    result = measured(plan, warehouse, dt.date(2026, 6, 30))[("customer-newsletter", "posts")]
    assert (result.actual, result.status, result.measured_to) == (None, "no_data", None)
    assert result.data_note == (
        "the email activities run to 2025-12-15, before the tactic's start 2026-01-01"
    )


def test_a_tactic_that_went_quiet_while_its_channels_export_ran_on_is_final(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(POSTS)
    for month in range(1, 7):  # a newsletter a month to June
        post(warehouse, f"n{month}", "newsletter", dt.date(2026, month, 5))
    key = ("customer-newsletter", "posts")
    # The channel's export runs to the newsletter's last mailing on 5 June: paced there,
    # 6 in 156 days runs at 14, past the midpoint 12.
    alone = measured(plan, warehouse, dt.date(2027, 1, 31))[key]
    assert (alone.measured_to, alone.status) == (dt.date(2026, 6, 5), "on_track")
    assert alone.data_note == (
        "the email activities run to 2026-06-05, 209 days before the tactic's end 2026-12-31"
    )
    # Another mailing on 31 December: the channel's export reaches the end, and
    # the newsletter's silence since June is news, not missing data.
    post(warehouse, "other", "offers", END)
    result = measured(plan, warehouse, dt.date(2027, 1, 31))[key]
    assert (result.measured_to, result.data_note) == (END, None)
    assert (result.actual, result.status) == (6.0, "missed")


def test_campaign_figures_say_the_last_day_they_cover(warehouse: Warehouse) -> None:
    plan = newsletter("      - {metric: clicks, baseline: 0, target: 1000}\n", campaign="spring")
    rows = [("spring", dt.date(2026, 4, day), 20.0) for day in range(6, 20)]
    rows += [("summer", dt.date(2026, month, 1), 90.0) for month in (5, 6)]
    for index, (entity, day, value) in enumerate(rows):
        warehouse.duckdb.execute(
            "INSERT INTO metric_snapshots (key, source, channel, entity_kind, entity, metric, "
            "date, value, ingest_id) VALUES (?, 'test', 'email', 'campaign', ?, 'clicks', ?, ?, 1)",
            [f"s{index}", entity, day, value],
        )
    # A report of 6 to 19 April covers 19 April, not the year.
    result = measured(plan, warehouse, dt.date(2027, 1, 31))[("customer-newsletter", "clicks")]
    assert (result.actual, result.measured_to) == (280.0, dt.date(2026, 4, 19))
    assert result.status == "on_track"  # 280 in 109 days runs at 938, not "missed"
    assert result.data_note == (
        "the campaign reports' clicks run to 2026-04-19, 256 days before the tactic's end "
        "2026-12-31"
    )
    # A series dated the 1st of every month stands for whole months: June's covers June.
    summer = newsletter("      - {metric: clicks, baseline: 0, target: 1000}\n", campaign="summer")
    figures = campaign_counts(summer, warehouse.table("metric_snapshots"), END)
    key = ("customer-newsletter", "clicks")
    assert (figures.counts[key], figures.covered[key]) == (180.0, dt.date(2026, 6, 30))


def test_a_tactics_activities_count_within_its_dates_up_to_the_day_measured(
    warehouse: Warehouse,
) -> None:
    plan = newsletter(POSTS)
    # December's issue went out before the newsletter's year began, and July's after the
    # day asked for: neither is one of its posts by 30 June, as elapsed is counted.
    days = [dt.date(2025, 12, 5), *(dt.date(2026, month, 5) for month in range(1, 8))]
    for index, day in enumerate(days):
        post(warehouse, f"n{index}", "newsletter", day)
    result = measured(plan, warehouse, dt.date(2026, 6, 30))[("customer-newsletter", "posts")]
    assert (result.actual, result.measured_to) == (6.0, dt.date(2026, 6, 30))
    assert result.elapsed == pytest.approx(181 / 365)
