"""ROI per tactic, strategy and goal on hand-made journeys in a real DuckDB warehouse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from outcomes.measure.costs import Period, data_through, tactic_costs
from outcomes.measure.returns import count_interval
from outcomes.measure.roi import roi
from outcomes.measure.roi_report import RoiReport
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
_keys = count()


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=dt.UTC)


def touch(w: Warehouse, journey: str, ts: dt.datetime, campaign: str | None, source: str) -> None:
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, utm_source, "
        "utm_campaign, ingest_id) VALUES (?, 'ga4', ?, ?, ?, ?, ?, 1)",
        [f"t{next(_keys)}", journey, ts, source, source, campaign],
    )


def convert(w: Warehouse, journey: str, ts: dt.datetime, type_: str, value: float | None) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, journey_id, ts, type, value, ingest_id) "
        "VALUES (?, 'ga4', ?, ?, ?, ?, 1)",
        [f"c{next(_keys)}", journey, ts, type_, value],
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse.open(tmp_path) as w:
        touch(w, "j1", at(3, 1), "li-company-guides", "linkedin")
        convert(w, "j1", at(3, 2), "order", 1_000.0)
        touch(w, "j2", at(4, 1), None, "google")  # no tactic: the step "unplanned"
        touch(w, "j2", at(4, 2), "li-company-guides", "linkedin")
        convert(w, "j2", at(4, 3), "order", 500.0)
        touch(w, "j3", at(5, 1), "fb-retarget", "facebook")  # likes, clicks, no business
        touch(w, "j4", at(5, 10), "logifair-2026", "linkedin")
        convert(w, "j4", at(6, 1), "deal_won", 3_000.0)
        convert(w, "j4", at(6, 1), "new_customer", None)
        convert(w, "j5", at(6, 1), "order", 70.0)  # no touch at all: not on a path
        convert(w, "j1", at(12, 31) + dt.timedelta(hours=20), "order", 9.0)  # in 2027
        w.duckdb.execute(
            "INSERT INTO costs (key, source, tactic, date, amount, kind, ingest_id) VALUES "
            "('k1', 'test', 'fb-retarget', DATE '2026-03-03', 2000, 'ads', 1)"
        )
        yield w


def report(w: Warehouse, plan: Plan, **params: object) -> RoiReport:
    return roi(
        plan,
        w.table("touchpoints"),
        w.table("conversions"),
        w.table("costs"),
        period=YEAR,
        **params,  # type: ignore[arg-type]
    )


def test_last_touch_roi_by_hand(warehouse: Warehouse, plan: Plan) -> None:
    r = report(warehouse, plan, models=("last_touch", "linear"), bootstrap=0)
    guides = r.row("tactic", "li-company-guides", "last_touch")
    assert (guides.conversions.value, guides.revenue.value) == (2.0, 1_500.0)
    assert guides.new_customers.value == 0 and guides.cost_per_acquisition is None
    costs = tactic_costs(plan, YEAR, warehouse.table("costs"))
    assert guides.cost == pytest.approx(costs["li-company-guides"].total)
    assert guides.roi is not None
    assert guides.roi.value == pytest.approx((1_500 - guides.cost) / guides.cost)
    assert guides.roas == pytest.approx(1_500 / 6_000)  # its whole budget falls in 2026
    fair = r.row("tactic", "trade-show", "last_touch")
    assert (fair.revenue.value, fair.new_customers.value) == (3_000.0, 1.0)
    assert fair.cost_per_acquisition == pytest.approx(fair.cost)
    fb = r.row("tactic", "fb-retarget", "last_touch")
    assert fb.revenue.value == 0 and fb.money == 2_000.0  # recorded spend, not the plan's
    assert fb.roi is not None and fb.roi.value == -1.0
    # Linear shares j2's order with the unplanned search touch.
    assert r.row("tactic", "li-company-guides", "linear").revenue.value == 1_250.0
    assert r.unplanned["linear"].value == 250.0 and r.unplanned["last_touch"].value == 0.0
    # Coverage: j5's order has no touch; the 2027 order is outside the period.
    assert (r.coverage.conversions, r.coverage.on_paths) == (4.0, 3.0)
    assert (r.coverage.new_customers, r.coverage.new_customers_on_paths) == (1.0, 1.0)


def test_strategies_and_goals_sum_their_tactics(warehouse: Warehouse, plan: Plan) -> None:
    r = report(warehouse, plan, models=("last_touch",), bootstrap=0)

    def revenue(level: str, id_: str) -> float:
        return r.row(level, id_, "last_touch").revenue.value  # type: ignore[arg-type]

    assert revenue("strategy", "helpful-content") == 1_500.0  # guides + fb + listening
    assert revenue("strategy", "social-selling") == 3_000.0  # trade show + rep insights
    assert revenue("goal", "new-logos") == 4_500.0  # both strategies serve it
    assert revenue("goal", "bigger-orders") == 3_000.0
    assert revenue("goal", "cheaper-support") == 0.0
    selling = r.row("strategy", "social-selling", "last_touch")
    tactics = [r.row("tactic", t, "last_touch") for t in ("trade-show", "li-rep-insights")]
    assert selling.cost == pytest.approx(sum(t.cost for t in tactics))


def test_bootstrap_intervals_bracket_the_estimate_and_repeat_with_a_seed(
    warehouse: Warehouse, plan: Plan
) -> None:
    first = report(warehouse, plan, models=("markov",), bootstrap=300, seed=3)
    again = report(warehouse, plan, models=("markov",), bootstrap=300, seed=3)
    assert first.to_records() == again.to_records()
    guides = first.row("tactic", "li-company-guides", "markov").revenue
    assert guides.low < guides.value < guides.high  # three journeys: a wide interval
    assert guides.low >= 0
    # On a journey that never converted: no replicate credits it, but its interval ends
    # where a count of 0 sales does (about 3 at 90%), each of the mean sale (4,500 / 3).
    fb = first.row("tactic", "fb-retarget", "markov").revenue
    assert (fb.low, fb.value) == (0.0, 0.0)
    assert fb.high == pytest.approx(count_interval(0, 0.9)[1] * 1_500)
    narrow = report(warehouse, plan, models=("markov",), bootstrap=300, seed=3, confidence=0.5)
    wide = narrow.row("tactic", "li-company-guides", "markov").revenue
    assert guides.low <= wide.low and wide.high <= guides.high


def test_records_carry_every_field_and_bad_parameters_are_refused(
    warehouse: Warehouse, plan: Plan
) -> None:
    r = report(warehouse, plan, models=("shapley",), bootstrap=0)
    record = r.to_records()[0]
    assert {"level", "id", "model", "revenue", "revenue_low", "roi_high", "roas"} <= set(record)
    assert r.params["lookback_days"] == 90 and r.params["bootstrap"] == 0
    table = r.to_arrow()
    assert table.num_rows == len(r.rows) and table.column_names == list(record)
    with pytest.raises(ValueError, match="models"):
        report(warehouse, plan, models=())
    warehouse.duckdb.execute("DELETE FROM conversions")  # no sales: names checked all the same
    with pytest.raises(ValueError, match="unknown attribution model 'magic'"):
        report(warehouse, plan, models=("magic",))
    with pytest.raises(ValueError, match="bootstrap"):
        report(warehouse, plan, bootstrap=-1)
    with pytest.raises(ValueError, match="confidence"):
        report(warehouse, plan, confidence=1.0)


def test_costs_run_only_to_the_last_day_of_data(tmp_path: Path, plan: Plan) -> None:
    # The CRM export ends on 30 November; the plan's tactics run to 31 December.
    with Warehouse.open(tmp_path) as w:
        touch(w, "j1", at(3, 1), "li-company-guides", "linkedin")
        convert(w, "j1", at(11, 30), "order", 1_000.0)
        w.duckdb.execute(
            "INSERT INTO costs (key, source, tactic, date, amount, kind, ingest_id) VALUES "
            "('d1', 'test', 'fb-retarget', DATE '2026-12-15', 5000, 'ads', 1)"
        )
        r = report(w, plan, models=("last_touch",), bootstrap=0)
        covered = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
        assert r.period == covered
        costs = tactic_costs(plan, covered, w.table("costs"))
        whole = tactic_costs(plan, YEAR, w.table("costs"))
    guides = r.row("tactic", "li-company-guides", "last_touch")
    assert guides.cost == pytest.approx(costs["li-company-guides"].total)
    # A year-long tactic costs 334 of its 365 days; December's ad bill is not yet returned on.
    newsletter = r.row("tactic", "customer-newsletter", "last_touch")
    assert newsletter.cost == pytest.approx(whole["customer-newsletter"].total * 334 / 365)
    assert r.row("tactic", "fb-retarget", "last_touch").money == pytest.approx(
        costs["fb-retarget"].money
    )
    # December's recorded ad bill counts for the whole year, not for the data's eleven months.
    assert whole["fb-retarget"].money == 5_000 and "money" not in costs["fb-retarget"].recorded


def test_a_period_is_cut_at_the_last_day_of_data_but_never_before_it_starts() -> None:
    assert YEAR.through(None) == YEAR and YEAR.through(dt.date(2027, 3, 1)) == YEAR
    assert YEAR.through(dt.date(2026, 6, 30)) == Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert YEAR.through(dt.date(2025, 6, 30)) == Period(dt.date(2026, 1, 1), dt.date(2026, 1, 1))


def test_the_data_runs_to_the_newest_conversion_or_touchpoint(tmp_path: Path, plan: Plan) -> None:
    # The last sale was in October; the web analytics run to 30 November.
    with Warehouse.open(tmp_path) as w:
        convert(w, "j1", at(10, 15), "order", 1_000.0)
        touch(w, "j2", at(11, 30), None, "google")
        assert data_through(w.table("conversions"), w.table("touchpoints")) == dt.date(2026, 11, 30)
        assert report(w, plan, models=("last_touch",), bootstrap=0).period.end == dt.date(
            2026, 11, 30
        )
    with Warehouse.open(tmp_path / "empty") as w:
        assert data_through(w.table("conversions"), w.table("touchpoints")) is None
