"""Journeys built once (`JourneyStore`) answer exactly as building them each time does.

A year of seeded random journeys (several devices per person, campaigns of the Northwind
plan, blank channels, ties in time, simultaneous and repeated conversions of every type)
goes into a real DuckDB warehouse; every period the briefing summarises, for every step
kind, lookback and conversion type, must give `PathCounts` bit for bit equal to
`paths_from_warehouse`'s, and to the paths put together in Python from the journey's
parts. Then a touch ingested between two briefings must show in the second, and
forgetting the ingest takes it out again: journeys are built per state of the warehouse,
never carried over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from outcomes.briefing.build import BriefingOptions, build_briefing
from outcomes.briefing.explorer import quarters
from outcomes.examples import example_path
from outcomes.measure.attribution import PathCounts
from outcomes.measure.attribution.journeys import journey_parts, paths_from_warehouse
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.costs import Period
from outcomes.plan import Plan, load_plan
from outcomes.sources.base import ReadOptions
from outcomes.warehouse.connection import Warehouse, to_arrow
from outcomes.warehouse.forget import forget
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.ingest import ingest_files

START = datetime(2025, 12, 1, tzinfo=UTC)
CHANNELS = ("linkedin", "x", "facebook", "email", "google", None, " ")
SOURCES = ("facebook", "instagram", None, "")
CAMPAIGNS = ("li-company-guides", "li-rep-insights", "fb-retarget", "newsletter", None)
TYPES = ("order", "deal_won", "new_customer", "lead")


def add_random_journeys(w: Warehouse, seed: int = 5, people: int = 150) -> None:
    """Touches and conversions of `people` people over a year and a half, seeded."""
    rng = np.random.default_rng(seed)
    touches: list[tuple[Any, ...]] = []
    conversions: list[tuple[Any, ...]] = []
    for person in range(people):
        devices = [f"dev-{person}-{d}" for d in range(int(rng.integers(1, 3)))]
        customer = f"crm:{person}" if rng.random() < 0.5 else None
        first = START + timedelta(days=float(rng.uniform(0, 480)))
        for n in range(int(rng.integers(1, 9))):
            # Whole hours, so that some touches tie in time (the natural key breaks ties).
            ts = first + timedelta(hours=int(rng.integers(0, 24 * 120)))
            device = devices[int(rng.integers(len(devices)))]
            known = customer if rng.random() < 0.3 else None
            channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
            source = SOURCES[int(rng.integers(len(SOURCES)))]
            campaign = CAMPAIGNS[int(rng.integers(len(CAMPAIGNS)))]
            touches.append((f"t-{person}-{n}", device, known, ts, channel, source, campaign))
        for n in range(int(rng.integers(0, 4))):
            ts = first + timedelta(hours=int(rng.integers(0, 24 * 150)))
            kind = TYPES[int(rng.integers(len(TYPES)))]
            owner = devices[0] if rng.random() < 0.7 else None
            value = float(rng.integers(1, 400)) * 2.5 if rng.random() < 0.9 else None
            conversions.append((f"c-{person}-{n}", owner, customer, ts, kind, value))
            if rng.random() < 0.2:  # another conversion at the same instant
                conversions.append((f"c-{person}-{n}b", owner, customer, ts, kind, 10.0))
    # Ingest 0: no file loaded them, so forgetting a real ingest leaves them be. One
    # INSERT per table from Arrow: a thousand single-row INSERTs take seconds.
    insert(w, "touchpoints", touches, "journey_id customer_id ts channel utm_source utm_campaign")
    insert(w, "conversions", conversions, "journey_id customer_id ts type value")


def insert(w: Warehouse, table: str, rows: list[tuple[Any, ...]], columns: str) -> None:
    names = ["key", *columns.split()]
    arrow = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows])
    w.duckdb.register("new_rows", arrow)
    w.duckdb.execute(
        f"INSERT INTO {table} ({', '.join(names)}, source, ingest_id) "
        f"SELECT {', '.join(names)}, 'ga4', 0 FROM new_rows"
    )
    w.duckdb.unregister("new_rows")


def assert_identical(got: PathCounts, expected: PathCounts) -> None:
    assert got.channels == expected.channels
    for name in ("touches", "offsets", "conversions", "value", "nulls"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def worked_out(
    tp: Any, cv: Any, span: tuple[datetime, datetime] | None, **options: Any
) -> PathCounts:
    """The paths of one period put together in Python from `journey_parts`' rows, as the
    journeys module's docstring says: independent of how the engine groups them (the
    credited touches come with the direct rule applied; the open ones are cut here)."""
    touches, events, credited = (
        to_arrow(part).to_pylist() for part in journey_parts(tp, cv, **options)
    )
    totals: dict[str, list[float]] = {}

    def add(steps: list[dict[str, Any]], counts: tuple[float, float, float]) -> None:
        ordered = sorted(steps, key=lambda t: (t["ts"], t["tie"], t["step"]))
        path = " > ".join(t["step"] for t in ordered)
        totals[path] = [a + b for a, b in zip(totals.get(path, [0.0] * 3), counts, strict=True)]

    def inside(ts: datetime) -> bool:
        return span is None or span[0] <= ts < span[1]

    per_event: dict[tuple[str, datetime], list[dict[str, Any]]] = {}
    for row in credited:
        if inside(row["cts"]):
            per_event.setdefault((row["ckey"], row["cts"]), []).append(row)
    for steps in per_event.values():
        add(steps, (steps[0]["n"], steps[0]["amount"], 0.0))
    last: dict[str, datetime] = {}
    for event in events:
        last[event["ckey"]] = max(event["cts"], last.get(event["ckey"], event["cts"]))
    open_touches: dict[str, list[dict[str, Any]]] = {}
    for touch in touches:
        if (touch["jkey"] not in last or touch["ts"] > last[touch["jkey"]]) and inside(touch["ts"]):
            open_touches.setdefault(touch["jkey"], []).append(touch)
    for steps in open_touches.values():
        if options.get("skip_direct", True) and not all(t["direct"] for t in steps):
            # The direct rule: direct touches only on a path of nothing else.
            steps = [t for t in steps if not t["direct"]]
        add(steps, (0.0, 0.0, 1.0))
    rows = sorted(totals.items())
    return PathCounts.from_rows((path, c, v, n) for path, (c, v, n) in rows)


def briefing_periods(plan: Plan) -> list[tuple[str, tuple[datetime, datetime] | None]]:
    whole = Period.of_plan(plan)
    spans = [(label, p.instants()) for label, p in (("plan", whole), *quarters(whole))]
    return [*spans, ("all", None)]


@pytest.fixture(scope="module")
def journeys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The random journeys, shared by the tests that only read them."""
    with Warehouse.open(tmp_path_factory.mktemp("journeys")) as w:
        add_random_journeys(w)
        yield w


