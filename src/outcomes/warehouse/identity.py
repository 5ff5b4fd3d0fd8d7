"""What makes a load of a file the same as an earlier one (`outcomes.warehouse.load`).

A file whose bytes were loaded before is not read again, but its bytes are not all it
means: the small files a connector reads beside it to know whose its rows are
(`Source.owner_files`: an outbox's `actor.json`) and the reading options given that change
them (`--account` to a connector that reads it, `--encoding`, `--date-order`,
`--decimal-mark`, the generic CSV's mapping in `outcomes.toml`, the workspace's
`[channels]`) are part of it. The stored `checksum` is the sha256 of the file's bytes,
followed, when the file has an owner file or such options, by `+` and a sha256 of those;
the same bytes read with another owner file or other options are read again, saying why.

A connector that now reads the same bytes into other rows (`Source.reading`: an X archive's
edited tweets once a post each, then one post) adds `#r` and its reading: a file an earlier
reading loaded is read again, and the result says what this reading changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcomes.sources.base import ReadOptions, Source


@dataclass(frozen=True, slots=True)
class LoadIdentity:
    """A file's bytes, and what else says what its rows are."""

    checksum: str
    """sha256 of the file's bytes."""
    size: int
    stored: str
    """What the `ingests` table keeps: the checksum, then `+` and the digest of the rest."""
    names: tuple[str, ...]
    """The owner files and options this load has, by the names the user knows."""
    reading: int = 1
    """The connector's reading (`Source.reading`)."""
    change: str = ""
    """What that reading changes (`Source.reading_change`)."""

    @classmethod
    def of(cls, source: Source, path: Path, options: ReadOptions | None) -> LoadIdentity:
        checksum, size = file_checksum(path)
        owners = source.owner_files(path)
        given = meaning_options(options, source)
        # Named by the files there are (an X archive before long posts has no
        # note-tweet.js); when none is, by all of them: one may have been removed.
        present = tuple(owner.name for owner in owners if owner.is_file())
        names = (*(present or tuple(owner.name for owner in owners)), *given)
        reading = f"{_READING}{source.reading}" if source.reading > 1 else ""
        stored = checksum + owners_digest(owners, given) + reading
        return cls(checksum, size, stored, names, source.reading, source.reading_change)

    def read_again(self, con: Any, source: str) -> str | None:
        """Why the file is read though its bytes were loaded before: the ingest that
        loaded them had another owner file beside them or other reading options (before
        they were recorded, none were). None when the bytes are new."""
        found = con.execute(
            "SELECT id, checksum FROM ingests WHERE left(checksum, 64) = ? "
            "AND source = ? AND forgotten_at IS NULL ORDER BY id DESC LIMIT 1",
            [self.checksum, source],
        ).fetchone()
        if found is None:
            return None
        if stored_reading(str(found[1])) < self.reading:
            return (
                f"read again: ingest {found[0]} loaded the same bytes with an earlier reading "
                f"of {source}; this one {self.change}"
            )
        # Only what this load gives is known by name (the stored digest names nothing).
        said = (
            f"not with the same {' and '.join(self.names)}"
            if self.names
            else "with reading options this load does not give (such as --account or --date-order)"
        )
        return f"read again: ingest {found[0]} loaded the same bytes, but {said}"


_READING = "#r"


def stored_reading(stored: str) -> int:
    """The connector's reading a stored checksum was loaded with (1 before readings)."""
    _, mark, reading = stored.partition(_READING)
    return int(reading) if mark and reading.isdigit() else 1


def file_checksum(path: Path) -> tuple[str, int]:
    """sha256 of the file's bytes, and its size, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def meaning_options(options: ReadOptions | None, source: Source) -> dict[str, str]:
    """The reading options given that change what a file's rows are, by the name the user
    knows them by, each as text: the same bytes read with other ones are another load.

    `--account` counts for the connectors that read it; the generic CSV's mapping from
    `outcomes.toml` (its table, columns, values, value maps, key and timezone) and the workspace's
    `[channels]` count too: a corrected mapping read with "already loaded" would keep the
    rows it misread.
    """
    if options is None:
        return {}
    mapping = (options.table, options.mapping, options.values, options.value_maps, options.key)
    given: dict[str, object] = {
        "--account": options.account if source.reads_account else None,
        "--encoding": options.encoding,
        "--date-order": options.date_order,
        "--decimal-mark": options.decimal_mark,
        "CSV mapping": mapping if any(mapping) else None,
        "CSV timezone": options.timezone,
        "[channels]": options.channels,
    }
    return {
        name: json.dumps(value, sort_keys=True, default=plain_value)
        for name, value in given.items()
        if value
    }


def plain_value(value: object) -> object:
    """A mapping as a dict, anything else as its text (for `json.dumps`)."""
    return dict(value) if isinstance(value, Mapping) else str(value)


def owners_digest(owners: Sequence[Path], given: Mapping[str, str]) -> str:
    """`+` and a sha256 of what else says what the file's rows are: the owner files' names
    and bytes, and the reading options given (`meaning_options`); "" for a file read
    without either.

    A missing or unreadable owner file is a state of its own: when it turns up, or is
    fixed, the file is read again.
    """
    if not owners and not given:
        return ""
    digest = hashlib.sha256()
    for owner in owners:
        try:
            found = file_checksum(owner)[0]
        except OSError:  # the connector's read says what is wrong with it
            found = "none"
        digest.update(f"{owner.name}\0{found}\0".encode("utf-8", "surrogatepass"))
    for name, value in sorted(given.items()):
        digest.update(f"{name}\0{value}\0".encode("utf-8", "surrogatepass"))
    return "+" + digest.hexdigest()
