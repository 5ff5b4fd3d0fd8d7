"""A careers tactic's engagement is judged on the hires it brought, never on sales alone.

Ledgerline's li-careers (tests/workspace/fixtures/fourthco) posts its open roles on
LinkedIn and serves a cost-per-hire goal; its ATS export records three hires whose source
names the tactic's campaign. ROI counted them (€12,000 from 3 hires × €4,000), yet main's
engagement test looked at sales only and called its 997 engagements "not tied to any
outcome", which page one then put among the decisions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outcomes.briefing import BriefingOptions
from outcomes.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "workspace" / "fixtures" / "fourthco"
FILES = {
    "linkedin": "exports/linkedin/ledgerline_content_1782777600000.csv",
    "csv": "exports/ats/hires-2026q2.csv",
}


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("hires") / "ledgerline"
    root.mkdir()
    for name in ("plan.yaml", "outcomes.toml", *FILES.values()):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / name, root / name)
    space = Workspace.open(root)
    for source, name in FILES.items():
        assert space.ingest([root / name], source=source).exit_code == 0
    return space


def test_engagement_of_a_careers_tactic_that_brought_hires_is_tied(space: Workspace) -> None:
    links = {link.tactic: link for link in space.scorecard().engagement}
    careers = links["li-careers"]
    # Hanna's five #hiring posts: 369 likes, 42 comments, 78 reposts, 508 clicks.
    assert careers.total_engagement == 997
    # C-1042, C-1057 and C-1071 came through the li-careers campaign; C-1080's LinkedIn
    # hire names no campaign and li-careers claims by campaign only.
    assert careers.hires == 3
    assert careers.tied
    assert (
        careers.verdict
        == "li-careers: 997 engagements; 0.0 sales credited by Markov, 3 hires claimed."
    )


def test_page_one_does_not_ask_to_act_on_a_careers_tactic_that_hires(space: Workspace) -> None:
    briefing = space.briefing(BriefingOptions(bootstrap=0))
    words = " ".join(item.title for item in briefing.attention)
    assert "li-careers: engagement tied to no outcome" not in words
