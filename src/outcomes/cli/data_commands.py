"""Commands about data: ingest exports into the warehouse, forget an ingest, list the ingests,
and find unplanned activity."""

from __future__ import annotations

import codecs
import shlex
import sys
import weakref
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.table import Table

from outcomes.catalog.channels import SOURCES
from outcomes.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    fail,
    json_text,
    open_workspace,
    stderr_console,
    stdout_console,
)
from outcomes.cli.ingest_output import (
    print_ingest_problems,
    print_ingest_table,
    print_source_summary,
)
from outcomes.workspace import DEFAULT_WAIT, PLAN_FILE

if TYPE_CHECKING:
    from outcomes.measure.unplanned import UnplannedReport
    from outcomes.workspace.data import (
        ForgetResult,
        IngestRecord,
        IngestReport,
        ProgressFactory,
        TableName,
    )


class DateOrderChoice(StrEnum):
    """The orders `--date-order` takes: day, month or year first."""

    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


class DecimalMarkChoice(StrEnum):
    """The marks `--decimal-mark` takes."""

    POINT = "point"
    COMMA = "comma"


class IngestFormat(StrEnum):
    """Output formats of `outcomes ingest`."""

    TEXT = "text"
    JSON = "json"


@app.command(rich_help_panel="Data")
def ingest(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="SOURCE then FILE...; sources: " + ", ".join(SOURCES), show_default=False
        ),
    ] = None,
    auto: Annotated[
        Path | None,
        typer.Option(
            "--auto",
            help="Load every recognised file under this folder, or this file, "
            "each recognised by its content.",
        ),
    ] = None,
    workspace: WorkspaceOption = Path(),
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of CSV files when not UTF-8 (e.g. cp1252).")
    ] = None,
    date_order: Annotated[
        DateOrderChoice | None,
        typer.Option(
            "--date-order",
            help="How to read numeric dates when every date of a column reads both ways "
            "(09/01/2026): dmy, mdy or ymd.",
        ),
    ] = None,
    decimal_mark: Annotated[
        DecimalMarkChoice | None,
        typer.Option(
            "--decimal-mark",
            help="The decimal mark when every number of a column reads both ways (1.234): "
            "point or comma.",
        ),
    ] = None,
    account: Annotated[
        str | None,
        typer.Option(help="The page or handle the export belongs to, if the file does not say."),
    ] = None,
    table: Annotated[
        str | None, typer.Option(help="Generic csv: the table the rows go to.")
    ] = None,
    column_map: Annotated[
        list[str] | None, typer.Option("--map", help="Generic csv: COLUMN=HEADER, once per column.")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            metavar="ZONE",
            help="Mapped csv: the IANA time zone (America/Chicago) of times written without "
            "one; over the mapping's timezone.",
        ),
    ] = None,
    output_format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="Output format.")
    ] = IngestFormat.TEXT,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Load exports into the workspace's warehouse: `outcomes ingest SOURCE FILE...` or
    `--auto PATH` (a folder or a file).

    Exit 0 when every row loaded, 1 when some rows were rejected, 2 when a file could not be read.
    """
    from outcomes.workspace.data import ReadOptions

    if encoding is not None:
        _check_encoding(encoding)
    options = ReadOptions(
        encoding=encoding,
        account=account,
        table=_table_name(table),
        mapping=_mapping(column_map),
        date_order=None if date_order is None else date_order.value,
        decimal_mark=None if decimal_mark is None else decimal_mark.value,
        timezone=timezone,
    )
    if auto is not None:
        if args:
            fail("give either --auto PATH or SOURCE FILE..., not both")
        if not auto.exists():  # a file is recognised by its content, as a folder's files are
            fail(f"{auto}: no such file or folder")
        source, files = None, [auto]
    elif not args or len(args) < 2:
        fail(
            "name a source and at least one file (`outcomes ingest linkedin export.xlsx`), "
            "or use --auto PATH"
        )
    else:
        source, files = args[0], [Path(a) for a in args[1:]]
    space = open_workspace(workspace, wait=wait)
    with answering():
        result = space.ingest(files, source=source, options=options, progress=_progress_factory())
    _report_ingest(result, output_format)
    if result.loaded or result.failures:
        _audit(workspace, "ingest", ", ".join(str(path) for path in files), _ingest_detail(result))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        fail(f"--encoding {encoding}: no such text encoding; try utf-8, cp1252 or latin-1")


def _table_name(table: str | None) -> TableName | None:
    from outcomes.workspace.data import TABLE_NAMES

    if table is None:
        return None
    if table not in TABLE_NAMES:
        fail(f"no table '{table}'; choose one of: {', '.join(TABLE_NAMES)}")
    return cast("TableName", table)


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, header = pair.partition("=")
        if not sep or not column.strip() or not header.strip():
            fail(f"--map {pair!r}: write COLUMN=HEADER, e.g. --map ts='Sent at'")
        mapping[column.strip()] = header.strip()
    return mapping


def _progress_factory() -> ProgressFactory | None:
    if not sys.stderr.isatty():
        return None

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    def start(path: Path) -> Callable[[int], None]:
        progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} records"),
            TimeElapsedColumn(), console=stderr_console(), transient=True,
        )  # fmt: skip
        task = progress.add_task(path.name, total=None)
        progress.start()

        def update(records: int) -> None:
            progress.update(task, completed=records)

        weakref.finalize(update, progress.stop)
        return update

    return start


def _report_ingest(result: IngestReport, output_format: IngestFormat) -> None:
    if output_format is IngestFormat.JSON:
        sys.stdout.write(json_text(result.to_json()))
    else:
        print_ingest_table(list(result.outcomes))
    # Problems go to standard error in every format: people read them, machines read stdout.
    print_ingest_problems(list(result.outcomes), result.unrecognised(), result.skipped)


@app.command(rich_help_panel="Data")
def unplanned(
    workspace: WorkspaceOption = Path(),
    plan: Annotated[
        Path | None, typer.Option(help="The plan file (default: plan.yaml in the workspace).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many groups.")] = 30,
    output_format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="Output format.")
    ] = IngestFormat.TEXT,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """List activity in the data that no tactic accounts for: random acts of social.

    Exit 0 when every activity belongs to a tactic, 1 when some does not.
    """
    space = open_workspace(workspace, plan, wait)
    with answering():
        report = space.unplanned()
    if output_format is IngestFormat.JSON:
        sys.stdout.write(json_text(report.to_json()))
    else:
        _print_unplanned(report, limit)
    if report.found:
        raise typer.Exit(EXIT_FINDINGS)


def _print_unplanned(report: UnplannedReport, limit: int) -> None:
    console = stdout_console()
    _print_unplanned_checkins(report, limit)
    if not report.activities:
        console.print(
            "No activities in the warehouse yet: load exports with `outcomes ingest`.", markup=False
        )
        return
    console.print(
        f"{report.unplanned_activities:,} of {report.activities:,} activities ({report.share:.0%}) "
        "belong to no tactic of the plan.",
        markup=False,
    )
    if report.groups:
        # Fixed-width lines rather than a table: at 80 columns a table drops whole columns,
        # while here only the example is cut.
        width = max(console.width, 80)
        console.print(
            f"{'channel':<10}{'kind':<11}{'count':>6}  {'from':<10}  {'to':<10}  {'account':<20}  example",
            markup=False,
        )
        for g in report.groups[:limit]:
            head = (
                f"{g.channel:<10.10}{g.kind:<11.11}{g.count:>6,}  {g.first.date().isoformat()}  "
                f"{g.last.date().isoformat()}  {(g.account or ''):<20.20}  "
            )
            example = " ".join((g.example or "").split())
            room = width - len(head)
            console.print(
                head + (example if len(example) <= room else example[: max(room - 1, 0)] + "…"),
                markup=False,
            )
        key = report.groups[0].example_key
        if key:
            console.print(
                f"Why an activity belongs to no tactic: outcomes explain {_quoted(key)} "
                "(each group's example key is in --format json).",
                markup=False,
            )
    if report.campaigns:
        console.print("Campaign and social traffic that no tactic's UTM rules claim:", markup=False)
        table = Table(
            "channel", "utm_source", "utm_campaign", "touchpoints", box=None, pad_edge=False
        )
        for c in report.campaigns[:limit]:
            table.add_row(c.channel or "", c.utm_source or "", c.utm_campaign or "", f"{c.count:,}")
        console.print(table)
    if report.labels:
        _print_unknown_labels(report, limit)


def _print_unplanned_checkins(report: UnplannedReport, limit: int) -> None:
    if not report.checkins:
        return
    console = stdout_console()
    console.print(
        "Weekly check-ins of tactics the plan does not have (renamed or removed?); a goal on "
        "what they count still adds them up:",
        markup=False,
    )
    table = Table("tactic", "weeks", "from", "to", "counts", box=None, pad_edge=False)
    for c in report.checkins[:limit]:
        table.add_row(
            c.tactic, f"{c.weeks:,}", c.first.isoformat(), c.last.isoformat(), ", ".join(c.metrics)
        )
    console.print(table)


def _quoted(key: str) -> str:
    """`key` as a shell word: keys hold `|`, which a shell would read as a pipe."""
    return shlex.quote(key)


def _print_unknown_labels(report: UnplannedReport, limit: int) -> None:
    console = stdout_console()
    console.print(
        "Source labels that are no plan channel (say what they mean in [channels] of "
        "outcomes.toml; docs/sources.md#channel-labels):",
        markup=False,
    )
    table = Table("table", "source", "label", "rows", box=None, pad_edge=False)
    for label in report.labels[:limit]:
        table.add_row(label.table, label.source, label.label, f"{label.count:,}")
    console.print(table)


@app.command(rich_help_panel="Data")
def demo(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the demo workspace.", file_okay=False)
    ] = Path("demo-workspace"),
    scale: Annotated[
        float,
        typer.Option(
            help="Size: 1 is about 20,000 journeys (clinics: 5,900); it grows linearly.",
            min=0.01,
        ),
    ] = 1.0,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed builds the same files.")
    ] = 7,
    company: Annotated[
        str,
        typer.Option(
            help="Which company: northwind (software, the default) or clinics (Harbour "
            "Physio's 14 clinics: patients and employers in one CRM)."
        ),
    ] = "northwind",
) -> None:
    """Build a demo workspace (Northwind by default): a year of exports in real formats, ingested, with truth.json."""
    from outcomes.demo import COMPANIES, build_demo_workspace
    from outcomes.workspace.data import FileFailure, WarehouseError

    if company not in COMPANIES:
        fail(f"no demo company '{company}'; choose one of: {', '.join(COMPANIES)}")
    if (directory / "truth.json").exists():
        fail(f"{directory} already holds a demo; remove it or name another folder")
    try:
        result = build_demo_workspace(directory, scale=scale, seed=seed, company=company)
    except (OSError, WarehouseError) as exc:
        fail(f"{directory}: cannot build the demo: {exc}")
    print_source_summary(result.ingests)
    print_ingest_problems(result.ingests, [])
    stdout_console().print(
        f"Demo workspace ready in {result.workspace}; the planted truth is in {result.truth_path}.",
        markup=False,
    )
    _print_example_users(result.workspace)
    if any(isinstance(o, FileFailure) for o in result.ingests):
        raise typer.Exit(EXIT_ERROR)


EXAMPLE_USERS = "example-users.txt"
"""The demo's example users and their passwords, beside its plan."""


