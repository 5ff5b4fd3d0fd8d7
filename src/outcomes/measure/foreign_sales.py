"""Sales in another currency than the plan's that touched a row of the ROI table.

Revenue and ROI are sums in the plan's currency, so a sale stated in another currency is
left out of them (`outcomes.measure.currency`). Left out and not named, it makes a wrong
number that looks right: Ledgerline's LinkedIn page brought its one sale of the quarter, a
$9,500 deal of its US entity, and its row read "€0 attributed sales", ROI -100%. So each
row names the money of the sales in the period, per currency, whose journeys touched any of
its tactics: the row's revenue and ROI count none of it, and every route says so.

It is measured on journeys built like ROI's (the same touchpoints, every conversion, the
same options and scope), with each sale's value kept only where it is stated in that
currency (`outcomes.measure.currency.values_in`): one more journey build per currency and
scope, and none at all when no sale of the period is in another currency. The period's
sales in other currencies, touched or not, are named in ROI's coverage sentence too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.catalog.money import format_money
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.currency import ForeignValue, values_in

if TYPE_CHECKING:
    import ibis

    from outcomes.measure.attribution.journeys import JourneyOptions
    from outcomes.measure.scope import Scope


@dataclass(frozen=True, slots=True)
class LeftOutSales:
    """Money of sales in one foreign currency that touched a row's tactics."""

    currency: str
    amount: float

    @property
    def written(self) -> str:
        """ "$9,500", "1,200 CHF"."""
        return format_money(self.amount, self.currency)


Group = tuple[str, str, Sequence[str], "Scope | None"]
"""(level, id, the tactic ids it sums, its scope), as the ROI rows are grouped."""


def left_out_note(left_out: Sequence[LeftOutSales]) -> str | None:
    """What a row's revenue and ROI leave out, in one clause; None when nothing."""
    if not left_out:
        return None
    money = " and ".join(each.written for each in left_out)
    return (
        f"{money} of sales that touched it, left out of its revenue and ROI for being in "
        "another currency than the plan's (outcomes does not convert currencies)"
    )


def left_out_sales(
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    foreign: Sequence[ForeignValue],
    build: JourneyOptions,
    groups: Sequence[Group],
    sales_types: Sequence[str],
) -> Mapping[tuple[str, str], tuple[LeftOutSales, ...]]:
    """Per (level, id), the foreign-currency sales of the period that touched its tactics.

    `conversions`: every conversion as stored (values in their own currencies);
    `foreign`: the period's sales in other currencies (`foreign_values`), none of whose
    currencies costs a journey build; `build`: ROI's journey options (the credit period
    included).
    """
    found: dict[tuple[str, str], list[LeftOutSales]] = {}
    by_scope: dict[Scope | None, list[Group]] = {}
    for group in groups:
        by_scope.setdefault(group[3], []).append(group)
    for currency in sorted({each.currency for each in foreign}):
        store = JourneyStore(touchpoints, values_in(conversions, currency), materialise=False)
        for scope, members in by_scope.items():
            options: JourneyOptions = {
                **build, "conversion_types": tuple(sales_types), "scope": scope
            }  # fmt: skip
            counts = store.paths(**options)
            for level, id_, tactics, _ in members:
                amount = counts.value_through(tactics)
                if amount > 0:
                    found.setdefault((level, id_), []).append(LeftOutSales(currency, amount))
    return {key: tuple(value) for key, value in found.items()}
