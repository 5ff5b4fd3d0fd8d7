"""Reports made from a plan: the tactical implementation plan and the strategy map."""

from outcomes.catalog.money import format_money
from outcomes.report.implementation import render_html, render_markdown
from outcomes.report.strategy_map import strategy_map_svg

__all__ = ["format_money", "render_html", "render_markdown", "strategy_map_svg"]
