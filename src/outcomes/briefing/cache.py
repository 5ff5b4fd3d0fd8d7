"""The briefing, computed once per state of the plan and the warehouse.

Measuring everything takes seconds (minutes on a Spark-sized warehouse) while reading it
back takes milliseconds, and the report, `outcomes status` and the dashboard all want the
same numbers. The fingerprint of a state is the plan file's bytes, the warehouse file's
size and modification time (an ingest changes them), the measurement options, the
version (and code) of outcomes and the day; the briefing is kept under `.outcomes/cache/` and used
while the fingerprint holds. Warehouses that are not a local file are never cached.

Several briefings of one state are kept, one per set of options (`outcomes status
--no-lookback` and `outcomes roi` measure the same state with other options), and a
briefing measured with other options still answers a question its options do not change
(`accept`): the scorecard does not depend on the lookback window. Only the newest states
are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from outcomes import __version__
from outcomes.briefing.build import (
    SCHEMA_VERSION,
    Briefing,
    BriefingOptions,
    ScorecardHook,
    build_briefing,
)
from outcomes.plan import LoadedPlan, load_plan_text
from outcomes.warehouse.connection import STATE_DIR, Warehouse, warehouse_url
from outcomes.warehouse.locking import DEFAULT_WAIT

CACHE_DIR: Final = Path(STATE_DIR) / "cache"
STATES_KEPT: Final = 3
"""States of plan and warehouse whose briefings are kept (the newest by use)."""


def fingerprint(
    workspace: Path,
    plan_file: Path,
    options: BriefingOptions,
    plan_bytes: bytes | None = None,
    url: str | None = None,
) -> str | None:
    """The state the briefing depends on, hashed; None when it cannot be known cheaply.

    `plan_bytes`, when given, stands for the plan file's content (the bytes that were
    actually parsed, so that a save during measuring cannot pair old numbers with a new key).
    """
    state = state_key(workspace, plan_file, plan_bytes, url)
    if state is None:
        return None
    return f"{state}-{options_key(options)}"


def options_key(options: BriefingOptions) -> str:
    """A short hash of the measurement options."""
    return hashlib.sha256(repr(options).encode()).hexdigest()[:16]


def state_key(
    workspace: Path, plan_file: Path, plan_bytes: bytes | None = None, url: str | None = None
) -> str | None:
    """The state of plan and warehouse (and of outcomes' code, and the day), hashed.

    `url`: the warehouse, when it is not the workspace's own (`warehouse_url`).
    """
    url = url or warehouse_url(workspace)
    if not url.startswith("duckdb://") or url.endswith(":memory:"):
        return None
    database = Path(url.removeprefix("duckdb://"))
    digest = hashlib.sha256()
    parts = (__version__, _code_signature(), str(SCHEMA_VERSION), url, dt.date.today())
    for part in parts:
        digest.update(f"{part}\0".encode())
    try:
        digest.update(plan_file.read_bytes() if plan_bytes is None else plan_bytes)
    except OSError:
        return None
    for path in (database, database.with_name(database.name + ".wal")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            digest.update(b"absent\0")
            continue
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


MEASURING_PACKAGES: Final = ("measure", "briefing", "catalog", "lint", "plan", "warehouse")
"""Every package of outcomes that measuring imports (a test keeps this list whole)."""


@functools.cache
def _code_signature() -> str:
    """A hash of the code that measures: a briefing pickled by other code is not reused.

    The version alone would not do: between releases (and in development) the classes a
    pickle holds can change shape, and an old pickle then loads with fields missing. The
    warehouse's code is part of it: it runs every query (the SQL kept between runs
    included), so a briefing measured by other warehouse code may hold other numbers.
    """
    digest = hashlib.sha256()
    for source in measuring_sources():
        digest.update(source.read_bytes())
    return digest.hexdigest()


def measuring_sources() -> list[Path]:
    """The source files of the code a briefing is measured by (`_code_signature`)."""
    root = Path(__file__).resolve().parents[1]
    sources = [root / "tables.py"]
    for package in MEASURING_PACKAGES:
        sources.extend(sorted((root / package).rglob("*.py")))
    return sources


def cache_path(workspace: Path, fingerprint_: str) -> Path:
    """Where the briefing of a fingerprint is kept: a folder per state, a file per options."""
    state, _, options = fingerprint_.partition("-")
    return workspace / CACHE_DIR / state / f"{options}.pickle"


def cached_briefing(
    workspace: Path,
    fingerprint_: str,
    accept: Callable[[BriefingOptions], bool] | None = None,
) -> Briefing | None:
    """The briefing kept for this fingerprint, or None.

    With `accept`, a briefing of the same state measured with other options is returned
    when `accept(its options)` says its answer is the same.
    """
    wanted = cache_path(workspace, fingerprint_)
    kept = _read(wanted)
    if kept is not None and kept.fingerprint == fingerprint_:
        return kept
    if accept is None:
        return None
    for other in sorted(wanted.parent.glob("*.pickle")):
        if other == wanted:
            continue
        kept = _read(other)
        same_state = kept is not None and kept.fingerprint.startswith(wanted.parent.name + "-")
        if same_state and kept is not None and accept(kept.options):
            return kept
    return None


def _read(path: Path) -> Briefing | None:
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        # A cache from another version of outcomes, or half written: measure again.
        return None
    return kept if isinstance(kept, Briefing) else None


def load_briefing(
    workspace: Path,
    plan_file: Path | None = None,
    options: BriefingOptions | None = None,
    *,
    use_cache: bool = True,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], object] | None = None,
    snapshot: bool = False,
    accept: Callable[[BriefingOptions], bool] | None = None,
    url: str | None = None,
    explorer: bool = True,
    before_measuring: Callable[[LoadedPlan], object] | None = None,
    on_scorecard: ScorecardHook | None = None,
) -> Briefing:
    """The briefing of a workspace: from the cache when the state is unchanged, else measured.

    `explorer`: with the explorer's journey summaries (`build_briefing`); a kept briefing
    without them does not answer a caller who wants them, and is measured again with them.

    `use_cache=False` measures again and leaves the cache as it is. `wait`: seconds to wait
    for a warehouse another process holds (`on_wait` is told who, see `Warehouse.open`).
    `snapshot`: measure a copy of the warehouse
    (`Warehouse.snapshot`), holding the file for moments instead of for the whole
    measurement (the dashboard does, so that ingests need not wait for it). The briefing's
    fingerprint is the state it measured, when that can be known cheaply.
    `before_measuring` is called when no kept briefing answers, just before measuring (the
    PDF report starts its printer then, to load its engine while this process measures),
    and `on_scorecard` as soon as the scorecard is measured (`build_briefing`).
    Raises the plan's load errors and `WarehouseError` as they are; the caller presents them.
    """
    options = options or BriefingOptions()
    plan_file = plan_file or workspace / "plan.yaml"
    plan_bytes = plan_file.read_bytes()
    if use_cache:
        key = fingerprint(workspace, plan_file, options, plan_bytes, url)
        kept = cached_briefing(workspace, key, accept) if key is not None else None
        if kept is not None and (kept.journeys is not None or not explorer):
            return kept
    # The plan's name as the briefing keeps it (the report's footer, the findings'
    # locations) is its full path: a kept briefing answers `-w .` and `-w /srv/acme` alike,
    # and must not say whichever spelling measured it first.
    loaded = load_plan_text(plan_bytes, str(plan_file.resolve()))

    def state() -> str | None:
        return fingerprint(workspace, plan_file, options, plan_bytes, url)

    waiting = Waiting(wait, on_wait, url)
    if before_measuring is not None:
        before_measuring(loaded)
    briefing, measured = _measure(
        workspace,
        loaded,
        options,
        state,
        waiting,
        snapshot=snapshot,
        explorer=explorer,
        on_scorecard=on_scorecard,
    )
    if measured is None:
        return briefing
    briefing = replace(briefing, fingerprint=measured)
    if use_cache:
        _store(cache_path(workspace, measured), briefing)
        _prune(workspace / CACHE_DIR)
    return briefing


@dataclass(frozen=True, slots=True)
class Waiting:
    """How long to wait for a warehouse another process holds, and whom to tell."""

    seconds: float
    notify: Callable[[str], object] | None
    url: str | None = None
    """The warehouse, when it is not the workspace's own."""


