"""Results of the face's data methods whose parts live in lower layers.

Measures return their own typed results (`RoiReport`, `Scorecard`, `UnplannedReport`,
`Briefing`), each with a `to_json()`. Loading files returns an `IngestReport`: one outcome
per file and the files nothing recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from outcomes.sources.closest import closest_source, not_an_export
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.ingest import FileFailure, Outcome

JSON_SCHEMA_VERSION: Final = 2
"""The shape of `IngestReport.to_json`'s items. 2: a file plainly no export (a README) is an
item with `skipped` (why) instead of `error` "format not recognised" and `closest`."""


@dataclass(frozen=True)
class Fetched:
    """What a fetch from a network API brought, where it was saved, and its ingest."""

    folder: Path
    statuses: int
    mentions: int | None
    """None without a token (mentions need one)."""
    ingest: IngestReport


@dataclass(frozen=True)
class IngestReport:
    """What loading some files did: one outcome per file, the files nobody recognised, and
    those skipped as plainly not exports (a README beside them), each with why."""

    outcomes: tuple[Outcome, ...]
    unknown: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = ()

    @classmethod
    def of(cls, outcomes: tuple[Outcome, ...], unrecognised: tuple[Path, ...]) -> IngestReport:
        """The report of a load by content: of the files nothing recognised, those plainly
        no export (`not_an_export`) are skipped, the others unknown."""
        reasons = [(path, not_an_export(path)) for path in unrecognised]
        return cls(
            outcomes,
            tuple(path for path, reason in reasons if reason is None),
            tuple((path, reason) for path, reason in reasons if reason is not None),
        )

    @property
    def loaded(self) -> tuple[IngestResult, ...]:
        """The files that were read, each with its accounting."""
        return tuple(o for o in self.outcomes if isinstance(o, IngestResult))

    @property
    def failures(self) -> tuple[FileFailure, ...]:
        """The files that could not be read at all (nothing of them was loaded)."""
        return tuple(o for o in self.outcomes if isinstance(o, FileFailure))

    @property
    def rejected(self) -> int:
        """Rows rejected across all files."""
        return sum(result.rejected for result in self.loaded)

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, 1 when rows were rejected or a file was not
        recognised (a finding: nothing else says so), 0 otherwise: a file skipped as no
        export (a README) is no finding."""
        if self.failures:
            return 2
        return 1 if self.unknown or self.rejected else 0

    def unrecognised(self) -> list[tuple[Path, str]]:
        """Each file nothing recognised, with which connector it resembles most, if any."""
        found = []
        for path in self.unknown:
            resemblance = closest_source(path)
            found.append((path, resemblance.explain() if resemblance else ""))
        return found

    def to_json(self) -> list[dict[str, Any]]:
        """One item per file, as `outcomes ingest --format json` prints them."""
        items: list[dict[str, Any]] = [
            o.as_json()
            if isinstance(o, IngestResult)
            else {"file": o.file, "source": o.source, "error": o.message}
            for o in self.outcomes
        ]
        items += [
            {"file": str(p), "source": None, "error": "format not recognised"} | _resemblance(p)
            for p in self.unknown
        ]
        items += [
            {"file": str(p), "source": None, "skipped": f"not an export ({why})"}
            for p, why in self.skipped
        ]
        return items


def _resemblance(path: Path) -> dict[str, Any]:
    resemblance = closest_source(path)
    if resemblance is None:
        return {"closest": None}
    return {
        "closest": resemblance.source,
        "shared_headers": list(resemblance.shared),
        "missing_headers": list(resemblance.missing),
    }
