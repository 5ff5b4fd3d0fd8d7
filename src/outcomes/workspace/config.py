"""The workspace's `outcomes.toml`: settings that belong to the data, not the strategy.

Today it declares the column mappings of generic CSV files, for exports outcomes has no
connector for (an email tool's send log, an ad-spend sheet):

```toml
[csv.newsletter]
files = ["exports/newsletter-*.csv"]   # globs, relative to the workspace
table = "touchpoints"                  # activities, metric_snapshots, touchpoints, conversions, costs
[csv.newsletter.columns]               # warehouse column = "CSV header"
journey_id = "Email"
ts = "Sent at"
utm_campaign = "Campaign"
```

A `[csv.NAME.values]` table gives columns one value for every row, for what the file does
not say because it is the same throughout (a timesheet's lines are all `kind = "people"`).

A file is read by one mapping: a file the `files` of two mappings match is refused
(:class:`AmbiguousMappingError`), so that what the second maps is never dropped in silence.

`date_order = "dmy"` (or `mdy`, `ymd`), at the top or in a `[csv.NAME]` table, says how to
read numeric dates when every date of a column reads both ways (09/01/2026); a column with
one telling date (21/01/2026) is decided by it, whatever the setting says. `decimal_mark =
"comma"` (or `point`) does the same for numbers that read both ways (1.234). At the top
they are about the organisation's own files: a connector whose platform writes one notation
in every locale (`Source.documented_notation`: Meta, LinkedIn, YouTube, Mailchimp) keeps it.

A `[csv.NAME.value_map]` table translates an export's own words for a column with a
closed vocabulary (`kind` of activities and costs, `entity_kind` of metric snapshots,
`type` of conversions) into the warehouse's: `kind = {Message = "message_in", Reply =
"reply"}` reads a help desk's inbound "Message" as a message that came in, not one of ours.
Every target must be in the column's vocabulary; raw values match whatever their case.
A value neither the map nor the vocabulary knows is a rejected row.

A `[channels]` table says what a CRM's or analytics tool's source label means, over the
built-in table (:mod:`outcomes.catalog.source_labels`): `"Trade Show" = "event"`,
`"Partner Portal" = "referral"`. A value must be a plan channel or a documented class.

`encoding = "cp1252"` in a `[csv.NAME]` table is the file's text encoding when it is not
UTF-8 (a sheet saved from Excel on Windows), so that `outcomes ingest --auto` reads it
beside UTF-8 exports; `--encoding` on the command line wins for one load.

`timezone = "America/Chicago"` in a `[csv.NAME]` table (an IANA name) says which zone the
file's times of day written without one are in ("2026-03-08 09:30"); without it they are
read as UTC, and the load says so (:mod:`outcomes.sources.generic_csv`).

`key = ["Patient ID", "Visit date"]` names the CSV headers that identify a row, so that a
corrected re-export updates the rows it corrects instead of adding them again. Without a
key, a row is identified by the table's id column where it has one (an activity's
`native_id`) and otherwise by all of its values: a corrected value then makes a new row.
"""

from __future__ import annotations

import codecs
import fnmatch
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

from outcomes.catalog.source_labels import CLASSES, KNOWN
from outcomes.sources.date_order import ORDERS, DateOrder
from outcomes.sources.decimal_mark import MARKS, DecimalMark
from outcomes.tables import CLOSED_COLUMNS
from outcomes.warehouse.schema import FACT_TABLES, TableName

CONFIG_FILE: Final = "outcomes.toml"
_TABLES: Final = tuple(t.name for t in FACT_TABLES)


class ConfigError(Exception):
    """`outcomes.toml` is invalid; the message names the file, the key and what to do."""


class AmbiguousMappingError(ConfigError):
    """A file that the `files` of more than one `[csv.NAME]` mapping match."""

    def __init__(self, path: Path, names: tuple[str, ...]) -> None:
        listed = " and ".join(f"[csv.{name}]" for name in names)
        super().__init__(
            f"{path}: {listed} in {CONFIG_FILE} both match this file, and a file is read by "
            "one mapping; narrow their `files` so that one matches, or save each part of "
            "the file as its own CSV"
        )
        self.path = path
        self.names = names


