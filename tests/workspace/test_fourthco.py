"""A fourth company, written from the docs alone, built from its own export files.

Ledgerline (`fixtures/fourthco/`) sells accounts-payable software to finance teams. Social
serves more than marketing there: a social-selling pilot in one sales team (Ella and Finn
against Gus and Hugo), support and product ideas on Mastodon, careers posts on LinkedIn,
and some LinkedIn Ads and YouTube. Its goals are business metrics: revenue from new
customers, revenue retention, support cost per ticket and cost per hire. The plan was
written from docs/plan-format.md and the README only, and its exports by hand in the
formats docs/sources.md documents, with what real exports do: a Campaign Manager report
downloaded again with two days' spend revised and a day of blank clicks, a HubSpot deal of
the US entity in USD, deals in a custom "Security review" stage, a YouTube video with no
publish time, a help desk's semicolon CSV with day-first dates and a merged ticket written
twice, and an ATS export whose hires name their source campaign.

The workspace is built as a user builds it, `outcomes ingest` per file, and every figure
below was worked out by hand from the rows: so the product keeps giving the right answer
for a plan its authors did not write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outcomes.report.executive import render_html
from outcomes.web import create_app
from outcomes.workspace import Workspace
from tests.web.conftest import Page, serve
from tests.workspace.companies import Ingest, build_workspace, cli, report_json, tactic_row

FIXTURE = Path(__file__).parent / "fixtures" / "fourthco"
ADS = "exports/linkedin-ads/campaign_performance_report_2026-04-06_2026-04-19"
YOUTUBE = "exports/youtube/Content 2026-04-01_2026-06-30 Ledgerline/Table data.csv"

# (source, file, read, loaded, updated, unchanged, rejected, ignored), in the order loaded.
INGESTS: list[Ingest] = [
    # 21 deals: each its opportunity, 11 won and 4 lost besides.
    ("hubspot", "exports/hubspot/deals-2026-06-30.csv", 36, 36, 0, 0, 0, 0),
    # 24 contacts: a first touch and a lead each, and 9 customers.
    ("hubspot", "exports/hubspot/contacts-2026-06-30.csv", 57, 57, 0, 0, 0, 0),
    # 26 campaign days x (spend, impressions, clicks, conversions, leads, reach), less
    # 11 April's blank clicks and conversions; the totals row ignored.
    ("linkedin-ads", f"{ADS}.csv", 155, 154, 0, 0, 0, 1),
    # Downloaded again: 8 April's spend 391.70 -> 402.50, 15 April's 395.00 -> 388.20.
    ("linkedin-ads", f"{ADS} (1).csv", 155, 0, 2, 152, 0, 1),
    ("linkedin", "exports/linkedin/ledgerline_content_1782777600000.csv", 16, 16, 0, 0, 0, 0),
    # 5 videos (an activity and 5 snapshots each) and the unlisted one's 10 numbers.
    ("youtube", YOUTUBE, 41, 40, 0, 0, 0, 1),
    # 3 posts and 11 replies.
    ("mastodon", "exports/mastodon/statuses.json", 14, 14, 0, 0, 0, 0),
    # 14 mentions, and 3 favourites on two days inside the file's span: 2 figures, the
    # second favourite of a day counted in its day's figure (ignored, accounted for).
    ("mastodon", "exports/mastodon/notifications.json", 17, 16, 0, 0, 0, 1),
    ("csv", "exports/helpdesk/deflected-2026q2.csv", 12, 11, 0, 0, 0, 1),
    ("csv", "exports/ats/hires-2026q2.csv", 6, 6, 0, 0, 0, 0),
    ("csv", "exports/finance/retention-by-month.csv", 4, 4, 0, 0, 0, 0),
    ("csv", "exports/finance/cost-per-ticket-by-month.csv", 4, 4, 0, 0, 0, 0),
    ("csv", "exports/talent/cost-per-hire-by-month.csv", 4, 4, 0, 0, 0, 0),
]

# Hours a week x EUR 60 an hour from 1 April to 24 June (85 days, the data's last day);
# tools and budgets pro-rated over the 91 days of the tactics; recorded ad spend (the
# re-download's) replaces a budget.
WEEKS, SHARE = 85 / 7, 85 / 91
GUIDE_SPEND = 5653.55
CAREERS_SPEND = 759.50
COSTS = {
    "li-social-selling": 6 * 60 * WEEKS + 1200 * SHARE,
    "li-ads": 2 * 60 * WEEKS + GUIDE_SPEND,
    "li-page": 4 * 60 * WEEKS,
    "yt-demos": 3 * 60 * WEEKS + 1500 * SHARE,
    "masto-support": 6 * 60 * WEEKS,
    "masto-ideas": 1 * 60 * WEEKS,
    "li-careers": 3 * 60 * WEEKS + CAREERS_SPEND,
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ledgerline's workspace, every export ingested by the CLI, one file at a time."""
    return build_workspace(tmp_path_factory, FIXTURE, "ledgerline", INGESTS)


