"""The executive report escapes whatever users and exports put in it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html import escape
from pathlib import Path

import pytest
from markupsafe import escape as markup_escape

from outcomes.briefing.build import Briefing, BriefingOptions
from outcomes.briefing.cache import cache_path, load_briefing
from outcomes.catalog.statuses import status_word
from outcomes.measure.costs import tactic_costs
from outcomes.measure.tactic_status import TacticStatus
from outcomes.report.executive import render_html, render_pdf
from outcomes.report.implementation import format_date
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache

HOSTILE = "<script>alert(1)</script> & ☃ 𝔘 \u202e"
LONG = "x" * 3000


@pytest.fixture(scope="module")
def hostile_workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = demo_cache.copy(0.1, tmp_path_factory.mktemp("hostile") / "northwind").workspace
    plan = directory / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("name: Northwind Freight Software", f"name: '{HOSTILE}'", 1)
    text = re.sub(
        r"(id: fb-retarget\n\s+title: ).*", lambda m: f"{m.group(1)}'{HOSTILE} {LONG}'", text
    )
    plan.write_text(text, encoding="utf-8")
    with Warehouse.open(directory) as warehouse:
        # An account name and a post text straight from an export.
        warehouse.duckdb.execute(
            "UPDATE activities SET account = ?, text = ? WHERE channel = 'mastodon'",
            [HOSTILE, f"<img src=x onerror=alert(2)> {LONG}"],
        )
    return directory


def test_user_text_is_escaped_in_every_part_of_the_html(hostile_workspace: Path) -> None:
    briefing = load_briefing(
        hostile_workspace, options=BriefingOptions(sources=("ga4",), bootstrap=20)
    )
    assert briefing.organisation == HOSTILE
    assert any("<script>alert(1)</script>" in a.title for a in briefing.attention)  # page one
    html = render_html(briefing)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ☃ 𝔘" in html
    # In the page-one table, the attention list, the strategy map and the appendix.
    assert html.count("&lt;script&gt;alert(1)") >= 4
    assert "script" not in re.findall(r"<([a-z]+)", html)
    # A 3,000-character title is cut in the report's own tables (the appendix keeps it).
    assert re.search(r"<td>&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; ☃ 𝔘 ‮ x{50,}…</td>", html)


def test_the_pdf_of_hostile_text_still_renders(hostile_workspace: Path) -> None:
    briefing = load_briefing(
        hostile_workspace, options=BriefingOptions(sources=("ga4",), bootstrap=20)
    )
    document = render_pdf(briefing, workspace=hostile_workspace)
    assert document.startswith(b"%PDF-") and len(document) > 50_000
    # Kept beside its briefing: asked for again, the kept bytes are read, not laid out.
    [kept] = cache_path(hostile_workspace, briefing.fingerprint).parent.glob("*-report-*.pdf")
    assert kept.read_bytes() == document
    kept.write_bytes(b"%PDF-kept")
    assert render_pdf(briefing, workspace=hostile_workspace) == b"%PDF-kept"
    # Measured again (a refresh), the same state is a new briefing: rendered anew.
    again = dataclasses.replace(briefing, generated_at=briefing.generated_at + dt.timedelta(1))
    assert render_pdf(again, workspace=hostile_workspace).startswith(b"%PDF-1")
    assert len(list(kept.parent.glob("*-report-*.pdf"))) == 2


def test_the_report_says_data_through_and_costs_stop_there(
    demo_cache: DemoCache, tmp_path: Path
) -> None:
    # The exports end on 30 November while the plan's tactics run to 31 December.
    directory = demo_cache.copy(0.1, tmp_path / "northwind").workspace
    with Warehouse.open(directory) as warehouse:
        for table in ("conversions", "touchpoints"):
            warehouse.duckdb.execute(f"DELETE FROM {table} WHERE ts >= TIMESTAMPTZ '2026-12-01'")
    briefing = load_briefing(
        directory, options=BriefingOptions(sources=("ga4",), bootstrap=0), use_cache=False
    )
    assert briefing.data_through is not None and briefing.data_through <= dt.date(2026, 11, 30)
    assert briefing.roi.period.end == briefing.data_through < briefing.period.end
    with Warehouse.open(directory) as warehouse:
        costs = warehouse.table("costs")
        covered = tactic_costs(briefing.plan, briefing.roi.period, costs)
        whole = tactic_costs(briefing.plan, briefing.period, costs)
    for row in briefing.tactic_roi():
        assert row.cost == pytest.approx(covered[row.id].total)
    newsletter = briefing.roi.row("tactic", "customer-newsletter", "markov")
    assert newsletter.cost < whole["customer-newsletter"].total
    html = render_html(briefing)
    through = format_date(briefing.data_through)
    assert f"data through {through}" in html
    assert f"returns and costs to {through}" in html
    assert briefing.to_json()["data_through"] == briefing.data_through.isoformat()
    # Each tactic's overall status, in words, with what it is judged on.
    for judged in briefing.scorecard.tactic_status:
        assert re.search(
            rf'data-testid="tactic-{judged.tactic}-status">{status_word(judged.status)}<', html
        )
        assert str(markup_escape(judged.reason)) in html
    # fb-retarget, the likes-only tactic, is judged on the leads it brought: none by the end
    # of its year, which the data reach: missed, a final result.
    assert judged_by_id(briefing)["fb-retarget"].status == "missed"
    # Each goal's status reason, beside the tactics'.
    for pace in briefing.scorecard.goals:
        assert str(markup_escape(pace.reason)) in html


def test_content_focus_shows_an_example_post_for_each_score_band(
    hostile_workspace: Path,
) -> None:
    briefing = load_briefing(
        hostile_workspace, options=BriefingOptions(sources=("ga4",), bootstrap=20)
    )
    html = render_html(briefing)
    section = html[html.index('id="content"') : html.index('id="cadence"')]
    examples = section[section.index("What a score looks like") :]
    bands = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">", examples)
    shown = [e.label for e in briefing.scorecard.content_examples]
    assert bands == shown and len(shown) >= 4  # the bands that have posts, in order
    assert bands[0] == "About the customer (0.5 and above)" and bands[-1].startswith("About us")
    for example in briefing.scorecard.content_examples:
        shown = example.text if len(example.text) <= 280 else example.text[:279] + "…"
        assert f"“{escape(shown)}”" in examples
    assert "Brand words:" in examples


def judged_by_id(briefing: Briefing) -> dict[str, TacticStatus]:
    return {t.tactic: t for t in briefing.scorecard.tactic_status}
