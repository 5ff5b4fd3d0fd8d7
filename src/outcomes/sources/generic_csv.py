"""Any CSV (or workbook) mapped by hand onto a warehouse table, and CSV cell helpers.

The generic connector is never auto-detected: the user says which table the rows go to
(`ReadOptions.table`) and which CSV header fills each column (`ReadOptions.mapping`,
warehouse column → header), e.g. `{"ts": "Sent at", "journey_id": "Email"}` for
`touchpoints`. Every required column of the table (except `key` and `source`, filled
here) must be mapped, and every mapped header must be in the file; otherwise nothing is
read and :class:`SourceError` says what is missing.

Cells are parsed by the column's type in :mod:`outcomes.warehouse.schema`. Columns with a
closed vocabulary are checked and normalised: `conversions.type` ("New customer" →
`new_customer`), `activities.kind`, `costs.kind`; `channel` values go through
:func:`channel_from_source` (so "LinkedIn" and "lnkd.in" become `linkedin`) and are kept
lower-cased when they name no plan channel. In a `;`-separated file a single comma in a
number is a decimal comma (`12,5` → 12.5), as spreadsheets in those locales write it.

The key is `natural_key("csv", table, id)` when `key` is mapped (a CSV column holding a
unique id) or, for `activities`, when `native_id` is; otherwise it is built from all the
mapped values of the row, so two identical rows count once.

The module also holds the helpers the HubSpot, Salesforce, GA4 and paths connectors share
and the shared modules lack: cells (:func:`cell_text`, :func:`parse_bool`,
:func:`parse_decimal`, :func:`parse_money`, :class:`ColumnError`) and a file's first rows
(:func:`read_head`, :func:`head_rows`, :func:`csv_delimiter`, :func:`header_names`,
:func:`header_namer`). They would sit better in `fields.py` and `tabular.py`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, Final, cast

from outcomes.sources.base import Parsed, ReadOptions, Rejected, Row, Source, SourceError
from outcomes.sources.base import natural_key as _natural_key
from outcomes.sources.fields import (
    FieldError,
    channel_from_source,
    is_empty,
    parse_date,
    parse_datetime,
    parse_float,
)
from outcomes.sources.tabular import HEADER_SEARCH_ROWS, Columns, Record, iter_rows, read_records
from outcomes.warehouse.schema import (
    ACTIVITY_KINDS,
    CONVERSION_TYPES,
    COST_KINDS,
    FACT_TABLES,
    Column,
    ColumnType,
    Table,
    TableName,
)

NAME = "csv"
HEAD_BYTES: Final = 64 * 1024
_FILLED_HERE: Final = frozenset({"key", "source"})
_ID_COLUMNS: Final = {"activities": "native_id"}
_VOCABULARY: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("conversions", "type"): CONVERSION_TYPES,
    ("activities", "kind"): ACTIVITY_KINDS,
    ("costs", "kind"): COST_KINDS,
}


# --- cell helpers shared with the other CSV connectors --------------------------------------


class ColumnError(FieldError):
    """A cell that cannot be used, with the header it is under, for a `Rejected`."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def cell_text(raw: object) -> str | None:
    """A cell as stripped text; None when empty. Whole floats lose their `.0` (1234.0 → "1234").

    Workbooks hand ids over as floats; an id must read the same from .xlsx and .csv.
    """
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    text = str(raw).strip()
    return text or None


_TRUE: Final = frozenset({"true", "1", "yes", "y", "t", "1.0"})
_FALSE: Final = frozenset({"false", "0", "no", "n", "f", "0.0"})


def parse_bool(raw: object) -> bool | None:
    """`true`/`false`, `1`/`0`, `yes`/`no` (any case); empty → None."""
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(f"expected true or false (or 1/0), got {raw!r}")


_SYMBOLS: Final = {"€": "EUR", "£": "GBP", "¥": "JPY", "$": None, "us$": "USD"}
_CURRENCY: Final = re.compile(
    r"^(?P<pre>[A-Za-z]{3}|US\$|[$€£¥])?\s*(?P<number>[^A-Za-z$€£¥]*?)\s*(?P<post>[A-Za-z]{3}|[$€£¥])?$"
)
_THOUSANDS_ONLY: Final = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


def parse_money(raw: object) -> tuple[float | None, str | None]:
    """An amount and the currency its text names: "€12,500.00" → (12500.0, "EUR").

    A leading or trailing ISO code ("EUR 12.500,00", "12500 USD") or symbol is accepted;
    `$` alone names no currency (it is used by many), so it gives None.
    """
    if is_empty(raw):
        return None, None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), None
    text = str(raw).strip().replace("\u00a0", " ").replace("\u202f", " ")
    match = _CURRENCY.match(text)
    if match is None or not match.group("number"):
        raise FieldError(f"expected an amount, got {raw!r}")
    marks = [m for m in (match.group("pre"), match.group("post")) if m]
    if len(marks) > 1:
        raise FieldError(f"expected an amount with one currency, got {raw!r}")
    currency = None
    if marks:
        mark = marks[0]
        currency = _SYMBOLS[mark.casefold()] if mark.casefold() in _SYMBOLS else mark.upper()
    try:
        return parse_decimal(match.group("number")), currency
    except FieldError:
        raise FieldError(f"expected an amount, got {raw!r}") from None


