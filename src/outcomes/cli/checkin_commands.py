"""`outcomes checkin add|list`: weekly check-ins from the command line.

Thin commands over `outcomes.web.store.checkins`, the library the dashboard's form uses:
the same rules (an operator's check-in, for this week or last, confidence 1–10, counts
the tactic offers), the same audit log (with `"via": "cli"`) and the same load of the
counts into the warehouse, so they count for cadence.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outcomes.cli.common import WorkspaceOption, app, fail, json_text, stdout_console
from outcomes.cli.options import PlanOption, TextOrJson, TextOrJsonOption
from outcomes.cli.store_access import opened

checkin_app = typer.Typer(
    help="Weekly check-ins per tactic: what was done, counts of offline work, a confidence "
    "from 1 to 10 and any blocker (also on the dashboard at /checkins).",
    no_args_is_help=True,
)
app.add_typer(checkin_app, name="checkin", rich_help_panel="Team")


@checkin_app.command("add")
def checkin_add(
    tactic: Annotated[str, typer.Argument(help="The tactic's id in the plan.", show_default=False)],
    author: Annotated[
        str,
        typer.Option("--as", help="The user (operator or above) checking in.", show_default=False),
    ],
    done: Annotated[str, typer.Option("--done", help="What was done.", show_default=False)],
    confidence: Annotated[int, typer.Option("--confidence", help="1 (it will not work) to 10.")],
    count: Annotated[
        list[str] | None,
        typer.Option("--count", help="NAME=N, e.g. events_held=1 (repeat for each count)."),
    ] = None,
    blocker: Annotated[
        str | None, typer.Option("--blocker", help="What blocks the tactic.")
    ] = None,
    week: Annotated[
        str | None, typer.Option("--week", help="A day of the week (default: this week).")
    ] = None,
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
) -> None:
    """Record (or change, in the same week) a check-in for a tactic."""
    from outcomes.plan import PlanError
    from outcomes.web.store import Role
    from outcomes.web.store.checkins import CheckinEntry, Checkins, offered, week_of
    from outcomes.workspace import Workspace, WorkspaceError

    space = Workspace.open(workspace, plan=plan)
    try:
        found = next((t for t in space.plan.plan.tactics if t.id == tactic), None)
    except PlanError as exc:
        fail(str(exc).splitlines()[0])
    if found is None:
        fail(f"there is no tactic {tactic!r} in the plan (`outcomes plan` lists them)")
    counts = _counts(count or [], offered(found))
    day = _day(week) if week else dt.date.today()
    entry = CheckinEntry(found.id, week_of(day), done, confidence, counts, blocker)
    with opened(workspace) as store:
        user = store.user(author)
        if user is None or user.disabled or not user.role.includes(Role.OPERATOR):
            fail(f"{author!r} is no enabled operator (`outcomes user list` lists the users)")
        try:
            checkin, created = Checkins(store).record(space, user, found, entry, via="cli")
        except WorkspaceError as exc:
            fail(str(exc))
    what = "recorded" if created else "changed"
    typer.echo(f"{what} {checkin.author}'s check-in on {checkin.tactic}, week of {checkin.week}")


def _counts(pairs: list[str], offered: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in offered:
            choices = ", ".join(offered) or "none: this tactic's check-in has no counts"
            fail(f"--count {pair!r}: this tactic counts {choices}")
        try:
            counts[name] = int(value)
        except ValueError:
            fail(f"--count {pair!r}: write NAME=N with a whole number N")
    return counts


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"--week {text!r}: write a date, YYYY-MM-DD")


@checkin_app.command("list")
def checkin_list(
    tactic: Annotated[str | None, typer.Option("--tactic", help="Only this tactic's.")] = None,
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks back.", min=1)] = 4,
    workspace: WorkspaceOption = Path(),
    output_format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """The check-ins of the last weeks, newest first."""
    from outcomes.web.store.checkins import Checkins, week_of

    since = week_of(dt.date.today()) - dt.timedelta(weeks=weeks - 1)
    with opened(workspace) as store:
        book = Checkins(store)
        found = book.of_tactic(tactic) if tactic else book.since(since)
    found = [c for c in found if c.week >= since]
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text({"checkins": [c.to_json() for c in found]}))
        return
    if not found:
        typer.echo("no check-ins in these weeks")
        return
    table = Table(
        "week", "tactic", "who", "confidence", "counts", "blocker", box=None, pad_edge=False
    )
    for c in found:
        counts = ", ".join(f"{name}={value}" for name, value in c.counts.items())
        shown = (str(c.week), c.tactic, c.author, str(c.confidence), counts, c.blocker or "")
        table.add_row(*(escape(cell) for cell in shown))  # typed text, never markup
    stdout_console().print(table)