# Each pair of values of two options meets once (all eight combinations add nothing).
@pytest.mark.parametrize(
    ("by", "lookback_days", "conversion_types"),
    [
        ("channel", None, ("deal_won", "order")),
        ("tactic", 30, ("deal_won", "order")),
        ("channel", 30, ("new_customer",)),
        ("tactic", None, ("new_customer",)),
    ],
)
def test_every_period_gives_what_building_each_time_gives(
    journeys: Warehouse,
    plan: Plan,
    by: str,
    lookback_days: int | None,
    conversion_types: tuple[str, ...],
) -> None:
    tp, cv = journeys.table("touchpoints"), journeys.table("conversions")
    options: dict[str, Any] = {
        "by": by, "plan": plan, "lookback_days": lookback_days,
        "conversion_types": conversion_types,
    }  # fmt: skip
    periods = briefing_periods(plan)
    with JourneyStore(tp, cv) as store:
        found = store.path_counts(periods, **options)
    assert list(found) == [label for label, _ in periods]
    for label, span in periods:
        expected = paths_from_warehouse(tp, cv, credit_period=span, **options)
        assert expected.n_paths > 3, label  # every period has journeys to compare
        assert_identical(found[label], expected)
        assert_identical(found[label], worked_out(tp, cv, span, **options))


