"""Journey paths on Spark: Ibis' PySpark backend in local mode gives DuckDB's results.

The demo company's warehouse, plus hand-made journeys chosen to trip an engine up (touches
tied in time, simultaneous conversions, null and blank channels, whitespace and `>` in
names, several conversions on one journey, a window edge across a DST change, stitched
ids), is copied table by table into a local Spark session as Arrow (same column types,
timestamps as UTC instants). `journey_paths` then runs on both engines for every way of
building paths, and the attribution models run on both engines' `PathCounts`.

Paths and counts must be identical. Conversion values are sums of floats, which a
parallel engine adds in no fixed order, so they may differ in the last bits (two DuckDB
runs may too); they are compared to 1e-12, relative.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from outcomes.examples import example_path
from outcomes.measure.attribution import PathCounts, attribute
from outcomes.measure.attribution.journeys import journey_paths, paths_from_warehouse
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse, WarehouseError, to_arrow
from tests.demo_cache import DemoCache

# PySpark reads each result from a local socket it leaves to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def require_spark() -> None:
    """Skip without pyspark or Java, except in CI, where a missing engine is a broken install."""
    missing = None
    if importlib.util.find_spec("pyspark") is None:
        missing = "pyspark is not installed (it is in the dev extra: pip install -e '.[dev]')"
    elif shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = (
            "Java is not installed; Spark needs Java 17 (apt-get install openjdk-17-jre-headless)"
        )
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}; the Spark tests must run in CI")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local-mode Spark session, offline and small: 2 threads, 2 shuffle partitions, UTC."""
    require_spark()
    from pyspark.sql import SparkSession

    scratch = tmp_path_factory.mktemp("spark")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # no lookup of the machine's address
        session = (
            SparkSession.builder.master("local[2]")
            .appName("outcomes-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
            # Short-lived: the JVM's quick compiler alone and a serial collector halve the
            # module's time (the optimising compiler never pays back in a few minutes).
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
            # Small tables: compiling each query's whole stage to Java and re-planning it
            # at run time cost more than running it; the answers do not depend on either.
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.adaptive.enabled", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


def add_tricky_journeys(w: Warehouse) -> None:
    """Journeys that differ between engines if anything is engine-specific."""

    def at(days: float) -> datetime:
        return T0 + timedelta(days=days)

    touches = [
        # Ties in time: the natural key decides, not the channel or the load order.
        ("k-tie-2", "tie", None, at(0), "b-second", None),
        ("k-tie-1", "tie", None, at(0), "z-first", None),
        ("k-tie-3", "tie", None, at(0), "a-third", None),
        ("k-tie-4", "tie", None, at(1), "x", None),  # at the conversion instant: counts
        # Null and blank channels fall back to utm_source, then to direct; whitespace is
        # trimmed (Spark once lost the f of facebook here), '>' becomes '-'.
        ("k-blank-1", "blank", None, at(0), None, "newsletter-tool"),
        ("k-blank-2", "blank", None, at(1), " \t ", ""),
        ("k-blank-3", "blank", None, at(2), "\tfacebook\x0b", None),
        ("k-blank-4", "blank", None, at(3), "a>b", None),
        ("k-blank-5", "blank", None, at(4), "vf\n", None),
        ("k-blank-6", "blank", None, at(5), "\u00a0Présentation", None),  # not ASCII space
        # Several conversions on one journey, with touches between and after them.
        ("k-multi-1", "multi", None, at(0), "a", None),
        ("k-multi-2", "multi", None, at(1), "b", None),
        ("k-multi-3", "multi", None, at(3), "c", None),
        ("k-multi-4", "multi", None, at(5), "d", None),
        # The lookback edge across the March DST change: exactly 90 × 24 h is inside.
        ("k-edge-1", "edge", None, at(10), "inside", None),
        ("k-edge-2", "edge", None, at(10) - timedelta(microseconds=1), "outside", None),
        # Stitched ids: an anonymous device, a CRM id with and without its prefix.
        ("k-stitch-1", "dev-1", None, at(0), "linkedin", None),
        ("k-stitch-2", "dev-2", "vf-4711", at(2), "email", None),
        ("k-stitch-3", "crm:vf-4711", "hubspot:vf-4711", at(1), "Organic search", None),
        ("k-stitch-4", "dev-3", None, at(2), "x", None),
        # Direct visits only (the blank journey's direct touch is dropped beside others).
        ("k-direct-1", "alone", None, at(0), "direct", None),
        ("k-direct-2", "alone", None, at(1), None, " "),
    ]
    conversions = [
        ("c-tie-1", "tie", None, at(1), "order", 10.1),
        ("c-tie-2", "tie", None, at(1), "deal_won", 0.2),  # simultaneous: one path, two
        ("c-tie-3", "tie", None, at(1), "new_customer", 5.0),  # not a default type
        ("c-blank-1", "blank", None, at(6), "order", None),  # a null value counts 0
        ("c-multi-1", "multi", None, at(2), "order", 50.0),
        ("c-multi-2", "multi", None, at(4), "order", 70.25),
        ("c-lone-1", "lone", None, at(4), "order", 3.0),  # no touch: no path
        ("c-edge-1", "edge", None, at(100), "order", 1.0),
        ("c-stitch-1", "dev-1", "vf-4711", at(1), "lead", None),  # links dev-1 to the CRM id
        ("c-stitch-2", "crm:vf-4711", "hubspot:vf-4711", at(3), "deal_won", 900.0),
        ("c-direct-1", "alone", None, at(2), "order", 4.5),
    ]
    w.duckdb.executemany(
        "INSERT INTO touchpoints (key, source, journey_id, customer_id, ts, channel, "
        "utm_source, ingest_id) VALUES (?, 'test', ?, ?, ?, ?, ?, 1)",
        touches,
    )
    w.duckdb.executemany(
        "INSERT INTO conversions (key, source, journey_id, customer_id, ts, type, value, "
        "ingest_id) VALUES (?, 'test', ?, ?, ?, ?, ?, 1)",
        conversions,
    )


@pytest.fixture(scope="module")
def engines(
    spark: Any, demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """{"duckdb": (touchpoints, conversions), "spark": (...)}: the same rows on both."""
    import ibis

    # The smallest demo: Spark's time grows with the rows (scale 0.1 took half as long again).
    directory = demo_cache.copy(0.05, tmp_path_factory.mktemp("demo") / "northwind").workspace
    with Warehouse.open(directory) as w:
        # A quarter of the demo's web journeys: every channel, tactic and kind of journey
        # is still there, and Spark's path queries take 40-45% less (its time grows with
        # the rows). Both engines read the same rows, so the comparison loses nothing.
        w.duckdb.execute(
            "DELETE FROM touchpoints WHERE journey_id IS NOT NULL AND hash(journey_id) % 4 <> 0"
        )
        add_tricky_journeys(w)
        # DuckDB moves timestamps by calendar days in its session time zone; the result
        # must not depend on it (Spark's is UTC), so the DuckDB side runs in a DST zone.
        w.duckdb.execute("SET TimeZone = 'Europe/Berlin'")
        backend = ibis.pyspark.connect(spark)
        tables = {}
        for name in ("touchpoints", "conversions"):
            arrow = w.table(name).to_pyarrow()
            # Spark reads Arrow natively; Ibis' create_table goes through pandas, whose
            # string columns turn null into the text "NaN" on the way to Spark.
            spark.createDataFrame(arrow).createOrReplaceTempView(name)
            tables[name] = backend.table(name)
        yield {
            "duckdb": (w.table("touchpoints"), w.table("conversions")),
            "spark": (tables["touchpoints"], tables["conversions"]),
        }


def rows(expr: Any) -> list[tuple[str, float, float, float]]:
    table = to_arrow(expr)
    assert table.column_names == [
        "path",
        "total_conversions",
        "total_conversion_value",
        "total_null",
    ]
    assert table.schema.field("total_conversion_value").type == pa.float64()
    return [
        (r["path"], r["total_conversions"], r["total_conversion_value"], r["total_null"])
        for r in table.to_pylist()
    ]


def assert_same(duck: list[Any], spark: list[Any]) -> None:
    assert [(p, c, n) for p, c, _, n in spark] == [(p, c, n) for p, c, _, n in duck]
    assert [v for *_, v, _ in spark] == pytest.approx([v for *_, v, _ in duck], rel=1e-12)


@pytest.fixture(scope="module")
def northwind() -> Plan:
    return load_plan(example_path("northwind")).plan


# Every way of joining a journey with and without a window (how the engines build paths),
# each with both kinds of step, and each kind of step with and without a window: the naming
# of steps is a per-touch mapping, independent of the joining, and each Spark query costs
# seconds, so the whole cross product (twice as many) would repeat each pairing.
@pytest.mark.parametrize(
    ("join_on", "lookback_days", "by"),
    [
        ("person", 90, "tactic"),
        ("person", None, "channel"),
        ("journey_id", 90, "channel"),
        ("journey_id", None, "tactic"),
        ("customer_id", 90, "tactic"),
        ("customer_id", None, "channel"),
    ],
)
def test_journey_paths_are_identical_on_duckdb_and_spark(
    engines: dict[str, Any], northwind: Plan, by: str, join_on: str, lookback_days: int | None
) -> None:
    params: dict[str, Any] = {"by": by, "join_on": join_on, "lookback_days": lookback_days}
    if by == "tactic":
        params["plan"] = northwind
    duck = rows(journey_paths(*engines["duckdb"], **params))
    spark = rows(journey_paths(*engines["spark"], **params))
    assert len(duck) > 1  # every combination has paths to compare
    assert_same(duck, spark)


@pytest.mark.parametrize(
    "params",
    [
        {"sources": ("ga4", "test")},
        {"conversion_types": ("lead", "order"), "direct_label": "(none)", "lookback_days": 30},
        # A goal scope: CRM fields compared without case, any clause, journeys of others out.
        {
            "scope": (
                (("channel", ("linkedin",)), ("type", ("deal_won",))),
                (("pipeline", ("employers",)),),
                (("source", ("test",)),),
            )
        },
        # Retained revenue: only repeat purchases convert; earlier purchases end paths.
        {"purchases": "repeat", "conversion_types": ("deal_won", "order")},
        {"purchases": "first", "conversion_types": ("deal_won", "order")},
        {"skip_direct": False},
    ],
    ids=[
        "sources",
        "types-label-window",
        "scope",
        "repeat-purchases",
        "first-purchases",
        "direct-kept",
    ],
)
def test_filters_are_identical_on_duckdb_and_spark(
    engines: dict[str, Any], params: dict[str, Any]
) -> None:
    duck = rows(journey_paths(*engines["duckdb"], **params))
    assert any(conversions for _, conversions, _, _ in duck)  # conversions to compare
    assert_same(duck, rows(journey_paths(*engines["spark"], **params)))


def test_the_tricky_journeys_come_out_as_worked_out_by_hand(engines: dict[str, Any]) -> None:
    # The hand-made journeys alone (source "test"), on Spark: the expected paths are the
    # module docstring's conventions applied by hand.
    tp, cv = engines["spark"]
    expr = journey_paths(tp.filter(tp.source == "test"), cv.filter(cv.source == "test"))
    assert {p: (c, n) for p, c, _, n in rows(expr)} == {
        "z-first > b-second > a-third > x": (2.0, 0.0),  # both simultaneous conversions
        "newsletter-tool > facebook > a-b > vf > \u00a0Présentation": (1.0, 0.0),
        "a > b": (1.0, 0.0),
        "c": (1.0, 0.0),
        "d": (0.0, 1.0),
        "inside": (1.0, 0.0),
        "linkedin > Organic search > email": (1.0, 0.0),
        "x": (0.0, 1.0),
        "direct > direct": (1.0, 0.0),  # nothing but direct visits: still credited
    }
    values = {p: v for p, _, v, _ in rows(expr)}
    assert values["z-first > b-second > a-third > x"] == pytest.approx(10.3)
    assert values["newsletter-tool > facebook > a-b > vf > \u00a0Présentation"] == 0.0


@pytest.fixture(scope="module")
def path_counts(engines: dict[str, Any]) -> dict[str, PathCounts]:
    return {
        engine: paths_from_warehouse(*tables, lookback_days=None)
        for engine, tables in engines.items()
    }


@pytest.mark.parametrize("model", ["markov", "shapley", "linear"])
def test_models_give_the_same_credit_from_either_engine(
    path_counts: dict[str, PathCounts], model: str
) -> None:
    counts = path_counts
    assert counts["spark"].channels == counts["duckdb"].channels
    results = {engine: attribute(c, model) for engine, c in counts.items()}
    duck, spark = (
        {c.channel: (c.conversions, c.value) for c in results[e].channels}
        for e in ("duckdb", "spark")
    )
    assert duck.keys() == spark.keys() and len(duck) > 3
    for channel, (conversions, value) in duck.items():
        assert spark[channel][0] == pytest.approx(conversions, rel=1e-9, abs=1e-9)
        assert spark[channel][1] == pytest.approx(value, rel=1e-9, abs=1e-9)


def test_a_pyspark_url_opens_parquet_tables_exported_from_duckdb(
    engines: dict[str, Any], spark: Any, tmp_path: Path
) -> None:
    duck_tp, duck_cv = engines["duckdb"]
    # The module's DuckDB warehouse is still open; export from a copy of its rows.
    with Warehouse.open(tmp_path / "ws") as source:
        for name, table in (("touchpoints", duck_tp), ("conversions", duck_cv)):
            source.duckdb.execute(f"DELETE FROM {name}")
            source.duckdb.register("rows", table.to_pyarrow())
            source.duckdb.execute(f"INSERT INTO {name} SELECT * FROM rows")
            source.duckdb.unregister("rows")
        written = source.export_parquet(tmp_path / "lake")
    assert [p.name for p in written] == ["touchpoints", "conversions"]
    with Warehouse.open(tmp_path / "elsewhere", f"pyspark://{tmp_path / 'lake'}") as w:
        assert w.is_spark and not w.is_duckdb
        spark_rows = rows(journey_paths(w.table("touchpoints"), w.table("conversions")))
        with pytest.raises(WarehouseError, match="has no table activities"):
            w.table("activities")
        with pytest.raises(WarehouseError, match="loading files needs the embedded DuckDB"):
            _ = w.duckdb
    # The session was running before the warehouse opened: closing it left it running.
    assert spark.range(3).count() == 3
    assert_same(rows(journey_paths(duck_tp, duck_cv)), spark_rows)
    with pytest.raises(WarehouseError, match="is not a folder"):
        Warehouse.open(tmp_path, f"pyspark://{tmp_path / 'missing'}")


def test_time_decay_by_real_time_is_identical_on_duckdb_and_spark(
    engines: dict[str, Any],
) -> None:
    from outcomes.measure.attribution.timed import time_decay_credit

    def credit(engine: str) -> dict[str, tuple[float, float]]:
        table = to_arrow(time_decay_credit(*engines[engine], half_life_days=5))
        return {r["step"]: (r["conversions"], r["value"]) for r in table.to_pylist()}

    duck, spark = credit("duckdb"), credit("spark")
    assert duck.keys() == spark.keys() and len(duck) > 3
    for step, (conversions, value) in duck.items():
        assert spark[step][0] == pytest.approx(conversions, rel=1e-9, abs=1e-12), step
        assert spark[step][1] == pytest.approx(value, rel=1e-9, abs=1e-9), step


def test_journeys_kept_in_the_engine_are_identical_on_duckdb_and_spark(
    engines: dict[str, Any], northwind: Plan
) -> None:
    from outcomes.measure.attribution.store import JourneyStore

    spans = [
        ("all", None),
        ("first-days", (T0 - timedelta(days=1), T0 + timedelta(days=3))),
        ("year", (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))),
    ]
    found = {}
    for engine, tables in engines.items():
        with JourneyStore(*tables) as store:
            counts = store.path_counts(spans, by="tactic", plan=northwind, lookback_days=90)
            credited = to_arrow(store.event_steps(by="tactic", plan=northwind, lookback_days=90))
            found[engine] = (
                counts,
                sorted((r["step"], r["ckey"], r["n"]) for r in credited.to_pylist()),
            )
    (duck, duck_steps), (spark, spark_steps) = found["duckdb"], found["spark"]
    assert spark_steps == duck_steps and len(duck_steps) > 3
    for label, _ in spans:
        assert duck[label].n_paths > 1, label
        assert spark[label].channels == duck[label].channels
        for name in ("touches", "offsets", "conversions", "nulls"):
            assert getattr(spark[label], name).tolist() == getattr(duck[label], name).tolist()
        assert spark[label].value.tolist() == pytest.approx(duck[label].value.tolist(), rel=1e-12)
