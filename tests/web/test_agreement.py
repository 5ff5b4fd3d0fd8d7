"""One answer to each question, whichever route asks it.

The demo's key numbers — ROI per tactic, the scorecard, unplanned activity — through the
command line's JSON, the library's face, the dashboard's API, the executive report and the
dashboard's pages, all measured with the same options: they must be the same numbers. ROI
per tactic must also be the same words on the terminal (`outcomes roi`, `outcomes status`),
in the report and on the dashboard, an interval of no width included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outcomes import Workspace
from outcomes.briefing import BriefingOptions
from outcomes.catalog.statuses import status_word
from outcomes.measure.roi_report import Estimate
from outcomes.measure.words import NO_INTERVAL, metric_interval, metric_value, roi_words
from outcomes.report.executive import render_html
from outcomes.web import create_app
from tests.web.conftest import Page, Served, copy_workspace, serve

# The Makefile's demo options: journeys from the web analytics, no lookback window.
OPTIONS = BriefingOptions(sources=("ga4",), lookback_days=None)
FLAGS = ("--touch-source", "ga4")
MIDYEAR = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def workspace(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_workspace(demo_workspace, tmp_path_factory.mktemp("agree") / "ws")


@pytest.fixture(scope="module")
def served(workspace: Path) -> Iterator[Served]:
    with serve(create_app(workspace, options=OPTIONS)) as running:
        running.wait_ready()
        yield running


def cli_json(workspace: Path, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "outcomes", *args, "-w", str(workspace), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def terminal(workspace: Path, *args: str) -> list[str]:
    """What a command prints on a wide terminal, line by line (no cell wraps)."""
    result = subprocess.run(
        [sys.executable, "-m", "outcomes", *args, "-w", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"COLUMNS": "250"},
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.splitlines()


def roi_cells(lines: list[str], tactic: str) -> list[str]:
    """The cells of a tactic's row in `outcomes roi` (columns two spaces apart or more)."""
    (line,) = [line for line in lines if line.startswith(f"t  {tactic} ")]
    return re.split(r"\s{2,}", line.strip())


def status_cells(lines: list[str], tactic: str) -> list[str]:
    """The cells of a tactic's row in the ROI table of `outcomes status`."""
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines]
    (row,) = [cells for cells in rows if cells and cells[0] == tactic]
    return row


def roi_words_of(document: dict[str, Any]) -> dict[str, str]:
    """Each tactic's ROI in words, from `outcomes roi`'s JSON."""
    return {
        r["id"]: roi_words(
            None if r["roi"] is None else Estimate(r["roi"], r["roi_low"], r["roi_high"]),
            r["return_kind"],
        )
        for r in document["rows"]
        if r["level"] == "tactic"
    }


def api_json(served: Served, path: str) -> Any:
    document = served.json(path)
    assert document.pop("invalid_values") == []
    return document


def test_roi_is_one_document_on_the_command_line_the_face_and_the_api(
    workspace: Path, served: Served
) -> None:
    on_cli = cli_json(workspace, "roi", *FLAGS, "--no-lookback")
    on_face = Workspace.open(workspace).roi(sources=["ga4"], lookback_days=None).to_json()
    on_api = api_json(served, "/api/roi")
    assert on_cli == json.loads(json.dumps(on_face)) == on_api
    assert on_cli["schema_version"] == 8
    tactics = {r["id"] for r in on_cli["rows"] if r["level"] == "tactic"}
    assert tactics and tactics == {t["id"] for t in served.json("/api/tactics")["tactics"]}


def test_page_one_is_one_document_on_the_command_line_the_face_and_the_api(
    workspace: Path, served: Served
) -> None:
    on_cli = cli_json(workspace, "status", *FLAGS, "--no-lookback")
    on_face = Workspace.open(workspace).overview(OPTIONS).model_dump(mode="json")
    on_api = api_json(served, "/api/overview")
    assert on_cli.pop("invalid_values") == on_face.pop("invalid_values") == []
    assert on_cli == on_face == on_api
    assert on_cli["schema_version"] == 4
    # The same measurement, not only the same numbers: one state, measured once.
    assert on_cli["meta"]["generated_at"] == served.json("/api/status")["generated_at"]
    assert {g["id"] for g in on_cli["goals"]} == {
        g["id"] for g in served.json("/api/goals")["goals"]
    }
    assert [r["id"] for r in on_cli["roi"]] == [
        t["id"] for t in served.json("/api/tactics")["tactics"] if t["roi"] is not None
    ]


def test_scorecard_and_unplanned_agree_on_the_command_line_and_the_api(
    workspace: Path, served: Served
) -> None:
    # `outcomes scorecard` has no lookback option: the scorecard does not depend on it, so
    # the briefing the dashboard measured (no lookback) answers it.
    assert cli_json(workspace, "scorecard", *FLAGS) == api_json(served, "/api/scorecard")
    assert cli_json(workspace, "unplanned") == api_json(served, "/api/unplanned")


