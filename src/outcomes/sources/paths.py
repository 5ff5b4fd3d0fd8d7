"""Aggregated customer journeys: `path,total_conversions,total_conversion_value,total_null`.

This is the input format of ChannelAttribution (its example data is `;`-separated) and the
output of most journey-building SQL: one row per path, e.g. `linkedin > email > direct`,
with how many journeys along it converted, their value, and how many did not convert.

* Separator: `,`, `;` or tab, whichever the header line uses. In a `;`-separated file a
  number with a single comma is read with a decimal comma (`12,5`).
* Headers: `path` (also `transformedPath`, `channel_path`), `total_conversions` (also
  `conversions`), optional `total_conversion_value` (`value`, `revenue`) and `total_null`
  (`nulls`, `non_conversions`); an absent value or null column counts as 0 for a path
  not stored yet, and leaves a stored path's value or nulls as they are (a re-export
  without the column is not a report of zero revenue: `Row.fills`).
* Paths are split on `>`, each step trimmed, and written back as `a > b > c`, so
  `a>b>c` and `a > b > c` are the same path. An empty path or step is rejected.
* Negative counts or values are rejected, and so are numbers out of range (`1e999`), and
  a path whose repeats add up to more than a float holds (rejected at its first line).
* **The same path twice in one file is summed**, not rejected: ChannelAttribution accepts
  one row per journey as well as one per path, so repeats are legitimate; each repeat
  is counted as ignored, "a repeat of an earlier row's path, added to its totals", so
  that every row of the file is accounted for. Conversions, value and nulls are all
  added up (fractribution's bug of keeping the first row's revenue is avoided). Summing
  needs every distinct path in memory, so rows come after the whole file is read;
  distinct paths are far fewer than journeys.

Rows go to `journey_paths`, keyed by `natural_key("paths", normalised path)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from outcomes.sources.base import (
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    natural_key,
)
from outcomes.sources.fields import parse_decimal
from outcomes.sources.tabular import (
    Columns,
    Record,
    csv_delimiter,
    file_labels,
    file_records,
    head_rows,
    normalise_header,
    read_head,
)
from outcomes.tables import normalise_path

NAME = "paths"
REPEAT: Final = "a repeat of an earlier row's path, added to its totals"
"""Why a repeated path's row is passed over: its counts are summed into the first row's."""

COLUMNS = Columns(
    {
        "path": ("path", "transformedPath", "channel_path", "paths"),
        "conversions": ("total_conversions", "conversions", "total_conversion"),
        "value": ("total_conversion_value", "conversion_value", "value", "revenue"),
        "nulls": (
            "total_null",
            "total_nulls",
            "nulls",
            "null",
            "non_conversions",
            "nonConversions",
        ),
    }
)
REQUIRED: Final = ("path", "conversions")
_PATH_HEADERS: Final = frozenset(normalise_header(h) for h in COLUMNS.aliases["path"])
_COUNT_HEADERS: Final = frozenset(normalise_header(h) for h in COLUMNS.aliases["conversions"])


@dataclass(slots=True)
class _Totals:
    conversions: float
    value: float
    nulls: float
    line: int
    """The path's first line, for a rejection of its sum."""


class PathsFileError(ValueError):
    """A paths file had rows the connector rejected; nothing is attributed from it."""


