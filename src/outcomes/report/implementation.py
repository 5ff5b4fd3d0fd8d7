"""Render the tactical implementation plan as Markdown or as one self-contained HTML file.

The numbers come from :func:`outcomes.plan.implementation.build_implementation_plan`; this
module only words and lays them out. The HTML needs nothing beside itself: CSS is inline,
the strategy map is an inline SVG, and no URL is fetched, so it opens the same offline,
attached to an e-mail, or printed.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from markupsafe import Markup

from outcomes.catalog.money import format_money
from outcomes.measure.words import metric_money
from outcomes.plan.implementation import (
    ImplementationPlan,
    Party,
    TacticPlan,
    format_number,
)
from outcomes.report.strategy_map import strategy_map_svg
from outcomes.report.templating import template_environment

if TYPE_CHECKING:
    import jinja2

ScheduleUnit = Literal["month", "quarter", "year"]

_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
# More columns than this and the schedule no longer fits a printed page: widen the unit.
_MAX_SCHEDULE_COLUMNS: Final = 24
# RACI columns per table, so that the matrix fits the width of an A4 page.
RACI_COLUMNS_PER_TABLE: Final = 14
SECTIONS: Final = ("summary", "strategy-map", "goals", "raci", "resources", "schedule")
"""The ids of the HTML plan's sections, in order."""

_BLANK_LINES: Final = re.compile(r"\n{3,}")
_DIRECTIONS: Final = {
    "increase": "increase",
    "decrease": "decrease",
    "at_least": "stay at least at",
    "at_most": "stay at most at",
}