def test_report_and_dashboard_show_the_roi_the_json_gives(workspace: Path, served: Served) -> None:
    on_cli = cli_json(workspace, "roi", *FLAGS, "--no-lookback", "--model", "markov")
    expected = roi_words_of(on_cli)
    briefing = Workspace.open(workspace).briefing(OPTIONS)
    report = Page(render_html(briefing))
    tactics_page = Page(served.get("/tactics").text)
    table = terminal(workspace, "roi", *FLAGS, "--no-lookback", "--model", "markov")
    status = terminal(workspace, "status", *FLAGS, "--no-lookback")
    for tactic, shown in expected.items():
        assert report.text[f"tactic-{tactic}-roi"] == shown, tactic
        assert Page(served.get(f"/tactics/{tactic}").text).text[f"tactic-{tactic}-roi"] == shown
        assert tactics_page.text[f"tactic-{tactic}-roi"] == shown, tactic
        assert shown in roi_cells(table, tactic), (tactic, shown)
        assert shown in status_cells(status, tactic), (tactic, shown)
    # x-support is judged by the support cost it saved: 873 tickets at the plan's €25.
    support = next(r for r in on_cli["rows"] if r["id"] == "x-support")
    assert support["return_kind"] == "money" and support["return"] == 21_825
    assert report.text["tactic-x-support-return"] == "€21,825"
    label = report.text["tactic-x-support-return-label"]
    assert label == "x-support: €21,825 from 873 support contacts saved × €25 (plan)"
    assert tactics_page.text["tactic-x-support-return"] == "€21,825"


def test_an_roi_interval_of_no_width_reads_the_same_everywhere_and_judges_nothing(
    workspace: Path, tmp_path: Path
) -> None:
    """Without a bootstrap every sales ROI is a point: "−100% (no interval)" on every route,
    never "(−100% to −100%)" on one and a blank on another, and no colour or "losing money"
    claims the certainty the missing interval does not give."""
    on_cli = cli_json(workspace, "roi", *FLAGS, "--no-lookback", "--model", "markov",
                      "--bootstrap", "0")  # fmt: skip
    expected = roi_words_of(on_cli)
    pointed = {tactic for tactic, shown in expected.items() if shown.endswith(f"({NO_INTERVAL})")}
    assert "fb-retarget" in pointed and expected["fb-retarget"] == f"-100% ({NO_INTERVAL})"
    table = terminal(workspace, "roi", *FLAGS, "--no-lookback", "--model", "markov",
                     "--bootstrap", "0")  # fmt: skip
    options = dataclasses.replace(OPTIONS, bootstrap=0)
    briefing = Workspace.open(workspace).briefing(options)
    report = Page(render_html(briefing))
    own = workspace  # its briefing for these options is kept: the server reads it
    with serve(create_app(own, options=options)) as running:
        running.wait_ready()
        pages = {t: Page(running.get(f"/tactics/{t}").text) for t in expected}
    for tactic, shown in expected.items():
        assert shown in roi_cells(table, tactic), (tactic, shown)
        assert report.text[f"tactic-{tactic}-roi"] == shown, tactic
        assert pages[tactic].text[f"tactic-{tactic}-roi"] == shown, tactic
    for tactic in pointed:
        assert "bad-text" not in report.testids[f"tactic-{tactic}-roi"]["class"], tactic
    losing = {a.subject for a in briefing.attention if a.kind == "losing-money"}
    assert not losing & pointed


def test_a_goal_forecast_interval_reads_the_same_everywhere(
    workspace: Path, tmp_path: Path
) -> None:
    # At the end of September: at the year's end a goal is final, with no interval beside it.
    flags = (*FLAGS, "--as-of", MIDYEAR.isoformat())
    options = dataclasses.replace(OPTIONS, as_of=MIDYEAR)
    card = cli_json(workspace, "scorecard", *flags)
    briefing = Workspace.open(workspace).briefing(options)
    expected = {
        g["id"]: metric_interval(briefing.plan, g["metric"], g["forecast_low"], g["forecast_high"])
        for g in card["goals"]
    }
    assert all(expected.values())  # the demo forecasts each goal with an interval
    report = Page(render_html(briefing))
    own = workspace  # its briefing for these options is kept: the server reads it
    with serve(create_app(own, options=options)) as served:
        served.wait_ready()
        goals_page = Page(served.get("/goals").text)
        goal_pages = {goal: Page(served.get(f"/goals/{goal}").text) for goal in expected}
    table = terminal(workspace, "scorecard", *flags)
    for goal, shown in expected.items():
        # The goal's row of the table (the lines after it give each status's reason).
        (row,) = [
            cells
            for cells in (re.split(r"\s{2,}", line.strip()) for line in table)
            if cells[0] == goal and len(cells) > 3
        ]
        if not shown:
            assert f"goal-{goal}-forecast-interval" not in report.text
            continue
        assert shown in row, (goal, shown)
        assert report.text[f"goal-{goal}-forecast-interval"] == shown, goal
        assert goals_page.text[f"goal-{goal}-forecast-interval"] == shown, goal
        assert goal_pages[goal].text[f"goal-{goal}-forecast-interval"] == shown, goal
    # What needs a decision says it in the same words and unit as the goal's page.
    goals = {g["id"]: g for g in card["goals"]}
    behind = [a for a in briefing.attention if a.kind in ("off-track-goal", "missed-goal")]
    assert behind
    for item in behind:
        goal = goals[item.subject]
        actual = metric_value(briefing.plan, goal["metric"], goal["actual"])
        if item.kind == "missed-goal":
            reason = goal["reason"]
            assert item.detail.startswith(f"{reason[0].upper()}{reason[1:]}."), item.detail
            assert f"ended at {actual}," in item.detail, item.detail
            continue
        assert item.detail.startswith(f"{actual} against "), item.detail
        assert f"(90%: {expected[item.subject]})" in item.detail, item.detail


