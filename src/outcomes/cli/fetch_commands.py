"""`outcomes fetch`: pull data from network APIs into the workspace, then ingest it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from outcomes.cli.common import (
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    open_workspace,
    stderr_console,
    stdout_console,
)
from outcomes.cli.ingest_output import print_ingest_problems, print_ingest_table
from outcomes.cli.options import MastodonAccount, MastodonInstance, TokenEnvOption
from outcomes.workspace import DEFAULT_WAIT

if TYPE_CHECKING:
    from outcomes.workspace.results import Fetched

fetch_app = typer.Typer(
    help="Fetch data from network APIs into the workspace's exports, then ingest it."
)
app.add_typer(fetch_app, name="fetch", rich_help_panel="Data")


@fetch_app.command("mastodon")
def fetch_mastodon(
    instance: MastodonInstance,
    account: MastodonAccount,
    workspace: WorkspaceOption = Path(),
    token_env: TokenEnvOption = "MASTODON_TOKEN",
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
    _audit(workspace, fetched)
    if fetched.ingest.exit_code:
        raise typer.Exit(fetched.ingest.exit_code)


def _audit(workspace: Path, fetched: Fetched) -> None:
    """The fetch's ingest in the audit log (`outcomes audit`), as `outcomes ingest` logs its own."""
    from outcomes.web.store.audit import record_from_cli

    detail = {
        "fetched": "mastodon",
        "statuses": fetched.statuses,
        "mentions": fetched.mentions,
        "rejected": fetched.ingest.rejected,
        "ingest_ids": [item.ingest_id for item in fetched.ingest.loaded],
    }
    problem = record_from_cli(workspace, "ingest", str(fetched.folder), detail)
    if problem:
        stderr_console().print(f"warning: not in the audit log: {problem}", markup=False)
