"""The briefing on the demo company: exceptions, statuses, JSON, and its cache."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from outcomes.briefing.attention import GOAL_KINDS, Attention, attention_items, top_three
from outcomes.briefing.build import Briefing, BriefingOptions
from outcomes.briefing.cache import CACHE_DIR, cache_path, fingerprint, load_briefing
from outcomes.catalog.statuses import MEASURED
from outcomes.lint.rules.listening import required_listeners
from outcomes.measure.returns import Money, Return, ReturnPart
from outcomes.measure.roi_report import Estimate
from tests.demo_cache import DemoCache

OPTIONS = BriefingOptions(sources=("ga4",), lookback_days=None, bootstrap=50)


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("briefing") / "northwind").workspace


@pytest.fixture(scope="module")
def briefing(workspace: Path) -> Briefing:
    # Measured (the copy has no cache) and kept: the test of reading a kept briefing reads it.
    return load_briefing(workspace, options=OPTIONS)


def test_the_demo_exceptions_are_found(briefing: Briefing) -> None:
    kinds = {(a.kind, a.subject) for a in briefing.attention}
    assert ("engagement-tied-to-nothing", "fb-retarget") in kinds
    assert ("losing-money", "fb-retarget") in kinds
    assert any(k == "push-without-listening" and "mastodon" in s for k, s in kinds)
    assert any(k == "random-act" and s == "unplanned activity" for k, s in kinds)
    # Support tactics are judged in support cost saved, and listening is never stopped.
    for item in briefing.attention:
        if item.kind == "losing-money" and item.subject == "x-support":
            assert "support contacts saved × €25 (plan)" in item.detail
            assert "stop it" not in item.detail.replace("rather than stop it", "")
    assert ("losing-money", "li-listen-respond") not in kinds  # no return measured yet
    severities = [a.severity for a in briefing.attention]
    assert severities == sorted(severities, reverse=True)
    links = {a.link for a in briefing.attention}
    assert "/tactics/fb-retarget" in links and "/conversation" in links


def test_page_one_shows_the_goals_that_need_a_decision_first(briefing: Briefing) -> None:
    # Before, a second missed goal was displaced by notes of other kinds.
    top = briefing.top_attention
    goals = [a for a in briefing.attention if a.kind in GOAL_KINDS and a.severity >= 2]
    assert len(top) == 3 and len(goals) >= 2
    assert all(a in goals for a in top[: len(goals)])
    assert top[0] == briefing.attention[0]


def test_page_one_keeps_goals_before_notes_and_then_varies_kinds() -> None:
    def item(kind: str, subject: str, severity: int = 2) -> Attention:
        return Attention(kind, severity, subject, subject, "", "/")  # type: ignore[arg-type]

    items = [
        item("missed-goal", "kept", 3),
        item("at-risk-goal", "sponsors"),
        item("at-risk-goal", "donations"),
        item("random-act", "campaign"),
        item("engagement-tied-to-nothing", "care"),
    ]
    assert [a.subject for a in top_three(items)] == ["kept", "sponsors", "donations"]
    notes = [item("missed-goal", "kept", 3), item("push-without-listening", "x")]
    notes += [item("push-without-listening", "masto"), item("random-act", "campaign")]
    assert [a.subject for a in top_three(notes)] == ["kept", "x", "campaign"]
    # A goal still at risk before a third one already missed; page one in severity order.
    goals = [item("missed-goal", s, 3) for s in "abc"] + [item("at-risk-goal", "d")]
    assert [a.subject for a in top_three(goals)] == ["a", "b", "d"]


def test_an_off_track_goal_comes_first(briefing: Briefing) -> None:
    goals = list(briefing.scorecard.goals)
    goals[0] = dataclasses.replace(goals[0], status="off_track")
    card = dataclasses.replace(briefing.scorecard, goals=tuple(goals))
    items = attention_items(
        briefing.plan, card, briefing.roi, "markov", briefing.unplanned, briefing.findings
    )
    assert items[0].kind == "off-track-goal" and items[0].severity == 3
    assert items[0].subject == goals[0].goal
    assert items[0].link == f"/goals/{goals[0].goal}"
    assert top_three(items)[0] is items[0]


def test_an_at_risk_goal_outranks_notes_on_engagement_and_conversation(
    briefing: Briefing,
) -> None:
    # Ledgerline's revenue goal at risk was "and 1 more" on page one, below a note that
    # a demo video's engagement was tied to nothing: the goal is what the notes are for.
    goals = [dataclasses.replace(g, status="on_track") for g in briefing.scorecard.goals]
    goals[0] = dataclasses.replace(goals[0], status="at_risk")
    card = dataclasses.replace(briefing.scorecard, goals=tuple(goals))
    items = attention_items(
        briefing.plan, card, briefing.roi, "markov", briefing.unplanned, briefing.findings
    )
    kinds = [a.kind for a in items]
    at_risk = kinds.index("at-risk-goal")
    for note in ("engagement-tied-to-nothing", "push-without-listening", "losing-money"):
        assert note in kinds and kinds.index(note) > at_risk, note
    assert items[at_risk] in top_three(items)
    assert items[at_risk].subject == goals[0].goal


def test_top_three_fills_with_repeats_when_kinds_run_out() -> None:
    def item(kind: str, subject: str, severity: int = 2) -> Attention:
        return Attention(kind, severity, subject, subject, "", "/")  # type: ignore[arg-type]

    items = [item("losing-money", "a"), item("losing-money", "b"), item("over-plan", "c", 1)]
    assert [a.subject for a in top_three(items)] == ["a", "b", "c"]
    many = [item("losing-money", s) for s in "abcd"] + [item("over-plan", "e", 1)]
    assert [a.subject for a in top_three(many)] == ["a", "b", "e"]
    assert top_three([]) == ()


def test_strategy_map_status_follows_goals_and_the_tactic_rule(briefing: Briefing) -> None:
    status = briefing.element_status()
    for pace in briefing.scorecard.goals:
        assert status[pace.goal] == pace.status  # "no data yet" stays itself, never "stale"
    order = ("no_data", "achieved", "on_track", "stale", "at_risk", "off_track", "missed")
    for strategy in briefing.plan.strategies:
        worst = max((status[g] for g in strategy.serves), key=order.index)
        assert status[strategy.id] == worst
    judged = {t.tactic: t for t in briefing.scorecard.tactic_status}
    assert {t.id for t in briefing.plan.tactics} == set(judged)
    for tactic in briefing.plan.tactics:
        assert status[tactic.id] == judged[tactic.id].status
        marks = [b for b in briefing.scorecard.tactics if b.tactic == tactic.id]
        if all(b.status == "no_data" for b in marks) and judged[tactic.id].basis != "outcome":
            # A tactic whose benchmarks have no data is "no data yet", not stale or red.
            assert status[tactic.id] == "no_data"
    # fb-retarget, the likes-only tactic: its one benchmark counts the leads it brought, none,
    # and its year is over (the demo's data run to its last day): missed, not off track.
    assert status["fb-retarget"] == "missed"
    # The pilot tactic's demo requests have no data, its response rate has: it is not grey.
    assert status["li-rep-insights"] in MEASURED
    # x-support is judged on its deflected tickets (business), its response time aside.
    assert judged["x-support"].basis == "outcome"


def test_json_is_serialisable_and_complete(briefing: Briefing) -> None:
    data = json.loads(json.dumps(briefing.to_json()))
    assert data["schema_version"] == 9
    assert (data["scorecard"]["schema_version"], data["roi"]["schema_version"]) == (9, 8)
    assert data["scorecard"]["as_of"] == data["as_of"]  # one day, whichever route asks
    assert data["organisation"] == "Northwind Freight Software"
    assert len(data["top_attention"]) == 3
    assert {r["id"] for r in data["roi"]["rows"] if r["level"] == "tactic"} == {
        t.id for t in briefing.plan.tactics
    }
    assert len(data["ingests"]) == len(briefing.ingests) > 0
    assert data["lint"]["health_score"] == briefing.health_score


def test_journeys_are_summarised_per_quarter(briefing: Briefing) -> None:
    labels = [label for label, _ in briefing.explorer.periods]
    assert labels == ["plan", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    whole = briefing.explorer.counts[("tactic", "plan")].conversions.sum()
    quarters = sum(briefing.explorer.counts[("tactic", q)].conversions.sum() for q in labels[1:])
    assert whole == pytest.approx(quarters) and whole > 0


def test_without_the_explorer_every_number_is_the_same(workspace: Path, briefing: Briefing) -> None:
    # `status` and the report measure without the explorer's journeys: only the dashboard's
    # explorer reads them. Everything else (the JSON every route serves) must not change.
    light = load_briefing(workspace, options=OPTIONS, use_cache=False, explorer=False)
    assert light.journeys is None
    with pytest.raises(LookupError, match="without the explorer"):
        light.explorer  # noqa: B018 - the property is the behaviour under test
    first, second = light.to_json(), briefing.to_json()
    assert first.pop("generated_at") and second.pop("generated_at")
    assert first == second


def test_a_kept_briefing_without_the_explorer_answers_only_who_does_not_need_it(
    workspace: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy, ignore=shutil.ignore_patterns("cache"))
    light = load_briefing(copy, options=OPTIONS, explorer=False)
    kept = cache_path(copy, light.fingerprint)
    written = kept.stat().st_mtime_ns
    assert load_briefing(copy, options=OPTIONS, explorer=False).journeys is None
    assert kept.stat().st_mtime_ns == written  # read, not measured and kept again
    full = load_briefing(copy, options=OPTIONS, explorer=True)
    assert full.journeys is not None and full.fingerprint == light.fingerprint
    assert kept.stat().st_mtime_ns != written  # measured, and kept in the light one's place
    # The full one now answers both kinds of caller.
    assert load_briefing(copy, options=OPTIONS, explorer=False).journeys is not None


def test_the_cache_is_used_until_the_plan_or_warehouse_changes(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy)
    shutil.rmtree(copy / CACHE_DIR, ignore_errors=True)
    monkeypatch.chdir(tmp_path)
    first = load_briefing(Path("ws"), options=OPTIONS)  # as `outcomes status -w ws`
    assert first.fingerprint and cache_path(copy, first.fingerprint).exists()
    again = load_briefing(copy, options=OPTIONS)
    assert again.generated_at == first.generated_at and again.fingerprint == first.fingerprint
    assert again is not first  # read back from disk
    # The report's footer names the plan alike, whichever spelling of the workspace
    # measured the kept briefing (before: "ws/plan.yaml" here, for `-w /srv/…/ws` too).
    assert again.plan_file == first.plan_file == str((copy / "plan.yaml").resolve())

    plan = copy / "plan.yaml"
    plan.write_text(
        plan.read_text().replace("name: Northwind Freight Software", "name: Northwind Ltd")
    )
    edited = load_briefing(copy, options=OPTIONS)
    assert edited.organisation == "Northwind Ltd" and edited.fingerprint != first.fingerprint

    other = dataclasses.replace(OPTIONS, headline_model="shapley")
    assert fingerprint(copy, plan, other) != fingerprint(copy, plan, OPTIONS)


def test_a_corrupt_cache_is_measured_again(workspace: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy)
    key = fingerprint(copy, copy / "plan.yaml", OPTIONS)
    assert key is not None
    cache_path(copy, key).parent.mkdir(parents=True, exist_ok=True)
    cache_path(copy, key).write_bytes(b"not a pickle")
    assert load_briefing(copy, options=OPTIONS).organisation == "Northwind Freight Software"


def test_an_unknown_headline_model_is_refused(workspace: Path) -> None:
    options = dataclasses.replace(OPTIONS, headline_model="nonsense")
    with pytest.raises(ValueError, match="headline model 'nonsense'"):
        load_briefing(workspace, options=options, use_cache=False)


def test_a_tactic_a_rule_requires_is_never_to_be_stopped(briefing: Briefing) -> None:
    required = required_listeners(briefing.plan)
    assert set(required) == {"li-listen-respond"}  # L001: linkedin is pushed on
    # Make the listening tactic lose money in money terms, as a plan with a stated value
    # per reply could: the advice must still be to keep it.
    lost = ReturnPart("sales", ("new-logos",), True, None, "EUR", None, "attributed",
                      Money(0.0, 0.0, 4_000.0))  # fmt: skip
    rows = [
        dataclasses.replace(r, roi=Estimate(-1.0, -1.0, -0.7),
                            returns=Return("money", Money(0.0, 0.0, 4_000.0), (lost,), "EUR"))
        if r.id == "li-listen-respond" and r.level == "tactic" else r
        for r in briefing.roi.rows
    ]  # fmt: skip
    report = dataclasses.replace(briefing.roi, rows=tuple(rows))
    items = attention_items(
        briefing.plan, briefing.scorecard, report, "markov", briefing.unplanned, briefing.findings
    )
    (item,) = [a for a in items if a.kind == "losing-money" and a.subject == "li-listen-respond"]
    assert "do not stop it" in item.detail and "L001" in item.detail
    assert "Fix it or stop it" not in item.detail
    # Other tactics that lose money are ranked by what they lose, most first.
    losing = [a for a in items if a.kind == "losing-money" and a.severity == 2]
    assert [a.effect for a in losing] == sorted((a.effect for a in losing), reverse=True)


def test_a_kept_briefing_is_read_without_importing_the_engine(workspace: Path) -> None:
    """`outcomes status` with its cache answers in well under a second: reading the kept
    briefing must not import DuckDB, Ibis, SciPy or Jinja (seconds on a cold machine), which
    the measures' modules import only in the functions that measure."""
    import subprocess
    import sys

    load_briefing(workspace, options=OPTIONS)  # keeps it
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from outcomes.briefing import BriefingOptions, load_briefing\n"
        f"options = {OPTIONS!r}\n"
        "briefing = load_briefing(Path(sys.argv[1]), options=options)\n"
        "assert briefing.scorecard.goals\n"
        "heavy = ('duckdb', 'ibis', 'sqlglot', 'scipy', 'jinja2', 'altair', 'weasyprint')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(workspace)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_kept_sql_measures_the_same_numbers(
    workspace: Path, briefing: Briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second measurement runs every query from SQL kept by the first (compiled from
    # scratch into an empty folder): the same numbers, and nothing compiled again.
    from outcomes.warehouse import compiled

    monkeypatch.setenv(compiled.ENV_DIR, str(tmp_path / "queries"))
    compiled._folder.cache_clear()
    try:
        first = load_briefing(workspace, options=OPTIONS, use_cache=False)
        kept = {path: path.stat().st_mtime_ns for path in (tmp_path / "queries").rglob("*.sql")}
        second = load_briefing(workspace, options=OPTIONS, use_cache=False)
        again = {path: path.stat().st_mtime_ns for path in (tmp_path / "queries").rglob("*.sql")}
    finally:
        compiled._folder.cache_clear()
    assert len(kept) > 20 and again == kept
    expected = {k: v for k, v in briefing.to_json().items() if k != "generated_at"}
    for measured in (first, second):
        assert {k: v for k, v in measured.to_json().items() if k != "generated_at"} == expected
    assert second.explorer.counts.keys() == briefing.explorer.counts.keys()
