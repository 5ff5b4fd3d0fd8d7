"""Connectors: one module per export format; each parses, validates and yields rows or rejections."""

from outcomes.sources.base import (
    Ignored,
    Notice,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.registry import CONNECTORS, EXPORTS, all_sources, detect_source, get_source

__all__ = [
    "CONNECTORS",
    "EXPORTS",
    "Ignored",
    "Notice",
    "Parsed",
    "ReadOptions",
    "Rejected",
    "Row",
    "Source",
    "SourceError",
    "all_sources",
    "detect_source",
    "get_source",
    "natural_key",
]
