"""The dashboard's scheduler: a background thread of `outcomes serve` that runs the alerts
every `every_minutes`, sends the weekly digest on its weekday, and runs the scheduled
fetches (`outcomes alerts schedule-fetch`), each at its own interval.

Settings are read from the store at every tick, so `outcomes alerts settings` takes
effect without a restart. Each job's run is logged (`schedule.run` in the audit log, with
its outcome) and a failing job is logged and tried again at its next time, never raised:
the dashboard keeps serving. Measuring reads copies of the warehouse (`snapshot`), as
the dashboard does, never the file the dashboard's own measuring copies. `stop()` ends the thread between jobs; a job under way
finishes first (a fetch is all-or-nothing per file anyway).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from outcomes.web.alerting.run import Occasion, last_digest, run_alerts, send_digest
from outcomes.web.alerting.settings import AlertSettings, FetchJob, read_settings
from outcomes.web.store.alert_records import AlertRecords
from outcomes.web.store.database import StoreError
from outcomes.web.store.store import Store
from outcomes.workspace import Workspace

if TYPE_CHECKING:
    from outcomes.briefing.build import BriefingOptions

Result = TypeVar("Result")

log = logging.getLogger("outcomes.scheduler")
ACTOR: Final = "scheduler"
TICK: Final = 30.0
"""Seconds between looks at what is due."""
DIGEST_AGAIN: Final = dt.timedelta(days=6)


@dataclass(frozen=True)
class JobRun:
    job: str
    ok: bool
    detail: dict[str, Any]


class Scheduler:
    """Runs what is due every `tick` seconds in a daemon thread, until `stop()`."""

    def __init__(
        self,
        workspace: Path,
        store: Store,
        *,
        plan_file: Path | None = None,
        options: BriefingOptions | None = None,
        tick: float = TICK,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.workspace, self.plan_file, self.store = workspace, plan_file, store
        self.options = options
        """The dashboard's measuring options: alerts read the briefing it keeps."""
        self.tick, self.environ, self.clock = tick, environ, clock
        self.last: dict[str, dt.datetime] = {}
        """When each job last ran (alerts, a fetch's name, digest)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outcomes-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # the dashboard keeps serving whatever a job does
                log.exception("the scheduler's tick failed")
            self._stop.wait(self.tick)

    def run_due(self) -> list[JobRun]:
        """Run every job that is due now, one after the other; what each did."""
        try:
            settings = read_settings(AlertRecords(self.store), self.environ)
        except StoreError as exc:
            log.warning("scheduler: settings cannot be read: %s", exc)
            return []
        now = self.clock()
        runs = []
        if settings.every_minutes and self._due("alerts", settings.every_minutes, now):
            runs.append(self._run("alerts", now, self._alerts))
        if self._digest_due(settings, now):
            runs.append(self._run("digest", now, self._digest))
        for job in settings.fetch_jobs:
            if self._stop.is_set():
                break
            if self._due(job.name, job.every_minutes, now):
                runs.append(self._run(job.name, now, functools.partial(self._fetch, job)))
        return runs

    def _due(self, name: str, minutes: int, now: dt.datetime) -> bool:
        last = self.last.get(name)
        return last is None or now - last >= dt.timedelta(minutes=minutes)

    def _digest_due(self, settings: AlertSettings, now: dt.datetime) -> bool:
        if now.weekday() != settings.digest_weekday or not self._due("digest", 24 * 60, now):
            return False
        wanted = any(s.wants("digest") for s in AlertRecords(self.store).subscriptions())
        sent = last_digest(self.store)
        return wanted and (sent is None or now - sent >= DIGEST_AGAIN)

    def _run(self, name: str, now: dt.datetime, job: Callable[[], dict[str, Any]]) -> JobRun:
        self.last[name] = now
        try:
            detail, ok = job(), True
        except Exception as exc:  # a job's failure is logged; the dashboard keeps serving
            reason = str(exc).strip().splitlines()
            detail, ok = {"error": reason[0] if reason else type(exc).__name__}, False
        log.log(logging.INFO if ok else logging.WARNING, "scheduled %s: %s", name, detail)
        try:
            self.store.audit(ACTOR, "schedule.run", name, {"ok": ok, **detail})
        except StoreError as exc:
            log.warning("scheduled %s not in the audit log: %s", name, exc)
        return JobRun(name, ok, detail)

    def _space(self) -> Workspace:
        return Workspace.open(self.workspace, plan=self.plan_file)

    def _measured(self, job: Callable[[Workspace, Store, Occasion], Result]) -> Result:
        """`job` (alerts or the digest) on copies of the warehouse, as the dashboard measures."""
        occasion = Occasion(ACTOR, environ=self.environ, snapshot=True, options=self.options)
        return job(self._space(), self.store, occasion)

    def _alerts(self) -> dict[str, Any]:
        result = self._measured(run_alerts)
        return {"raised": len(result.alerts), "news": len(result.news), "failed": result.failed}

    def _digest(self) -> dict[str, Any]:
        result = self._measured(send_digest)
        return {"digest": result.digest.key, "deliveries": len(result.deliveries)}

    def _fetch(self, job: FetchJob) -> dict[str, Any]:
        env = os.environ if self.environ is None else self.environ
        fetched = self._space().fetch_mastodon(
            job.instance, job.account, token=env.get(job.token_env) or None
        )
        detail = {
            "statuses": fetched.statuses,
            "mentions": fetched.mentions,
            "rejected": fetched.ingest.rejected,
            "ingest_ids": [item.ingest_id for item in fetched.ingest.loaded],
        }
        self.store.audit(ACTOR, "ingest", str(fetched.folder), {"fetched": "mastodon", **detail})
        return detail
