"""The dashboard in a real headless Chromium: every page, its numbers, its links, offline.

One crawl (a module fixture) opens every page reachable from `/` in the browser, follows
every internal link, records every request and console message, reads the elements that
carry a `data-testid`, and saves a full-page screenshot of each dashboard page (under
the test's temporary folder and, when `OUTCOMES_SCREENSHOTS` is set, there too). The
tests then compare what the browser shows with what `/api/...` returns, formatted the way
the pages format it, and click through the navigation, the attention items, a goal to
one of its tactics, and the attribution explorer's form.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from outcomes.measure.roi_report import Estimate
from outcomes.measure.words import metric_value, money, number, roi_words
from outcomes.web.render import NAV, fixed
from tests.web.conftest import Served

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
MIN_SCREENSHOT_BYTES = 20_000
"""A full-page PNG of a dashboard page with text and tables is far bigger; a blank one is not."""

# Every element carrying a data-testid: its whitespace-collapsed text, data-value and, for
# list items, the link inside. One round trip per page instead of one per element.
READ_TESTIDS = """() => Object.fromEntries([...document.querySelectorAll('[data-testid]')].map(e => [
    e.dataset.testid,
    {
        text: e.textContent.replace(/\\s+/g, ' ').trim(),
        value: e.dataset.value ?? null,
        datetime: e.getAttribute('datetime'),
        link: e.querySelector('a[href]')?.getAttribute('href') ?? null,
    },
]))"""
# Every URL the document refers to, resolved against it: HTML and SVG links, sources,
# form actions, stylesheets.
READ_LINKS = """() => {
    const found = [];
    const xlink = 'http://www.w3.org/1999/xlink';
    for (const e of document.querySelectorAll('*')) {
        for (const name of ['href', 'src', 'action']) {
            const v = e.getAttribute(name);
            if (v !== null) found.push(new URL(v, document.baseURI).href);
        }
        const x = e.getAttributeNS(xlink, 'href');
        if (x) found.push(new URL(x, document.baseURI).href);
    }
    return found;
}"""
# Each figure's drawing (its SVG's rendered size) and whether SVG markup shows as text.
READ_FIGURES = """() => ({
    figures: [...document.querySelectorAll('main figure')].map(f => {
        const svg = f.querySelector('svg');
        const box = svg ? svg.getBoundingClientRect() : null;
        return {kind: f.className, width: box ? box.width : 0, height: box ? box.height : 0};
    }),
    markup_as_text: /<\\/?(svg|tspan|rect|path)\\b/i.test(document.body.innerText),
})"""


@dataclass
class Recorder:
    """What a browser context asked for and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on(
            "response", lambda response: self.statuses.update({response.url: response.status})
        )
        context.on("page", self.watch)
        # Anything not on the app is refused before it leaves the machine (and recorded).
        context.route(re.compile(r"^(?!" + re.escape(self.origin) + r"/).*"), _abort)

    def watch(self, page: Any) -> None:
        def console(message: Any) -> None:
            if message.type != "error":
                return
            where = (message.location or {}).get("url", "")
            # Chromium asks for /favicon.ico (404) when it shows a document with no <link
            # rel=icon>: the JSON, the CSS, the SVG. The pages declare theirs inline.
            if where == f"{self.origin}/favicon.ico":
                return
            self.errors.append(f"{page.url}: console error {message.text} ({where})")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: page error {error}"))

    def assert_clean(self) -> None:
        """No request left the app's origin, none failed, and no page logged an error."""
        assert self.requests, "the browser made no request"
        foreign = [u for u in self.requests if not u.startswith((f"{self.origin}/", "data:"))]
        assert not foreign, f"requests left {self.origin}: {foreign}"
        failed = {u: s for u, s in self.statuses.items() if s >= 400}
        assert not failed, failed
        assert not self.errors, self.errors


def _abort(route: Any) -> None:
    route.abort()


def _is_html_url(url: str) -> bool:
    path = urlsplit(url).path
    return not path.startswith(("/api/", "/static/")) and not path.endswith(".svg")


@dataclass
class Visit:
    """One page as the browser showed it."""

    status: int
    content_type: str
    testids: dict[str, dict[str, Any]]
    links: list[str]
    drawing: dict[str, Any]
    screenshot: Path | None = None

    def text(self, testid: str) -> str:
        assert testid in self.testids, f"no element {testid!r} on the page"
        return str(self.testids[testid]["text"])


