"""Money in the plan currency, written the way a reader of that currency expects."""

from __future__ import annotations

import math
from typing import Final

# Currencies whose symbol readers put before the amount; everything else is written
# "1,200 CHF", which no reader misreads.
_PREFIX_SYMBOLS: Final[dict[str, str]] = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
}


INVALID: Final = "invalid value"
"""What is written instead of a number that cannot be shown (see `is_invalid`)."""
LARGEST: Final = 1e15
"""The largest magnitude shown. No count or amount a business measures comes near it, and
beyond it a float no longer holds money to the cent: a larger value is a broken row."""


def is_invalid(value: object) -> bool:
    """Whether `value` is a number no reader should be shown: NaN, ±infinity, beyond ±1e15.

    Such numbers come from stored rows (a NaN in a warehouse column, a sum that overflowed)
    and would otherwise print as "nan" or a 309-digit string, or crash `round`.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not math.isfinite(value) or abs(value) > LARGEST


def format_money(amount: float, currency: str) -> str:
    """Write `amount` in `currency`: "€24,000", "$1,250.50", "1,200 CHF", "-€300".

    Whole amounts lose their cents; other amounts keep two decimals. An amount `is_invalid`
    (NaN, infinite, beyond ±1e15) is written `INVALID`: `round` would raise on it.
    """
    if is_invalid(amount):
        return INVALID
    negative = amount < 0 and round(abs(amount), 2) != 0
    digits = _grouped(abs(amount))
    sign = "-" if negative else ""
    code = currency.upper()
    symbol = _PREFIX_SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {code}"


def _grouped(amount: float) -> str:
    cents = round(amount * 100)
    if cents % 100 == 0:
        return f"{cents // 100:,}"
    return f"{cents / 100:,.2f}"
