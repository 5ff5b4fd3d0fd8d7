"""`outcomes user …` and `outcomes audit`: the people who sign in to the dashboard, and their log.

Thin commands over `outcomes.web.store`: the database is the workspace's
`.outcomes/app.db`, or `$OUTCOMES_DATABASE_URL`. What the command line changes is logged
as done by `cli:<your login>`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from outcomes.cli.common import WorkspaceOption, app, fail, json_text, stdout_console
from outcomes.cli.options import TextOrJson, TextOrJsonOption
from outcomes.cli.store_access import opened

PANEL = "Team"
user_app = typer.Typer(
    help="The people who sign in to the dashboard (`outcomes serve`), and their roles: "
    "viewer, operator, strategist, admin.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user", rich_help_panel=PANEL)


RoleArgument = Annotated[
    str, typer.Argument(help="viewer, operator, strategist or admin.", show_default=False)
]
NameArgument = Annotated[str, typer.Argument(help="The user's sign-in name.", show_default=False)]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def user_add(
    name: NameArgument,
    role: Annotated[
        str, typer.Option("--role", "-r", help="viewer, operator, strategist or admin.")
    ] = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password",
            help="No password: the user signs in only through the trusted proxy's header "
            "(`outcomes serve --trusted-header`).",
        ),
    ] = False,
    workspace: WorkspaceOption = Path(),
) -> None:
    """Add a user; the password is asked for twice (or read from standard input)."""
    from outcomes.web.store import cli_actor, parse_role

    with opened(workspace) as store:
        chosen = parse_role(role)
        password = None if no_password else _read_password(password_stdin)
        user = store.add_user(name, chosen, password, actor=cli_actor())
    typer.echo(f"added {user.name} ({user.role.value})")


@user_app.command("list")
def user_list(
    workspace: WorkspaceOption = Path(),
    output_format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """List the users, their roles and whether they are disabled."""
    with opened(workspace) as store:
        users = store.users()
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text({"users": [user.to_json() for user in users]}))
        return
    if not users:
        typer.echo("no users yet: add the first admin with `outcomes user add NAME --role admin`")
        return
    table = Table("name", "role", "status", "sign-in", "added", box=None, pad_edge=False)
    for user in users:
        table.add_row(
            user.name,
            user.role.value,
            "disabled" if user.disabled else "enabled",
            "password" if user.has_password else "proxy only",
            user.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    stdout_console().print(table)


@user_app.command("set-role")
def user_set_role(
    name: NameArgument, role: RoleArgument, workspace: WorkspaceOption = Path()
) -> None:
    """Give a user another role (the last enabled admin keeps theirs)."""
    from outcomes.web.store import cli_actor, parse_role

    with opened(workspace) as store:
        user = store.set_role(name, parse_role(role), actor=cli_actor())
    typer.echo(f"{user.name} is now {user.role.value}")


@user_app.command("disable")
def user_disable(name: NameArgument, workspace: WorkspaceOption = Path()) -> None:
    """Disable a user: they are signed out everywhere and cannot sign in."""
    from outcomes.web.store import cli_actor

    with opened(workspace) as store:
        store.set_disabled(name, True, actor=cli_actor())
    typer.echo(f"{name} is disabled")


@user_app.command("enable")
def user_enable(name: NameArgument, workspace: WorkspaceOption = Path()) -> None:
    """Let a disabled user sign in again."""
    from outcomes.web.store import cli_actor

    with opened(workspace) as store:
        store.set_disabled(name, False, actor=cli_actor())
    typer.echo(f"{name} is enabled")


@user_app.command("set-password")
def user_set_password(
    name: NameArgument,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    workspace: WorkspaceOption = Path(),
) -> None:
    """Set a user's password; their sessions end."""
    from outcomes.web.store import cli_actor

    with opened(workspace) as store:
        store.set_password(name, _read_password(password_stdin), actor=cli_actor())
    typer.echo(f"{name}'s password is set")


@app.command(rich_help_panel=PANEL)
def audit(
    workspace: WorkspaceOption = Path(),
    limit: Annotated[int, typer.Option(help="Show this many entries, newest first.", min=1)] = 50,
    action: Annotated[
        str | None, typer.Option(help="Only this action (signin, signin.failed, user.role, …).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only what this user (or cli:LOGIN) did.")
    ] = None,
    output_format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """The audit log: sign-ins and their failures, user and role changes, ingests, forgets."""
    from outcomes.web.store import ACTIONS

    if action is not None and action not in ACTIONS:
        fail(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    with opened(workspace) as store:
        events = store.events(limit=limit, action=action, actor=actor)
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text({"events": [event.to_json() for event in events]}))
        return
    table = Table("when (UTC)", "who", "action", "what", "from", "detail", box=None, pad_edge=False)
    for event in events:
        detail = ", ".join(f"{key}={value}" for key, value in event.detail.items())
        table.add_row(
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor,
            event.action,
            event.subject,
            event.ip or "",
            detail,
        )
    stdout_console(min_width=160).print(table)
