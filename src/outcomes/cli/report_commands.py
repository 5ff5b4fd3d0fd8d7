"""`outcomes status` and `outcomes report`: the page-one answer, in the terminal or on paper."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outcomes.cli.common import (
    EXIT_FINDINGS,
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    ends_process,
    fail,
    open_workspace,
    status_text,
    stderr_console,
    stdout_console,
)
from outcomes.cli.options import (
    AsOfOption,
    LookbackOption,
    NoLookbackOption,
    PlanOption,
    RefreshOption,
    TouchSourceOption,
    briefing_options,
)
from outcomes.workspace import DEFAULT_WAIT, PLAN_FILE, CheckinRecord, Workspace, WorkspaceError

CHECKIN_WEEKS = 8
"""How many weeks of check-ins the report shows."""

if TYPE_CHECKING:
    from outcomes.briefing.build import Briefing, BriefingOptions, ScorecardHook
    from outcomes.measure.scorecard import Scorecard
    from outcomes.plan import LoadedPlan, Plan
    from outcomes.plan.changes import SignOff
    from outcomes.report.drawing import ChartDrawing
    from outcomes.report.printer import Printer


def load_or_fail(
    workspace: Path,
    plan: Path | None,
    options: BriefingOptions,
    *,
    refresh: bool = False,
    wait: float = DEFAULT_WAIT,
    before_measuring: Callable[[LoadedPlan], object] | None = None,
    on_scorecard: ScorecardHook | None = None,
) -> Briefing:
    """The workspace's briefing, or a one-line error and exit 2; `before_measuring` is
    called when no kept briefing answers, just before measuring, and `on_scorecard` as
    soon as the scorecard is measured."""
    space = open_workspace(workspace, plan, wait)
    with answering():
        space.plan  # noqa: B018 -- a broken plan is listed problem by problem before measuring
        briefing: Briefing = space.briefing(
            options,
            use_cache=not refresh,
            before_measuring=before_measuring,
            on_scorecard=on_scorecard,
        )
    return briefing


def plan_sign_off(workspace: Path, plan: Path | None) -> SignOff | None:
    """The plan's newest approval in the app's store and what changed since; None if none.

    A workspace without an app database (never served with sign-in) has none: no
    database is made for asking. Nor does a store whose SQLite file holds no approval,
    which is asked without loading the store. A store that cannot be read is a warning,
    not a failure.
    """
    from outcomes.web.store_location import no_approval_stored

    if no_approval_stored(workspace):  # asked without loading the store (SQLAlchemy)
        return None
    from outcomes.web.store import Store, StoreError
    from outcomes.web.store.revisions import PlanHistory

    try:
        store = Store.for_workspace(workspace)
        try:
            return PlanHistory(store, plan or workspace / PLAN_FILE).sign_off()
        finally:
            store.close()
    except StoreError as exc:
        stderr_console().print(f"warning: the plan's approval is not shown: {exc}", markup=False)
        return None


class StatusFormat(StrEnum):
    """Output formats of `outcomes status`."""

    TABLE = "table"
    JSON = "json"


@app.command(rich_help_panel="Report")
def status(
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    touch_source: TouchSourceOption = None,
    lookback_days: LookbackOption = 90,
    no_lookback: NoLookbackOption = False,
    refresh: RefreshOption = False,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="Output format.")
    ] = StatusFormat.TABLE,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """The page-one answer: each goal's status, ROI per tactic, what needs a decision.

    Exit 1 when something needs attention (a goal not on track, an exception on page one),
    0 otherwise. Numbers are measured once per state of the plan and the warehouse and
    kept under .outcomes/cache/. `--format json` prints the document the dashboard's API
    sends at /api/overview (`outcomes.workspace.overview`), from the same measurement.
    """
    options = briefing_options(as_of, touch_source, lookback_days, no_lookback)
    briefing = load_or_fail(workspace, plan, options, refresh=refresh, wait=wait)
    if output_format is StatusFormat.JSON:
        _print_overview(briefing)
    else:
        _print_status(briefing)
    if briefing.top_attention or briefing.scorecard.needs_attention:
        raise typer.Exit(EXIT_FINDINGS)


def _print_overview(briefing: Briefing) -> None:
    from outcomes.workspace.documents import document_json
    from outcomes.workspace.overview import overview

    body, _ = document_json(overview(briefing), indent=2)
    sys.stdout.buffer.write(body + b"\n")
    sys.stdout.flush()


def _print_status(briefing: Briefing) -> None:
    console = stdout_console(min_width=110)
    console.print(_heading(briefing), markup=True)
    console.print(_goals_table(briefing))
    console.print(_roi_table(briefing))
    console.print(_attention_table(briefing))
    for pilot in briefing.scorecard.pilots:
        console.print(f"[bold]Pilot {escape(pilot.tactic)}[/]: {escape(pilot.verdict)}")
    for note in briefing.scorecard.pilot_notes:
        console.print(f"[bold]Pilot {escape(note.tactic)}[/]: {escape(note.verdict)}")


@dataclass(frozen=True)
class _Made:
    """What `outcomes report` writes, where, and from what."""

    briefing: Briefing
    target: Path
    chosen: ReportFormat
    workspace: Path
    checkins: list[CheckinRecord]
    approved: SignOff | None
    ends_process: bool
    """The process ends with the command (`common.Invocation`)."""


def _write_report(made: _Made, drawing: ChartDrawing | None, printer: Printer | None) -> None:
    from outcomes.report.executive import (
        PdfUnavailableError,
        render_html,
        render_pdf,
        stop_collecting_cycles,
    )
    from outcomes.report.printer import PrintError

    briefing, target = made.briefing, made.target
    try:
        if made.chosen is ReportFormat.PDF:
            if made.ends_process:  # not in another program's process (a test's)
                stop_collecting_cycles()
            render_pdf(
                briefing,
                target,
                workspace=made.workspace,
                checkins=made.checkins,
                sign_off=made.approved,
                drawing=drawing,
                printer=printer,
            )
        else:
            html = render_html(briefing, checkins=made.checkins, sign_off=made.approved)
            target.write_text(html, encoding="utf-8")
    except (PdfUnavailableError, PrintError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{target}: cannot write: {exc.strerror or exc}")


def _heading(briefing: Briefing) -> str:
    period = briefing.period
    through = briefing.data_through
    return (
        f"[bold]{escape(briefing.organisation)}[/] · as of {briefing.as_of.isoformat()}"
        f"{f' · data through {through.isoformat()}' if through else ''} · plan "
        f"{period.start.isoformat()} to {period.end.isoformat()} · "
        f"plan health {briefing.health_score}/100"
    )


def _goals_table(briefing: Briefing) -> Table:
    from outcomes.measure.words import metric_value

    titles = {g.id: g.title for g in briefing.plan.goals}
    goals = briefing.scorecard.goals
    # A goal whose own data stops before the heading's "as of" is measured at its data's
    # last day (outcomes.measure.pacing): each row then says which day it is at.
    days = any(pace.as_of != briefing.as_of for pace in goals)
    table = Table(title="Business goals", title_justify="left", expand=False)
    columns = ("Goal", "Status", "Actual", "Expected now", "Target", "Forecast")
    for column in (*columns, *(("Measured to",) if days else ())):
        table.add_column(column, justify="left" if column in ("Goal", "Status") else "right")
    for pace in goals:
        table.add_row(
            escape(_cut(titles.get(pace.goal, pace.goal), 44)),
            status_text(pace.status),
            *(
                metric_value(briefing.plan, pace.metric, value)
                for value in (pace.actual, pace.expected, pace.target, pace.forecast)
            ),
            *((pace.as_of.isoformat(),) if days else ()),
        )
    return table


def _roi_table(briefing: Briefing) -> Table:
    from outcomes.measure.roi_report import unloaded_words
    from outcomes.measure.words import money, roi_words

    model = briefing.options.headline_model
    # A "not measured" cell says why right under the table, as the report's note does.
    coverage = briefing.roi.coverage
    unmeasured = [each.message for each in coverage.customers_not_measured]
    # Figures counting only part of what the plan measures a tactic by say so here too.
    caption = " ".join([*unmeasured, unloaded_words(coverage.unloaded)]).strip() or None
    table = Table(
        title=f"ROI by tactic ({model})", title_justify="left", caption=caption,
        caption_justify="left",
    )  # fmt: skip
    columns = (
        "Tactic",
        "Revenue",
        "New customers",
        "Return (goals' terms)",
        "Cost",
        f"ROI ({briefing.options.confidence:.0%} interval)",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "Tactic" else "right")
    for row in briefing.tactic_roi():
        kept = row.returns
        table.add_row(
            escape(row.id),
            row.revenue_words(lambda value: money(value, briefing.currency)),
            row.customers_words,
            escape(kept.label) if kept else "",
            money(row.cost, briefing.currency),
            roi_words(row.roi, kept.kind if kept else None),
        )
    return table


def _attention_table(briefing: Briefing) -> Table:
    more = len(briefing.attention) - len(briefing.top_attention)
    caption = f"and {more} more: outcomes report, or the dashboard" if more > 0 else None
    table = Table(title="Needs a decision", title_justify="left", caption=caption)
    table.add_column("#", justify="right")
    table.add_column("What")
    for number_, item in enumerate(briefing.top_attention, start=1):
        table.add_row(str(number_), escape(item.title))
    if not briefing.top_attention:
        table.add_row("", "nothing: every goal is on track and nothing needs a decision")
    return table


def recent_checkins(workspace: Path, plan: Path | None, wait: float) -> list[CheckinRecord]:
    """The check-ins of the last `CHECKIN_WEEKS` weeks, through the face."""
    since = dt.date.today() - dt.timedelta(weeks=CHECKIN_WEEKS)
    try:
        return Workspace.open(workspace, plan=plan, wait=wait).checkins(since=since)
    except WorkspaceError as exc:
        fail(str(exc))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReportFormat(StrEnum):
    """Output formats of `outcomes report`."""

    HTML = "html"
    PDF = "pdf"


@app.command(rich_help_panel="Report")
def report(
    ctx: typer.Context,
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="html or pdf (default: from -o's suffix, else html)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (default: report.html or .pdf in the workspace).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    touch_source: TouchSourceOption = None,
    lookback_days: LookbackOption = 90,
    no_lookback: NoLookbackOption = False,
    refresh: RefreshOption = False,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """The executive report: page one is the answer, then the evidence and the plan.

    Goals with status and forecast, ROI by tactic with intervals, the three decisions that
    need attention and the pilot's verdict; then the strategy map by status, attribution
    by model, conversation health, content focus, cadence per operator and the tactical
    implementation plan. Self-contained HTML (no script, no external URL) or A4 PDF.
    """

    chosen = output_format or (
        ReportFormat.PDF if output and output.suffix.lower() == ".pdf" else ReportFormat.HTML
    )
    target = output or workspace / f"report.{chosen.value}"
    options = briefing_options(as_of, touch_source, lookback_days, no_lookback)
    printing = _Printing(workspace, plan) if chosen is ReportFormat.PDF else None
    try:
        briefing = load_or_fail(
            workspace,
            plan,
            options,
            refresh=refresh,
            wait=wait,
            before_measuring=printing.start if printing else None,
            on_scorecard=printing.scorecard_measured if printing else None,
        )
        printer, drawing = printing.started(briefing) if printing else (None, None)
        checkins = recent_checkins(workspace, plan, wait)
        approved = printing.sign_off() if printing else plan_sign_off(workspace, plan)
        made = _Made(briefing, target, chosen, workspace, checkins, approved, ends_process(ctx))
        _write_report(made, drawing, printer)
    finally:
        if printing is not None:  # a failure before the PDF leaves no child
            printing.close()
    stderr_console().print(f"wrote {escape(str(target))}", markup=True)


class _Printing:
    """The PDF's helper processes, started as early as they are likely to be wanted.

    Before measuring (`start`): the printer loads the PDF engine and the charts' on the
    core measuring leaves idle, then lays the PDF out. With a kept briefing (`started`)
    there is no such wait to fill: the charts are drawn in a child while this process
    loads WeasyPrint and lays out, unless a PDF of the briefing is kept and read instead.
    """

    def __init__(self, workspace: Path, plan: Path | None) -> None:
        self._workspace = workspace
        self._plan = plan
        self._printer: Printer | None = None
        self._drawing: ChartDrawing | None = None

    def start(self, loaded: LoadedPlan) -> None:
        from outcomes.report.printer import Printer

        self._printer = Printer.start(
            lambda: plan_sign_off(self._workspace, self._plan), appendix_of=loaded
        )

    def sign_off(self) -> SignOff | None:
        """The plan's sign-off: the printer's, read while measuring, else read now."""
        read = self._printer.sign_off() if self._printer is not None else None
        return read[0] if read is not None else plan_sign_off(self._workspace, self._plan)

    def scorecard_measured(self, plan: Plan, scorecard: Scorecard) -> None:
        """The scorecard's charts start now, while ROI is measured."""
        if self._printer is not None:
            self._printer.hand_over_first(plan, scorecard)

    def started(self, briefing: Briefing) -> tuple[Printer | None, ChartDrawing | None]:
        from outcomes.report.executive import start_printed_charts

        if self._printer is None:  # a kept briefing, or no fork here
            self._drawing = start_printed_charts(briefing, self._workspace)
        else:  # its charts are drawn while the check-ins and sign-off are read here
            self._printer.hand_over(briefing)
        return self._printer, self._drawing

    def close(self) -> None:
        for started in (self._drawing, self._printer):
            if started is not None:
                started.close()
