"""Check-ins over real HTTP: operators record them from the form, problems show inline,
accountable people and strategists read them; each is audit-logged and loaded into the
workspace's warehouse (a `checkin` ingest)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomes.web.store import Role
from outcomes.web.store.checkins import Checkins, week_of
from outcomes.workspace import Workspace
from tests.web.conftest import Page
from tests.web.test_team import Browser, Team, serve_team

pytestmark = pytest.mark.slow
THIS_WEEK = week_of(dt.datetime.now(dt.UTC).date())
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def team(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    users = [
        ("cy", Role.OPERATOR),
        ("dee", Role.OPERATOR),
        ("sam", Role.VIEWER),
        ("val", Role.VIEWER),
        ("sky", Role.STRATEGIST),
    ]
    with serve_team(demo_workspace, tmp_path_factory.mktemp("checkins"), users) as team:
        yield team


def check_in(browser: Browser, **fields: str) -> Page | int:
    form = {
        "tactic": "trade-show", "week": THIS_WEEK.isoformat(), "done": "Stand at LogiFair",
        "confidence": "7", "count-events_held": "1", "count-meetings_held": "12", **fields,
    }  # fmt: skip
    response = browser.post("/checkins", form, token_from="/signout")
    if response.status_code == 303:
        assert response.headers["location"] == "/checkins/trade-show"
        return 303
    assert response.status_code == 400, (response.status_code, response.text[:400])
    return Page(response.text)


def test_an_operator_checks_in_and_it_is_kept_logged_and_loaded(team: Team) -> None:
    cy = team.sign_in("cy")
    assert check_in(cy, blocker="Stand builder late") == 303
    page = Page(cy.http.get("/checkins/trade-show").text)
    row = page.shown(f"checkin-{THIS_WEEK.isoformat()}-cy")
    assert "Events held: 1; Meetings held: 12" in row and "Stand builder late" in row
    changed = {"confidence": "4", "blocker": "", "count-meetings_held": "14"}
    assert check_in(cy, **changed) == 303  # the same week: changed, not added
    [kept] = Checkins(team.store).of_tactic("trade-show")
    assert (kept.author, kept.confidence, kept.blocker, kept.counts) == (
        "cy", 4, None, {"events_held": 1, "meetings_held": 14},
    )  # fmt: skip
    actions = [(e.actor, e.action, e.subject) for e in team.store.events(limit=2)]
    assert actions == [("cy", "checkin.edit", "trade-show"), ("cy", "checkin.add", "trade-show")]
    loads = [h for h in Workspace.open(team.workspace).history() if h.source == "checkin"]
    assert [(h.loaded, h.updated) for h in loads] == [(0, 1), (2, 0)]
    again = Page(cy.http.get("/checkins/trade-show").text)
    assert again.testids["checkin-confidence"]["value"] == "4"  # the form shows this week's


@pytest.mark.parametrize(
    ("fields", "testid", "message"),
    [
        ({"confidence": "11"}, "error-confidence", "from 1 to 10, not 11"),
        ({"confidence": "high"}, "error-confidence", "a whole number, not 'high'"),
        ({"count-events_held": "-2"}, "error-events_held", "from 0 to 1,000,000, not -2"),
        ({"week": "2020-01-06"}, "error-week", "this week"),
        ({"tactic": "no-such-tactic"}, "error-tactic", "there is no tactic 'no-such-tactic'"),
    ],
)
def test_problems_are_shown_inline_and_what_was_typed_is_kept(
    team: Team, fields: dict[str, str], testid: str, message: str
) -> None:
    page = check_in(team.sign_in("dee"), done="Booked the " + SCRIPT, **fields)
    assert isinstance(page, Page)
    assert message in page.shown(testid)
    if "tactic" not in fields:
        assert page.text["checkin-done"] == "Booked the " + SCRIPT  # kept, as text
    assert Checkins(team.store).of_tactic("trade-show") == [] or all(
        c.author != "dee" for c in Checkins(team.store).of_tactic("trade-show")
    )


def test_script_typed_into_a_checkin_is_shown_as_text(team: Team) -> None:
    dee = team.sign_in("dee")
    assert check_in(dee, done=SCRIPT, blocker=SCRIPT) == 303
    for path in ("/checkins/trade-show", "/checkins"):
        text = dee.http.get(path).text
        assert SCRIPT not in text, path
        assert html.escape(SCRIPT, quote=False).replace("'", "&#39;") in text, path


def test_who_sees_and_who_records(team: Team) -> None:
    sam, val, sky = team.sign_in("sam"), team.sign_in("val"), team.sign_in("sky")
    assert sam.http.get("/checkins/trade-show").status_code == 200  # accountable for it
    assert "checkin-form" not in Page(sam.http.get("/checkins/trade-show").text).testids
    assert val.http.get("/checkins/trade-show").status_code == 403
    assert "overview-trade-show" not in Page(val.http.get("/checkins").text).testids
    refused = sam.post("/checkins", {"tactic": "trade-show"}, token_from="/signout")
    assert refused.status_code == 403
    no_token = sky.http.post("/checkins", data={"tactic": "trade-show", "confidence": "5"})
    assert no_token.status_code == 403
    overview = Page(sky.http.get("/checkins").text)
    assert (
        "overview-trade-show" in overview.testids
        and "overview-customer-newsletter" in overview.testids
    )
    assert sky.http.get("/checkins/no-such-tactic").status_code == 404
    tactic = Page(sky.http.get("/tactics/trade-show").text)  # the dashboard links to them
    assert tactic.testids["tactic-checkins-link"]["href"] == "/checkins/trade-show"


def test_the_overview_shows_who_checked_in_the_trend_and_open_blockers(team: Team) -> None:
    cy, dee = team.sign_in("cy"), team.sign_in("dee")
    assert check_in(cy, confidence="8", blocker="") == 303
    assert check_in(dee, confidence="5", blocker="No badge scanner") == 303
    page = Page(team.sign_in("sky").http.get("/checkins").text)
    assert page.shown("overview-trade-show").startswith("Exhibit at")
    assert "cy (8), dee (5)" in page.shown("overview-trade-show")
    assert page.shown("trend-trade-show").endswith("→ 6.5")
    assert "dee (week of" in page.shown("blockers") and "No badge scanner" in page.shown("blockers")
