"""outcomes needs no pandas: it is not installed with it, and every route runs without it.

PyArrow imports pandas whenever pandas is installed and a Python value becomes Arrow (or a
zoned timestamp becomes Python): 0.4–0.5 s of `outcomes status` paid for a library nothing
here uses. So the runtime dependencies leave it out (Ibis without its `duckdb` extra, see
pyproject.toml), and this module keeps it that way: the declared dependencies do not reach
pandas, and the commands and the dashboard's API run in a process where `import pandas`
fails. (The development environment has pandas, for ChannelAttribution and Spark, so the
rest of the suite cannot tell.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.demo_cache import DemoCache


def runtime_closure(package: str) -> set[str]:
    """The distributions installing `package` installs: requirements whose markers hold
    here, with the extras a requirement asks for (`ibis-framework[duckdb]`) and no others."""
    seen: set[tuple[str, str]] = set()
    waiting = [(package, "")]
    while waiting:
        name, extra = waiting.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a requirement of another platform or Python, not installed here
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or marker.evaluate({"extra": extra}):
                found = canonicalize_name(requirement.name)
                waiting += [(found, "")] + [(found, wanted) for wanted in requirement.extras]
    return {name for name, _ in seen}


def test_installing_outcomes_does_not_install_pandas() -> None:
    closure = runtime_closure("outcomes")
    assert {"ibis-framework", "duckdb", "pyarrow", "weasyprint"} <= closure  # the walk works
    assert "pandas" not in closure


RUNNER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path

    class NotInstalled:  # `import pandas` fails as where it is not installed
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == "pandas":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    from typer.testing import CliRunner
    from outcomes.cli import app
    from outcomes.web import create_app
    from fastapi.testclient import TestClient

    workspace = sys.argv[1]
    answers = {}
    runner = CliRunner()
    for name, args in {
        "status": ["status", "--format", "json"],
        "roi": ["roi", "--format", "json"],
        "attribute": ["attribute", "--format", "json"],
        "report": ["report", "-o", workspace + "/report.html"],
    }.items():
        done = runner.invoke(app, [*args, "--workspace", workspace])
        failed = None if isinstance(done.exception, SystemExit) else done.exception
        answers[name] = [done.exit_code, repr(failed)[-300:] if failed else ""]
    with TestClient(create_app(Path(workspace)), base_url="http://127.0.0.1") as client:
        waited = time.monotonic() + 300
        while client.get("/api/overview").status_code == 503 and time.monotonic() < waited:
            time.sleep(0.2)  # the app measures in the background first
        for path in ("/api/overview", "/api/tactics", "/"):
            answers[path] = [client.get(path).status_code, ""]
    answers["pandas"] = ["pandas" not in sys.modules, ""]
    print(json.dumps(answers))
    """
)


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("no-pandas") / "northwind").workspace


def test_the_commands_and_the_dashboard_run_where_pandas_cannot_be_imported(
    workspace: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(workspace)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers.pop("pandas") == [True, ""]
    # status and roi answer 1 on the demo (goals needing attention): an answer, not an error.
    assert answers == {
        "status": [1, ""],
        "roi": [0, ""],
        "attribute": [0, ""],
        "report": [0, ""],
        "/api/overview": [200, ""],
        "/api/tactics": [200, ""],
        "/": [200, ""],
    }
