"""The `outcomes` command: parse arguments, call the library, print. Nothing else lives here.

Exit codes, as ruff and dbt use them: 0 ok, 1 findings (lint findings at or above
`--fail-on`, rejected rows), 2 the input could not be used (invalid plan, unreadable file,
unknown rule or source, unwritable output).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from outcomes.plan import LoadedPlan, PlanError, load_plan

app = typer.Typer(
    name="outcomes",
    help="Social business strategy as code: check a plan, load exports, measure each tactic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

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


def stdout_console(min_width: int | None = None) -> Console:
    """Standard output; `min_width` widens it when it is not a terminal (files, pipes)."""
    console = Console(soft_wrap=True, highlight=False)
    if min_width and not console.is_terminal and console.width < min_width:
        console = Console(soft_wrap=True, highlight=False, width=min_width)
    return console


def stderr_console() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str) -> NoReturn:
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
        console = stderr_console()
        for problem in exc.problems:
            console.print(str(problem), markup=False)
        count = len(exc.problems)
        what = "1 problem" if count == 1 else f"{count} problems"
        console.print(f"[bold red]{what}[/]: fix the plan, then run the command again", markup=True)
        raise typer.Exit(EXIT_ERROR) from None


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
