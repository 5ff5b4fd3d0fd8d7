"""`outcomes.Workspace`: the library's one face, which the CLI and the web app call.

A workspace is a folder with a plan (`plan.yaml`), its settings (`outcomes.toml`) and a
warehouse (`.outcomes/warehouse.duckdb`, or `$OUTCOMES_WAREHOUSE`). Every question the
product answers is a method here, returning a typed result whose `to_json()` is the JSON of
both `--format json` and the API:

```python
from outcomes import Workspace

space = Workspace.open("northwind")
space.check().score.value            # the plan's health score
space.ingest(["exports/"])           # every recognised file under the folder
space.roi(sources=["ga4"]).to_json() # what `outcomes roi --format json` prints
```

One measurement per state: `scorecard`, `roi` and `unplanned` are read from the briefing
(`outcomes.briefing`), measured once per state of plan, warehouse and options and kept on
disk, so the command line, the report, the dashboard and the API give one answer. Only a
question the briefing does not measure (another period, another seed, a model it does not
run) is measured on its own.

Heavy libraries (Ibis, DuckDB, Arrow) are imported by the methods that need them, so that
`Workspace.open(...).check()` costs what loading YAML and pydantic costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from outcomes.plan import LoadedPlan, load_plan, load_plan_text
from outcomes.warehouse.locking import DEFAULT_WAIT as DEFAULT_WAIT
from outcomes.workspace.errors import WorkspaceError as WorkspaceError
from outcomes.workspace.errors import warehouse_error

if TYPE_CHECKING:
    import ibis

    from outcomes.briefing import Briefing, BriefingOptions
    from outcomes.briefing.build import ScorecardHook
    from outcomes.lint.engine import CheckResult
    from outcomes.measure.attribution.compare import Comparison
    from outcomes.measure.attribution.journeys import JourneyOptions
    from outcomes.measure.attribution.paths import PathCounts
    from outcomes.measure.attribution.result import AttributionResult
    from outcomes.measure.costs import Period
    from outcomes.measure.explain import Explanation
    from outcomes.measure.response_days import ResponseDay
    from outcomes.measure.roi_report import RoiReport
    from outcomes.measure.scorecard import Scorecard
    from outcomes.measure.unplanned import UnplannedReport
    from outcomes.sources.base import ReadOptions
    from outcomes.sources.checkin import CheckinRecord
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.forget import ForgetResult, IngestRecord
    from outcomes.warehouse.load import IngestResult
    from outcomes.workspace.config import WorkspaceConfig
    from outcomes.workspace.ingest import FileSettings, ProgressFactory
    from outcomes.workspace.overview import Overview
    from outcomes.workspace.results import Fetched, IngestReport

PLAN_FILE: Final = "plan.yaml"
"""The plan's file name in a workspace."""
Step = Literal["channel", "tactic"]


