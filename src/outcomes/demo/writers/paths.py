"""Aggregated journey paths, as a journey-building query hands them to ChannelAttribution:
`path,total_conversions,total_conversion_value,total_null`.

A step is a session's channel (a tactic's name for tactic traffic); a converting journey's
path stops at its conversion (the lead of a deal later won, or a self-serve purchase).
"""

from __future__ import annotations

from outcomes.demo.sessions import PathTotals
from outcomes.demo.writers.files import Output, write_csv


def write_paths(output: Output, paths: PathTotals) -> None:
    """`attribution/journey-paths-2026.csv`."""
    rows = [
        [path, f"{conversions:.0f}", f"{value:.2f}", f"{nulls:.0f}"]
        for path, conversions, value, nulls in paths.rows()
    ]
    write_csv(
        output.path("paths", "attribution/journey-paths-2026.csv"),
        ("path", "total_conversions", "total_conversion_value", "total_null"),
        rows,
    )
