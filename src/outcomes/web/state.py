"""The dashboard's state: the briefing it shows, kept fresh in the background.

Pages never measure. They read a `Snapshot`: one briefing with the values derived from it
(page views, chart SVGs, explorer results), each computed once and kept until the next
briefing replaces the snapshot. `DashboardState` decides when that happens:

* At most once a second (a watcher thread, and any request) it compares the workspace's
  fingerprint (the plan's bytes, the warehouse file's size and time: microseconds) with
  the snapshot's. When they differ (an `outcomes ingest`, a plan edit) it measures again
  in a background thread while pages keep serving the previous snapshot with a
  "refreshing" notice: stale while revalidating.
* Measuring holds the DuckDB warehouse only while copying it (`Warehouse.snapshot`, tens
  of milliseconds) and measures the copy, so the command line can ingest and report while
  the dashboard measures. When the warehouse stays held by another process (a long
  ingest) for `HOLD_WAIT` seconds the old snapshot stays, the notice says who holds it,
  and it tries again a few seconds later; when the plan cannot be read it waits for the
  next change of the files.
* Until the first briefing is ready there is no snapshot: the app answers 503 with
  Retry-After ("measuring…"). The disk cache (`briefing.cache`) makes that moment short
  whenever the workspace was measured before.

A warehouse that is not a local DuckDB file has no cheap fingerprint: it is measured once
at start and not watched.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, TypeVar, cast

from outcomes.briefing.build import Briefing, BriefingOptions
from outcomes.plan import PlanError, load_plan
from outcomes.workspace import Workspace, WorkspaceError

T = TypeVar("T")
Loader = Callable[[Path, Path, BriefingOptions], Briefing]
Fingerprinter = Callable[[Path, Path, BriefingOptions], "str | None"]

CHECK_INTERVAL: Final = 1.0
"""Seconds between two looks at the workspace's fingerprint."""
RETRY_INTERVAL: Final = 5.0
"""Seconds before trying again to open a warehouse another process holds."""
HOLD_WAIT: Final = 5.0
"""Seconds a measurement waits for the warehouse before saying who holds it.

Short: pages keep serving the previous numbers meanwhile, and the notice can then say
who holds the warehouse instead of only "refreshing"; `RETRY_INTERVAL` later it waits again.
"""

log = logging.getLogger(__name__)


class Snapshot:
    """One briefing and what pages derive from it, each derived value computed once."""

    def __init__(self, briefing: Briefing, fingerprint_: str) -> None:
        self.briefing: Final = briefing
        self.fingerprint: Final = fingerprint_
        self._lock = threading.Lock()
        self._memo: dict[Hashable, object] = {}

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept under `key`, built by `build` the first time it is asked for.

        Two threads asking at once may both build; the first stored wins, so every caller
        sees the same value.
        """
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
        value = build()
        with self._lock:
            return cast(T, self._memo.setdefault(key, value))

    def cached(self, key: Hashable) -> bool:
        """Whether a value is kept under `key`."""
        with self._lock:
            return key in self._memo


@dataclass(frozen=True, slots=True)
class StateStatus:
    """Where the dashboard's numbers stand."""

    ready: bool
    """A briefing is being shown."""
    refreshing: bool
    """The workspace changed and is being measured again."""
    fingerprint: str | None
    """The state of the workspace the shown briefing measured."""
    workspace_fingerprint: str | None
    """The workspace's state at the last look (None when it cannot be known cheaply)."""
    generated_at: dt.datetime | None
    as_of: dt.date | None
    error: str | None
    """Why the last measurement failed, while the previous numbers are still shown."""
    checked_at: dt.datetime | None


