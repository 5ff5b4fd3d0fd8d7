"""Journey paths built in the engine: hand-computed journeys on a real DuckDB warehouse.

Each test inserts touchpoints and conversions with SQL into a fresh warehouse and checks
the per-path summary against journeys worked out by hand; the demo company checks the
totals against plain SQL counts, independently of the Ibis expression.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import ibis
import pytest

from outcomes.examples import example_path
from outcomes.measure.attribution import attribute
from outcomes.measure.attribution.journeys import journey_paths, paths_from_warehouse
from outcomes.plan import load_plan
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_keys = count()


def day(n: float) -> datetime:
    """`n` days after T0."""
    return T0 + timedelta(days=n)


def touch(
    w: Warehouse,
    journey: str | None,
    ts: datetime,
    channel: str | None = None,
    *,
    utm_source: str | None = None,
    utm_campaign: str | None = None,
    customer: str | None = None,
) -> None:
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, customer_id, ts, channel, "
        "utm_source, utm_campaign, ingest_id) VALUES (?, 'test', ?, ?, ?, ?, ?, ?, 1)",
        [f"t{next(_keys):06d}", journey, customer, ts, channel, utm_source, utm_campaign],
    )


def convert(
    w: Warehouse,
    journey: str | None,
    ts: datetime,
    value: float | None = None,
    type_: str = "order",
    *,
    customer: str | None = None,
) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, journey_id, customer_id, ts, type, value, "
        "ingest_id) VALUES (?, 'test', ?, ?, ?, ?, ?, 1)",
        [f"c{next(_keys):06d}", journey, customer, ts, type_, value],
    )


def summary(w: Warehouse, **params: Any) -> dict[str, tuple[float, float, float]]:
    """`journey_paths` executed: {path: (conversions, value, nulls)}."""
    expr = journey_paths(w.table("touchpoints"), w.table("conversions"), **params)
    table = expr.to_pyarrow()
    assert table.column_names == [
        "path",
        "total_conversions",
        "total_conversion_value",
        "total_null",
    ]
    return {
        row["path"]: (
            row["total_conversions"],
            row["total_conversion_value"],
            row["total_null"],
        )
        for row in table.to_pylist()
    }


def test_multi_touch_converting_path_and_non_converting_paths(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j1", day(0), "linkedin")
    touch(w, "j1", day(1), "email")
    touch(w, "j1", day(2), "x")
    convert(w, "j1", day(2), 100.0)  # a touch at the conversion instant counts
    touch(w, "j1", day(3), "google")  # after the last conversion: a null path
    touch(w, "j2", day(5), "x")
    touch(w, "j2", day(4), "x")  # out of insertion order: ordered by time
    touch(w, "j2", day(6), "email")
    assert summary(w) == {
        "linkedin > email > x": (1.0, 100.0, 0.0),
        "google": (0.0, 0.0, 1.0),
        "x > x > email": (0.0, 0.0, 1.0),
    }


def test_same_paths_are_summed_and_values_added(warehouse: Warehouse) -> None:
    w = warehouse
    for journey, value in (("a", 10.0), ("b", 20.5), ("c", None)):  # null value counts 0
        touch(w, journey, day(0), "linkedin")
        touch(w, journey, day(1), "email")
        convert(w, journey, day(2), value)
    touch(w, "d", day(0), "linkedin")
    touch(w, "d", day(1), "email")
    assert summary(w) == {"linkedin > email": (3.0, 30.5, 1.0)}


def test_touches_outside_the_lookback_are_excluded(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "linkedin")  # 100 days before the conversion
    touch(w, "j", day(10), "x")  # exactly 90 days before: inside (inclusive)
    touch(w, "j", day(60), "email")
    convert(w, "j", day(100), 5.0)
    assert summary(w) == {"x > email": (1.0, 5.0, 0.0)}
    assert summary(w, lookback_days=None) == {"linkedin > x > email": (1.0, 5.0, 0.0)}
    assert summary(w, lookback_days=30) == {}  # no touch in the window: no path


def test_two_conversions_on_one_journey_give_two_paths(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "a")
    touch(w, "j", day(1), "b")
    convert(w, "j", day(2), 50.0)
    touch(w, "j", day(3), "c")
    convert(w, "j", day(4), 70.0)
    touch(w, "j", day(5), "d")
    assert summary(w) == {
        "a > b": (1.0, 50.0, 0.0),
        "c": (1.0, 70.0, 0.0),
        "d": (0.0, 0.0, 1.0),
    }


def test_simultaneous_conversions_share_one_path(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "a")
    convert(w, "j", day(1), 10.0, "order")
    convert(w, "j", day(1), 5.0, "deal_won")
    convert(w, "j", day(1), 0.0, "new_customer")  # not a default type: the same sale
    assert summary(w) == {"a": (2.0, 15.0, 0.0)}


def test_repeat_purchases_convert_alone_and_first_purchases_keep_their_touches(
    warehouse: Warehouse,
) -> None:
    w = warehouse
    # A customer: two touches, a first order, a touch, a repeat order, a touch after.
    touch(w, "j", day(0), "a")
    touch(w, "j", day(1), "b")
    convert(w, "j", day(2), 50.0)
    touch(w, "j", day(3), "c")
    convert(w, "j", day(4), 70.0)
    touch(w, "j", day(5), "d")
    # A customer who bought once and has not come back; a prospect who never bought.
    touch(w, "k", day(0), "a")
    convert(w, "k", day(1), 20.0)
    touch(w, "k", day(2), "e")
    touch(w, "p", day(0), "f")
    # A repeat order whose customer first bought under another type (a won deal).
    touch(w, "m", day(0), "g")
    convert(w, "m", day(1), 500.0, "deal_won")
    touch(w, "m", day(2), "h")
    convert(w, "m", day(3), 30.0)
    assert summary(w, purchases="repeat") == {
        "c": (1.0, 70.0, 0.0),  # only the touches since the first order
        "h": (1.0, 30.0, 0.0),
        "d": (0.0, 0.0, 1.0),  # customers not back (yet): non-converting
        "e": (0.0, 0.0, 1.0),  # the prospect's "f" is no path of retention
    }
    assert summary(w, purchases="first") == {
        "a > b": (1.0, 50.0, 0.0),
        "a": (1.0, 20.0, 0.0),
        "g": (1.0, 500.0, 0.0),
        "d": (0.0, 0.0, 1.0),
        "e": (0.0, 0.0, 1.0),
        "f": (0.0, 0.0, 1.0),
    }
    every = summary(w)
    assert every["c"] == (1.0, 70.0, 0.0) and every["a > b"] == (1.0, 50.0, 0.0)
    with pytest.raises(ValueError, match="purchases"):
        summary(w, purchases="later")


def test_conversion_types_are_filtered(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "a")
    convert(w, "j", day(1), 3.0, "lead")
    touch(w, "j", day(2), "b")
    convert(w, "j", day(3), 40.0, "deal_won")
    # A lead is not a default conversion type: its touch runs on into the deal's path.
    assert summary(w) == {"a > b": (1.0, 40.0, 0.0)}
    assert summary(w, conversion_types=("lead",)) == {
        "a": (1.0, 3.0, 0.0),
        "b": (0.0, 0.0, 1.0),
    }


def test_null_channel_falls_back_to_utm_source_then_direct(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), None, utm_source="newsletter-tool")
    touch(w, "j", day(1), "  ", utm_source="")  # blank is missing
    touch(w, "j", day(2), "a>b")  # a '>' would split the step when read back
    convert(w, "j", day(3), 1.0)
    kept = {"skip_direct": False}  # the direct rule has its own tests below
    assert summary(w, **kept) == {"newsletter-tool > direct > a-b": (1.0, 1.0, 0.0)}
    assert summary(w, direct_label="(none)", **kept) == {
        "newsletter-tool > (none) > a-b": (1.0, 1.0, 0.0)
    }


def test_direct_touches_step_only_on_paths_of_nothing_else(warehouse: Warehouse) -> None:
    """GA4's rule: a direct visit is left out of any path with another touch, converting
    or not; a path of direct visits only keeps them, so its sale is still credited."""
    w = warehouse
    touch(w, "j1", day(0), "linkedin")
    touch(w, "j1", day(1), "direct")  # the way back to buy
    touch(w, "j1", day(1.5), None)  # no channel, no source: direct too
    convert(w, "j1", day(2), 100.0)
    touch(w, "j1", day(3), "direct")  # after the sale, alone: a direct-only null path
    touch(w, "j2", day(0), "direct")
    touch(w, "j2", day(1), "direct")
    convert(w, "j2", day(2), 40.0)  # nothing but direct: credited to direct
    touch(w, "j3", day(0), "direct")
    touch(w, "j3", day(1), "email")  # never buys: the null path loses its direct touch
    assert summary(w) == {
        "linkedin": (1.0, 100.0, 0.0),
        "direct > direct": (1.0, 40.0, 0.0),
        "direct": (0.0, 0.0, 1.0),
        "email": (0.0, 0.0, 1.0),
    }
    assert summary(w, skip_direct=False) == {
        "linkedin > direct > direct": (1.0, 100.0, 0.0),
        "direct > direct": (1.0, 40.0, 0.0),
        "direct": (0.0, 0.0, 1.0),
        "direct > email": (0.0, 0.0, 1.0),
    }


def test_the_direct_rule_cuts_each_period_and_keeps_tactics(warehouse: Warehouse) -> None:
    w = warehouse
    plan = load_plan(example_path("northwind")).plan
    touch(w, "j1", day(0), "google")
    touch(w, "j1", day(30), "direct")  # alone in the second period: kept there
    touch(w, "j2", day(0), "direct")
    touch(w, "j2", day(1), "linkedin", utm_campaign="li-company-guides")
    touch(w, "j3", day(0), "direct")
    convert(w, "j3", day(1), 5.0)
    first, second = (day(-1), day(20)), (day(20), day(60))
    assert summary(w, credit_period=second) == {"direct": (0.0, 0.0, 1.0)}
    assert summary(w, credit_period=first) == {
        "google": (0.0, 0.0, 1.0),
        "linkedin": (0.0, 0.0, 1.0),
        "direct": (1.0, 5.0, 0.0),
    }
    # By tactic an untracked direct visit is `unplanned`, left out beside a tactic's touch
    # and credited alone, so every sale still reaches attribution.
    assert summary(w, by="tactic", plan=plan, credit_period=first) == {
        "unplanned": (1.0, 5.0, 1.0),
        "li-company-guides": (0.0, 0.0, 1.0),
    }


def test_journeys_can_be_joined_on_customer_id(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "device-1", day(0), "x", customer="cust")
    touch(w, "device-2", day(1), "email", customer="cust")
    touch(w, "device-3", day(1), "email")  # no customer: no journey by customer
    convert(w, None, day(2), 9.0, customer="cust")
    assert summary(w, join_on="customer_id") == {"x > email": (1.0, 9.0, 0.0)}
    assert summary(w, join_on="journey_id") == {"x": (0.0, 0.0, 1.0), "email": (0.0, 0.0, 2.0)}
    # Stitched by person (the default), the two devices are one journey, device-3 another.
    assert summary(w) == {"x > email": (1.0, 9.0, 0.0), "email": (0.0, 0.0, 1.0)}


def test_people_are_stitched_across_devices_sources_and_id_prefixes(
    warehouse: Warehouse,
) -> None:
    w = warehouse
    touch(w, "ga-1", day(0), "linkedin")  # anonymous until the lead event below
    touch(w, "ga-1", day(1), "x")
    convert(w, "ga-1", day(1), None, "lead", customer="4711")  # the web knows the bare id
    touch(w, "ga-2", day(3), "email", customer="4711")  # a second device, logged in
    touch(w, "crm:4711", day(0), "Organic search", customer="hubspot:4711")
    convert(w, "hubspot:4711", day(5), 900.0, "deal_won", customer="hubspot:4711")
    touch(w, "ga-3", day(2), "x")  # nobody's: its own journey
    for table in ("touchpoints", "conversions"):
        w.duckdb.execute(f"UPDATE {table} SET source = 'hubspot' WHERE journey_id LIKE '%:%'")
    assert summary(w) == {
        "linkedin > Organic search > x > email": (1.0, 900.0, 0.0),
        "x": (0.0, 0.0, 1.0),
    }
    # The CRM's own first-touch row is left out by choosing the web's touches only,
    # while its deal still joins the person.
    assert summary(w, sources=("test",)) == {
        "linkedin > x > email": (1.0, 900.0, 0.0),
        "x": (0.0, 0.0, 1.0),
    }


def test_a_credit_period_cuts_the_whole_history(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "ga-1", day(0), "linkedin")
    convert(w, "ga-1", day(1), 10.0, customer="42")  # links ga-1 to customer 42
    touch(w, "ga-1", day(40), "x")
    convert(w, None, day(41), 20.0, "deal_won", customer="crm:42")  # known only by customer
    touch(w, "ga-2", day(2), "email")  # never converts: a null path in the first period
    touch(w, "ga-2", day(45), "email")  # and one in the second
    first = (day(-1), day(20))
    second = (day(20), day(60))
    assert summary(w, credit_period=first) == {
        "linkedin": (1.0, 10.0, 0.0),
        "email": (0.0, 0.0, 1.0),
    }
    # Filtering the conversions first would lose the link to ga-1 and the end of the
    # earlier path (it would read "linkedin > x").
    assert summary(w, credit_period=second) == {
        "x": (1.0, 20.0, 0.0),
        "email": (0.0, 0.0, 1.0),
    }
    whole = summary(w)
    assert whole["linkedin"][:2] == (1.0, 10.0) and whole["x"][:2] == (1.0, 20.0)


def test_steps_by_tactic_with_the_northwind_plan(warehouse: Warehouse) -> None:
    w = warehouse
    plan = load_plan(example_path("northwind")).plan
    touch(w, "j", day(0), "linkedin", utm_campaign="li-company-guides")
    touch(w, "j", day(1), "google")  # no campaign: unplanned, still a step
    touch(w, "j", day(2), "facebook", utm_source="facebook", utm_campaign="fb-retarget")
    touch(w, "j", day(3), "facebook", utm_source="instagram", utm_campaign="fb-retarget")
    touch(w, "j", day(4), "email", utm_campaign="Newsletter")
    convert(w, "j", day(5), 80.0)
    assert summary(w, by="tactic", plan=plan) == {
        # google: a channel no tactic works; facebook: fb-retarget's channel, kept.
        "li-company-guides > unplanned > fb-retarget > unplanned:facebook > customer-newsletter": (
            1.0,
            80.0,
            0.0,
        )
    }
    with pytest.raises(ValueError, match="needs the plan"):
        journey_paths(w.table("touchpoints"), w.table("conversions"), by="tactic")


def test_the_result_is_an_engine_expression(warehouse: Warehouse) -> None:
    expr = journey_paths(warehouse.table("touchpoints"), warehouse.table("conversions"))
    assert isinstance(expr, ibis.Table)
    sql = str(ibis.to_sql(expr, dialect="duckdb"))
    assert "touchpoints" in sql and "conversions" in sql and "GROUP BY" in sql
    assert expr.to_pyarrow().num_rows == 0  # runs on an empty warehouse


def test_paths_from_warehouse_builds_path_counts(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j1", day(0), "a")
    touch(w, "j1", day(1), "a")
    touch(w, "j1", day(2), "b")
    convert(w, "j1", day(3), 7.0)
    touch(w, "j2", day(0), "b")
    counts = paths_from_warehouse(w.table("touchpoints"), w.table("conversions"))
    assert sorted(counts.channels) == ["a", "b"]
    assert counts.conversions.sum() == 1.0 and counts.nulls.sum() == 1.0
    assert counts.value.sum() == 7.0
    collapsed = paths_from_warehouse(
        w.table("touchpoints"), w.table("conversions"), collapse_repeats=True
    )
    assert sorted(collapsed.lengths.tolist()) == [1, 2]


def test_invalid_parameters_are_refused(warehouse: Warehouse) -> None:
    tp, cv = warehouse.table("touchpoints"), warehouse.table("conversions")
    with pytest.raises(ValueError, match="lookback_days"):
        journey_paths(tp, cv, lookback_days=-1)
    with pytest.raises(ValueError, match="conversion_types"):
        journey_paths(tp, cv, conversion_types=())
    with pytest.raises(ValueError, match="sources"):
        journey_paths(tp, cv, sources=())
    with pytest.raises(ValueError, match="join_on"):
        journey_paths(tp, cv, join_on="ts")  # type: ignore[arg-type]


def test_demo_company_totals_match_plain_sql(demo_cache: DemoCache, tmp_path: Path) -> None:
    with Warehouse.open(demo_cache.copy(0.05, tmp_path / "demo").workspace) as w:
        con = w.duckdb
        (orders,) = con.sql(
            "SELECT count(*) FROM conversions "
            "WHERE source = 'ga4' AND type = 'order' AND journey_id IS NOT NULL"
        ).fetchall()[0]
        # Journeys with a touch after their last order, or with no order at all.
        (open_journeys,) = con.sql(
            "SELECT count(DISTINCT t.journey_id) FROM touchpoints t "
            "LEFT JOIN (SELECT journey_id, max(ts) AS last FROM conversions "
            "           WHERE type = 'order' GROUP BY journey_id) c USING (journey_id) "
            "WHERE c.last IS NULL OR t.ts > c.last"
        ).fetchall()[0]
        assert orders > 0
        counts = paths_from_warehouse(
            w.table("touchpoints"),
            w.table("conversions"),
            conversion_types=("order",),
            join_on="journey_id",
            lookback_days=None,  # every order then has its deciding session on its path
        )
        assert counts.conversions.sum() == orders
        assert counts.nulls.sum() == open_journeys
        assert counts.n_paths > 1
        result = attribute(counts, "markov")
        assert sum(c.conversions for c in result.channels) == pytest.approx(orders)
