"""`outcomes roi`: attributed outcomes, cost and ROI per tactic, strategy and goal."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from outcomes.cli.common import (
    OutputOption,
    WaitOption,
    WorkspaceOption,
    answering,
    app,
    csv_text,
    json_text,
    open_workspace,
    stdout_console,
    write_output,
    write_parquet,
)
from outcomes.cli.options import (
    AttributeFormat,
    LookbackOption,
    NoLookbackOption,
    PlanOption,
    TouchSourceOption,
)
from outcomes.workspace import DEFAULT_WAIT

if TYPE_CHECKING:
    from outcomes.measure.roi_report import Estimate, RoiReport, RoiRow


class LevelChoice(StrEnum):
    """Which rows `outcomes roi` shows."""

    TACTIC = "tactic"
    STRATEGY = "strategy"
    GOAL = "goal"
    ALL = "all"


@app.command(rich_help_panel="Measure")
def roi(
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            help="Attribution model (repeat); default markov, shapley, last_touch, linear."
        ),
    ] = None,
    start: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: the plan's)."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: the plan's)."),
    ] = None,
    lookback_days: LookbackOption = 90,
    no_lookback: NoLookbackOption = False,
    touch_source: TouchSourceOption = None,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap replicates for the intervals (0: none).", min=0)
    ] = 200,
    confidence: Annotated[
        float, typer.Option(help="Interval coverage, e.g. 0.9.", min=0.01, max=0.99)
    ] = 0.9,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    level: Annotated[LevelChoice, typer.Option(help="Rows to show.")] = LevelChoice.ALL,
    output_format: Annotated[
        AttributeFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AttributeFormat.TABLE,
    output: OutputOption = None,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """ROI of every tactic, strategy and goal: the return in each goal's terms against cost.

    Revenue is deals won and orders credited by each model. The return is in the terms
    of the goals a tactic serves: attributed revenue for sales goals, support contacts
    saved × cost per contact for support goals, hires × value of a hire for hiring goals;
    without a money value, a contribution in the goal's unit and no ROI. Cost is people's
    hours, budget and tools from the plan, replaced by recorded spend where the costs
    table has it, pro-rated to the period, which ends at the last day the data covers (the
    newest conversion or touchpoint); spend recorded in another currency than the plan's is
    not converted nor counted, and is listed (`foreign_spend` in the JSON). Intervals come
    from a bootstrap over journeys.
    """
    from outcomes.measure.costs import Period

    space = open_workspace(workspace, plan, wait)
    with answering():
        whole = Period.of_plan(space.plan.plan)
        period = Period(start.date() if start else whole.start, end.date() if end else whole.end)
        report = space.roi(
            models=model or None,
            period=period,
            lookback_days=None if no_lookback else lookback_days,
            sources=touch_source or None,
            bootstrap=bootstrap,
            confidence=confidence,
            seed=seed,
        )
    levels = None if level is LevelChoice.ALL else (level.value,)
    data = report.to_json(levels)  # type: ignore[arg-type]
    # The flat records, without the JSON's nested return parts, for the table formats.
    flat = [r for r in report.to_records() if levels is None or r["level"] in levels]
    if output_format is AttributeFormat.PARQUET:
        write_parquet(flat, output)
    elif output_format is AttributeFormat.CSV:
        write_output(csv_text(flat), output)
    elif output_format is AttributeFormat.JSON:
        write_output(json_text(data), output)
    else:
        _print(report, level)


def _money(value: float | None) -> str:
    """Compact money for narrow terminals: 950, 61.8k, 1.23M."""
    if value is None:
        return "–"
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.2f}M"
    if size >= 1e4:
        return f"{value / 1e3:.0f}k"
    if size >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def _interval(estimate: Estimate) -> str:
    """A money estimate's interval in compact money: "61.8k…145k"; "no interval" when its
    two ends are equal, as the report says of an ROI (`has_interval`)."""
    from outcomes.measure.words import NO_INTERVAL, has_interval

    if not has_interval(estimate):
        return NO_INTERVAL
    return f"{_money(estimate.low)}…{_money(estimate.high)}"


def _print(report: RoiReport, level: LevelChoice) -> None:
    console = stdout_console(min_width=110)
    model = report.models[0]
    confidence = report.params["confidence"]
    table = Table(
        title=f"ROI by {model} attribution, {report.period.start} to {report.period.end} "
        f"({report.currency}, {confidence:.0%} intervals)",
        box=None,
        pad_edge=False,
    )
    from outcomes.measure.foreign_sales import left_out_note
    from outcomes.measure.roi_report import NOT_MEASURED
    from outcomes.measure.words import roi_words

    headers = ("", "revenue", "interval", "cust.", "return", "cost", "ROI", "ROAS", "CPA")
    for column in headers:
        table.add_column(column, justify="left" if not column else "right", no_wrap=True)
    for row in report.rows:
        if row.model != model or (level is not LevelChoice.ALL and row.level != level.value):
            continue
        table.add_row(
            f"{row.level[0]}  {row.id}",
            row.revenue_words(_money),
            _interval(row.revenue) if row.revenue_shown else "",
            row.customers_words,
            _return(row),
            _money(row.cost),
            # The report's and the dashboard's words for the same ROI, interval included.
            roi_words(row.roi, row.returns.kind if row.returns else None),
            "–" if row.roas is None else f"{row.roas:.2f}",
            _money(row.cost_per_acquisition),
        )
    console.print(table)
    # Right under the numbers it changes: spend no cost above counts.
    for left_out in report.foreign_spend:
        console.print(f"Not counted: {left_out.message}", style="bold red", markup=False)
    for unclaimed in report.unclaimed_spend:
        console.print(f"No tactic's: {unclaimed.message}", style="yellow", markup=False)
    for row in report.rows:
        shown = row.model == model and (level is LevelChoice.ALL or row.level == level.value)
        note = left_out_note(row.left_out) if shown else None
        if note:
            console.print(f"Not counted: {row.id}: {note}", style="bold red", markup=False)
    _print_returns(report, model, level)
    if len(report.models) > 1:
        compare = Table(title="Revenue credited to each tactic, by model", box=None, pad_edge=False)
        compare.add_column("tactic", no_wrap=True)
        for name in report.models:
            compare.add_column(name.replace("_", " "), justify="right")
        tactics = [r.id for r in report.rows if r.level == "tactic" and r.model == model]
        for tactic in tactics:
            rows = [report.row("tactic", tactic, m) for m in report.models]
            compare.add_row(tactic, *(each.revenue_words(_money) for each in rows))
        unplanned = [
            NOT_MEASURED if report.coverage.revenue_note else _money(report.unplanned[m].value)
            for m in report.models
        ]
        compare.add_row("(unplanned)", *unplanned)
        console.print(compare)
    console.print(
        f"{report.coverage.message} "
        "t/s/g: tactic, strategy, goal; CPA: cost per new customer. Return: in the terms "
        "of the goals served (attributed sales, support contacts saved, hires), in money "
        "where a value per unit is stated or measured; ROI is on it."
    )
    for warning in report.warnings:
        console.print(f"Warning: {warning.message}", style="yellow", markup=False)


def _return(row: RoiRow) -> str:
    """The return column: money, a contribution in the goal's unit, or none yet."""
    kept = row.returns
    if kept is None or kept.kind == "none":
        return "none yet"
    if kept.money is not None:
        return _money(kept.money.value)
    if kept.units is not None:
        return f"{kept.units:,.0f} {kept.unit}"
    return kept.unit or "units"


