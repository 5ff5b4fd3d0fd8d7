"""Any CSV (or workbook) mapped by hand onto a warehouse table.

The generic connector is never auto-detected: the user says which table the rows go to
(`ReadOptions.table`) and which CSV header fills each column (`ReadOptions.mapping`,
warehouse column → header), e.g. `{"ts": "Sent at", "journey_id": "Email"}` for
`touchpoints`. Every required column of the table (except `key` and `source`, filled
here) must be mapped, and every mapped header must be in the file; otherwise nothing is
read and :class:`SourceError` says what is missing.

Cells are parsed by the column's type in :mod:`outcomes.tables`. Columns with a
closed vocabulary (`activities.kind`, `metric_snapshots.entity_kind`, `conversions.type`,
`costs.kind`) are checked and normalised ("New customer" → `new_customer`): a value outside
the vocabulary is a rejected row naming its line, the header and the allowed values, never
a row loaded with a word nothing measures. An export's own words are translated by a
value map (`ReadOptions.value_maps`, `[csv.NAME.value_map]` in `outcomes.toml`): `kind =
{Message = "message_in", Reply = "reply"}` reads a help desk's inbound "Message" as
`message_in`, not as a message of ours. A map's raw values match whatever their case and
surrounding spaces, its targets must be in the vocabulary, and a value the map does not
name is read as if there were no map. `channel` values go through
:func:`channel_from_source` (so "LinkedIn" and "lnkd.in" become `linkedin`) and are kept
lower-cased when they name no plan channel; the workspace's `[channels]`
(`ReadOptions.channels`) is read first, as for a CRM's labels, so a sign-up sheet's
"Saturday ride" with `"Saturday ride" = "event"` is the event channel. In a `;`-separated file a single comma in a
number is a decimal comma (`12,5` → 12.5), as spreadsheets in those locales write it.

A `conversions` mapping may fill the CRM fields a goal's `scope` filters on, `pipeline`,
`segment` and `product` (`segment = "Customer type"`), or give every row of a file one of
them through `values` (`pipeline = "employers"` for an export of contracts only).

`ReadOptions.values` (`[csv.NAME.values]` in `outcomes.toml`) gives columns one value for
every row, checked like a cell once before any row is read: a timesheet whose lines are
all `kind = "people"` needs no Kind column.

The key is built from the cells of the declared key headers (`ReadOptions.key`, `key =
["Patient ID"]` in `outcomes.toml`) when there are any, so a corrected re-export updates
the rows it corrects; a row with an empty key cell is rejected. Else it is
`natural_key("csv", table, id)` when `key` is mapped (a CSV column holding a unique id) or,
for `activities`, when `native_id` is; otherwise it is built from all the mapped values of
the row, so two identical rows count once, but a corrected value makes a new row. A row
whose key cell (a declared key header, or the column mapped to `key` or `native_id`) a
spreadsheet rounded (`1.2023E+17`) is rejected, whatever the header is called.

An `activities` mapping whose rows include our answers (kind `reply` or `message`, a help
desk's "Reply") pairs each with what it answers through `in_reply_to`, the id (as mapped
to `native_id`) of the message it answers; without that column mapped the load says how
many answers name nothing, since conversation health would count what they answered as
unanswered.

A `conversions` row that says where it came from, its `channel` or `campaign` (a loyalty
sheet's "Where joined" and "Campaign"), is also a **touch** of that person at that instant,
as a CRM's original source is (`hubspot`): a `touchpoints` row with the row's journey id,
customer id, time, channel and campaign (as `utm_campaign`), event `conversion_source`,
keyed by the conversion's key. Attribution credits the conversion to the tactic that
claims that channel or campaign; without the touch, nine riders who joined at a Saturday
ride named `saturday-rides` were no tactic's new customers. Only conversions on a person's
journey make one: the `journey_id` is mapped from a column (a file-wide constant would join
everybody's), the type is one attribution builds journeys for (not `hire`,
`ticket_deflected` or `deal_lost`, which tactics claim by campaign or channel directly),
and the channel or campaign cell is filled. The file's summary counts both rows.

**Times of day written without a zone** ("2026-03-08 09:30", a workbook's date-time) are a
clock's reading somewhere, and the file does not say where. `ReadOptions.timezone`
(`timezone = "America/Chicago"` in a `[csv.NAME]` table of `outcomes.toml`, an IANA name,
or `outcomes ingest --timezone ZONE` for one load, which wins over the mapping's) reads
them in that zone and stores them in UTC: a Chicago sheet's 09:30 on 8 March is
14:30 UTC. Around the clock changes the reading is fixed: a time in the hour the clocks
skip is read with the offset before the change (02:30 on 8 March 2026 in Chicago is 08:30
UTC, as 03:30 CDT would be), a time the clocks repeat as the first of the two (01:30 on
1 November 2026 is 06:30 UTC, daylight time). Without the option such times are read as
UTC, as before, and the load says so once in a notice. Times with an offset or `Z`
are never shifted, and a date alone (or a time of exactly midnight, as a workbook writes
a day) stays that day at midnight UTC: it is a day, not an instant, and moving it would
move it to another day east of UTC. The plan's `business_hours.time_zone` is not used
for them: it says when people are at work, not which clock a tool writes (many export
UTC), and guessing would silently move right times by hours.

Money in another currency than the plan's (`organisation.currency`), a `costs` amount or a
`conversions` value whose `currency` (a mapped column, or one given in `values`) differs,
is said in a notice as the file loads, as an ad report's spend is
(:mod:`outcomes.sources.currency`): measuring converts nothing and leaves it out.

A spreadsheet's **summary row** ("Total", "Totals", "Grand total", "Subtotal" or "Sum", in
any case, as the row's first filled cell) is ignored as "summary row 'Total' (line N)",
wherever it is in the file, not rejected: it is no record, and its sum would count every
row twice. Only a row that is plainly no record is: one whose mapped dates are all empty
or unreadable and whose id cells (`key`, an activity's `native_id`, the declared key
headers) hold nothing but the label. A row with a date that reads, or a real id, is data
and is read (or rejected) like any other, whatever its first cell says.

"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, cast

from outcomes.sources.base import (
    Ignored,
    Notice,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
)
from outcomes.sources.base import natural_key as _natural_key
from outcomes.sources.currency import with_currency_notice
from outcomes.sources.decimal_mark import AmbiguousNumber
from outcomes.sources.fields import (
    FieldError,
    cell_text,
    channel_from_source,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    wall_clock,
)
from outcomes.sources.tabular import (
    Columns,
    Record,
    csv_delimiter,
    file_records,
    first_present,
    read_head,
)
from outcomes.tables import (
    CLOSED_COLUMNS,
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
    reading = 2
    reading_change = "ignores a spreadsheet's summary row ('Total') instead of rejecting it"

    def detect(self, path: Path, head: bytes) -> bool:
        """Never: a generic CSV is only read when the user names this source and a mapping."""
        return False

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Each CSV row as a row of `options.table`, or a rejection naming the header and why;
        costs and sales in another currency than the plan's are said, as an ad report's are."""
        return with_currency_notice(_read(path, options), options.currency, export="the file")


