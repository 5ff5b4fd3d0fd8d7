"""What an alert is: a stable key, what it says, and the state it is sent again on."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

AlertKind = Literal["goal", "response", "tactic", "ingest"]
KINDS: Final[tuple[str, ...]] = ("goal", "response", "tactic", "ingest", "digest")
"""What a subscription may ask for: each kind of alert, and the weekly digest."""
Severity = Literal["info", "warning", "critical"]
SEVERITIES: Final[tuple[Severity, ...]] = ("info", "warning", "critical")


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing someone should know now."""

    key: str
    """Stable across runs for the same subject: `goal:<id>`, `ingest:<id>`…"""
    kind: AlertKind
    severity: Severity
    title: str
    """One line, as an email's subject or a chat message's first line."""
    detail: str
    link: str
    """The dashboard page that shows it, as a path (`/goals/pipeline`)."""
    state: str
    """What changed makes it news again: the same key with the same state is not re-sent."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When the rules raise an alert; settings of the store or the command line."""

    response_days: int = 3
    """A response-time target missed this many days with inbound items running."""
    rejected_rows: int = 10
    """An ingest that rejected at least this many rows…"""
    rejected_share: float = 0.05
    """…or at least this share of the rows it read."""
    ingest_days: int = 7
    """Only ingests finished in the last this many days are looked at."""
    stopped_periods: float = 2.0
    """A tactic stops after this many of its cadence's periods without activity."""