def _print_returns(report: RoiReport, model: str, level: LevelChoice) -> None:
    """The returns that are not only attributed sales, in words, and the strategies and
    goals whose new customers nothing measures, with why."""
    console = stdout_console(min_width=110)
    for row in report.rows:
        kept = row.returns
        if row.model != model or kept is None:
            continue
        if level is not LevelChoice.ALL and row.level != level.value:
            continue
        if kept.kind == "money" and all(p.family == "sales" for p in kept.parts if p.measured):
            continue
        console.print(f"{row.level[0]}  {row.id}: {kept.label}", highlight=False)
    # Tactics' are named in the coverage sentence below; strategies' and goals' here.
    for row in report.rows:
        if row.model != model or row.level == "tactic" or not row.new_customers_note:
            continue
        if row.terms_note is not None:  # said below: new customers are not its terms
            continue
        if level is not LevelChoice.ALL and row.level != level.value:
            continue
        note = f"new customers not measured: {row.new_customers_note}"
        console.print(f"{row.level[0]}  {row.id}: {note}", highlight=False)
    for row in report.rows:
        if row.model != model or row.terms_note is None:
            continue
        if level is LevelChoice.ALL or level.value == "goal":
            console.print(f"g  {row.id}: {row.terms_note}", highlight=False)
    for row in report.rows:
        if row.model != model or row.roi_note is None:
            continue
        if level is not LevelChoice.ALL and row.level != level.value:
            continue
        console.print(f"{row.level[0]}  {row.id}: {row.roi_note}", highlight=False)
