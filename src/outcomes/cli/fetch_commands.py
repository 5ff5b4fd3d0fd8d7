"""`outcomes fetch`: pull data from network APIs into the workspace, then ingest it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from outcomes.cli.common import (
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    open_workspace,
    stdout_console,
)
from outcomes.cli.ingest_output import print_ingest_problems, print_ingest_table
from outcomes.workspace import DEFAULT_WAIT

fetch_app = typer.Typer(
    help="Fetch data from network APIs into the workspace's exports, then ingest it."
)
app.add_typer(fetch_app, name="fetch", rich_help_panel="Data")


@fetch_app.command("mastodon")
def fetch_mastodon(
    instance: Annotated[
        str, typer.Argument(help="The account's home server, e.g. https://mastodon.social.")
    ],
    account: Annotated[str, typer.Argument(help="The account, e.g. northwind or @northwind.")],
    workspace: WorkspaceOption = Path(),
    token_env: Annotated[
        str,
        typer.Option(help="Environment variable holding an access token with read:notifications."),
    ] = "MASTODON_TOKEN",
    max_pages: Annotated[
        int | None, typer.Option(help="Read at most this many pages per endpoint.", min=1)
    ] = None,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Fetch an account's statuses (public) and, with a token, its mentions; save and ingest them.

    The token is read from an environment variable, never from the command line, so it does
    not end up in shell history or process lists. Without one, only statuses are fetched.
    """
    token = os.environ.get(token_env) or None
    space = open_workspace(workspace, wait=wait)
    with answering():
        fetched = space.fetch_mastodon(instance, account, token=token, max_pages=max_pages)
    stdout_console().print(
        f"fetched {fetched.statuses:,} statuses"
        + (
            f" and {fetched.mentions:,} mentions"
            if fetched.mentions is not None
            else " (no token: no mentions)"
        )
        + f" into {fetched.folder}",
        markup=False,
    )
    outcomes = list(fetched.ingest.outcomes)
    print_ingest_table(outcomes)
    print_ingest_problems(outcomes, [])
    if fetched.ingest.exit_code:
        raise typer.Exit(fetched.ingest.exit_code)
