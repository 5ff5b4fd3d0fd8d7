"""The `outcomes` command: parse arguments, call the library, print. Nothing else lives here.

Exit codes, as ruff and dbt use them: 0 ok, 1 findings at or above `--fail-on`, 2 the input
could not be used (invalid plan, unknown rule, unwritable output).
"""

from __future__ import annotations

import difflib
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markdown import Markdown

from outcomes import __version__
from outcomes.examples import EXAMPLES
from outcomes.lint import Severity, all_rules, check_plan, find_rule
from outcomes.lint.docs import rule_markdown, rules_markdown
from outcomes.lint.output.machine import to_json, to_sarif
from outcomes.lint.output.text import render_text
from outcomes.plan import LoadedPlan, PlanError, load_plan
from outcomes.plan.schema import plan_schema_json
from outcomes.workspace import PLAN_FILE, init_workspace

app = typer.Typer(
    name="outcomes",
    help="Social business strategy as code: check a plan, print its implementation plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

PlanArgument = Annotated[Path, typer.Argument(help="The plan file.", show_default=True)]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]


class CheckFormat(StrEnum):
    """Output formats of `outcomes check`."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


class PlanFormat(StrEnum):
    """Output formats of `outcomes plan`."""

    MD = "md"
    HTML = "html"


class FailOn(StrEnum):
    """The lowest severity that makes `outcomes check` exit 1."""

    WARNING = "warning"
    ERROR = "error"


def _stdout() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(message: str) -> NoReturn:
    _stderr().print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(EXIT_ERROR)


def _load(path: Path) -> LoadedPlan:
    try:
        return load_plan(path)
    except PlanError as exc:
        console = _stderr()
        for problem in exc.problems:
            console.print(str(problem), markup=False)
        count = len(exc.problems)
        what = "1 problem" if count == 1 else f"{count} problems"
        console.print(f"[bold red]{what}[/]: fix the plan, then run the command again", markup=True)
        raise typer.Exit(EXIT_ERROR) from None


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc.strerror}")


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@app.command()
def check(
    plan: PlanArgument = Path(PLAN_FILE),
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CheckFormat.TEXT,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 when a finding has this severity or worse.")
    ] = FailOn.ERROR,
    output: OutputOption = None,
) -> None:
    """Lint a plan: where is it tactics without strategy? Exit 0 clean, 1 findings, 2 invalid."""
    result = check_plan(_load(plan))
    if output_format is CheckFormat.TEXT:
        if output is None:
            _stdout().print(render_text(result))
        else:
            buffer = io.StringIO()
            Console(file=buffer, soft_wrap=True, color_system=None).print(render_text(result))
            _write(buffer.getvalue(), output)
    elif output_format is CheckFormat.JSON:
        _write(_json_text(to_json(result)), output)
    else:
        _write(_json_text(to_sarif(result)), output)
    if result.fails(Severity(fail_on.value)):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rule(
    name: Annotated[
        str | None, typer.Argument(help="Rule name (e.g. random-act-of-social) or code (A001).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Print every rule's documentation as Markdown.")
    ] = False,
) -> None:
    """Explain a lint rule: what it finds, why it matters, an example and the fix."""
    if show_all:
        sys.stdout.write(rules_markdown())
        return
    if name is None:
        console = _stdout()
        for r in all_rules():
            console.print(f"{r.code}  {r.name:<28} {r.severity.value:<8} {r.summary}", markup=False)
        return
    found = find_rule(name)
    if found is None:
        names = [r.name for r in all_rules()]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else "; `outcomes rule` lists them"
        _fail(f"no rule named '{name}'{hint}")
    if sys.stdout.isatty():
        _stdout().print(Markdown(rule_markdown(found)))
    else:
        sys.stdout.write(rule_markdown(found))


@app.command()
def schema(output: OutputOption = None) -> None:
    """Print the plan's JSON Schema (point your editor at it for completion)."""
    _write(plan_schema_json(), output)


@app.command(name="plan")
def plan_command(
    plan: PlanArgument = Path(PLAN_FILE),
    output_format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PlanFormat.MD,
    output: OutputOption = None,
) -> None:
    """Print the tactical implementation plan: who does what, with which resources, measured how."""
    from outcomes.plan.implementation import build_implementation_plan
    from outcomes.report.implementation import render_html, render_markdown

    implementation = build_implementation_plan(_load(plan))
    render = render_html if output_format is PlanFormat.HTML else render_markdown
    _write(render(implementation), output)
    if output is not None:
        _stderr().print(f"wrote {output}", markup=False)


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the workspace.", file_okay=False)
    ] = Path(),
    example: Annotated[
        str | None, typer.Option(help=f"Start from a bundled example plan: {', '.join(EXAMPLES)}.")
    ] = None,
) -> None:
    """Create a workspace: a commented plan template, its schema, a README and a .gitignore."""
    if example is not None and example not in EXAMPLES:
        _fail(f"no example plan '{example}'; choose one of: {', '.join(EXAMPLES)}")
    try:
        result = init_workspace(directory, example=example)
    except OSError as exc:
        _fail(f"{directory}: cannot create the workspace: {exc.strerror}")
    console = _stdout()
    for path in result.created:
        console.print(f"created {path}", markup=False)
    for path in result.kept:
        console.print(f"kept    {path} (already there)", markup=False)
    console.print(
        f"Next: edit {result.directory / PLAN_FILE}, then run `outcomes check`.", markup=False
    )


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