@dataclass(frozen=True)
class CsvMapping:
    """How the files matching `files` map onto a warehouse table."""

    name: str
    files: tuple[str, ...]
    table: TableName
    columns: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)
    """Warehouse column → one value for every row."""
    key: tuple[str, ...] = ()
    """The CSV headers whose cells identify a row (empty: see the module's note)."""
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    """Closed column → {the export's value → the warehouse's}."""
    date_order: DateOrder | None = None
    """How to read this mapping's numeric dates that read both ways."""
    decimal_mark: DecimalMark | None = None
    """The decimal mark of this mapping's numbers that read both ways."""
    timezone: str | None = None
    """The IANA zone of this mapping's times of day written without one (None: UTC)."""
    encoding: str | None = None
    """The text encoding of this mapping's files (None: UTF-8, or UTF-16 with a BOM)."""

    def matches(self, path: Path, workspace: Path) -> bool:
        """True when `path` matches one of the globs (relative to the workspace, or by name)."""
        try:
            relative = path.resolve().relative_to(workspace.resolve()).as_posix()
        except ValueError:
            relative = path.name
        return any(
            fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(path.name, g) for g in self.files
        )


@dataclass(frozen=True)
class WorkspaceConfig:
    """Everything `outcomes.toml` declares (empty when the file is absent)."""

    csv: tuple[CsvMapping, ...] = ()
    date_order: DateOrder | None = None
    """`date_order = "dmy"` at the top: how to read numeric dates that read both ways."""
    decimal_mark: DecimalMark | None = None
    """`decimal_mark = "comma"` at the top: the mark of numbers that read both ways."""
    channels: dict[str, str] = field(default_factory=dict)
    """`[channels]`: source label → plan channel or class."""

    def csv_mapping_for(self, path: Path, workspace: Path) -> CsvMapping | None:
        """The one CSV mapping whose globs match `path`, or None.

        Raises :class:`AmbiguousMappingError` when several do: read by the first alone, the file
        would silently lose what the others map (a finance sheet whose churn column one
        mapping takes and whose support cost another does), and exit 0.
        """
        found = [m for m in self.csv if m.matches(path, workspace)]
        if len(found) > 1:
            raise AmbiguousMappingError(path, tuple(m.name for m in found))
        return found[0] if found else None


def load_config(workspace: Path) -> WorkspaceConfig:
    """Read `outcomes.toml` from the workspace; raise :class:`ConfigError` when it is invalid."""
    path = workspace / CONFIG_FILE
    if not path.exists():
        return WorkspaceConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - {"csv", "date_order", "decimal_mark", "channels"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}]; the sections are: [csv.NAME], [channels] "
            "(and the keys date_order and decimal_mark)"
        )
    date_order = _date_order(path, "", data.get("date_order"))
    decimal_mark = _decimal_mark(path, "", data.get("decimal_mark"))
    csv = data.get("csv", {})
    if not isinstance(csv, dict):
        raise ConfigError(f"{path}: [csv] must hold named tables, e.g. [csv.newsletter]")
    mappings = tuple(_mapping(path, name, entry) for name, entry in csv.items())
    return WorkspaceConfig(
        mappings,
        date_order,
        channels=_channels(path, data.get("channels", {})),
        decimal_mark=decimal_mark,
    )


def _channels(path: Path, table: object) -> dict[str, str]:
    """`[channels]`, checked: each label names a plan channel or a documented class."""
    example = '"Trade Show" = "event"'
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [channels] must map source labels to channels, e.g. {example}")
    for label, channel in table.items():
        if not isinstance(channel, str) or channel not in KNOWN:
            classes = ", ".join(CLASSES)
            raise ConfigError(
                f"{path}: [channels] {label!r} = {channel!r}: the channel must be a plan channel "
                f"or one of {classes}, e.g. {example}"
            )
    return {str(label): str(channel) for label, channel in table.items()}


def _decimal_mark(path: Path, where: str, value: object) -> DecimalMark | None:
    if value is None:
        return None
    if value not in MARKS:
        raise ConfigError(
            f"{path}: {where}decimal_mark must be one of {', '.join(MARKS)}, not {value!r}"
        )
    return value


def _date_order(path: Path, where: str, value: object) -> DateOrder | None:
    if value is None:
        return None
    if value not in ORDERS:
        raise ConfigError(
            f"{path}: {where}date_order must be one of {', '.join(ORDERS)} (day, month, year "
            f"first), not {value!r}"
        )
    return value