def parse_decimal(raw: object, *, decimal_comma: bool = False) -> float | None:
    """A number whatever its separators: "12,500.00", "12.500,00", "1'234", "12,5".

    With both `,` and `.` the last one is the decimal mark. A lone comma is a thousands
    separator only in the `1,234` pattern, unless `decimal_comma` (a `;`-separated file).
    :func:`parse_float` alone would read "12.500,00" as 12.5, silently.
    """
    if is_empty(raw):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = re.sub(r"[\s\u00a0\u202f']", "", str(raw))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1 and (decimal_comma or not _THOUSANDS_ONLY.match(text)):
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        return parse_float(text.replace(",", ""))
    except FieldError:
        raise FieldError(f"expected a number, got {raw!r}") from None


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


# --- the generic connector -------------------------------------------------------------------

_TABLES: Final[dict[str, Table]] = {t.name: t for t in FACT_TABLES}
HOW_TO_MAP: Final = (
    "declare the table the rows go to and which CSV header fills each column, e.g. table "
    "'touchpoints' with the mapping ts='Sent at', journey_id='Email', utm_campaign='Campaign'"
)


class GenericCsv(Source):
    """Rows of any CSV for a warehouse table, by a column mapping the user declares."""

    name = NAME
    description = "Any CSV or workbook, mapped column by column onto a warehouse table"

    def detect(self, path: Path, head: bytes) -> bool:
        """Never: a generic CSV is only read when the user names this source and a mapping."""
        return False

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Each CSV row as a row of `options.table`, or a rejection naming the header and why."""
        table, mapping = _plan(path, options)
        decimal_comma = csv_delimiter(read_head(path), options.encoding) == ";"
        columns = Columns({name: (header,) for name, header in mapping.items()})
        parsers = {
            name: _parser(table.name, _column(table, name), decimal_comma) for name in mapping
        }
        records = read_records(path, columns, required=list(mapping), encoding=options.encoding)
        for record in records:
            yield _row(table, mapping, parsers, record)


def _plan(path: Path, options: ReadOptions) -> tuple[Table, dict[str, str]]:
    if not options.table or not options.mapping:
        raise SourceError(path, f"the generic CSV source needs a table and a mapping: {HOW_TO_MAP}")
    table = _TABLES.get(options.table)
    if table is None:
        raise SourceError(
            path, f"no table '{options.table}'; tables are: {', '.join(_TABLES)} ({HOW_TO_MAP})"
        )
    unknown = [name for name in options.mapping if name not in table.names or name == "source"]
    if unknown:
        allowed = ", ".join(n for n in table.names if n != "source")
        raise SourceError(
            path, f"'{table.name}' has no column {', '.join(map(repr, unknown))}; it has {allowed}"
        )
    missing = [
        c.name
        for c in table.columns
        if c.required and c.name not in _FILLED_HERE and c.name not in options.mapping
    ]
    if missing:
        raise SourceError(
            path,
            f"the mapping for '{table.name}' does not say which CSV header holds "
            f"{', '.join(missing)}; map every required column ({HOW_TO_MAP})",
        )
    return table, dict(options.mapping)


def _column(table: Table, name: str) -> Column:
    return next(c for c in table.columns if c.name == name)


Parser = Callable[[object], Any]


def _parser(table: str, column: Column, decimal_comma: bool) -> Parser:
    """The function turning a cell into the column's value (raising FieldError)."""
    vocabulary = _VOCABULARY.get((table, column.name))
    if vocabulary is not None:
        return lambda raw: _closed(raw, vocabulary)
    if column.name == "channel":
        return _channel
    return _BY_TYPE[column.type](decimal_comma)


def _closed(raw: object, allowed: tuple[str, ...]) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    value = re.sub(r"[\s-]+", "_", text.casefold())
    if value not in allowed:
        raise FieldError(f"expected one of {', '.join(allowed)}, got {raw!r}")
    return value


def _channel(raw: object) -> str | None:
    text = cell_text(raw)
    return None if text is None else channel_from_source(text) or text.casefold()


def _whole(raw: object, decimal_comma: bool) -> int | None:
    number = parse_decimal(raw, decimal_comma=decimal_comma)
    if number is None:
        return None
    if not number.is_integer():
        raise FieldError(f"expected a whole number, got {raw!r}")
    return int(number)


_BY_TYPE: Final[dict[ColumnType, Callable[[bool], Parser]]] = {
    "text": lambda _: cell_text,
    "int": lambda comma: lambda raw: _whole(raw, comma),
    "float": lambda comma: lambda raw: parse_decimal(raw, decimal_comma=comma),
    "timestamp": lambda _: parse_datetime,
    "date": lambda _: parse_date,
    "bool": lambda _: parse_bool,
}


def _row(
    table: Table, mapping: dict[str, str], parsers: dict[str, Parser], record: Record
) -> Parsed:
    values: dict[str, Any] = {}
    for name, header in mapping.items():
        try:
            values[name] = parsers[name](record.get(name))
        except FieldError as exc:
            return Rejected(record.line, header, str(exc), record.raw)
        if values[name] is None and name != "key" and _column(table, name).required:
            return Rejected(
                record.line, header, f"'{header}' is empty; {name} is required", record.raw
            )
    values["key"] = _key(table.name, values)
    values["source"] = NAME
    return Row(cast(TableName, table.name), values)


def _key(table: str, values: dict[str, Any]) -> str:
    own = values.get("key") or values.get(_ID_COLUMNS.get(table, ""))
    if own is not None:
        return _natural_key(NAME, table, own)
    parts = [_plain(values[name]) for name in sorted(values)]
    return _natural_key(NAME, table, *parts)


def _plain(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)
