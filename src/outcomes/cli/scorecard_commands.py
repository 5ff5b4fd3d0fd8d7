"""`outcomes scorecard`: are we on track for each business goal? (Goal pacing so far.)"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from outcomes.cli.common import (
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    json_text,
    open_workspace,
    status_text,
    stdout_console,
)
from outcomes.cli.options import (
    PlanOption,
    TouchSourceOption,
)
from outcomes.workspace import DEFAULT_WAIT

if TYPE_CHECKING:
    from outcomes.measure.costs import ForeignSpend
    from outcomes.plan import Plan


class ScorecardFormat(StrEnum):
    """Output formats of `outcomes scorecard`."""

    TABLE = "table"
    JSON = "json"


@app.command(rich_help_panel="Measure")
def scorecard(
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The date to pace at (default: the last day with business data).",
        ),
    ] = None,
    touch_source: TouchSourceOption = None,
    output_format: Annotated[
        ScorecardFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScorecardFormat.TABLE,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Pace every business goal, and check that we listen and respond as often as we push.

    Goals: actual to date, expected on the plan's line, forecast, status. Conversation
    health per channel and account: inbound, answered, response rate, first-response
    times, answers per post. Exit 1 when a goal is off track, at risk, stale or has no
    data, or a channel answers under half of what comes in; 0 otherwise. JSON follows a
    versioned schema (`schema_version`); its `sections` list says which parts it holds.
    """
    space = open_workspace(workspace, plan, wait)
    with answering():
        card = space.scorecard(as_of=as_of.date() if as_of else None, sources=touch_source)
    if output_format is ScorecardFormat.JSON:
        sys.stdout.write(json_text(card.to_json()))
    else:
        _print(space.plan.plan, list(card.goals))
        _print_benchmarks(space.plan.plan, list(card.tactics))
        _print_tactic_status(list(card.tactic_status))
        _print_cadence(list(card.cadence))
        _print_resources(list(card.resources), card.foreign_spend)
        _print_conversation(list(card.conversation))
        _print_tactic_conversation(list(card.conversation_by_tactic))
        _print_responders(list(card.conversation_by_operator))
        _print_content(list(card.content))
        _print_engagement(list(card.engagement))
        _print_functions(list(card.functions))
        _print_pilots(list(card.pilots), list(card.pilot_notes))
    if card.needs_attention:
        raise typer.Exit(1)


def _print_benchmarks(plan: Plan, benchmarks: list[Any]) -> None:
    from outcomes.measure.words import benchmark_value

    table = Table(title="Tactic benchmarks", box=None, pad_edge=False)
    for column in (
        "tactic",
        "metric",
        "per",
        "baseline",
        "threshold",
        "target",
        "actual",
        "forecast",
        "measured to",
        "status",
    ):
        left = column in ("tactic", "metric", "per", "status")
        table.add_column(column, justify="left" if left else "right")
    for b in benchmarks:
        table.add_row(
            b.tactic,
            b.metric + (" *" if b.outcome else ""),
            b.per,
            # Money as money ("€45,000"), as the tactic's status reason writes it.
            *(benchmark_value(plan, b.metric, v) for v in (b.baseline, b.threshold, b.target)),
            benchmark_value(plan, b.metric, b.actual),
            benchmark_value(plan, b.metric, b.forecast) if b.forecast != b.actual else "",
            # Only a day before `as_of` or the tactic's end is news, as for goals.
            str(b.measured_to) if b.data_note and b.measured_to else "",
            status_text(b.status),
        )
    console = stdout_console(min_width=120)
    console.print(table)
    for b in benchmarks:
        if b.data_note and not b.final:  # a final result needs no more data
            console.print(f"{b.tactic} {b.metric}: {b.data_note}", highlight=False, soft_wrap=True)
        if b.status_note:
            console.print(
                f"{b.tactic} {b.metric}: {b.status_note}", highlight=False, soft_wrap=True
            )


def _print_tactic_status(judged: list[Any]) -> None:
    table = Table(
        title="Tactics, judged on business outcomes (* above) first",
        box=None,
        pad_edge=False,
    )
    for column in ("tactic", "status", "on"):
        table.add_column(column)
    for row in judged:
        table.add_row(row.tactic, status_text(row.status), row.reason)
    stdout_console(min_width=110).print(table)