def _read(path: Path, options: ReadOptions) -> Iterator[Parsed]:
    """The rows of `GenericCsv.read`, and its notices but the currency's."""
    table, mapping = _plan(path, options)
    decimal_comma = csv_delimiter(read_head(path), options.encoding) == ";"
    maps = _value_maps(path, table, options.value_maps or {})
    labels = options.channels or {}
    zone = _zone(path, options.timezone)
    constants = _constants(path, table, options.values or {}, decimal_comma, maps, labels, zone)
    keys = {f"{_KEY_PREFIX}{i}": header for i, header in enumerate(options.key)}
    columns = Columns({name: (header,) for name, header in {**mapping, **keys}.items()})
    parsers = {
        name: _parser(table.name, _column(table, name), decimal_comma, maps.get(name), labels, zone)
        for name in mapping
    }
    required = [*mapping, *keys]
    ids = [*_ids(table, mapping), *keys]
    # The mapping says which columns identify a record, whatever their headers: a key
    # headed "Order" a spreadsheet rounded is a lost record, as one headed "Order ID" is.
    records = file_records(path, columns, required=required, options=options, ids=ids)
    pairs = table.name != "activities" or "in_reply_to" in mapping or "in_reply_to" in constants
    unpaired = 0
    for record in records:
        summary = _summary(record, table, parsers, ids)
        if summary is not None:
            yield Ignored(record.line, summary)
            continue
        rejection = record.rejection()
        if rejection is not None:
            yield rejection
            continue
        parsed = _row(table, mapping, parsers, record, constants)
        if not pairs and isinstance(parsed, Row) and parsed.values.get("kind") in ANSWERS:
            unpaired += 1
        parsed = _keyed(parsed, keys, record, table.name) if keys else parsed
        yield parsed
        touch = _source_touch(parsed) if "journey_id" in mapping else None
        if touch is not None:
            yield touch
    if unpaired:
        yield Notice(_UNPAIRED.format(count=unpaired, s="" if unpaired == 1 else "s"))
    clocks = [clock for clock in parsers.values() if isinstance(clock, _Clock) and clock.first]
    naive = sum(clock.naive for clock in clocks)
    if clocks and zone is None:
        words = _READ_AS_UTC.format(count=naive, s="" if naive == 1 else "s", first=clocks[0].first)
        yield Notice(words)


