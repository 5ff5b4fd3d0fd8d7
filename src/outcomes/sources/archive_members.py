"""The small files beside an archive's data that say whose it is (X's `account.js`,
Mastodon's `actor.json`), read whole but only when small, from a folder or a zip.

Either the bytes come back, or a sentence saying why they cannot be had, for the
connector's one-line refusal ("... the archive has no data/account.js; pass --account").
:func:`beside` names the owner file of a loose data file, so that the warehouse reads the
data file again when its owner file changed (`Source.owner_files`).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Final

SMALL: Final = 1 << 20
"""An owner file is a few hundred bytes; one over a megabyte is no owner file."""
UNPACK_ERRORS: Final = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)
"""What unpacking a damaged, encrypted or oddly compressed member can raise."""


def beside(path: Path, name: str) -> tuple[Path, ...]:
    """The owner file `name` beside the data file `path`; none when `path` is a zip, whose
    own bytes hold its owner file."""
    try:
        with path.open("rb") as handle:
            if handle.read(2) == b"PK":
                return ()
    except OSError:
        pass  # reading the file will say why it cannot be had
    return (path.parent / name,)


def small_file(path: Path, what: str, beside: str) -> bytes | str:
    """The bytes of `path`, or why not (`what`: "an account file"; `beside`: "the tweets")."""
    try:
        if not path.is_file():
            return f"there is no {path.name} beside {beside}"
        if path.stat().st_size > SMALL:
            return f"{path.name} is too large to be {what}"
        return path.read_bytes()
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror})"


def small_member(archive: zipfile.ZipFile, member: str, what: str) -> bytes | str:
    """The bytes of a zip member, or why not."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        return f"the archive has no {member}"
    if info.file_size > SMALL:
        return f"{member} is too large to be {what}"
    try:
        return archive.read(member)
    except UNPACK_ERRORS as exc:
        return f"{member} cannot be unpacked ({exc})"
