"""The `outcomes` command line. Commands live in modules by subject; each registers on `app`."""

from __future__ import annotations

import typer

import outcomes
from outcomes.cli import (
    data_commands,
    fetch_commands,
    measure_commands,
    plan_commands,
    report_commands,
    roi_commands,
    scorecard_commands,
    user_commands,
    web_commands,
)
from outcomes.cli.common import app

__all__ = [
    "app",
    "data_commands",
    "fetch_commands",
    "main",
    "measure_commands",
    "plan_commands",
    "report_commands",
    "roi_commands",
    "scorecard_commands",
    "user_commands",
    "web_commands",
]


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(outcomes.__version__)


def main() -> None:
    """Console-script entry point."""
    app()
