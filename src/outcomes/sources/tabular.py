"""Reading spreadsheet-like exports (CSV, XLSX, XLS) as records keyed by logical column names.

Exports rename their headers over time (LinkedIn's "Shares" became "Reposts"), put a title
row above the header, and come in more than one encoding. This module finds the header
row by the columns a connector needs, maps each logical column to whichever alias the
file uses, and streams the rows with their line numbers.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Final

from outcomes.sources.base import ReadOptions, Rejected, SourceError
from outcomes.sources.date_order import DateOrder
from outcomes.sources.decimal_mark import DecimalMark
from outcomes.sources.delimited import TextRow, text_rows
from outcomes.sources.notation import Notation, NotationError, Settings, survey
from outcomes.sources.row_problems import RowShapes, blank, row_problem, shifted_note

HEADER_SEARCH_ROWS = 25
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def normalise_header(text: object) -> str:
    """Header text compared without case, surrounding space, BOM or repeated spaces."""
    return " ".join(str(text or "").replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Columns:
    """Logical column names and the headers each may appear under in an export."""

    aliases: Mapping[str, Sequence[str]]

    def resolve(self, headers: Sequence[object]) -> dict[str, int]:
        """Logical name → index of the first header that matches one of its aliases."""
        index = {normalise_header(h): i for i, h in reversed(list(enumerate(headers)))}
        found: dict[str, int] = {}
        for name, aliases in self.aliases.items():
            for alias in aliases:
                position = index.get(normalise_header(alias))
                if position is not None:
                    found[name] = position
                    break
        return found


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: its line in the file (1-based), its cells by logical name, and the raw text.

    `values` holds only the logical columns the file has: a column the file lacks is not a
    key (absent), a column it has with an empty cell is. `problem` says why the row as read
    cannot be trusted (too many or too few cells, cut short); connectors reject such a row
    after their own skipping of footers and totals. `cells` is the whole row as read, the
    columns no connector reads included (where a summary row writes "Total").
    """

    line: int
    values: dict[str, Any]
    raw: str
    problem: str | None = None
    problem_column: str | None = None
    """The header of the cell at fault, when `problem` is about one (a rounded id)."""
    cells: tuple[Any, ...] = ()

    def get(self, name: str) -> Any:
        """The cell of a logical column, or None when the file lacks that column."""
        return self.values.get(name)

    def has(self, name: str) -> bool:
        """True when the file has the logical column (even if this cell is empty)."""
        return name in self.values

    def rejection(self) -> Rejected | None:
        """The rejection of a row whose shape cannot be trusted, else None."""
        if self.problem is None:
            return None
        return Rejected(self.line, self.problem_column, self.problem, self.raw)