def _mapping(path: Path, name: str, entry: Any) -> CsvMapping:
    where = f"{path}: [csv.{name}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table with files, table and columns")
    keys = {
        "files", "table", "columns", "values", "value_map", "key", "date_order", "decimal_mark",
        "timezone", "encoding",
    }  # fmt: skip
    unknown = sorted(set(entry) - keys)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}'; the keys are files, table, columns, values, "
            "value_map, key, date_order, decimal_mark, timezone and encoding"
        )
    key = entry.get("key", [])
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not all(isinstance(k, str) and k.strip() for k in key):
        raise ConfigError(
            f'{where}: key must name the CSV headers that identify a row, e.g. key = ["Order ID"]'
        )
    files = entry.get("files")
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise ConfigError(
            f'{where}: files must be a glob or a list of globs, e.g. files = ["exports/*.csv"]'
        )
    table = entry.get("table")
    if table not in _TABLES:
        raise ConfigError(f"{where}: table must be one of {', '.join(_TABLES)}, not {table!r}")
    columns = entry.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ConfigError(
            f'{where}: columns must map warehouse columns to CSV headers, e.g. ts = "Sent at"'
        )
    values = entry.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise ConfigError(
            f'{where}: values must give warehouse columns one text each, e.g. kind = "people"'
        )
    both = sorted(set(columns) & set(values))
    if both:
        raise ConfigError(f"{where}: '{both[0]}' is in both columns and values; keep one")
    return CsvMapping(
        name,
        tuple(files),
        cast(TableName, table),
        {str(k): str(v) for k, v in columns.items()},
        {str(k): str(v) for k, v in values.items()},
        tuple(key),
        _value_maps(where, str(table), entry.get("value_map", {}), {*columns, *values}),
        _date_order(path, f"[csv.{name}] ", entry.get("date_order")),
        _decimal_mark(path, f"[csv.{name}] ", entry.get("decimal_mark")),
        _timezone(where, entry.get("timezone")),
        _encoding(where, entry.get("encoding")),
    )


def _encoding(where: str, value: object) -> str | None:
    """`encoding`, checked: a text encoding Python knows."""
    if value is None:
        return None
    try:
        codecs.lookup(str(value))
    except LookupError:
        raise ConfigError(
            f"{where}: encoding {value!r} is no text encoding; write one such as "
            '"cp1252", "latin-1" or "utf-16"'
        ) from None
    return str(value)


def _timezone(where: str, value: object) -> str | None:
    """`timezone`, checked: an IANA name the time zone database knows."""
    if value is None:
        return None
    if not is_timezone(str(value)):
        raise ConfigError(
            f"{where}: timezone {value!r} is not an IANA time zone name; write one such as "
            '"America/Chicago" or "Europe/Berlin"'
        )
    return str(value)


def is_timezone(name: str) -> bool:
    """Whether `name` is an IANA time zone name the time zone database knows."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _value_maps(where: str, table: str, entry: object, read: set[str]) -> dict[str, dict[str, str]]:
    """`[csv.NAME.value_map]`, checked: closed columns of the table, mapped into their
    vocabularies."""
    example = 'kind = {Message = "message_in", Reply = "reply"}'
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{where}: value_map must map columns to tables of values, e.g. {example}"
        )
    closed = [column for (t, column) in CLOSED_COLUMNS if t == table]
    found: dict[str, dict[str, str]] = {}
    for column, pairs in entry.items():
        allowed = CLOSED_COLUMNS.get((table, column))
        if allowed is None:
            which = ", ".join(closed) if closed else "no column of it has one"
            raise ConfigError(
                f"{where}: value_map '{column}': only a column with a closed vocabulary takes a "
                f"value map ({table}: {which})"
            )
        if column not in read:
            raise ConfigError(
                f"{where}: value_map '{column}': the mapping does not read '{column}'; map its "
                f'CSV header in [csv.NAME.columns] first, e.g. {column} = "Type"'
            )
        if not isinstance(pairs, dict) or not all(isinstance(v, str) for v in pairs.values()):
            raise ConfigError(
                f"{where}: value_map '{column}' must map the export's values to ours, e.g. {example}"
            )
        for raw, value in pairs.items():
            if value not in allowed:
                raise ConfigError(
                    f"{where}: value_map '{column}' maps {raw!r} to {value!r}, which is not one "
                    f"of {', '.join(allowed)}"
                )
        found[str(column)] = {str(k): str(v) for k, v in pairs.items()}
    return found