def _sponsors(workspace: Path) -> list[str]:
    """The executives who sponsor a goal in the demo's plan (each gets a user to approve it)."""
    from outcomes.plan import PlanError, load_plan

    try:
        plan = load_plan(workspace / PLAN_FILE).plan
    except (PlanError, OSError):
        return []
    executives = {person.id for person in plan.people if person.executive}
    return sorted({g.sponsor for g in plan.goals if g.sponsor in executives})


def _print_example_users(workspace: Path) -> None:
    """One user per role in the demo's app database, and how to sign in as them."""
    from outcomes.web.store import Store, StoreError
    from outcomes.web.store.examples import add_example_users

    sponsors = _sponsors(workspace)
    try:
        store = Store.for_workspace(workspace)
        try:
            added = add_example_users(store, sponsors)
        finally:
            store.close()
    except StoreError as exc:
        stderr_console().print(f"warning: no example users: {exc}", markup=False)
        return
    if not added:
        return
    lines = [
        f"  {name:<11} {role.value:<11} password: {password}"
        + ("  (goal sponsor: approves the plan)" if name in sponsors else "")
        for name, role, password in added
    ]
    # Kept beside the demo too (readable by its owner only): `make demo` prints much more
    # before it serves the dashboard, and a hash cannot be shown again.
    listing = workspace / EXAMPLE_USERS
    try:
        listing.touch(mode=0o600)
        listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        stderr_console().print(f"warning: cannot write {listing}: {exc.strerror}", markup=False)
    console = stdout_console()
    console.print(
        f"Example users, one per role (`outcomes serve` asks to sign in; also in {listing}):",
        markup=False,
    )
    for line in lines:
        console.print(line, markup=False)


