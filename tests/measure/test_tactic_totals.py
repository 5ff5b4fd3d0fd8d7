"""All tactics together: the total ROI is on the tactics whose return is in money."""

from __future__ import annotations

from outcomes.measure.returns import Money, Return
from outcomes.measure.roi_report import Estimate, RoiRow, tactic_totals

ZERO = Estimate(0.0, 0.0, 0.0)


def row(id_: str, cost: float, returned: Money | None) -> RoiRow:
    kind = "money" if returned is not None else "none"
    return RoiRow(
        level="tactic", id=id_, model="markov", conversions=ZERO, revenue=ZERO,
        new_customers=ZERO, cost=cost, people=cost, money=0.0, technology=0.0, roi=None,
        roas=None, cost_per_acquisition=None, returns=Return(kind, returned, (), "EUR"),
    )  # fmt: skip


def test_tactics_without_a_return_in_money_are_left_out_of_the_total_roi_and_named() -> None:
    rows = [
        row("guides", 1_000.0, Money(3_000.0, 2_000.0, 4_000.0)),
        row("listen", 500.0, None),
        row("watch", 250.0, None),
    ]
    totals = tactic_totals(rows, "EUR")
    assert totals.roi == Estimate(2.0, 1.0, 3.0)  # not (3,000 − 1,750) / 1,750
    assert (totals.cost, totals.left_out, totals.left_out_cost) == (
        1_750.0, ("listen", "watch"), 750.0,
    )  # fmt: skip
    assert totals.note == (
        "The total ROI is on the tactics whose return is in money: listen, watch (€750 of "
        "cost) have no return in money measured yet, so they are left out of it rather than "
        "counted as a loss."
    )


def test_when_every_tactic_has_a_return_in_money_the_total_needs_no_note() -> None:
    totals = tactic_totals([row("guides", 1_000.0, Money(500.0, 400.0, 600.0))], "EUR")
    assert totals.roi == Estimate(-0.5, -0.6, -0.4)
    assert totals.note == ""
    assert tactic_totals([row("free", 0.0, None)], "EUR").roi is None

    assert tactic_totals([row("gift", 0.0, Money(10.0, 5.0, 15.0))], "EUR").roi is None
