"""Reading single values from exports: numbers with separators, dates in many formats, UTMs.

Each parser returns the value or raises `FieldError` with a reason a person can act on;
connectors turn that into a `Rejected` row naming the line and column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import parse_qs, urlsplit

from outcomes.catalog.source_labels import SOCIAL, label_channel
from outcomes.sources.decimal_mark import AmbiguousNumber, ambiguous_reason, rewrite

EMPTY: Final = frozenset({"", "-", "--", "n/a", "na", "null", "none"})


class FieldError(ValueError):
    """A value that cannot be read; the message says what was expected."""


def is_empty(raw: object) -> bool:
    """True for None and for the placeholders exports use for 'no value'."""
    return raw is None or (isinstance(raw, str) and raw.strip().casefold() in EMPTY)


def parse_int(raw: object) -> int | None:
    """`1,234`, `1 234`, `1234.0`, `12%`→12; empty → None.

    A cell whose column does not tell its decimal mark (:class:`AmbiguousNumber`, "1,234")
    is grouped thousands here: a whole number cannot be 1.234.
    """
    if isinstance(raw, AmbiguousNumber):
        raw = rewrite(raw, "point" if "," in raw else "comma")
    number = parse_float(raw)
    if number is None:
        return None
    if number != int(number):
        raise FieldError(f"expected a whole number, got {raw!r}")
    return int(number)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_COMMAS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")
_GROUPED_DOTS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3}){2,}$")
_CURRENCY = re.compile(r"^[$€£¥]|[$€£¥]$|^[A-Z]{3}\s*|\s*[A-Z]{3}$")


def parse_float(raw: object) -> float | None:
    """A number from an export cell, in English or continental notation.

    Thousands separators, currency signs or codes and `%` are tolerated. With both `,` and
    `.` present the later one is the decimal mark (`1,234.50`, `1.234,50`); a lone comma
    is a thousands separator only in whole groups of three (`1,234`, `12,345,678`) and a
    decimal comma otherwise (`12,5`, `0,045`).
    """
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        raise FieldError(f"expected a number, got {raw!r}")
    if isinstance(raw, AmbiguousNumber):
        raise FieldError(ambiguous_reason(str(raw)))
    if isinstance(raw, int | float):
        return _finite(_as_float(raw), raw)
    text = _CURRENCY.sub("", str(raw).strip()).strip().removesuffix("%")
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    text = _decimal_point(text)
    if not _NUMBER.match(text):
        raise FieldError(f"expected a number, got {raw!r}")
    return _finite(float(text), raw)


def _as_float(number: float) -> float:
    """A number as a float; an integer too large for one (10**400) is not a number we can use."""
    try:
        return float(number)
    except OverflowError:
        raise NotFiniteError(
            f"{number!r:.40} is too large to be a number; check the cell"
        ) from None


class NotFiniteError(FieldError):
    """A number that overflowed to infinity, or NaN: the cell is a number, but no figure."""


def _finite(number: float, raw: object) -> float:
    """`number`, unless it overflowed to infinity (`1e999`): no figure can be built on that."""
    if not math.isfinite(number):
        raise NotFiniteError(f"{raw!r} is not a finite number; check the cell")
    return number


def _decimal_point(text: str) -> str:
    """Rewrite a number so `.` is the decimal mark and there are no group separators."""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        return text.replace(",", "") if _GROUPED_COMMAS.match(text) else text.replace(",", ".")
    if _GROUPED_DOTS.match(text):
        return text.replace(".", "")
    return text


_DATE_FORMATS: Final = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%B %d, %Y",
)
_DATETIME_FORMATS: Final = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %H:%M",
    "%a %b %d %H:%M:%S %z %Y",  # X archive: "Sat Dec 06 18:20:30 +0000 2025"
)


def parse_datetime(
    raw: object, *, formats: Sequence[str] = _DATETIME_FORMATS
) -> dt.datetime | None:
    """A timestamp in UTC. Naive times are taken as UTC; dates alone as midnight UTC."""
    if is_empty(raw):
        return None
    if isinstance(raw, dt.datetime):
        return _utc(raw)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day, tzinfo=dt.UTC)
    text = (
        str(raw).strip().replace("Z", "+00:00")
        if str(raw).strip().endswith("Z")
        else str(raw).strip()
    )
    try:
        return _utc(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    moment = _strptime_first(text, formats)
    if moment is not None:
        return _utc(moment)
    day = _try_date(text)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    raise FieldError(f"expected a date and time, got {raw!r}")


def wall_clock(raw: object) -> dt.datetime | None:
    """The date and time a cell writes with a time of day and no zone ("2026-03-08 09:30"),
    as written (naive); None for a cell with an offset or `Z`, a date alone, a time of
    exactly midnight (how a workbook and a numeric date write a day), an empty cell, or
    one that is no date and time. Such a time is a clock's reading somewhere: which zone
    it is in, the file does not say."""
    if is_empty(raw) or (isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)):
        return None
    if isinstance(raw, dt.datetime):
        moment: dt.datetime | None = raw
    else:
        text = str(raw).strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = _strptime_first(text, _DATETIME_FORMATS)
    if moment is None or moment.tzinfo is not None or moment.time() == dt.time():
        return None
    return moment


def parse_date(raw: object, *, formats: Sequence[str] = _DATE_FORMATS) -> dt.date | None:
    """A calendar date; a timestamp keeps its (UTC) date."""
    if is_empty(raw):
        return None
    if isinstance(raw, dt.datetime):
        return _utc(raw).date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    day = _try_date(text, formats)
    if day is not None:
        return day
    try:
        moment = parse_datetime(text)
    except FieldError:
        raise FieldError(f"expected a date, got {raw!r}") from None
    return moment.date() if moment else None


def _try_date(text: str, formats: Sequence[str] = _DATE_FORMATS) -> dt.date | None:
    moment = _strptime_first(text, formats)
    return moment.date() if moment is not None else None


def _literals(fmt: str) -> frozenset[str]:
    """The characters a format writes literally (separators), without its directives."""
    return frozenset(re.sub(r"%.", "", fmt))


_FORMAT_LITERALS: dict[str, frozenset[str]] = {}


def _strptime_first(text: str, formats: Sequence[str]) -> dt.datetime | None:
    """The first format, in order, that reads `text`.

    Formats whose separators do not occur in the text cannot match and are not tried, so a
    column of a million dates costs one or two strptime calls each, not a dozen; the order,
    and so the reading of ambiguous dates such as 03/01/2026, stays the same.
    """
    present = set(text)
    for fmt in formats:
        literals = _FORMAT_LITERALS.get(fmt)
        if literals is None:
            literals = _FORMAT_LITERALS[fmt] = _literals(fmt)
        if not literals <= present:
            continue
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parse_epoch_micros(raw: object) -> dt.datetime | None:
    """GA4's `event_timestamp`: microseconds since the epoch, UTC."""
    micros = parse_int(raw)
    if micros is None:
        return None
    try:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise FieldError(f"timestamp {raw!r} is out of range") from None