class DashboardState:
    """The current snapshot of one workspace, refreshed in the background. Thread-safe."""

    def __init__(
        self,
        workspace: Path,
        plan_file: Path,
        options: BriefingOptions,
        *,
        warm: Callable[[Snapshot], None] | None = None,
        loader: Loader | None = None,
        fingerprinter: Fingerprinter | None = None,
        check_interval: float = CHECK_INTERVAL,
        retry_interval: float = RETRY_INTERVAL,
    ) -> None:
        self.workspace = workspace
        self.plan_file = plan_file
        self.options = options
        self._warm = warm
        self._load: Loader = loader or _load
        self._fingerprint: Fingerprinter = fingerprinter or _fingerprint
        self._check_interval = check_interval
        self._retry_interval = retry_interval
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._snapshot: Snapshot | None = None
        self._worker: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._last_check = -math.inf
        self._checked_at: dt.datetime | None = None
        self._workspace_fingerprint: str | None = None
        self._error: str | None = None
        self._failed_fingerprint: str | None = None
        self._retry_at = -math.inf

    # -- reading -------------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        """The snapshot to show (None until the first briefing is ready)."""
        self.poll()
        with self._lock:
            return self._snapshot

    def showing(self) -> tuple[Snapshot | None, bool, str | None]:
        """The snapshot shown (None until ready), whether newer numbers are being measured,
        and why the last measurement failed: all a page's notice depends on, read at once
        and without building a `StateStatus` (the page cache asks on every request)."""
        self.poll()
        with self._lock:
            return self._snapshot, self._refreshing_locked(), self._error

    def status(self) -> StateStatus:
        """Where the numbers stand, for the notice on every page and `/api/status`."""
        self.poll()
        with self._lock:
            snap = self._snapshot
            return StateStatus(
                ready=snap is not None,
                refreshing=self._refreshing_locked(),
                fingerprint=snap.fingerprint if snap else None,
                workspace_fingerprint=self._workspace_fingerprint,
                generated_at=snap.briefing.generated_at if snap else None,
                as_of=snap.briefing.as_of if snap else None,
                error=self._error,
                checked_at=self._checked_at,
            )

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the first briefing is shown; False on timeout."""
        self.poll()
        return self._ready.wait(timeout)

    # -- refreshing ----------------------------------------------------------------------

    def start(self) -> None:
        """Measure now (in the background) and watch the workspace until `stop`."""
        self.poll(force=True)
        with self._lock:
            if self._watcher is not None and self._watcher.is_alive():
                return
            self._stop.clear()
            self._watcher = threading.Thread(
                target=self._watch, name="outcomes-dashboard-watch", daemon=True
            )
            self._watcher.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching; a measurement under way finishes in its own (daemon) thread."""
        self._stop.set()
        watcher = self._watcher
        if watcher is not None:
            watcher.join(timeout)

    def poll(self, *, force: bool = False) -> None:
        """Look at the workspace's fingerprint (at most once a second) and refresh if needed."""
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_check < self._check_interval:
                return
            self._last_check = now
            if self._refreshing_locked():
                return
        try:
            current = self._fingerprint(self.workspace, self.plan_file, self.options)
        except Exception:  # a file vanishing between two calls; look again next time
            log.exception("cannot fingerprint %s", self.workspace)
            return
        with self._lock:
            self._workspace_fingerprint = current
            self._checked_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
            if self._refreshing_locked() or not self._should_refresh(current, now):
                return
            self._worker = threading.Thread(
                target=self._refresh,
                args=(current,),
                name="outcomes-dashboard-measure",
                daemon=True,
            )
            self._worker.start()

    def _refreshing_locked(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def _should_refresh(self, current: str | None, now: float) -> bool:
        if current is not None and current == self._failed_fingerprint and now < self._retry_at:
            return False
        if self._snapshot is None:
            return current != self._failed_fingerprint or now >= self._retry_at
        # Without a fingerprint the state cannot be compared: keep what is shown.
        return current is not None and current != self._snapshot.fingerprint

    def _refresh(self, current: str | None) -> None:
        started = time.monotonic()
        try:
            briefing = self._load(self.workspace, self.plan_file, self.options)
            snap = Snapshot(briefing, briefing.fingerprint or current or "")
            if self._warm is not None:
                self._warm(snap)
        except Exception as exc:
            message, retry = _failure(exc)
            with self._lock:
                self._error = message
                self._failed_fingerprint = current
                self._retry_at = time.monotonic() + self._retry_interval if retry else math.inf
            log.warning("measuring %s failed: %s", self.workspace, message)
            return
        with self._lock:
            self._snapshot = snap
            self._error = None
            self._failed_fingerprint = None
            self._retry_at = -math.inf
        self._ready.set()
        log.info("measured %s in %.1f s", self.workspace, time.monotonic() - started)

    def _watch(self) -> None:
        while not self._stop.wait(self._check_interval):
            self.poll()


def _load(workspace: Path, plan_file: Path, options: BriefingOptions) -> Briefing:
    """The briefing of the plan as it is now.

    A plan saved again while it was being measured leaves a briefing of the older plan
    under the newer plan's fingerprint (in memory and in the disk cache), which would
    never be measured again: such a briefing is measured afresh.
    """
    space = Workspace.open(workspace, plan=plan_file, wait=HOLD_WAIT)
    briefing = space.briefing(options, snapshot=True, explorer=True)
    try:
        now = load_plan(plan_file).plan
    except PlanError:
        return briefing  # broken since: the next look sees the change and reports it
    if briefing.plan == now:
        return briefing
    log.info("the plan changed while it was measured; measuring it again")
    fresh = space.briefing(options, use_cache=False, snapshot=True, explorer=True)
    if fresh.fingerprint:
        return fresh  # the state the snapshot held
    return replace(fresh, fingerprint=space.fingerprint(options) or "")


def _fingerprint(workspace: Path, plan_file: Path, options: BriefingOptions) -> str | None:
    return Workspace.open(workspace, plan=plan_file).fingerprint(options)


def _failure(exc: Exception) -> tuple[str, bool]:
    """A one-line reason, and whether trying again without a change can help."""
    if isinstance(exc, PlanError):
        count = len(exc.problems)
        first = str(exc.problems[0]) if exc.problems else str(exc)
        more = f" (and {count - 1} more problems)" if count > 1 else ""
        return f"the plan cannot be read: {first}{more}", False
    if isinstance(exc, WorkspaceError) and exc.transient:
        # Most often another process (an ingest) holds DuckDB's lock: it lets go soon.
        reason = f"{exc.holder} holds it" if exc.holder else str(exc)
        return f"the warehouse cannot be opened now, trying again: {reason}", True
    if isinstance(exc, WorkspaceError):
        return str(exc), False
    return f"{type(exc).__name__}: {exc}", False
