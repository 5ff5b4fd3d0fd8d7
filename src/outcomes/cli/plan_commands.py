"""Commands about the plan itself: check, rule, schema, plan, init."""

from __future__ import annotations

import difflib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from outcomes.cli.common import (
    EXIT_FINDINGS,
    OutputOption,
    answering,
    app,
    fail,
    json_text,
    load_plan_or_exit,
    open_workspace,
    stderr_console,
    stdout_console,
    write_output,
)
from outcomes.examples import EXAMPLES
from outcomes.lint import Severity, all_rules, find_rule
from outcomes.lint.docs import rule_markdown, rules_markdown
from outcomes.lint.output.machine import to_json, to_sarif
from outcomes.lint.output.styled import render, wants_colour
from outcomes.lint.output.text import render_text
from outcomes.plan.schema import plan_schema_json
from outcomes.workspace import PLAN_FILE, init_workspace

PlanArgument = Annotated[Path, typer.Argument(help="The plan file.", show_default=True)]


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


@app.command(rich_help_panel="The plan")
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
    space = open_workspace(plan.parent, plan)
    with answering():
        result = space.check()
    if output_format is CheckFormat.TEXT:
        colour = output is None and wants_colour(sys.stdout)
        write_output(render(render_text(result), colour), output)
    elif output_format is CheckFormat.JSON:
        write_output(json_text(to_json(result)), output)
    else:
        write_output(json_text(to_sarif(result)), output)
    if result.fails(Severity(fail_on.value)):
        raise typer.Exit(EXIT_FINDINGS)


@app.command(rich_help_panel="The plan")
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
        console = stdout_console()
        for r in all_rules():
            console.print(f"{r.code}  {r.name:<28} {r.severity.value:<8} {r.summary}", markup=False)
        return
    found = find_rule(name)
    if found is None:
        names = [r.name for r in all_rules()]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else "; `outcomes rule` lists them"
        fail(f"no rule named '{name}'{hint}")
    if sys.stdout.isatty():
        from rich.markdown import Markdown  # slow to import; only this command needs it

        stdout_console().print(Markdown(rule_markdown(found)))
    else:
        sys.stdout.write(rule_markdown(found))


@app.command(rich_help_panel="The plan")
def schema(output: OutputOption = None) -> None:
    """Print the plan's JSON Schema (point your editor at it for completion)."""
    write_output(plan_schema_json(), output)


@app.command(name="plan", rich_help_panel="The plan")
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

    implementation = build_implementation_plan(load_plan_or_exit(plan))
    render = render_html if output_format is PlanFormat.HTML else render_markdown
    write_output(render(implementation), output)
    if output is not None:
        stderr_console().print(f"wrote {output}", markup=False)


@app.command(rich_help_panel="The plan")
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
        fail(f"no example plan '{example}'; choose one of: {', '.join(EXAMPLES)}")
    try:
        result = init_workspace(directory, example=example)
    except OSError as exc:
        fail(f"{directory}: cannot create the workspace: {exc.strerror}")
    console = stdout_console()
    for path in result.created:
        console.print(f"created {path}", markup=False)
    for path in result.kept:
        console.print(f"kept    {path} (already there)", markup=False)
    console.print(
        f"Next: edit {result.directory / PLAN_FILE}, then run `outcomes check`.", markup=False
    )
