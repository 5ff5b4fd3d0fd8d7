"""`outcomes fetch`: pull data from network APIs into the workspace, then ingest it."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated

import typer

from outcomes.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    WaitOption,
    WorkspaceOption,
    app,
    fail,
    stdout_console,
)
from outcomes.cli.data_commands import (
    open_warehouse,
    print_ingest_problems,
    print_ingest_table,
    workspace_settings,
)
from outcomes.ingest import FileFailure, ingest_files
from outcomes.sources.base import SourceError
from outcomes.sources.mastodon_api import fetch, save
from outcomes.warehouse.ingest import IngestResult
from outcomes.warehouse.locking import DEFAULT_WAIT

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
    try:
        result = fetch(instance, account=account, token=token, max_pages=max_pages)
    except SourceError as exc:
        fail(str(exc))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", account.lstrip("@"))
    folder = workspace / "exports" / "mastodon" / f"{slug}-{stamp}"
    written = save(result, folder)
    stdout_console().print(
        f"fetched {len(result.statuses):,} statuses"
        + (
            f" and {len(result.notifications):,} mentions"
            if result.notifications is not None
            else " (no token: no mentions)"
        )
        + f" into {folder}",
        markup=False,
    )
    data_files = [path for path in written if path.name != "account.json"]
    warehouse = open_warehouse(workspace, wait)
    try:
        outcomes = ingest_files(
            warehouse, "mastodon", data_files, workspace=workspace_settings(workspace)
        )
    finally:
        warehouse.close()
    print_ingest_table(outcomes)
    print_ingest_problems(outcomes, [])
    if any(isinstance(o, FileFailure) for o in outcomes):
        raise typer.Exit(EXIT_ERROR)
    if any(isinstance(o, IngestResult) and o.rejected for o in outcomes):
        raise typer.Exit(EXIT_FINDINGS)
