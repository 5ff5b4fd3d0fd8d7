"""The waits behind conversation health's first-response figures, in two clocks.

Each answered item's wait (calendar minutes, and the same wait counted only in business
hours) and each unanswered item's wait so far, per group, with the summaries
`outcomes.measure.conversation` reports: median and 90th percentile, the share within a
target, and how many wait past it. Business hours need clock times, for which engines
share no calendar function, so the waits are worked out here on the rows the engine
gives back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from outcomes.measure.business_hours import business_minutes
from outcomes.plan.model import BusinessHours

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Key = tuple[Any, ...]
TIMING_FIELDS: Final = (
    "median_first_response_minutes",
    "p90_first_response_minutes",
    "median_first_response_business_minutes",
    "p90_first_response_business_minutes",
)


@dataclass(frozen=True, slots=True)
class ResponseTarget:
    """How soon a group means to answer: minutes, in calendar or business time."""

    minutes: float
    business_hours: bool = False


class Waits:
    """The answered items' waits per group, in calendar and business minutes."""

    def __init__(self, table: Any, keys: list[str], hours: BusinessHours) -> None:
        import numpy as np

        self.keys, self.hours = keys, hours
        self.rows_of: dict[Key, list[int]] = {}
        self.calendar: npt.NDArray[np.float64] = np.zeros(0)
        self.business: npt.NDArray[np.float64] = np.zeros(0)
        self.waiting_of: dict[Key, list[int]] = {}
        self.waiting_calendar: npt.NDArray[np.float64] = np.zeros(0)
        self.waiting_business: npt.NDArray[np.float64] = np.zeros(0)
        if table.num_rows == 0:
            return
        self.calendar = table["minutes"].to_numpy().astype(np.float64)
        end = table["first"].to_numpy().astype("datetime64[s]")
        start = end - (self.calendar * 60).round().astype("timedelta64[s]")
        self.business = business_minutes(start, end, hours)
        columns = [table[k].to_pylist() for k in keys]
        for index, key in enumerate(zip(*columns, strict=True)):
            self.rows_of.setdefault(key, []).append(index)

    def summary(self, key: Key) -> dict[str, float | None]:
        """The four first-response fields of a group (None each when it has no waits)."""
        import numpy as np

        rows = self.rows_of.get(key)
        if not rows:
            return dict.fromkeys(TIMING_FIELDS)
        calendar, worked = self.calendar[rows], self.business[rows]
        return dict(
            zip(
                TIMING_FIELDS,
                (
                    float(np.median(calendar)),
                    float(np.quantile(calendar, 0.9)),
                    float(np.median(worked)),
                    float(np.quantile(worked, 0.9)),
                ),
                strict=True,
            )
        )

    def add_waiting(self, table: Any, newest: Any, ends: Mapping[Key, dt.datetime]) -> None:
        """The unanswered items (`keys`, `ts`), each waiting from its time to `newest`
        (the data's newest activity) or its group's end in `ends` when that comes first,
        in calendar and business minutes."""
        import numpy as np

        if table.num_rows == 0 or not newest.is_valid:
            return
        start = table["ts"].to_numpy().astype("datetime64[s]")
        columns = [table[k].to_pylist() for k in self.keys]
        keys = list(zip(*columns, strict=True))
        until = _naive_utc(newest.as_py())
        end = np.array(
            [min(until, _naive_utc(ends[key])) if key in ends else until for key in keys],
            dtype="datetime64[s]",
        )
        # An item after its group's end (a tactic's dates not applied) has not waited.
        end = np.maximum(end, start)
        self.waiting_calendar = (end - start).astype("timedelta64[s]").astype(np.float64) / 60
        self.waiting_business = business_minutes(start, end, self.hours)
        for index, key in enumerate(keys):
            self.waiting_of.setdefault(key, []).append(index)

    def past_target(self, key: Key, target: ResponseTarget) -> tuple[int, float | None]:
        """How many unanswered items of the group have waited past `target`, and the
        median first response in the target's clock counting each as its wait so far."""
        import numpy as np

        rows = self.waiting_of.get(key)
        if not rows:
            return 0, None
        clock = self.waiting_business if target.business_hours else self.waiting_calendar
        late = clock[rows][clock[rows] > target.minutes]
        if late.size == 0:
            return 0, None
        answered = self.rows_of.get(key, [])
        waits = (self.business if target.business_hours else self.calendar)[answered]
        return int(late.size), float(np.median(np.concatenate([waits, late])))

    def within(self, key: Key, target: ResponseTarget) -> int:
        import numpy as np

        rows = self.rows_of.get(key)
        if not rows:
            return 0
        waits = self.business[rows] if target.business_hours else self.calendar[rows]
        return int(np.count_nonzero(waits <= target.minutes))


def _naive_utc(instant: dt.datetime) -> dt.datetime:
    """`instant` in UTC without its zone, as numpy's datetime64 holds it."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(dt.UTC)
    return instant.replace(tzinfo=None)
