"""Every page and its JSON twin on the demo company: answers, numbers, links, origins."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from outcomes.catalog.statuses import status_word
from outcomes.measure.roi_report import Estimate
from outcomes.measure.words import metric_value, roi_words
from tests.web.conftest import Page, Served

PAGES = (
    "/",
    "/goals",
    "/strategy-map",
    "/tactics",
    "/attribution",
    "/conversation",
    "/lint",
    "/sources",
    "/pilots",
    "/api",
)
API = (
    "/api/status",
    "/api/overview",
    "/api/goals",
    "/api/goals/{goal_id}",
    "/api/strategy-map",
    "/api/tactics",
    "/api/tactics/{tactic_id}",
    "/api/attribution",
    "/api/conversation",
    "/api/lint",
    "/api/sources",
    "/api/pilots",
    "/api/briefing",
)


def page(served: Served, path: str) -> Page:
    response = served.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def interval(value: dict[str, float] | None, kind: str | None = None) -> str:
    """The ROI as pages show it: its interval, or why there is none (the return's kind)."""
    return roi_words(None if value is None else Estimate(**value), kind)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_the_layout_with_its_as_of_date(served: Served, path: str) -> None:
    response = served.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<nav aria-label="Dashboard">' in html
    assert 'href="/static/dashboard.css"' in html
    as_of = served.json("/api/status")["as_of"]
    assert Page(html).testids["as-of"]["datetime"] == as_of
    through = served.json("/api/briefing")["data_through"]
    assert through and Page(html).testids["data-through"]["datetime"] == through
    assert "<script" not in html.lower()


def test_every_api_endpoint_answers_json_with_its_as_of_date(served: Served) -> None:
    goal = served.json("/api/goals")["goals"][0]["id"]
    tactic = served.json("/api/tactics")["tactics"][0]["id"]
    as_of = served.json("/api/status")["as_of"]
    for template in API:
        path = template.format(goal_id=goal, tactic_id=tactic)
        body = served.json(path)
        if path == "/api/status":
            assert body["ready"] is True and body["refreshing"] is False
        elif path == "/api/briefing":
            assert body["as_of"] == as_of and body["schema_version"] >= 1
        else:
            assert body["meta"]["as_of"] == as_of, path


def test_page_one_shows_the_apis_numbers(served: Served) -> None:
    api = served.json("/api/overview")
    html = page(served, "/")
    plan = served.dashboard.state.snapshot().briefing.plan  # type: ignore[union-attr]
    assert api["goals"], "the demo has goals"
    for goal in api["goals"]:
        testid = f"goal-{goal['id']}-actual"
        assert close(html.value(testid), goal["actual"])
        assert html.shown(testid) == metric_value(plan, goal["metric"], goal["actual"])
        assert html.shown(f"goal-{goal['id']}-status") == goal["status_label"]
        assert close(html.value(f"goal-{goal['id']}-target"), goal["target"])
        assert close(html.value(f"goal-{goal['id']}-forecast"), goal["forecast"])
    assert len(api["roi"]) == len(served.json("/api/tactics")["tactics"])
    for row in api["roi"]:
        roi = f"tactic-{row['id']}-roi"
        assert close(html.value(roi), row["roi"]["value"] if row["roi"] else None)
        assert html.shown(roi) == interval(row["roi"], row["return_kind"])
        # The return in the goal's own terms: money, goal units or none yet, as the API says.
        assert close(html.value(f"tactic-{row['id']}-return"), row["return_money"])
        assert close(html.value(f"tactic-{row['id']}-revenue"), row["revenue"]["value"])
        assert close(html.value(f"tactic-{row['id']}-cost"), row["cost"])
    assert close(html.value("roi-total-revenue"), api["roi_totals"]["revenue"])
    assert len(api["top_attention"]) == 3
    for number, item in enumerate(api["top_attention"], start=1):
        assert item["title"] in html.shown(f"attention-{number}")
        assert item["link"] in html.links
    assert "attention-4" not in html.testids
    for pilot in api["pilots"]:
        assert pilot["result"]["verdict"] in html.shown(
            f"pilot-{pilot['result']['tactic']}-verdict"
        )


def test_goal_pages_show_their_numbers_and_the_tactics_serving_them(served: Served) -> None:
    for goal in served.json("/api/goals")["goals"]:
        api = served.json(f"/api/goals/{goal['id']}")
        html = page(served, f"/goals/{goal['id']}")
        for field in ("actual", "expected", "target", "forecast"):
            assert close(html.value(f"goal-{goal['id']}-{field}"), api["goal"][field])
        assert html.shown(f"goal-{goal['id']}-status") == api["goal"]["status_label"]
        for strategy in api["strategies"]:
            for tactic in strategy["tactics"]:
                assert f"/tactics/{tactic['id']}" in html.links
                roi = tactic["roi"]["roi"] if tactic["roi"] else None
                assert close(html.value(f"tactic-{tactic['id']}-roi"), roi and roi["value"])
    served_by = served.json("/api/goals/new-logos")["strategies"]
    assert served_by and any(s["tactics"] for s in served_by)


def test_tactic_pages_show_roi_under_every_model_and_their_plan(served: Served) -> None:
    listing = page(served, "/tactics")
    for tactic in served.json("/api/tactics")["tactics"]:
        tid = tactic["id"]
        roi = tactic["roi"]["roi"] if tactic["roi"] else None
        assert close(listing.value(f"tactic-{tid}-roi"), roi and roi["value"])
        api = served.json(f"/api/tactics/{tid}")
        html = page(served, f"/tactics/{tid}")
        assert close(html.value(f"tactic-{tid}-roi"), roi and roi["value"])
        models = {r["model"] for r in api["roi_by_model"]}
        assert models == set(served.json("/api/briefing")["options"]["models"])
        for row in api["roi_by_model"]:
            testid = f"tactic-{tid}-roi-{row['model']}"
            assert html.shown(testid) == interval(row["roi"], row["return_kind"])
        for benchmark in api["benchmarks"]:
            assert close(html.value(f"benchmark-{benchmark['metric']}-target"), benchmark["target"])
            # Each benchmark's status in the one vocabulary: "no data yet", never "stale".
            word = html.shown(f"benchmark-{benchmark['metric']}-status")
            assert word == status_word(benchmark["status"]) and word != "stale"
        assert html.shown(f"tactic-{tid}-status") == api["tactic"]["status_label"]
        assert api["tactic"]["status_reason"] in html.shown(f"tactic-{tid}-status-reason")
        assert api["implementation"]["id"] == tid
        for operator in api["implementation"]["operators"]:
            assert operator["name"] in html.text_all
        if api["engagement"]:
            assert html.value("engagement-total") == api["engagement"]["total_engagement"]


@pytest.mark.parametrize(
    ("model", "by", "period"),
    [
        ("markov", "channel", "plan"),
        ("shapley", "tactic", "plan"),
        ("last_touch", "channel", "2026-Q2"),
    ],
)
def test_the_explorer_shows_the_apis_credit(
    served: Served, model: str, by: str, period: str
) -> None:
    query = f"?model={model}&by={by}&period={period}"
    api = served.json(f"/api/attribution{query}")
    html = page(served, f"/attribution{query}")
    assert (api["model"], api["by"], api["period"]) == (model, by, period)
    assert api["credits"], "the demo has converting journeys"
    for credit in api["credits"]:
        assert close(html.value(f"credit-{credit['step']}-value"), credit["value"])
        assert close(html.value(f"credit-{credit['step']}-conversions"), credit["conversions"])
    assert close(html.value("attribution-total-value"), api["total_value"])
    assert {"markov", "shapley", "last_touch", "first_touch", "linear"} <= set(api["models"])
    for row in api["comparison"]:
        for name in api["comparison_models"]:
            assert close(html.value(f"compare-{row['step']}-{name}"), row["value"][name])
    # The forms keep the chosen values selected.
    assert f'<option value="{model}" selected>' in served.get(f"/attribution{query}").text


def test_lists_show_the_apis_numbers(served: Served) -> None:
    sources = served.json("/api/sources")
    html = page(served, "/sources")
    assert sources["ingests"], "the demo loaded files"
    for ingest in sources["ingests"]:
        assert html.value(f"ingest-{ingest['id']}-loaded") == ingest["rows_loaded"]
        assert html.value(f"ingest-{ingest['id']}-rejected") == ingest["rows_rejected"]
    assert html.value("rejected-total") == sources["rejected_total"]
    assert html.value("rejected-shown") == sources["rejected_shown"] == len(sources["rejected"])
    assert close(html.value("unplanned-share"), sources["unplanned"]["share"])

    conversation = served.json("/api/conversation")
    html = page(served, "/conversation")
    for number, row in enumerate(conversation["rows"], start=1):
        assert close(html.value(f"conversation-{number}-response-rate"), row["response_rate"])
        assert html.value(f"conversation-{number}-own-posts") == row["own_posts"]
    assert conversation["by_tactic"] and conversation["responders"]
    for number, row in enumerate(conversation["by_tactic"], start=1):
        assert html.value(f"tactic-conversation-{number}-answered") == row["answered"]
        assert close(
            html.value(f"tactic-conversation-{number}-within"), row["answered_within_target"]
        )
    for number, row in enumerate(conversation["responders"], start=1):
        assert html.value(f"responder-{number}-answered-first") == row["answered_first"]
    lee = next(r for r in conversation["responders"] if r["person"] == "lee")
    assert lee["channel"] == "linkedin" and lee["answered_first"] > 0
    assert conversation["names"]["lee"] == "Lee Chen" and "Lee Chen" in html.text_all
    listening = served.json("/api/tactics/li-listen-respond")["own_conversation"]
    assert listening["target_minutes"] == 240 and 0 < listening["answered_within_target"] < 1
    tactic_page = page(served, "/tactics/li-listen-respond")
    logged = served.json("/api/tactics/li-listen-respond")["resources"]["logged_hours"]
    assert logged and tactic_page.value("tactic-logged-hours") == logged
    assert close(tactic_page.value("tactic-within-target"), listening["answered_within_target"])

    lint = served.json("/api/lint")
    assert page(served, "/lint").value("health-score") == lint["health_score"]

    pilots = served.json("/api/pilots")
    html = page(served, "/pilots")
    assert pilots["pilots"], "the demo runs a pilot"
    for pilot in pilots["pilots"]:
        result = pilot["result"]
        assert close(html.value(f"pilot-{result['tactic']}-effect"), result["effect"])
        assert html.shown(f"pilot-{result['tactic']}-verdict") == result["verdict"]

    nodes = served.json("/api/strategy-map")["nodes"]
    html = page(served, "/strategy-map")
    for node in nodes:
        assert html.shown(f"node-{node['id']}-status") == (node["status_label"] or "no data yet")


def crawl(served: Served) -> dict[str, str]:
    """Every page reachable from `/` by links, with its HTML; fails on any link that does not answer."""
    origin = served.base_url
    seen: dict[str, str] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        response = served.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        seen[path] = response.text
        if not response.headers["content-type"].startswith("text/html"):
            continue
        for link in (*Page(response.text).links, *Page(response.text).sources):
            if link.startswith("data:"):
                continue
            url = urlsplit(urljoin(origin + path, link))
            assert f"{url.scheme}://{url.netloc}" == origin, f"{path} links out to {link}"
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                queue.append(target)
    return seen


@pytest.fixture(scope="module")
def crawled(served: Served) -> dict[str, str]:
    return crawl(served)


def test_every_link_on_every_page_resolves_and_stays_on_the_app(
    served: Served, crawled: dict[str, str]
) -> None:
    pages = crawled
    for expected in (*PAGES, "/strategy-map.svg", "/static/dashboard.css", "/api/openapi.json"):
        assert expected in pages, f"no page links to {expected}"
    tactics = served.json("/api/tactics")["tactics"]
    assert all(t["link"] in pages for t in tactics)
    assert any(p.startswith("/attribution?model=") for p in pages)


def test_no_page_loads_anything_from_another_origin(
    served: Served, crawled: dict[str, str]
) -> None:
    pages = crawled
    for path, html in pages.items():
        lower = html.lower()
        assert "<script" not in lower, path
        assert "@import" not in lower, path
        parsed = Page(html) if "html" in lower[:200] else None
        if parsed is not None:
            for link in (*parsed.links, *parsed.sources):
                assert not link.startswith(("http://", "https://", "//")) or link.startswith(
                    served.base_url
                ), (path, link)
    css = pages["/static/dashboard.css"]
    assert "http" not in css and "url(" not in css
    openapi = pages["/api/openapi.json"]
    assert "cdn" not in openapi.lower()
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert served.get(path).status_code == 404


def test_the_openapi_document_lists_every_api_path(served: Served) -> None:
    openapi = served.json("/api/openapi.json")
    assert set(API) <= set(openapi["paths"])
    overview = openapi["paths"]["/api/overview"]["get"]["responses"]["200"]
    assert overview["content"]["application/json"]["schema"]["$ref"].endswith("/Overview")
    assert not any(not p.startswith("/api/") for p in openapi["paths"]), "pages are not API"
    listing = page(served, "/api")
    for path in API:
        assert path in listing.text_all
        if "{" not in path:
            assert path in listing.links


def test_unknown_ids_are_404_pages_and_json(served: Served) -> None:
    for path in ("/goals/no-such-goal", "/tactics/no-such-tactic", "/no/such/page"):
        response = served.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Traceback" not in response.text
        assert Page(response.text).shown("error-message").startswith("404")
    assert "no goal 'no-such-goal'" in Page(served.get("/goals/no-such-goal").text).text_all
    for path in ("/api/goals/no-such-goal", "/api/tactics/no-such-tactic", "/api/nothing"):
        response = served.get(path)
        assert response.status_code == 404
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("model=bogus", "unknown attribution model 'bogus'; valid: markov, shapley"),
        ("by=colour", "unknown step kind 'colour'; valid: channel, tactic"),
        ("period=2099-Q9", "unknown period '2099-Q9'; valid: plan, 2026-Q1"),
    ],
)
def test_bad_explorer_values_are_400_with_the_valid_ones(
    served: Served, query: str, message: str
) -> None:
    response = served.get(f"/api/attribution?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    response = served.get(f"/attribution?{query}")
    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert message in Page(response.text).shown("error-message")


def test_responses_forbid_scripts_and_frames(served: Served) -> None:
    for path in ("/", "/api/overview", "/strategy-map.svg", "/goals/no-such-goal"):
        policy = served.get(path).headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
    assert served.get("/strategy-map.svg").headers["content-type"].startswith("image/svg+xml")


def test_pages_only_read_the_snapshot_in_memory(served: Served) -> None:
    state = served.dashboard.state
    before = state.snapshot()
    assert before is not None
    for path in (*PAGES, "/goals/new-logos", "/tactics/fb-retarget", "/attribution?by=tactic"):
        served.get(path)
    status: dict[str, Any] = served.json("/api/status")
    assert state.snapshot() is before and not status["refreshing"]
    # Every chart the pages show was drawn while the snapshot was prepared.
    assert before.cached(("chart", "goals")) and before.cached(("chart", "roi"))
    assert "<svg" in served.get("/").text
