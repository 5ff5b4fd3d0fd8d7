"""Which connectors exist, by the names plans use in `measurement.sources`, and format detection."""

from __future__ import annotations

import difflib
import importlib
from functools import cache
from pathlib import Path
from typing import Final

from outcomes.sources.base import Source, SourceError

# name → "module:Class"; the order is the order `--auto` tries them in (most specific first).
CONNECTORS: Final[dict[str, str]] = {
    "x-archive": "outcomes.sources.x_archive:XArchive",
    "mastodon-archive": "outcomes.sources.mastodon_archive:MastodonArchive",
    "mastodon": "outcomes.sources.mastodon:Mastodon",
    "ga4": "outcomes.sources.ga4:GA4",
    "paths": "outcomes.sources.paths:JourneyPaths",
    "youtube": "outcomes.sources.youtube:YouTube",
    "meta": "outcomes.sources.meta:Meta",
    "meta-ads": "outcomes.sources.meta_ads:MetaAds",
    "linkedin-ads": "outcomes.sources.linkedin_ads:LinkedInAds",
    "linkedin": "outcomes.sources.linkedin:LinkedIn",
    "mailchimp": "outcomes.sources.mailchimp:Mailchimp",
    "hubspot": "outcomes.sources.hubspot:HubSpot",
    "salesforce": "outcomes.sources.salesforce:Salesforce",
    "checkin": "outcomes.sources.checkin:Checkin",
    "csv": "outcomes.sources.generic_csv:GenericCsv",
}

APP_WRITTEN: Final = frozenset({"checkin"})
"""Connectors of files the app writes itself (a check-in's counts), not a platform's export."""
EXPORTS: Final = tuple(name for name in CONNECTORS if name not in APP_WRITTEN)
"""The connectors of exports people bring: what the demo writes one of each of."""

HEAD_BYTES: Final = 64 * 1024


@cache
def get_source(name: str) -> Source:
    """The connector called `name`; an unknown name raises KeyError with a suggestion."""
    target = CONNECTORS.get(name)
    if target is None:
        close = difflib.get_close_matches(name, list(CONNECTORS), n=1, cutoff=0.5)
        hint = (
            f" (did you mean '{close[0]}'?)" if close else f"; sources are: {', '.join(CONNECTORS)}"
        )
        raise KeyError(f"no source '{name}'{hint}")
    module_name, class_name = target.split(":")
    connector: Source = getattr(importlib.import_module(module_name), class_name)()
    return connector


def all_sources() -> list[Source]:
    """Every connector, in detection order."""
    return [get_source(name) for name in CONNECTORS]


def detect_source(path: Path) -> Source | None:
    """The first connector (in :data:`CONNECTORS` order) that recognises the file, if any."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
    for source in all_sources():
        if source.name != "csv" and source.detect(path, head):
            return source
    return None
