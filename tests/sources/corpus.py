"""A small library of damage: named, deterministic functions from good bytes to damaged bytes.

Each :class:`Mutation` takes a good export's bytes and returns them damaged the way exports
get damaged in practice: cut short (mid-header, mid-cell, mid-quote, mid-character), a
stray quote, a header renamed, dropped or repeated, another encoding or line ending, NaN,
infinities and out-of-range numbers or dates, lone surrogates, a separator too many or
too few, blank lines, NUL bytes; for JSON wrong types, deep nesting, NaN literals; for
zips and workbooks cut archives, broken XML and content types. "Re-export with a column
missing" mutations name the headers (or JSON fields) the damaged file lacks in `absent`.

Randomness (which cell gets the stray quote) is seeded by the mutation's name, so a
mutation gives the same bytes on every run and machine.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

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
        _sheet_mutation("blank lines between rows", c, _blank_lines),
        raw("trailing blank and whitespace lines", lambda g: g + b"\n\n   \n" + b"\t\n"),
        sheet("NUL byte in a cell", lambda s: _set(s, c.text, "nul\x00here")),
        raw("NUL-filled tail", lambda g: g + b"\x00" * 512),
        raw("empty file", lambda g: b""),
        raw("binary garbage after the header", lambda g: _after_header(g, c, bytes(range(256)))),
        sheet("a very long cell", lambda s: _set(s, c.text, "x" * 200_000)),
    ]
    return found


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


def _blank_lines(sheet: Sheet, _r: random.Random) -> bytes:
    lines = render(sheet).split(b"\n")
    return b"\n\n".join(lines[: sheet.header + 1]) + b"\n" + b"\n\n".join(lines[sheet.header + 1 :])


# --- workbooks ------------------------------------------------------------------------------


def xlsx_bytes(sheets: dict[str, Rows]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    # openpyxl stamps the time into docProps/core.xml and the zip entries: written again
    # with fixed ones, the same rows give the same bytes.
    members = _zip_members(out.getvalue())
    members["docProps/core.xml"] = re.sub(
        rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", members["docProps/core.xml"]
    )
    return zip_bytes(members)


def xlsx_sheets(data: bytes) -> dict[str, Rows]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets
    }


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def _replace_member(member: str, change: Callable[[bytes], bytes]) -> Mutate:
    def mutate(good: bytes) -> bytes:
        members = _zip_members(good)
        found = next((n for n in members if n == member or n.endswith("/" + member)), member)
        members[found] = change(members.get(found, b""))
        return zip_bytes(members)

    return mutate


def _without_member(member: str) -> Mutate:
    def mutate(good: bytes) -> bytes:
        return zip_bytes({n: d for n, d in _zip_members(good).items() if n != member})

    return mutate


def zip_mutations() -> list[Mutation]:
    """Damage to the zip container itself."""

    def flip(at: float) -> Mutate:
        def mutate(good: bytes) -> bytes:
            data = bytearray(good)
            for i in range(int(len(data) * at), min(len(data), int(len(data) * at) + 16)):
                data[i] ^= 0x5A
            return bytes(data)

        return mutate

    return [
        *(
            Mutation(f"zip cut at {f:.0%}", lambda g, f=f: cut(g, int(len(g) * f)))
            for f in (0.1, 0.5, 0.9, 0.99)
        ),
        Mutation("zip cut to its signature", lambda g: g[:4]),
        Mutation("zip bytes flipped at 30%", flip(0.3)),
        Mutation("zip bytes flipped at 70%", flip(0.7)),
        Mutation("zip central directory damaged", lambda g: g[:-22] + b"\x00" * 22),
        Mutation("zip signature then garbage", lambda g: b"PK\x03\x04" + bytes(range(256)) * 4),
        Mutation("zip empty", lambda g: zip_bytes({})),
    ]


def _rows_mutation(name: str, change: Callable[[Rows], Rows], **kw: Any) -> Mutation:
    """A change to the first sheet's rows, the workbook written again."""

    def mutate(good: bytes) -> bytes:
        sheets = xlsx_sheets(good)
        first = next(iter(sheets))
        sheets[first] = change(copy.deepcopy(sheets[first]))
        return xlsx_bytes(sheets)

    return Mutation(name, mutate, **kw)