@pytest.fixture(scope="module")
def roi(workspace: Path) -> dict[str, Any]:
    return report_json(workspace, "roi", exit_code=0)


@pytest.fixture(scope="module")
def scorecard(workspace: Path) -> dict[str, Any]:
    # Three goals missed their targets.
    return report_json(workspace, "scorecard", exit_code=1)


def test_the_custom_stage_is_loaded_as_open_and_said(workspace: Path) -> None:
    again = cli(workspace, "ingest", "hubspot", str(workspace / INGESTS[0][1]), "--format", "json")
    [summary] = json.loads(again.stdout)
    assert summary["already_loaded"] and summary["loaded"] == 0
    [notice] = summary["notices"]
    assert "'Security review' (2)" in notice


def test_goals_are_measured_from_the_rows(scorecard: dict[str, Any]) -> None:
    goals = {g["id"]: g for g in scorecard["goals"]}
    # New Business deals won from 1 April: Elm Health 14,000, Harbor Dental 8,000,
    # Ironbark 24,000, Juniper 21,000, Northgate 12,000. Quarry Tools' $9,500 is USD: it
    # is named, never added as euros. Renewals are another pipeline.
    revenue = goals["new-business-revenue"]
    # The finance and talent figures are dated 30 June, the due date, but the deals (and
    # every conversion and touchpoint) run only to 24 June: six days of the quarter are
    # unknown, so the revenue is forecast at 24 June, not declared missed. €79,000 in 85 of
    # 91 days runs at €84,576, and five deals leave its interval wide.
    assert (revenue["actual"], revenue["status"]) == (79_000.0, "at_risk")
    assert (revenue["as_of"], revenue["reference"]) == ("2026-06-24", "2026-06-30")
    assert revenue["elapsed"] == pytest.approx(85 / 91)
    assert revenue["reason"] == (
        "the conversions and touchpoints run to 2026-06-24, 6 days before the due date "
        "2026-06-30: the forecast €84,576 (90%: €22,356 to €146,797) is short of the "
        "threshold €90,000 but better than the baseline €60,000"
    )
    assert revenue["left_out"] == (
        "leaves out 1 deal_won in USD (9,500): amounts in another currency than EUR are not added"
    )
    # June's figures from the finance and talent exports, dated the due date: past each
    # threshold, short of each target, at the end of the quarter: final.
    expected = {"keep-customers": 89.6, "cheaper-tickets": 21.4, "cheaper-hires": 4700.0}
    for goal, actual in expected.items():
        assert (goals[goal]["actual"], goals[goal]["status"]) == (actual, "missed"), goal


