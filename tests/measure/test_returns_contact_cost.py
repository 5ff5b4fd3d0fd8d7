"""The cost of one support contact, measured from the help desk's and finance's monthly
figures when the plan states no `value_per_unit` (`outcomes.measure.returns`).

Finance dates a month's support cost by its last day (30 September); a help desk's
monthly report dates its tickets by the month's first (09/01/2026), which the pacing
reads as standing for the whole month. Paired only on identical dates the two never
meet, and the contacts a tactic saved had no money value although both figures were
loaded (Corliss Valve & Pump, the eighth company)."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from outcomes.measure.returns import _contact_cost

START = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def snapshots(rows: list[tuple[dt.date, str, float]]) -> ibis.Table:
    return ibis.memtable(
        {
            "date": [day for day, _, _ in rows],
            "metric": [metric for _, metric, _ in rows],
            "value": [value for _, _, value in rows],
        },
        schema={"date": "date", "metric": "string", "value": "float64"},
    )


def test_monthly_cost_dated_month_end_pairs_with_tickets_dated_the_first() -> None:
    table = snapshots(
        [
            (dt.date(2026, 9, 30), "support_cost", 7920.0),
            (dt.date(2026, 10, 31), "support_cost", 7560.0),
            (dt.date(2026, 9, 1), "tickets_created", 264.0),
            (dt.date(2026, 10, 1), "tickets_created", 252.0),
            (dt.date(2026, 11, 1), "tickets_created", 241.0),  # November's cost is not in
        ]
    )
    assert _contact_cost(table, START, END) == pytest.approx(15480 / 516)


def test_daily_figures_still_pair_on_their_own_dates() -> None:
    # A day of cost with no count that day is not paired with another day's count.
    table = snapshots(
        [
            (dt.date(2026, 9, 2), "support_cost", 300.0),
            (dt.date(2026, 9, 2), "tickets_created", 10.0),
            (dt.date(2026, 9, 3), "support_cost", 900.0),
            (dt.date(2026, 9, 4), "tickets_created", 12.0),
        ]
    )
    assert _contact_cost(table, START, END) == pytest.approx(30.0)
