"""Reading delimited text (CSV, semicolon- or tab-separated) strictly, row by row.

A CSV damaged in everyday ways must never be read as something else: one stray `"` opens a
quoted cell that swallows every following line, a download cut short ends mid-row, a
hand-edited row gains a separator. Python's reader, left lenient, merges such rows into
their neighbours without a word. This reader is strict and says where:

* a quote never closed before the end of the file refuses the file, naming the line it
  opened on (everything after it would be one cell);
* a closed quote followed by more text (`"abc"def`) makes that row a problem, and reading
  goes on at the next line;
* the last row of a file that does not end with a line break is marked unterminated: a
  download cut short ends exactly so, and its last cell is then cut too;
* each row carries the physical lines it spans and its raw text, so a row that is a
  merge of several lines can be told from one with a line break inside a quoted cell.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from outcomes.sources.base import SourceError

DELIMITERS: Final = (",", ";", "\t")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class TextRow:
    """One row of a delimited file: the lines it spans, its cells, its text as written."""

    start: int
    end: int
    cells: list[str]
    raw: str
    terminated: bool = True
    """False for a last row with no line break after it: possibly cut short."""
    problem: str | None = None
    """Why the row cannot be split into cells (its `cells` are then empty)."""


def text_rows(path: Path, encoding: str | None) -> Iterator[TextRow]:
    """Every row of a delimited text file, strictly; raises `SourceError` if it cannot be read."""
    lines = _Lines(decoded_lines(path, encoding))
    first = lines.peek()
    if first is None:
        raise SourceError(path, "the file is empty; export it again")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if lines.exhausted:
                raise SourceError(
                    path,
                    "a quoted cell opened on this line is never closed: the rest of the file "
                    "would read as one cell. Close the quote (a quote inside a quoted cell is "
                    'written twice: "") or export the file again',
                    line=start,
                ) from None
            raw = lines.taken().rstrip("\r\n")
            yield TextRow(start, reader.line_num, [], raw, problem=_quote_problem(exc))
            continue
        raw = lines.taken()
        yield TextRow(start, reader.line_num, cells, raw.rstrip("\r\n"), raw.endswith("\n"))


def _quote_problem(exc: csv.Error) -> str:
    return (
        f"the row cannot be split into cells ({exc}): a quote in the middle of a cell? "
        'Write a quote inside a quoted cell twice ("")'
    )


class _Lines:
    """An iterator over lines that remembers the text the reader took since last asked."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._first: str | None = None
        self._peeked = False
        self._taken: list[str] = []
        self.exhausted = False

    def peek(self) -> str | None:
        if not self._peeked:
            self._first = next(self._lines, None)
            self._peeked = True
        return self._first

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line: str | None
        if self._peeked and self._first is not None:
            line, self._first = self._first, None
        else:
            line = next(self._lines, None)
        if line is None:
            self.exhausted = True
            raise StopIteration
        self._peeked = True
        self._taken.append(line)
        return line

    def taken(self) -> str:
        """The text consumed since the last call: the raw text of the row just read."""
        text = "".join(self._taken)
        self._taken = []
        return text


def decoded_lines(path: Path, encoding: str | None) -> Iterator[str]:
    """Text lines, decoding with a BOM's encoding, else `encoding`, else strict UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        chosen = encoding or bom_encoding(head) or "utf-8"
        try:
            decoder = codecs.getincrementaldecoder(chosen)(errors="strict")
        except LookupError:
            message = f"no text encoding called {chosen!r}; try utf-8 or cp1252"
            raise SourceError(path, message) from None
        line_no = 0
        pending = ""
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            try:
                text = pending + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line_no += (pending + _decodable_prefix(chunk, exc, chosen)).count("\n")
                raise _not_encoded(path, chosen, chunk[exc.start], line_no + 1) from None
            parts = text.split("\n")
            pending = parts.pop()
            for part in parts:
                line_no += 1
                yield part.replace("\x00", "") + "\n"
        try:
            pending += decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:  # the file ends inside a character: cut short
            raise SourceError(
                path,
                f"the file ends inside a {chosen} character ({exc.reason}): it was cut short; "
                "download or export it again",
                line=line_no + 1,
            ) from None
        if pending:
            yield pending.replace("\x00", "")


def _not_encoded(path: Path, encoding: str, byte: int, line: int) -> SourceError:
    return SourceError(
        path,
        f"byte 0x{byte:02X} is not {encoding}; save the file as UTF-8 "
        "or pass the file's encoding (e.g. --encoding cp1252)",
        line=line,
    )


def _decodable_prefix(chunk: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    return chunk[: exc.start].decode(encoding, errors="replace")


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark names, if the file starts with one."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None