def test_revenue_and_cost_per_tactic_worked_out_by_hand(roi: dict[str, Any]) -> None:
    assert roi["period"] == {"start": "2026-04-01", "end": "2026-06-24"}
    # Ironbark and Juniper came through the reps' social-selling conversations, Northgate
    # through the AP guide ad; the page's only sale (Quarry Tools) is in USD.
    expected = {"li-social-selling": 45_000.0, "li-ads": 12_000.0, "li-page": 0.0}
    for tactic, revenue in expected.items():
        assert tactic_row(roi, tactic)["revenue"] == pytest.approx(revenue), tactic
    # Elm Health (organic search) and Harbor Dental (a partner's referral) are no tactic's.
    assert roi["unplanned_revenue"]["linear"]["value"] == pytest.approx(22_000.0)
    for tactic, cost in COSTS.items():
        assert tactic_row(roi, tactic)["cost"] == pytest.approx(cost), tactic
    [brand] = roi["unclaimed_spend"]
    assert (brand["tactic"], brand["amount"], brand["lines"]) == (
        "LL - Brand awareness - Q2", 750.0, 5
    )  # fmt: skip


def test_each_return_is_in_its_goals_terms(roi: dict[str, Any]) -> None:
    labels = {t: tactic_row(roi, t, "markov")["return_label"] for t in COSTS}
    # 10 questions answered on Mastodon saved a ticket each (the help desk's 11th is an
    # e-mail), at the plan's EUR 22 a ticket; 3 LinkedIn hires named li-careers.
    assert labels["masto-support"] == "€220 from 10 support contacts saved × €22 (plan)"
    assert labels["li-careers"] == "€12,000 from 3 hires × €4,000 (plan)"
    assert labels["li-social-selling"] == "€45,000 attributed sales"
    assert labels["masto-ideas"] == "no return measured yet"
    assert tactic_row(roi, "masto-ideas")["roi"] is None  # never -100% for a return not measured
    careers = tactic_row(roi, "li-careers")
    assert careers["roi"] == pytest.approx((12_000 - COSTS["li-careers"]) / COSTS["li-careers"])
    # The careers ads bought hires, not sales: no return on ad spend of 0 judges them.
    assert careers["roas"] is None
    assert tactic_row(roi, "li-ads")["roas"] == pytest.approx(12_000 / GUIDE_SPEND)


def test_listening_and_responding_are_read_as_the_rows_say(scorecard: dict[str, Any]) -> None:
    by_tactic = {c["tactic"]: c for c in scorecard["conversation_by_tactic"]}
    # 11 support questions, all but the UK IBAN one answered, after 30, 25, 3,800 (Friday
    # evening to Monday), 45, 45, 20, 20, 60, 15 and 60 minutes: 140, 0 and the rest as
    # they are in Amsterdam's business hours.
    support = by_tactic["masto-support"]
    assert (support["inbound"], support["answered"]) == (11, 10)
    assert support["median_first_response_minutes"] == pytest.approx(37.5)
    assert support["median_first_response_business_minutes"] == pytest.approx(27.5)
    # Three #LedgerlineIdeas mentions; the Peppol idea was answered.
    ideas = by_tactic["masto-ideas"]
    assert (ideas["inbound"], ideas["answered"]) == (3, 1)
    benchmarks = {(b["tactic"], b["metric"]): b for b in scorecard["tactics"]}
    assert benchmarks[("masto-support", "response_rate")]["actual"] == pytest.approx(10 / 11)
    # 27.5 business minutes against a target of 60, but the data runs to 24 June, six
    # days before the tactic's end: a median can still rise, so on track, not achieved.
    business = benchmarks[("masto-support", "first_response_business_minutes")]
    assert (business["status"], business["status_note"]) == (
        "on_track",
        "at its target before the tactic's end 2026-06-30: final only then",
    )
    # The five public videos' views; the unlisted recording's 300 are not a post's.
    assert benchmarks[("yt-demos", "views")]["actual"] == 6180


