"""`outcomes serve`: the dashboard, in a browser."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from outcomes.cli.common import WorkspaceOption, app, fail, load_plan_or_exit
from outcomes.cli.options import (
    AsOfOption,
    LookbackOption,
    NoLookbackOption,
    PlanOption,
    TouchSourceOption,
    briefing_options,
)
from outcomes.workspace import PLAN_FILE

if TYPE_CHECKING:
    from outcomes.web.auth import AuthConfig


@app.command(rich_help_panel="Report")
def serve(
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.", min=1, max=65535)] = 8000,
    read_only: Annotated[
        bool,
        typer.Option(
            "--read-only",
            help="Serve to anyone without sign-in, changing nothing (no users, no admin pages).",
        ),
    ] = False,
    trusted_header: Annotated[
        str | None,
        typer.Option(
            help="Single sign-on: a reverse proxy names the signed-in user in this header "
            "(e.g. X-Forwarded-User); trusted only from --trusted-proxy addresses.",
        ),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="A reverse proxy's address: its --trusted-header, X-Forwarded-For and "
            "X-Forwarded-Proto are believed (repeatable; default 127.0.0.1 and ::1).",
        ),
    ] = None,
    session_hours: Annotated[
        float, typer.Option(help="Hours a sign-in lasts.", min=0.1, max=24 * 30)
    ] = 12.0,
    schedule: Annotated[
        bool | None,
        typer.Option(
            "--schedule/--no-schedule",
            help="Run the alerts, the weekly digest and scheduled fetches while serving "
            "(`outcomes alerts settings`); default: on, off with --read-only.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    touch_source: TouchSourceOption = None,
    lookback_days: LookbackOption = 90,
    no_lookback: NoLookbackOption = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help=(
                "Also serve requests that name this host (repeatable; *.example.com for "
                "any name under example.com). Loopback names and --host are always served."
            ),
        ),
    ] = None,
) -> None:
    """The dashboard: goals, ROI per tactic, attribution, sources, in a browser.

    People sign in as users of the workspace (`outcomes user add NAME --role admin` makes
    the first admin); `--read-only` serves everyone without sign-in, as a public screen.

    Pages show the numbers measured last and refresh by themselves after an `outcomes
    ingest` or a plan edit; the JSON API is listed at /api. Nothing is loaded from the
    internet. Stop it with Ctrl+C. Requests that name another host than localhost,
    127.0.0.1, [::1], --host or an --allowed-host are refused (400), so that no other web
    site can read the dashboard through a name of its own (DNS rebinding).
    """
    import uvicorn

    from outcomes.web import create_app
    from outcomes.web.security import allowed_hosts
    from outcomes.web.server import listen

    try:
        hosts = allowed_hosts(host, allowed_host or ())
    except ValueError as exc:
        fail(f"cannot serve: {exc}")
    plan_file = plan or workspace / PLAN_FILE
    load_plan_or_exit(plan_file)
    options = briefing_options(as_of, touch_source, lookback_days, no_lookback)
    try:
        # Bound here, so a port in use is one line, not a server's traceback.
        listener = listen(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail(f"cannot listen on {host}:{port}: the port is in use (try --port {port + 1})")
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    try:
        # After binding: a port in use is said before the workspace's database is opened.
        auth = None if read_only else _auth(workspace, trusted_header, trusted_proxy, session_hours)
    except typer.Exit:
        listener.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Dashboard: http://{shown}:{port}/")
    if auth is not None:
        typer.echo(
            "Sign in as a user of the workspace (`outcomes user list`); "
            "`--read-only` serves without sign-in."
        )
    web = create_app(
        workspace,
        plan_file=plan_file,
        options=options,
        read_only=read_only,
        allowed_hosts=hosts,
        auth=auth,
        schedule=not read_only if schedule is None else schedule,
    )
    # No proxy headers from uvicorn: the app believes X-Forwarded-* from --trusted-proxy
    # addresses only (web.auth), one list for Secure cookies, client addresses and SSO.
    config = uvicorn.Config(
        web, host=host, port=port, log_level="warning", ws="none", proxy_headers=False
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()


def _auth(
    workspace: Path, header: str | None, proxies: list[str] | None, hours: float
) -> AuthConfig:
    from outcomes.web.auth import AuthConfig
    from outcomes.web.store import Store, StoreError

    try:
        store = Store.for_workspace(workspace)
        config = AuthConfig(store, header, session_hours=hours)
        if proxies:
            config = AuthConfig(store, header, tuple(proxies), hours)
        return config.with_secret()
    except StoreError as exc:
        fail(f"cannot serve with sign-in: {exc}")
