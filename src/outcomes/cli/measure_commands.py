"""Commands that measure: `outcomes attribute` (and `outcomes roi`, in roi_commands)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.table import Table

from outcomes.cli.common import (
    OutputOption,
    WaitOption,
    WorkspaceOption,
    app,
    fail,
    json_text,
    load_plan_or_exit,
    stdout_console,
    write_output,
)
from outcomes.cli.data_commands import open_warehouse
from outcomes.sources.base import SourceError
from outcomes.warehouse.locking import DEFAULT_WAIT
from outcomes.workspace import PLAN_FILE

if TYPE_CHECKING:
    from outcomes.measure.attribution import PathCounts
    from outcomes.measure.attribution.compare import Comparison

T = TypeVar("T")
PlanOption = Annotated[
    Path | None, typer.Option(help="The plan file (default: plan.yaml in the workspace).")
]
LookbackOption = Annotated[
    int,
    typer.Option(help="Touches count for a conversion up to this many days before it.", min=0),
]
NoLookbackOption = Annotated[
    bool,
    typer.Option("--no-lookback", help="No window: every touch since the previous conversion."),
]
TouchSourceOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Only touchpoints loaded from this source (repeat), e.g. ga4 when a CRM's "
        "original-source rows repeat the web's first touches."
    ),
]


class JourneyStep(StrEnum):
    """What a step of a warehouse journey is."""

    CHANNEL = "channel"
    TACTIC = "tactic"


class AttributeFormat(StrEnum):
    """Output formats of `outcomes attribute`."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


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
    output: OutputOption = None,
    wait: WaitOption = DEFAULT_WAIT,
) -> None:
    """Credit conversions and value to channels (or tactics) with attribution models.

    CSV output has one row per channel: `channel,conversions,value` (and `removal_effect`
    for Markov), so results compare directly with other tools'. With `--compare`, one row
    per channel and model, with each model's share of the total.
    """
    from outcomes.measure.attribution import MODELS
    from outcomes.measure.attribution import attribute as run_model
    from outcomes.measure.attribution.compare import compare as compare_models
    from outcomes.measure.attribution.journeys import paths_from_warehouse
    from outcomes.measure.attribution.timed import time_decay_from_warehouse

    if model not in MODELS:
        fail(f"no model '{model}'; models are: {', '.join(MODELS)}")
    lookback = None if no_lookback else lookback_days
    journeys = (workspace, plan, by, lookback, touch_source, conversion_type, wait)
    if paths is None and model == "time_decay" and not compare:
        # From the warehouse the touches keep their times: decay by real time.
        timed = partial(time_decay_from_warehouse, half_life_days=half_life_days)
        result = _on_journeys(timed, *journeys)
    else:
        counts = (
            _read_paths(paths)
            if paths is not None
            else _on_journeys(paths_from_warehouse, *journeys)
        )
        try:
            if compare:
                comparison = compare_models(counts, params={"markov": {"order": order}})
                _emit_comparison(comparison, output_format, output)
                return
            params: dict[str, Any] = {"order": order} if model == "markov" else {}
            result = run_model(counts, model, **params)
        except ValueError as exc:
            fail(str(exc))
    records = [_channel_record(r) for r in result.to_records()]
    if output_format is AttributeFormat.PARQUET:
        write_parquet(records, output)
    elif output_format is AttributeFormat.CSV:
        write_output(csv_text(records), output)
    elif output_format is AttributeFormat.JSON:
        write_output(
            json_text({"model": result.model, "params": dict(result.params), "channels": records}),
            output,
        )
    else:
        _print_table(result.model, records)


def _read_paths(paths: Path) -> PathCounts:
    from outcomes.measure.attribution import PathCounts

    try:
        return PathCounts.read(paths)
    except (SourceError, ValueError, OSError) as exc:
        fail(str(exc))


def _on_journeys(
    run: Callable[..., T],
    workspace: Path,
    plan: Path | None,
    by: JourneyStep,
    lookback: int | None,
    touch_source: list[str] | None,
    conversion_type: list[str] | None,
    wait: float,
) -> T:
    """`run(touchpoints, conversions, **journey options)` on the workspace's warehouse."""
    from outcomes.measure.attribution.journeys import DEFAULT_CONVERSION_TYPES

    loaded = load_plan_or_exit(plan or workspace / PLAN_FILE) if by is JourneyStep.TACTIC else None
    warehouse = open_warehouse(workspace, wait)
    try:
        return run(
            warehouse.table("touchpoints"),
            warehouse.table("conversions"),
            by=by.value,
            plan=loaded.plan if loaded else None,
            conversion_types=tuple(conversion_type or DEFAULT_CONVERSION_TYPES),
            lookback_days=lookback,
            sources=touch_source or None,
        )
    except ValueError as exc:
        fail(str(exc))
    finally:
        warehouse.close()


def _emit_comparison(
    comparison: Comparison, output_format: AttributeFormat, output: Path | None
) -> None:
    records = comparison.to_records()
    if output_format is AttributeFormat.PARQUET:
        write_parquet(records, output)
    elif output_format is AttributeFormat.CSV:
        write_output(csv_text(records), output)
    elif output_format is AttributeFormat.JSON:
        write_output(
            json_text(
                {
                    "models": [
                        {"model": r.model, "params": dict(r.params)} for r in comparison.results
                    ],
                    "rows": records,
                }
            ),
            output,
        )
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


def csv_text(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    columns = list(records[0]) if records else ["channel", "conversions", "value"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def write_parquet(records: list[dict[str, Any]], output: Path | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if output is None:
        fail("--format parquet writes a file: give it with -o FILE")
    try:
        pq.write_table(pa.Table.from_pylist(records), output)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    sys.stderr.write(f"wrote {output}\n")


def _print_table(model: str, records: list[dict[str, Any]]) -> None:
    table = Table(title=f"Attribution: {model}", box=None, pad_edge=False)
    for column in records[0] if records else ("channel", "conversions", "value"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    for record in records:
        table.add_row(*(v if isinstance(v, str) else f"{v:,.4f}" for v in record.values()))
    stdout_console().print(table)
