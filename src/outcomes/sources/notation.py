"""How a file writes its dates and numbers, decided per column from a first pass over it.

Reading cell by cell gives one column two readings (09/01/2026 as 9 January next to
21/01/2026; €1.234 as €1.23 next to €12,50). So before any record is given, every column
is surveyed once: its date order (:mod:`date_order`) and its decimal mark
(:mod:`decimal_mark`) are decided from all its values, or the file is refused with a
message naming the lines that disagree or the setting that would decide. Then each cell is
read the one way its column is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from outcomes.sources.date_order import ColumnEvidence, DateOrder, UndecidedError, read_numeric
from outcomes.sources.decimal_mark import (
    AmbiguousNumber,
    DecimalMark,
    MarkEvidence,
    UndecidedMarkError,
    reading,
    rewrite,
)
from outcomes.sources.delimited import TextRow


class NotationError(ValueError):
    """A column's dates or numbers cannot be read one way; the message says why and what to do."""


@dataclass(frozen=True)
class Settings:
    """What the user (or the platform's documented convention) says about notation."""

    date_order: DateOrder | None = None
    convention: DateOrder | None = None
    decimal_mark: DecimalMark | None = None
    mark_convention: DecimalMark | None = None
    """The platform's documented decimal mark, for a column whose every number reads both ways."""


@dataclass(frozen=True)
class Notation:
    """Each column's date order and decimal mark, as decided for one file."""

    dates: dict[str, DateOrder] = field(default_factory=dict)
    marks: dict[str, DecimalMark | None] = field(default_factory=dict)
    """A column with numbers → its mark; None: undecided, its ambiguous cells are marked."""

    def apply(self, values: dict[str, Any]) -> None:
        """Read a record's cells the way their columns are written (in place)."""
        for name, order in self.dates.items():
            cell = values.get(name)
            if isinstance(cell, str):
                values[name] = read_numeric(cell, order) or cell
        for name, mark in self.marks.items():
            cell = values.get(name)
            if not isinstance(cell, str):
                continue
            if mark is not None:
                values[name] = rewrite(cell, mark)
            elif reading(cell) == "either":
                values[name] = AmbiguousNumber(cell)


def survey(
    rows: Iterable[TextRow],
    positions: Mapping[str, int],
    labels: Mapping[str, str],
    settings: Settings,
) -> Notation:
    """Decide every column's notation from all of its cells (rows after the header)."""
    dates = {name: ColumnEvidence(labels[name]) for name in positions}
    numbers = {name: MarkEvidence(labels[name]) for name in positions}
    for row in rows:
        cells = row.cells
        for name, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            if not isinstance(cell, str) or not cell:
                continue
            if cell[:1].isdigit():
                dates[name].observe(cell, row.start)
            if "," in cell or "." in cell:
                numbers[name].observe(cell, row.start)
    return Notation(_orders(dates, settings), _marks(numbers, dates, settings))


def _orders(evidence: dict[str, ColumnEvidence], settings: Settings) -> dict[str, DateOrder]:
    orders: dict[str, DateOrder] = {}
    for name, seen in evidence.items():
        if seen.examples:
            try:
                orders[name] = seen.decide(settings.date_order, settings.convention)
            except UndecidedError as exc:
                raise NotationError(str(exc)) from None
    return orders


def _marks(
    evidence: dict[str, MarkEvidence], dates: dict[str, ColumnEvidence], settings: Settings
) -> dict[str, DecimalMark | None]:
    marks: dict[str, DecimalMark | None] = {}
    for name, seen in evidence.items():
        if not seen.lines or dates[name].examples:
            continue  # no numbers with separators, or a date column (23.02.2026)
        try:
            marks[name] = seen.decide(settings.decimal_mark or settings.mark_convention)
        except UndecidedMarkError as exc:
            raise NotationError(str(exc)) from None
    return marks
