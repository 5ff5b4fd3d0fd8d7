"""For a file no connector recognised: the connector it most looks like, and what it lacks.

`ingest --auto` never passes over a file in silence. A LinkedIn sheet with its `Date`
header renamed, a Salesforce report without its Opportunity ID: each is listed with the
connector whose headers it shares most, and the required headers it does not have, so the
fix is one step away.

A file that is plainly no export is not compared at all (`not_an_export`): a README, a
PDF, a screenshot beside the exports is skipped as what it is, not offered a connector
(a README listing "Opportunity Name, Stage, Amount" was "closest to salesforce"). Plainly
means a document's or an image's extension (`.md`, `.pdf`, `.png`...), or a text file
(`.txt`, no extension) whose first lines have no header row of columns: no row of two
cells or more, split by the file's delimiter, that the next row matches cell for cell.
A file of an X archive's `data/` folder that the archive's connector does not read
(`like.js`, `follower.js`: each begins `window.YTD.<what>.part0 =`) is skipped as that part
of the archive. Anything else, a `.csv` or a workbook above all, is compared as before.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Final

from outcomes.sources.registry import CONNECTORS
from outcomes.sources.tabular import Columns, head_rows, read_head

# A file sharing fewer headers than this with every connector resembles none of them.
_AT_LEAST: Final = 2

_DOCUMENTS: Final = frozenset(
    {
        ".md", ".markdown", ".rst", ".pdf", ".doc", ".docx", ".odt", ".rtf", ".pages",
        ".ppt", ".pptx", ".odp", ".key", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
        ".heic", ".bmp", ".tif", ".tiff", ".mp4", ".mov",
    }
)  # fmt: skip
"""Extensions of documents and images: no tool exports its data as one of these."""
_TEXT: Final = frozenset({".txt", ""})
"""Extensions of plain text, which may be notes or a delimited export: the content tells."""


def a_document(path: Path) -> str | None:
    """ "a .md document" when `path`'s extension is a document's or an image's, else None.

    Asked before any connector's detection: a README listing a report's columns in a line
    ("Opportunity Name, Stage") would otherwise be claimed by that report's connector,
    and refused as a broken report (exit 2).
    """
    suffix = path.suffix.lower()
    return f"a {suffix} document" if suffix in _DOCUMENTS else None


def not_an_export(path: Path) -> str | None:
    """Why `path`, which no connector recognised, is plainly not an export ("a .md
    document"), or None (module docstring)."""
    document = a_document(path)
    if document is not None:
        return document
    if path.suffix.lower() in _TEXT and not _has_header(path):
        return "a text file with no header row of columns"
    kind = _x_archive_part(path)
    if kind is not None:
        return f"the X archive's {kind} file, which outcomes does not read"
    return None


_X_PART: Final = re.compile(rb"^\s*window\.YTD\.([a-z0-9_]+)\.part\d+\s*=")
"""How each file of an X archive's `data/` folder begins: `window.YTD.like.part0 = [`."""


def _x_archive_part(path: Path) -> str | None:
    """What an X archive's `data/*.js` file holds ("like", "follower"), when it is one.

    The archive holds some sixty such files. The connector reads the tweets, the direct
    messages and the owner's account; the rest (likes, followers, ad impressions...) were
    "format not recognised", so `ingest --auto` on a real `data/` folder exited 1.
    """
    if path.suffix.lower() != ".js":
        return None
    try:
        with path.open("rb") as handle:
            found = _X_PART.match(handle.read(200).removeprefix(b"\xef\xbb\xbf"))
    except OSError:
        return None
    kind = found[1].decode() if found else None
    return None if kind in _X_READ else kind


_X_READ: Final = frozenset(
    {"tweets", "tweet", "community_tweet", "note_tweet", "account"}
    | {"direct_messages", "direct_messages_group"}
)
"""The archive's files its connector reads: never "not read", whatever else went wrong."""


def _has_header(path: Path) -> bool:
    """True when a row of two cells or more is followed by a row of as many cells."""
    try:
        rows = [row for row in head_rows(path, read_head(path)) if any(c.strip() for c in row)]
    except Exception:  # unreadable: not plainly anything, the caller says it is unknown
        return True
    return any(len(row) >= 2 and len(row) == len(after) for row, after in pairwise(rows))


@dataclass(frozen=True)
class Resemblance:
    """The connector a file looks most like: the headers they share, the required ones missing."""

    source: str
    shared: tuple[str, ...]
    missing: tuple[str, ...]

    def explain(self) -> str:
        """One clause for the `not loaded` line."""
        shared = ", ".join(f"'{h}'" for h in self.shared[:4])
        text = f"closest connector: {self.source} (shares {shared}"
        if self.missing:
            text += "; lacks " + ", ".join(f"'{h}'" for h in self.missing)
        return text + ")"


def closest_source(path: Path) -> Resemblance | None:
    """The tabular connector whose known headers the file's first rows share most, if any."""
    try:
        rows = head_rows(path, read_head(path))
    except Exception:  # an unreadable file resembles nothing; the caller says it is unknown
        return None
    best: Resemblance | None = None
    for name, columns, required in _vocabularies():
        for cells in rows:
            found = columns.resolve(cells)
            if len(found) < _AT_LEAST or (best is not None and len(found) <= len(best.shared)):
                continue
            shared = tuple(str(cells[i]).strip() for i in sorted(found.values()))
            missing = tuple(
                dict.fromkeys(
                    columns.aliases[n][0]
                    for n in required
                    if n in columns.aliases and n not in found
                )
            )
            best = Resemblance(name, shared, missing)
    return best


def _vocabularies() -> list[tuple[str, Columns, tuple[str, ...]]]:
    """(connector, its header aliases, its required columns) for every tabular connector.

    Read from each connector module's `Columns` and its `REQUIRED` tuple(s), so a new
    connector is covered without being listed here.
    """
    found = []
    for name, target in CONNECTORS.items():
        module = importlib.import_module(target.split(":")[0])
        required: tuple[str, ...] = ()
        for attribute in ("REQUIRED", "_REQUIRED", "_CONTACT_REQUIRED", "_DEAL_REQUIRED"):
            value = getattr(module, attribute, ())
            if isinstance(value, tuple):
                required += tuple(str(v) for v in value)
        for value in vars(module).values():
            if isinstance(value, Columns):
                found.append((name, value, required))
    return found
