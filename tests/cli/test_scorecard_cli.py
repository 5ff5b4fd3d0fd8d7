"""`outcomes scorecard`: goal pacing on the demo company, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from tests.demo_cache import DemoCache

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("scorecard") / "northwind").workspace


def test_json_has_the_documented_goal_fields(workspace: Path) -> None:
    result = runner.invoke(app, ["scorecard", "-w", str(workspace), "-f", "json"])
    data = json.loads(result.output)
    assert data["sections"] == [
        "goals", "tactics", "tactic_status", "cadence", "resources", "conversation",
        "conversation_by_tactic", "conversation_by_operator", "content", "content_examples",
        "functions", "engagement", "pilots", "pilot_notes", "foreign_spend",
    ]  # fmt: skip
    measured = {(t["tactic"], t["metric"]): t for t in data["tactics"]}
    spent = {r["tactic"]: r for r in data["resources"]}
    assert spent["trade-show"]["spent_money"] == spent["trade-show"]["planned_money"] == 30_000
    assert measured[("x-support", "first_response_minutes")]["status"] == "achieved"
    assert measured[("x-support", "support_tickets_deflected")]["outcome"] is True
    judged = {t["tactic"]: t for t in data["tactic_status"]}
    assert set(judged) == {"li-rep-insights", "li-company-guides", "li-listen-respond",
                           "x-support", "fb-retarget", "trade-show", "customer-newsletter"}  # fmt: skip
    # x-support is judged on its deflected tickets (business), not its response time.
    assert judged["x-support"]["basis"] == "outcome"
    assert "support_tickets_deflected" in judged["x-support"]["reason"]
    rhythm = {(t["tactic"], t["operator"]): t["status"] for t in data["cadence"]}
    assert rhythm[("li-rep-insights", "ana")] == "kept the rhythm"
    assert {e["tactic"] for e in data["engagement"] if not e["tied"]} == {"fb-retarget"}
    [pilot] = data["pilots"]
    assert {"tactic", "metric", "effect", "low", "high", "p_value", "verdict"} <= set(pilot)
    focus = {c["tactic"]: c for c in data["content"]}
    assert focus["li-company-guides"]["mean_score"] > 0 > focus["unplanned"]["mean_score"]
    examples = {e["band"]: e for e in data["content_examples"]}
    assert list(examples) == ["about_customer", "leans_customer", "neutral", "leans_us", "about_us"]
    assert sum(e["posts"] for e in examples.values()) == sum(c["posts"] for c in data["content"])
    assert all(e["text"] and (e["counted"] or e["band"] == "neutral") for e in examples.values())
    assert data["schema_version"] == 9
    assert data["as_of"] == "2026-12-31"  # the day benchmarks and resources are measured to
    service = next(f for f in data["functions"] if f["function"] == "service")
    assert service["coverage"] == "served" and service["activities"] > 0
    mastodon = next(c for c in data["conversation"] if c["channel"] == "mastodon")
    assert "low-response" in mastodon["flags"] and mastodon["inbound"] > 0
    listening = next(
        c for c in data["conversation_by_tactic"] if c["tactic"] == "li-listen-respond"
    )
    assert listening["target"] == {"minutes": 240, "business_hours": False}
    assert 0 < listening["answered_within_target"] < 1
    lee = next(r for r in data["conversation_by_operator"] if r["responder"] == "lee")
    assert lee["channel"] == "linkedin" and lee["answered_first"] > 0
    planted = json.loads((workspace / "truth.json").read_text())["hours"]
    for tactic, people in planted["logged"].items():
        logged = {p["person"]: p["logged_hours"] for p in spent[tactic]["by_person"]}
        assert logged == pytest.approx(people), tactic
    reps = {p["person"]: p for p in spent["li-rep-insights"]["by_person"]}
    bo = reps["bo"]["logged_hours"] / reps["bo"]["planned_hours"]
    assert bo == pytest.approx(planted["effort"]["li-rep-insights"]["bo"], abs=0.1)
    assert reps["ana"]["logged_hours"] / reps["ana"]["planned_hours"] == pytest.approx(1, abs=0.1)
    truth = json.loads((workspace / "truth.json").read_text())["goals"]
    assert [g["id"] for g in data["goals"]] == list(truth)
    for goal in data["goals"]:
        assert {"id", "status", "actual", "expected", "forecast"} <= set(goal)
        assert goal["status"] == truth[goal["id"]]["status"], goal["id"]
    assert result.exit_code == 1  # the Mastodon account answers a fifth of its mentions


def test_table_and_an_earlier_date(workspace: Path) -> None:
    result = runner.invoke(app, ["scorecard", "-w", str(workspace), "--as-of", "2026-06-30"])
    assert "Goals, paced at 2026-06-30" in result.output
    assert "new-logos" in result.output and "support_cost" in result.output
    assert "Conversation health" in result.output and "low-response" in result.output
    assert "Conversation by tactic" in result.output and "240 min" in result.output
    assert "Who answers" in result.output
    assert "functions served" in result.output and "not served" in result.output
    assert "who kept the rhythm" in result.output and "Tactic benchmarks" in result.output
    assert "Content focus" in result.output and "Pilot proof: li-rep-insights" in result.output
    missing = runner.invoke(app, ["scorecard", "-w", str(workspace / "nowhere")])
    assert missing.exit_code == 2 and "plan.yaml" in missing.output