ValueMap = dict[str, str]
"""Raw value, case-folded and stripped → the warehouse's value."""

ANSWERS: Final = ("reply", "message")
"""Our answers: conversation health pairs each with what it answers by `in_reply_to`."""
_UNPAIRED: Final = (
    "{count} answer{s} of ours (kind reply or message) name nothing they answer, since no "
    "header is mapped to in_reply_to: response rates and first-response times cannot pair "
    "them with what came in, so what they answered reads as unanswered. Map the header "
    "holding the id of the message each one answers to in_reply_to"
)


_READ_AS_UTC: Final = (
    "{count:,} time{s} of day without a zone (such as {first!r}) read as UTC; if "
    "the file writes local times, set timezone in its mapping (timezone = "
    '"America/Chicago" in its [csv.NAME] table of outcomes.toml, or load it with '
    "--timezone ZONE) to read them in that zone"
)


def _zone(path: Path, name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone `ReadOptions.timezone` names (SourceError when it names none)."""
    if name is None:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SourceError(
            path,
            f"timezone {name!r} is not an IANA time zone name; write one such as "
            "America/Chicago or Europe/Berlin",
        ) from None


class _Clock:
    """A timestamp column's parser: times of day without a zone read in `zone` (UTC when
    None), counted for the notice (module docstring)."""

    def __init__(self, zone: zoneinfo.ZoneInfo | None) -> None:
        self.zone = zone
        self.naive = 0
        self.first: str | None = None
        """The first such cell, as written (for the notice)."""

    def __call__(self, raw: object) -> dt.datetime | None:
        local = wall_clock(raw)
        if local is None:
            return parse_datetime(raw)
        self.naive += 1
        self.first = self.first or str(raw).strip()
        if self.zone is None:
            return local.replace(tzinfo=dt.UTC)
        # fold=0: in a gap, the offset before the change; in an overlap, the first time.
        return local.replace(tzinfo=self.zone, fold=0).astimezone(dt.UTC)


def _value_maps(
    path: Path, table: Table, maps: Mapping[str, Mapping[str, str]]
) -> dict[str, ValueMap]:
    """The value maps, checked: each names a closed column of the table and maps into its
    vocabulary (SourceError otherwise)."""
    found: dict[str, ValueMap] = {}
    for name, pairs in maps.items():
        allowed = CLOSED_COLUMNS.get((table.name, name))
        if allowed is None:
            closed = [c for (t, c) in CLOSED_COLUMNS if t == table.name]
            which = ", ".join(closed) if closed else "none"
            raise SourceError(
                path,
                f"a value map is for a column with a closed vocabulary; '{table.name}.{name}' "
                f"has none (the table's are: {which})",
            )
        found[name] = {}
        for raw, value in pairs.items():
            if value not in allowed:
                raise SourceError(
                    path,
                    f"the value map of '{name}' maps {raw!r} to {value!r}; "
                    f"map it to one of {', '.join(allowed)}",
                )
            found[name][raw.strip().casefold()] = value
    return found


def _constants(
    path: Path,
    table: Table,
    values: dict[str, str],
    decimal_comma: bool,
    maps: dict[str, ValueMap],
    labels: Mapping[str, str],
    zone: zoneinfo.ZoneInfo | None,
) -> dict[str, Any]:
    """The `values` every row gets, parsed by their columns' types (SourceError if wrong)."""
    found: dict[str, Any] = {}
    for name, text in values.items():
        try:
            column = _column(table, name)
            parse = _parser(table.name, column, decimal_comma, maps.get(name), labels, zone)
            found[name] = parse(text)
        except FieldError as exc:
            raise SourceError(path, f"the value given for '{name}' does not fit: {exc}") from None
    return found