def test_the_pilot_and_the_tactics_are_judged_on_their_goals(scorecard: dict[str, Any]) -> None:
    [pilot] = scorecard["pilots"]
    # Pipeline created per person per month: group 9,000 before and 22,000 after, control
    # 7,166.67 before and 8,166.67 after (Hugo's USD deal left out): 13,000 - 1,000. Four
    # people cannot prove it by permutation.
    assert (pilot["group_before"], pilot["group_after"]) == (9_000.0, 22_000.0)
    assert pilot["control_after"] == pytest.approx(49_000 / 6)
    assert pilot["effect"] == pytest.approx(12_000.0)
    assert "does not show an effect either way yet" in pilot["verdict"]
    status = {t["tactic"]: t["status"] for t in scorecard["tactic_status"]}
    assert status["li-social-selling"] == "achieved"
    # 10 tickets deflected of the 12 targeted by 24 June, the day the conversions and
    # touchpoints reach: six days of the quarter are unknown, as for the revenue goal, so
    # 10 in 85 of 91 days is paced (10.7, past the threshold 8), not declared missed.
    assert status["masto-support"] == "on_track"
    benchmarks = {(b["tactic"], b["metric"]): b for b in scorecard["tactics"]}
    deflected = benchmarks[("masto-support", "support_tickets_deflected")]
    assert (deflected["actual"], deflected["measured_to"]) == (10, "2026-06-24")
    assert status["masto-ideas"] == "no_data"  # ideas are never measured for a tactic
    engagement = {e["tactic"]: e for e in scorecard["engagement"]}
    assert engagement["li-careers"]["tied"] and engagement["li-careers"]["hires"] == 3


def test_the_ad_reports_clicks_are_measured_to_the_reports_last_day(
    workspace: Path, scorecard: dict[str, Any]
) -> None:
    # The Campaign Manager report covers 6 to 19 April; li-ads runs the quarter to 30 June.
    # 298 clicks by 19 April is no verdict on ten weeks nobody reported: paced at 19 April
    # (19 of 91 days: 1,427 at that rate), past the midpoint 150, not "missed".
    benchmarks = {(b["tactic"], b["metric"]): b for b in scorecard["tactics"]}
    clicks = benchmarks[("li-ads", "clicks")]
    assert (clicks["actual"], clicks["status"]) == (298, "on_track")
    assert (clicks["measured_to"], clicks["elapsed"]) == ("2026-04-19", pytest.approx(19 / 91))
    note = (
        "the campaign reports' clicks run to 2026-04-19, 72 days before the tactic's end 2026-06-30"
    )
    assert clicks["data_note"] == note
    status = {t["tactic"]: t["reason"] for t in scorecard["tactic_status"]}
    assert "clicks 298 (target 300, measured to 2026-04-19): on track" in status["li-ads"]
    # The terminal, the dashboard's tactic page and its API say the same.
    table = cli(workspace, "scorecard").stdout
    assert f"li-ads clicks: {note}" in table
    with serve(create_app(workspace)) as running:
        running.wait_ready()
        page = Page(running.get("/tactics/li-ads").text).text
        assert page["benchmark-clicks-status"] == "on track"
        assert page["benchmark-clicks-measured-to"] == note
        [shown] = [b for b in running.json("/api/tactics/li-ads")["benchmarks"]
                   if b["metric"] == "clicks"]  # fmt: skip
        assert (shown["status"], shown["measured_to"]) == ("on_track", "2026-04-19")


def test_the_briefing_never_tells_support_to_stop(workspace: Path) -> None:
    briefing = Workspace.open(workspace).briefing()
    about = {item.subject: item for item in briefing.attention}
    support = about["masto-support"]
    assert support.kind == "losing-money"
    assert "rather than stop it" in support.detail, support.detail
    assert not any(item.subject == "li-careers" for item in briefing.attention)


