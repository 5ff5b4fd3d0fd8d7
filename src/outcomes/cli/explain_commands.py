"""`outcomes explain ID`: which tactic claims an activity, and why."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from outcomes.cli.common import (
    EXIT_FINDINGS,
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    json_text,
    open_workspace,
    stdout_console,
)
from outcomes.workspace import DEFAULT_WAIT

if TYPE_CHECKING:
    from outcomes.measure.explain import ActivityExplanation, TacticClaim


class ExplainFormat(StrEnum):
    """Output formats of `outcomes explain`."""

    TEXT = "text"
    JSON = "json"


_OUTCOME_WORDS = {
    "claimed": "claims it",
    "outranked": "also matches, less specific",
    "tied": "also matches, tie: later in the plan",
    "not matched": "does not match",
}


@app.command(rich_help_panel="Data")
def explain(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The activity's warehouse key, or the id the network gives it (native id).",
        ),
    ],
    workspace: WorkspaceOption = Path(),
    plan: Annotated[
        Path | None, typer.Option(help="The plan file (default: plan.yaml in the workspace).")
    ] = None,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExplainFormat.TEXT,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Say which tactic claims an activity and why: the criteria it met, the tactics that
    also matched and why they lost, or why none matched.

    The most specific claim wins (docs/plan-format.md, Tactics). Exit 0 when a tactic
    claims it, 1 when it is unplanned, 2 when no activity has the id.
    """
    space = open_workspace(workspace, plan, wait)
    with answering():
        result = space.explain(ident)
    if output_format is ExplainFormat.JSON:
        sys.stdout.write(json_text(result.to_json()))
    else:
        for number, activity in enumerate(result.activities):
            if number:
                stdout_console().print("", markup=False)
            _print_activity(activity)
    if result.unplanned:
        raise typer.Exit(EXIT_FINDINGS)


def _print_activity(activity: ActivityExplanation) -> None:
    console = stdout_console()
    by = f" by {activity.author}" if activity.author else ""
    on = f" (account {activity.account})" if activity.account else ""
    console.print(
        f"{activity.kind} on {activity.channel}{by}{on}, {activity.ts:%Y-%m-%d %H:%M} UTC",
        markup=False,
    )
    console.print(f"  key {activity.key}, native id {activity.native_id or '—'}", markup=False)
    if activity.text:
        text = " ".join(activity.text.split())
        console.print(f"  “{text[:117] + '…' if len(text) > 118 else text}”", markup=False)
    console.print(activity.summary, markup=False)
    for claim in activity.claims:
        _print_claim(claim)


def _print_claim(claim: TacticClaim) -> None:
    console = stdout_console()
    level = f" (specificity {claim.specificity})" if claim.specificity is not None else ""
    console.print(f"  {claim.tactic} {_OUTCOME_WORDS[claim.outcome]}{level}", markup=False)
    for reason in claim.reasons:
        console.print(f"      {reason}", markup=False)
