"""An X archive's `window.YTD.<name>.partN = [...]` files, read as streams.

Every data file of the archive is JavaScript: a variable assignment, then a JSON array.
The tweets (`outcomes.sources.x_archive`) and the direct messages
(`outcomes.sources.x_dms`) are read here one element at a time from a window of about
1 MiB, also inside the zip, so a 300 MB file is never held whole; a file that is cut off,
broken, empty or not of the kind expected is refused with its line and column.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from outcomes.sources.base import SourceError
from outcomes.sources.json_input import (
    DecodeError,
    Element,
    StreamError,
    TextStream,
    array_elements,
    printable,
    text_start,
    unreadable_archive,
)

Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of archive file: its `window.YTD.` prefix, as an error quotes it, and its items."""

    prefix: re.Pattern[str]
    expected: str
    items: str


def member_opener(archive: zipfile.ZipFile, member: str) -> Opener:
    return lambda: archive.open(member)  # a stream: a 300 MB member is never read whole


def file_opener(path: Path) -> Opener:
    return lambda: path.open("rb")


def unpack_error(path: Path, member: str, exc: Exception, *, label: bool) -> SourceError:
    """The refusal of a file (or of the zip, naming its `member`) that cannot be read on."""
    if not label or member == path.name:
        return SourceError(path, f"cannot read the file: {exc}")
    return SourceError(path, f"{member} cannot be unpacked ({exc}); download the archive again")


def elements(
    path: Path, where: str, stream: IO[bytes], encoding: str | None, kind: Kind
) -> Iterator[Element]:
    """The elements of the JSON array after the `kind`'s `window.YTD.<name>.partN = `."""
    head = stream.read(4)
    chosen = encoding or ("utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    try:
        source = TextStream(stream, chosen, head)
    except LookupError:
        raise SourceError(path, f"unknown encoding {chosen!r}") from None
    try:
        buffer, found = text_start(source, kind.prefix)
        if not found:
            raise _not_kind(path, where, buffer.text[buffer.pos : buffer.pos + 40], kind)
        if buffer.next_char() != "[":
            raise SourceError(
                path, f"{where}expected a JSON array of {kind.items} after the prefix"
            )
        yield from array_elements(buffer, unique_keys=True)
    except (DecodeError, StreamError) as exc:
        raise unreadable_archive(path, where, exc) from None


def _not_kind(path: Path, where: str, start: str, kind: Kind) -> SourceError:
    if not start:
        return SourceError(path, f"{where}the file is empty; download the archive again")
    message = f"does not start with '{kind.expected}' (it starts {printable(start)!r})"
    return SourceError(path, f"{where}{message}; not an X archive {kind.items} file")
