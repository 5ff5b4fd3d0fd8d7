"""The HTML implementation plan in a real browser: it renders, stays offline, and prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from outcomes.plan import load_plan
from outcomes.plan.implementation import build_implementation_plan
from outcomes.report.implementation import render_html

pytestmark = pytest.mark.browser

SECTIONS = {
    "summary": "Summary",
    "strategy-map": "Strategy map",
    "goals": "Goals, strategies and tactics",
    "raci": "Who does what (RACI)",
    "resources": "Resources and capacity",
    "schedule": "Schedule",
}


def open_plan(browser: Any, plan_path: Path, tmp_path: Path) -> tuple[Any, list[str]]:
    """Render the plan to a file and open it, recording every request the page makes."""
    ip = build_implementation_plan(load_plan(plan_path), today=dt.date(2026, 3, 15))
    html_file = tmp_path / "implementation-plan.html"
    html_file.write_text(render_html(ip), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html_file.as_uri())
    return page, requests


def test_northwind_renders_every_section_offline(
    browser: Any, northwind_path: Path, tmp_path: Path
) -> None:
    page, requests = open_plan(browser, northwind_path, tmp_path)
    try:
        for section_id, heading in SECTIONS.items():
            h2 = page.locator(f"section#{section_id} > h2")
            assert h2.is_visible(), section_id
            assert h2.inner_text() == heading

        box = page.locator("#strategy-map svg").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 300
        assert page.locator("#strategy-map svg g.node.tactic").count() == 7

        raci_columns = page.locator("#raci thead th.tactic-col").all_inner_texts()
        assert raci_columns == [
            "li-rep-insights", "li-company-guides", "li-listen-respond", "x-support",
            "fb-retarget", "trade-show", "customer-newsletter",
        ]  # fmt: skip
        assert page.locator("#raci tbody tr").count() == 10

        screenshot = tmp_path / "implementation-plan.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.read_bytes().startswith(b"\x89PNG")
        assert requests and all(url.startswith("file://") for url in requests), requests
    finally:
        page.close()


def test_northwind_prints_to_several_a4_pages(
    browser: Any, northwind_path: Path, tmp_path: Path
) -> None:
    page, requests = open_plan(browser, northwind_path, tmp_path)
    try:
        page.emulate_media(media="print")
        # Major sections start on a new page; table rows are not split across pages.
        assert page.evaluate("getComputedStyle(document.getElementById('raci')).breakBefore") == (
            "page"
        )
        assert page.evaluate("getComputedStyle(document.querySelector('tr')).breakInside") == (
            "avoid"
        )
        pdf = page.pdf(format="A4", print_background=True)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert pages > 1
        (tmp_path / "implementation-plan.pdf").write_bytes(pdf)
        assert all(url.startswith("file://") for url in requests), requests
    finally:
        page.close()


def test_tactics_first_shows_its_random_acts_of_social(
    browser: Any, tactics_first_path: Path, tmp_path: Path
) -> None:
    page, requests = open_plan(browser, tactics_first_path, tmp_path)
    try:
        assert page.locator("section#unlinked > h2").inner_text() == "Random acts of social"
        assert page.locator("#tactic-insta-giveaway").is_visible()
        unlinked_box = page.locator("#strategy-map svg g.node.unlinked rect")
        assert unlinked_box.get_attribute("stroke") == "#b91c1c"
        assert unlinked_box.bounding_box() is not None
        assert all(url.startswith("file://") for url in requests), requests
    finally:
        page.close()
