"""An eighth company, written from the docs alone, built from its own export files.

Corliss Valve & Pump (`fixtures/eighthco/`) is a B2B maker of industrial valves and pumps,
in US dollars, over the autumn of 2026. Its social programme starts as a pilot in one
regional sales team (the Midwest reps sell on LinkedIn; the Southeast reps are the
control), with support answered in public (Mastodon, YouTube how-tos) and product ideas
listened for. Its plan was written from docs/plan-format.md and docs/ only, and its
exports in the formats docs/sources.md documents (provenance and the truth in
`fixtures/eighthco/README.md`): HubSpot deals as .xlsx exported twice (16 and 30
November), HubSpot contacts, Mastodon API JSON, a YouTube Studio export in UTF-16 with
tabs, Meta Business Suite posts, aggregated journeys, weekly check-ins, and three mapped
CSVs (finance's support cost saved in cp1252 with a total row, the help desk's tickets by
month dated month first, tickets resolved in public).

The workspace is built with one `outcomes ingest --auto` of the exports folder, as a
user loads a folder; every figure below was worked out by hand from the rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.workspace.companies import COUNTS, cli, report_json, tactic_row

FIXTURE = Path(__file__).parent / "fixtures" / "eighthco"
DEALS = "exports/hubspot/hubspot-crm-exports-all-deals-2026-11"

LOADS: dict[str, tuple[int, int, int, int, int, int]] = {
    # read, loaded, updated, unchanged, rejected, ignored
    # 45 contacts: each a first touch and a lead, 21 of them customers.
    "exports/hubspot/hubspot-crm-exports-all-contacts-2026-11-30.xlsx": (111, 111, 0, 0, 0, 0),
    # 42 deals: each its creation, and 29 closed by 16 November.
    f"{DEALS}-16.xlsx": (71, 71, 0, 0, 0, 0),
    # A deal created since and 3 closed since (4); 2 stages and 1 corrected amount.
    f"{DEALS}-30.xlsx": (75, 4, 3, 68, 0, 0),
    # cp1252 (read by the mapping's `encoding`): 6 months and the Total row.
    "exports/finance/support-cost-by-month.csv": (7, 6, 0, 0, 0, 1),
    "exports/helpdesk/tickets-created-by-month.csv": (6, 6, 0, 0, 0, 0),
    "exports/helpdesk/resolved-in-public-2026-11-30.csv": (10, 10, 0, 0, 0, 0),
    # 8 mentions, and 11 favourites and follows counted into 9 day figures.
    "exports/mastodon/corliss-api-2026-11-30/notifications.json": (19, 17, 0, 0, 0, 2),
    "exports/mastodon/corliss-api-2026-11-30/statuses.json": (8, 8, 0, 0, 0, 0),
    # 7 rows, "linkedin>website" repeating "linkedin > website": summed into it.
    "exports/paths/journeys-2026-09-01_2026-11-30.csv": (7, 6, 0, 0, 0, 1),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eighthco") / "corliss"
    shutil.copytree(FIXTURE, root)
    result = cli(root, "ingest", "--auto", str(root / "exports"), "--format", "json")
    assert result.exit_code == 0, result.output
    summaries = {
        Path(s["file"]).resolve().relative_to(root.resolve()).as_posix(): s
        for s in json.loads(result.stdout)
    }
    loads = {file: tuple(s[count] for count in COUNTS) for file, s in summaries.items()}
    for file, counts in LOADS.items():
        assert loads[file] == counts, (file, summaries[file])
    assert len(loads) == 15  # 4 check-ins, a YouTube table and a Meta export besides
    return root


@pytest.fixture(scope="module")
def card(workspace: Path) -> dict[str, Any]:
    return report_json(workspace, "scorecard", 1)  # exit 1: goals at risk


def goal(card: dict[str, Any], goal_id: str) -> dict[str, Any]:
    [found] = [g for g in card["goals"] if g["id"] == goal_id]
    return found


def benchmark(card: dict[str, Any], tactic: str, metric: str) -> Any:
    [found] = [b for b in card["tactics"] if (b["tactic"], b["metric"]) == (tactic, metric)]
    return found["actual"]


def test_the_goals_are_the_planted_totals(card: dict[str, Any]) -> None:
    # 13 deals won from 1 September to 30 November; support cost September to November.
    assert goal(card, "new-revenue")["actual"] == 378_000
    assert goal(card, "support-cost")["actual"] == 7_920 + 7_560 + 7_230
    # Ideas accepted are counted week by week in check-ins: 1 + 2 + 1, not the last week's.
    ideas = goal(card, "product-feedback")
    assert (ideas["kind"], ideas["actual"], ideas["status"]) == ("flow", 4, "at_risk")


def test_the_pilot_teams_deals_and_the_answers_in_public(card: dict[str, Any]) -> None:
    assert benchmark(card, "midwest-social-selling", "opportunities") == 6
    assert benchmark(card, "midwest-social-selling", "net_new_customers") == 4
    assert benchmark(card, "fabtech-booth", "leads") == 3
    # 4 of 5 questions answered, in 90, 90, 360 and 45 business minutes.
    assert benchmark(card, "mastodon-answers", "response_rate") == pytest.approx(0.8)
    assert benchmark(card, "mastodon-answers", "first_response_business_minutes") == 90
    assert benchmark(card, "mastodon-answers", "support_tickets_deflected") == 5
    assert benchmark(card, "howto-videos", "support_tickets_deflected") == 5


def test_the_pilot_is_judged_against_the_control_with_its_interval(
    card: dict[str, Any],
) -> None:
    [pilot] = card["pilots"]
    # Per person and month: Midwest 31,917 → 54,500, Southeast 32,167 → 35,667.
    assert pilot["effect"] == pytest.approx(19_083.33, abs=0.01)
    assert 0 < pilot["low"] < pilot["effect"] < pilot["high"]
    assert "they do not prove it yet" in pilot["verdict"]


def test_returns_in_each_goals_terms(workspace: Path) -> None:
    roi = report_json(workspace, "roi", 0)
    assert tactic_row(roi, "midwest-social-selling")["revenue"] == pytest.approx(104_000)
    assert tactic_row(roi, "fabtech-booth")["revenue"] == pytest.approx(31_000)
    # $30 a ticket: September's and October's cost over their tickets (dated the 1st).
    answers = tactic_row(roi, "mastodon-answers")
    assert (answers["return_kind"], answers["return"]) == ("money", pytest.approx(150))


def test_a_crm_export_given_as_paths_is_one_line(workspace: Path) -> None:
    result = cli(workspace, "attribute", "--paths", str(workspace / f"{DEALS}-30.xlsx"))
    assert result.exit_code == 2
    assert "no header row with the columns 'path', 'total_conversions'" in result.output
