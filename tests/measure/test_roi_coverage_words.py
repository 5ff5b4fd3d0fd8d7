"""The sentence under every ROI table counts in words that agree with their numbers."""

from __future__ import annotations

from outcomes.measure.roi_report import Coverage, OutsideScope


def test_one_sale_and_one_new_customer_are_singular() -> None:
    coverage = Coverage(
        conversions=1, on_paths=1, new_customers=1, new_customers_on_paths=0,
        on_planned_paths=1,
        outside_scope=(OutsideScope("li-wholesale", "pipeline Wholesale", 1, 1),),
    )  # fmt: skip
    assert coverage.message == (
        "In the period, 1 of 1 sale had a touch to credit, all of them a planned tactic's; "
        "0 of 1 new customer had a touch to credit. li-wholesale is measured on its goals' "
        "scope (pipeline Wholesale) only: 1 sale and 1 new customer whose journeys touched "
        "it are outside that scope and not credited to it."
    )


def test_several_are_plural() -> None:
    coverage = Coverage(conversions=12, on_paths=2, new_customers=0, new_customers_on_paths=0)
    assert coverage.message == (
        "In the period, 2 of 12 sales had a touch to credit, none of them a planned tactic's; "
        "0 of 0 new customers had a touch to credit. The other touches belong to no tactic "
        "of the plan: `outcomes unplanned` lists that activity."
    )
