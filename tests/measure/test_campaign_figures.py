"""An advertising tactic's clicks and impressions, from the campaign report it runs.

LinkedIn's Campaign Manager report states each campaign's clicks and impressions per day;
a tactic whose `utm_campaign` names the campaign read "no data yet" for its clicks
benchmark beside that very report, and the linter called the benchmark unmeasurable
from `linkedin-ads`.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from outcomes.lint import check_plan
from outcomes.measure.benchmarks import tactic_benchmarks
from outcomes.plan import LoadedPlan
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.ingest import ingest_files
from tests.conftest import CLEAN_PLAN, plan_from_data

REPORT = Path(__file__).parents[1] / "sources/fixtures/linkedin_ads/campaign_performance_report.csv"
BENCHMARKS = [
    {"metric": "clicks", "baseline": 0, "target": 100},
    {"metric": "impressions", "baseline": 0, "target": 12_000},
    {"metric": "reach", "baseline": 0, "target": 5_000},
]


def ads_plan(
    start: str = "2026-03-01", *, campaign: str = " nw - OPS leaders - guides"
) -> LoadedPlan:
    """The clean plan with an ads tactic that claims the report's first campaign (its
    name in another case, with a space), measured from `linkedin-ads` alone."""
    data: dict[str, Any] = copy.deepcopy(CLEAN_PLAN)
    ads = copy.deepcopy(data["tactics"][0])
    del ads["pilot"], ads["cadence"]
    ads.update(
        id="ops-ads", title="Sponsored guides for operations leaders", mode="advertise",
        start=start, end="2026-03-31", benchmarks=BENCHMARKS,
        measurement={"sources": ["linkedin-ads"], "match": {"utm_campaign": [campaign]}},
    )  # fmt: skip
    data["tactics"].append(ads)
    return plan_from_data(data)


def measured(tmp_path: Path, loaded: LoadedPlan) -> dict[str, float | None]:
    plan = loaded.plan
    with Warehouse.open(tmp_path) as warehouse:
        [loaded] = ingest_files(warehouse, "linkedin-ads", [REPORT])
        assert isinstance(loaded, IngestResult) and loaded.balanced, loaded
        results = tactic_benchmarks(
            plan,
            warehouse.table("activities"),
            warehouse.table("touchpoints"),
            warehouse.table("conversions"),
            as_of=dt.date(2026, 3, 31),
            snapshots=warehouse.table("metric_snapshots"),
        )
    return {r.metric: r.actual for r in results if r.tactic == "ops-ads"}


def test_an_ads_tactic_is_measured_on_the_clicks_its_campaign_reports(tmp_path: Path) -> None:
    # "NW - Ops leaders - Guides": 28 + 25 + 31 clicks, 3,500 + 3,350 + 3,650 impressions;
    # the retargeting campaign's 32 clicks and the report's Total row are not the tactic's.
    # Reach is not added up: people reached on 2 March are reached again on 3 March.
    actual = measured(tmp_path, ads_plan())
    assert actual == {"clicks": 84.0, "impressions": 10_500.0, "reach": None}


def test_a_campaigns_figures_count_from_the_tactics_start(tmp_path: Path) -> None:
    assert measured(tmp_path, ads_plan("2026-03-04"))["clicks"] == 31.0


def test_a_campaign_no_tactic_names_measures_nothing(tmp_path: Path) -> None:
    actual = measured(tmp_path, ads_plan(campaign="NW - Something else"))
    assert actual == {"clicks": None, "impressions": None, "reach": None}


def test_the_linter_knows_a_campaign_report_measures_clicks_not_reach() -> None:
    found = check_plan(ads_plan()).findings
    findings = [f for f in found if f.rule.name == "unmeasurable-metric"]
    assert [f.message.split(" cannot")[0] for f in findings] == [
        "benchmark reach of tactic 'ops-ads'"
    ]