@app.command(rich_help_panel="Data")
def sources(
    docs: Annotated[
        bool, typer.Option("--docs", help="Print every connector's documentation as Markdown.")
    ] = False,
) -> None:
    """List the connectors `outcomes ingest` can use, by the names plans use in `measurement.sources`."""
    from outcomes.workspace.data import all_sources, sources_markdown

    if docs:
        sys.stdout.write(sources_markdown())
        return
    console = stdout_console()
    for source in all_sources():
        console.print(f"{source.name:<11} {source.description}", markup=False)


@app.command(rich_help_panel="Data")
def forget(
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE|INGEST_ID",
            help="The file as it was ingested (its newest load), or an id `outcomes history` "
            "lists.",
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would go and come back; change nothing.")
    ] = False,
    cascade: Annotated[
        bool,
        typer.Option(
            "--cascade", help="Also forget later ingests that changed rows it loaded, newest first."
        ),
    ] = False,
    workspace: WorkspaceOption = Path(),
    output_format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="Output format.")
    ] = IngestFormat.TEXT,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Remove what one ingest loaded and its rejections, and put back the rows it replaced.

    One transaction; the file can then be ingested again. Exit 0 when done, 2 when there is
    nothing to forget or later ingests changed its rows (forget them first, or --cascade).
    """
    space = open_workspace(workspace, wait=wait)
    with answering():
        result = space.forget(target, dry_run=dry_run, cascade=cascade)
    if result.other_current:
        # Said on standard error in every format: the choice of ingest needs a human's eye.
        others = ", ".join(str(i) for i in result.other_current)
        stderr_console().print(
            f"note: {result.target.file} is also loaded by older ingest {others}; this forgets "
            f"the newest, {result.target.id} (give an id to forget another)",
            markup=False,
        )
    if output_format is IngestFormat.JSON:
        sys.stdout.write(json_text(result.as_json()))
    else:
        _print_forgotten(result)
    if not result.dry_run:
        ids = [item.ingest.id for item in result.forgotten]
        _audit(workspace, "forget", target, {"file": result.target.file, "ingests": ids})


def _audit(workspace: Path, action: str, subject: str, detail: dict[str, Any]) -> None:
    """Logs the change in the audit log (`outcomes audit`); says so when it cannot."""
    from outcomes.web.store.audit import record_from_cli

    problem = record_from_cli(workspace, action, subject, detail)
    if problem:
        stderr_console().print(f"warning: not in the audit log: {problem}", markup=False)


def _ingest_detail(result: IngestReport) -> dict[str, Any]:
    return {
        "files": [
            {"file": item.file, "source": item.source, "loaded": item.loaded,
             "updated": item.updated, "rejected": item.rejected, "ingest_id": item.ingest_id}
            for item in result.loaded
        ],
        "failed": [item.file for item in result.failures],
        "rejected": result.rejected,
    }  # fmt: skip


def _print_forgotten(result: ForgetResult) -> None:
    from outcomes.workspace.data import when_text

    console = stdout_console()
    verb = "would forget" if result.dry_run else "forgot"
    for item in result.forgotten:
        record = item.ingest
        console.print(
            f"{verb} ingest {record.id}: {record.file} ({record.source}, loaded "
            f"{when_text(record.finished_at)})",
            markup=False,
        )
        for change in item.tables:
            console.print(
                f"  {change.table}: {_rows(change.removed)} removed, {_rows(change.restored)} "
                "restored to the version it replaced",
                markup=False,
            )
        if item.rejections:
            console.print(f"  rejected: {_rows(item.rejections)} removed", markup=False)
        if not item.tables and not item.rejections:
            console.print("  no row in the warehouse came from it", markup=False)
    if result.dry_run:
        console.print("dry run: nothing was changed", markup=False)


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


@app.command(rich_help_panel="Data")
def history(
    workspace: WorkspaceOption = Path(),
    output_format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="Output format.")
    ] = IngestFormat.TEXT,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list forgotten ingests, marked.")
    ] = False,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """List the files loaded into the warehouse, newest first, with each one's accounting."""
    space = open_workspace(workspace, wait=wait)
    with answering():
        records = space.history(include_forgotten=True)
    shown = records if show_all else [r for r in records if not r.forgotten]
    if output_format is IngestFormat.JSON:
        sys.stdout.write(json_text([record.as_json() for record in shown]))
        return
    _print_history(shown, hidden=len(records) - len(shown))