def test_the_total_roi_is_on_the_tactics_with_a_return_in_money_on_every_route(
    workspace: Path, served: Served
) -> None:
    """li-listen-respond has no return measured yet, so no ROI of its own: its cost is not
    a loss in the total either, and the report and the dashboard say what the total is on,
    in the same words."""
    rows = [
        r
        for r in cli_json(workspace, "roi", *FLAGS, "--no-lookback", "--model", "markov")["rows"]
        if r["level"] == "tactic"
    ]
    priced = [r for r in rows if r["return_kind"] == "money"]
    cost = sum(r["cost"] for r in priced)
    ends = [sum(r[key] for r in priced) for key in ("return", "return_low", "return_high")]
    expected = roi_words(Estimate(*((end - cost) / cost for end in ends)))
    left_out = [r["id"] for r in rows if r["return_kind"] != "money" and r["cost"] > 0]
    assert left_out == ["li-listen-respond"]
    report = Page(render_html(Workspace.open(workspace).briefing(OPTIONS)))
    overview = Page(served.get("/").text)
    for page in (report, overview):
        assert page.text["roi-total-roi"] == expected
        note = page.text["roi-total-note"]
        assert note.startswith("The total ROI is on the tactics whose return is in money: ")
        assert "li-listen-respond (€12,162 of cost) has no return in money measured yet" in note
    assert report.text["roi-total-note"] == overview.text["roi-total-note"]


def test_a_goal_status_and_its_reason_read_the_same_everywhere(
    workspace: Path, served: Served
) -> None:
    """The status of each goal comes with the one sentence that says why (a period that is
    over, an interval that straddles the line): the JSON, the API, the report, the
    dashboard's pages and `outcomes scorecard` give the same words."""
    card = cli_json(workspace, "scorecard", *FLAGS)
    expected = {g["id"]: (status_word(g["status"]), g["reason"]) for g in card["goals"]}
    assert all(reason for _, reason in expected.values())
    on_api = {
        g["id"]: (g["status_label"], g["status_reason"])
        for g in api_json(served, "/api/goals")["goals"]
    }
    assert on_api == expected
    report = Page(render_html(Workspace.open(workspace).briefing(OPTIONS)))
    pages = [report, Page(served.get("/").text), Page(served.get("/goals").text)]
    table = [" ".join(line.split()) for line in terminal(workspace, "scorecard", *FLAGS)]
    for goal, (word, reason) in expected.items():
        for page in [*pages, Page(served.get(f"/goals/{goal}").text)]:
            assert page.shown(f"goal-{goal}-status") == word, goal
            assert page.shown(f"goal-{goal}-status-reason") == reason, goal
        assert f"{goal} {word}: {reason}" in table, goal


def test_the_interval_level_is_the_one_measured(workspace: Path, tmp_path: Path) -> None:
    """ROI measured at 80% says 80% in the report's and the dashboard's headers."""
    options = dataclasses.replace(OPTIONS, confidence=0.8)
    html = render_html(Workspace.open(workspace).briefing(options))
    assert "ROI (80% interval)" in html and "ROI (90% interval)" not in html
    own = workspace  # its briefing for these options is kept: the server reads it
    with serve(create_app(own, options=options)) as running:
        running.wait_ready()
        overview, tactics = running.get("/").text, running.get("/tactics").text
        goal = running.get("/goals/new-logos").text
    assert "ROI (80% interval)" in overview and "ROI (90% interval)" not in overview
    assert "ROI per tactic with its 80% interval." in overview
    assert "ROI (markov, 80%)" in tactics and "ROI per tactic with its 80% interval." in tactics
    # The goals' forecast intervals are measured at 90% whatever the ROI's level (in
    # September: at the year's end a goal is final, with no interval).
    assert "ROI (80% interval)" in goal
    midyear = dataclasses.replace(options, as_of=MIDYEAR)
    with serve(create_app(own, options=midyear)) as running:
        running.wait_ready()
        assert "(90%: " in running.get("/goals/new-logos").text
