"""The catalogue of what can be measured, held to what the measures and connectors do.

Each metric's need is checked against the measure itself: a warehouse holding exactly the
data of one scenario, measured, must give a number exactly when the catalogue says the
data holds the need. Each connector's data is checked against what it wrote into the demo
company's warehouse.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outcomes.catalog import BUILTIN_METRICS, SOURCES
from outcomes.catalog.measurable import (
    ANY_DATA,
    BENCHMARK_NEEDS,
    CAMPAIGN_METRICS,
    GOAL_CONVERSIONS,
    INBOUND,
    SOURCE_DATA,
    X_REPLIES,
    benchmark_need,
    goal_need,
    holds,
)
from outcomes.measure import benchmarks as measured_benchmarks
from outcomes.measure.benchmarks import tactic_benchmarks
from outcomes.measure.pacing import FLOW_METRICS, measure_metric
from outcomes.plan import Plan
from outcomes.plan.matching import ACTIVITY_KINDS
from outcomes.sources.registry import CONNECTORS
from outcomes.tables import CONVERSION_TYPES
from outcomes.warehouse.connection import Warehouse
from tests.conftest import CLEAN_PLAN, plan_from_data
from tests.demo_cache import DemoCache

DAY = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
SNOWFLAKE = str((int(DAY.timestamp() * 1000) - 1_288_834_974_657) << 22)
ENGAGEMENT = ("impressions", "reach", "views", "reactions", "comments", "shares", "clicks")


def test_the_catalogue_names_every_connector_and_the_measures_metrics() -> None:
    assert set(SOURCE_DATA) == set(SOURCES) == set(CONNECTORS)
    assert set(BENCHMARK_NEEDS) == (
        set(measured_benchmarks.ACTIVITY_KINDS) | set(measured_benchmarks.ENGAGEMENT_COLUMNS)
        | measured_benchmarks.LEVELS | set(measured_benchmarks.CONVERSION_TYPES)
        | {"support_tickets_deflected"}
    )  # fmt: skip


# --- benchmarks: each scenario's data, measured -----------------------------------------------

Rows = Callable[[Warehouse], None]


def activity(kind: str, native_id: str = "a1", channel: str = "linkedin", **values: Any) -> Rows:
    def insert(w: Warehouse) -> None:
        columns = {
            "key": f"{kind}-{native_id}", "source": "test", "channel": channel,
            "account": "acme", "native_id": native_id, "kind": kind, "ts": DAY,
            "ingest_id": 1, **values,
        }  # fmt: skip
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        w.duckdb.execute(
            f"INSERT INTO activities ({names}) VALUES ({marks})", list(columns.values())
        )

    return insert


def conversion(*kinds: str, touched: bool) -> Rows:
    """One conversion of each kind, each on its own journey, through the tactic's campaign
    when `touched`."""

    def insert(w: Warehouse) -> None:
        for kind in kinds:
            if touched:
                w.duckdb.execute(
                    "INSERT INTO touchpoints (key, source, journey_id, ts, channel, "
                    "utm_campaign, ingest_id) VALUES (?, 'test', ?, ?, 'linkedin', 'probe', 1)",
                    [f"t-{kind}", f"j-{kind}", DAY - dt.timedelta(days=1)],
                )
            w.duckdb.execute(
                "INSERT INTO conversions (key, source, customer_id, journey_id, ts, type, value, "
                "channel, ingest_id) VALUES (?, 'test', ?, ?, ?, ?, 100, 'linkedin', 1)",
                [f"c-{kind}", f"cust-{kind}", f"j-{kind}", DAY, kind],
            )

    return insert


def campaign(name: str, *metrics: str) -> Rows:
    """A campaign report's figures (snapshots of entity kind `campaign`), one per metric."""

    def insert(w: Warehouse) -> None:
        for n, metric in enumerate(metrics):
            w.duckdb.execute(
                "INSERT INTO metric_snapshots (key, source, channel, entity, entity_kind, "
                "metric, date, value, ingest_id) VALUES "
                "(?, 'linkedin-ads', 'linkedin', ?, 'campaign', ?, '2026-03-02', 40, 1)",
                [f"c{n}", name, metric],
            )

    return insert


def scenario(tokens: set[str], *rows: Rows) -> tuple[frozenset[str], tuple[Rows, ...]]:
    return frozenset(tokens), rows


