"""Time decay by real time on hand-made journeys in a real DuckDB warehouse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from outcomes.measure.attribution import attribute
from outcomes.measure.attribution.journeys import paths_from_warehouse
from outcomes.measure.attribution.timed import time_decay_from_warehouse
from outcomes.warehouse.connection import Warehouse

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
_keys = count()


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def touch(w: Warehouse, journey: str, ts: datetime, channel: str) -> None:
    w.duckdb.execute(
        "INSERT INTO touchpoints (key, source, journey_id, ts, channel, ingest_id) "
        "VALUES (?, 'test', ?, ?, ?, 1)",
        [f"t{next(_keys)}", journey, ts, channel],
    )


def convert(w: Warehouse, journey: str, ts: datetime, value: float) -> None:
    w.duckdb.execute(
        "INSERT INTO conversions (key, source, journey_id, ts, type, value, ingest_id) "
        "VALUES (?, 'test', ?, ?, 'order', ?, 1)",
        [f"c{next(_keys)}", journey, ts, value],
    )


def credit(w: Warehouse, **params: object) -> dict[str, tuple[float, float]]:
    result = time_decay_from_warehouse(w.table("touchpoints"), w.table("conversions"), **params)  # type: ignore[arg-type]
    return {c.channel: (c.conversions, c.value) for c in result.channels}


def test_weights_halve_every_half_life_of_real_time(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "linkedin")  # 14 days before: weight 1/4
    touch(w, "j", day(7), "email")  # 7 days before: 1/2
    touch(w, "j", day(14), "x")  # at the conversion: 1
    convert(w, "j", day(14), 700.0)
    got = credit(w, half_life_days=7)
    assert got["linkedin"] == pytest.approx((1 / 7, 100.0))
    assert got["email"] == pytest.approx((2 / 7, 200.0))
    assert got["x"] == pytest.approx((4 / 7, 400.0))


def test_real_time_differs_from_steps_when_gaps_differ(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "a")  # 30 days before the conversion
    touch(w, "j", day(30), "b")  # an hour before it
    convert(w, "j", day(30) + timedelta(hours=1), 10.0)
    timed = credit(w, half_life_days=7)
    ratio = 2 ** (-30 / 7)  # a is 30 days older than b
    assert timed["a"][0] == pytest.approx(ratio / (1 + ratio))
    stepped = attribute(paths_from_warehouse(w.table("touchpoints"), w.table("conversions")),
                        "time_decay").as_dict()  # fmt: skip
    assert stepped["a"] == pytest.approx(1 / 3)  # one step back: half of the last's weight
    assert timed["a"][0] < 0.06 < stepped["a"]


def test_journey_conventions_and_parameters_carry_over(warehouse: Warehouse) -> None:
    w = warehouse
    touch(w, "j", day(0), "old")  # 100 days before: outside the default 90-day window
    touch(w, "j", day(99), "recent")
    convert(w, "j", day(100), 5.0)
    touch(w, "k", day(1), "never")  # no conversion: no credit
    assert credit(w) == {"recent": (1.0, 5.0)}
    result = time_decay_from_warehouse(w.table("touchpoints"), w.table("conversions"),
                                       half_life_days=3, lookback_days=None)  # fmt: skip
    assert set(result.as_dict()) == {"old", "recent"}
    assert result.total_conversions == pytest.approx(1.0)
    assert result.params["half_life_days"] == 3 and result.params["lookback_days"] is None
    with pytest.raises(ValueError, match="half_life_days"):
        credit(w, half_life_days=0)