UTM_FIELDS: Final = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def utm_from_url(url: str | None) -> dict[str, str]:
    """The `utm_*` parameters of a URL, lower-cased keys, first value of each."""
    if not url or "utm_" not in url:
        return {}
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:  # not a URL urllib can split ("http://[::1"): it names no campaign
        return {}
    return {k: v[0] for k, v in query.items() if k in UTM_FIELDS and v}


def utm_in_text(text: str | None) -> dict[str, str]:
    """UTM parameters of the first link in a post's text that carries any."""
    if not text or "utm_" not in text:
        return {}
    for url in re.findall(r"https?://\S+", text):
        found = utm_from_url(url.rstrip(").,;!?\"'"))
        if found:
            return found
    return {}


HASHTAG: Final = re.compile(r"(?<![\w&])#(\w+)")


def hashtags(text: str | None) -> list[str]:
    """Hashtags in a text, lower-cased, without the `#`."""
    return [tag.casefold() for tag in HASHTAG.findall(text or "")]


_NETWORKS: Final = (
    ("linkedin", "linkedin"), ("lnkd.in", "linkedin"), ("facebook", "facebook"), ("fb.com", "facebook"),
    ("instagram", "instagram"), ("twitter", "x"), ("t.co", "x"), ("x.com", "x"), ("youtube", "youtube"),
    ("youtu.be", "youtube"), ("mastodon", "mastodon"), ("tiktok", "tiktok"), ("pinterest", "pinterest"),
)  # fmt: skip
_EXACT_NETWORKS: Final = {
    "fb": "facebook",
    "ig": "instagram",
    "x": "x",
    "li": "linkedin",
    "yt": "youtube",
}
_EMAIL: Final = frozenset({"email", "e-mail", "e_mail", "e mail", "newsletter"})
_PAID: Final = frozenset({"cpc", "ppc", "paid", "paidsearch", "paid search", "paid_search"})