@dataclass(frozen=True, slots=True)
class ScheduleColumn:
    """A month, quarter or year of the schedule."""

    label: str
    year: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class ScheduleBar:
    """The part of one column a tactic runs in, as fractions of the column from its left."""

    left: float
    right: float

    @property
    def width(self) -> float:
        """Fraction of the column covered."""
        return self.right - self.left


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One tactic's bar across the schedule's columns (None where it does not run)."""

    tactic: TacticPlan
    cells: tuple[ScheduleBar | None, ...]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A timeline of every tactic, by month (or quarter, or year, for long plans)."""

    unit: ScheduleUnit
    columns: tuple[ScheduleColumn, ...]
    rows: tuple[ScheduleRow, ...]

    @property
    def years(self) -> tuple[tuple[int, int], ...]:
        """Each year with how many columns it spans, for a header row above the columns."""
        spans: list[tuple[int, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.year:
                spans[-1] = (column.year, spans[-1][1] + 1)
            else:
                spans.append((column.year, 1))
        return tuple(spans)


def render_markdown(ip: ImplementationPlan) -> str:
    """The implementation plan as GitHub-flavoured Markdown."""
    template = _environment("md").get_template("implementation.md.j2")
    text = template.render(**_context(ip, markdown=True))
    # Template blocks leave runs of blank lines; Markdown means the same with one.
    return _BLANK_LINES.sub("\n\n", text)


def render_html(ip: ImplementationPlan) -> str:
    """The implementation plan as one self-contained HTML file, ready to print to A4."""
    template = _environment("html").get_template("implementation.html.j2")
    svg = Markup(strategy_map_svg(ip.plan))  # every text in it is escaped
    return template.render(**_context(ip, markdown=False), strategy_map=svg)


def render_html_sections(ip: ImplementationPlan, *, parts: Collection[str] = SECTIONS) -> Markup:
    """The plan's sections without the document around them (the report's appendix).

    `parts`: the ids of `SECTIONS` to include (the unlinked tactics go with "goals").
    """
    template = _environment("html").get_template("implementation_body.html.j2")
    svg = Markup(strategy_map_svg(ip.plan)) if "strategy-map" in parts else None
    context = _context(ip, markdown=False, parts=parts)
    return Markup(template.render(**context, strategy_map=svg))


@functools.cache
def _environment(kind: Literal["md", "html"]) -> jinja2.Environment:
    return template_environment(
        "outcomes.report",
        autoescape=kind == "html",
        keep_trailing_newline=True,
        filters={"md": markdown_cell},
        kept=True,
    )


def _context(
    ip: ImplementationPlan, *, markdown: bool, parts: Collection[str] = SECTIONS
) -> dict[str, Any]:
    money: Callable[[float | None], str] = functools.partial(_money, currency=ip.currency)
    return {
        "ip": ip,
        "parts": frozenset(parts),
        "hourly_rate": format_money(ip.hourly_cost, ip.currency),
        "schedule": build_schedule(ip.tactics),
        "raci_tables": raci_tables(ip),
        "strategy_appearances": _first_appearances(ip),
        "money": money,
        "hours": _one_decimal,
        "weeks": _one_decimal,
        "pct": percent,
        "date": format_date,
        "value": functools.partial(_metric_value, currency=ip.currency),
        "names": functools.partial(_names, markdown=markdown),
        "direction": lambda d: _DIRECTIONS.get(d, d),
        "better": lambda b: "lower is better" if b == "lower" else "higher is better",
        "raci_problems": raci_problems,
        "unlinked_summary": unlinked_summary,
    }


def markdown_cell(text: object) -> str:
    """Text made safe for a Markdown table cell: no pipes, no raw HTML, one line."""
    value = "" if text is None else str(text)
    for raw, safe in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;")):
        value = value.replace(raw, safe)
    return " ".join(value.split())


def format_date(day: dt.date | None) -> str:
    """ "1 Feb 2026": unambiguous in every locale, and the same whatever the machine's locale."""
    if day is None:
        return "—"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def percent(share: float) -> str:
    """A share as a whole percentage; tiny shares read "<1%" rather than a misleading "0%"."""
    if 0 < share < 0.005:
        return "<1%"
    return f"{share * 100:.0f}%"


def _money(amount: float | None, currency: str) -> str:
    # Costs are hours × weeks × rate: estimates, so cents would only pretend to precision.
    return "—" if amount is None else format_money(round(amount), currency)


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else format_number(round(value, 1))


def _metric_value(value: float | None, unit: str, *, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "currency":
        return metric_money(value, currency)  # a target of €19.50 is not "€20"
    if unit == "percent":
        return f"{format_number(round(value, 2))}%"
    suffix = {"minutes": " min", "days": " days"}.get(unit, "")
    return f"{format_number(round(value, 4))}{suffix}"


def _names(parties: Sequence[Party], *, markdown: bool) -> str:
    if not parties:
        return "—"
    names = [f"{p.name} (team)" if p.is_team else p.name for p in parties]
    text = ", ".join(names)
    return markdown_cell(text) if markdown else text


def _first_appearances(ip: ImplementationPlan) -> dict[str, str]:
    """For each strategy, the goal under which it is written out in full.

    A strategy serving two goals appears under both; its tactics are detailed only the
    first time, so the document does not repeat them (and HTML ids stay unique).
    """
    first: dict[str, str] = {}
    for goal in ip.goals:
        for strategy in goal.strategies:
            first.setdefault(strategy.id, goal.id)
    return first


def unlinked_summary(ip: ImplementationPlan) -> str:
    """ "2 tactics serve no strategy and 1 strategy serves no goal", leaving out a zero part."""
    parts = []
    if ip.unlinked_tactics:
        parts.append(_count(len(ip.unlinked_tactics), "tactic", "tactics", "no strategy"))
    if ip.unlinked_strategies:
        parts.append(_count(len(ip.unlinked_strategies), "strategy", "strategies", "no goal"))
    return " and ".join(parts)


def _count(count: int, one: str, many: str, what: str) -> str:
    if count == 1:
        return f"1 {one} serves {what}"
    return f"{count} {many} serve {what}"


def raci_problems(ip: ImplementationPlan, tactic_id: str) -> str:
    """What is wrong with a tactic's column: nobody responsible, or not exactly one accountable."""
    tactic = next(t for t in ip.tactics if t.id == tactic_id)
    problems = []
    if not tactic.operators:
        problems.append("no R")
    if len(tactic.accountable) != 1:
        problems.append(f"{len(tactic.accountable)} A")
    return ", ".join(problems)


@dataclass(frozen=True, slots=True)
class RaciTable:
    """A slice of the RACI matrix narrow enough for a printed page."""

    columns: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[tuple[Party, tuple[str, ...]], ...]


def raci_tables(ip: ImplementationPlan) -> tuple[RaciTable, ...]:
    """The RACI matrix cut into tables of at most `RACI_COLUMNS_PER_TABLE` tactics."""
    titles = {t.id: t.title for t in ip.tactics}
    ids = ip.raci.tactic_ids
    tables = []
    for start in range(0, len(ids), RACI_COLUMNS_PER_TABLE):
        end = start + RACI_COLUMNS_PER_TABLE
        rows = tuple((row.party, row.cells[start:end]) for row in ip.raci.rows)
        chunk = ids[start:end]
        tables.append(RaciTable(chunk, tuple(titles[i] for i in chunk), rows))
    return tuple(tables)


def build_schedule(tactics: Sequence[TacticPlan]) -> Schedule:
    """Lay every tactic out on a calendar, by month unless the plan runs too long for that."""
    if not tactics:
        return Schedule("month", (), ())
    first = min(t.start for t in tactics)
    last = max(t.end for t in tactics)
    unit, months = _column_width(first, last)
    columns = _columns(first, last, unit, months)
    rows = tuple(ScheduleRow(t, tuple(_bar(t, c) for c in columns)) for t in tactics)
    return Schedule(unit, columns, rows)


def _column_width(first: dt.date, last: dt.date) -> tuple[ScheduleUnit, int]:
    """The narrowest unit, and months per column, that fit the schedule on a page.

    Counted, not built: dates run to the year 9999, and a plan over centuries would
    otherwise build a hundred thousand month columns only to throw them away. When even a
    year a column is too many, each column takes several years.
    """
    widths: tuple[tuple[ScheduleUnit, int], ...] = (("month", 1), ("quarter", 3), ("year", 12))
    for unit, months in widths:
        if _column_count(first, last, months) <= _MAX_SCHEDULE_COLUMNS:
            return unit, months
    years = math.ceil(_column_count(first, last, 12) / _MAX_SCHEDULE_COLUMNS)
    return "year", 12 * years


def _column_count(first: dt.date, last: dt.date, months: int) -> int:
    """How many columns `months` wide `_columns` lays from `first` to `last`."""
    aligned = (first.month - 1) // months * months if months < 12 else 0
    span = (last.year - first.year) * 12 + last.month - 1 - aligned
    return span // months + 1


def _columns(
    first: dt.date, last: dt.date, unit: ScheduleUnit, months: int
) -> tuple[ScheduleColumn, ...]:
    month = 1 if months >= 12 else first.month - (first.month - 1) % months
    start = dt.date(first.year, month, 1)
    columns = []
    while start <= last:
        end = _column_end(start, months)
        columns.append(ScheduleColumn(_label(start, end, unit), start.year, start, end))
        if end == dt.date.max:  # a plan may run to 31 Dec 9999; no column comes after it
            break
        start = end + dt.timedelta(days=1)
    return tuple(columns)


def _column_end(start: dt.date, months: int) -> dt.date:
    """The last day of the column of `months` months from `start` (the first of a month)."""
    index = start.year * 12 + start.month - 1 + months
    if index // 12 > dt.MAXYEAR:
        return dt.date.max
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


def _label(start: dt.date, end: dt.date, unit: ScheduleUnit) -> str:
    if unit == "month":
        return _MONTHS[start.month - 1]
    if unit == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}"
    if end.year != start.year:
        return f"{start.year}–{end.year}"
    return str(start.year)


def _bar(tactic: TacticPlan, column: ScheduleColumn) -> ScheduleBar | None:
    if tactic.end < column.start or tactic.start > column.end:
        return None
    days = (column.end - column.start).days + 1
    left = (max(tactic.start, column.start) - column.start).days / days
    right = ((min(tactic.end, column.end) - column.start).days + 1) / days
    return ScheduleBar(round(left, 4), round(right, 4))