def _measure(
    workspace: Path,
    loaded: LoadedPlan,
    options: BriefingOptions,
    state: Callable[[], str | None],
    waiting: Waiting,
    *,
    snapshot: bool,
    explorer: bool,
    on_scorecard: ScorecardHook | None,
) -> tuple[Briefing, str | None]:
    """The briefing, and the fingerprint of the state it measured (`state()` at the time)."""
    if not snapshot:
        opened = Warehouse.open(
            workspace, waiting.url, wait=waiting.seconds, on_wait=waiting.notify
        )
        with opened as warehouse:
            briefing = build_briefing(
                loaded, warehouse, options, explorer=explorer, on_scorecard=on_scorecard
            )
            keyed = state()  # opening migrates, which can touch the file: key it after that
        # Once the file is let go, a writer (an ingest waiting for it) may change it before
        # the state is read: these numbers are kept only under a state both moments agree
        # on, never under the newer state they did not measure.
        return briefing, keyed if keyed == state() else None
    held: list[str | None] = []
    # Keyed while the file is locked against writers: the state the copy holds, even when
    # an ingest changes the file while the copy is measured (keyed after measuring, those
    # numbers would pass for the newer state and never be measured again).
    with Warehouse.snapshot(
        workspace, url=waiting.url, wait=waiting.seconds, while_held=lambda: held.append(state())
    ) as warehouse:
        briefing = build_briefing(
            loaded, warehouse, options, explorer=explorer, on_scorecard=on_scorecard
        )
    return briefing, held[0] if held else state()


