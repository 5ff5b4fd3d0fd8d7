"""The decimal mark of a column, decided from all of its values, never cell by cell.

"1.234" is one thousand two hundred and thirty-four in Germany and one and a bit in the
United States; "1,234" the other way round. Cell by cell, "€1.234" was stored as €1.23.
So a column's mark is decided from the whole file: "12,5" or "1.234.567" can only mean a
decimal comma, "12.5" or "1,234,567" only a decimal point, "1.234,50" and "1,234.50" say
it outright. A column with both readings is refused. Cells of a decided column are
rewritten with a point and no grouping ("1.234,50 €" → "1234.50 €"), so every parser
downstream reads one notation.

A column where every value could be either ("1,234") follows the setting
(`decimal_mark`), else its cells stay as they are but marked :class:`AmbiguousNumber`:
a whole-number reader takes them as grouped thousands (1,234 views cannot be 1.234 views),
an amount reader refuses them with a reason naming the setting. Never two readings in
one column, and never a silent guess about money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

DecimalMark = Literal["point", "comma"]
MARKS: Final[tuple[DecimalMark, ...]] = ("point", "comma")
SETTING: Final = (
    'set it: --decimal-mark comma (or point) on `outcomes ingest`, or decimal_mark = "comma" '
    "in outcomes.toml"
)

# A number as exports write it: an optional currency before or after, digits with points,
# commas, spaces or apostrophes between them, an optional per-cent sign.
_NUMBER: Final = re.compile(
    r"^(?P<pre>\s*(?:[A-Z]{3}|US\$|[$€£¥])?\s*[+-]?\s*)"
    r"(?P<core>\d[\d.,\u00a0\u202f' ]*\d|\d)"
    r"(?P<post>\s*(?:[A-Z]{3}|[$€£¥]|%)?\s*)$"
)
_GROUPED: Final = {
    ",": re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$"),
    ".": re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$"),
}
Reading = Literal["point", "comma", "either"]


class AmbiguousNumber(str):
    """A cell whose decimal mark its column does not tell ("1,234" in a column of such).

    It is still the text of the cell; readers of whole numbers take its separators as
    grouping, readers of amounts refuse it (see `outcomes.sources.fields`).
    """

    __slots__ = ()


class UndecidedMarkError(ValueError):
    """A column reads with a decimal point in one row and a decimal comma in another."""


def reading(text: str) -> Reading | None:
    """What one cell says about its column's decimal mark; None when it says nothing."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    core = re.sub(r"[\s\u00a0\u202f']", "", match["core"])
    if "," in core and "." in core:
        return "comma" if core.rfind(",") > core.rfind(".") else "point"
    for mark in (",", "."):
        if mark not in core:
            continue
        grouped = _GROUPED[mark].match(core) is not None
        if grouped and core.count(mark) == 1:
            return "either"
        if grouped:  # 1,234,567: the commas group, so the point is the decimal mark
            return "point" if mark == "," else "comma"
        if core.count(mark) == 1:
            return "comma" if mark == "," else "point"
        return None  # 23.02.2026 or 1.2.3: no number
    return None


@dataclass
class MarkEvidence:
    """What a column's numbers say about their decimal mark, with a line for each reading."""

    label: str
    lines: dict[Reading, int] = field(default_factory=dict)
    examples: dict[Reading, str] = field(default_factory=dict)

    def observe(self, text: str, line: int) -> None:
        """Take one cell into account."""
        found = reading(text)
        if found is not None and found not in self.lines:
            self.lines[found] = line
            self.examples[found] = text.strip()

    def decide(self, setting: DecimalMark | None) -> DecimalMark | None:
        """The column's mark; None when it stays undecided (its ambiguous cells are marked)."""
        if "point" in self.lines and "comma" in self.lines:
            raise UndecidedMarkError(
                f"column '{self.label}' has a decimal point on line {self.lines['point']} "
                f"({self.examples['point']}) and a decimal comma on line "
                f"{self.lines['comma']} ({self.examples['comma']}): two notations in one "
                "column; fix the export"
            )
        if "point" in self.lines:
            return "point"
        if "comma" in self.lines:
            return "comma"
        return setting


def rewrite(text: str, mark: DecimalMark) -> str:
    """The cell with a decimal point and no grouping, currency and sign kept."""
    match = _NUMBER.match(text)
    if match is None:
        return text
    core = re.sub(r"[\s\u00a0\u202f']", "", match["core"])
    group, decimal = (".", ",") if mark == "comma" else (",", ".")
    core = core.replace(group, "").replace(decimal, ".")
    return f"{match['pre']}{core}{match['post']}"


def ambiguous_reason(raw: object) -> str:
    """Why an amount whose decimal mark is not known is refused."""
    return (
        f"{raw!r} could be read with a decimal point or a decimal comma, and no value in its "
        f"column tells which; {SETTING}"
    )
