"""The sources a plan names to measure its tactics by, of which nothing is loaded, are
said under ROI on every route: a CRM loaded alone read "0 leads" and "ROI −100%" for a
Facebook tactic measured from Meta, GA4 and HubSpot, with no word that two of its three
sources were missing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.examples import example_path
from outcomes.measure.benchmarks import BenchmarkResult
from outcomes.measure.declared_sources import unloaded_sources
from outcomes.measure.roi_report import UnloadedSource, unloaded_words
from outcomes.measure.tactic_status import tactic_statuses
from outcomes.plan import load_plan
from outcomes.workspace import Workspace, init_workspace

DEALS = Path(__file__).parents[1] / "sources" / "fixtures" / "hubspot" / "deals.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def crm_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Northwind plan with one HubSpot deals export loaded, nothing else."""
    folder = tmp_path_factory.mktemp("crm-only")
    init_workspace(folder, example="northwind")
    shutil.copy(DEALS, folder / "deals.csv")
    Workspace.open(folder).ingest([folder / "deals.csv"], source="hubspot")
    return folder


def test_the_coverage_names_each_missing_source_with_its_tactics(crm_only: Path) -> None:
    report = Workspace.open(crm_only).roi(bootstrap=0)
    # The deals run to 5 March: the tactics started by then, in plan order.
    assert report.coverage.unloaded == (
        UnloadedSource("linkedin", ("li-rep-insights", "li-company-guides", "li-listen-respond")),
        UnloadedSource("csv", ("li-rep-insights", "li-listen-respond", "x-support",
                               "customer-newsletter")),
        UnloadedSource("ga4", ("li-company-guides", "fb-retarget")),
        UnloadedSource("x-archive", ("x-support",)),
        UnloadedSource("meta", ("fb-retarget",)),
    )  # fmt: skip
    assert report.coverage.message.endswith(
        " Nothing is loaded yet from linkedin (li-rep-insights, li-company-guides and "
        "li-listen-respond), csv (li-rep-insights, li-listen-respond, x-support and "
        "customer-newsletter), ga4 (li-company-guides and fb-retarget), x-archive (x-support) "
        "or meta (fb-retarget), which the plan names to measure these tactics: their figures "
        "count only what is loaded, so load those exports before judging them."
    )


def test_the_cli_json_and_the_status_table_say_the_same(crm_only: Path) -> None:
    done = runner.invoke(app, ["roi", "-w", str(crm_only), "--format", "json"])
    assert done.exit_code == 0, done.output
    coverage = json.loads(done.stdout)["coverage"]
    assert coverage["unloaded"][-1] == {"source": "meta", "tactics": ["fb-retarget"]}
    status = runner.invoke(app, ["status", "-w", str(crm_only)], env={"COLUMNS": "200"})
    assert status.exit_code in (0, 1), status.output
    words = unloaded_words(Workspace.open(crm_only).roi(bootstrap=0).coverage.unloaded)
    assert words and words in " ".join(status.stdout.split())
    assert words in coverage["message"]


def test_nothing_is_said_when_every_source_is_loaded_or_nothing_is() -> None:
    plan = load_plan(example_path("northwind")).plan
    named = {s for t in plan.tactics if t.measurement for s in t.measurement.sources}
    end = max(t.end for t in plan.tactics)
    assert unloaded_sources(plan, frozenset(named), end) == ()
    assert unloaded_sources(plan, frozenset(), end) == ()  # an empty warehouse says so itself
    # Before any tactic starts, no tactic is measured: none is named.
    before = min(t.start for t in plan.tactics) - dt.timedelta(days=1)
    assert unloaded_sources(plan, frozenset({"hubspot"}), before) == ()


def test_a_mastodon_archive_is_loaded_for_a_plan_naming_either(tmp_path: Path) -> None:
    """Its rows are stored as `mastodon`."""
    text = example_path("northwind").read_text(encoding="utf-8")
    assert "sources: [x-archive, csv]" in text
    (tmp_path / "plan.yaml").write_text(text.replace("sources: [x-archive, csv]",
                                                     "sources: [mastodon-archive]"))  # fmt: skip
    plan = load_plan(tmp_path / "plan.yaml").plan
    named = {s for t in plan.tactics if t.measurement for s in t.measurement.sources}
    loaded = frozenset(named - {"mastodon-archive"} | {"mastodon"})
    assert unloaded_sources(plan, loaded, max(t.end for t in plan.tactics)) == ()
    without = frozenset(named - {"mastodon-archive"})
    assert unloaded_sources(plan, without, max(t.end for t in plan.tactics)) == (
        UnloadedSource("mastodon-archive", ("x-support",)),
    )


def test_each_tactics_reason_says_what_to_load(crm_only: Path) -> None:
    """A tactic with no data yet says which of its named sources to load."""
    card = Workspace.open(crm_only).scorecard()
    reasons = {status.tactic: status.reason for status in card.tactic_status}
    assert reasons["fb-retarget"] == (
        "no data yet (leads); load meta and ga4, which the plan measures it by"
    )
    # trade-show is measured from HubSpot alone, which is loaded; it starts in May.
    assert reasons["trade-show"] == "no data yet (it starts on 2026-05-01)"


def test_a_verdict_read_off_part_of_its_sources_says_so() -> None:
    plan = load_plan(example_path("northwind")).plan
    missed = BenchmarkResult(
        tactic="fb-retarget", metric="leads", per="period", baseline=0, threshold=None,
        target=80, actual=0, status="missed", metric_class="pipeline",
    )  # fmt: skip
    unloaded = {"fb-retarget": ("meta", "ga4")}
    [status] = [
        s
        for s in tactic_statuses(plan, [missed], [], unloaded=unloaded)
        if s.tactic == "fb-retarget"
    ]
    assert (status.status, status.reason) == (
        "missed",
        "on business outcomes: leads 0 (target 80): missed; measured without meta and ga4, "
        "which the plan measures it by: not loaded",
    )
    [plain] = [s for s in tactic_statuses(plan, [missed], []) if s.tactic == "fb-retarget"]
    assert plain.reason == "on business outcomes: leads 0 (target 80): missed"