def _print_history(records: list[IngestRecord], hidden: int) -> None:
    from outcomes.workspace.data import when_text

    console = stdout_console(min_width=140)
    if not records:
        console.print("No files loaded yet: load exports with `outcomes ingest`.", markup=False)
    table = Table(box=None, pad_edge=False)
    for name in ("id", "when", "file", "source"):
        table.add_column(name, overflow="fold", no_wrap=name != "file")
    for name in ("read", "loaded", "updated", "unchanged", "rejected", "ignored"):
        table.add_column(name, no_wrap=True, justify="right")
    for r in records:
        note = f" (forgotten {when_text(r.forgotten_at)})" if r.forgotten_at else ""
        counts = (r.read, r.loaded, r.updated, r.unchanged, r.rejected, r.ignored)
        table.add_row(str(r.id), when_text(r.finished_at), r.file + note, r.source,
                      *(f"{count:,}" for count in counts))  # fmt: skip
    if records:
        console.print(table)
    for r in records:
        if r.ignored_by_reason:
            reasons = ", ".join(f"{n:,} {reason}" for reason, n in r.ignored_by_reason.items())
            console.print(f"  {r.id}: ignored {reasons}", markup=False)
        if r.changed_columns:
            columns = ", ".join(f"{name} ({n:,})" for name, n in r.changed_columns.items())
            console.print(f"  {r.id}: updated values of {columns}", markup=False)
        for notice in r.notices:
            console.print(f"  {r.id}: warning: {notice}", markup=False)
    if hidden:
        console.print(f"{hidden:,} forgotten ingests not shown; --all lists them", markup=False)
