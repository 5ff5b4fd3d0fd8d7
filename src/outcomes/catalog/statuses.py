"""The statuses every route shows, defined once: their words, their colours, their order.

Goals, tactic benchmarks, tactics, strategies and the strategy map speak this one
vocabulary, and the report, the dashboard, the strategy map and the terminal take the
words and colours from here, so "at risk" means one thing and has one colour wherever it
is read. The colour only repeats the word.

Two states are not a measurement at all and never wear a colour of success or failure:
`no_data` ("no data yet": nothing measures it, or nothing has arrived) is white with a
dashed grey outline, `stale` (the data stopped arriving) grey. `unplanned` marks a tactic
that serves no goal: whatever its numbers, it is never "achieved".

Once a goal's or a tactic's period is over there is nothing left to forecast: the result
is final, `achieved` when the target is reached and `missed` otherwise, never "on track".
Before then a status claims no more than the forecast's interval: "on track" only when the
whole interval is past the line, "off track" only when all of it is at or worse than the
baseline; an interval that reaches across either is "at risk", and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

Status = Literal[
    "achieved", "on_track", "at_risk", "off_track", "missed", "stale", "no_data", "unplanned"
]


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """How one status is written and coloured."""

    word: str
    """As readers see it: "on track", "no data yet"."""
    fill: str
    """Background of a pill or a strategy-map box."""
    stroke: str
    """Its outline, and the colour of the status word on a white page."""
    ink: str
    """Text on the fill."""
    terminal: str
    """The Rich style of the word in the terminal."""
    dashed: bool
    """Drawn with a dashed outline: not a measurement of success or failure."""
    meaning: str
    """One sentence for the docs and the legends."""


STATUS_STYLES: Final[dict[Status, StatusStyle]] = {
    "achieved": StatusStyle(
        "achieved", "#bbf7d0", "#166534", "#14532d", "bold green", False,
        "The actual has reached the target.",
    ),
    "on_track": StatusStyle(
        "on track", "#dcfce7", "#16a34a", "#14532d", "green", False,
        "The period is still running and the forecast at its end, its whole interval "
        "included, is past the threshold (without one, past the midpoint between baseline "
        "and target).",
    ),
    "at_risk": StatusStyle(
        "at risk", "#fef3c7", "#b45309", "#78350f", "yellow", False,
        "Either way is possible: the forecast's interval reaches across the threshold or "
        "the baseline, or the forecast is better than the baseline but short of the threshold.",
    ),
    "off_track": StatusStyle(
        "off track", "#fee2e2", "#dc2626", "#7f1d1d", "bold red", False,
        "The forecast, its whole interval included, is at or worse than the baseline.",
    ),
    "missed": StatusStyle(
        "missed", "#fecaca", "#991b1b", "#7f1d1d", "bold red", False,
        "The period is over and the actual fell short of the target: the result is final.",
    ),
    "stale": StatusStyle(
        "stale", "#f1f5f9", "#64748b", "#334155", "magenta", True,
        "The data behind the number stopped arriving: it may be right, nobody can tell.",
    ),
    "no_data": StatusStyle(
        "no data yet", "#ffffff", "#94a3b8", "#475569", "dim", True,
        "Nothing measures it yet: neither success nor failure.",
    ),
    "unplanned": StatusStyle(
        "serves no goal", "#ffffff", "#b91c1c", "#7f1d1d", "red", True,
        "A tactic that reaches no business goal: never achieved, whatever its numbers.",
    ),
}  # fmt: skip
STATUSES: Final[tuple[Status, ...]] = tuple(STATUS_STYLES)
MEASURED: Final[tuple[Status, ...]] = ("achieved", "on_track", "at_risk", "off_track", "missed")
"""The states that say how a number stands against its target, best first."""
# Best to worst for a roll-up (a strategy is the worst of its goals): "no data yet" says
# nothing, so it loses to any measurement; data that stopped arriving is worse than good
# news and better than bad; a target missed for good is worse than one that can still be
# caught up with.
_ROLL_UP: Final[tuple[Status, ...]] = (
    "no_data", "achieved", "on_track", "stale", "at_risk", "off_track", "missed", "unplanned",
)  # fmt: skip


def status_word(status: str | None) -> str:
    """The status as readers see it: `on_track` → "on track"; None → "no data yet"."""
    if status is None:
        return STATUS_STYLES["no_data"].word
    style = STATUS_STYLES.get(status)  # type: ignore[call-overload]
    return style.word if isinstance(style, StatusStyle) else status.replace("_", " ")


def status_style(status: str | None) -> StatusStyle:
    """The style of a status; an unknown one or None is styled as "no data yet"."""
    style = STATUS_STYLES.get(status or "no_data")  # type: ignore[call-overload]
    return style if isinstance(style, StatusStyle) else STATUS_STYLES["no_data"]


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of several statuses ("no data yet" when there are none)."""
    return max(statuses, key=_ROLL_UP.index, default="no_data")
