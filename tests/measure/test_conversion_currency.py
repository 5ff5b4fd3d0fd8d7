"""A deal won in another currency than the plan's is never added as the plan's money.

Ledgerline (tests/workspace/fixtures/fourthco) plans in EUR; its HubSpot deals export
states each deal's Currency, and one deal of its US entity is "$9,500.00" in USD. Main
added it to revenue, to the pipeline a pilot compares and to the sales attribution
credits, as if it were €9,500: a goal's actual of €88,500 that looked right. The amount
is now left out of every sum and named beside the goal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outcomes.briefing import BriefingOptions
from outcomes.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "workspace" / "fixtures" / "fourthco"
HUBSPOT = ("exports/hubspot/deals-2026-06-30.csv", "exports/hubspot/contacts-2026-06-30.csv")


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("currency") / "ledgerline"
    root.mkdir()
    shutil.copy(FIXTURE / "plan.yaml", root / "plan.yaml")
    for name in HUBSPOT:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / name, root / name)
    space = Workspace.open(root)
    for name in HUBSPOT:
        assert space.ingest([root / name], source="hubspot").exit_code == 0
    return space


def test_revenue_leaves_out_a_deal_won_in_another_currency_and_names_it(
    space: Workspace,
) -> None:
    [goal] = [g for g in space.scorecard().goals if g.goal == "new-business-revenue"]
    # Won in the quarter, New Business, in EUR: 14,000 + 8,000 + 24,000 + 21,000 + 12,000.
    assert goal.actual == pytest.approx(79_000.0)
    assert goal.left_out == (
        "leaves out 1 deal_won in USD (9,500): amounts in another currency than EUR are not added"
    )


def test_a_pilot_compares_pipeline_in_the_plan_currency_only(space: Workspace) -> None:
    [pilot] = space.scorecard().pilots
    # Per person per month: group 9,000 before and 22,000 after; control 7,166.67 before
    # and 49,000 / 6 after (Hugo's $9,500 deal is not EUR 9,500): 13,000 - 1,000.
    assert pilot.effect == pytest.approx(12_000.0)


def test_attribution_credits_no_revenue_for_a_sale_in_another_currency(
    space: Workspace,
) -> None:
    report = space.roi(models=("linear",), bootstrap=0)
    revenue = {r.id: r.revenue.value for r in report.rows if r.level == "tactic"}
    # li-page's only sale is the USD deal; social selling's two EUR deals stand.
    assert revenue["li-page"] == 0
    assert revenue["li-social-selling"] == pytest.approx(45_000.0)


def test_the_briefing_paces_the_same_revenue(space: Workspace) -> None:
    briefing = space.briefing(BriefingOptions(bootstrap=0))
    [goal] = [g for g in briefing.scorecard.goals if g.goal == "new-business-revenue"]
    assert goal.actual == pytest.approx(79_000.0)


def test_the_report_says_what_the_actual_leaves_out(space: Workspace, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from outcomes.cli import app

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "-o", str(out), "-w", str(space.root)])
    assert result.exit_code == 0, result.output
    assert "The actual leaves out 1 deal_won in USD (9,500)" in out.read_text()
