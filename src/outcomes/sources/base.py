"""What a connector is: it reads one export format and yields rows for the warehouse.

A connector never writes to the warehouse and never drops a row silently: each record of
the file becomes rows (`Row`), a rejection (`Rejected`) with where it was and why, or is
passed over with a named reason (`Ignored`: a total row, an event that is not a
touchpoint). The loader counts every record, so that for every file
`read = loaded + updated + unchanged + rejected + ignored`. What the connector had to
assume about the file as a whole, where no row is wrong but the numbers may be, is a
`Notice`, reported with the file's accounting. A file that cannot be read at
all (a broken zip, an empty file, the wrong encoding) raises `SourceError`, and nothing
from it is loaded.

A row's `values` name only the columns the file states: a column the export does not have
is left out of the dict (absent is not empty), so a re-export without it never changes
what is stored; a column the file has with an empty cell is there as None. A None is
stored on a row's first load (unknown) but never replaces a stored value: whether an
export's blank means "unknown" or "0" differs by tool, so a blank states nothing, and
the loader says in a notice which stored values blanks left in place. A figure that
gives a row of its own (a metric snapshot) is left out when its cell is blank; in a load
the connector says so with a `Blank`, for the same notice.

A connector never reads the warehouse either, with one exception it is handed: a tool
whose exports name one record in two ways (a LinkedIn post by its link, or by its date
and title when the export has no link; a Mailchimp campaign by its Unique Id, or by its
title and send day; an ad campaign by its Campaign ID, or by its name and day) asks
`ReadOptions.stored` which records are already there, so that the other shape updates
them instead of storing them again (`outcomes.sources.two_keys`), and an ad report asks
at which grain (its breakdown) a campaign's day is stored, so that a report broken down
otherwise is refused instead of counted twice (`outcomes.sources.campaigns`); a CRM whose
report may name accounts by id or by name asks how the stored ones are named, so that the
two never make two journeys of one account unsaid (`outcomes.sources.salesforce`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from outcomes.sources.date_order import DateOrder
from outcomes.sources.decimal_mark import DecimalMark
from outcomes.tables import TableName

RAW_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Row:
    """One row for a warehouse table.

    `values` holds the columns the file states; a column left out is absent: null in a new
    row, untouched in a stored one. A None (a blank cell) is null in a new row and leaves a
    stored value as it is, unless the column is in `clears`. `line` is where the record
    was, when known.
    """

    table: TableName
    values: dict[str, Any]
    line: int | None = None
    fills: frozenset[str] = frozenset()
    """Columns whose value comes from a fallback, because the file lacks the column they are
    read from: they fill what is not stored yet and never overwrite (a re-export without
    Close Date does not redate a deal by its Created Date)."""
    clears: frozenset[str] = frozenset()
    """Columns whose None is a statement, not a blank cell: a value worked out from what
    the record does say (a caption with no utm_campaign has no campaign), so it replaces
    a stored value like any other. Every other None states nothing on a re-load."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record the connector refused: where it was (line or record number), which column, why."""

    line: int | None
    column: str | None
    reason: str
    raw: str = ""

    def __post_init__(self) -> None:
        if len(self.raw) > RAW_LIMIT:
            object.__setattr__(self, "raw", self.raw[:RAW_LIMIT])


