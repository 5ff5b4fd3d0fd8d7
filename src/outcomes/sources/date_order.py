"""Numeric dates read one way per column, decided from all of the column's values.

"09/01/2026" is 9 January in Europe and 1 September in the United States. Read row by row,
a column holding it and "21/01/2026" gets both readings at once, silently. So the order of
a column is decided from the whole file: a value whose first number is over 12 can only
be day first, one whose second is over 12 only month first. A column with both is refused;
a column where every value could be either follows the setting (`date_order`: `dmy`,
`mdy` or `ymd`), else the platform's documented convention, else it is refused with a
message naming the setting. Never two readings in one column.

Two-digit years, as Excel writes them (`02/23/26 08:55 PM`), are 2000–2068 for 00–68 and
1969–1999 for 69–99 (the POSIX rule). Dots and dashes separate as slashes do
(`23.02.2026 20:55`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Final, Literal

DateOrder = Literal["dmy", "mdy", "ymd"]
ORDERS: Final[tuple[DateOrder, ...]] = ("dmy", "mdy", "ymd")
SETTING: Final = (
    'set the order: --date-order dmy (or mdy) on `outcomes ingest`, or date_order = "dmy" '
    "in outcomes.toml"
)

_NUMERIC: Final = re.compile(
    r"^\s*(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})"
    r"(?:[T ,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"
)


class UndecidedError(ValueError):
    """A column's date order cannot be decided; the message says why and what to do."""


@dataclass
class ColumnEvidence:
    """What a column's numeric dates say about their order, with a line for each reading."""

    label: str
    day_first: int | None = None
    """A line whose date can only be day first (its first number is over 12)."""
    month_first: int | None = None
    """A line whose date can only be month first."""
    ambiguous: int | None = None
    """A line whose date reads both ways."""
    examples: dict[str, str] = field(default_factory=dict)

    def observe(self, text: str, line: int) -> None:
        """Take one cell's text into account (cells that are no numeric date are ignored)."""
        match = _NUMERIC.match(text)
        if match is None or len(match["a"]) == 4:
            return  # ISO-like (year first) or no numeric date: one reading only
        first, second = int(match["a"]), int(match["b"])
        if first > 12 >= second and self.day_first is None:
            self.day_first = line
            self.examples["dmy"] = text.strip()
        elif second > 12 >= first and self.month_first is None:
            self.month_first = line
            self.examples["mdy"] = text.strip()
        elif first <= 12 and second <= 12 and self.ambiguous is None:
            self.ambiguous = line
            self.examples["both"] = text.strip()

    def decide(self, setting: DateOrder | None, convention: DateOrder | None) -> DateOrder:
        """The column's order; `UndecidedError` says why it cannot be decided and what to do."""
        if self.day_first is not None and self.month_first is not None:
            raise UndecidedError(
                f"column '{self.label}' reads day first on line {self.day_first} "
                f"({self.examples['dmy']}) but month first on line {self.month_first} "
                f"({self.examples['mdy']}): two date orders in one column; fix the export"
            )
        if self.day_first is not None:
            return "dmy"
        if self.month_first is not None:
            return "mdy"
        if self.ambiguous is None:
            return setting or convention or "dmy"  # no numeric dates: nothing to decide
        if setting is not None:
            return setting
        if convention is not None:
            return convention
        raise UndecidedError(
            f"column '{self.label}' has dates such as {self.examples['both']} (line "
            f"{self.ambiguous}) that read as day or month first, and none that tells; {SETTING}"
        )


def read_numeric(text: str, order: DateOrder) -> dt.datetime | None:
    """A numeric date in the given order (naive), or None when `text` is no numeric date."""
    match = _NUMERIC.match(text)
    if match is None:
        return None
    first, second, third = int(match["a"]), int(match["b"]), match["c"]
    if len(match["a"]) == 4:
        year, month, day = first, second, int(third)
    else:
        year = _year(third)
        day, month = (first, second) if order == "dmy" else (second, first)
    try:
        return dt.datetime(year, month, day, *_clock(match))
    except ValueError:
        return None  # 31/02: left for the connector's parser, which names the cell


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 69 else 1900 + year
    return year


def _clock(match: re.Match[str]) -> tuple[int, int, int]:
    if match["hour"] is None:
        return 0, 0, 0
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").casefold()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute, second
