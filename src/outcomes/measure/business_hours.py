"""Business time: how long a wait lasted while the organisation was at work.

The plan's `organisation.business_hours` says when that is: working days, opening and
closing time, in an IANA time zone (default Monday to Friday, 09:00–17:00, UTC). Each UTC
instant is read as wall-clock time in that zone and placed on a clock that only runs on
working days between opening and closing; the difference of two readings is the business
time between them. A mention on Friday at 16:30 answered on Monday at 09:30 waited 60
minutes, not 65 hours.

Wall-clock time is what counts: clocks change at night and at weekends, outside business
hours, so a day on which summer time starts is as long, in business minutes, as any other.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Final

from outcomes.plan.model import WEEKDAYS, BusinessHours

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEFAULT_HOURS: Final = BusinessHours()
_CLOCK_START: Final = "1970-01-05"  # a Monday before any export
_SECONDS_PER_HOUR: Final = 3600


def business_minutes(
    start: npt.NDArray[np.datetime64],
    end: npt.NDArray[np.datetime64],
    hours: BusinessHours = DEFAULT_HOURS,
) -> npt.NDArray[np.float64]:
    """Minutes between each `start` and `end` (UTC instants) that fall in business hours."""
    return business_clock(end, hours) - business_clock(start, hours)


def business_clock(
    when: npt.NDArray[np.datetime64], hours: BusinessHours = DEFAULT_HOURS
) -> npt.NDArray[np.float64]:
    """Business minutes from a fixed Monday to each UTC instant (only differences mean much)."""
    import numpy as np

    local = wall_clock(when.astype("datetime64[s]"), hours.time_zone)
    opening, closing = _minute_of_day(hours.open), _minute_of_day(hours.close)
    per_day = float(closing - opening)
    mask = [day in hours.days for day in WEEKDAYS]
    day = local.astype("datetime64[D]")
    minute = (local - day).astype("timedelta64[s]").astype(np.float64) / 60.0
    working = np.is_busday(day, weekmask=mask)
    today = np.where(working, np.clip(minute - opening, 0.0, per_day), 0.0)
    before = np.busday_count(np.datetime64(_CLOCK_START, "D"), day, weekmask=mask).astype(
        np.float64
    )
    return np.asarray(before * per_day + today, dtype=np.float64)


def wall_clock(when: npt.NDArray[np.datetime64], zone: str) -> npt.NDArray[np.datetime64]:
    """UTC instants (seconds) as the wall-clock time shown in `zone`.

    Offsets are looked up once per distinct UTC hour (time zones change offset on the hour),
    so a year of replies costs a few thousand look-ups, not one per reply.
    """
    import numpy as np

    if zone == "UTC" or when.size == 0:
        return when
    tz = zoneinfo.ZoneInfo(zone)
    hour = when.astype("datetime64[h]")
    distinct, inverse = np.unique(hour, return_inverse=True)
    offsets = np.array(
        [
            _offset_seconds(int(h) * _SECONDS_PER_HOUR, tz)
            for h in distinct.astype(np.int64).tolist()
        ],
        dtype=np.int64,
    )
    shifted: npt.NDArray[np.datetime64] = when + offsets[inverse.reshape(when.shape)].astype(
        "timedelta64[s]"
    )
    return shifted


def _offset_seconds(epoch_seconds: int, tz: zoneinfo.ZoneInfo) -> int:
    offset = dt.datetime.fromtimestamp(epoch_seconds, tz).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def _minute_of_day(clock: str) -> int:
    hour, minute = clock.split(":")
    return int(hour) * 60 + int(minute)
