"""Reading single values from export cells: numbers in both notations, dates, UTMs, channels."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.sources.fields import (
    FieldError,
    channel_from_source,
    hashtags,
    parse_datetime,
    parse_float,
    parse_int,
    utm_in_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("12,345,678", 12345678.0),
        ("1,234.50", 1234.5),
        ("1.234,50", 1234.5),
        ("12.500,00", 12500.0),
        ("12,5", 12.5),
        ("0,045", 0.045),
        ("1.234.567", 1234567.0),
        ("1.234", 1.234),
        ("€12,500.00", 12500.0),
        ("12.500,00 €", 12500.0),
        ("EUR 12", 12.0),
        ("12 USD", 12.0),
        ("4.5%", 4.5),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("-3", -3.0),
        ("", None),
        ("n/a", None),
        (7, 7.0),
    ],
)
def test_numbers_in_either_notation(raw: object, expected: float | None) -> None:
    assert parse_float(raw) == expected


@pytest.mark.parametrize("raw", ["lots", "1,2,3", "12..5", True, "1-2"])
def test_what_is_not_a_number_says_so(raw: object) -> None:
    with pytest.raises(FieldError, match="expected a number"):
        parse_float(raw)


def test_whole_numbers() -> None:
    assert parse_int("1,204") == 1204
    with pytest.raises(FieldError, match="whole number"):
        parse_int("12,5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sat Dec 06 18:20:30 +0000 2025", dt.datetime(2025, 12, 6, 18, 20, 30, tzinfo=dt.UTC)),
        ("2026-01-02T10:00:00Z", dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)),
        ("2026-01-02T12:00:00+02:00", dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)),
        ("03/01/2026 09:15", dt.datetime(2026, 3, 1, 9, 15, tzinfo=dt.UTC)),
        ("2026-03-01", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
    ],
)
def test_timestamps_come_back_in_utc(raw: str, expected: dt.datetime) -> None:
    assert parse_datetime(raw) == expected


def test_utm_and_hashtags_from_post_text() -> None:
    text = "New guide (https://nw.io/g?utm_source=linkedin&utm_campaign=li-guides). #Logistics #R&D"
    assert utm_in_text(text) == {"utm_source": "linkedin", "utm_campaign": "li-guides"}
    assert hashtags(text) == ["logistics", "r"]  # as X and LinkedIn tokenise "#R&D"


@pytest.mark.parametrize(
    ("source", "medium", "channel"),
    [
        ("linkedin", "social", "linkedin"),
        ("t.co", None, "x"),
        ("Facebook", None, "facebook"),
        ("newsletter", "email", "email"),
        ("google", "cpc", "paid-search"),
        ("google", "organic", None),
        ("Direct traffic", None, "direct"),
    ],
)
def test_sources_map_to_plan_channels(source: str, medium: str | None, channel: str | None) -> None:
    assert channel_from_source(source, medium) == channel