class JourneyPaths(Source):
    """Aggregated journey paths with conversions, value and non-converting counts."""

    name = NAME
    description = "Aggregated journeys: path, total_conversions, total_conversion_value, total_null"

    def detect(self, path: Path, head: bytes) -> bool:
        """True when the first row has a path column and a conversions column."""
        rows = head_rows(path, head, limit=1)
        headers = {normalise_header(h) for h in rows[0]} if rows else set()
        return bool(headers & _PATH_HEADERS) and bool(headers & _COUNT_HEADERS)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """One `journey_paths` row per distinct path (repeats summed); rejections as they come."""
        head = read_head(path)
        decimal_comma = csv_delimiter(head, options.encoding) == ";"
        column = file_labels(path, COLUMNS, REQUIRED, options.encoding)
        totals: dict[str, _Totals] = {}
        stated: set[str] = {"conversions", "value", "nulls"}
        for record in file_records(path, COLUMNS, required=REQUIRED, options=options):
            rejection = record.rejection()
            if rejection is not None:  # cells that do not line up with the header
                yield rejection
                continue
            stated = {name for name in stated if record.has(name)}  # the file's columns
            parsed = _parse(record, decimal_comma, column)
            if isinstance(parsed, Rejected):
                yield parsed
                continue
            steps, counts = parsed
            current = totals.get(steps)
            if current is None:
                totals[steps] = counts
            else:
                # Its counts go into the first row's; it is still read, and says where.
                yield Ignored(record.line, REPEAT)
                current.conversions += counts.conversions
                current.value += counts.value
                current.nulls += counts.nulls
        fills = frozenset({"value", "nulls"} - stated)
        for steps, counts in totals.items():
            yield _row(steps, counts, column, fills)


def read_path_rows(file: Path | str) -> list[tuple[str, float, float, float]]:
    """`(path, conversions, value, nulls)` per distinct path of a paths file, for the models.

    Any rejected row raises `PathsFileError` naming the first few, rather than silently
    attributing a subset of the data. A file that cannot be read raises `SourceError`.
    """
    rows: list[tuple[str, float, float, float]] = []
    rejected: list[Rejected] = []
    for parsed in JourneyPaths().read(Path(file), ReadOptions()):
        if isinstance(parsed, Rejected):
            rejected.append(parsed)
            continue
        if not isinstance(parsed, Row):
            continue  # a record the connector passes over (never a path)
        values = parsed.values
        rows.append((str(values["path"]), values["conversions"], values["value"], values["nulls"]))
    if rejected:
        first = "; ".join(f"line {r.line}: {r.reason}" for r in rejected[:3])
        raise PathsFileError(f"{file}: {len(rejected)} rows rejected ({first})")
    return rows


def _parse(
    record: Record, decimal_comma: bool, column: Callable[[str], str]
) -> tuple[str, _Totals] | Rejected:
    try:
        steps = normalise_path(str(record.get("path") or ""))
    except ValueError as exc:
        return Rejected(record.line, column("path"), str(exc), record.raw)
    numbers: dict[str, float] = {}
    for name in ("conversions", "value", "nulls"):
        try:
            number = parse_decimal(record.get(name), decimal_comma=decimal_comma)
        except (ValueError, OverflowError) as exc:  # FieldError, or an int too big for a float
            return Rejected(record.line, column(name), str(exc), record.raw)
        if number is not None and not math.isfinite(number):
            reason = f"the number {record.get(name)!r} is out of range"
            return Rejected(record.line, column(name), reason, record.raw)
        if number is not None and number < 0:
            reason = f"expected a count or value of 0 or more, got {record.get(name)!r}"
            return Rejected(record.line, column(name), reason, record.raw)
        numbers[name] = number or 0.0
    totals = _Totals(numbers["conversions"], numbers["value"], numbers["nulls"], record.line)
    return steps, totals


def _row(
    steps: str, counts: _Totals, column: Callable[[str], str], fills: frozenset[str]
) -> Row | Rejected:
    for name in ("conversions", "value", "nulls"):
        if not math.isfinite(getattr(counts, name)):
            # Each row was in range, their sum is not: refuse the path rather than store inf.
            reason = f"the sum of {name} over the rows of path {steps!r} is out of range"
            return Rejected(counts.line, column(name), reason, steps)
    return Row(
        "journey_paths",
        {
            "key": natural_key(NAME, steps),
            "source": NAME,
            "path": steps,
            "conversions": counts.conversions,
            "value": counts.value,
            "nulls": counts.nulls,
        },
        fills=fills,
    )