@dataclass
class Crawl:
    """Every page reachable from `/`, opened in the browser."""

    visits: dict[str, Visit]
    recorder: Recorder
    screenshots: Path


def screenshot_name(path: str) -> str:
    """`/` → overview.png, `/goals/new-logos` → goals-new-logos.png."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "overview"
    return f"{stem}.png"


def should_screenshot(path: str) -> bool:
    """Every dashboard page (not the JSON, the CSS or each explorer variant)."""
    return "?" not in path and _is_html_url(path)


def save_screenshot(page: Any, folder: Path, name: str) -> Path:
    target = folder / name
    page.screenshot(path=str(target), full_page=True)
    extra = os.environ.get("OUTCOMES_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, Path(extra) / name)
    return target


@pytest.fixture(scope="module")
def crawl(
    browser: Any,
    served: Served,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Crawl]:
    """Open every page reachable from `/` by its links, breadth first, in one browser tab."""
    origin = served.base_url
    folder = tmp_path_factory.mktemp("screenshots")
    recorder = Recorder(origin)
    context = browser.new_context(viewport=VIEWPORT)
    recorder.attach(context)
    page = context.new_page()
    visits: dict[str, Visit] = {}
    queue = deque(["/"])
    try:
        while queue:
            path = queue.popleft()
            if path in visits:
                continue
            response = page.goto(origin + path)
            assert response is not None, path
            content_type = response.headers.get("content-type", "")
            html = content_type.startswith("text/html")
            visit = Visit(
                response.status,
                content_type,
                page.evaluate(READ_TESTIDS) if html else {},
                page.evaluate(READ_LINKS) if html else [],
                page.evaluate(READ_FIGURES) if html else {},
            )
            if html and should_screenshot(path):
                visit.screenshot = save_screenshot(page, folder, screenshot_name(path))
            visits[path] = visit
            for url in visit.links:
                if url.startswith("data:"):
                    continue
                assert url.startswith(f"{origin}/"), f"{path} refers to {url}"
                parts = urlsplit(url)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in visits:
                    queue.append(target)
        yield Crawl(visits, recorder, folder)
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any, served: Served) -> Iterator[tuple[Any, Recorder]]:
    """A fresh browser tab on the dashboard, recording what it asks for."""
    recorder = Recorder(served.base_url)
    context = browser.new_context(viewport=VIEWPORT)
    recorder.attach(context)
    try:
        yield context.new_page(), recorder
    finally:
        context.close()


def interval(value: dict[str, float] | None, kind: str | None = None) -> str:
    """The ROI as pages show it: its interval, or why there is none (the return's kind)."""
    return roi_words(None if value is None else Estimate(**value), kind)


def formats(served: Served) -> tuple[Callable[[str, float | None], str], str]:
    """The page's metric format (bound to the plan) and the currency."""
    snapshot = served.dashboard.state.snapshot()
    assert snapshot is not None
    plan = snapshot.briefing.plan
    currency = served.json("/api/overview")["meta"]["currency"]
    return (lambda metric, value: metric_value(plan, metric, value)), currency


def goal_ids(served: Served) -> list[str]:
    return [g["id"] for g in served.json("/api/goals")["goals"]]


def tactic_ids(served: Served) -> list[str]:
    return [t["id"] for t in served.json("/api/tactics")["tactics"]]


# --- The crawl: every page, every link, offline, no errors, screenshots ---------------


def test_every_page_and_link_answers_in_the_browser(crawl: Crawl, served: Served) -> None:
    failed = {path: v.status for path, v in crawl.visits.items() if v.status >= 400}
    assert not failed, failed
    expected = [href for href, _ in NAV]
    expected += [f"/goals/{g}" for g in goal_ids(served)]
    expected += [f"/tactics/{t}" for t in tactic_ids(served)]
    expected += ["/strategy-map.svg", "/static/dashboard.css", "/api/openapi.json", "/api/overview"]
    missing = [path for path in expected if path not in crawl.visits]
    assert not missing, f"no page links to {missing}"
    assert any(path.startswith("/attribution?model=") for path in crawl.visits)
    as_of = served.json("/api/status")["as_of"]
    for path, visit in crawl.visits.items():
        if visit.content_type.startswith("text/html"):
            assert visit.testids["as-of"]["datetime"] == as_of, path


def test_no_request_leaves_the_loopback_origin_and_no_page_logs_an_error(crawl: Crawl) -> None:
    crawl.recorder.assert_clean()
    stylesheet = f"{crawl.recorder.origin}/static/dashboard.css"
    assert stylesheet in crawl.recorder.requests


def test_every_chart_and_the_strategy_map_are_drawn(crawl: Crawl) -> None:
    html = {p: v for p, v in crawl.visits.items() if v.content_type.startswith("text/html")}
    shown_as_text = [path for path, visit in html.items() if visit.drawing["markup_as_text"]]
    assert not shown_as_text, f"SVG markup shown as text on {shown_as_text}"
    for path, visit in html.items():
        for figure in visit.drawing["figures"]:
            assert figure["width"] > 100 and figure["height"] > 50, (path, figure)
    figures = crawl.visits["/strategy-map"].drawing["figures"]
    assert [f["kind"] for f in figures] == ["map"], figures
    assert all(crawl.visits[p].drawing["figures"] for p in ("/", "/goals", "/tactics"))


def test_every_dashboard_page_is_screenshotted(crawl: Crawl, served: Served) -> None:
    pages = [path for path in crawl.visits if should_screenshot(path)]
    assert len(pages) >= len(NAV) + len(goal_ids(served)) + len(tactic_ids(served))
    for path in pages:
        shot = crawl.visits[path].screenshot
        assert shot is not None and shot.parent == crawl.screenshots, path
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), path
        width, height = struct.unpack(">II", data[16:24])
        assert width == VIEWPORT["width"] and height >= VIEWPORT["height"] // 3, (path, height)
        assert len(data) > MIN_SCREENSHOT_BYTES, (path, len(data))
    extra = os.environ.get("OUTCOMES_SCREENSHOTS")
    if extra:
        assert all((Path(extra) / screenshot_name(path)).is_file() for path in pages)


