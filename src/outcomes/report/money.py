"""Money in the plan currency, written the way a reader of that currency expects."""

from __future__ import annotations

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


def format_money(amount: float, currency: str) -> str:
    """Write `amount` in `currency`: "€24,000", "$1,250.50", "1,200 CHF", "-€300".

    Whole amounts lose their cents; other amounts keep two decimals.
    """
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
