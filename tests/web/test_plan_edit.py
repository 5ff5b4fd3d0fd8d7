"""Editing the plan in the browser and executive sign-off, over real HTTP on the demo.

A strategist edits through server-rendered forms (no script): load problems block the
save and stand beside their fields with the file's line and column; new lint findings
stand beside theirs until fixed or saved anyway; each save is a revision written to
plan.yaml with its comments kept; a form from an outdated revision is refused with the
diff; a goal's sponsor approves a revision and the dashboard shows it and what changed.
"""

from __future__ import annotations

import difflib
import html
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from outcomes.plan import load_plan
from outcomes.web.store import Role
from tests.web.test_team import Browser, Team, serve_team

pytestmark = pytest.mark.slow
BASE = re.compile(r'name="base" value="(\d+)"')
TACTIC = "/plan/edit/tactics/trade-show"


@pytest.fixture(scope="module")
def team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    users = [
        ("strat", Role.STRATEGIST),
        ("viewer", Role.VIEWER),
        ("operator", Role.OPERATOR),
        ("dana", Role.VIEWER),
    ]
    with serve_team(demo_workspace, tmp_path_factory.mktemp("edit"), users) as team:
        yield team


def _plan_text(team: Team) -> str:
    return (team.workspace / "plan.yaml").read_text(encoding="utf-8")


def _form(browser: Browser, path: str) -> tuple[str, str]:
    """The CSRF token and base revision of the form at `path`."""
    page = browser.http.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:300])
    found = BASE.search(page.text)
    assert found, f"no base revision on {path}"
    return browser.csrf(path), found.group(1)


def _save(browser: Browser, path: str, fields: dict[str, str], **extra: str) -> httpx.Response:
    token, base = _form(browser, path)
    page = browser.http.get(path).text
    current = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input id="f-[^"]+" name="([^"]+)" value="([^"]*)"', page)
    }
    form = {**current, **fields, "csrf_token": token, "base": extra.pop("base", base), **extra}
    return browser.http.post(path, data=form)


def _wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _note(page: str, field: str) -> str:
    found = re.search(rf'data-testid="note-{re.escape(field)}">(.*?)</span>', page, re.S)
    assert found, f"no note beside {field}"
    return html.unescape(found.group(1))


def test_only_strategists_and_admins_open_the_editor(team: Team) -> None:
    for name in ("viewer", "operator", "dana"):
        browser = team.sign_in(name)
        assert browser.http.get("/plan/edit").status_code == 403
        assert browser.http.get("/plan/revisions").status_code == 200
    editor = team.sign_in("strat").http.get("/plan/edit")
    assert editor.status_code == 200 and 'href="/plan/edit/tactics/trade-show"' in editor.text
    assert editor.headers["cache-control"] == "no-store"


def test_a_save_changes_only_its_lines_becomes_a_revision_and_the_dashboard_shows_it(
    team: Team,
) -> None:
    browser = team.sign_in("strat")
    before = _plan_text(team)
    saved = _save(
        browser, TACTIC, {"title": "Exhibit at LogiFair 2026", "message": "Name the fair"}
    )
    assert saved.status_code == 303, saved.text[:500]
    after = _plan_text(team)
    changed = [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]  # fmt: skip
    assert changed == [
        "-    title: Exhibit at the regional logistics fair and book meetings in advance through LinkedIn",
        "+    title: Exhibit at LogiFair 2026",
    ]
    revision = browser.http.get(saved.headers["location"])
    assert 'data-testid="revision-author">strat<' in revision.text
    assert "+    title: Exhibit at LogiFair 2026" in html.unescape(revision.text)
    event = team.store.events(action="plan.edit", limit=1)[0]
    assert (event.actor, event.detail["message"]) == ("strat", "Name the fair")
    # The dashboard measures the saved plan: its tactics page shows the new title.
    _wait_until(lambda: "Exhibit at LogiFair 2026" in browser.http.get("/tactics").text)


def test_a_load_problem_blocks_the_save_and_stands_beside_its_field(team: Team) -> None:
    browser = team.sign_in("strat")
    before = _plan_text(team)
    refused = _save(browser, TACTIC, {"start": "next spring"})
    assert refused.status_code == 400
    note = _note(refused.text, "start")
    assert re.match(r"plan\.yaml:\d+:\d+: ", note) and "date" in note
    assert 'aria-invalid="true"' in refused.text and 'value="next spring"' in refused.text
    assert _plan_text(team) == before


def test_a_new_lint_finding_is_shown_inline_then_fixed_or_saved_anyway(team: Team) -> None:
    browser = team.sign_in("strat")
    before = _plan_text(team)
    flagged = _save(browser, TACTIC, {"accountable": "sam, dana"})
    assert flagged.status_code == 200
    assert "accountable-not-one" in _note(flagged.text, "accountable")
    assert 'data-testid="save-anyway"' in flagged.text
    assert "+    accountable: [sam, dana]" in html.unescape(flagged.text)  # the would-be diff
    assert _plan_text(team) == before
    fixed = _save(
        browser, TACTIC, {"accountable": "sam", "cadence.count": "1", "cadence.per": "month"}
    )
    assert fixed.status_code == 303, fixed.text[:500]
    anyway = _save(browser, TACTIC, {"accountable": "sam, dana"}, save_anyway="1")
    assert anyway.status_code == 303
    assert "    accountable: [sam, dana]\n" in _plan_text(team)


