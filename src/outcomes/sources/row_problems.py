"""Why a data row of a delimited file cannot be trusted, if it cannot.

:func:`outcomes.sources.tabular.read_records` gives each record a `problem`, and the
connectors reject such a row (after their own skipping of footers and totals) with it:

* its cells do not line up with the header's (a separator missing or extra, cut short),
  or the file ends inside it; one cell more or less is said as a row shifted by one
  column, and a blank cell past the file's usual row width counts (padding is alike in
  every row); rows merged by a stray quote refuse the file;
* it is the header again (two exports pasted one after the other);
* an identifier in it is a long number a spreadsheet rounded (`1.8050E+16` as text, or a
  workbook's number cell beyond what a float holds exactly).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Any, Final

from outcomes.sources.base import SourceError
from outcomes.sources.delimited import TextRow


def row_problem(
    path: Path,
    row: TextRow,
    header: list[Any],
    header_line: int,
    ids: Collection[int] = (),
    usual: int | None = None,
) -> tuple[str, str | None] | None:
    """Why `row` cannot be trusted under `header` (found on `header_line`), and the header
    of the cell at fault when one is; None when it can be. `ids`: the positions of columns
    holding identifiers whatever their header says (a mapping's key column "Order");
    `usual`: the width of the file's rows (`RowShapes.usual`), when known."""
    problem = _shape_problem(path, row, header, usual)
    if problem is None and _header_again(row.cells, header):
        problem = REPEATED_HEADER.format(line=header_line)
    return (problem, None) if problem is not None else _rounded_id(row.cells, header, ids)


def blank(cell: object) -> bool:
    """True for a cell with nothing in it (None, or only spaces)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


_ID_HEADER: Final = re.compile(r"(?i)(?:^|[\s_])ids?$")
"""A header naming an identifier, or a list of them: `Post ID`, `Campaign ID`, `Record ID`,
`account_id`, HubSpot's `Associated Contact IDs` (a contact's journey is joined by it)."""
_ROUNDED: Final = re.compile(r"^\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*$")
"""A number as a spreadsheet shows one of 12 digits or more: `1.8050E+16`."""


_EXACT_FLOATS: Final = 2**53
"""Beyond this a float cannot hold every whole number: an id stored as one has lost digits."""


def _rounded_id(
    cells: Sequence[Any], header: Sequence[Any], ids: Collection[int]
) -> tuple[str, str] | None:
    """Why a row is rejected whose identifier a spreadsheet rounded, and that id's header.

    Excel opens a CSV's long ids (a Meta post's 18050000000000001) as numbers and saves
    them as `1.805E+16`: the id is lost, two records may share it, and a later clean
    export would store the same records again under their real ids. A workbook keeps such
    an id as a number cell, which reaches us as a float beyond 2^53.
    """
    for index, name in enumerate(header):
        shown = rounded_number(cells[index]) if index < len(cells) else None
        label = str(name or "").strip()
        if shown is not None and (index in ids or _ID_HEADER.search(label)):
            return rounded_id_reason(label, shown), label
    return None


def rounded_number(cell: object) -> str | None:
    """The cell as a spreadsheet shows it, when it is a long number a spreadsheet rounded:
    text in scientific notation (`1.2023E+17`), or a workbook's number cell too large for a
    float to hold exactly (shown as Excel does, to 15 digits); else None."""
    if isinstance(cell, str):
        return cell.strip() if _ROUNDED.match(cell) else None
    if isinstance(cell, float) and math.isfinite(cell) and abs(cell) >= _EXACT_FLOATS:
        return f"{cell:.15G}"
    return None


def rounded_id_reason(label: str, shown: str) -> str:
    """Why a row whose id (under `label`) a spreadsheet rounded to `shown` is rejected."""
    return (
        f"{label!r} is {shown}: a spreadsheet rounded this long "
        "number, and the record it names is lost. Export again and load the file "
        "without opening it in a spreadsheet, or import the column as text"
    )


REPEATED_HEADER: Final = (
    "the header row again (as on line {line}): two exports pasted one after the other, or "
    "the header copied into the rows; it holds no data. Delete the line, or load each "
    "export as its own file"
)
"""Why a row that repeats the header is rejected: read as data, its "Publish time" was
"expected a date and time", which told nobody what the row was."""


def _header_again(cells: Sequence[Any], header: Sequence[Any]) -> bool:
    """True when `cells` spell the header's names (ignoring case, spaces and a BOM)."""

    def spelt(cell: object) -> str:
        return str(cell or "").replace("\ufeff", "").strip().casefold()

    names = [spelt(cell) for cell in header]
    return any(names) and [spelt(cell) for cell in cells[: len(names)]] == names


