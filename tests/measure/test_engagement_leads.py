"""A tactic judged on leads has its engagement judged on the leads it brought too.

Ledgerline's yt-demos (tests/workspace/fixtures/fourthco) films product demos on YouTube
for a revenue goal and is judged on `leads`; HubSpot's contacts export records two leads
whose first touch names its campaign. Its status read "on track on business outcomes:
leads 2", yet main's engagement test looked at sales only and called its 421 engagements
"tied to no outcome" on page one: two answers about one tactic.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outcomes.briefing import BriefingOptions
from outcomes.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "workspace" / "fixtures" / "fourthco"
FILES = {
    "youtube": "exports/youtube/Content 2026-04-01_2026-06-30 Ledgerline/Table data.csv",
    "hubspot": "exports/hubspot/contacts-2026-06-30.csv",
}


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("leads") / "ledgerline"
    root.mkdir()
    for name in ("plan.yaml", "outcomes.toml", *FILES.values()):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / name, root / name)
    space = Workspace.open(root)
    for source, name in FILES.items():
        assert space.ingest([root / name], source=source).exit_code == 0
    return space


def test_engagement_of_a_tactic_that_brought_leads_is_tied(space: Workspace) -> None:
    card = space.scorecard()
    demos = {link.tactic: link for link in card.engagement}["yt-demos"]
    assert demos.total_engagement == 421
    assert demos.pipeline == {"leads": 2.0}
    assert demos.tied
    assert demos.verdict == (
        "yt-demos: 421 engagements; 0.0 sales credited by Markov, 2 leads touched."
    )
    # The same two leads its status rests on: one answer about one tactic.
    status = {s.tactic: s for s in card.tactic_status}["yt-demos"]
    assert status.basis == "outcome" and "leads 2 " in status.reason


def test_page_one_does_not_call_a_tactic_with_leads_tied_to_nothing(space: Workspace) -> None:
    briefing = space.briefing(BriefingOptions(bootstrap=0))
    assert not any(item.subject == "yt-demos" for item in briefing.attention)
