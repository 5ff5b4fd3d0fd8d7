"""`outcomes attribute` on the workspace's journeys, `--compare`, and `outcomes roi`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.measure.attribution import attribute
from outcomes.measure.attribution.journeys import paths_from_warehouse
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("cli") / "northwind").workspace


def invoke(workspace: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--workspace", str(workspace)])
    return result.exit_code, result.output


def test_attribute_reads_the_warehouse_journeys(workspace: Path) -> None:
    code, out = invoke(workspace, "attribute", "--model", "linear", "--touch-source", "ga4",
                       "--format", "csv")  # fmt: skip
    assert code == 0, out
    rows = {r["channel"]: float(r["value"]) for r in csv.DictReader(io.StringIO(out))}
    with Warehouse.open(workspace) as w:
        counts = paths_from_warehouse(w.table("touchpoints"), w.table("conversions"),
                                      sources=("ga4",))  # fmt: skip
    expected = attribute(counts, "linear").as_dict("value")
    assert rows == pytest.approx(expected)
    assert "direct" in rows and "linkedin" in rows


def test_attribute_keeps_direct_visits_as_steps_when_asked(workspace: Path) -> None:
    """By default direct visits are credited only on paths of nothing else (GA4's rule);
    `--keep-direct` makes them steps everywhere, as other tools take their input."""
    credit: dict[bool, dict[str, float]] = {}
    for keep in (False, True):
        flags = ["--keep-direct"] if keep else []
        code, out = invoke(workspace, "attribute", "--model", "linear", "--touch-source", "ga4",
                           "--format", "csv", *flags)  # fmt: skip
        assert code == 0, out
        credit[keep] = {r["channel"]: float(r["value"]) for r in csv.DictReader(io.StringIO(out))}
    with Warehouse.open(workspace) as w:
        counts = paths_from_warehouse(w.table("touchpoints"), w.table("conversions"),
                                      sources=("ga4",), skip_direct=False)  # fmt: skip
    assert credit[True] == pytest.approx(attribute(counts, "linear").as_dict("value"))
    assert 0 < credit[False]["direct"] < credit[True]["direct"]
    assert sum(credit[False].values()) == pytest.approx(sum(credit[True].values()))


def test_attribute_by_tactic_compares_models(workspace: Path) -> None:
    code, out = invoke(workspace, "attribute", "--by", "tactic", "--compare", "-f", "json")
    assert code == 0, out
    data = json.loads(out)
    models = [m["model"] for m in data["models"]]
    assert models[:2] == ["first_touch", "last_touch"] and "markov" in models
    by_model: dict[str, float] = {}
    for row in data["rows"]:
        by_model[row["model"]] = by_model.get(row["model"], 0.0) + row["value_share"]
    assert all(total == pytest.approx(1.0) for total in by_model.values())
    steps = {row["channel"] for row in data["rows"]}
    # Untracked X traffic is one `unplanned` state: the plan only answers support there.
    assert {"li-company-guides", "unplanned"} <= steps and "unplanned:x" not in steps
    code, table = invoke(workspace, "attribute", "--by", "tactic", "--compare")
    assert code == 0 and "disagreement is information" in table and "shapley" in table


def test_roi_table_json_and_csv(workspace: Path) -> None:
    code, table = invoke(workspace, "roi", "--touch-source", "ga4", "--bootstrap", "20")
    assert code == 0, table
    assert "ROI by markov attribution" in table and "fb-retarget" in table and "-100%" in table
    code, out = invoke(workspace, "roi", "--bootstrap", "0", "--model", "last_touch", "-f", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["models"] == ["last_touch"] and data["currency"] == "EUR"
    fb = next(r for r in data["rows"] if r["id"] == "fb-retarget")
    assert fb["revenue"] == 0 and fb["roi"] == -1 and fb["cost"] > 0
    # The demo loads every source its plan names: no sentence about missing ones.
    assert data["coverage"]["unloaded"] == [] and "Nothing is loaded" not in table
    code, out = invoke(workspace, "roi", "--bootstrap", "0", "--level", "goal", "-f", "csv",
                       "--from", "2026-03-01", "--to", "2026-06-30")  # fmt: skip
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["level"] for r in rows} == {"goal"}
    assert {r["id"] for r in rows} == {"new-logos", "bigger-orders", "cheaper-support"}


def test_bad_options_are_one_line_errors(workspace: Path, tmp_path: Path) -> None:
    code, out = invoke(workspace, "roi", "--from", "2026-06-01", "--to", "2026-01-01")
    assert code == 2 and "before it starts" in out and "Traceback" not in out
    code, out = invoke(workspace, "roi", "--model", "magic", "--bootstrap", "0")
    assert code == 2 and "unknown attribution model 'magic'" in out
    code, out = invoke(tmp_path, "roi")
    assert code == 2 and "plan.yaml" in out


def test_time_decay_on_the_workspace_uses_real_time(workspace: Path) -> None:
    code, out = invoke(workspace, "attribute", "--model", "time_decay", "--half-life-days", "3",
                       "-f", "json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["params"]["half_life_days"] == 3 and data["params"]["clock"] == "touch timestamps"
    with Warehouse.open(workspace) as w:
        counts = paths_from_warehouse(w.table("touchpoints"), w.table("conversions"))
    total = sum(c["conversions"] for c in data["channels"])
    assert total == pytest.approx(float(counts.conversions.sum()))
