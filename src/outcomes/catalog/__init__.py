"""Built-in vocabularies: the metric catalogue, channels, modes, functions and sources."""

from outcomes.catalog.channels import (
    CHANNELS,
    FUNCTIONS,
    LISTENING_MODES,
    MODES,
    PUSH_MODES,
    SOCIAL_CHANNELS,
    SOURCES,
)
from outcomes.catalog.metrics import BUILTIN_METRICS, METRIC_CLASSES, UNITS, MetricSpec

__all__ = [
    "BUILTIN_METRICS",
    "CHANNELS",
    "FUNCTIONS",
    "LISTENING_MODES",
    "METRIC_CLASSES",
    "MODES",
    "PUSH_MODES",
    "SOCIAL_CHANNELS",
    "SOURCES",
    "UNITS",
    "MetricSpec",
]
