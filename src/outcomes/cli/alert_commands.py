"""`outcomes alerts …`: evaluate and send alerts, the weekly digest, subscriptions, the
delivery log and the settings the dashboard's scheduler also reads.

Thin commands over `outcomes.web.alerting` and the store. `alerts run` exits 0 when
nothing is news, 1 when alerts were news (sent, or with --dry-run would be), 2 when the
workspace or the database cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from outcomes.cli.common import (
    EXIT_FINDINGS,
    WorkspaceOption,
    answering,
    app,
    fail,
    json_text,
    open_workspace,
    stdout_console,
)
from outcomes.cli.options import (
    MastodonAccount,
    MastodonInstance,
    TextOrJson,
    TextOrJsonOption,
    TokenEnvOption,
)
from outcomes.cli.store_access import opened

if TYPE_CHECKING:
    from outcomes.web.alerting.run import RunResult

alerts_app = typer.Typer(
    help="Alerts by email and webhook when goals slip, responses lag, tactics stop or an "
    "ingest rejects many rows; the weekly digest; who receives them.",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts", rich_help_panel="Team")


DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be sent; send and change nothing.")
]


def _quiet_log() -> None:
    """The command prints each failed delivery itself; the library's log would repeat it."""
    import logging

    logging.getLogger("outcomes.alerts").addHandler(logging.NullHandler())


def _actor() -> str:
    from outcomes.web.store import cli_actor

    return cli_actor()


@alerts_app.command("run")
def alerts_run(
    workspace: WorkspaceOption = Path(),
    dry_run: DryRunOption = False,
    output_format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """Evaluate the alerts once and send what is news to the subscribers."""
    from outcomes.web.alerting.run import Occasion, run_alerts

    _quiet_log()
    space = open_workspace(workspace)
    with opened(workspace) as store, answering():
        result = run_alerts(space, store, Occasion(_actor(), dry_run=dry_run))
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text(result.to_json()))
    else:
        _print_run(result)
    if result.news:
        raise typer.Exit(EXIT_FINDINGS)


def _print_run(result: RunResult) -> None:
    console = stdout_console()
    deliveries = result.deliveries
    verb = "would send" if result.dry_run else "new"
    console.print(f"{len(result.alerts)} alert(s) raised, {len(result.news)} {verb}", markup=False)
    for alert in result.news:
        console.print(f"  {alert.severity:8} {alert.title}  ({alert.link})", markup=False)
    failed = [d for d in deliveries if d.outcome != "sent"]
    if deliveries:
        console.print(
            f"{len(deliveries) - len(failed)} delivered, {len(failed)} failed", markup=False
        )
    for delivery in failed:
        console.print(f"  failed: {delivery.recipient}: {delivery.error}", markup=False)


@alerts_app.command("digest")
def alerts_digest(workspace: WorkspaceOption = Path(), dry_run: DryRunOption = False) -> None:
    """Send the weekly digest now (goals, the week's alerts, what needs a decision); print it."""
    from outcomes.web.alerting.run import Occasion, send_digest

    _quiet_log()
    space = open_workspace(workspace)
    with opened(workspace) as store, answering():
        result = send_digest(space, store, Occasion(_actor(), dry_run=dry_run))
    sys.stdout.write(result.text)
    for delivery in result.deliveries:
        outcome = delivery.outcome + (f": {delivery.error}" if delivery.error else "")
        sys.stderr.write(f"{delivery.channel} {delivery.recipient}: {outcome}\n")


@alerts_app.command("subscribe")
def alerts_subscribe(
    target: Annotated[
        str, typer.Argument(help="An email address, or a webhook URL (http:// or https://).")
    ],
    workspace: WorkspaceOption = Path(),
    kinds: Annotated[
        str, typer.Option(help="all, or some of goal,response,tactic,ingest,digest.")
    ] = "all",
    user: Annotated[str | None, typer.Option(help="The app user whose address it is.")] = None,
) -> None:
    """Send alerts (and the digest) to an email address or a webhook."""
    from outcomes.web.store.alert_records import AlertRecords, parse_kinds

    channel = "webhook" if target.startswith(("http://", "https://")) else "email"
    with opened(workspace) as store:
        wanted = parse_kinds(kinds)
        found = AlertRecords(store).subscribe(
            channel, target, kinds=wanted, user=user, actor=_actor()
        )
    typer.echo(f"{found.channel} {found.target} receives: {', '.join(found.kinds)}")


@alerts_app.command("unsubscribe")
def alerts_unsubscribe(
    target: Annotated[str, typer.Argument(help="The email address or webhook URL.")],
    workspace: WorkspaceOption = Path(),
) -> None:
    """Stop sending to an address."""
    from outcomes.web.store.alert_records import AlertRecords

    with opened(workspace) as store:
        removed = AlertRecords(store).unsubscribe(target, actor=_actor())
    if not removed:
        fail(f"{target!r} is not subscribed (`outcomes alerts list` lists who is)")
    typer.echo(f"{target} unsubscribed")


@alerts_app.command("list")
def alerts_list(
    workspace: WorkspaceOption = Path(), output_format: TextOrJsonOption = TextOrJson.TEXT
) -> None:
    """Who receives alerts, and which kinds."""
    from outcomes.web.store.alert_records import AlertRecords

    with opened(workspace) as store:
        found = AlertRecords(store).subscriptions()
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text({"subscriptions": [s.to_json() for s in found]}))
        return
    table = Table("channel", "to", "user", "kinds", box=None, pad_edge=False)
    for sub in found:
        table.add_row(sub.channel, sub.target, sub.user or "", ",".join(sub.kinds))
    stdout_console(min_width=120).print(table)


