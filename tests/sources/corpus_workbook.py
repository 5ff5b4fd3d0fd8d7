"""Damage to zips and .xlsx workbooks, one family of the corpus (`tests/sources/corpus.py`).

A zip is cut, has bytes flipped or its central directory damaged, loses a member, or has
a member damaged by other mutations (`in_zip_member`); a workbook is damaged in its XML
(broken, deeply nested, an entity expansion), its content types, and its first sheet's
rows, the way the delimited damages change a CSV's. `xlsx_bytes` and `zip_bytes` write
workbooks and zips with fixed timestamps, so the same rows give the same bytes.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from tests.sources.corpus import Mutate, Mutation, Rows, TextColumns, cut


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
    members = zip_members(out.getvalue())
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


def zip_members(data: bytes) -> dict[str, bytes]:
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


def replace_member(member: str, change: Callable[[bytes], bytes]) -> Mutate:
    def mutate(good: bytes) -> bytes:
        members = zip_members(good)
        found = next((n for n in members if n == member or n.endswith("/" + member)), member)
        members[found] = change(members.get(found, b""))
        return zip_bytes(members)

    return mutate


def _without_member(member: str) -> Mutate:
    def mutate(good: bytes) -> bytes:
        return zip_bytes({n: d for n, d in zip_members(good).items() if n != member})

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


def in_zip_member(member: str, inner: Sequence[Mutation]) -> list[Mutation]:
    """Each of `inner` applied to one member of a zip, the zip written again."""
    return [
        Mutation(f"{member}: {m.name}", replace_member(member, m.mutate), m.absent, (), m.rejects)
        for m in inner
    ]


def without_zip_member(member: str) -> Mutation:
    return Mutation(f"without {member}", _without_member(member))


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
        return replace_member("xl/worksheets/sheet1.xml", change)

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
            replace_member(
                "[Content_Types].xml",
                lambda x: x.replace(
                    b"spreadsheetml.sheet.main+xml", b"wordprocessingml.document.main+xml"
                ),
            ),
        ),
        Mutation(
            "content types not XML", replace_member("[Content_Types].xml", lambda x: b"<Types")
        ),
        Mutation(
            "shared strings broken",
            replace_member("xl/sharedStrings.xml", lambda x: x[: len(x) // 3]),
        ),
        Mutation("styles broken", replace_member("xl/styles.xml", lambda x: b"<styleSheet")),
        Mutation(
            "workbook rels broken",
            replace_member(
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
    if c.ids is not None:
        ids = c.ids

        def round_id(rows: Rows) -> Rows:
            # The first data row, as the delimited damage does (a middle one may be rejected).
            first = next(i for i in range(header_row(rows) + 1, len(rows)) if any(rows[i]))
            rows[first][col(rows, ids)] = ROUNDED_NUMBER
            return rows

        found.append(
            _rows_mutation("an id saved by a spreadsheet as a number", round_id, rejects=1)
        )
    return found


ROUNDED_NUMBER = 1.2023e17
"""A long id as a workbook keeps it once a spreadsheet has rounded it: a number cell, read
as a float beyond 2^53 (the delimited damage writes the text `1.2023E+17`)."""
