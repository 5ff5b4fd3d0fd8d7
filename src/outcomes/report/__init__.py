"""Reports made from a plan: the tactical implementation plan and the strategy map.

The names below load on first use (PEP 562): `outcomes status` reaches this package for
its number formats and should not load Jinja2 and the implementation plan's templates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomes.catalog.money import format_money
    from outcomes.report.implementation import render_html, render_markdown
    from outcomes.report.strategy_map import strategy_map_svg

__all__ = ["format_money", "render_html", "render_markdown", "strategy_map_svg"]

_HOMES = {
    "format_money": "outcomes.catalog.money",
    "render_html": "outcomes.report.implementation",
    "render_markdown": "outcomes.report.implementation",
    "strategy_map_svg": "outcomes.report.strategy_map",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