def _plan(path: Path, options: ReadOptions) -> tuple[Table, dict[str, str]]:
    if not options.table or not options.mapping:
        raise SourceError(path, f"the generic CSV source needs a table and a mapping: {HOW_TO_MAP}")
    table = _TABLES.get(options.table)
    if table is None:
        raise SourceError(
            path, f"no table '{options.table}'; tables are: {', '.join(_TABLES)} ({HOW_TO_MAP})"
        )
    given = [*options.mapping, *(options.values or {})]
    unknown = [name for name in given if name not in table.names or name == "source"]
    if unknown:
        allowed = ", ".join(n for n in table.names if n != "source")
        raise SourceError(
            path, f"'{table.name}' has no column {', '.join(map(repr, unknown))}; it has {allowed}"
        )
    missing = [
        c.name
        for c in table.columns
        if c.required and c.name not in _FILLED_HERE and c.name not in given
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


def _parser(
    table: str,
    column: Column,
    decimal_comma: bool,
    value_map: ValueMap | None = None,
    labels: Mapping[str, str] | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
) -> Parser:
    """The function turning a cell into the column's value (raising FieldError).

    `labels` is the workspace's `[channels]`, read before the built-in labels for a
    `channel` cell: the user said what the export's word means there. `zone` is the one
    a timestamp's time of day without a zone is in (module docstring).
    """
    vocabulary = CLOSED_COLUMNS.get((table, column.name))
    if vocabulary is not None:
        return lambda raw: _closed(raw, vocabulary, value_map or {})
    if column.name == "channel":
        return lambda raw: _channel(raw, labels)
    if column.type == "timestamp":
        return _Clock(zone)
    return _BY_TYPE[column.type](decimal_comma)


def _closed(raw: object, allowed: tuple[str, ...], value_map: ValueMap) -> str | None:
    # The value map first: an export's own word that looks like "no value" ("None") is
    # still the word the map translates.
    mapped = value_map.get(str(raw).strip().casefold()) if raw is not None else None
    if mapped is not None:
        return mapped
    text = cell_text(raw)
    if text is None:
        return None
    value = re.sub(r"[\s-]+", "_", text.casefold())
    if value not in allowed:
        hint = "" if value_map else "; a value map can translate the export's own words"
        raise FieldError(f"expected one of {', '.join(allowed)}, got {raw!r}{hint}")
    return value


def _channel(raw: object, labels: Mapping[str, str] | None) -> str | None:
    text = cell_text(raw)
    return None if text is None else channel_from_source(text, labels=labels) or text.casefold()


def _whole(raw: object, decimal_comma: bool) -> int | None:
    if isinstance(raw, AmbiguousNumber):
        return parse_int(raw)  # "1,234" of a column that does not tell: whole, so grouped
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
    table: Table,
    mapping: dict[str, str],
    parsers: dict[str, Parser],
    record: Record,
    constants: dict[str, Any],
) -> Parsed:
    values: dict[str, Any] = dict(constants)
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
    return Row(cast(TableName, table.name), values, record.line)


