"""The lint rules, one module per family. Importing this package registers them all."""

from outcomes.lint.rules import (
    alignment,
    benchmark_order,
    capacity,
    listening,
    measurement,
    meta,
    resources,
    responsibility,
)

__all__ = [
    "alignment",
    "benchmark_order",
    "capacity",
    "listening",
    "measurement",
    "meta",
    "resources",
    "responsibility",
]
