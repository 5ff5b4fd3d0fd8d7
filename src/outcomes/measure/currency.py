"""Money in the plan's currency only: a conversion's value in another currency is not added.

A CRM states each deal's amount in the deal's currency (HubSpot's Currency column, a
Salesforce report's "USD 48,000.00"), and the connectors store the amount and its
currency as stated, never converted. Revenue, pipeline value, average order value, a
pilot's money and the value attribution credits are sums in the plan's currency, so a deal
in another currency added to them would count $9,500 as €9,500: a number that is wrong and
looks right. As with spend in another currency (`outcomes.measure.costs`), such amounts are
left out of every sum and named instead.

`in_plan_currency` keeps every conversion (a won deal is still won: counts, win rates and
new customers hold it) and empties the value of those stated in another currency; a value
with no currency is taken as the plan's. `foreign_values` says what was left out, for the
notes beside the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis


@dataclass(frozen=True, slots=True)
class ForeignValue:
    """Conversions of one type whose value is in another currency than the plan's."""

    type: str
    currency: str
    count: int
    amount: float

    def words(self) -> str:
        """'1 deal_won in USD (9,500)': what was left out of the sums, and how much."""
        return f"{self.count} {self.type} in {self.currency} ({self.amount:,.0f})"


def _foreign(conversions: ibis.Table, currency: str) -> ibis.ir.BooleanColumn:
    stated = conversions.currency.strip().upper()
    return stated.notnull() & (stated != "") & (stated != currency.strip().upper())


def in_plan_currency(conversions: ibis.Table, currency: str) -> ibis.Table:
    """The conversions with the value of those in another currency than `currency` empty.

    Applying it twice changes nothing, so every measure may apply it to what it is given.
    """
    import ibis

    foreign = _foreign(conversions, currency)
    return conversions.mutate(
        value=ibis.ifelse(foreign, ibis.null().cast("float64"), conversions.value)
    )


def foreign_values(conversions: ibis.Table, currency: str) -> tuple[ForeignValue, ...]:
    """Per type and currency, the conversions with a value in another currency.

    Read from the conversions as stored (before `in_plan_currency`), so that the amount
    can be named; the caller filters them to the records it measures.
    """
    rows = conversions.filter(_foreign(conversions, currency) & conversions.value.notnull())
    stated = rows.currency.strip().upper().name("stated")
    grouped = rows.group_by([rows.type, stated]).aggregate(
        count=rows.count(), amount=rows.value.sum()
    )
    table = to_arrow(grouped.order_by(["type", "stated"]))
    return tuple(
        ForeignValue(row["type"], row["stated"], int(row["count"]), float(row["amount"]))
        for row in table.to_pylist()
    )


def values_in(conversions: ibis.Table, currency: str) -> ibis.Table:
    """The conversions with only the values stated in `currency` kept, every other value 0.

    Every conversion stays, so journeys built on them link identities and end paths as
    the plan-currency journeys do: the sales in `currency` that touched a step are
    measured on the same paths as the rest (`outcomes.measure.foreign_sales`).
    """
    import ibis

    stated = conversions.currency.strip().upper()
    return conversions.mutate(
        value=ibis.ifelse(
            stated.notnull() & (stated == currency.strip().upper()),
            conversions.value,
            ibis.literal(0.0),
        )
    )
