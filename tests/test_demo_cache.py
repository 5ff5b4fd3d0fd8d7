"""The tests' demo cache: its key follows the code, and a copy is a workspace of its own."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from tests import demo_cache as cache_module
from tests.demo_cache import KEEP_VERSIONS, WAREHOUSE_FILE, DemoCache, code_version


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the package, which `code_version` hashes."""
    root = tmp_path / "outcomes"
    for name in ("demo/build.py", "examples/northwind.plan.yaml", "web/app.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\n")
    monkeypatch.setattr(cache_module, "PACKAGE", root)
    return root


def test_the_key_changes_with_what_the_build_runs_and_only_with_that(package: Path) -> None:
    first = code_version()
    (package / "web" / "app.py").write_text("# the dashboard changed\n")
    (package / "web" / "__pycache__").mkdir()
    (package / "web" / "__pycache__" / "app.pyc").write_bytes(b"\0")
    assert code_version() == first
    (package / "examples" / "northwind.plan.yaml").write_text("# the example changed\n")
    second = code_version()
    assert second != first
    (package / "demo" / "writers.py").write_text("# a new module\n")
    assert code_version() not in {first, second}


def test_old_code_versions_are_removed_beyond_the_newest(tmp_path: Path) -> None:
    current = tmp_path / "current"
    current.mkdir()
    for n in range(5):  # version-4 was used last
        (tmp_path / f"version-{n}").mkdir()
        os.utime(tmp_path / f"version-{n}", (1_000_000 + n, 1_000_000 + n))
    cache_module._prune(tmp_path, keep=current)
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == ["current", *[f"version-{n}" for n in range(5)][-(KEEP_VERSIONS - 1) :]]


def test_a_copy_records_its_own_files_as_loaded(demo_cache: DemoCache, tmp_path: Path) -> None:
    copy = demo_cache.copy(0.05, tmp_path / "northwind")
    assert copy.workspace == (tmp_path / "northwind").resolve()
    with duckdb.connect(str(copy.workspace / WAREHOUSE_FILE), read_only=True) as con:
        loaded = sorted(file for (file,) in con.execute("SELECT file FROM ingests").fetchall())
    # History names files inside the workspace relative to it (the copy's own files).
    inside = [Path(outcome.file).relative_to(copy.workspace) for outcome in copy.ingests]
    assert loaded == sorted(path.as_posix() for path in inside)
    assert loaded and all((copy.workspace / file).is_file() for file in loaded)
    assert copy.truth_path.is_file() and all(path.is_file() for path in copy.files)
    # A second copy is independent of the first.
    other = demo_cache.copy(0.05, tmp_path / "other")
    (copy.workspace / "plan.yaml").write_text("changed\n")
    assert (other.workspace / "plan.yaml").read_text() != "changed\n"
