"""Commands that measure: `outcomes attribute`."""

from __future__ import annotations

import csv
import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from outcomes.cli.common import OutputOption, app, fail, json_text, stdout_console, write_output
from outcomes.sources.base import SourceError


class AttributeFormat(StrEnum):
    """Output formats of `outcomes attribute`."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


@app.command(rich_help_panel="Measure")
def attribute(
    paths: Annotated[
        Path,
        typer.Option(
            "--paths",
            help="Journeys in the aggregated format path,total_conversions,total_conversion_value,total_null "
            "(comma or semicolon; paths like `a > b > c`).",
        ),
    ],
    model: Annotated[
        str,
        typer.Option(
            help="first_touch, last_touch, last_non_direct, linear, position_based, time_decay, markov or shapley."
        ),
    ] = "markov",
    order: Annotated[int, typer.Option(help="Markov chain order (1 to 4).", min=1, max=4)] = 1,
    output_format: Annotated[
        AttributeFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AttributeFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Credit conversions and value to channels with one attribution model.

    CSV output has one row per channel: `channel,conversions,value` (and `removal_effect`
    for Markov), so results compare directly with other tools'.
    """
    from outcomes.measure.attribution import MODELS, PathCounts
    from outcomes.measure.attribution import attribute as run_model

    if model not in MODELS:
        fail(f"no model '{model}'; models are: {', '.join(MODELS)}")
    try:
        counts = PathCounts.read(paths)
    except (SourceError, ValueError, OSError) as exc:
        fail(str(exc))
    params: dict[str, Any] = {"order": order} if model == "markov" else {}
    try:
        result = run_model(counts, model, **params)
    except ValueError as exc:
        fail(str(exc))
    records = [_channel_record(r) for r in result.to_records()]
    if output_format is AttributeFormat.PARQUET:
        _write_parquet(records, output)
    elif output_format is AttributeFormat.CSV:
        write_output(_csv_text(records), output)
    elif output_format is AttributeFormat.JSON:
        write_output(
            json_text({"model": result.model, "params": dict(result.params), "channels": records}),
            output,
        )
    else:
        _print_table(result.model, records)


def _channel_record(record: dict[str, Any]) -> dict[str, Any]:
    keep = ("channel", "conversions", "value", "removal_effect")
    return {k: record[k] for k in keep if k in record}


def _csv_text(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    columns = list(records[0]) if records else ["channel", "conversions", "value"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def _write_parquet(records: list[dict[str, Any]], output: Path | None) -> None:
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
