"""`outcomes.Workspace`, the library's face, on real workspaces."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from outcomes import Workspace, WorkspaceError
from outcomes.briefing import BriefingOptions
from outcomes.briefing.cache import CACHE_DIR
from outcomes.lint import check_plan
from outcomes.plan import PlanError, load_plan
from outcomes.warehouse.connection import Warehouse
from outcomes.workspace import init_workspace
from tests.demo_cache import DemoCache

HEALTHY_CSV = "Date,Sessions\n2026-01-05,3\n"


@pytest.fixture(scope="module")
def demo(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("face") / "northwind").workspace


def test_check_is_the_linter_on_the_workspace_plan(tmp_path: Path) -> None:
    init_workspace(tmp_path, example="northwind")
    result = Workspace.open(tmp_path).check()
    expected = check_plan(load_plan(tmp_path / "plan.yaml"))
    assert result.score.value == expected.score.value
    assert [f.rule.code for f in result.findings] == [f.rule.code for f in expected.findings]


def test_checking_a_plan_loads_no_engine(tmp_path: Path) -> None:
    # The face imports what a question needs when it is asked: linting a plan costs what
    # YAML and pydantic cost, not Ibis, DuckDB and Arrow.
    init_workspace(tmp_path, example="northwind")
    code = (
        "import sys\nfrom outcomes import Workspace\n"
        f"Workspace.open({str(tmp_path)!r}).check()\n"
        "print(sorted(m for m in ('ibis', 'duckdb', 'pyarrow', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_an_invalid_plan_raises_its_problems(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("version: 1\norganisation: 3\n")
    with pytest.raises(PlanError) as raised:
        Workspace.open(tmp_path).check()
    assert raised.value.problems


def test_a_file_is_not_a_workspace(tmp_path: Path) -> None:
    file = tmp_path / "plan.yaml"
    file.write_text("")
    with pytest.raises(WorkspaceError, match="not a folder"):
        Workspace.open(file)


def test_ingest_recognises_files_and_lists_what_it_does_not(tmp_path: Path) -> None:
    init_workspace(tmp_path, example="northwind")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "paths.csv").write_text(
        "path,total_conversions,total_conversion_value,total_null\nsearch > email,2,30,1\n"
    )
    (exports / "notes.txt").write_text("nothing to load\n")
    (exports / "survey.csv").write_text("Question,Answer\nWould you come back?,Yes\n")
    report = Workspace.open(tmp_path).ingest([exports])
    assert [Path(p).name for p in report.unknown] == ["survey.csv"]
    assert report.skipped == ((exports / "notes.txt", "a text file with no header row of columns"),)
    assert report.exit_code == 1  # a file nobody recognised is a finding
    items = report.to_json()
    assert items[-2:] == [
        {
            "file": str(exports / "survey.csv"),
            "source": None,
            "error": "format not recognised",
            "closest": None,
        },
        {
            "file": str(exports / "notes.txt"),
            "source": None,
            "skipped": "not an export (a text file with no header row of columns)",
        },
    ]
    assert all(item.get("error") is None for item in items[:-2])


def test_ingest_with_an_unknown_source_says_which_exist(tmp_path: Path) -> None:
    init_workspace(tmp_path, example="northwind")
    with pytest.raises(WorkspaceError, match="linkedin"):
        Workspace.open(tmp_path).ingest([tmp_path / "x.csv"], source="nonsense")


def test_roi_scorecard_and_unplanned_come_from_one_briefing(demo: Path) -> None:
    space = Workspace.open(demo)
    options = BriefingOptions(sources=("ga4",), lookback_days=None)
    briefing = space.briefing(options)
    # Questions the briefing answered are read from it, not measured again.
    assert space.roi(sources=["ga4"], lookback_days=None) == briefing.roi
    assert space.scorecard(sources=["ga4"]).to_json() == briefing.scorecard.to_json()
    assert space.unplanned().to_json() == briefing.unplanned.to_json()
    states = [folder for folder in (demo / CACHE_DIR).iterdir() if folder.is_dir()]
    assert len(states) == 1 and len(list(states[0].glob("*.pickle"))) == 1


def test_roi_of_some_models_is_the_briefing_rows_of_those_models(demo: Path) -> None:
    space = Workspace.open(demo)
    everything = space.roi(sources=["ga4"], lookback_days=None)
    markov = space.roi(models=["markov"], sources=["ga4"], lookback_days=None)
    assert markov.models == ("markov",)
    assert markov.rows == tuple(r for r in everything.rows if r.model == "markov")


def test_a_question_the_briefing_does_not_ask_is_measured_on_its_own(demo: Path) -> None:
    space = Workspace.open(demo)
    briefed = space.roi(sources=["ga4"], lookback_days=None, bootstrap=20)
    reseeded = space.roi(sources=["ga4"], lookback_days=None, bootstrap=20, seed=3)
    assert reseeded.params["seed"] == 3
    # The point estimates do not depend on the bootstrap's seed; the intervals do.
    points = [(r.id, r.model, r.revenue.value) for r in briefed.rows]
    assert points == [(r.id, r.model, r.revenue.value) for r in reseeded.rows]


def test_roi_json_is_versioned(demo: Path) -> None:
    document = Workspace.open(demo).roi(sources=["ga4"], lookback_days=None).to_json()
    assert document["schema_version"] == 8
    assert json.loads(json.dumps(document)) == document


def test_attribute_on_a_paths_file_and_on_the_warehouse(demo: Path, tmp_path: Path) -> None:
    paths = tmp_path / "paths.csv"
    paths.write_text(
        "path,total_conversions,total_conversion_value,total_null\n"
        "search > email,2,30,1\nemail,1,10,3\n"
    )
    space = Workspace.open(demo)
    from_file = space.attribute("linear", paths=paths)
    assert from_file.as_dict("conversions") == pytest.approx({"search": 1.0, "email": 2.0})
    from_warehouse = space.attribute("last_touch", sources=["ga4"], lookback_days=None)
    assert sum(from_warehouse.as_dict("conversions").values()) > 0
    with pytest.raises(ValueError, match="no model 'nonsense'"):
        space.attribute("nonsense")


def test_a_report_downloaded_again_loads_after_the_first_download(tmp_path: Path) -> None:
    # Browsers save a second download as "posts (1).csv", which plain name order puts first:
    # the older file's likes would then overwrite the newer ones, with exit 0.
    init_workspace(tmp_path, example="northwind")
    exports = tmp_path / "exports"
    exports.mkdir()
    meta = Path(__file__).parent / "fixtures" / "thirdco" / "exports" / "meta"
    for name in ("instagram-posts-2026q1.csv", "instagram-posts-2026q1 (1).csv"):
        shutil.copyfile(meta / name, exports / name)
    report = Workspace.open(tmp_path).ingest([exports])
    assert [Path(r.file).name for r in report.loaded] == [
        "instagram-posts-2026q1.csv",
        "instagram-posts-2026q1 (1).csv",
    ]
    assert [(r.loaded, r.updated) for r in report.loaded] == [(12, 0), (0, 2)]
    with Warehouse.open(tmp_path) as warehouse:
        newest = warehouse.duckdb.sql(
            "SELECT native_id, reactions, comments FROM activities "
            "WHERE native_id IN ('18050000000000011', '18050000000000012') ORDER BY 1"
        ).fetchall()
    assert newest == [("18050000000000011", 139, 9), ("18050000000000012", 58, 4)]