def drop_absent(
    values: dict[str, Any], record: Record, sources: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """`values` without the warehouse columns whose logical source columns the file lacks.

    `sources` maps a warehouse column to the logical columns it is read from; when the file
    has none of them the column is absent, and a re-export without it leaves what a fuller
    one stored (absent is not empty).
    """
    for column, logical in sources.items():
        if column in values and not any(record.has(name) for name in logical):
            del values[column]
    return values


def file_records(
    path: Path,
    columns: Columns,
    *,
    required: Sequence[str],
    options: ReadOptions,
    sheet: str | None = None,
    convention: DateOrder | None = None,
    mark_convention: DecimalMark | None = None,
    ids: Sequence[str] = (),
) -> Iterator[Record]:
    """:func:`read_records` with what the user set for the file (encoding, notation)."""
    return read_records(
        path,
        columns,
        required=required,
        encoding=options.encoding,
        sheet=sheet,
        date_order=options.date_order,
        convention=convention,
        decimal_mark=options.decimal_mark,
        mark_convention=mark_convention,
        ids=ids,
    )


def partial_fills(record: Record, sources: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The warehouse columns read from some but not all of their source columns.

    A value made of several columns (a campaign that is the Primary Campaign Source, else
    the Lead Source; a date that is Close Date, else Created Date) is only half known when
    the file lacks one of them: it may fill a gap, never overwrite (see `Row.fills`).
    """
    return frozenset(
        column
        for column, logical in sources.items()
        if any(record.has(n) for n in logical) and not all(record.has(n) for n in logical)
    )


def read_records(
    path: Path,
    columns: Columns,
    *,
    required: Sequence[str],
    encoding: str | None = None,
    sheet: str | None = None,
    date_order: DateOrder | None = None,
    convention: DateOrder | None = None,
    decimal_mark: DecimalMark | None = None,
    mark_convention: DecimalMark | None = None,
    ids: Sequence[str] = (),
) -> Iterator[Record]:
    """Stream the records of a CSV, XLSX or XLS file under logical column names.

    The header is the first row (within the first rows) holding every `required` column;
    a file without one raises :class:`SourceError` naming what was missing and what was
    there, and so does a header naming one column we read twice. Blank rows are skipped.
    In a CSV, a row whose cells do not line up with the header's carries a `problem`; one
    that spans several lines and does not line up is rows merged by a stray quote, and
    refuses the file.

    Numeric dates (`09/01/2026`) are read in one order per column and numbers with one
    decimal mark per column, decided from all of the column's values before any record is
    given (see :mod:`notation`): such dates come as datetimes, such numbers rewritten with
    a decimal point. `date_order` and `decimal_mark` are the user's settings, `convention`
    the platform's documented date order for a column whose every date reads both ways.

    A row whose identifier a spreadsheet rounded (`1.2023E+17`) carries a `problem`: an
    identifier is a column headed "… ID" or "… IDs", or one of the logical columns `ids`
    whatever its header (a mapping's key column).
    """
    settings = Settings(date_order, convention, decimal_mark, mark_convention)
    notation, usual = _notation(path, columns, required, encoding, sheet, settings)
    rows = _rows(path, encoding, sheet)
    header = _find_header(path, rows, columns, required)
    id_positions = {header.positions[name] for name in ids if name in header.positions}
    for row in rows:
        if row.problem is None and all(blank(c) for c in row.cells):
            continue
        cells = row.cells
        values: dict[str, Any] = {
            name: cells[i] if i < len(cells) else None for name, i in header.positions.items()
        }
        notation.apply(values)
        found = (
            (row.problem, None)
            if row.problem
            else row_problem(path, row, header.cells, header.line, id_positions, usual)
        )
        problem, column = found if found is not None else (None, None)
        yield Record(row.start, values, row.raw, problem, column, tuple(cells))


def _notation(
    path: Path,
    columns: Columns,
    required: Sequence[str],
    encoding: str | None,
    sheet: str | None,
    settings: Settings,
) -> tuple[Notation, int | None]:
    """Each column's date order and decimal mark, from a first pass over the file, and the
    usual width of its rows (a row wider is shifted, though its last cells are blank), if
    it has rows."""
    rows = _rows(path, encoding, sheet)
    header = _find_header(path, rows, columns, required)
    labels = {name: str(header.cells[i]).strip() for name, i in header.positions.items()}
    # A row that does not line up is rejected as it is read; its values, under the wrong
    # headers, must not decide a column's notation (a Close Date read from an Amount).
    shapes = RowShapes(header.cells)
    try:
        notation = survey(shapes.aligned(rows), header.positions, labels, settings)
    except NotationError as exc:
        raise SourceError(path, str(exc) + shifted_note(shapes.shifted)) from None
    return notation, shapes.usual


@dataclass(frozen=True)
class _Header:
    line: int
    cells: list[Any]
    positions: dict[str, int]


def _rows(path: Path, encoding: str | None, sheet: str | None) -> Generator[TextRow]:
    """Rows with their spans: a CSV's from the strict reader, a workbook's one line each."""
    head = _head(path)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        for line, cells in iter_rows(path, encoding=encoding, sheet=sheet):
            yield TextRow(line, line, cells, ",".join("" if c is None else str(c) for c in cells))
        return
    yield from text_rows(path, encoding)


def _find_header(
    path: Path, rows: Iterator[TextRow], columns: Columns, required: Sequence[str]
) -> _Header:
    best: list[Any] = []
    for row in rows:
        positions = columns.resolve(row.cells)
        if all(name in positions for name in required):
            _refuse_repeated_headers(path, row, positions)
            return _Header(row.start, list(row.cells), positions)
        if len([c for c in row.cells if not blank(c)]) > len([c for c in best if not blank(c)]):
            best = row.cells
        if row.start >= HEADER_SEARCH_ROWS:
            break
    wanted = ", ".join(f"'{columns.aliases[name][0]}'" for name in required)
    seen = ", ".join(f"'{_one_line(c)}'" for c in best if not blank(c))[:300]
    raise SourceError(
        path,
        f"no header row with the columns {wanted} (the widest row has: {seen or 'nothing'})"
        + _closest_headers(columns, required, best),
    )


def _one_line(cell: Any) -> str:
    """A cell as it may appear in a one-line message: line breaks written as \\n."""
    return str(cell).replace("\r", "\\r").replace("\n", "\\n")


def _closest_headers(columns: Columns, required: Sequence[str], cells: Sequence[Any]) -> str:
    """For each required column the row lacks, the header most like it (a renamed column)."""
    found = columns.resolve(cells)
    used = set(found.values())
    offered = [str(c).strip() for i, c in enumerate(cells) if not blank(c) and i not in used]
    by_normal = {normalise_header(c): c for c in offered}
    hints = []
    for name in required:
        if name in found:
            continue
        aliases = [normalise_header(a) for a in columns.aliases[name]]
        close = [
            match
            for alias in aliases
            for match in difflib.get_close_matches(alias, list(by_normal), n=1, cutoff=0.6)
        ]
        expected = columns.aliases[name][0]
        if close:
            hints.append(
                f"'{expected}' is missing; the closest header is '{_one_line(by_normal[close[0]])}'"
            )
        else:
            hints.append(f"'{expected}' is missing")
    return "; " + "; ".join(hints) + ": rename it back, or export the column" if hints else ""


def _refuse_repeated_headers(path: Path, row: TextRow, positions: dict[str, int]) -> None:
    """Two columns under one header we read: which one holds the values cannot be known."""
    names = [normalise_header(c) for c in row.cells]
    for index in positions.values():
        repeats = [i + 1 for i, name in enumerate(names) if name == names[index]]
        if len(repeats) > 1:
            columns = " and ".join(str(i) for i in repeats)
            raise SourceError(
                path,
                f"columns {columns} are both headed {str(row.cells[index]).strip()!r}: rename "
                "one, or remove the copy, so it is clear which one to read",
                line=row.start,
            )


def iter_rows(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) for every row of a CSV, XLSX or XLS file, by its content not its name."""
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _xls_rows(path, sheet)
    return _csv_rows(path, encoding)


def sheet_names(path: Path) -> list[str]:
    """Names of the sheets of a workbook; a CSV has one unnamed sheet ("")."""
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        with _open_xlsx(path) as workbook:
            return [str(name) for name in workbook.sheetnames]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        book = _open_xls(path)
        try:
            return [str(name) for name in book.sheet_names()]
        finally:
            book.release_resources()
    return [""]


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of a delimited file; a row that cannot be split has no cells."""
    for row in text_rows(path, encoding):
        yield row.start, list(row.cells)


# What openpyxl and xlrd raise for a damaged workbook, found by feeding them damaged files:
# broken XML inside a valid zip (ParseError is a SyntaxError), cut or corrupt zips and OLE
# containers, records of the wrong size (struct.error), and whatever their internals raise
# on values they did not expect (KeyError, IndexError, TypeError, AssertionError, ...; xlrd
# divides by zero on an OLE header whose sector size is a few bytes).
_WORKBOOK_DAMAGE: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,
    struct.error,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    OverflowError,
    ZeroDivisionError,
    AssertionError,
    LookupError,
    RecursionError,
)


def _damaged(path: Path, kind: str, exc: BaseException, row: int | None = None) -> SourceError:
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    where = f" at row {row}" if row is not None else ""
    message = f"not a readable {kind} workbook, damaged{where} ({detail}); export it again"
    return SourceError(path, message)


@contextlib.contextmanager
def _open_xlsx(path: Path) -> Iterator[Any]:
    """The workbook, read-only, closed (with its file) on leaving.

    The file is opened here, not by openpyxl: `load_workbook` given a path leaves the file
    open when it raises on a damaged part, and the leaked handle is a ResourceWarning."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as handle:
        try:
            with warnings.catch_warnings():
                # openpyxl warns about parts it skips (extensions, odd specs); they are not
                # ours to report, and a damaged part that matters raises below.
                warnings.simplefilter("ignore")
                workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (InvalidFileException, *_WORKBOOK_DAMAGE) as exc:
            raise _damaged(path, ".xlsx", exc) from None
        try:
            yield workbook
        finally:
            workbook.close()


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    line = 0
    with _open_xlsx(path) as workbook:
        try:
            if sheet and sheet not in workbook.sheetnames:
                names = ", ".join(workbook.sheetnames)
                raise SourceError(path, f"the workbook has no sheet '{sheet}' (it has {names})")
            worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
            # Rows are parsed as they are read, so damage deep in the sheet shows up here.
            for line, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                yield line, list(cells)
        except _WORKBOOK_DAMAGE as exc:
            raise _damaged(path, ".xlsx", exc, line + 1) from None


class _Discard:
    """A log file for xlrd, which otherwise prints its warnings about damage to stdout."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def _open_xls(path: Path) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(str(path), on_demand=True, logfile=_Discard())
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *_WORKBOOK_DAMAGE) as exc:
        raise _damaged(path, ".xls", exc) from None


def _xls_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    import xlrd

    book = _open_xls(path)
    index = 0
    try:
        if sheet and sheet not in book.sheet_names():
            names = ", ".join(book.sheet_names())
            raise SourceError(path, f"the workbook has no sheet '{sheet}' (it has {names})")
        # on_demand: the sheet's records are parsed here, where a cut file shows.
        worksheet = book.sheet_by_name(sheet) if sheet else book.sheet_by_index(0)
        for index in range(worksheet.nrows):
            yield index + 1, [_xls_cell(book, cell) for cell in worksheet.row(index)]
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *_WORKBOOK_DAMAGE) as exc:
        raise _damaged(path, ".xls", exc, index + 1) from None
    finally:
        book.release_resources()


def _xls_cell(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            # A date cell out of Excel's range: its serial number, which no date parser
            # accepts, so the row is rejected where the date is needed rather than the file.
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def first_rows(path: Path, encoding: str | None, sheet: str | None = None) -> list[list[Any]]:
    """The cells of the file's first rows, where its header must be; the file is closed after."""
    rows = iter_rows(path, encoding=encoding, sheet=sheet)
    try:
        return [cells for _, cells in islice(rows, HEADER_SEARCH_ROWS)]
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # closes the file now rather than when the generator is collected


def first_present(values: Iterable[object]) -> object:
    """The first value that is not None or blank text."""
    return next((v for v in values if not blank(v)), None)


HEAD_BYTES = 64 * 1024


def _decode_head(head: bytes, encoding: str | None) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("utf-8", errors="ignore")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    return head.decode(encoding or "utf-8", errors="ignore")


def read_head(path: Path) -> bytes:
    """The first 64 KiB of a file, as detection sees them."""
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def _is_workbook(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def csv_delimiter(head: bytes, encoding: str | None = None) -> str:
    """The delimiter tabular reading picks for a file starting with `head` (`,`, `;` or tab).

    Workbooks give "," since their cells hold numbers, not text with separators.
    """
    if _is_workbook(head):
        return ","
    first = _decode_head(head, encoding).split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def head_rows(
    path: Path, head: bytes, limit: int = HEADER_SEARCH_ROWS, encoding: str | None = None
) -> list[list[str]]:
    """The first rows of a CSV (from its first bytes) or workbook, for detection.

    Never raises: a file this cannot read has no rows, so no connector claims it.
    """
    if _is_workbook(head):
        return _workbook_head(path, limit)
    lines = _decode_head(head, encoding).splitlines()[:limit]
    if not lines:
        return []
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    try:
        return [list(cells) for cells in csv.reader(lines, delimiter=delimiter)]
    except csv.Error:
        return []


def header_names(
    path: Path,
    columns: Columns,
    required: Sequence[str],
    encoding: str | None = None,
    sheet: str | None = None,
) -> dict[str, str]:
    """Logical column → the header text the file uses, from the header row `read_records`
    finds, read as it reads it (not from the file's first bytes, which a long title or
    header line outruns); raises :class:`SourceError` as it does for a file without one.

    Rejections name the column as the file does ("Close Date", not a logical name), and
    notices of absent columns are said from it.
    """
    rows = _rows(path, encoding, sheet)
    try:
        header = _find_header(path, rows, columns, required)
    finally:
        rows.close()  # a workbook is closed now, not when the generator is collected
    return {name: str(header.cells[i]).strip() for name, i in header.positions.items()}


def _workbook_head(path: Path, limit: int) -> list[list[str]]:
    rows: Iterator[tuple[int, list[Any]]] | None = None
    try:
        rows = iter_rows(path)
        return [["" if c is None else str(c) for c in cells] for _, cells in islice(rows, limit)]
    except Exception:  # any zip or workbook that is not ours is simply not detected
        return []
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # closes the workbook the generator opened


def header_namer(headers: dict[str, str], columns: Columns) -> Callable[[str], str]:
    """Logical column → the file's header (from :func:`header_names`), else its first alias."""
    return lambda name: headers.get(name) or columns.aliases[name][0]


def file_labels(
    path: Path, columns: Columns, required: Sequence[str], encoding: str | None
) -> Callable[[str], str]:
    """Logical column → the header as this file spells it, for rejections that name it."""
    return header_namer(header_names(path, columns, required, encoding), columns)


def head_has(path: Path, head: bytes, *wanted: str) -> bool:
    """True when one of the file's first rows holds every header in `wanted` (any case)."""
    names = {normalise_header(w) for w in wanted}
    return any(names <= {normalise_header(c) for c in cells} for cells in head_rows(path, head))
