"""A file's money in another currency than the plan's, said as the file loads.

Measuring never converts currencies: a cost line whose `currency` differs from the plan's
(`organisation.currency`, compared without case) is left out of ROI and resources, and a
sale's value out of revenue and ROI. The reader must hear that as the file loads (a report
exported in the wrong currency by mistake, a sheet of dollar sales in a euro plan), not
find it later in ROI: `with_currency_notice` passes a connector's rows through and adds
one `Notice` per table with money in another currency. The ad reports (`meta-ads`,
`linkedin-ads`) and mapped CSVs (`csv`) give their rows through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

from outcomes.sources.base import Notice, Parsed, Row

_MONEY: Final = {"costs": "amount", "conversions": "value"}
"""The tables with money, and the column holding it (in the row's `currency`)."""
AD_REPORT: Final = "the ad account's report"


def with_currency_notice(
    rows: Iterable[Parsed], plan_currency: str | None, *, export: str = AD_REPORT
) -> Iterator[Parsed]:
    """`rows`, then a `Notice` for the spend and one for the sales among them in another
    currency than the plan's; `export` names what to export again ("the ad account's
    report"). Without the plan's currency (no plan, or one that does not read) nothing
    is compared. A sale with no value (a sign-up) has no money to leave out."""
    expected = plan_currency.strip().upper() if plan_currency else None
    foreign: dict[str, dict[str, list[float]]] = {}
    for parsed in rows:
        yield parsed
        if expected is None or not isinstance(parsed, Row) or parsed.table not in _MONEY:
            continue
        currency, amount = parsed.values.get("currency"), parsed.values.get(_MONEY[parsed.table])
        if not currency or (amount is None and parsed.table == "conversions"):
            continue
        code = str(currency).strip().upper()
        if code != expected:
            foreign.setdefault(parsed.table, {}).setdefault(code, []).append(float(amount or 0.0))
    if expected is None:
        return
    if "costs" in foreign:
        yield Notice(_foreign_words(foreign["costs"], expected, export, sales=False))
    if "conversions" in foreign:
        yield Notice(_foreign_words(foreign["conversions"], expected, export, sales=True))


def _foreign_words(
    foreign: Mapping[str, Sequence[float]], expected: str, export: str, *, sales: bool
) -> str:
    found = " and ".join(
        f"{currency} ({sum(amounts):,.2f} over {len(amounts)} "
        f"{'line' if len(amounts) == 1 else 'lines'})"
        for currency, amounts in sorted(foreign.items())
    )
    what, left_out = (
        ("sales", "revenue and ROI leave them")
        if sales
        else ("spend", "ROI and resources leave it")
    )
    return (
        f"{what} in {found}, not the plan's {expected} (organisation.currency): outcomes "
        f"does not convert currencies, so {left_out} out. Export {export} in {expected}, or "
        "convert the amounts before loading; then forget this file and load the new one"
    )