def kept_rendering(
    workspace: Path, briefing: Briefing, name: str, render: Callable[[], bytes]
) -> bytes:
    """`render()`'s bytes for `briefing` (a report), kept beside the briefing.

    One briefing renders to the same bytes every time, so a report asked for again is
    read, not laid out again. `name` must change with whatever else the bytes depend on
    (the presenter's code and format). Kept only for a briefing kept itself; pruned with
    its state.
    """
    if not briefing.fingerprint:
        return render()
    kept = cache_path(workspace, briefing.fingerprint)
    path = _kept_rendering_path(workspace, briefing, name)
    try:
        return path.read_bytes()
    except OSError:
        pass
    rendered = render()
    if kept.parent.is_dir():
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        try:
            partial.write_bytes(rendered)
            partial.replace(path)
        except OSError:
            partial.unlink(missing_ok=True)  # a read-only workspace still gets its report
    return rendered


def any_kept_rendering(workspace: Path, briefing: Briefing, prefix: str) -> bool:
    """Whether a rendering of `briefing` whose name starts with `prefix` is kept: a hint,
    before all that names it is known, that `kept_rendering` will read rather than render."""
    if not briefing.fingerprint:
        return False
    start = _kept_rendering_path(workspace, briefing, prefix)
    return any(not p.name.endswith(".partial") for p in start.parent.glob(f"{start.name}*"))


def _kept_rendering_path(workspace: Path, briefing: Briefing, name: str) -> Path:
    kept = cache_path(workspace, briefing.fingerprint)
    stamp = hashlib.sha256(briefing.generated_at.isoformat().encode()).hexdigest()[:12]
    return kept.with_name(f"{kept.stem}-{stamp}-{name}")


def _prune(cache: Path) -> None:
    """Keep the briefings of the newest states; a leftover single-file cache goes too."""
    (cache / "briefing.pickle").unlink(missing_ok=True)
    states = sorted(
        (folder for folder in cache.iterdir() if folder.is_dir()),
        key=lambda folder: folder.stat().st_mtime_ns,
        reverse=True,
    )
    for stale in states[STATES_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)


def _store(path: Path, briefing: Briefing) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("wb") as handle:
        pickle.dump(briefing, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
