"""The `outcomes` command: parse arguments, call the library, print. Nothing else lives here.

Exit codes, as ruff and dbt use them: 0 ok, 1 findings (lint findings at or above
`--fail-on`, rejected rows), 2 the input could not be used (invalid plan, unreadable file,
unknown rule or source, unwritable output).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

import outcomes
from outcomes.catalog.statuses import STATUS_STYLES, status_word
from outcomes.plan import LoadedPlan, PlanError, load_plan
from outcomes.workspace import DEFAULT_WAIT, Workspace, WorkspaceError

if TYPE_CHECKING:
    # rich is imported when a command prints a table, not by every command: `outcomes
    # check` prints a few lines and would spend longer importing it than checking a plan.
    from rich.console import Console

app = typer.Typer(
    name="outcomes",
    help="Social business strategy as code: check a plan, load exports, measure each tactic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


# `outcomes.cli.main` loads only the module of the command typed; typer runs an app of a
# single command as that command (`outcomes version` would read "version" as an argument),
# so the app has a callback, which makes it a group whatever is registered.
@app.callback()
def _group() -> None:
    pass


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(outcomes.__version__)


OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        metavar="SECONDS",
        help="While another process (the dashboard, an ingest) holds the warehouse, wait for "
        "it this long; 0 fails at once.",
    ),
]
"""Seconds to wait for the warehouse; commands default it to `locking.DEFAULT_WAIT` (60)."""
WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="The workspace folder (holds plan.yaml and .outcomes/)."
    ),
]


@dataclass(frozen=True)
class Invocation:
    """How the commands were started: `outcomes.cli.main` hands it to them as typer's
    `ctx.obj`; invoked in another program's process (a test's CliRunner) there is none."""

    ends_process: bool = False
    """The process ends with the command (the console script, `python -m outcomes`): what
    it leaves behind is freed by the process ending (`report` then lays the PDF out without
    the cycle collector)."""


def ends_process(ctx: typer.Context) -> bool:
    """Whether the command's process ends with it (`Invocation.ends_process`)."""
    return isinstance(ctx.obj, Invocation) and ctx.obj.ends_process


def stdout_console(min_width: int | None = None) -> Console:
    """Standard output; `min_width` widens it when it is not a terminal (files, pipes)."""
    from rich.console import Console

    console = Console(soft_wrap=True, highlight=False)
    if min_width and not console.is_terminal and console.width < min_width:
        console = Console(soft_wrap=True, highlight=False, width=min_width)
    return console


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str) -> NoReturn:
    from rich.markup import escape

    stderr_console().print(f"[bold red]error:[/] {escape(message)}", markup=True)
    raise typer.Exit(EXIT_ERROR)


def waiting_notice(seconds: float) -> Callable[[str], None]:
    """Says on standard error that a command waits for the warehouse, so it does not seem hung."""

    def notice(holder: str) -> None:
        stderr_console().print(
            f"waiting up to {seconds:g} s for {holder} to let go of the warehouse…", markup=False
        )

    return notice


def load_plan_or_exit(path: Path) -> LoadedPlan:
    try:
        return load_plan(path)
    except PlanError as exc:
        _plan_problems(exc)


def _plan_problems(exc: PlanError) -> NoReturn:
    console = stderr_console()
    for problem in exc.problems:
        console.print(str(problem), markup=False)
    count = len(exc.problems)
    what = "1 problem" if count == 1 else f"{count} problems"
    console.print(f"[bold red]{what}[/]: fix the plan, then run the command again", markup=True)
    raise typer.Exit(EXIT_ERROR) from None


def open_workspace(
    workspace: Path, plan: Path | None = None, wait: float = DEFAULT_WAIT
) -> Workspace:
    """The library's face on the workspace folder, saying on stderr when it waits."""
    with answering():
        return Workspace.open(workspace, plan=plan, wait=wait, on_wait=waiting_notice(wait))


@contextmanager
def answering() -> Iterator[None]:
    """The face's errors as the command line shows them: a plan's problems each on its line,
    anything else in one line; exit 2."""
    try:
        yield
    except PlanError as exc:
        _plan_problems(exc)
    except (WorkspaceError, ValueError) as exc:
        fail(str(exc))


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


STATUS_STYLE: dict[str, str] = {status: style.terminal for status, style in STATUS_STYLES.items()}
"""Rich styles of the statuses, from the one palette (`outcomes.catalog.statuses`)."""


def status_text(status: str) -> str:
    """A status as the terminal shows it: its word, in its style."""
    style = STATUS_STYLE.get(status, "")
    return f"[{style}]{status_word(status)}[/]" if style else status_word(status)


def csv_text(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    columns = list(records[0]) if records else ["channel", "conversions", "value"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def write_parquet(records: list[dict[str, Any]], output: Path | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if output is None:
        fail("--format parquet writes a file: give it with -o FILE")
    try:
        pq.write_table(pa.Table.from_pylist(records), output)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    sys.stderr.write(f"wrote {output}\n")
