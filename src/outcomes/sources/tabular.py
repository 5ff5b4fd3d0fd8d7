"""Reading spreadsheet-like exports (CSV, XLSX, XLS) as records keyed by logical column names.

Exports rename their headers over time (LinkedIn's "Shares" became "Reposts"), put a title
row above the header, and come in more than one encoding. This module finds the header
row by the columns a connector needs, maps each logical column to whichever alias the
file uses, and streams the rows with their line numbers.
"""

from __future__ import annotations

import codecs
import csv
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from outcomes.sources.base import SourceError

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
    """One data row: its line in the file (1-based), its cells by logical name, and the raw text."""

    line: int
    values: dict[str, Any]
    raw: str

    def get(self, name: str) -> Any:
        """The cell of a logical column, or None when the file lacks that column."""
        return self.values.get(name)


def read_records(
    path: Path,
    columns: Columns,
    *,
    required: Sequence[str],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Record]:
    """Stream the records of a CSV, XLSX or XLS file under logical column names.

    The header is the first row (within the first rows) holding every `required` column;
    a file without one raises :class:`SourceError` naming what was missing and what was
    there. Blank rows are skipped.
    """
    rows = iter_rows(path, encoding=encoding, sheet=sheet)
    header_line, positions = _find_header(path, rows, columns, required)
    del header_line
    for line, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        values = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
        yield Record(line, values, ",".join("" if c is None else str(c) for c in cells))


def _find_header(
    path: Path, rows: Iterator[tuple[int, list[Any]]], columns: Columns, required: Sequence[str]
) -> tuple[int, dict[str, int]]:
    best: list[Any] = []
    for line, cells in rows:
        positions = columns.resolve(cells)
        if all(name in positions for name in required):
            return line, positions
        if len([c for c in cells if not _blank(c)]) > len([c for c in best if not _blank(c)]):
            best = cells
        if line >= HEADER_SEARCH_ROWS:
            break
    wanted = ", ".join(f"'{columns.aliases[name][0]}'" for name in required)
    seen = ", ".join(f"'{c}'" for c in best if not _blank(c))[:300]
    raise SourceError(
        path, f"no header row with the columns {wanted} (the widest row has: {seen or 'nothing'})"
    )


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


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
        workbook = _open_xlsx(path)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return list(_open_xls(path).sheet_names())
    return [""]


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, list[Any]]]:
    lines = _decoded_lines(path, encoding)
    first = next(lines, None)
    if first is None:
        raise SourceError(path, "the file is empty; export it again")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(_prepend(first, lines), delimiter=delimiter)
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            yield start, cells
    except csv.Error as exc:
        raise SourceError(path, f"CSV cannot be read: {exc}", line=reader.line_num) from None


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _decoded_lines(path: Path, encoding: str | None) -> Iterator[str]:
    """Text lines, decoding with a BOM's encoding, else `encoding`, else strict UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        chosen = encoding or _bom_encoding(head) or "utf-8"
        decoder = codecs.getincrementaldecoder(chosen)(errors="strict")
        line_no = 0
        pending = ""
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            try:
                text = pending + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line_no += (pending + _decodable_prefix(chunk, exc, chosen)).count("\n")
                raise SourceError(
                    path,
                    f"byte 0x{chunk[exc.start]:02X} is not {chosen}; save the file as UTF-8 "
                    "or pass the file's encoding (e.g. --encoding cp1252)",
                    line=line_no + 1,
                ) from None
            parts = text.split("\n")
            pending = parts.pop()
            for part in parts:
                line_no += 1
                yield part.replace("\x00", "") + "\n"
        pending += decoder.decode(b"", final=True)
        if pending:
            yield pending.replace("\x00", "")


def _decodable_prefix(chunk: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    return chunk[: exc.start].decode(encoding, errors="replace")


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _open_xlsx(path: Path) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise SourceError(path, f"not a readable .xlsx workbook ({exc}); export it again") from None


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    workbook = _open_xlsx(path)
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        for line, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    except KeyError:
        raise SourceError(
            path, f"the workbook has no sheet '{sheet}' (it has {', '.join(workbook.sheetnames)})"
        ) from None
    finally:
        workbook.close()


def _open_xls(path: Path) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError) as exc:
        raise SourceError(path, f"not a readable .xls workbook ({exc}); export it again") from None


def _xls_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    import xlrd

    book = _open_xls(path)
    try:
        worksheet = book.sheet_by_name(sheet) if sheet else book.sheet_by_index(0)
    except xlrd.XLRDError:
        raise SourceError(
            path, f"the workbook has no sheet '{sheet}' (it has {', '.join(book.sheet_names())})"
        ) from None
    for index in range(worksheet.nrows):
        yield index + 1, [_xls_cell(book, cell) for cell in worksheet.row(index)]


def _xls_cell(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
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
    return next((v for v in values if not _blank(v)), None)


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
    path: Path, head: bytes, columns: Columns, required: Sequence[str], encoding: str | None = None
) -> dict[str, str]:
    """Logical column → the header text the file uses, from the header row `read_records` picks.

    Rejections name the column as the file does ("Close Date", not a logical name).
    """
    for cells in head_rows(path, head, encoding=encoding):
        positions = columns.resolve(cells)
        if all(name in positions for name in required):
            return {name: cells[i].strip() for name, i in positions.items()}
    return {}


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