def test_event_steps_are_those_of_journey_parts(journeys: Warehouse, plan: Plan) -> None:
    tp, cv = journeys.table("touchpoints"), journeys.table("conversions")
    options: dict[str, Any] = {"by": "tactic", "plan": plan, "lookback_days": 60}
    _, _, credited = journey_parts(tp, cv, **options)
    columns = ["step", "ckey", "cts", "n", "amount"]
    expected = sorted(map(tuple, to_arrow(credited.select(*columns).distinct()).to_pylist()))
    with JourneyStore(tp, cv) as store:
        got = sorted(map(tuple, to_arrow(store.event_steps(**options)).to_pylist()))
    assert got == expected and len(got) > 20


def test_each_layer_is_built_once(journeys: Warehouse, plan: Plan) -> None:
    tp, cv = journeys.table("touchpoints"), journeys.table("conversions")
    periods = briefing_periods(plan)
    with JourneyStore(tp, cv) as store:
        for by in ("channel", "tactic"):
            store.path_counts(periods[:2], by=by, plan=plan)
            store.path_counts(periods, by=by, plan=plan)  # the rest: one more query
        store.paths(by="tactic", plan=plan, conversion_types=("new_customer",))
        store.event_steps(by="tactic", plan=plan, lookback_days=None)
        # The stitched touchpoints; from them the touches by channel and by tactic; the
        # conversions, whatever their types.
        assert store.builds == 4
        again = store.paths(by="tactic", plan=plan, credit_period=periods[0][1])
        assert again is store.path_counts(periods, by="tactic", plan=plan)["plan"]
        assert store.builds == 4


def test_a_closed_store_builds_again(journeys: Warehouse) -> None:
    tp, cv = journeys.table("touchpoints"), journeys.table("conversions")
    with JourneyStore(tp, cv) as store:
        first = store.paths()
        store.close()
        assert_identical(store.paths(), first)
        assert store.builds == 6  # stitched touchpoints, touches and conversions, twice


def test_an_ingest_and_a_forget_between_briefings_show_in_the_next(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    journeys = warehouse
    add_random_journeys(journeys)
    loaded = load_plan(example_path("northwind"))
    options = BriefingOptions(lookback_days=None, bootstrap=0)

    def channel_paths() -> PathCounts:
        return build_briefing(loaded, journeys, options).explorer.counts[("channel", "plan")]

    before = channel_paths()
    day = Period.of_plan(loaded.plan).start + timedelta(days=3)
    visits = tmp_path / "visits.csv"
    visits.write_text(f"Session,Time,Channel\nnewcomer,{day.isoformat()}T10:00:00Z,mastodon\n")
    mapping = {"journey_id": "Session", "ts": "Time", "channel": "Channel"}
    (result,) = ingest_files(
        journeys, "csv", [visits], ReadOptions(table="touchpoints", mapping=mapping)
    )
    assert isinstance(result, IngestResult) and result.loaded == 1
    after = channel_paths()
    assert "mastodon" not in before.channels and "mastodon" in after.channels
    assert after.nulls.sum() == before.nulls.sum() + 1  # one more journey, not converted
    forget(journeys, str(result.ingest_id))
    assert_identical(channel_paths(), before)


def test_a_scope_keeps_its_conversions_and_leaves_out_other_scopes_journeys(
    journeys: Warehouse, plan: Plan
) -> None:
    """Scoped to orders, sales journeys credit orders only (as asking for orders does), and
    a journey whose sales were all deals is no failed order journey: fewer null paths."""
    tp, cv = journeys.table("touchpoints"), journeys.table("conversions")
    scope = ((("type", ("order",)),),)
    options: dict[str, Any] = {"by": "tactic", "plan": plan, "lookback_days": None}
    periods = briefing_periods(plan)
    with JourneyStore(tp, cv) as store:
        found = store.path_counts(periods, scope=scope, **options)
    for label, span in periods:
        scoped = paths_from_warehouse(tp, cv, credit_period=span, scope=scope, **options)
        assert_identical(found[label], scoped)
        orders = paths_from_warehouse(
            tp, cv, credit_period=span, conversion_types=("order",), **options
        )
        assert scoped.conversions.sum() == orders.conversions.sum() > 0, label
        assert scoped.value.sum() == orders.value.sum()
        assert scoped.nulls.sum() <= orders.nulls.sum(), label
        if span is None:
            assert scoped.nulls.sum() < orders.nulls.sum()
