"""A small library of damage: named, deterministic functions from good bytes to damaged bytes.

Each :class:`Mutation` takes a good export's bytes and returns them damaged the way exports
get damaged in practice: cut short (mid-header, mid-cell, mid-quote, mid-character), a
stray quote, a header renamed, dropped or repeated, another encoding or line ending, NaN,
infinities and out-of-range numbers or dates, lone surrogates, a separator too many or
too few, a row shifted, every row (or the whole file) twice, blank lines, NUL bytes, an id
a spreadsheet rounded; for JSON wrong types, deep nesting, NaN literals; for zips and
workbooks cut archives, broken XML and content types.
"Re-export with a column missing" mutations name the headers (or JSON fields) the damaged
file lacks in `absent`.

This module holds the `Mutation` type, what the families share and the damages of
delimited text (`text_mutations`); the damages of workbooks and zips are in
`tests/sources/corpus_workbook.py`, those of JSON in `tests/sources/corpus_json.py`, and
the Mastodon archive's own in `tests/sources/corpus_outbox.py`.

Randomness (which cell gets the stray quote) is seeded by the mutation's name, so a
mutation gives the same bytes on every run and machine.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Mutate = Callable[[bytes], bytes]
Rows = list[list[Any]]


@dataclass(frozen=True)
class Mutation:
    """A named damage. `absent`: headers or fields the damaged file no longer has."""

    name: str
    mutate: Mutate
    absent: tuple[str, ...] = ()
    beside: tuple[tuple[str, Mutate | None], ...] = ()
    """Damage to the files written beside it (an outbox's actor.json): name → the change,
    or None for a file left out."""
    rejects: int | None = None
    """How many more records than the good file the damaged file must reject, changing no
    stored value (a record giving a key twice with two values: 1); None: not checked."""

    def __call__(self, good: bytes) -> bytes:
        return self.mutate(good)


def rng(name: str) -> random.Random:
    """A generator seeded by a name (str seeds are hashed with SHA-512: stable everywhere)."""
    return random.Random(f"corpus:{name}")


def cut(data: bytes, at: int) -> bytes:
    return data[: max(0, min(len(data), at))]


def beside_mutation(
    name: str, sibling: str, change: Mutate | None, resave: Mutate = lambda good: good
) -> Mutation:
    """The file `sibling` beside it damaged by `change` (None: left out).

    The file itself is left as it is (`resave` may change it too): its bytes were loaded
    before, but the owner file beside it is part of what it means, so it is read again.
    """
    return Mutation(name, resave, beside=((sibling, change),))


# --- delimited text ----------------------------------------------------------------------------


@dataclass
class Sheet:
    """A delimited file as rows of cells, with how it was written."""

    rows: Rows
    delimiter: str
    bom: bool
    header: int

    @property
    def width(self) -> int:
        return len(self.rows[self.header])

    def column(self, name: str) -> int:
        return [str(c).strip() for c in self.rows[self.header]].index(name)

    def data_rows(self) -> list[int]:
        """Indexes of the rows below the header as wide as it (footers and blanks excluded)."""
        return [
            i
            for i in range(self.header + 1, len(self.rows))
            if len(self.rows[i]) == self.width and any(str(c).strip() for c in self.rows[i])
        ]


def parse_sheet(good: bytes, header: str) -> Sheet:
    """The good file's rows; `header` is a header cell that identifies the header row."""
    bom = good.startswith(codecs.BOM_UTF8)
    text = good.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    index = next(i for i, r in enumerate(rows) if header in [c.strip() for c in r])
    return Sheet(rows, delimiter, bom, index)


def quote_cell(cell: object, delimiter: str) -> str:
    text = "" if cell is None else str(cell)
    if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def render(
    sheet: Sheet, raw: dict[tuple[int, int], str] | None = None, *, newline: str = "\n"
) -> bytes:
    """The sheet written as CSV; `raw` gives cells written exactly as given (no quoting)."""
    raw = raw or {}
    lines = []
    for r, row in enumerate(sheet.rows):
        cells = [raw.get((r, c), quote_cell(cell, sheet.delimiter)) for c, cell in enumerate(row)]
        lines.append(sheet.delimiter.join(cells) + newline)
    data = "".join(lines).encode("utf-8", "surrogatepass")
    return (codecs.BOM_UTF8 if sheet.bom else b"") + data


@dataclass(frozen=True)
class TextColumns:
    """What the mutations of one delimited export need to know about its headers."""

    header: str
    """A header cell that is always there (finds the header row)."""
    important: Sequence[str]
    """Headers renamed, dropped and duplicated one by one (required ones refuse the file)."""
    optional: Sequence[str]
    """Headers a re-export may lack: each dropped gives a column-missing mutation."""
    numeric: str
    date: str
    text: str
    ids: str | None = None
    """An identifier column (its header ends in "ID"), whose long numbers a spreadsheet
    rounds (`1.2023E+17`); None for an export without one."""


def _sheet_mutation(
    name: str, columns: TextColumns, change: Callable[[Sheet, random.Random], bytes], **kw: Any
) -> Mutation:
    def mutate(good: bytes) -> bytes:
        return change(parse_sheet(good, columns.header), rng(name))

    return Mutation(name, mutate, **kw)


def _data_cells(sheet: Sheet, r: random.Random, count: int) -> list[tuple[int, int]]:
    cells = [(i, c) for i in sheet.data_rows() for c in range(sheet.width) if sheet.rows[i][c]]
    return r.sample(cells, min(count, len(cells)))


def _middle_row(sheet: Sheet) -> int:
    rows = sheet.data_rows()
    return rows[len(rows) // 2]


def _set(sheet: Sheet, header: str, value: str, row: int | None = None) -> Sheet:
    sheet = copy.deepcopy(sheet)
    sheet.rows[_middle_row(sheet) if row is None else row][sheet.column(header)] = value
    return sheet


def _with_accent(sheet: Sheet, header: str) -> Sheet:
    """The sheet with non-ASCII text (é, €) in a text cell of the middle row."""
    row = _middle_row(sheet)
    return _set(sheet, header, str(sheet.rows[row][sheet.column(header)]) + " Café €", row)


def _drop_column(sheet: Sheet, header: str) -> Sheet:
    sheet = copy.deepcopy(sheet)
    index = sheet.column(header)
    for row in sheet.rows:
        if len(row) > index and (row is sheet.rows[sheet.header] or len(row) > 1):
            del row[index]
    return sheet


def _rename(sheet: Sheet, header: str, new: str) -> Sheet:
    sheet = copy.deepcopy(sheet)
    sheet.rows[sheet.header][sheet.column(header)] = new
    return sheet


def _duplicate_column(sheet: Sheet, header: str) -> Sheet:
    sheet = copy.deepcopy(sheet)
    index = sheet.column(header)
    for row in sheet.rows:
        if len(row) > index and (row is sheet.rows[sheet.header] or len(row) > 1):
            row.append(row[index])
    return sheet


def _truncations(columns: TextColumns) -> list[Mutation]:
    def fraction(f: float) -> Mutation:
        return Mutation(f"cut at {f:.0%}", lambda good: cut(good, int(len(good) * f)))

    def mid_header(good: bytes) -> bytes:
        sheet = parse_sheet(good, columns.header)
        start = good.find(str(sheet.rows[sheet.header][0]).encode())
        end = good.find(b"\n", start)
        return cut(good, (start + end) // 2)

    def after_header(good: bytes) -> bytes:
        sheet = parse_sheet(good, columns.header)
        start = good.find(str(sheet.rows[sheet.header][-1]).encode())
        return cut(good, good.find(b"\n", start) + 1)

    def mid_cell(good: bytes) -> bytes:
        sheet = parse_sheet(good, columns.header)
        last = sheet.data_rows()[-1]
        sheet.rows = sheet.rows[: last + 1]
        data = render(sheet).rstrip(b"\n")
        cell = str(sheet.rows[last][sheet.column(columns.text)]).encode()
        at = data.rfind(cell) + max(1, len(cell) // 2) if cell else len(data) - 2
        return cut(data, at)

    def mid_quote(good: bytes) -> bytes:
        sheet = parse_sheet(good, columns.header)
        row = _middle_row(sheet)
        raw = {(row, sheet.column(columns.text)): '"quoted, cut'}
        data = render(sheet, raw)
        return cut(data, data.find(b'"quoted, cut') + 8)

    def mid_multibyte(good: bytes) -> bytes:
        data = render(_with_accent(parse_sheet(good, columns.header), columns.text))
        return cut(data, data.find("é".encode()) + 1)

    def no_final_newline(good: bytes) -> bytes:
        return good.rstrip(b"\r\n")

    return [
        *(fraction(f) for f in (0.2, 0.4, 0.6, 0.8, 0.95)),
        Mutation("cut mid-header", mid_header),
        Mutation("cut after the header", after_header),
        Mutation("cut mid-cell", mid_cell),
        Mutation("cut mid-quote", mid_quote),
        Mutation("cut mid-multibyte character", mid_multibyte),
        Mutation("cut before the final line break", no_final_newline),
    ]


def _stray_quotes(columns: TextColumns) -> list[Mutation]:
    """A `"` at the start, middle or end of five seeded cells, one mutation each."""

    def place(index: int, where: str) -> Mutation:
        def change(sheet: Sheet, r: random.Random) -> bytes:
            row, col = _data_cells(sheet, r, 5)[index - 1]
            text = str(sheet.rows[row][col])
            at = {"start": 0, "middle": len(text) // 2, "end": len(text)}[where]
            raw = quote_cell(text, sheet.delimiter)
            if raw != text:  # an already quoted cell: the stray quote goes inside the quotes
                at += 1
            return render(sheet, {(row, col): raw[:at] + '"' + raw[at:]})

        # One seed for the five, so they are five different cells.
        return _sheet_mutation(
            f"stray quote {index} ({where})", columns, lambda s, _r: change(s, rng("stray quotes"))
        )

    wheres = ("start", "middle", "end", "start", "middle")
    return [place(i + 1, where) for i, where in enumerate(wheres)]


def text_mutations(columns: TextColumns) -> list[Mutation]:
    """At least 40 mutations of a delimited export (CSV, `;` or tab separated)."""
    c = columns

    def sheet(name: str, change: Callable[[Sheet], Sheet], **kw: Any) -> Mutation:
        return _sheet_mutation(name, c, lambda s, _r: render(change(s)), **kw)

    def raw(name: str, change: Mutate) -> Mutation:
        return Mutation(name, change)

    found: list[Mutation] = [*_truncations(c)]
    found += _stray_quotes(c)
    for header in c.important:
        found.append(
            sheet(
                f"header {header!r} renamed",
                lambda s, h=header: _rename(s, h, h + " (old)"),
                absent=(header,),
            )
        )
        found.append(
            sheet(
                f"column {header!r} dropped",
                lambda s, h=header: _drop_column(s, h),
                absent=(header,),
            )
        )
        found.append(
            sheet(f"column {header!r} duplicated", lambda s, h=header: _duplicate_column(s, h))
        )
    for header in c.optional:
        if header not in c.important:
            found.append(
                sheet(
                    f"re-export without {header!r}",
                    lambda s, h=header: _drop_column(s, h),
                    absent=(header,),
                )
            )
    found += [
        sheet("header cell emptied, cells shifted", lambda s: _rename(s, c.important[0], "")),
        sheet("two headers with one name", lambda s: _rename(s, c.text, c.important[0])),
        _sheet_mutation(
            "cp1252",
            c,
            lambda s, _r: (
                render(_with_accent(s, c.text)).decode("utf-8-sig").encode("cp1252", "replace")
            ),
        ),
        _sheet_mutation(
            "utf-16 with BOM",
            c,
            lambda s, _r: render(_with_accent(s, c.text)).decode("utf-8-sig").encode("utf-16"),
        ),
        raw("utf-16-le without BOM", lambda g: g.decode("utf-8-sig").encode("utf-16-le")),
        raw(
            "BOM added or removed",
            lambda g: g[3:] if g.startswith(codecs.BOM_UTF8) else codecs.BOM_UTF8 + g,
        ),
        raw("latin-1 byte in a cell", lambda g: g.replace(b"\n", b"\xe9\n", 2)),
        raw("line endings switched (LF and CRLF)", _switch_line_endings),
        raw("CR line endings", lambda g: g.replace(b"\r\n", b"\n").replace(b"\n", b"\r")),
    ]
    for value in ("NaN", "inf", "1e999", "-5", "1e300"):
        found.append(sheet(f"{value} in {c.numeric!r}", lambda s, v=value: _set(s, c.numeric, v)))
    for value in ("1970-01-21 08:00", "58000-01-01", "1772445600000"):
        found.append(sheet(f"{value} in {c.date!r}", lambda s, v=value: _set(s, c.date, v)))
    found += [
        sheet("escaped lone surrogate text", lambda s: _set(s, c.text, "broken \\ud800 text")),
        _sheet_mutation(
            "lone surrogate bytes (CESU)",
            c,
            lambda s, _r: render(_set(s, c.text, "broken \ud800 text")),
        ),
        _sheet_mutation("an extra separator in a row", c, _extra_separator),
        _sheet_mutation("a row with a missing cell", c, _missing_cell),
        sheet("a row repeated", _repeat_row),
        sheet("every row twice", _every_row_twice),
        raw("the file twice, one after the other", lambda g: g + g),
        sheet("a row shifted right by one column", _shift_row),
        sheet("the header repeated among the rows", _repeat_header, rejects=1),
        _sheet_mutation("blank lines between rows", c, _blank_lines),
        raw("trailing blank and whitespace lines", lambda g: g + b"\n\n   \n" + b"\t\n"),
        sheet("NUL byte in a cell", lambda s: _set(s, c.text, "nul\x00here")),
        raw("NUL-filled tail", lambda g: g + b"\x00" * 512),
        raw("empty file", lambda g: b""),
        raw("binary garbage after the header", lambda g: _after_header(g, c, bytes(range(256)))),
        sheet("a very long cell", lambda s: _set(s, c.text, "x" * 200_000)),
    ]
    if c.ids is not None:
        ids = c.ids
        found.append(sheet("an id saved by a spreadsheet", lambda s: _round_id(s, ids), rejects=1))
    return found


ROUNDED = "1.2023E+17"
"""A long id as a spreadsheet saves it once it has opened the file (Excel's default)."""


def _round_id(sheet: Sheet, header: str) -> Sheet:
    """The first row's id as a spreadsheet saves it: the first row, since a good file's
    middle row may be one it rejects already (Meta's has a bad Reach)."""
    return _set(sheet, header, ROUNDED, sheet.data_rows()[0])


def _switch_line_endings(good: bytes) -> bytes:
    if b"\r\n" in good:
        return good.replace(b"\r\n", b"\n")
    return good.replace(b"\n", b"\r\n")


def _after_header(good: bytes, columns: TextColumns, tail: bytes) -> bytes:
    sheet = parse_sheet(good, columns.header)
    start = good.find(str(sheet.rows[sheet.header][-1]).encode())
    return cut(good, good.find(b"\n", start) + 1) + tail


def _extra_separator(sheet: Sheet, r: random.Random) -> bytes:
    [(row, col)] = _data_cells(sheet, r, 1)
    text = quote_cell(sheet.rows[row][col], sheet.delimiter)
    return render(sheet, {(row, col): text + sheet.delimiter + "extra"})


def _missing_cell(sheet: Sheet, r: random.Random) -> bytes:
    sheet = copy.deepcopy(sheet)
    row = r.choice(sheet.data_rows())
    del sheet.rows[row][r.randrange(1, sheet.width)]
    return render(sheet)


def _repeat_row(sheet: Sheet) -> Sheet:
    sheet = copy.deepcopy(sheet)
    row = _middle_row(sheet)
    sheet.rows.insert(row + 1, list(sheet.rows[row]))
    return sheet


def _every_row_twice(sheet: Sheet) -> Sheet:
    """Each data row followed by its copy: the same records twice, never counted twice."""
    sheet = copy.deepcopy(sheet)
    for row in reversed(sheet.data_rows()):
        sheet.rows.insert(row + 1, list(sheet.rows[row]))
    return sheet


def _shift_row(sheet: Sheet) -> Sheet:
    """The middle row's cells one column to the right, its last cell lost: as wide as the
    header, so only its values can tell that each is under the wrong column."""
    sheet = copy.deepcopy(sheet)
    row = _middle_row(sheet)
    sheet.rows[row] = ["", *sheet.rows[row][:-1]]
    return sheet


def _repeat_header(sheet: Sheet) -> Sheet:
    """Two exports pasted one after the other: the header again after the middle row."""
    sheet = copy.deepcopy(sheet)
    sheet.rows.insert(_middle_row(sheet) + 1, list(sheet.rows[sheet.header]))
    return sheet


def _blank_lines(sheet: Sheet, _r: random.Random) -> bytes:
    lines = render(sheet).split(b"\n")
    return b"\n\n".join(lines[: sheet.header + 1]) + b"\n" + b"\n\n".join(lines[sheet.header + 1 :])
