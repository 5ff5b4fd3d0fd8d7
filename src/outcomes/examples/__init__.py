"""Example plans shipped with outcomes: `northwind` (strategy-first), `tactics-first`, `clinics`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLES = ("northwind", "tactics-first", "clinics")


def example_path(name: str) -> Path:
    """Filesystem path of a bundled example plan."""
    if name not in EXAMPLES:
        raise KeyError(f"no example plan '{name}'; choose one of: {', '.join(EXAMPLES)}")
    return Path(str(files("outcomes.examples").joinpath(f"{name}.plan.yaml")))


def example_text(name: str) -> str:
    """The text of a bundled example plan."""
    return example_path(name).read_text(encoding="utf-8")
