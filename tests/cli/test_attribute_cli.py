"""`outcomes attribute --paths` through the command line: the CSV other tools compare against."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.measure.attribution import PathCounts, attribute
from outcomes.sources.paths import read_path_rows

runner = CliRunner()

PATHS = """path;total_conversions;total_conversion_value;total_null
linkedin > email;3;300;5
linkedin;1;50;10
facebook > linkedin > email;2;180;4
facebook;0;0;20
"""


@pytest.fixture
def paths_file(tmp_path: Path) -> Path:
    path = tmp_path / "paths.csv"
    path.write_text(PATHS)
    return path


def test_markov_csv_has_removal_effects_and_matches_the_library(paths_file: Path) -> None:
    result = runner.invoke(
        app, ["attribute", "--paths", str(paths_file), "--model", "markov", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["channel", "conversions", "value", "removal_effect"]
    counts = PathCounts.from_rows(read_path_rows(paths_file))
    expected = attribute(counts, "markov").as_dict("conversions")
    assert {r["channel"]: float(r["conversions"]) for r in rows} == pytest.approx(
        expected, rel=1e-12
    )
    assert sum(float(r["conversions"]) for r in rows) == pytest.approx(6)


@pytest.mark.parametrize(
    "model", ["first_touch", "last_touch", "linear", "position_based", "shapley"]
)
def test_other_models_give_channel_conversions_value(paths_file: Path, model: str) -> None:
    result = runner.invoke(
        app, ["attribute", "--paths", str(paths_file), "--model", model, "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header == "channel,conversions,value"


def test_json_carries_the_parameters(paths_file: Path) -> None:
    result = runner.invoke(
        app, ["attribute", "--paths", str(paths_file), "--order", "2", "-f", "json"]
    )
    data = json.loads(result.stdout)
    assert data["model"] == "markov"
    assert data["params"]["order"] == 2


def test_parquet_needs_a_file_and_writes_one(paths_file: Path, tmp_path: Path) -> None:
    refused = runner.invoke(app, ["attribute", "--paths", str(paths_file), "-f", "parquet"])
    assert refused.exit_code == 2
    assert "give it with -o FILE" in refused.stderr
    out = tmp_path / "credit.parquet"
    written = runner.invoke(
        app, ["attribute", "--paths", str(paths_file), "-f", "parquet", "-o", str(out)]
    )
    assert written.exit_code == 0
    assert pq.read_table(out).column_names == ["channel", "conversions", "value", "removal_effect"]


def test_bad_input_is_one_line(paths_file: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["attribute", "--paths", str(paths_file), "--model", "magic"])
    assert unknown.exit_code == 2
    assert "no model 'magic'; models are: first_touch" in unknown.stderr
    broken = tmp_path / "broken.csv"
    broken.write_text("path,total_conversions\nlinkedin > ,x\n")
    result = runner.invoke(app, ["attribute", "--paths", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["Record ID,Deal Stage\n1,closedwon\n", None])
def test_a_file_that_is_no_paths_file_is_one_line(tmp_path: Path, content: str | None) -> None:
    # A CRM export given by mistake, or no file at all: said in one line, exit 2 (the
    # connector's SourceError used to escape as a traceback).
    wrong = tmp_path / "deals.csv"
    if content is not None:
        wrong.write_text(content)
    result = runner.invoke(app, ["attribute", "--paths", str(wrong)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert str(wrong) in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