FIRST = ("lead", "demo_request", "opportunity", "order", "hire", "ticket_deflected")
SECOND = tuple(t for t in CONVERSION_TYPES if t not in FIRST)
SOME, OTHERS = ("impressions", "reactions", "clicks"), ("reach", "views", "comments", "shares")
SCENARIOS = {
    "a post": scenario({"activities:post"}, activity("post")),
    "a mention": scenario({"activities:mention"}, activity("mention")),
    **{
        f"a post with {', '.join(columns)}": scenario(
            {"activities:post", *(f"activities.{c}" for c in columns)},
            activity("post", **dict.fromkeys(columns, 5)),
        )
        for columns in (SOME, OTHERS)
    },
    "a comment answered": scenario(
        {"activities:comment", "activities:reply"},
        activity("comment", "c1"), activity("reply", "r1", in_reply_to="c1"),
    ),
    "a message answered by message": scenario(
        {"activities:message_in", "activities:message"},
        activity("message_in", "m1"), activity("message", "m2", in_reply_to="m1"),
    ),
    "posts and answers": scenario(
        {"activities:post", "activities:mention", "activities:reply"},
        activity("post", "p1"), activity("mention", "n1"), activity("reply", "r1", in_reply_to="n1"),
    ),
    "a reply to what the export lacks": scenario(
        {"activities:reply"}, activity("reply", "r1", in_reply_to="elsewhere")
    ),
    "an X reply, dated by its id": scenario(
        {"activities:reply", X_REPLIES},
        activity("reply", "1800000000000000000", channel="x", in_reply_to=SNOWFLAKE),
    ),
    **{
        f"{', '.join(kinds)} through the tactic": scenario(
            {"touchpoints", *(f"conversions:{t}" for t in kinds)}, conversion(*kinds, touched=True)
        )
        for kinds in (FIRST, SECOND)
    },
    "the tactic's ad campaign's report": scenario(
        {"campaigns.clicks", "campaigns.impressions"},
        campaign(" PROBE ", "clicks", "impressions", "reach", "leads"),
    ),
    "another tactic's ad campaign's report": scenario(
        set(), campaign("not-probe", "clicks", "impressions")
    ),
    "every conversion, on no journey": scenario(
        {f"conversions:{t}" for t in CONVERSION_TYPES}, conversion(*CONVERSION_TYPES, touched=False)
    ),
}  # fmt: skip
ALWAYS_COUNTED = ("posts", "replies_sent", "messages_sent")
"""Activity counts: a tactic that did nothing has 0 where a loaded export on its channel
could hold the activity, and no data where none could (a LinkedIn page export never holds
the replies under its posts). The linter's need for them says which sources can give the
activity at all."""
RATIOS = {"listen_push_ratio": {"activities:post"}, "response_rate": set(INBOUND)}
"""Answers over posts or inbound items: a number as soon as the denominator is there (no
answer is a ratio of 0), which means something only where the sources could hold answers,
as the linter's need says."""


def probe_plan(channel: str) -> Plan:
    """One tactic with a benchmark on every metric, claiming every activity of `acme`."""
    data: dict[str, Any] = copy.deepcopy(CLEAN_PLAN)
    metrics = [*BUILTIN_METRICS, "support_tickets_deflected", "own_thing"]
    data["metrics"] = [
        {"id": "support_tickets_deflected", "name": "Deflected", "class": "business", "unit": "count"},
        {"id": "own_thing", "name": "Our own", "class": "business", "unit": "count"},
    ]  # fmt: skip
    probe = copy.deepcopy(data["tactics"][0])
    del probe["pilot"]
    probe.update(
        id="probe", channel=channel, mode="outreach",
        benchmarks=[{"metric": m, "target": 1} for m in metrics],
        measurement={"sources": ["csv"], "match": {
            "accounts": ["acme"], "utm_campaign": ["probe"], "kinds": list(ACTIVITY_KINDS),
        }},
    )  # fmt: skip
    data["tactics"] = [probe]
    return plan_from_data(data).plan


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_benchmark_is_measured_exactly_when_its_data_holds_its_need(
    name: str, tmp_path: Path
) -> None:
    tokens, rows = SCENARIOS[name]
    plan = probe_plan("x" if X_REPLIES in tokens else "linkedin")
    with Warehouse.open(tmp_path) as w:
        for insert in rows:
            insert(w)
        results = tactic_benchmarks(
            plan, w.table("activities"), w.table("touchpoints"), w.table("conversions"),
            as_of=dt.date(2026, 12, 31), snapshots=w.table("metric_snapshots"),
        )  # fmt: skip
    wrong = {
        r.metric: r.actual
        for r in results
        if r.metric not in ALWAYS_COUNTED
        and (r.actual is not None) != holds(benchmark_need(r.metric), tokens)
        and not (r.metric in RATIOS and r.actual is not None and tokens & RATIOS[r.metric])
    }
    counted = {r.metric: r.actual for r in results if r.metric in ALWAYS_COUNTED}
    # Each scenario loads one activity at most: the count is 1 where its need holds; else
    # 0 where a loaded export could hold the activity, no data where none could (which of
    # the two is tests/measure/test_benchmarks.py's).
    for metric, actual in counted.items():
        if holds(benchmark_need(metric), tokens):
            assert actual == 1.0, metric
        else:
            assert actual in (0.0, None), metric
    assert wrong == {}, "measured (a value) where the catalogue says not, or None where it says so"