@dataclass(frozen=True, slots=True)
class Ignored:
    """A record that is not data for the warehouse, passed over for a named reason.

    The reason is a short phrase shared by every record passed over for it ("a total row",
    "a demographic section", "not a touchpoint event"), so the summary can count by it.
    """

    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader of a load must know about the file as a whole, that no row
    says: one line, naming what was assumed and what to do (HubSpot deals in stages not
    known to be won, lost or open, taken as open).

    A notice is no record: it is not counted in `read`, and a connector gives it after
    the records it is about.
    """

    text: str


def most_common_words(counts: Counter[str], shown: int, word: Callable[[str, int], str]) -> str:
    """The `shown` commonest values of a notice's tally in words (`word(value, count)`),
    with "and N more" for the rest: "'Acme', 'Beta' and 3 more"."""
    listed = ", ".join(word(value, count) for value, count in counts.most_common(shown))
    more = len(counts) - shown
    return f"{listed} and {more:,} more" if more > 0 else listed


@dataclass(frozen=True, slots=True)
class Blank:
    """A blank cell of a figure that gives no row of its own (a metric snapshot needs a
    value, so an ad report's blank Impressions writes nothing): the warehouse row it would
    have written, by `key`, and the `column` (the metric) to name.

    A blank states nothing, so what is stored under `key` stays; the loader says so in a
    notice when something is. Like a `Notice`, it is no record and is not counted in
    `read`; a connector gives it only when it is handed `ReadOptions.stored` (a load).
    """

    table: TableName
    key: str
    column: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Superseded:
    """A row an earlier reading of this connector stored under a key that this reading
    gives no row: the record is stored under another key now (the versions of an edited
    tweet, once a post each, are one post keyed by the first). The loader removes the row
    where this connector stored it, keeping it for `forget`, and says how many went.

    Like a notice, it is no record and is not counted in `read`: the record it was made
    from is counted as what this reading made of it.
    """

    table: TableName
    key: str


Parsed = Row | Rejected | Ignored | Notice | Blank | Superseded


class SourceError(Exception):
    """The file cannot be read at all; nothing from it is loaded.

    The message is one line: the file, where (if known), what is wrong and what to do.
    """

    def __init__(self, file: Path | str, message: str, *, line: int | None = None) -> None:
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {message}")
        self.file = str(file)
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class StoredActivity:
    """An activity the warehouse holds: its key, and its link if it has one."""

    key: str
    url: str | None


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """A metric snapshot the warehouse holds: its key and its metric."""

    key: str
    metric: str


@dataclass(frozen=True, slots=True)
class StoredBreakdown:
    """A grain an ad report's rows are stored at (`breakdown`: "" for one row per campaign
    and day), and the file that last stored rows at it."""

    breakdown: str
    file: str


class StoredRecords(Protocol):
    """What the warehouse holds, for a connector whose tool names a record two ways."""

    def activities_on(
        self, source: str, account: str | None, day: dt.date, text: str
    ) -> Sequence[StoredActivity]:
        """The stored activities of `source` and `account` dated `day` (UTC) with `text`."""
        ...

    def snapshots_on(self, source: str, entity: str, day: dt.date) -> Sequence[StoredSnapshot]:
        """The stored metric snapshots of `source`'s `entity` dated `day`."""
        ...

    def costs_on(self, source: str, tactic: str, day: dt.date) -> Sequence[str]:
        """The keys of the stored cost lines of `source` for `tactic` dated `day`."""
        ...

    def breakdowns_on(self, source: str, name: str, day: dt.date) -> Sequence[StoredBreakdown]:
        """The grains `source`'s stored cost lines and snapshots of campaign `name` dated
        `day` are at, each once; rows stored without one (before grains were recorded) are
        not counted."""
        ...

    def customers_of(self, source: str) -> Sequence[str]:
        """The customer ids of `source`'s stored conversions, each once."""
        ...


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file, from the command line or the workspace config."""

    encoding: str | None = None
    """Text encoding; None means UTF-8 (with or without a BOM) or UTF-16 with a BOM."""
    account: str | None = None
    """The page or handle the export belongs to, when the file does not say."""
    mapping: dict[str, str] | None = None
    """For the generic CSV connector: warehouse column → CSV header."""
    table: TableName | None = None
    """For the generic CSV connector: which table the rows go to."""
    values: dict[str, str] | None = None
    """For the generic CSV connector: warehouse column → one value for every row."""
    value_maps: Mapping[str, Mapping[str, str]] | None = None
    """For the generic CSV connector: column → {the export's value → the warehouse's}, for
    columns with a closed vocabulary (`kind`, `entity_kind`, `type`)."""
    key: tuple[str, ...] = ()
    """For the generic CSV connector: the CSV headers whose cells identify a row."""
    timezone: str | None = None
    """For the generic CSV connector: the IANA time zone (`America/Chicago`) its times
    written without a zone are in; None reads them as UTC."""
    channels: Mapping[str, str] | None = None
    """The workspace's `[channels]`: source label → plan channel or class, over the built-in
    table (:mod:`outcomes.catalog.source_labels`)."""
    date_order: DateOrder | None = None
    """How to read numeric dates whose every value reads both ways (`dmy`, `mdy`, `ymd`)."""
    decimal_mark: DecimalMark | None = None
    """The decimal mark of numbers whose every value reads both ways (`point`, `comma`)."""
    currency: str | None = None
    """The plan's currency (`organisation.currency`), when the workspace's plan reads: an
    ad report whose spend is in another says so in a `Notice` as it loads."""
    stored: StoredRecords | None = None
    """What the warehouse holds, handed by the loader (None when only reading the file):
    see the module's note."""


class Source(ABC):
    """A connector for one export format.

    Subclasses set `name` (as plans use it in `measurement.sources`), `channel` where the
    format belongs to one network, and `description`; they implement `detect` and `read`.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    channel: ClassVar[str | None] = None
    reading: ClassVar[int] = 1
    """How this connector reads its files; raised when the same bytes now give other rows
    (`reading_change` says how), so a file an earlier reading loaded is read again."""
    reading_change: ClassVar[str] = ""
    """What the current reading does that earlier ones did not, for the ingest's summary."""
    reads_account: ClassVar[bool] = False
    """True when `ReadOptions.account` (`--account`) can say whose the rows are: then it is
    part of what a file means, like `owner_files`."""
    documented_notation: ClassVar[bool] = False
    """True when the platform writes dates and numbers one documented way whatever the
    locale (Meta, LinkedIn, YouTube, Mailchimp write 03/01/2026 for 1 March): the
    workspace-wide `date_order` and `decimal_mark` of `outcomes.toml`, which say how the
    organisation's own files are written, do not apply to its files; `--date-order` and
    `--decimal-mark` on `outcomes ingest`, said of the files at hand, still do."""

    @abstractmethod
    def detect(self, path: Path, head: bytes) -> bool:
        """True when `path` (whose first 64 KiB are `head`) looks like this format."""

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Every row of the file, or a rejection for each record that cannot be used.

        Streams: never holds the whole file in memory when the format allows reading it
        piece by piece. Raises :class:`SourceError` when the file cannot be read at all.
        """

    def owner_files(self, path: Path) -> tuple[Path, ...]:
        """The small files `read` reads beside `path` to know whose its rows are (an X
        archive's `account.js`); none by default.

        They are part of what the file means: the warehouse takes the file for one loaded
        before only when these (and `--account`) are as they were then too (missing
        counts as a state).
        """
        del path
        return ()


def natural_key(*parts: object) -> str:
    """A stable key from the parts that identify a row in its source.

    Short parts are joined as they are so keys stay readable in the warehouse; long ones
    (texts) are hashed.
    """
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    if len(text) <= 200:
        return text.replace("\x1f", "|")
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
