"""Ad spend in another currency than the plan's is never summed as the plan's: it is left
out of every cost, the plan's estimate stands, and ROI's JSON, `outcomes roi` and the
briefing all say so, with the same sentence."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outcomes.briefing import BriefingOptions
from outcomes.cli import app
from outcomes.report.executive import render_html
from outcomes.workspace import Workspace
from tests.measure.crm_workspace import ad_tactic, build_workspace, paid_demand_plan, roi_json

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures"
META_REPORT = FIXTURES / "meta_ads" / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
LINKEDIN_REPORT = FIXTURES / "linkedin_ads" / "campaign_performance_report.csv"
META_CAMPAIGN = "NW | Retargeting | Pricing visitors"
META_SPEND = 102.00 + 98.75 + 110.25  # its three days in the report
LINKEDIN_CAMPAIGN = "NW - Ops leaders - Guides"
LINKEDIN_SPEND = 410.20 + 395.80 + 398.50
FB_BUDGET, LI_BUDGET = 1_200.0, 600.0
OPTIONS = BriefingOptions(bootstrap=0, lookback_days=None)
ADVICE = (
    "Export the ad account's report in EUR, or convert the amounts before loading; "
    "outcomes does not convert currencies."
)

PLAN = paid_demand_plan(
    ad_tactic(
        "fb-ads", "Retargeting ads for pricing visitors", "facebook", FB_BUDGET,
        ["csv", "hubspot", "meta-ads"], META_CAMPAIGN,
    ),
    ad_tactic(
        "li-ads", "Sponsored guides for operations leaders", "linkedin", LI_BUDGET,
        ["csv", "hubspot", "linkedin-ads"], LINKEDIN_CAMPAIGN,
    ),
)  # fmt: skip


def _exports() -> tuple[list[str], list[str]]:
    """Ten demos won through each tactic's ads, and a visit on the last day of the year
    (so that the costs are the whole year's: ROI cuts them at the last day of data)."""
    sessions, deals = [], []
    for n in range(10):
        when = dt.date(2026, 3, 1) + dt.timedelta(days=7 * n)
        for tactic, channel in (("fb-ads", "facebook"), ("li-ads", "linkedin")):
            contact = f"{tactic}-{n}"
            sessions.append(f"s-{contact},{contact},{when} 09:00,{channel},{tactic}")
            deals.append(
                f"d-{contact},Demo {contact},Closed Won,Sales,1000,{when},{when},{contact}"
            )
    sessions.append("s-last,someone,2026-12-31 09:00,website,")
    return sessions, deals


def workspace_with(root: Path, report: Path, text: str) -> Path:
    """The plan's workspace with its sessions and deals, then the ad report `text`
    (named as `report`) loaded as its connector reads it."""
    build_workspace(root, PLAN, *_exports())
    exported = root / "ads" / report.name
    exported.parent.mkdir()
    exported.write_text(text, encoding="utf-8")
    loaded = Workspace.open(root).ingest([exported])
    assert not loaded.unknown
    return root


def meta_report(currency: str) -> str:
    return META_REPORT.read_text(encoding="utf-8").replace("(EUR)", f"({currency})")


def linkedin_report(currency: str) -> str:
    return LINKEDIN_REPORT.read_text(encoding="utf-8").replace(",EUR,", f",{currency},")


def tactic_row(document: dict[str, Any], tactic: str) -> dict[str, Any]:
    return next(r for r in document["rows"] if r["level"] == "tactic" and r["id"] == tactic)


def test_meta_spend_in_usd_is_left_out_of_a_eur_plan_and_said_everywhere(
    tmp_path: Path,
) -> None:
    root = workspace_with(tmp_path, META_REPORT, meta_report("USD"))
    document = roi_json(root)

    fb = tactic_row(document, "fb-ads")
    assert fb["money"] == pytest.approx(FB_BUDGET)  # the plan's estimate, not 311 "euros"
    assert fb["cost"] == pytest.approx(FB_BUDGET)
    left_out = {item["tactic"]: item for item in document["foreign_spend"]}
    mine = left_out["fb-ads"]
    assert (mine["currency"], mine["plan_currency"], mine["part"]) == ("USD", "EUR", "money")
    assert mine["amount"] == pytest.approx(META_SPEND) and mine["lines"] == 3
    assert mine["claimed"] and mine["estimated"]
    assert mine["message"].startswith("fb-ads: 311.00 USD of money spend (3 lines) is in USD")
    assert mine["message"].endswith(ADVICE)
    # The campaign no tactic claims is in USD too: listed, counted nowhere either way.
    brand = left_out["NW | Brand video | Q1"]
    assert not brand["claimed"] and brand["lines"] == 3

    briefing = Workspace.open(root).briefing(OPTIONS)
    left_out_items = [a for a in briefing.attention if a.kind == "foreign-currency-spend"]
    (item,) = [a for a in left_out_items if a.severity == 3]  # the campaign no tactic claims: 1
    assert (item.subject, item.link) == ("fb-ads", "/tactics/fb-ads")
    assert item.detail == mine["message"]  # one sentence, whichever route asks
    assert item in briefing.top_attention
    assert briefing.roi.to_json()["foreign_spend"] == document["foreign_spend"]

    terminal = CliRunner().invoke(
        app, ["roi", "-w", str(root), "--model", "last_touch", "--bootstrap", "0"]
    )
    assert "Not counted: fb-ads: 311.00 USD" in " ".join(terminal.output.split())
    status = CliRunner().invoke(app, ["status", "-w", str(root), "--no-lookback"])
    assert status.exit_code == 1  # something on page one needs a decision
    assert "fb-ads: 311.00 USD of spend not counted" in " ".join(status.output.split())


def test_meta_spend_in_the_plans_currency_is_counted_as_before(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, META_REPORT, meta_report("EUR"))
    document = roi_json(root)
    assert tactic_row(document, "fb-ads")["money"] == pytest.approx(META_SPEND)
    assert document["foreign_spend"] == []
    briefing = Workspace.open(root).briefing(OPTIONS)
    assert not [a for a in briefing.attention if a.kind == "foreign-currency-spend"]


def test_linkedin_spend_in_usd_is_left_out_of_a_eur_plan(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, LINKEDIN_REPORT, linkedin_report("USD"))
    document = roi_json(root)
    assert tactic_row(document, "li-ads")["money"] == pytest.approx(LI_BUDGET)
    mine = next(item for item in document["foreign_spend"] if item["tactic"] == "li-ads")
    assert (mine["currency"], mine["lines"], mine["estimated"]) == ("USD", 3, True)
    assert mine["amount"] == pytest.approx(LINKEDIN_SPEND)
    briefing = Workspace.open(root).briefing(OPTIONS)
    items = [a for a in briefing.attention if a.kind == "foreign-currency-spend"]
    assert [a.detail for a in items if a.subject == "li-ads"] == [mine["message"]]


def test_linkedin_spend_in_the_plans_currency_is_counted_as_before(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, LINKEDIN_REPORT, linkedin_report("EUR"))
    document = roi_json(root)
    assert tactic_row(document, "li-ads")["money"] == pytest.approx(LINKEDIN_SPEND)
    assert document["foreign_spend"] == []


def scorecard_json(root: Path) -> dict[str, Any]:
    """`outcomes scorecard --format json`, as the command line writes it."""
    result = CliRunner().invoke(app, ["scorecard", "-w", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def test_usd_spend_after_the_roi_period_is_named_by_the_scorecard_on_every_route(
    tmp_path: Path,
) -> None:
    """The sales and visits end on 3 May, so ROI's period does; the ad report (its snapshots)
    runs the scorecard to 4 June. The USD spend of 2 to 4 June is left out of the
    scorecard's spent against planned, and ROI, whose period it is outside, cannot name it:
    the scorecard does, with one sentence on the terminal, in its JSON and as the briefing's
    item in the report and `outcomes status`."""
    sessions, deals = _exports()
    build_workspace(tmp_path, PLAN, [s for s in sessions if not s.startswith("s-last")], deals)
    june = meta_report("USD").replace("2026-03-0", "2026-06-0")
    exported = tmp_path / "ads" / META_REPORT.name
    exported.parent.mkdir()
    exported.write_text(june, encoding="utf-8")
    assert not Workspace.open(tmp_path).ingest([exported]).unknown

    assert roi_json(tmp_path)["foreign_spend"] == []  # outside the ROI period: not its to name
    card = scorecard_json(tmp_path)
    assert "foreign_spend" in card["sections"]
    spent = {r["tactic"]: r for r in card["resources"]}
    assert spent["fb-ads"]["spent_money"] is None  # the USD lines are not "spent" euros
    mine = next(item for item in card["foreign_spend"] if item["tactic"] == "fb-ads")
    assert (mine["currency"], mine["lines"], mine["left_out_of"]) == ("USD", 3, "spent")
    assert mine["amount"] == pytest.approx(META_SPEND)
    sentence = mine["message"]
    assert sentence.startswith("fb-ads: 311.00 USD of money spend (3 lines) is in USD")
    assert "spent to date against the plan shows none recorded" in sentence
    assert sentence.endswith(ADVICE)

    terminal = CliRunner().invoke(app, ["scorecard", "-w", str(tmp_path)])
    assert f"Not counted: {sentence}" in " ".join(terminal.output.split())
    briefing = Workspace.open(tmp_path).briefing(OPTIONS)
    (item,) = [a for a in briefing.attention if a.kind == "foreign-currency-spend"
               and a.subject == "fb-ads"]  # fmt: skip
    assert (item.severity, item.link, item.detail) == (3, "/tactics/fb-ads", sentence)
    assert item.title == "fb-ads: 311.00 USD of spend to date not counted against the plan"
    report = html.unescape(render_html(briefing))
    assert sentence in " ".join(report.split())
    status = CliRunner().invoke(app, ["status", "-w", str(tmp_path), "--no-lookback"])
    assert item.title in " ".join(status.output.split())
