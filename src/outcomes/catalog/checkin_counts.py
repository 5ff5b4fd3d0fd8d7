"""What an operator counts in a weekly check-in, by the tactic's channel, mode and benchmarks.

Offline work leaves no export: a trade show held, letters posted, calls made. A check-in
records it as counts, and which counts a tactic offers follows from the plan alone: its
channel (a `trade-show` holds events, `direct-mail` sends letters), its mode (`event`
holds events, `outreach` makes calls) and any benchmark on an activity metric that no
export gives (`events_held`, `emails_sent`, `connection_requests`). The first count
offered is the tactic's *cadence unit*: what its `cadence` counts when it runs off the
social networks (`outcomes.measure.cadence`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

CHECKIN_COUNTS: Final[dict[str, str]] = {
    "events_held": "Events held",
    "letters_sent": "Letters sent",
    "calls_made": "Calls made",
    "emails_sent": "Emails sent",
    "meetings_held": "Meetings held",
    "connection_requests": "Connection requests sent",
}
"""Every count a check-in can carry (its metric id → its label)."""

BY_CHANNEL: Final[dict[str, tuple[str, ...]]] = {
    "event": ("events_held", "meetings_held"),
    "trade-show": ("events_held", "meetings_held"),
    "webinar": ("events_held",),
    "direct-mail": ("letters_sent",),
    "email": ("emails_sent",),
}
BY_MODE: Final[dict[str, tuple[str, ...]]] = {
    "event": ("events_held",),
    "outreach": ("calls_made", "meetings_held"),
}


def offered_counts(channel: str, mode: str, benchmark_metrics: Iterable[str]) -> tuple[str, ...]:
    """The counts a tactic's check-in asks for, its cadence unit first; () for none."""
    found: list[str] = [*BY_CHANNEL.get(channel, ()), *BY_MODE.get(mode, ())]
    found.extend(metric for metric in benchmark_metrics if metric in CHECKIN_COUNTS)
    return tuple(dict.fromkeys(found))
