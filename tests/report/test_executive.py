"""The executive report escapes whatever users and exports put in it."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from outcomes.briefing.build import BriefingOptions
from outcomes.briefing.cache import load_briefing
from outcomes.report.executive import render_html, render_pdf
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
    document = render_pdf(briefing)
    assert document.startswith(b"%PDF-") and len(document) > 50_000


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