def _print_cadence(cadence: list[Any]) -> None:
    table = Table(title="Execution: who kept the rhythm", box=None, pad_edge=False)
    for column in ("tactic", "who", "planned", "periods kept", "activities", "last", "status"):
        table.add_column(column, justify="right" if column in ("activities",) else "left")
    style = {"kept the rhythm": "green", "irregular": "yellow", "stopped": "bold red",
             "not started": "red", "no activity data": "dim"}  # fmt: skip
    for row in cadence:
        table.add_row(
            row.tactic,
            row.operator,
            f"{row.planned_per_period:g} a {row.per}",
            f"{row.periods_kept} of {row.periods}",
            f"{row.activities:,}",
            str(row.last_activity or "–"),
            f"[{style[row.status]}]{row.status}[/]"
            + (f": {escape(row.reason)}" if row.reason else ""),
        )
    stdout_console(min_width=100).print(table)


def _print_resources(resources: list[Any], foreign: Sequence[ForeignSpend]) -> None:
    table = Table(
        title="Resources to date: planned (pro-rated) against recorded spend",
        box=None,
        pad_edge=False,
    )
    headers = ("tactic", "hours planned", "hours logged", "by person (logged / planned)",
               "money planned", "money spent", "tools planned", "tools spent", "")  # fmt: skip
    for column in headers:
        table.add_column(column, justify="left" if column in ("tactic", headers[3]) else "right")
    for r in resources:
        people = ", ".join(
            f"{escape(p.person)} {_number(p.logged_hours)}/{_number(p.planned_hours)}"
            for p in r.by_person
            if p.logged_hours is not None
        )
        table.add_row(
            r.tactic,
            _number(r.planned_hours),
            _number(r.logged_hours),
            people,
            _number(r.planned_money),
            _number(r.spent_money),
            _number(r.planned_technology),
            _number(r.spent_technology),
            "[bold red]over plan[/]" if r.over_plan else "",
        )
    console = stdout_console(min_width=150)
    console.print(table)
    # Right under the numbers it changes, in the sentence the briefing's item has.
    for left_out in foreign:
        console.print(f"Not counted: {left_out.message}", style="bold red", markup=False)


def _print_engagement(engagement: list[Any]) -> None:
    console = stdout_console(min_width=100)
    console.print("[bold]Engagement that matters[/]")
    for link in engagement:
        style = "" if link.tied else "bold red"
        console.print(f"[{style}]{escape(link.verdict)}[/]" if style else escape(link.verdict))


def _print_pilots(pilots: list[Any], notes: list[Any]) -> None:
    console = stdout_console(min_width=100)
    for p in pilots:
        console.print(f"[bold]Pilot proof: {p.tactic}[/] ({p.metric.replace('_', ' ')})")
        console.print(p.verdict)
    for n in notes:
        console.print(f"[bold]Pilot proof: {n.tactic}[/] ({n.metric.replace('_', ' ')})")
        console.print(escape(n.verdict))


def _print_content(content: list[Any]) -> None:
    table = Table(
        title="Content focus: about the customer, or about us? (score −1 … +1)",
        box=None,
        pad_edge=False,
    )
    headers = ("tactic", "posts", "mean score", "brand-centric", "comments: customer",
               "comments: brand", "p")  # fmt: skip
    for column in headers:
        table.add_column(column, justify="left" if column == "tactic" else "right")
    for c in content:
        table.add_row(
            c.tactic,
            f"{c.posts:,}",
            c.score_words,
            "–" if c.brand_centric_share is None else f"{c.brand_centric_share:.0%}",
            _number(c.customer_focused_comments),
            _number(c.brand_centric_comments),
            "" if c.comments_p_value is None else f"{c.comments_p_value:.3g}",
        )
    stdout_console(min_width=110).print(table)
    for c in content:
        if c.note:
            stdout_console().print(escape(f"{c.tactic}: {c.note}."))


def _print_functions(functions: list[Any]) -> None:
    table = Table(title="Beyond marketing: functions served", box=None, pad_edge=False)
    for column in ("function", "goals", "strategies", "tactics", "activities", "coverage"):
        table.add_column(column, justify="right" if column == "activities" else "left")
    style = {"served": "green", "unmeasured": "yellow", "not_served": "red"}
    for f in functions:
        table.add_row(
            f.function,
            ", ".join(f.goals) or "–",
            ", ".join(f.strategies) or "–",
            str(len(f.tactics)),
            f"{f.activities:,}",
            f"[{style[f.coverage]}]{f.coverage.replace('_', ' ')}[/]",
        )
    stdout_console(min_width=110).print(table)


def _print_conversation(conversation: list[Any]) -> None:
    table = Table(
        title="Conversation health: listen and respond at least as often as you push",
        box=None,
        pad_edge=False,
    )
    headers = ("channel", "account", "inbound", "answered", "rate", "median min",
               "p90 min", "median bh", "answers/posts", "flags")  # fmt: skip
    for column in headers:
        table.add_column(
            column, justify="left" if column in ("channel", "account", "flags") else "right"
        )
    for c in conversation:
        table.add_row(
            c.group["channel"],
            c.group["account"] or "",
            "–" if c.inbound is None else f"{c.inbound:,}",
            f"{c.answered:,}",
            c.rate_words,
            _number(c.median_first_response_minutes),
            _number(c.p90_first_response_minutes),
            _number(c.median_first_response_business_minutes),
            "–" if c.listen_push_ratio is None else f"{c.listen_push_ratio:.2f}",
            f"[red]{', '.join(c.flags)}[/]" if c.flags else "",
        )
    stdout_console(min_width=145).print(table)
    _print_rate_notes(conversation, "account")