_KEY_PREFIX: Final = "\x00key"


def _keyed(parsed: Parsed, keys: dict[str, str], record: Record, table: str) -> Parsed:
    """The row keyed by the declared key headers' cells; a rejection when one is empty."""
    if not isinstance(parsed, Row):
        return parsed
    parts = []
    for name, header in keys.items():
        text = cell_text(record.get(name))
        if text is None:
            reason = f"the key column '{header}' is empty; every row needs it to be identified"
            return Rejected(record.line, header, reason, record.raw)
        parts.append(text)
    values = parsed.values | {"key": _natural_key(NAME, table, *parts)}
    return Row(parsed.table, values, parsed.line)


_SUMMARY_LABEL: Final = re.compile(r"^(?:grand\s+|sub-?\s*)?(?:totals?|sum)\s*:?$", re.IGNORECASE)
"""A summary row's whole first cell: "Total", "TOTALS", "Grand total", "Subtotal:", "Sum"."""
_DATED: Final = frozenset({"timestamp", "date"})


def _ids(table: Table, mapping: dict[str, str]) -> list[str]:
    """The mapped columns that identify a record: `key`, and the table's own id column."""
    return [name for name in ("key", _ID_COLUMNS.get(table.name)) if name in mapping]


def _summary(
    record: Record, table: Table, parsers: dict[str, Parser], ids: list[str]
) -> str | None:
    """The reason to ignore a spreadsheet's summary row, or None for a record (module note)."""
    label = cell_text(first_present(record.cells))
    if label is None or not _SUMMARY_LABEL.match(label):
        return None
    for name, parse in parsers.items():
        if _column(table, name).type in _DATED and _reads(parse, record.get(name)):
            return None  # a dated row is data, whatever its first cell says
    if any(cell_text(record.get(name)) not in (None, label) for name in ids):
        return None  # a real id: a record named "Total"
    return f"summary row '{label}' (line {record.line})"


def _reads(parse: Parser, raw: object) -> bool:
    """True when the cell parses to a value (a date that reads)."""
    try:
        return parse(raw) is not None
    except FieldError:
        return False


_UNTOUCHED_TYPES: Final = frozenset({"hire", "ticket_deflected", "deal_lost"})
"""Conversion types no journey is built for: what they came from is claimed directly."""


def _source_touch(parsed: Parsed) -> Row | None:
    """The touch a conversion row states by its channel or campaign (module docstring)."""
    if not isinstance(parsed, Row) or parsed.table != "conversions":
        return None
    values = parsed.values
    journey, channel, campaign = (
        values.get("journey_id"),
        values.get("channel"),
        values.get("campaign"),
    )
    if (
        journey is None
        or values.get("type") in _UNTOUCHED_TYPES
        or (channel is None and campaign is None)
    ):
        return None
    touch = {
        "key": _natural_key(NAME, "conversion_source", values["key"]),
        "source": NAME,
        "journey_id": journey,
        "customer_id": values.get("customer_id"),
        "ts": values["ts"],
        "channel": channel,
        "event": "conversion_source",
        "utm_campaign": campaign,
    }
    return Row("touchpoints", touch, parsed.line)


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
