"""The lint rules, one module per family (the letter of the code). Importing this package
registers them all."""

from outcomes.lint.rules import (
    alignment,
    listening,
    measurement,
    meta,
    pilots,
    resources,
    responsibility,
    silos,
)

__all__ = [
    "alignment",
    "listening",
    "measurement",
    "meta",
    "pilots",
    "resources",
    "responsibility",
    "silos",
]