def _holds_rows(row: TextRow, width: int) -> bool:
    """True when a cell spanning lines holds a line that splits into a whole row.

    A stray quote that another stray quote closes lines later leaves a row of the right
    width with whole rows inside one cell. A post's text with a line break does not hold a
    line of exactly the header's width (at four columns or more, three separators and more).
    """
    if width < 4:
        return False
    delimiter = max((",", ";", "\t"), key=row.raw.count)
    for cell in row.cells:
        for inner in str(cell).split("\n")[1:]:
            if len(next(csv.reader([inner], delimiter=delimiter), [])) == width:
                return True
    return False


def lines_up(cells: Sequence[Any], header: Sequence[Any], usual: int | None = None) -> bool:
    """True when a row's cells sit under the header's: no filled cell past its last column,
    no named column past the row's last cell (a blank cell more or less is padding), and,
    when the `usual` width of the file's rows is known, no cell past it either.

    A file padded with blank cells pads every row alike; a row one blank cell wider than
    its neighbours is a row whose cells moved right, its last blank cell pushed out."""
    extra = cells[len(header) :]
    missing = header[len(cells) :]
    if usual is not None and len(cells) > max(usual, len(header)):
        return False
    return all(blank(c) for c in extra) and all(blank(h) for h in missing)


def _shape_problem(
    path: Path, row: TextRow, header: list[Any], usual: int | None = None
) -> str | None:
    """Why a CSV row does not line up with its header, if it does not."""
    width, cells = len(header), row.cells
    lined_up = lines_up(cells, header)
    # Rows merged by a stray quote are told by filled cells past the header; a blank one
    # past the usual width is a row shifted, rejected below, not a reason to refuse.
    if row.end > row.start and (not lined_up or _holds_rows(row, width)):
        raise SourceError(
            path,
            f"lines {row.start}–{row.end} read as one row of {len(cells)} cells where the "
            f"header has {width}, with whole rows inside a cell: a quote opened in a cell is "
            "closed lines later, merging rows. "
            'Fix the quote (a quote inside a quoted cell is written twice: "") or export again',
            line=row.start,
        )
    if not lines_up(cells, header, usual):
        return _misaligned(len(cells), width)
    if not row.terminated:
        return (
            "the file ends inside this row, with no line break after it: it may be cut short. "
            "If the row is complete, end the file with a line break; else export it again"
        )
    return None


def _misaligned(count: int, width: int) -> str:
    """Why a row of `count` cells under a header of `width` is rejected: one cell more or
    less is a row shifted by one column (a name with an unquoted comma in it), every value
    after it under the wrong header, which only the row's width can tell."""
    said = f"the row has {count} cells where the header has {width}"
    if count == width + 1:
        return (
            f"{said}: its cells look shifted by one column, one cell too many (a separator "
            "inside a cell, such as a comma in a name that is not quoted?). Quote that cell, "
            "or export the file again"
        )
    if count == width - 1:
        return (
            f"{said}: its cells look shifted by one column, one cell too few (a separator "
            "missing, or the row cut short). Export the file again"
        )
    return f"{said}: a separator missing or extra, or the row is cut short"


class RowShapes:
    """The usual width of a file's rows, from its first rows after the header, and the
    lines of the rows one cell off it (shifted by a column, not a footer or a title)."""

    SAMPLE = 25
    """Rows enough to see how a file pads them: a spreadsheet pads every row alike."""

    def __init__(self, header: list[Any]) -> None:
        self.header = header
        self.shifted: list[int] = []
        self.usual: int | None = None

    def aligned(self, rows: Iterable[TextRow]) -> Iterator[TextRow]:
        """The rows that line up with the header at the usual width, decided first from
        the first filled rows (held back meanwhile: only a few)."""
        rows = iter(rows)
        sample = list(islice((r for r in rows if any(not blank(c) for c in r.cells)), self.SAMPLE))
        widths = Counter(len(row.cells) for row in sample)
        commonest = max(widths.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        self.usual = max(len(self.header), commonest[0])
        for row in chain(sample, rows):
            if lines_up(row.cells, self.header, self.usual):
                yield row
            elif abs(len(row.cells) - len(self.header)) == 1:
                self.shifted.append(row.start)


def shifted_note(lines: Sequence[int]) -> str:
    """What a refusal for undecided notation adds when rows were left out of the survey:
    the row that would have decided may be the shifted one."""
    if not lines:
        return ""
    which = ", ".join(str(line) for line in lines[:5]) + (", …" if len(lines) > 5 else "")
    s, it = ("", "its") if len(lines) == 1 else ("s", "their")
    return (
        f" (line{s} {which} left out: {it} cells look shifted by one column; fixed, "
        f"{it} dates may decide)"
    )