def workbook_mutations(columns: TextColumns) -> list[Mutation]:
    """At least 40 mutations of an .xlsx export: its zip, its XML, and its first sheet's rows."""
    c = columns

    def header_row(rows: Rows) -> int:
        return next(i for i, r in enumerate(rows) if c.header in [str(x).strip() for x in r])

    def col(rows: Rows, name: str) -> int:
        return [str(x).strip() for x in rows[header_row(rows)]].index(name)

    def middle(rows: Rows) -> int:
        h = header_row(rows)
        data = [i for i in range(h + 1, len(rows)) if any(x not in (None, "") for x in rows[i])]
        return data[len(data) // 2]

    def put(name: str, value: Any) -> Callable[[Rows], Rows]:
        def change(rows: Rows) -> Rows:
            rows[middle(rows)][col(rows, name)] = value
            return rows

        return change

    def drop(name: str) -> Callable[[Rows], Rows]:
        def change(rows: Rows) -> Rows:
            i = col(rows, name)
            return [r[:i] + r[i + 1 :] if len(r) > i else r for r in rows]

        return change

    def rename(name: str, new: str) -> Callable[[Rows], Rows]:
        def change(rows: Rows) -> Rows:
            rows[header_row(rows)][col(rows, name)] = new
            return rows

        return change

    def duplicate(name: str) -> Callable[[Rows], Rows]:
        def change(rows: Rows) -> Rows:
            i = col(rows, name)
            return [[*r, r[i]] if len(r) > i else r for r in rows]

        return change

    def sheet_xml(change: Callable[[bytes], bytes]) -> Mutate:
        return _replace_member("xl/worksheets/sheet1.xml", change)

    found = [*zip_mutations()]
    found += [
        Mutation("sheet XML cut in half", sheet_xml(lambda x: x[: len(x) // 2])),
        Mutation("sheet XML tags unbalanced", sheet_xml(lambda x: x.replace(b"</row>", b"", 1))),
        Mutation("sheet XML not XML", sheet_xml(lambda x: b"\x00\xff garbage <<<")),
        Mutation(
            "sheet XML cell type unknown",
            sheet_xml(lambda x: re.sub(rb'<c r="([A-Z]+2)"', rb'<c r="\1" t="zz"', x)),
        ),
        Mutation(
            "sheet XML cell reference broken", sheet_xml(lambda x: re.sub(rb'r="A2"', b'r="??"', x))
        ),
        Mutation(
            "sheet XML number not a number",
            sheet_xml(lambda x: re.sub(rb"<v>\d+</v>", b"<v>12abc</v>", x, count=1)),
        ),
        Mutation(
            "sheet XML NaN value",
            sheet_xml(lambda x: re.sub(rb"<v>\d+</v>", b"<v>NaN</v>", x, count=1)),
        ),
        Mutation(
            "sheet XML huge row number",
            sheet_xml(lambda x: x.replace(b'<row r="2"', b'<row r="99999999999"')),
        ),
        Mutation(
            "sheet XML deep nesting",
            sheet_xml(
                lambda x: x.replace(
                    b"<sheetData>", b"<sheetData>" + b"<a>" * 50_000 + b"</a>" * 50_000
                )
            ),
        ),
        Mutation(
            "sheet XML entity expansion",
            sheet_xml(
                lambda x: (
                    b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                    + x.split(b"?>", 1)[-1].replace(b"<sheetData>", b"<sheetData>&b;")
                )
            ),
        ),
        Mutation("sheet XML missing", _without_member("xl/worksheets/sheet1.xml")),
        Mutation("workbook XML missing", _without_member("xl/workbook.xml")),
        Mutation("content types missing", _without_member("[Content_Types].xml")),
        Mutation(
            "content types wrong",
            _replace_member(
                "[Content_Types].xml",
                lambda x: x.replace(
                    b"spreadsheetml.sheet.main+xml", b"wordprocessingml.document.main+xml"
                ),
            ),
        ),
        Mutation(
            "content types not XML", _replace_member("[Content_Types].xml", lambda x: b"<Types")
        ),
        Mutation(
            "shared strings broken",
            _replace_member("xl/sharedStrings.xml", lambda x: x[: len(x) // 3]),
        ),
        Mutation("styles broken", _replace_member("xl/styles.xml", lambda x: b"<styleSheet")),
        Mutation(
            "workbook rels broken",
            _replace_member(
                "xl/_rels/workbook.xml.rels",
                lambda x: x.replace(b"worksheets/sheet1.xml", b"worksheets/nowhere.xml"),
            ),
        ),
    ]
    for value in ("NaN", float("nan"), float("inf"), "1e999", -5, 1e300):
        found.append(_rows_mutation(f"{value!r} in {c.numeric!r}", put(c.numeric, value)))
    for value in ("1970-01-21", "58000-01-01", 1772445600000):
        found.append(_rows_mutation(f"{value!r} in {c.date!r}", put(c.date, value)))
    found.append(_rows_mutation("lone surrogate text", put(c.text, "broken \\ud800")))
    for header in c.important:
        found.append(
            _rows_mutation(
                f"header {header!r} renamed", rename(header, header + " (old)"), absent=(header,)
            )
        )
        found.append(_rows_mutation(f"column {header!r} dropped", drop(header), absent=(header,)))
        found.append(_rows_mutation(f"column {header!r} duplicated", duplicate(header)))
    for header in c.optional:
        if header not in c.important:
            found.append(
                _rows_mutation(f"re-export without {header!r}", drop(header), absent=(header,))
            )
    found.append(
        _rows_mutation(
            "a row with a cell too many", lambda rows: [*rows[:-1], [*rows[-1], "extra"]]
        )
    )
    found.append(
        _rows_mutation(
            "blank rows between rows", lambda rows: [x for r in rows for x in (r, [None] * len(r))]
        )
    )
    return found


# --- JSON ------------------------------------------------------------------------------------


SENTINEL = "\x01corpus\x01"


@dataclass(frozen=True)
class JsonShape:
    """How an export holds its records: an array after a prefix, or JSON Lines."""

    lines: bool
    wrapper: str | None = None
    """The key each array element wraps its record in (X archives: "tweet")."""
    member: str | None = None
    """The member of the top-level object whose array holds the records (an ActivityStreams
    outbox: "orderedItems"). Its last occurrence is the one damaged; the text around that
    array is kept as it is, so a member given twice stays twice."""


@dataclass(frozen=True)
class Frame:
    """A JSON export cut in three: the text before the records' array, it, the text after."""

    before: str
    body: str
    after: str


def _frame(text: str, shape: JsonShape) -> Frame:
    if shape.member is None:
        start = min(i for i in (text.find("["), text.find("{")) if i >= 0)
        return Frame(text[:start], text[start:], "")
    start = text.index("[", text.rindex(json.dumps(shape.member)))
    _, end = json.JSONDecoder().raw_decode(text, start)
    return Frame(text[:start], text[start:end], text[end:])


def _load(good: bytes, shape: JsonShape) -> tuple[Frame, list[Any]]:
    text = good.decode("utf-8-sig")
    if shape.lines:
        items: list[Any] = []
        for line in text.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                items.append(SENTINEL + line)  # a damaged line of the good file stays as it is
        return Frame("", "", ""), items
    frame = _frame(text, shape)
    return frame, json.loads(frame.body)


def _dump(frame: Frame, items: list[Any], shape: JsonShape, raw: str | None = None) -> bytes:
    def one(item: Any, indent: int | None) -> str:
        if isinstance(item, str) and item.startswith(SENTINEL):
            return item[len(SENTINEL) :]
        text = json.dumps(item, indent=indent, ensure_ascii=False)
        return text if raw is None else text.replace(json.dumps(SENTINEL), raw)

    if shape.lines:
        return ("\n".join(one(i, None) for i in items) + "\n").encode("utf-8", "surrogatepass")
    body = one(items, 2)
    return (frame.before + body + frame.after).encode("utf-8", "surrogatepass")


def _record(item: Any, shape: JsonShape) -> dict[str, Any]:
    inner = item.get(shape.wrapper) if shape.wrapper and isinstance(item, dict) else item
    assert isinstance(inner, dict)
    return inner


def _records(items: list[Any], shape: JsonShape) -> list[dict[str, Any]]:
    found = []
    for item in items:
        try:
            found.append(_record(item, shape))
        except AssertionError:
            continue
    return found


def _holder(record: dict[str, Any], field: str) -> tuple[dict[str, Any], str] | None:
    """The object holding a dotted `field` ("object.content") and its last name; None when
    the record has no object on that path (a boost's `object` is a string)."""
    *parents, last = field.split(".")
    holder: Any = record
    for name in parents:
        holder = holder.get(name)
        if not isinstance(holder, dict):
            return None
    return holder, last


def _holders(items: list[Any], shape: JsonShape, field: str) -> list[tuple[dict[str, Any], str]]:
    return [h for h in (_holder(r, field) for r in _records(items, shape)) if h is not None]


def _field_mutation(
    name: str,
    shape: JsonShape,
    field: str,
    value: Any,
    raw: str | None = None,
    *,
    every: bool = False,
) -> Mutation:
    """`field` (a dotted path for a nested one) of the middle record that has it (or of
    every record) set to `value` (or to raw JSON text)."""

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        for holder, last in holders if every else [holders[len(holders) // 2]]:
            new = SENTINEL if raw is not None else copy.deepcopy(value)
            holder[last] = "null" if new is None and holder.get(last) is None else new
        return _dump(frame, items, shape, raw)

    return Mutation(name, mutate)


def _drop_field(name: str, shape: JsonShape, field: str, *, every: bool = True) -> Mutation:
    """`field` (dotted for a nested one) removed from every record (or the middle one)."""

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        for holder, last in holders if every else [holders[len(holders) // 2]]:
            holder.pop(last, None)
        return _dump(frame, items, shape)

    return Mutation(name, mutate, absent=(field,) if every else ())


_SAME: Final = object()


def given_twice(name: str, shape: JsonShape, field: str, second: Any = _SAME) -> Mutation:
    """`field` (dotted for a nested one) of the middle record that has it written twice:
    its value, then `second` (its value again when not given).

    Python's `json` keeps the last value without a word; two values must reject the record
    (which one the export meant is unknown), the same value twice must read as once.
    """

    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        holders = _holders(items, shape, field)
        holder, last = holders[len(holders) // 2]
        first = holder[last]
        again = first if second is _SAME else second
        holder[last] = SENTINEL
        raw = ", ".join((_json_text(first), f"{_json_text(last)}: {_json_text(again)}"))
        return _dump(frame, items, shape, raw)

    return Mutation(name, mutate, rejects=0 if second is _SAME else 1)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _items_mutation(
    name: str, shape: JsonShape, change: Callable[[list[Any]], list[Any]]
) -> Mutation:
    def mutate(good: bytes) -> bytes:
        frame, items = _load(good, shape)
        return _dump(frame, change(items), shape)

    return Mutation(name, mutate)


WRONG_TYPES: tuple[tuple[str, Any], ...] = (
    ("a list", [1, "two"]),
    ("an object", {"nested": {"x": 1}}),
    ("a number", 12.5),
    ("true", True),
    ("null (or the text 'null')", None),
)


def json_mutations(
    shape: JsonShape, fields: Sequence[str], optional: Sequence[str], text: str, number: str
) -> list[Mutation]:
    """At least 40 mutations of a JSON (array or lines) export."""

    def fraction(f: float) -> Mutation:
        return Mutation(f"cut at {f:.0%}", lambda g: cut(g, int(len(g) * f)))

    def mid_string(good: bytes) -> bytes:
        at = good.find(b'"', len(good) // 2)
        return cut(good, at + 3)

    def mid_multibyte(good: bytes) -> bytes:
        data = _field_mutation("", shape, text, "Café €")(good)
        return cut(data, data.find("é".encode()) + 1)

    def mid_escape(good: bytes) -> bytes:
        data = _field_mutation("", shape, text, None, raw='"x\\u00e9"')(good)
        return cut(data, data.find(b"\\u00") + 3)

    deep = "[" * 100_000 + "]" * 100_000
    found: list[Mutation] = [
        *(fraction(f) for f in (0.05, 0.25, 0.5, 0.75, 0.99)),
        Mutation("cut mid-string", mid_string),
        Mutation("cut mid-multibyte character", mid_multibyte),
        Mutation("cut mid-escape", mid_escape),
        Mutation("cut before the final line break", lambda g: g.rstrip(b"\r\n")[:-1]),
        _field_mutation("deep nesting in a field", shape, text, None, raw=deep),
        Mutation(
            "the whole file nested deeply",
            lambda g: _replace_body(g, deep, shape),
        ),
    ]
    for index, field in enumerate(fields):  # one wrong type per field, in turn
        label, value = WRONG_TYPES[index % len(WRONG_TYPES)]
        found.append(_field_mutation(f"{field!r} is {label}", shape, field, value))
    for field in optional:
        found.append(_drop_field(f"re-export without {field!r}", shape, field))
    for literal in ("NaN", "Infinity", "-Infinity", "1e999", "9" * 5000):
        found.append(
            _field_mutation(f"{literal[:12]} in {number!r}", shape, number, None, raw=literal)
        )
    found += [
        _field_mutation("-5 in a count", shape, number, -5),
        _field_mutation("1e300 in a count", shape, number, 1e300),
        _field_mutation("lone high surrogate", shape, text, None, raw='"broken \\ud800 text"'),
        _field_mutation("lone low surrogate", shape, text, None, raw='"\\udc00"'),
        _field_mutation("surrogate as bytes (CESU)", shape, text, None, raw='"broken \ud800 text"'),
        _field_mutation("NUL escape in text", shape, text, "nul\x00here"),
        Mutation(
            "latin-1 byte in a string",
            lambda g: re.sub(rb'"\s*:', lambda m: b"\xe9" + m.group(0), g, count=3),
        ),
        Mutation("utf-16 with BOM", lambda g: g.decode("utf-8-sig").encode("utf-16")),
        Mutation("BOM added", lambda g: codecs.BOM_UTF8 + g),
        Mutation("CRLF line endings", lambda g: g.replace(b"\n", b"\r\n")),
        Mutation("NUL-filled tail", lambda g: g + b"\x00" * 512),
        Mutation("empty file", lambda g: b""),
        Mutation("whitespace only", lambda g: b" \n\t\n"),
        _items_mutation("records are not objects", shape, lambda items: [1, "two", None, [3]]),
        _items_mutation(
            "a record repeated",
            shape,
            lambda items: [*items, copy.deepcopy(items[len(items) // 2])],
        ),
        _items_mutation("no records", shape, lambda items: []),
        given_twice(f"{number!r} given twice, with the same value", shape, number),
        given_twice(f"{text!r} given twice, with two values", shape, text, "another text"),
    ]
    if not shape.lines:
        found += [
            Mutation(
                "an object instead of an array", lambda g: _replace_body(g, '{"a": 1}', shape)
            ),
            Mutation("null instead of an array", lambda g: _replace_body(g, "null", shape)),
            Mutation("text after the array", lambda g: g + b"\n[1, 2]"),
            Mutation("trailing comma in the array", lambda g: _replace_last(g, b"]", b",]")),
        ]
    else:
        found += [
            Mutation("a line that is an array", lambda g: b"[1, 2]\n" + g),
            Mutation("two records on one line", lambda g: g.replace(b"}\n", b"} ", 1)),
        ]
    return found


def _replace_body(good: bytes, body: str, shape: JsonShape) -> bytes:
    frame = _frame(good.decode("utf-8-sig"), shape)
    return (frame.before + body + frame.after).encode()


def _replace_last(good: bytes, old: bytes, new: bytes) -> bytes:
    at = good.rfind(old)
    return good[:at] + new + good[at + len(old) :]


def beside_mutation(
    name: str, sibling: str, change: Mutate | None, resave: Mutate = lambda good: good
) -> Mutation:
    """The file `sibling` beside it damaged by `change` (None: left out).

    The file itself is left as it is (`resave` may change it too): its bytes were loaded
    before, but the owner file beside it is part of what it means, so it is read again.
    """
    return Mutation(name, resave, beside=((sibling, change),))


def in_zip_member(member: str, inner: Sequence[Mutation]) -> list[Mutation]:
    """Each of `inner` applied to one member of a zip, the zip written again."""
    return [
        Mutation(f"{member}: {m.name}", _replace_member(member, m.mutate), m.absent, (), m.rejects)
        for m in inner
    ]


def without_zip_member(member: str) -> Mutation:
    return Mutation(f"without {member}", _without_member(member))
