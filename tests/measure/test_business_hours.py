"""Business time: nights, weekends, working days and time zones, by hand and by property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.measure.business_hours import business_minutes, wall_clock
from outcomes.plan.model import BusinessHours


def _at(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


def _waited(start: str, end: str, hours: BusinessHours | None = None) -> float:
    found = business_minutes(np.array([_at(start)]), np.array([_at(end)]), hours or BusinessHours())
    return float(found[0])


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-03-06T16:30", "2026-03-09T09:30", 60),  # Friday 16:30 → Monday 9:30
        ("2026-03-07T12:00", "2026-03-09T10:00", 60),  # Saturday noon → Monday 10:00
        ("2026-03-02T07:00", "2026-03-02T08:00", 0),  # before opening
        ("2026-03-02T16:00", "2026-03-03T10:00", 120),  # overnight: an hour each side
        ("2026-03-02T09:00", "2026-03-09T09:00", 5 * 480),  # a whole week
        ("2026-03-04T12:00", "2026-03-04T12:45", 45),  # within one day
    ],
)
def test_business_minutes_skip_nights_and_weekends(start: str, end: str, minutes: float) -> None:
    assert _waited(start, end) == minutes


AMSTERDAM = BusinessHours(time_zone="Europe/Amsterdam")


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        # 15:30 UTC is 16:30 in winter time; 08:30 UTC on Monday is 09:30.
        ("2026-03-06T15:30", "2026-03-09T08:30", 60),
        # Summer time starts on Sunday 29 March: Friday 15:00 UTC is 16:00 (CET), Monday
        # 08:00 UTC is 10:00 (CEST). The lost hour is at night, so 60 + 60 minutes.
        ("2026-03-27T15:00", "2026-03-30T08:00", 120),
        # In summer 07:00 UTC is 09:00 there: a whole working day is still eight hours.
        ("2026-07-06T07:00", "2026-07-06T15:00", 480),
    ],
)
def test_business_minutes_in_the_plans_time_zone(start: str, end: str, minutes: float) -> None:
    assert _waited(start, end, AMSTERDAM) == minutes


def test_working_days_and_hours_come_from_the_plan() -> None:
    # A Sunday-to-Thursday week, 08:00-16:00: Thursday 15:00 → Sunday 09:00 is 60 + 60.
    week = BusinessHours(days=["sun", "mon", "tue", "wed", "thu"], open="08:00", close="16:00")
    assert _waited("2026-03-05T15:00", "2026-03-08T09:00", week) == 120
    assert _waited("2026-03-06T10:00", "2026-03-06T12:00", week) == 0  # Friday is off


def test_wall_clock_moves_with_summer_time() -> None:
    instants = np.array(["2026-03-29T00:59:59", "2026-03-29T01:00:00"], dtype="datetime64[s]")
    assert wall_clock(instants, "Europe/Amsterdam").astype(str).tolist() == [
        "2026-03-29T01:59:59",
        "2026-03-29T03:00:00",
    ]


_instants = st.integers(1_700_000_000, 1_900_000_000).map(
    lambda s: np.datetime64(s, "s")  # 2023 to 2030
)
_zones = st.sampled_from(["UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"])


@given(_instants, _instants, _instants, _zones)
def test_business_time_is_additive_and_never_more_than_calendar_time(
    a: np.datetime64, b: np.datetime64, c: np.datetime64, zone: str
) -> None:
    start, middle, end = sorted([a, b, c])
    hours = BusinessHours(time_zone=zone)

    def waited(x: np.datetime64, y: np.datetime64) -> float:
        return float(business_minutes(np.array([x]), np.array([y]), hours)[0])

    whole = waited(start, end)
    assert whole == pytest.approx(waited(start, middle) + waited(middle, end))
    assert 0 <= whole <= (end - start).astype(np.int64) / 60 + 60  # + a summer-time hour