def test_page_one_gives_one_answer_about_each_goal_and_tactic(
    workspace: Path, scorecard: dict[str, Any]
) -> None:
    # yt-demos brought 2 leads (Pia Dahl and Vic Lowe name its campaign): its status is
    # on track on them, and its engagement is tied to them, not "tied to no outcome".
    engagement = {e["tactic"]: e for e in scorecard["engagement"]}
    assert engagement["yt-demos"]["tied"] and engagement["yt-demos"]["pipeline"] == {"leads": 2}
    # Ella's and Finn's posts from their own profiles are in no export loaded here.
    cadence = {(c["tactic"], c["operator"]): c for c in scorecard["cadence"]}
    selling = cadence[("li-social-selling", "(tactic)")]
    assert (selling["status"], selling["reason"]) == (
        "no activity data", "no loaded export holds linkedin activity of Ella Berg or Finn Maas"
    )  # fmt: skip
    result = cli(workspace, "status")
    assert result.exit_code == 1, result.output
    page = result.stdout
    # €21.40 against a €20 target, not "€21"; a goal missed heads the decisions, and the
    # revenue still open (its deals run to 24 June) is on page one, before a third goal
    # missed, after the second (page one in severity order).
    assert "€21.40" in page
    decisions = page[page.index("Needs a decision") :]
    first, _, third = decisions.splitlines()[4:7]
    assert "Bring the support cost of a ticket down: target missed" in first
    assert "Win revenue from new customers in the second quarter is at risk" in third
    assert "engagement tied to no outcome" not in page
    # The other two goals missed too (each past its threshold): the goals table above
    # says so, and the decisions point to where all six items are.
    assert "and 3 more: outcomes report" in decisions
    # The heading's "as of 2026-06-30" is not the revenue's day: the table says each one.
    assert "as of 2026-06-30 · data through 2026-06-24" in page
    goals = page[page.index("Business goals") : page.index("ROI by tactic")]
    assert "Measured to" in goals
    [revenue] = [line for line in goals.splitlines() if "Win revenue" in line]
    assert "at risk" in revenue and revenue.rstrip(" │").endswith("2026-06-24")


def test_every_route_gives_the_revenue_its_own_day(
    workspace: Path, scorecard: dict[str, Any]
) -> None:
    # Page one's JSON (the API's document) and the scorecard agree: the revenue goal is at
    # 24 June, its deals' last day, forecast and open; the page's as_of stays 30 June.
    result = cli(workspace, "status", "--format", "json")
    assert result.exit_code == 1, result.output
    page = json.loads(result.stdout)
    assert (page["meta"]["as_of"], page["meta"]["data_through"]) == ("2026-06-30", "2026-06-24")
    [row] = [g for g in page["goals"] if g["id"] == "new-business-revenue"]
    [paced] = [g for g in scorecard["goals"] if g["id"] == "new-business-revenue"]
    assert (row["status"], row["as_of"], row["elapsed"]) == ("at_risk", "2026-06-24", 85 / 91)
    assert row["status_reason"] == paced["reason"]
    assert (row["forecast_low"], row["forecast_high"]) == (
        paced["forecast_low"], paced["forecast_high"]
    )  # fmt: skip


def test_a_tactics_new_customers_are_one_number_on_every_route(
    workspace: Path, roi: dict[str, Any], scorecard: dict[str, Any]
) -> None:
    """Ironbark and Juniper became customers through the reps' conversations (their contacts
    name the social-selling campaign, their only touch), and each won a New Business deal:
    li-social-selling brought 2 new customers, the number its benchmark reached. Its goal
    counts the New Business pipeline, which contacts do not carry; ROI showed 0.0 beside
    the benchmark's 2 until a new customer took the pipeline of the deal that made them one.
    """
    benchmarks = {(b["tactic"], b["metric"]): b for b in scorecard["tactics"]}
    assert benchmarks[("li-social-selling", "net_new_customers")]["actual"] == 2
    for model in roi["models"]:
        row = tactic_row(roi, "li-social-selling", model)
        assert (row["new_customers"], row.get("new_customers_note")) == (2.0, None), model
    # Northgate Foods came through the AP guide ad; Quarry Tools (a USD deal, counted as a
    # customer, its money in no sum) through a page post.
    assert tactic_row(roi, "li-ads")["new_customers"] == 1.0
    assert tactic_row(roi, "li-page")["new_customers"] == 1.0
    assert roi["coverage"]["outside_scope"] == []
    assert tactic_row(roi, "li-social-selling")["cost_per_acquisition"] == pytest.approx(
        COSTS["li-social-selling"] / 2
    )
    [status] = [t for t in scorecard["tactic_status"] if t["tactic"] == "li-social-selling"]
    assert "net_new_customers 2 (target 2): achieved" in status["reason"]
    page = cli(workspace, "status").stdout
    [line] = [line for line in page.splitlines() if "│ li-social-selling" in line]
    assert [cell.strip() for cell in line.split("│")][3] == "2.0"
    overview = json.loads(cli(workspace, "status", "--format", "json").stdout)
    [out] = [r for r in overview["roi"] if r["id"] == "li-social-selling"]
    assert out["new_customers"]["value"] == 2.0
    briefing = Workspace.open(workspace).briefing()
    assert Page(render_html(briefing)).text["tactic-li-social-selling-new-customers"] == "2.0"
    with serve(create_app(workspace)) as running:
        running.wait_ready()
        shown = Page(running.get("/").text).text["tactic-li-social-selling-new-customers"]
        assert shown == "2.0"


