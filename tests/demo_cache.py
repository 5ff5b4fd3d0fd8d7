"""The demo company for the tests: built once per code version and scale, kept on disk.

Building the demo takes 20 s (scale 0.05) to over a minute (scale 1), and a dozen test
modules read it. :class:`DemoCache` builds each scale once and keeps it under
``$XDG_CACHE_HOME/outcomes-tests/<code version>/scale-<scale>/`` (``~/.cache`` when unset),
so later runs of the same code skip the build. The code version is a hash of the package's
files that the build runs (all but :data:`UNKEYED`) and of the DuckDB and Python versions
(the warehouse file is DuckDB's): editing any of them builds afresh, so a test never reads
a workspace that older code made.

An entry is built by a child process in a temporary folder beside it and renamed into
place, under a lock per entry: a second process (a second xdist worker, another checkout)
waits for the first and reads its build, and nobody sees half a workspace. The child
also checks that the build imported nothing from :data:`UNKEYED`. Tests get copies
(:meth:`DemoCache.copy`), never the entry itself: opening a warehouse, measuring and
ingesting all write into the workspace.

Each demo company has its own entries: Northwind's under ``scale-<scale>/``, the others'
under ``<company>-scale-<scale>/`` (``clinics-scale-1/``).

``python -m tests.demo_cache STAGING SCALE FINAL [COMPANY]`` is the child's entry point.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import outcomes
from outcomes.demo import DemoResult, build_demo_workspace
from outcomes.warehouse.connection import DEFAULT_FILE, STATE_DIR

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(outcomes.__file__).resolve().parent
# The layers above the data the build never imports (each build checks): editing the
# dashboard or a measure keeps the cached demo.
UNKEYED = ("alerts", "briefing", "cli", "lint", "measure", "report", "web")
# Code versions kept on disk (the most recently used); the scale-1 entry is 230 MB.
KEEP_VERSIONS = 3
RESULT_FILE = "result.pickle"
WORKSPACE_DIR = "workspace"
WAREHOUSE_FILE = Path(STATE_DIR, DEFAULT_FILE)


def cache_root() -> Path:
    """Where the built demos live: the user's cache folder, as XDG says."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "outcomes-tests"


def code_version() -> str:
    """A hash of what decides the built workspace: the package's files, DuckDB and Python."""
    digest = hashlib.sha256()
    digest.update(f"duckdb {duckdb.__version__} python {sys.version_info[:2]}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if not path.is_file() or "__pycache__" in relative.parts or relative.parts[0] in UNKEYED:
            continue
        digest.update(relative.as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing) for the block."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _moved(result: DemoResult, target: Path) -> DemoResult:
    """`result` with every path under its workspace moved under `target`."""

    def move(path: Path) -> Path:
        return target / path.relative_to(result.workspace)

    ingests = [
        dataclasses.replace(outcome, file=str(move(Path(outcome.file))))
        for outcome in result.ingests
    ]
    return dataclasses.replace(
        result,
        workspace=target,
        truth_path=move(result.truth_path),
        ingests=ingests,
        files=[move(path) for path in result.files],
        unknown=[move(path) for path in result.unknown],
    )


def _move_ingested_paths(workspace: Path, old: Path, new: Path) -> None:
    """Rewrite the paths `workspace`'s warehouse loaded files from: under `old` to under `new`."""
    # The `ingests` table is the one place the warehouse keeps a path (`outcomes forget
    # exports/…` finds ingests by it).
    with duckdb.connect(str(workspace / WAREHOUSE_FILE)) as con:
        con.execute(
            "UPDATE ingests SET file = ? || substr(file, ?) WHERE starts_with(file, ?)",
            [str(new), len(str(old)) + 1, f"{old}/"],
        )


@dataclasses.dataclass
class DemoCache:
    """The demo workspaces of one code version, built on first use; tests read copies."""

    root: Path
    built: dict[tuple[str, float], DemoResult] = dataclasses.field(default_factory=dict)

    @classmethod
    def for_this_code(cls) -> DemoCache:
        # Resolved, as the warehouse records resolved paths.
        return cls(cache_root().resolve() / code_version())

    def copy(self, scale: float, target: Path, company: str = "northwind") -> DemoResult:
        """A private copy of `company`'s demo at `scale` in `target` (which must not exist)."""
        entry = self._entry(scale, company)
        target = target.resolve()
        shutil.copytree(entry.workspace, target)
        _move_ingested_paths(target, entry.workspace, target)
        return _moved(entry, target)

    def _entry(self, scale: float, company: str = "northwind") -> DemoResult:
        """The cached build at `scale` (its paths are where it lies); built now when missing."""
        if (company, scale) not in self.built:
            name = f"scale-{scale:g}" if company == "northwind" else f"{company}-scale-{scale:g}"
            folder = self.root / name
            self.root.mkdir(parents=True, exist_ok=True)
            with _locked(self.root / f"{name}.lock"):
                if not (folder / RESULT_FILE).exists():
                    self._build(scale, folder, company)
            os.utime(self.root)  # recently used, so `_prune` keeps it
            with (folder / RESULT_FILE).open("rb") as handle:
                self.built[company, scale] = pickle.load(handle)
        return self.built[company, scale]

    def _build(self, scale: float, folder: Path, company: str = "northwind") -> None:
        """Build in a child process into a temporary folder, then rename it to `folder`."""
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=self.root))
        command = [sys.executable, "-m", "tests.demo_cache", str(staging), str(scale)]
        # The child builds with the code that was hashed: this process's copy of the package.
        paths = [str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")]
        child = subprocess.run(
            [*command, str(folder / WORKSPACE_DIR), company],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise RuntimeError(
                f"building the {company} demo at scale {scale} failed:\n{child.stderr}"
            )
        try:
            staging.rename(folder)
        except OSError:
            # A folder is there already: a process that took no lock finished first, and
            # its build is as good as ours.
            shutil.rmtree(staging, ignore_errors=True)
        _prune(self.root.parent, keep=self.root)


def _prune(root: Path, keep: Path) -> None:
    """Remove the code versions used least recently, beyond the newest KEEP_VERSIONS."""
    versions = sorted(
        (path for path in root.iterdir() if path.is_dir() and path != keep),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for stale in versions[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)


def build_entry(staging: Path, scale: float, final: Path, company: str = "northwind") -> None:
    """Build `company`'s demo in `staging`, recorded as lying at `final` once renamed there."""
    result = build_demo_workspace(staging / WORKSPACE_DIR, scale=scale, company=company)
    imported = {name.split(".")[1] for name in sys.modules if name.startswith("outcomes.")}
    if stray := sorted(imported & set(UNKEYED)):
        raise SystemExit(
            f"the demo build imports outcomes.{', outcomes.'.join(stray)}: take it out of "
            "UNKEYED in tests/demo_cache.py, or the cache would outlive changes to it"
        )
    # Recorded as built where it will lie, so a copy moves paths from one known place.
    _move_ingested_paths(result.workspace, result.workspace, final)
    with (staging / RESULT_FILE).open("wb") as handle:
        pickle.dump(_moved(result, final), handle)


if __name__ == "__main__":
    build_entry(Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3]), *sys.argv[4:5])