# --- The numbers the browser shows are the API's, formatted ----------------------------


def test_page_one_shows_the_apis_goals_roi_and_attention(crawl: Crawl, served: Served) -> None:
    value, currency = formats(served)
    api = served.json("/api/overview")
    shown = crawl.visits["/"]
    for goal in api["goals"]:
        gid, metric = goal["id"], goal["metric"]
        assert shown.text(f"goal-{gid}-actual") == value(metric, goal["actual"])
        assert shown.text(f"goal-{gid}-expected") == value(metric, goal["expected"])
        assert shown.text(f"goal-{gid}-target") == value(metric, goal["target"])
        assert shown.text(f"goal-{gid}-forecast").startswith(value(metric, goal["forecast"]))
        assert shown.text(f"goal-{gid}-status") == goal["status_label"]
    assert api["roi"]
    for row in api["roi"]:
        tid = row["id"]
        assert shown.text(f"tactic-{tid}-roi") == interval(row["roi"], row["return_kind"])
        assert shown.text(f"tactic-{tid}-revenue") == money(row["revenue"]["value"], currency)
        assert shown.text(f"tactic-{tid}-new-customers") == fixed(row["new_customers"]["value"])
        assert shown.text(f"tactic-{tid}-cost") == money(row["cost"], currency)
    assert shown.text("roi-total-revenue") == money(api["roi_totals"]["revenue"], currency)
    assert shown.text("roi-total-cost") == money(api["roi_totals"]["cost"], currency)
    assert api["top_attention"]
    for number_, item in enumerate(api["top_attention"], start=1):
        element = shown.testids[f"attention-{number_}"]
        assert item["title"] in element["text"] and element["link"] == item["link"]
    assert f"attention-{len(api['top_attention']) + 1}" not in shown.testids
    assert shown.text("health-score") == f"{api['meta']['health_score']}/100"
    for pilot in api["pilots"]:
        verdict = shown.text(f"pilot-{pilot['result']['tactic']}-verdict")
        assert pilot["result"]["verdict"] in verdict


