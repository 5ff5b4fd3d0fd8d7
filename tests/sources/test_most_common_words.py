"""A notice lists its tally's commonest values, commonest first, and counts the rest."""

from __future__ import annotations

from collections import Counter

from outcomes.sources.base import most_common_words


def test_the_commonest_are_listed_and_the_rest_counted() -> None:
    tally = Counter({"Acme": 3, "Beta": 1, "Gamma": 2, "Delta": 1})
    words = most_common_words(tally, 2, lambda name, count: f"{name!r} ({count})")
    assert words == "'Acme' (3), 'Gamma' (2) and 2 more"
    assert most_common_words(Counter({"Acme": 1}), 3, lambda name, _: name) == "Acme"