@pytest.fixture(scope="module")
def without_deals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ledgerline with its contacts loaded and not its deals: customers with no won deal."""
    return build_workspace(tmp_path_factory, FIXTURE, "ledgerline", INGESTS[1:])


def test_new_customers_nothing_can_measure_are_never_a_number(without_deals: Path) -> None:
    """Without the deals export no new customer has a pipeline, so the New Business goal's
    tactics cannot know theirs: every route says "not measured" and why, never 0.0, and
    the benchmark has no data rather than a 0."""
    selling = ("li-social-selling", "li-ads", "li-page", "yt-demos")
    result = cli(without_deals, "roi", "--format", "json")
    document = json.loads(result.stdout)
    why = (
        "the scope (pipeline new business) holds none of the 9 new "
        "customers in the data (a new customer is in the pipeline, segment and product of "
        "the first deal they won)"
    )
    for tactic in selling:
        row = tactic_row(document, tactic, "markov")
        assert (row["new_customers"], row.get("new_customers_note")) == (None, why), tactic
        assert row["cost_per_acquisition"] is None
    # The support tactic is measured on every conversion: its 0.0 is a real 0.
    assert tactic_row(document, "masto-support")["new_customers"] == 0.0
    message = document["coverage"]["message"]
    assert message.endswith(
        "New customers are not measured for li-social-selling, li-ads, li-page and yt-demos: "
        f"{why}."
    )
    table = cli(without_deals, "roi").stdout
    for tactic in selling:
        [line] = [line for line in table.splitlines() if line.startswith(f"t  {tactic} ")]
        assert "not measured" in line and "0.0" not in line, line
    assert f"g  new-business-revenue: new customers not measured: {why}" in table
    card = json.loads(cli(without_deals, "scorecard", "--format", "json").stdout)
    benchmarks = {(b["tactic"], b["metric"]): b for b in card["tactics"]}
    assert benchmarks[("li-social-selling", "net_new_customers")]["status"] == "no_data"
    page = cli(without_deals, "status").stdout
    [line] = [line for line in page.splitlines() if "│ li-social-selling" in line]
    assert [cell.strip() for cell in line.split("│")][3] == "not measured"
    assert "New customers are not measured for li-social-selling" in " ".join(page.split())
    overview = json.loads(cli(without_deals, "status", "--format", "json").stdout)
    [out] = [r for r in overview["roi"] if r["id"] == "li-social-selling"]
    assert (out["new_customers"], out["new_customers_note"]) == (None, why)
    briefing = Workspace.open(without_deals).briefing()
    report = Page(render_html(briefing)).text
    assert report["tactic-li-social-selling-new-customers"] == "not measured"
    assert report["roi-coverage"] == message
    with serve(create_app(without_deals)) as running:
        running.wait_ready()
        assert Page(running.get("/").text).text["tactic-yt-demos-new-customers"] == "not measured"
        tactic_page = Page(running.get("/tactics/li-social-selling").text).text
        assert tactic_page["tactic-li-social-selling-new-customers"] == f"not measured: {why}"
        api = running.json("/api/roi")
        assert tactic_row(api, "li-ads", "markov")["new_customers"] is None


def test_a_sale_in_another_currency_is_named_beside_the_tactic_it_touched(
    workspace: Path, roi: dict[str, Any]
) -> None:
    """The LinkedIn page's one sale of the quarter is Quarry Tools' $9,500 deal (its US
    entity). Revenue and ROI are sums in euros, so it is left out of them: the page's row
    reads €0 and ROI -100%. Every route names the dollars beside that row and in the
    coverage sentence, instead of showing a loss that looks like the whole story."""
    usd = [{"currency": "USD", "amount": 9_500.0}]
    assert tactic_row(roi, "li-page")["left_out_sales"] == usd
    assert tactic_row(roi, "li-page")["revenue"] == 0.0
    assert tactic_row(roi, "li-social-selling")["left_out_sales"] == []
    # The strategy and the goal the page serves touched it too, through the page.
    rows = {(r["level"], r["id"]): r for r in roi["rows"] if r["model"] == "markov"}
    assert rows[("strategy", "show-the-product")]["left_out_sales"] == usd
    assert rows[("goal", "new-business-revenue")]["left_out_sales"] == usd
    assert rows[("goal", "cheaper-hires")]["left_out_sales"] == []
    left_out = "(outcomes does not convert currencies): 1 deal_won in USD (9,500)."
    assert roi["coverage"]["message"].endswith(left_out)
    assert roi["coverage"]["left_out"] == [
        {"type": "deal_won", "currency": "USD", "count": 1, "amount": 9_500.0}
    ]
    note = (
        "$9,500 of sales that touched it, left out of its revenue and ROI for being "
        "in another currency than the plan's (outcomes does not convert currencies)"
    )
    table = " ".join(cli(workspace, "roi").stdout.split())
    assert f"Not counted: li-page: {note}" in table
    assert "Not counted: li-social-selling" not in table
    page_one = report_json(workspace, "status", exit_code=1)
    [page] = [r for r in page_one["roi"] if r["id"] == "li-page"]
    assert page["left_out_note"] == note
    report = Page(render_html(Workspace.open(workspace).briefing())).text
    assert report["roi-coverage"].endswith(left_out)
    with serve(create_app(workspace)) as running:
        running.wait_ready()
        shown = Page(running.get("/tactics/li-page").text).text["tactic-li-page-left-out"]
        assert shown == f"Not counted: {note}."


def test_no_roas_where_no_sales_return_is_measured_on_every_route(without_deals: Path) -> None:
    """Without the deals export li-ads has ad money and no sales return anyone measures:
    its ROAS was 0.00 beside "no return measured yet". Every route says none, and the
    JSON why; a tactic that spent no ad money has none for that reason."""
    roi = report_json(without_deals, "roi", exit_code=0)
    ads = tactic_row(roi, "li-ads", "markov")
    assert ads["return_label"] == "no return measured yet"
    assert (ads["roas"], ads["roas_note"]) == (None, "no sales return measured yet")
    page = tactic_row(roi, "li-page", "markov")
    assert (page["roas"], page["roas_note"]) == (
        None,
        "no money spent (budget or ads): ROAS is revenue on that money",
    )
    assert roi["schema_version"] == 8
    table = cli(without_deals, "roi").stdout
    [line] = [line for line in table.splitlines() if line.startswith("t  li-ads ")]
    assert "0.00" not in line and line.split()[-2] == "–", line
    overview = json.loads(cli(without_deals, "status", "--format", "json").stdout)
    [out] = [r for r in overview["roi"] if r["id"] == "li-ads"]
    assert (out["roas"], out["roas_note"]) == (None, "no sales return measured yet")
    with serve(create_app(without_deals)) as running:
        running.wait_ready()
        shown = Page(running.get("/tactics/li-ads").text)
        assert shown.text["tactic-li-ads-roas-markov"] == "–"
        assert shown.testids["tactic-li-ads-roas-markov"]["title"] == "no sales return measured yet"
        assert tactic_row(running.json("/api/roi"), "li-ads", "markov")["roas"] is None