def channel_from_source(
    source: str | None, medium: str | None = None, labels: Mapping[str, str] | None = None
) -> str | None:
    """The plan channel a UTM source/medium (or a CRM's source text) points to, if any.

    `linkedin`/`lnkd.in` → linkedin, `twitter`/`t.co` → x, medium `email` → email,
    `google` with a paid medium → paid-search, and so on; a CRM or analytics label
    ("Direct traffic", "Partner Referral") → its channel or class from
    :mod:`outcomes.catalog.source_labels`, whose `labels` (`outcomes.toml`) win. None when
    nothing knows it, so callers keep the raw source.
    """
    given = label_channel(source, labels) if labels else None
    if given is not None and given != SOCIAL:
        return given
    text = (source or "").strip().casefold()
    kind = (medium or "").strip().casefold()
    if text in _EXACT_NETWORKS:
        return _EXACT_NETWORKS[text]
    for needle, channel in _NETWORKS:
        if needle in text:
            return channel
    if kind in _EMAIL or text in _EMAIL or "newsletter" in text or "email" in text:
        return "email"
    if kind in _PAID or "paid search" in text:
        return "paid-search"
    labelled = label_channel(source)
    return None if labelled == SOCIAL else labelled


class CellError(FieldError):
    """A cell that cannot be used, with the header it is under (for a `Rejected`)."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def cell_text(raw: object) -> str | None:
    """A cell as stripped text; None when empty. Whole floats lose their `.0` (1234.0 → "1234").

    Workbooks hand ids over as floats; an id must read the same from .xlsx and .csv.
    """
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    text = str(raw).strip()
    return text or None


_TRUE: Final = frozenset({"true", "1", "yes", "y", "t", "1.0"})
_FALSE: Final = frozenset({"false", "0", "no", "n", "f", "0.0"})


def parse_bool(raw: object) -> bool | None:
    """`true`/`false`, `1`/`0`, `yes`/`no` (any case); empty → None."""
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(f"expected true or false (or 1/0), got {raw!r}")


_SYMBOLS: Final = {"€": "EUR", "£": "GBP", "¥": "JPY", "$": None, "us$": "USD"}
_MONEY: Final = re.compile(
    r"^(?P<pre>[A-Za-z]{3}|US\$|[$€£¥])?\s*(?P<number>[^A-Za-z$€£¥]*?)\s*(?P<post>[A-Za-z]{3}|[$€£¥])?$"
)
_THOUSANDS_ONLY: Final = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


def parse_money(raw: object) -> tuple[float | None, str | None]:
    """An amount and the currency its text names: "€12,500.00" → (12500.0, "EUR").

    A leading or trailing ISO code ("EUR 12.500,00", "12500 USD") or symbol is accepted;
    `$` alone names no currency (it is used by many), so it gives None.
    """
    if is_empty(raw):
        return None, None
    if isinstance(raw, AmbiguousNumber):
        raise FieldError(ambiguous_reason(str(raw)))
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), None
    text = str(raw).strip().replace("\u00a0", " ").replace("\u202f", " ")
    match = _MONEY.match(text)
    if match is None or not match.group("number"):
        raise FieldError(f"expected an amount, got {raw!r}")
    marks = [m for m in (match.group("pre"), match.group("post")) if m]
    if len(marks) > 1:
        raise FieldError(f"expected an amount with one currency, got {raw!r}")
    currency = None
    if marks:
        mark = marks[0]
        currency = _SYMBOLS[mark.casefold()] if mark.casefold() in _SYMBOLS else mark.upper()
    try:
        return parse_decimal(match.group("number")), currency
    except FieldError:
        raise FieldError(f"expected an amount, got {raw!r}") from None


def parse_decimal(raw: object, *, decimal_comma: bool = False) -> float | None:
    """A number whatever its separators: "12,500.00", "12.500,00", "1'234", "12,5".

    With both `,` and `.` the last one is the decimal mark. A lone comma is a thousands
    separator only in the `1,234` pattern, unless `decimal_comma` (a `;`-separated file).
    :func:`parse_float` alone would read "12.500,00" as 12.5, silently.
    """
    if is_empty(raw):
        return None
    if isinstance(raw, AmbiguousNumber):
        raise FieldError(ambiguous_reason(str(raw)))
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _finite(_as_float(raw), raw)
    text = re.sub(r"[\s\u00a0\u202f']", "", str(raw))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1 and (decimal_comma or not _THOUSANDS_ONLY.match(text)):
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        return parse_float(text.replace(",", ""))
    except NotFiniteError:
        raise
    except FieldError:
        raise FieldError(f"expected a number, got {raw!r}") from None