def test_goal_pages_show_the_apis_numbers(crawl: Crawl, served: Served) -> None:
    value, currency = formats(served)
    for gid in goal_ids(served):
        api = served.json(f"/api/goals/{gid}")
        goal, shown = api["goal"], crawl.visits[f"/goals/{gid}"]
        for name in ("actual", "expected", "target"):
            assert shown.text(f"goal-{gid}-{name}") == value(goal["metric"], goal[name])
        assert shown.text(f"goal-{gid}-status") == goal["status_label"]
        listed = crawl.visits["/goals"]
        assert listed.text(f"goal-{gid}-actual") == value(goal["metric"], goal["actual"])
        for strategy in api["strategies"]:
            for tactic in strategy["tactics"]:
                roi = tactic["roi"]
                tid = tactic["id"]
                kind = roi and roi["return_kind"]
                assert shown.text(f"tactic-{tid}-roi") == interval(roi and roi["roi"], kind)
                if roi:
                    revenue = money(roi["revenue"]["value"], currency)
                    assert shown.text(f"tactic-{tid}-revenue") == revenue
                assert f"{served.base_url}/tactics/{tid}" in shown.links


def test_tactic_pages_show_the_apis_roi(crawl: Crawl, served: Served) -> None:
    _, currency = formats(served)
    listing = crawl.visits["/tactics"]
    for tid in tactic_ids(served):
        api = served.json(f"/api/tactics/{tid}")
        shown = crawl.visits[f"/tactics/{tid}"]
        roi = api["tactic"]["roi"]
        for visit in (shown, listing):
            kind = roi and roi["return_kind"]
            assert visit.text(f"tactic-{tid}-roi") == interval(roi and roi["roi"], kind)
        if roi:
            assert shown.text(f"tactic-{tid}-revenue") == money(roi["revenue"]["value"], currency)
            assert shown.text(f"tactic-{tid}-cost") == money(roi["cost"], currency)
            assert shown.text(f"tactic-{tid}-new-customers") == fixed(roi["new_customers"]["value"])
        for row in api["roi_by_model"]:
            testid = f"tactic-{tid}-roi-{row['model']}"
            assert shown.text(testid) == interval(row["roi"], row["return_kind"])
        assert shown.text(f"tactic-{tid}-status") == api["tactic"]["status_label"]


def test_the_other_pages_show_the_apis_counts(crawl: Crawl, served: Served) -> None:
    sources, shown = served.json("/api/sources"), crawl.visits["/sources"]
    assert sources["ingests"]
    for ingest in sources["ingests"]:
        for name in ("read", "loaded", "updated", "unchanged", "rejected", "ignored"):
            assert shown.text(f"ingest-{ingest['id']}-{name}") == number(ingest[f"rows_{name}"])
    assert shown.text("rejected-total") == number(sources["rejected_total"])
    conversation, shown = served.json("/api/conversation"), crawl.visits["/conversation"]
    for n, row in enumerate(conversation["rows"], start=1):
        assert shown.text(f"conversation-{n}-inbound") == number(row["inbound"])
        assert shown.text(f"conversation-{n}-own-posts") == number(row["own_posts"])
    lint = served.json("/api/lint")
    assert crawl.visits["/lint"].text("health-score") == f"{lint['health_score']}/100"
    value, _ = formats(served)
    for pilot in served.json("/api/pilots")["pilots"]:
        result = pilot["result"]
        effect = crawl.visits["/pilots"].text(f"pilot-{result['tactic']}-effect")
        assert effect == value(result["metric"], result["effect"])
    for node in served.json("/api/strategy-map")["nodes"]:
        status = crawl.visits["/strategy-map"].text(f"node-{node['id']}-status")
        assert status == (node["status_label"] or "no data yet")


# --- Clicking through -----------------------------------------------------------------


def test_the_navigation_reaches_every_page(tab: tuple[Any, Recorder], served: Served) -> None:
    page, recorder = tab
    origin = served.base_url
    page.goto(f"{origin}/")
    nav = page.get_by_role("navigation", name="Dashboard")
    for href, label in NAV:
        nav.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"{origin}{href}")
        assert recorder.statuses[f"{origin}{href}"] == 200, href
        assert nav.locator('a[aria-current="page"]').get_attribute("href") == href
        assert page.locator("h1").first.is_visible()
    page.get_by_role("link", name="outcomes", exact=True).click()
    page.wait_for_url(f"{origin}/")
    recorder.assert_clean()