@alerts_app.command("log")
def alerts_log(
    workspace: WorkspaceOption = Path(),
    limit: Annotated[
        int, typer.Option(help="Show this many deliveries, newest first.", min=1)
    ] = 50,
    output_format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """Every delivery tried: when, how, to whom, which alert, and how it went."""
    from outcomes.web.store.alert_records import AlertRecords

    with opened(workspace) as store:
        found = AlertRecords(store).deliveries(limit=limit)
    if output_format == TextOrJson.JSON:
        sys.stdout.write(json_text({"deliveries": [d.to_json() for d in found]}))
        return
    table = Table("when (UTC)", "channel", "to", "alert", "outcome", "tries", "error", box=None)
    for item in found:
        table.add_row(
            item.at.strftime("%Y-%m-%d %H:%M:%S"), item.channel, item.recipient,
            item.alert_key, item.outcome, str(item.attempts), item.error or "",
        )  # fmt: skip
    stdout_console(min_width=160).print(table)


@alerts_app.command("settings")
def alerts_settings(
    workspace: WorkspaceOption = Path(),
    smtp_host: Annotated[str | None, typer.Option(help="The mail server.")] = None,
    smtp_port: Annotated[int | None, typer.Option(help="Its port (587, 465 for ssl).")] = None,
    smtp_security: Annotated[str | None, typer.Option(help="starttls, ssl or plain.")] = None,
    smtp_user: Annotated[
        str | None, typer.Option(help="Sign-in name; the password is $OUTCOMES_SMTP_PASSWORD.")
    ] = None,
    smtp_from: Annotated[str | None, typer.Option(help="The sender address.")] = None,
    dashboard_url: Annotated[
        str | None, typer.Option(help="The dashboard's address, for links in messages.")
    ] = None,
    response_days: Annotated[
        int | None, typer.Option(help="Alert after a response target missed this many days.", min=1)
    ] = None,
    rejected_rows: Annotated[
        int | None, typer.Option(help="Alert on an ingest rejecting this many rows…", min=1)
    ] = None,
    rejected_share: Annotated[
        float | None, typer.Option(help="…or this share of its rows (0 to 1).", min=0, max=1)
    ] = None,
    every_minutes: Annotated[
        int | None,
        typer.Option(help="`outcomes serve` runs the alerts this often; 0: never.", min=0),
    ] = None,
    digest_weekday: Annotated[
        str | None, typer.Option(help="The day `outcomes serve` sends the digest (mon … sun).")
    ] = None,
) -> None:
    """Set alert settings (kept in the app database); without options, print them."""
    from outcomes.web.alerting.settings import PREFIX, check_security, check_weekday
    from outcomes.web.store.alert_records import AlertRecords

    given = {
        "smtp_host": smtp_host, "smtp_port": smtp_port, "smtp_security": smtp_security,
        "smtp_user": smtp_user, "smtp_from": smtp_from, "dashboard_url": dashboard_url,
        "response_days": response_days, "rejected_rows": rejected_rows,
        "rejected_share": rejected_share, "every_minutes": every_minutes,
        "digest_weekday": digest_weekday,
    }  # fmt: skip
    with opened(workspace) as store:
        if smtp_security is not None:
            check_security(smtp_security)
        if digest_weekday is not None:
            check_weekday(digest_weekday)
        records = AlertRecords(store)
        changes = {PREFIX + name: str(value) for name, value in given.items() if value is not None}
        records.set_settings(changes, actor=_actor())
        kept = records.settings(PREFIX)
    for key, value in sorted(kept.items()):
        typer.echo(f"{key.removeprefix(PREFIX)} = {value}")


@alerts_app.command("schedule-fetch")
def alerts_schedule_fetch(
    instance: MastodonInstance,
    account: MastodonAccount,
    workspace: WorkspaceOption = Path(),
    every_minutes: Annotated[
        int, typer.Option(help="`outcomes serve` fetches this often.", min=5)
    ] = 360,
    token_env: TokenEnvOption = "MASTODON_TOKEN",
    remove: Annotated[bool, typer.Option("--remove", help="Stop fetching it.")] = False,
) -> None:
    """Have `outcomes serve` run `outcomes fetch mastodon INSTANCE ACCOUNT` on a schedule."""
    from outcomes.web.alerting.settings import PREFIX, FetchJob, jobs_text, parse_jobs
    from outcomes.web.store.alert_records import AlertRecords

    with opened(workspace) as store:
        records = AlertRecords(store)
        jobs = parse_jobs(records.settings(PREFIX).get(PREFIX + "fetch_jobs", "[]"))
        others = tuple(j for j in jobs if (j.instance, j.account) != (instance, account))
        if remove and len(others) == len(jobs):
            fail(f"no scheduled fetch of {account} on {instance}")
        added = () if remove else (FetchJob(instance, account, every_minutes, token_env),)
        records.set_settings({PREFIX + "fetch_jobs": jobs_text(others + added)}, actor=_actor())
    for job in others + added:
        typer.echo(f"{job.name} every {job.every_minutes} min (token: ${job.token_env})")
