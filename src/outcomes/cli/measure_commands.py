"""Commands that measure: `outcomes attribute` (and `outcomes roi`, in roi_commands)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    from outcomes.measure.attribution.compare import Comparison


class JourneyStep(StrEnum):
    """What a step of a warehouse journey is."""

    CHANNEL = "channel"
    TACTIC = "tactic"


@app.command(rich_help_panel="Measure")
def attribute(
    paths: Annotated[
        Path | None,
        typer.Option(
            "--paths",
            help="Journeys in the aggregated format path,total_conversions,total_conversion_value,total_null "
            "(comma or semicolon; paths like `a > b > c`). Without it, the workspace's journeys.",
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            help="first_touch, last_touch, last_non_direct, linear, position_based, "
            "time_decay, markov, shapley or shapley_ordered."
        ),
    ] = "markov",
    compare: Annotated[
        bool, typer.Option("--compare", help="Run every model and show their credit side by side.")
    ] = False,
    order: Annotated[int, typer.Option(help="Markov chain order (1 to 4).", min=1, max=4)] = 1,
    half_life_days: Annotated[
        float,
        typer.Option(
            help="time_decay on the workspace's journeys: credit halves every this many "
            "days before the conversion (on --paths files, per step instead).",
            min=0.001,
        ),
    ] = 7.0,
    workspace: WorkspaceOption = Path(),
    plan: PlanOption = None,
    by: Annotated[
        JourneyStep, typer.Option(help="Steps of the warehouse's journeys: channels or tactics.")
    ] = JourneyStep.CHANNEL,
    lookback_days: LookbackOption = 90,
    no_lookback: NoLookbackOption = False,
    touch_source: TouchSourceOption = None,
    conversion_type: Annotated[
        list[str] | None,
        typer.Option(help="Conversion types that count (repeat; default deal_won and order)."),
    ] = None,
    output_format: Annotated[
        AttributeFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AttributeFormat.TABLE,
    keep_direct: Annotated[
        bool,
        typer.Option(
            "--keep-direct",
            help="Keep direct visits as steps on every path (as ChannelAttribution takes "
            "its input) instead of GA4's rule: direct only on paths of nothing else.",
        ),
    ] = False,
    output: OutputOption = None,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Credit conversions and value to channels (or tactics) with attribution models.

    CSV output has one row per channel: `channel,conversions,value` (and `removal_effect`
    for Markov), so results compare directly with other tools'. With `--compare`, one row
    per channel and model, with each model's share of the total.
    """
    space = open_workspace(workspace, plan, wait)
    journeys: dict[str, Any] = {
        "by": by.value,
        "lookback_days": None if no_lookback else lookback_days,
        "sources": touch_source,
        "conversion_types": conversion_type,
        "order": order,
        "paths": paths,
        "keep_direct": keep_direct,
    }
    with answering():
        if compare:
            _emit_comparison(space.compare(**journeys), output_format, output)
            return
        result = space.attribute(model, half_life_days=half_life_days, **journeys)
    records = [_channel_record(r) for r in result.to_records()]
    if output_format is AttributeFormat.PARQUET:
        write_parquet(records, output)
    elif output_format is AttributeFormat.CSV:
        write_output(csv_text(records), output)
    elif output_format is AttributeFormat.JSON:
        write_output(json_text(result.to_json()), output)
    else:
        _print_table(result.model, records)


def _emit_comparison(
    comparison: Comparison, output_format: AttributeFormat, output: Path | None
) -> None:
    records = comparison.to_records()
    if output_format is AttributeFormat.PARQUET:
        write_parquet(records, output)
    elif output_format is AttributeFormat.CSV:
        write_output(csv_text(records), output)
    elif output_format is AttributeFormat.JSON:
        write_output(json_text(comparison.to_json()), output)
    else:
        _print_comparison(comparison)


def _print_comparison(comparison: Comparison) -> None:
    table = Table(
        title="Share of value credited, by model (disagreement is information)",
        box=None,
        pad_edge=False,
    )
    table.add_column("channel", no_wrap=True)
    for name in comparison.models:
        table.add_column(name.replace("_", " "), justify="right")
    for channel, row in comparison.shares("value").items():
        table.add_row(channel, *(f"{row[m]:.1%}" for m in comparison.models))
    stdout_console(min_width=110).print(table)


def _channel_record(record: dict[str, Any]) -> dict[str, Any]:
    keep = ("channel", "conversions", "value", "removal_effect")
    return {k: record[k] for k in keep if k in record}


def _print_table(model: str, records: list[dict[str, Any]]) -> None:
    table = Table(title=f"Attribution: {model}", box=None, pad_edge=False)
    for column in records[0] if records else ("channel", "conversions", "value"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    for record in records:
        table.add_row(*(v if isinstance(v, str) else f"{v:,.4f}" for v in record.values()))
    stdout_console().print(table)