def test_every_attention_link_leads_to_its_page(tab: tuple[Any, Recorder], served: Served) -> None:
    page, recorder = tab
    origin = served.base_url
    api = served.json("/api/overview")
    page.goto(f"{origin}/")
    for number_, item in enumerate(api["top_attention"], start=1):
        page.locator(f'[data-testid="attention-{number_}"] a').click()
        page.wait_for_url(f"{origin}{item['link']}")
        page.go_back()
        page.wait_for_url(f"{origin}/")
    more = api["attention"][len(api["top_attention"]) :]
    assert len(more) == api["more_attention"]
    if more:
        details = page.locator("details.more")
        details.locator("summary").click()
        items = details.locator("ol.attention > li")
        assert items.count() == len(more)
        for index, item in enumerate(more):
            link = items.nth(index).locator("a")
            assert link.is_visible() and link.get_attribute("href") == item["link"]
        items.first.locator("a").click()
        page.wait_for_url(f"{origin}{more[0]['link']}")
    recorder.assert_clean()


def test_a_goal_leads_to_its_tactics(tab: tuple[Any, Recorder], served: Served) -> None:
    page, recorder = tab
    origin = served.base_url
    _, currency = formats(served)
    goal = next(
        g
        for g in goal_ids(served)
        if any(s["tactics"] for s in served.json(f"/api/goals/{g}")["strategies"])
    )
    page.goto(f"{origin}/goals")
    page.locator(f'main a[href="/goals/{goal}"]').first.click()
    page.wait_for_url(f"{origin}/goals/{goal}")
    api = served.json(f"/api/goals/{goal}")
    tactic = next(t for s in api["strategies"] for t in s["tactics"])["id"]
    page.locator(f'main a[href="/tactics/{tactic}"]').first.click()
    page.wait_for_url(f"{origin}/tactics/{tactic}")
    roi = served.json(f"/api/tactics/{tactic}")["tactic"]["roi"]
    assert page.get_by_test_id(f"tactic-{tactic}-roi").inner_text() == interval(roi and roi["roi"])
    if roi:
        revenue = page.get_by_test_id(f"tactic-{tactic}-revenue").inner_text()
        assert revenue == money(roi["revenue"]["value"], currency)
    # The breadcrumb leads back to the list.
    page.locator("p.crumbs a").click()
    page.wait_for_url(f"{origin}/tactics")
    recorder.assert_clean()


def credits_shown(page: Any) -> dict[str, tuple[str, str]]:
    """Each credited step's (conversions, value) as the explorer's table shows them."""
    found: dict[str, dict[str, str]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid^="credit-"]')]
            .map(e => [e.dataset.testid, e.textContent.trim()]))"""
    )
    steps = {k.removeprefix("credit-").rsplit("-", 1)[0] for k in found}
    return {s: (found[f"credit-{s}-conversions"], found[f"credit-{s}-value"]) for s in steps}


def expected_credits(api: dict[str, Any], currency: str) -> dict[str, tuple[str, str]]:
    return {
        c["step"]: (fixed(c["conversions"]), money(c["value"], currency)) for c in api["credits"]
    }


def test_the_attribution_explorer_form_changes_the_numbers(
    tab: tuple[Any, Recorder], served: Served, tmp_path: Path
) -> None:
    page, recorder = tab
    origin = served.base_url
    _, currency = formats(served)
    page.goto(f"{origin}/attribution")
    before = credits_shown(page)
    assert before == expected_credits(served.json("/api/attribution"), currency)
    for model, by, period in (("shapley", "channel", "plan"), ("last_touch", "tactic", "2026-Q2")):
        page.select_option("#model", model)
        page.select_option("#by", by)
        page.select_option("#period", period)
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(re.compile(re.escape(f"{origin}/attribution?") + ".*model=" + model))
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"model": [model], "by": [by], "period": [period]}
        api = served.json(f"/api/attribution?model={model}&by={by}&period={period}")
        after = credits_shown(page)
        assert after == expected_credits(api, currency)
        assert after != before, "the table did not change"
        total = page.get_by_test_id("attribution-total-value").inner_text()
        assert total == money(api["total_value"], currency)
        # The form keeps what was chosen.
        assert page.locator("#model").input_value() == model
        assert page.locator("#period").input_value() == period
        before = after
    shot = save_screenshot(page, tmp_path, "attribution-explorer-submitted.png")
    assert shot.stat().st_size > MIN_SCREENSHOT_BYTES
    recorder.assert_clean()
