"""A tactic's overall status: business outcomes first, no data never a colour, no goal never achieved."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.catalog import BUILTIN_METRICS
from outcomes.measure.benchmarks import BenchmarkResult
from outcomes.measure.pilot import PilotResult
from outcomes.measure.tactic_status import TacticStatus, tactic_statuses
from outcomes.plan import Plan


def mark(
    tactic: str, metric: str, status: str, actual: float | None = 1.0, target: float = 1.0
) -> BenchmarkResult:
    return BenchmarkResult(
        tactic=tactic, metric=metric, per="period", baseline=0.0, threshold=None, target=target,
        actual=None if status == "no_data" else actual, status=status,  # type: ignore[arg-type]
        metric_class=BUILTIN_METRICS[metric].metric_class,
    )  # fmt: skip


def pilot(tactic: str, low: float, high: float, p_value: float = 0.33) -> PilotResult:
    return PilotResult(
        tactic=tactic, metric="pipeline_value", start=dt.date(2026, 2, 1), group=("ana",),
        control=("cy",), months_before=3, months_after=3, group_before=0.0, group_after=0.0,
        control_before=0.0, control_after=0.0, effect=(low + high) / 2, low=low, high=high,
        p_value=p_value, permutations=6, verdict="",
    )  # fmt: skip


def judged(
    plan: Plan,
    marks: list[BenchmarkResult],
    pilots: list[PilotResult] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, TacticStatus]:
    return {t.tactic: t for t in tactic_statuses(plan, marks, pilots or [], as_of)}


def test_business_outcomes_outweigh_a_short_activity_benchmark(plan: Plan) -> None:
    # Ads that met 847 of 700 new customers are not red because their clicks are low.
    found = judged(
        plan,
        [
            mark("fb-retarget", "net_new_customers", "achieved", 847, 700),
            mark("fb-retarget", "clicks", "off_track", 12, 5_000),
        ],
    )["fb-retarget"]
    assert (found.status, found.basis) == ("achieved", "outcome")
    assert found.reason == (
        "on business outcomes: net_new_customers 847 (target 700): achieved; "
        "not weighed: clicks 12 (target 5,000): off track"
    )


def test_the_worst_business_outcome_decides(plan: Plan) -> None:
    found = judged(
        plan,
        [
            mark("li-company-guides", "qualified_leads", "at_risk"),
            mark("li-company-guides", "revenue", "on_track"),
            mark("li-company-guides", "likes", "achieved"),
        ],
    )["li-company-guides"]
    assert found.status == "at_risk"


def test_without_an_outcome_the_activity_benchmarks_decide(plan: Plan) -> None:
    found = judged(
        plan,
        [
            mark("li-listen-respond", "first_response_minutes", "on_track"),
            mark("li-listen-respond", "listen_push_ratio", "no_data"),
            mark("li-listen-respond", "demo_requests", "no_data"),
        ],
    )["li-listen-respond"]
    # The benchmarks with no data count for nothing: neither stale nor red.
    assert (found.status, found.basis) == ("on_track", "activity")


def test_a_tactic_whose_one_benchmark_has_no_data_has_no_data_yet(plan: Plan) -> None:
    found = judged(plan, [mark("trade-show", "meetings", "no_data")])
    assert (found["trade-show"].status, found["trade-show"].basis) == ("no_data", "none")
    assert found["trade-show"].reason == "no data yet (meetings)"
    # A tactic that has not started has no benchmark rows at all: no data yet too.
    assert found["fb-retarget"].status == "no_data"
    assert found["fb-retarget"].reason == "no data yet (it starts on 2026-03-01)"


@pytest.mark.parametrize(
    ("low", "high", "status"),
    [(1_200.0, 30_000.0, "on_track"), (-9_000.0, -500.0, "off_track"), (-3_000.0, 29_000.0, None)],
)
def test_a_pilot_with_a_clear_interval_is_outcome_evidence(
    plan: Plan, low: float, high: float, status: str | None
) -> None:
    marks = [mark("li-rep-insights", "demo_requests", "no_data")]
    found = judged(plan, marks, [pilot("li-rep-insights", low, high)])["li-rep-insights"]
    if status is None:  # an interval across zero proves nothing either way
        assert found.status == "no_data"
    else:
        assert (found.status, found.basis) == (status, "outcome")
        assert "pilot on pipeline_value" in found.reason


def test_a_pilots_evidence_is_final_once_its_tactic_is_over(plan: Plan) -> None:
    # The benchmarks are final at the tactic's end; the pilot's proof is too, never
    # "on track" beside them.
    [tactic] = [t for t in plan.tactics if t.id == "li-rep-insights"]
    marks = [mark("li-rep-insights", "demo_requests", "no_data")]
    proved = [pilot("li-rep-insights", 1_000.0, 9_000.0, p_value=0.01)]
    running = judged(plan, marks, proved, tactic.end - dt.timedelta(days=1))["li-rep-insights"]
    assert running.status == "on_track"
    over = judged(plan, marks, proved, tactic.end)["li-rep-insights"]
    assert (over.status, over.basis) == ("achieved", "outcome")
    assert over.reason == "on business outcomes: pilot on pipeline_value: achieved"
    harmed = [pilot("li-rep-insights", -9_000.0, -1_000.0, p_value=0.01)]
    assert judged(plan, marks, harmed, tactic.end)["li-rep-insights"].status == "missed"


def test_a_tactic_that_serves_no_goal_is_never_achieved(plan: Plan) -> None:
    data = plan.model_dump(by_alias=True)
    tiktok = next(t for t in data["tactics"] if t["id"] == "fb-retarget") | {
        "id": "tiktok-views", "channel": "tiktok", "serves": None,
    }  # fmt: skip
    orphan = next(s for s in data["strategies"] if s["id"] == "helpful-content") | {
        "id": "orphan", "serves": [],
    }  # fmt: skip
    stray = next(t for t in data["tactics"] if t["id"] == "trade-show") | {
        "id": "stray", "serves": "orphan",
    }  # fmt: skip
    data["tactics"] += [tiktok, stray]
    data["strategies"].append(orphan)
    wider = Plan.model_validate(data)
    found = judged(
        wider,
        [
            mark("tiktok-views", "views", "achieved", 90_000, 50_000),
            mark("stray", "meetings", "achieved"),
        ],
    )
    assert found["tiktok-views"].status == "unplanned"
    assert (
        found["tiktok-views"].reason
        == "serves no business goal (views 90,000 (target 50,000): achieved)"
    )
    assert found["stray"].status == "unplanned"  # its strategy serves no goal


def test_money_in_a_reason_reads_as_money(plan: Plan) -> None:
    # "revenue 45000 (target 40000)" says neither the currency nor that it is money.
    found = judged(
        plan,
        [
            mark("li-company-guides", "revenue", "achieved", 45_000, 40_000),
            mark("li-company-guides", "qualified_leads", "achieved", 95, 90),
        ],
    )["li-company-guides"]
    assert found.reason == (
        "on business outcomes: revenue €45,000 (target €40,000): achieved; "
        "qualified_leads 95 (target 90): achieved"
    )
