"""For a file no connector recognised: the connector it most looks like, and what it lacks.

`ingest --auto` never passes over a file in silence. A LinkedIn sheet with its `Date`
header renamed, a Salesforce report without its Opportunity ID: each is listed with the
connector whose headers it shares most, and the required headers it does not have, so the
fix is one step away.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from outcomes.sources.registry import CONNECTORS
from outcomes.sources.tabular import Columns, head_rows, read_head

# A file sharing fewer headers than this with every connector resembles none of them.
_AT_LEAST: Final = 2


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