# --- goals ------------------------------------------------------------------------------------


GOAL_METRICS = (*GOAL_CONVERSIONS, "support_cost", "csat", "applications", "retention_rate")
"""The metrics pacing computes from conversions, and some it reads only from snapshots."""


@pytest.mark.parametrize("kind", CONVERSION_TYPES)
def test_a_goal_is_measured_exactly_when_its_conversions_hold_its_need(
    kind: str, tmp_path: Path
) -> None:
    with Warehouse.open(tmp_path) as w:
        conversion(kind, touched=False)(w)
        conversion_table, snapshots = w.table("conversions"), w.table("metric_snapshots")
        found = {
            metric: measure_metric(
                metric, "flow" if metric in FLOW_METRICS else "level", conversion_table,
                snapshots, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
            )
            for metric in GOAL_METRICS
        }  # fmt: skip
    wrong = {
        metric: value
        for metric, value in found.items()
        if (value is not None) != holds(goal_need(metric), {f"conversions:{kind}"})
    }
    assert wrong == {}


def test_a_goal_on_any_metric_is_measured_from_its_snapshots(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path) as w:
        w.duckdb.execute(
            "INSERT INTO metric_snapshots (key, source, channel, entity, entity_kind, metric, "
            "date, value, ingest_id) VALUES ('s1', 'csv', 'helpdesk', 'Support', 'team', "
            "'support_cost', '2026-03-31', 31000, 1)"
        )
        conversions, snapshots = w.table("conversions"), w.table("metric_snapshots")
        for metric in ("support_cost", "csat"):
            value = measure_metric(
                metric, "flow", conversions, snapshots, dt.date(2026, 1, 1), dt.date(2026, 12, 31)
            )
            tokens = {"metric_snapshots:support_cost"}
            assert (
                (value is not None)
                == holds(goal_need(metric), tokens)
                == (metric == "support_cost")
            )


# --- connectors -------------------------------------------------------------------------------


def test_each_connector_writes_only_the_data_the_catalogue_lists(
    demo_cache: DemoCache, tmp_path: Path
) -> None:
    workspace = demo_cache.copy(0.1, tmp_path / "northwind").workspace
    with Warehouse.open(workspace) as w:
        written = _written(w)
    assert set(written) <= set(SOURCE_DATA) and len(written) >= 12  # the demo loads 13
    extra = {s: sorted(t - SOURCE_DATA[s]) for s, t in written.items() if s != ANY_DATA}
    assert {s: t for s, t in extra.items() if t} == {}


def _written(w: Warehouse) -> dict[str, set[str]]:
    """Per source, the tokens of the data it wrote into the warehouse."""
    found: dict[str, set[str]] = {}

    def add(sql: str, token: Callable[[Any], str]) -> None:
        for source, value in w.duckdb.execute(sql).fetchall():
            found.setdefault(source, set()).add(token(value))

    add("SELECT DISTINCT source, kind FROM activities", lambda k: f"activities:{k}")
    for column in ENGAGEMENT:
        add(
            f"SELECT DISTINCT source, '{column}' FROM activities WHERE {column} IS NOT NULL",
            lambda c: f"activities.{c}",
        )
    add(
        "SELECT DISTINCT source, 1 FROM activities WHERE kind = 'reply' AND channel = 'x' "
        "AND regexp_matches(native_id, '^[0-9]{15,}$')",
        lambda _: X_REPLIES,
    )
    add("SELECT DISTINCT source, type FROM conversions", lambda t: f"conversions:{t}")
    add("SELECT DISTINCT source, 1 FROM touchpoints", lambda _: "touchpoints")
    add("SELECT DISTINCT source, 1 FROM costs", lambda _: "costs")
    add("SELECT DISTINCT source, 1 FROM journey_paths", lambda _: "journey_paths")
    known = ", ".join(f"'{m}'" for m in BUILTIN_METRICS)
    add(
        f"SELECT DISTINCT source, metric FROM metric_snapshots WHERE metric IN ({known})",
        lambda m: f"metric_snapshots:{m}",
    )
    counts = ", ".join(f"'{m}'" for m in CAMPAIGN_METRICS)
    add(
        "SELECT DISTINCT source, metric FROM metric_snapshots "
        f"WHERE entity_kind = 'campaign' AND metric IN ({counts})",
        lambda m: f"campaigns.{m}",
    )
    return found
