"""What a row must satisfy before it is stored: required columns, known kinds, sane values.

Connectors parse; this is the last gate before the warehouse, the same for every connector,
so that no export can store a value every figure downstream would be wrong with: a NaN or
an infinity (sums and charts break), a negative count, a timestamp in 1970 (milliseconds
read as seconds) or in the year 58,000 (seconds read as milliseconds).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

from outcomes.warehouse.schema import ACTIVITY_KINDS, CONVERSION_TYPES, COST_KINDS, Table

VOCABULARY: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("activities", "kind"): ACTIVITY_KINDS,
    ("conversions", "type"): CONVERSION_TYPES,
    ("costs", "kind"): COST_KINDS,
}
NON_NEGATIVE: Final[dict[str, frozenset[str]]] = {
    "activities": frozenset(
        {"impressions", "reach", "views", "reactions", "comments", "shares", "clicks", "saves"}
    ),
    "journey_paths": frozenset({"conversions", "value", "nulls"}),
    "costs": frozenset({"hours"}),
}
# Larger than any real count, amount or metric (a trillion), small enough that sums of a
# year of them stay exact in a double and print without exponents.
LARGEST: Final = 1e15
# Social networks, CRMs and web analytics all postdate 1990; a timestamp outside this window
# is a unit mistake (epoch milliseconds read as seconds, or the reverse), not a real date.
EARLIEST: Final = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def invalid(table: Table, values: dict[str, Any]) -> tuple[str, str] | None:
    """(column, reason) for the first thing wrong with a row, or None when it can be stored."""
    unknown = set(values) - set(table.names)
    if unknown:
        name = sorted(unknown)[0]
        return name, f"no column {name!r} in table {table.name}"
    for column in table.columns:
        value = values.get(column.name)
        if column.required and (value is None or value == ""):
            return column.name, f"no {column.name} (every {table.name} row needs one)"
        if value is None:
            continue
        allowed = VOCABULARY.get((table.name, column.name))
        if allowed is not None and value not in allowed:
            return (
                column.name,
                f"unknown {column.name} {value!r}; expected one of: {', '.join(allowed)}",
            )
        problem = _bad_value(table.name, column.name, column.type, value)
        if problem is not None:
            return column.name, problem
    return None


def _bad_value(table: str, column: str, kind: str, value: Any) -> str | None:
    if kind in ("int", "float") and isinstance(value, int | float) and not isinstance(value, bool):
        return _bad_number(table, column, value)
    if kind == "timestamp" and isinstance(value, dt.datetime):
        return _bad_moment(column, value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if kind == "date" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _bad_moment(column, dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC))
    return None


def _bad_number(table: str, column: str, value: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{column} is {value!r}, not a number; fix the cell or leave it empty"
    if abs(value) > LARGEST:
        return f"{column} {value!r} is implausibly large (over {LARGEST:,.0f}); check the cell"
    if value < 0 and column in NON_NEGATIVE.get(table, frozenset()):
        return f"{column} {value!r} is negative; a count cannot be"
    return None


def _bad_moment(column: str, moment: dt.datetime) -> str | None:
    if EARLIEST <= moment < LATEST:
        return None
    hint = (
        " (epoch milliseconds or microseconds read as seconds?)"
        if moment > LATEST
        else " (epoch seconds read as milliseconds, or a missing date written as 0?)"
    )
    return (
        f"{column} {moment.isoformat()} is outside {EARLIEST.year}–{LATEST.year - 1}{hint}; "
        "check the cell"
    )