@dataclass
class Workspace:
    """A workspace folder: its plan, settings and warehouse, and every question about them."""

    root: Path
    plan_file: Path
    warehouse_url: str | None = None
    """The warehouse, when it is not the workspace's own (`$OUTCOMES_WAREHOUSE` or its file)."""
    wait: float = DEFAULT_WAIT
    on_wait: Callable[[str], object] | None = None
    """Told who holds the warehouse, once, when a method has to wait for it."""
    _loaded: tuple[bytes, LoadedPlan] | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        path: str | Path = ".",
        *,
        plan: str | Path | None = None,
        warehouse: str | None = None,
        wait: float = DEFAULT_WAIT,
        on_wait: Callable[[str], object] | None = None,
    ) -> Workspace:
        """The workspace in folder `path` (nothing is read until a method needs it).

        `plan`: another plan file than `path/plan.yaml`. `warehouse`: an Ibis URL of another
        warehouse than the workspace's own (`duckdb://…`, `pyspark://FOLDER`). `wait`: seconds
        to wait for a warehouse another process holds before `WorkspaceError`.
        """
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root}: not a folder; a workspace is a folder with plan.yaml")
        plan_file = Path(plan) if plan is not None else root / PLAN_FILE
        return cls(root, plan_file, warehouse, wait, on_wait)

    # The plan -------------------------------------------------------------------------

    @property
    def plan(self) -> LoadedPlan:
        """The plan as it is on disk now, with its source map (`PlanError` when invalid)."""
        try:
            content = self.plan_file.read_bytes()
        except OSError:
            # `load_plan` words each way a file cannot be read as a plan problem.
            return load_plan(self.plan_file)
        if self._loaded is None or self._loaded[0] != content:
            self._loaded = (content, load_plan_text(content, str(self.plan_file)))
        return self._loaded[1]

    def check(self) -> CheckResult:
        """Lint the plan: findings by rule, and the health score."""
        from outcomes.lint import check_plan

        return check_plan(self.plan)

    # Data -----------------------------------------------------------------------------

    @property
    def config(self) -> WorkspaceConfig:
        """The workspace's `outcomes.toml` (`WorkspaceError` when it is invalid)."""
        from outcomes.workspace.config import ConfigError, load_config

        try:
            return load_config(self.root)
        except ConfigError as exc:
            raise WorkspaceError(str(exc)) from None

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        source: str | None = None,
        options: ReadOptions | None = None,
        progress: ProgressFactory | None = None,
    ) -> IngestReport:
        """Load export files into the warehouse, each all-or-nothing, every row accounted for.

        With `source` (a connector name, `outcomes sources`), each path is a file of that
        source. Without, each path may be a file or a folder and every file is recognised by
        its content; a file no connector recognises is listed in `unknown`, never passed over,
        or in `skipped` when it is plainly no export (a README.md beside the exports).
        `options.timezone` (an IANA name) is the zone of the times a mapped CSV writes
        without one, over its mapping's: another name, or another source, is refused
        before any file is read.
        """
        from outcomes.workspace.ingest import ingest_files, ingest_recognised, timezone_problem
        from outcomes.workspace.results import IngestReport

        problem = timezone_problem(options, source)
        if problem is not None:
            raise WorkspaceError(problem)
        settings = self._file_settings()
        files = [Path(p) for p in paths]
        with self._warehouse() as warehouse:
            if source is not None:
                try:
                    outcomes = ingest_files(
                        warehouse, source, files, options, workspace=settings, progress=progress
                    )
                except KeyError as exc:
                    raise WorkspaceError(str(exc.args[0])) from None
                return IngestReport(tuple(outcomes), ())
            found, unknown = ingest_recognised(
                warehouse, files, options, workspace=settings, progress=progress
            )
            return IngestReport.of(tuple(found), tuple(unknown))

    def forget(self, target: str, *, dry_run: bool = False, cascade: bool = False) -> ForgetResult:
        """Undo one ingest (a file as ingested, or an id of `history`); see `outcomes forget`."""
        from outcomes.warehouse import forget as forgetting

        with self._warehouse() as warehouse:
            try:
                return forgetting.forget(
                    warehouse, target, dry_run=dry_run, cascade=cascade, root=self.root
                )
            except forgetting.ForgetError as exc:
                raise WorkspaceError(str(exc)) from None

    def history(self, *, include_forgotten: bool = False) -> list[IngestRecord]:
        """The files loaded, newest first, each with its accounting."""
        from outcomes.warehouse import forget as forgetting

        with self._warehouse() as warehouse:
            return forgetting.history(warehouse, include_forgotten=include_forgotten)

    def record_checkin(self, record: CheckinRecord) -> IngestResult:
        """Write a check-in's file and load its counts (`checkin` source); WorkspaceError if refused."""
        from outcomes.workspace.checkins import write_checkin

        path = write_checkin(self.root, record)
        report = self.ingest([path], source="checkin")
        if report.failures or not report.loaded:
            path.unlink(missing_ok=True)
            reason = report.failures[0].message if report.failures else "nothing was loaded"
            raise WorkspaceError(f"the check-in could not be loaded: {reason}")
        return report.loaded[0]

    def checkins(self, *, since: dt.date | None = None) -> list[CheckinRecord]:
        """The latest version of each check-in loaded (weeks from `since`), newest week first."""
        from outcomes.workspace.checkins import CHECKIN_DIR, latest_checkins

        if not (self.root / CHECKIN_DIR).is_dir():
            return []  # none ever recorded: no need to open the warehouse to say so
        return latest_checkins(self.history(), self.root, since=since)

    def fetch_mastodon(
        self,
        instance: str,
        account: str,
        *,
        token: str | None = None,
        max_pages: int | None = None,
        now: dt.datetime | None = None,
    ) -> Fetched:
        """Fetch an account's statuses (and, with a token, its mentions) from its server,
        save them under `exports/mastodon/ACCOUNT-TIME/` and ingest them."""
        import re

        from outcomes.sources.base import SourceError
        from outcomes.sources.mastodon_api import fetch, save
        from outcomes.workspace.results import Fetched

        try:
            result = fetch(instance, account=account, token=token, max_pages=max_pages)
        except SourceError as exc:
            raise WorkspaceError(str(exc)) from None
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", account.lstrip("@"))
        folder = self.root / "exports" / "mastodon" / f"{slug}-{stamp}"
        written = save(result, folder)
        data_files = [path for path in written if path.name != "account.json"]
        mentions = None if result.notifications is None else len(result.notifications)
        report = self.ingest(data_files, source="mastodon")
        return Fetched(folder, len(result.statuses), mentions, report)

    # Measures -------------------------------------------------------------------------

    def briefing(
        self,
        options: BriefingOptions | None = None,
        *,
        use_cache: bool = True,
        snapshot: bool = False,
        accept: Callable[[BriefingOptions], bool] | None = None,
        explorer: bool = False,
        before_measuring: Callable[[LoadedPlan], object] | None = None,
        on_scorecard: ScorecardHook | None = None,
    ) -> Briefing:
        """Everything the report, `status` and the dashboard show, measured once per state.

        `use_cache=False` measures again. `snapshot`: measure a copy of the warehouse, so
        that ingests need not wait (the dashboard does). `accept`: a kept briefing measured
        with other options may answer when `accept(its options)` says so. `explorer`: also
        summarise the journeys for the dashboard's attribution explorer
        (`Briefing.explorer`); every other number is the same without them.
        `before_measuring(loaded)`: called with the plan just before measuring, when no kept
        briefing answers;
        `on_scorecard(plan, scorecard)`: as soon as the scorecard is measured, before ROI.
        """
        from outcomes.briefing import load_briefing
        from outcomes.warehouse.connection import WarehouseError

        try:
            return load_briefing(
                self.root,
                self.plan_file,
                options,
                use_cache=use_cache,
                wait=self.wait,
                on_wait=self.on_wait,
                snapshot=snapshot,
                accept=accept,
                url=self.warehouse_url,
                explorer=explorer,
                before_measuring=before_measuring,
                on_scorecard=on_scorecard,
            )
        except WarehouseError as exc:
            raise warehouse_error(exc) from None
        except OSError:
            load_plan(self.plan_file)  # says why the plan cannot be read, as a plan problem
            raise

    def overview(
        self, options: BriefingOptions | None = None, *, use_cache: bool = True
    ) -> Overview:
        """Page one as one document: goals, ROI per tactic, what needs a decision, pilots.

        The document `outcomes status --format json` prints and `/api/overview` sends
        (`workspace.overview`); `.model_dump(mode="json")` is its JSON.
        """
        from outcomes.workspace.overview import overview

        return overview(self.briefing(options, use_cache=use_cache))

    def fingerprint(self, options: BriefingOptions) -> str | None:
        """The state a briefing with `options` would measure; None when not cheaply known."""
        from outcomes.briefing import fingerprint

        return fingerprint(self.root, self.plan_file, options, url=self.warehouse_url)

    def scorecard(
        self, *, as_of: dt.date | None = None, sources: Sequence[str] | None = None
    ) -> Scorecard:
        """Goals paced, benchmarks, cadence, conversation health…: the briefing's scorecard."""
        from outcomes.briefing import BriefingOptions

        wanted = BriefingOptions(as_of=as_of, sources=_sources(sources))

        def same_scorecard(kept: BriefingOptions) -> bool:
            return (kept.as_of, kept.sources) == (wanted.as_of, wanted.sources)

        return self.briefing(wanted, accept=same_scorecard).scorecard

    def unplanned(self) -> UnplannedReport:
        """Activity and campaign traffic no tactic accounts for: random acts of social."""
        from outcomes.briefing import BriefingOptions

        # Every briefing of this state found the same: it depends on no measuring option.
        return self.briefing(BriefingOptions(), accept=lambda _: True).unplanned

    def response_days(self, *, snapshot: bool = False) -> list[ResponseDay]:
        """Each tactic's first responses per day against its response-time target (alerts
        ask whether a target is missed several days running; `measure.response_days`).

        `snapshot`: measure a copy of the warehouse, as `briefing` does, so that the
        dashboard's process can ask while it measures too.
        """
        from outcomes.measure.response_days import response_days
        from outcomes.warehouse.connection import Warehouse, WarehouseError

        plan = self.plan.plan
        if not snapshot:
            with self._warehouse() as warehouse:
                return response_days(plan, warehouse.table("activities"))
        try:
            copy = Warehouse.snapshot(self.root, url=self.warehouse_url, wait=self.wait)
        except WarehouseError as exc:
            raise warehouse_error(exc) from None
        with copy as warehouse:
            return response_days(plan, warehouse.table("activities"))

    def explain(self, ident: str) -> Explanation:
        """Which tactic claims the activity whose warehouse key or native id is `ident`, and
        why: each tactic's criteria met, who else matched and why it lost, or why none did.

        `WorkspaceError` when no activity has that key or native id.
        """
        from outcomes.measure.explain import explain_activity

        plan = self.plan.plan
        with self._warehouse() as warehouse:
            result = explain_activity(plan, warehouse.table("activities"), ident.strip())
        if not result.found:
            raise WorkspaceError(
                f"no activity has the key or native id {ident!r}: `outcomes unplanned "
                "--format json` gives an example key of each group of unplanned activity"
            )
        return result

    def roi(
        self,
        *,
        models: Sequence[str] | None = None,
        period: Period | None = None,
        lookback_days: int | None = 90,
        sources: Sequence[str] | None = None,
        bootstrap: int = 200,
        confidence: float = 0.9,
        seed: int = 0,
    ) -> RoiReport:
        """ROI per tactic, strategy and goal under each model, with bootstrap intervals.

        From the briefing when it measures this question (the plan's period, seed 0, the
        default models); otherwise measured on its own. ValueError for an unknown model or a
        period that does not run forward.
        """
        from outcomes.briefing import BriefingOptions
        from outcomes.measure.costs import Period as DateRange
        from outcomes.measure.roi import DEFAULT_MODELS

        chosen = tuple(models or DEFAULT_MODELS)
        wanted = BriefingOptions(
            sources=_sources(sources),
            lookback_days=lookback_days,
            bootstrap=bootstrap,
            confidence=confidence,
        )
        plan_period = DateRange.of_plan(self.plan.plan)
        briefed = (period is None or period == plan_period) and seed == 0
        if briefed and set(chosen) <= set(wanted.models):

            def same_roi(kept: BriefingOptions) -> bool:
                fields = ("sources", "lookback_days", "bootstrap", "confidence")
                same = all(getattr(kept, name) == getattr(wanted, name) for name in fields)
                return same and set(chosen) <= set(kept.models)

            return self.briefing(wanted, accept=same_roi).roi.only(chosen)
        return self._measure_roi(chosen, period or plan_period, wanted, seed)

    def attribute(
        self,
        model: str = "markov",
        *,
        by: Step = "channel",
        lookback_days: int | None = 90,
        sources: Sequence[str] | None = None,
        conversion_types: Sequence[str] | None = None,
        order: int = 1,
        half_life_days: float = 7.0,
        paths: Path | None = None,
        keep_direct: bool = False,
    ) -> AttributionResult:
        """Credit conversions to channels (or tactics) with one attribution model.

        On the warehouse's journeys, `time_decay` halves credit every `half_life_days` of
        real time before the conversion; `order` is the Markov chain's. `paths`: journeys
        from an aggregated paths file instead (`path,total_conversions,…`; time decay then
        halves per step). `keep_direct`: direct visits stay steps on every path instead of
        GA4's rule (`outcomes.measure.attribution.direct`). ValueError for an unknown model.
        """
        from outcomes.measure.attribution import MODELS
        from outcomes.measure.attribution import attribute as run_model
        from outcomes.measure.attribution.timed import time_decay_from_warehouse

        if model not in MODELS:
            raise ValueError(f"no model '{model}'; models are: {', '.join(MODELS)}")
        if model == "time_decay" and paths is None:
            options = self._journey_options(by, lookback_days, sources, conversion_types)
            options["skip_direct"] = not keep_direct
            with self._warehouse() as warehouse:
                return time_decay_from_warehouse(
                    warehouse.table("touchpoints"),
                    self._conversions(warehouse),
                    half_life_days=half_life_days,
                    **options,
                )
        counts = self.journeys(
            by=by,
            lookback_days=lookback_days,
            sources=sources,
            conversion_types=conversion_types,
            paths=paths,
            keep_direct=keep_direct,
        )
        return run_model(counts, model, **({"order": order} if model == "markov" else {}))

    def compare(
        self,
        *,
        by: Step = "channel",
        lookback_days: int | None = 90,
        sources: Sequence[str] | None = None,
        conversion_types: Sequence[str] | None = None,
        order: int = 1,
        paths: Path | None = None,
        keep_direct: bool = False,
    ) -> Comparison:
        """Every attribution model's credit side by side on the same journeys."""
        from outcomes.measure.attribution.compare import compare

        counts = self.journeys(
            by=by,
            lookback_days=lookback_days,
            sources=sources,
            conversion_types=conversion_types,
            paths=paths,
            keep_direct=keep_direct,
        )
        return compare(counts, params={"markov": {"order": order}})

    def journeys(
        self,
        *,
        by: Step = "channel",
        lookback_days: int | None = 90,
        sources: Sequence[str] | None = None,
        conversion_types: Sequence[str] | None = None,
        paths: Path | None = None,
        keep_direct: bool = False,
    ) -> PathCounts:
        """The journeys as per-distinct-path counts (what models run on): the warehouse's,
        or those of an aggregated paths file (`paths`; `WorkspaceError` when unreadable).
        `keep_direct`: direct visits stay steps on every path (no GA4 direct rule)."""
        from outcomes.measure.attribution.journeys import paths_from_warehouse
        from outcomes.measure.attribution.paths import PathCounts
        from outcomes.sources.base import SourceError
        from outcomes.sources.paths import read_path_rows

        if paths is not None:
            try:
                return PathCounts.from_rows(read_path_rows(paths))
            except (SourceError, ValueError, OSError) as exc:  # a file it cannot read, rows
                raise WorkspaceError(str(exc)) from None  # it rejected: one line either way
        options = self._journey_options(by, lookback_days, sources, conversion_types)
        options["skip_direct"] = not keep_direct
        with self._warehouse() as warehouse:
            return paths_from_warehouse(
                warehouse.table("touchpoints"), self._conversions(warehouse), **options
            )

    # Internals ------------------------------------------------------------------------

    def _conversions(self, warehouse: Warehouse) -> ibis.Table:
        """The warehouse's conversions, their money in the plan's currency only: a value
        in another currency is not added to what attribution credits
        (`outcomes.measure.currency`)."""
        from outcomes.measure.currency import in_plan_currency

        currency = self.plan.plan.organisation.currency
        return in_plan_currency(warehouse.table("conversions"), currency)

    def _warehouse(self) -> Warehouse:
        from outcomes.warehouse.connection import Warehouse, WarehouseError

        try:
            return Warehouse.open(
                self.root, self.warehouse_url, wait=self.wait, on_wait=self.on_wait
            )
        except WarehouseError as exc:
            raise warehouse_error(exc) from None

    def _file_settings(self) -> FileSettings:
        from outcomes.plan import PlanError
        from outcomes.workspace.ingest import FileSettings

        # Loading does not need a plan; when one reads, its currency is what spend is
        # compared with as it loads (a report in another currency is said at once).
        try:
            currency: str | None = self.plan.plan.organisation.currency
        except PlanError:
            currency = None
        return FileSettings(self.root, self.config, currency)

    def _journey_options(
        self,
        by: Step,
        lookback_days: int | None,
        sources: Sequence[str] | None,
        conversion_types: Sequence[str] | None,
    ) -> JourneyOptions:
        from outcomes.measure.attribution.journeys import DEFAULT_CONVERSION_TYPES

        return {
            "by": by,
            "plan": self.plan.plan if by == "tactic" else None,
            "conversion_types": tuple(conversion_types or DEFAULT_CONVERSION_TYPES),
            "lookback_days": lookback_days,
            "sources": _sources(sources),
        }

    def _measure_roi(
        self, models: tuple[str, ...], period: Period, options: BriefingOptions, seed: int
    ) -> RoiReport:
        from outcomes.measure.declared_sources import loaded_sources
        from outcomes.measure.roi import roi

        plan = self.plan.plan
        with self._warehouse() as warehouse:
            return roi(
                plan,
                warehouse.table("touchpoints"),
                warehouse.table("conversions"),
                warehouse.table("costs"),
                models=models,
                period=period,
                lookback_days=options.lookback_days,
                sources=options.sources,
                bootstrap=options.bootstrap,
                confidence=options.confidence,
                seed=seed,
                snapshots=warehouse.table("metric_snapshots"),
                loaded=loaded_sources(warehouse),
            )

    def with_options(self, **changes: object) -> Workspace:
        """A copy with other `wait`, `on_wait` or `warehouse_url`."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _sources(sources: Sequence[str] | None) -> tuple[str, ...] | None:
    """Touchpoint sources as the briefing keys them: None for all, else a tuple."""
    return tuple(sources) if sources else None