def test_a_form_from_an_outdated_revision_is_refused_with_the_diff(team: Team) -> None:
    browser = team.sign_in("strat")
    token, base = _form(browser, TACTIC)
    plan = team.workspace / "plan.yaml"
    outside = _plan_text(team).replace("hourly_cost: 70", "hourly_cost: 72")
    plan.write_text(outside, encoding="utf-8")  # a git pull meanwhile
    refused = browser.http.post(
        TACTIC, data={"csrf_token": token, "base": base, "title": "Mine", "message": "x"}
    )
    assert refused.status_code == 409
    assert "+  hourly_cost: 72" in html.unescape(refused.text)
    assert _plan_text(team) == outside
    newest = team.store.events(action="plan.outside", limit=1)[0]
    assert newest.actor == "outside"


def test_people_are_added_and_a_person_others_refer_to_is_not_removed(team: Team) -> None:
    browser = team.sign_in("strat")
    added = _save(browser, "/plan/edit/people", {"id": "eve", "name": "Eve <b>Berg</b>"})
    assert added.status_code == 303, added.text[:500]
    assert "  - {id: eve, name: Eve <b>Berg</b>}\n" in _plan_text(team)
    listing = browser.http.get("/plan/edit").text
    assert "Eve &lt;b&gt;Berg&lt;/b&gt;" in listing and "<b>Berg" not in listing
    token, base = _form(browser, "/plan/edit/people/dee")
    refused = browser.http.post(
        "/plan/edit/people/dee/remove", data={"csrf_token": token, "base": base}
    )
    assert refused.status_code == 400 and "dee" in html.unescape(refused.text)
    token, base = _form(browser, "/plan/edit/people/eve")
    removed = browser.http.post(
        "/plan/edit/people/eve/remove", data={"csrf_token": token, "base": base}
    )
    assert removed.status_code == 303
    assert "id: eve" not in _plan_text(team)
    assert load_plan(team.workspace / "plan.yaml").plan.people[-1].id != "eve"


def test_a_form_without_its_csrf_token_is_refused(team: Team) -> None:
    browser = team.sign_in("strat")
    _, base = _form(browser, TACTIC)
    before = _plan_text(team)
    refused = browser.http.post(TACTIC, data={"base": base, "title": "No token"})
    assert refused.status_code == 403 and _plan_text(team) == before


def test_the_sponsor_approves_and_the_dashboard_marks_what_changed_since(team: Team) -> None:
    viewer = team.sign_in("viewer")
    revisions = viewer.http.get("/plan/revisions").text
    number = re.search(r'data-testid="revision-(\d+)"', revisions)
    assert number
    current = number.group(1)
    page = viewer.http.get(f"/plan/revisions/{current}")
    assert 'data-testid="approve-form"' not in page.text  # a viewer who sponsors nothing
    token = viewer.csrf("/signout")
    refused = viewer.http.post(f"/plan/revisions/{current}/approve", data={"csrf_token": token})
    assert refused.status_code == 403 and "sponsors no goal" in refused.text

    sponsor = team.sign_in("dana")
    assert 'data-testid="approve-form"' in sponsor.http.get(f"/plan/revisions/{current}").text
    token = sponsor.csrf(f"/plan/revisions/{current}")
    approved = sponsor.http.post(f"/plan/revisions/{current}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    overview = sponsor.http.get("/").text
    assert f"revision {current}</a> by <strong>Dana Ruiz</strong>" in overview
    assert "Nothing in the goals and tactics changed since" in overview
    assert team.store.events(action="plan.approve", limit=1)[0].actor == "dana"

    strategist = team.sign_in("strat")
    saved = _save(strategist, TACTIC, {"title": "Exhibit at LogiFair, after approval"})
    assert saved.status_code == 303
    _wait_until(lambda: 'data-testid="changed-trade-show"' in sponsor.http.get("/").text)
    tactics = sponsor.http.get("/tactics").text
    assert 'data-testid="changed-mark-trade-show"' in tactics
    assert 'data-testid="changed-mark-li-rep-insights"' not in tactics


def test_a_plan_file_gone_from_under_the_history_is_a_page_that_says_so(team: Team) -> None:
    viewer = team.sign_in("viewer")
    plan = team.workspace / "plan.yaml"
    kept = plan.with_name("plan.yaml.away")
    plan.rename(kept)
    try:
        for path in ("/plan/revisions", "/plan/revisions/1"):
            page = viewer.http.get(path)
            assert page.status_code == 503, (path, page.status_code)
            assert "cannot read the plan" in page.text and "plan.yaml" in page.text
            assert "Traceback" not in page.text
    finally:
        kept.rename(plan)
    assert viewer.http.get("/plan/revisions").status_code == 200
