"""What a row must satisfy before it is stored: required columns, known kinds, sane values.

Connectors parse; this is the last gate before the warehouse, the same for every connector,
so that no export can store a value every figure downstream would be wrong with: a NaN or
an infinity (sums and charts break), a negative count, a timestamp in 1970 (milliseconds
read as seconds) or in the year 58,000 (seconds read as milliseconds).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from outcomes.tables import ACTIVITY_KINDS, CONVERSION_TYPES, COST_KINDS, Table

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


@dataclass(frozen=True)
class _Checks:
    """What one table's rows are checked for, worked out once per table."""

    names: frozenset[str]
    required: tuple[str, ...]
    kinds: dict[str, str]
    vocabulary: dict[str, tuple[str, ...]]
    non_negative: frozenset[str]


@cache
def _checks(table: Table) -> _Checks:
    return _Checks(
        frozenset(table.names),
        tuple(c.name for c in table.columns if c.required),
        {c.name: c.type for c in table.columns},
        {c: allowed for (t, c), allowed in VOCABULARY.items() if t == table.name},
        NON_NEGATIVE.get(table.name, frozenset()),
    )


def invalid(table: Table, values: dict[str, Any]) -> tuple[str, str] | None:
    """(column, reason) for the first thing wrong with a row, or None when it can be stored.

    Runs for every row of every file, so the common case (a plain number in range, a date
    in the window) is one comparison; only a row that fails gets the worded reason.
    """
    checks = _checks(table)
    if not checks.names.issuperset(values):
        name = sorted(set(values) - checks.names)[0]
        return name, f"no column {name!r} in table {table.name}"
    for name in checks.required:
        value = values.get(name)
        if value is None or value == "":
            return name, f"no {name} (every {table.name} row needs one)"
    for name, value in values.items():
        if value is None:
            continue
        allowed = checks.vocabulary.get(name)
        if allowed is not None and value not in allowed:
            return name, f"unknown {name} {value!r}; expected one of: {', '.join(allowed)}"
        if _plainly_fine(value, name in checks.non_negative):
            continue
        problem = _bad_value(table.name, name, checks.kinds[name], value)
        if problem is not None:
            return name, problem
    return None


def _plainly_fine(value: Any, non_negative: bool) -> bool:
    """True for the values that need no closer look: text, and numbers and moments in range."""
    kind = type(value)
    if kind is str or kind is bool:
        return True
    if kind is float or kind is int:
        # NaN fails both comparisons, so it is looked at closely too.
        return bool((0 if non_negative else -LARGEST) <= value <= LARGEST)
    if kind is dt.datetime and value.tzinfo is not None:
        return bool(EARLIEST <= value < LATEST)
    return False


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