def _print_tactic_conversation(conversation: list[Any]) -> None:
    table = Table(title="Conversation by tactic", box=None, pad_edge=False)
    headers = ("tactic", "inbound", "answered", "rate", "median min", "median bh", "target",
               "in time", "answers/posts", "flags")  # fmt: skip
    for column in headers:
        table.add_column(column, justify="left" if column in ("tactic", "flags") else "right")
    for c in conversation:
        target = c.target
        table.add_row(
            c.group["tactic"],
            "–" if c.inbound is None else f"{c.inbound:,}",
            f"{c.answered:,}",
            c.rate_words,
            _number(c.median_first_response_minutes),
            _number(c.median_first_response_business_minutes),
            "" if target is None else f"{_number(target.minutes)} {_clock(target)}",
            "–" if c.answered_within_target is None else f"{c.answered_within_target:.0%}",
            "–" if c.listen_push_ratio is None else f"{c.listen_push_ratio:.2f}",
            f"[red]{', '.join(c.flags)}[/]" if c.flags else "",
        )
    stdout_console(min_width=130).print(table)
    _print_rate_notes(conversation, "tactic")


def _print_rate_notes(conversation: list[Any], by: str) -> None:
    """What a rate of the held messages leaves out, under its table."""
    for c in conversation:
        if c.rate_note:
            name = (
                c.group["tactic"]
                if by == "tactic"
                else f"{c.group['channel']} {c.group['account']}"
            )
            stdout_console().print(escape(f"{name}: {c.rate_note}."))


def _clock(target: Any) -> str:
    return "min (bh)" if target.business_hours else "min"


def _print_responders(responders: list[Any]) -> None:
    table = Table(title="Who answers: first responses per person", box=None, pad_edge=False)
    headers = ("channel", "responder", "answered first", "median min", "p90 min", "median bh",
               "answers", "posts", "answers/posts")  # fmt: skip
    for column in headers:
        table.add_column(column, justify="left" if column in ("channel", "responder") else "right")
    for r in responders:
        table.add_row(
            r.channel,
            escape(r.responder) if r.person else f"[dim]{escape(r.responder)}[/]",
            f"{r.answered_first:,}",
            _number(r.median_first_response_minutes),
            _number(r.p90_first_response_minutes),
            _number(r.median_first_response_business_minutes),
            f"{r.answers:,}",
            f"{r.own_posts:,}",
            "–" if r.listen_push_ratio is None else f"{r.listen_push_ratio:.2f}",
        )
    stdout_console(min_width=120).print(table)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _print(plan: Plan, goals: list[Any]) -> None:
    """The goals paced, their values and forecast interval in the words (and units) the
    report, the dashboard and `outcomes status` write them."""
    from outcomes.measure.pacing import CONFIDENCE, paced_day
    from outcomes.measure.words import metric_interval, metric_value

    # A goal measured at an earlier day, its own data's last, says so in its reason below.
    as_of = paced_day(goals) if goals else None
    table = Table(title=f"Goals, paced at {as_of}", box=None, pad_edge=False)
    interval = f"{CONFIDENCE:.0%} interval"  # the level pacing measured the forecast at
    for column in ("goal", "metric", "actual", "expected", "forecast", interval, "status"):
        table.add_column(column, justify="left" if column in ("goal", "metric") else "right")
    for g in goals:
        table.add_row(
            g.goal,
            g.metric,
            *(metric_value(plan, g.metric, v) for v in (g.actual, g.expected, g.forecast)),
            metric_interval(plan, g.metric, g.forecast_low, g.forecast_high),
            status_text(g.status),
        )
    console = stdout_console(min_width=100)
    console.print(table)
    for g in goals:  # why each status, in the words every route gives
        if g.reason:
            console.print(f"{g.goal} {status_text(g.status)}: {escape(g.reason)}")
    for g in goals:  # a scoped goal counts some conversions only; say which, and when none
        if g.scope:
            note = f": {g.scope_note}" if g.scope_note else ""
            console.print(f"{g.goal} counts {g.scope} only{note}", markup=False)
    for g in goals:  # money in another currency is not added: say how much is left out
        if g.left_out:
            console.print(f"{g.goal} {g.left_out}", markup=False)
