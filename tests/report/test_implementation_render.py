"""Rendering the implementation plan: Markdown tables, HTML sections, escaping, self-containment."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from outcomes.plan import load_plan, load_plan_text
from outcomes.plan.implementation import ImplementationPlan, build_implementation_plan
from outcomes.report.implementation import (
    RACI_COLUMNS_PER_TABLE,
    SECTIONS,
    build_schedule,
    format_date,
    markdown_cell,
    percent,
    raci_tables,
    render_html,
    render_html_sections,
    render_markdown,
)
from tests.conftest import PLAN_TODAY

TODAY = PLAN_TODAY


HOSTILE = '<script>alert("x")</script> | & <img src=x onerror=1>'


@pytest.fixture
def hostile() -> ImplementationPlan:
    """A plan whose every free text tries to break out of its cell or run code."""
    data = {
        "version": 1,
        "organisation": {"name": HOSTILE, "currency": "EUR", "hourly_cost": 10},
        "people": [{"id": "p", "name": HOSTILE, "hours_per_week": 1}],
        "goals": [
            {"id": "g", "title": HOSTILE, "metric": "revenue", "direction": "increase",
             "baseline": 1, "target": 2, "start": "2026-01-01", "due": "2026-12-31",
             "sponsor": "p"}
        ],
        "strategies": [
            {"id": "s", "title": HOSTILE, "serves": ["g"], "owner": "p", "people": HOSTILE}
        ],
        "tactics": [
            {"id": "t", "title": HOSTILE, "serves": "s", "channel": "blog", "mode": "publish",
             "operators": ["p"], "accountable": "p", "start": "2026-01-01", "end": "2026-01-31",
             "resources": {"hours_per_week": 2, "tools": [{"name": HOSTILE, "cost": 5}]},
             "measurement": {"sources": ["csv"], "match": {"utm_campaign": HOSTILE}}}
        ],
    }  # fmt: skip
    return build_implementation_plan(load_plan_text(yaml.safe_dump(data)), today=TODAY)


class _Page(HTMLParser):
    """Collects ids, which section each <h2> is in, and every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.h2_in: list[str] = []
        self._section: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "section":
            self._section.append(str(found.get("id")))
        if tag == "h2" and self._section:
            self.h2_in.append(self._section[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section.pop()


def parse_html(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def markdown_tables(markdown: str) -> list[list[str]]:
    """Each block of consecutive lines that start with a pipe."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def cells(row: str) -> int:
    """Cells in a table row, not counting escaped pipes."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


# --- Markdown -------------------------------------------------------------------------


def test_markdown_has_every_section(northwind: ImplementationPlan) -> None:
    markdown = render_markdown(northwind)
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    assert headings == [
        "Summary",
        "Goals, strategies and tactics",
        "Who does what (RACI)",
        "Resources and capacity",
        "Schedule",
    ]
    assert markdown.startswith("# Tactical implementation plan — Northwind Freight Software\n")
    assert "\n\n\n" not in markdown


def test_markdown_tables_are_well_formed(northwind: ImplementationPlan) -> None:
    tables = markdown_tables(render_markdown(northwind))
    assert len(tables) > 20
    for table in tables:
        header, rule, *rows = table
        assert re.fullmatch(r"\|(:?-+:?\|)+", rule), rule
        assert all(cells(row) == cells(header) for row in [rule, *rows]), table


def test_markdown_shows_totals_raci_and_capacity(northwind: ImplementationPlan) -> None:
    markdown = render_markdown(northwind)
    assert "| **Total** | | **€157,890** | 100% |" in markdown
    assert "| People | 1,355.6 hours × €70 an hour | €94,890 | 60% |" in markdown
    assert "| Technology | tools | €3,000 | 2% |" in markdown
    assert "| Lee Chen | C | RA | RA |  | RA |  |  |" in markdown
    assert "| Lee Chen | 40 | 11 | 1 Mar 2026 | 28% |" in markdown
    assert "| Cadence | 2 per month (about 23 in all) |" in markdown
    assert "Technology is the smallest part of the cost (2%)" in markdown
    # social-selling serves two goals; its tactics are written out only once.
    assert markdown.count("##### Tactic: Exhibit at the regional logistics fair") == 1
    assert "Also serves this goal" in markdown


def test_markdown_for_tactics_first_names_what_is_wrong(tactics_first: ImplementationPlan) -> None:
    markdown = render_markdown(tactics_first)
    assert "## Random acts of social" in markdown
    assert "1 tactic serves no strategy." in markdown
    assert "technology is the largest part of the cost (99%)" in markdown
    assert "the plan sets no hourly cost" in markdown
    assert "| Operated by (R) | **nobody** |" in markdown
    assert "| **Check** | ✓ | no R, 2 A |" in markdown
    assert "**No benchmarks for success:**" in markdown


def test_markdown_escapes_pipes_and_html(hostile: ImplementationPlan) -> None:
    markdown = render_markdown(hostile)
    assert "<script" not in markdown
    assert "<img" not in markdown
    assert "&lt;script&gt;" in markdown
    for table in markdown_tables(markdown):
        assert all(cells(row) == cells(table[0]) for row in table), table


def test_markdown_cell() -> None:
    assert markdown_cell("a | b\nc") == "a \\| b c"
    assert markdown_cell("<b>") == "&lt;b&gt;"
    assert markdown_cell("back\\slash") == "back\\\\slash"
    assert markdown_cell(None) == ""


# --- HTML ----------------------------------------------------------------------------


def test_html_has_every_section_with_an_h2(northwind: ImplementationPlan) -> None:
    page = parse_html(render_html(northwind))
    for section in SECTIONS:
        assert section in page.ids
        assert section in page.h2_in
    assert "unlinked" not in page.ids


def test_the_report_appendix_holds_the_sections_asked_for(
    northwind: ImplementationPlan, tactics_first: ImplementationPlan
) -> None:
    whole = parse_html(render_html_sections(northwind))
    assert [s for s in SECTIONS if s in whole.ids] == list(SECTIONS)
    overviews = ("summary", "raci", "resources", "schedule")
    appendix = parse_html(render_html_sections(northwind, parts=overviews))
    assert [s for s in SECTIONS if s in appendix.ids] == list(overviews)
    assert "svg" not in appendix.tags and "tactic-trade-show" not in appendix.ids
    # Unlinked tactics are listed with the cards; the summary still counts them.
    html = render_html_sections(tactics_first, parts=overviews)
    assert "unlinked" not in parse_html(html).ids and 'href="#unlinked"' not in html
    assert "random acts of social" in html


def test_html_ids_are_unique(northwind: ImplementationPlan) -> None:
    ids = parse_html(render_html(northwind)).ids
    assert len(ids) == len(set(ids))
    assert "goal-new-logos" in ids
    assert "tactic-trade-show" in ids
    assert ids.count("strategy-social-selling") == 1


def test_html_is_self_contained(northwind: ImplementationPlan) -> None:
    html = render_html(northwind)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    page = parse_html(html)
    assert {"script", "link", "img", "iframe", "object"}.isdisjoint(page.tags)
    assert "url(" not in html
    assert "@import" not in html
    assert "<svg" in html


def test_html_shows_the_numbers(northwind: ImplementationPlan) -> None:
    html = render_html(northwind)
    assert "€157,890" in html
    assert "€94,890" in html
    assert "UTM campaign “li-rep-insights”; activity by Ana Silva or Bo Lindqvist" in html
    assert html.count('class="tactic"') == 7


def test_html_unlinked_section_for_tactics_first(tactics_first: ImplementationPlan) -> None:
    html = render_html(tactics_first)
    page = parse_html(html)
    assert "unlinked" in page.ids
    assert "unlinked" in page.h2_in
    assert 'class="tactic unlinked" id="tactic-insta-giveaway"' in html
    assert "Technology is the largest part of the cost (99%)" in html


def test_html_escapes_every_text(hostile: ImplementationPlan) -> None:
    html = render_html(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert {"script", "img"}.isdisjoint(parse_html(html).tags)


def test_rendering_is_deterministic(northwind_path: Path) -> None:
    def render() -> tuple[str, str]:
        ip = build_implementation_plan(load_plan(northwind_path), today=TODAY)
        return render_html(ip), render_markdown(ip)

    assert render() == render()


# --- pieces --------------------------------------------------------------------------


def test_schedule_bars_cover_the_part_of_each_month_a_tactic_runs(
    northwind: ImplementationPlan,
) -> None:
    schedule = build_schedule(northwind.tactics)
    assert schedule.unit == "month"
    assert [c.label for c in schedule.columns][:3] == ["Jan", "Feb", "Mar"]
    assert len(schedule.columns) == 12
    assert schedule.years == ((2026, 12),)
    rows = {row.tactic.id: row for row in schedule.rows}
    guides_january = rows["li-company-guides"].cells[0]
    assert guides_january is not None
    assert (guides_january.left, guides_january.right) == (round(14 / 31, 4), 1.0)
    trade_show = rows["trade-show"].cells
    assert [i for i, bar in enumerate(trade_show) if bar] == [4]


def test_long_plans_are_scheduled_by_quarter_or_year() -> None:
    def tactics_over(start: str, end: str) -> ImplementationPlan:
        data = {
            "version": 1,
            "organisation": {"name": "O", "currency": "EUR"},
            "people": [],
            "goals": [],
            "strategies": [],
            "tactics": [{"id": "t", "title": "T", "channel": "blog", "mode": "publish",
                         "start": start, "end": end}],
        }  # fmt: skip
        return build_implementation_plan(load_plan_text(yaml.safe_dump(data)), today=TODAY)

    by_quarter = build_schedule(tactics_over("2026-02-10", "2028-05-01").tactics)
    assert by_quarter.unit == "quarter"
    assert [c.label for c in by_quarter.columns][:2] == ["Q1", "Q2"]
    assert by_quarter.years == ((2026, 4), (2027, 4), (2028, 2))
    by_year = build_schedule(tactics_over("2026-01-01", "2035-12-31").tactics)
    assert by_year.unit == "year"
    assert len(by_year.columns) == 10
    assert build_schedule(()).columns == ()


def test_raci_is_cut_into_tables_that_fit_a_page() -> None:
    tactics = [
        {"id": f"t{i}", "title": f"T{i}", "channel": "blog", "mode": "publish",
         "operators": ["p"], "start": "2026-01-01", "end": "2026-02-01"}
        for i in range(RACI_COLUMNS_PER_TABLE + 3)
    ]  # fmt: skip
    data = {
        "version": 1,
        "organisation": {"name": "O", "currency": "EUR"},
        "people": [{"id": "p", "name": "P"}],
        "goals": [],
        "strategies": [],
        "tactics": tactics,
    }
    ip = build_implementation_plan(load_plan_text(yaml.safe_dump(data)), today=TODAY)
    first, second = raci_tables(ip)
    assert len(first.columns) == RACI_COLUMNS_PER_TABLE
    assert second.columns == ("t14", "t15", "t16")
    assert second.titles == ("T14", "T15", "T16")
    assert second.rows[0][1] == ("R", "R", "R")


def test_small_formatters() -> None:
    assert format_date(dt.date(2026, 2, 1)) == "1 Feb 2026"
    assert format_date(None) == "—"
    assert percent(0.6009) == "60%"
    assert percent(0.001) == "<1%"
    assert percent(0) == "0%"


def test_costs_show_whole_units_and_the_hourly_rate_exactly() -> None:
    text = """\
version: 1
organisation: {name: O, currency: USD, hourly_cost: 62.5}
people: [{id: p, name: P}]
goals: []
strategies: []
tactics:
  - {id: t, title: T, channel: blog, mode: publish, operators: [p],
     start: 2026-01-01, end: 2026-01-03, resources: {hours_per_week: 1}}
"""
    ip = build_implementation_plan(load_plan_text(text), today=TODAY)
    assert ip.costs.people == pytest.approx(3 / 7 * 62.5)  # 26.79
    for rendered in (render_markdown(ip), render_html(ip)):
        assert "$27" in rendered
        assert "26.79" not in rendered
        assert "$62.50 an hour" in rendered
