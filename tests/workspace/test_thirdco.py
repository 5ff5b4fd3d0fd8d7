"""A third company, written from the docs alone, built from its own export files.

Kettle & Crate (`fixtures/thirdco/`) sells tea and coffee boxes by subscription and beans
to cafés. Its plan was written from docs/plan-format.md and the README only, and its
exports by hand in the formats docs/sources.md documents, with what real exports do: a
GA4 purchase logged twice and one of no user, a Meta export downloaded again a week later
with more likes, an Ads Manager report saved twice with its summary row and a day of no
delivery, a Mailchimp campaign whose clicks are blank, a HubSpot deal with no amount, a
help desk's semicolon CSV with day-first dates and a repeated row.

The workspace is built as a user builds it, `outcomes ingest` per file, and every figure
below was worked out by hand from the rows: so the product keeps giving the right answer
for a plan its authors did not write.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from outcomes.report.executive import render_html
from outcomes.warehouse.connection import Warehouse
from outcomes.web import create_app
from outcomes.workspace import Workspace
from tests.web.conftest import Page, serve
from tests.workspace.companies import Ingest, build_workspace, cli, report_json, tactic_row

FIXTURE = Path(__file__).parent / "fixtures" / "thirdco"
ADS = "exports/meta-ads/KC-Ads-Campaigns-Feb-1-2026-Mar-31-2026"

# (source, file, read, loaded, updated, unchanged, rejected, ignored), in the order loaded.
INGESTS: list[Ingest] = [
    # 27 events: 9 visits that bought and their purchases, c07's two visits and purchase,
    # 4 visits that bought nothing, the purchase of no user (kept: GA4's no-consent null)
    # and T1033 logged twice (ignored).
    ("ga4", "exports/ga4/events-2026q1.jsonl", 27, 26, 0, 0, 0, 1),
    ("meta", "exports/meta/instagram-posts-2026q1.csv", 12, 12, 0, 0, 0, 0),
    # Downloaded again: two posts gained likes, one of them its comments too.
    ("meta", "exports/meta/instagram-posts-2026q1 (1).csv", 12, 0, 2, 10, 0, 0),
    # 15 days with figures x (spend, impressions, reach, link clicks, results); the summary
    # row and 20 March (no delivery: every figure blank) are ignored.
    ("meta-ads", f"{ADS}.csv", 77, 75, 0, 0, 0, 2),
    ("mastodon", "exports/mastodon/statuses.json", 20, 20, 0, 0, 0, 0),
    # 8 mentions, 1 direct message, and 3 days' counts of favourites and follows.
    ("mastodon", "exports/mastodon/notifications.json", 12, 12, 0, 0, 0, 0),
    # 3 campaigns x 10 counts, less March's two blank click counts.
    ("mailchimp", "exports/mailchimp/campaigns.csv", 28, 28, 0, 0, 0, 0),
    # 8 deals: each its opportunity, and 4 won and 2 lost besides.
    ("hubspot", "exports/hubspot/deals-2026-03-31.csv", 14, 14, 0, 0, 0, 0),
    # 7 contacts' first touches and 6 lifecycle conversions (an opportunity gives none).
    ("hubspot", "exports/hubspot/contacts-2026-03-31.csv", 13, 13, 0, 0, 0, 0),
    ("linkedin", "exports/linkedin/kettle-and-crate_content_1774915200000.csv", 10, 10, 0, 0, 0, 0),
    ("csv", "exports/helpdesk/deflected-2026q1.csv", 11, 10, 0, 0, 0, 1),
    ("csv", "exports/finance/churn-by-month.csv", 4, 4, 0, 0, 0, 0),
    ("csv", "exports/finance/support-cost-by-month.csv", 4, 4, 0, 0, 0, 0),
    ("csv", "exports/advocacy/shares-2026q1.csv", 7, 7, 0, 0, 0, 0),
]

# Hours a week x EUR 40 an hour over 1 January to 24 March (83 days, the data's last day),
# ig-ads from 1 February (52 days); ig-ads' recorded spend (EUR 458.85) replaces its budget
# and the newsletter's Mailchimp (EUR 90 for 90 days) is pro-rated to 83.
WEEKS, AD_WEEKS = 83 / 7, 52 / 7
COSTS = {
    "ig-posts": 4 * 40 * WEEKS,
    "ig-ads": 1 * 40 * AD_WEEKS + 458.85,
    "ig-care": 2 * 40 * WEEKS,
    "masto-care": 2 * 40 * WEEKS,
    "masto-news": 1 * 40 * WEEKS,
    "newsletter": 2 * 40 * WEEKS + 90 * 83 / 90,
    "li-wholesale": 3 * 40 * WEEKS,
    "staff-advocacy": 1 * 40 * WEEKS,
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kettle & Crate's workspace, every export ingested by the CLI, one file at a time."""
    return build_workspace(tmp_path_factory, FIXTURE, "kettle-and-crate", INGESTS)


@pytest.fixture(scope="module")
def roi(workspace: Path) -> dict[str, Any]:
    return report_json(workspace, "roi", exit_code=0)


@pytest.fixture(scope="module")
def scorecard(workspace: Path) -> dict[str, Any]:
    # Box revenue missed its target.
    return report_json(workspace, "scorecard", exit_code=1)


def test_what_a_file_states_twice_is_loaded_once(workspace: Path) -> None:
    # The ad report saved twice is the same bytes: nothing is loaded again.
    again = cli(
        workspace, "ingest", "meta-ads", str(workspace / f"{ADS} (1).csv"), "--format", "json"
    )
    [summary] = json.loads(again.stdout)
    assert again.exit_code == 0 and summary["already_loaded"] and summary["loaded"] == 0
    with Warehouse.open(workspace) as warehouse:
        sql = warehouse.duckdb.sql
        # 10 orders (T1033 once) and the no-user purchase; 458.85 + 100 of ad spend.
        orders = "SELECT count(*), sum(value) FROM conversions WHERE type = 'order'"
        assert sql(orders).fetchall() == [(11, 487.0)]
        assert sql("SELECT round(sum(amount), 2) FROM costs").fetchall() == [(558.85,)]
        # The later download's likes: 139 on the reel (133 before), 58 on the post whose
        # likes the first left blank.
        likes = "SELECT sum(reactions) FROM activities WHERE source = 'meta'"
        assert sql(likes).fetchall() == [(1108,)]


def test_goals_are_measured_from_the_rows(scorecard: dict[str, Any]) -> None:
    goals = {g["id"]: g for g in scorecard["goals"]}
    # The finance exports run to 31 March, the goals' due date: the goals they measure are
    # final. The orders, deals and visits run to 24 March: the goals measured from them are
    # forecast at 24 March, a week of the quarter being unknown, never declared final.
    days = {goal: g["as_of"] for goal, g in goals.items()}
    assert days == {
        "box-revenue": "2026-03-24", "bigger-boxes": "2026-03-24",
        "wholesale-revenue": "2026-03-24", "fewer-cancellations": "2026-03-31",
        "cheaper-care": "2026-03-31",
    }  # fmt: skip
    # 10 orders (EUR 426) and the purchase of no user (EUR 61); no wholesale deal counts.
    # EUR 487 in 83 of 90 days runs at 528, short of last year's 600, but eleven orders
    # are consistent with 266 to 790.
    box = goals["box-revenue"]
    assert (box["actual"], box["status"]) == (487.0, "at_risk")
    assert box["reason"].startswith(
        "the conversions and touchpoints run to 2026-03-24, 7 days before the due date "
        "2026-03-31: the forecast €528.07 is at or worse than the baseline €600"
    )
    assert goals["bigger-boxes"]["actual"] == pytest.approx(487 / 11)
    assert goals["bigger-boxes"]["status"] == "on_track"  # past the €38 threshold, not final
    # March's churn; the quarter's support cost (2,980 + 2,890 + 2,870), under 8,800: past
    # their thresholds, short of their targets when the quarter is over.
    assert (goals["fewer-cancellations"]["actual"], goals["fewer-cancellations"]["status"]) == (
        5.4,
        "missed",
    )
    assert (goals["cheaper-care"]["actual"], goals["cheaper-care"]["status"]) == (
        8740.0,
        "missed",
    )
    assert goals["cheaper-care"]["reason"] == (
        "the period is over: it ended at €8,740, above the target €8,500 though under its "
        "threshold €8,800"
    )
    # Won in the quarter: Office Hub Delft (3,600) and Café Mira (6,250), not Café Lumen
    # (won in November) nor Acme's gift boxes (another pipeline).
    assert goals["wholesale-revenue"]["actual"] == 9850.0


def test_revenue_and_cost_per_tactic_worked_out_by_hand(roi: dict[str, Any]) -> None:
    assert roi["period"] == {"start": "2026-01-01", "end": "2026-03-24"}
    # Linear: c07's EUR 47 is shared by the post and the ad; c01's and c02's second orders
    # are retained revenue, credited to the newsletter alone (the touches since the first).
    expected = {"ig-posts": 39 + 33 + 23.5, "ig-ads": 52 + 36 + 23.5 + 44, "newsletter": 135.0,
                "li-wholesale": 9850.0}  # fmt: skip
    for tactic, revenue in expected.items():
        assert tactic_row(roi, tactic)["revenue"] == pytest.approx(revenue), tactic
    assert tactic_row(roi, "ig-posts", "last_touch")["revenue"] == pytest.approx(72.0)
    assert tactic_row(roi, "ig-ads", "last_touch")["revenue"] == pytest.approx(179.0)
    # The direct visit's order is no tactic's.
    assert roi["unplanned_revenue"]["linear"]["value"] == pytest.approx(40.0)
    for tactic, cost in COSTS.items():
        assert tactic_row(roi, tactic)["cost"] == pytest.approx(cost), tactic
    assert tactic_row(roi, "ig-ads")["money"] == pytest.approx(458.85)  # not the budget of 600
    # The gift-card campaign no tactic runs: EUR 100 spent, in no tactic's cost, and said.
    [gifts] = roi["unclaimed_spend"]
    assert (gifts["tactic"], gifts["amount"], gifts["lines"]) == (
        "KC | Gift cards | Prospecting", 100.0, 4
    )  # fmt: skip


def test_each_return_is_in_its_goals_terms(roi: dict[str, Any]) -> None:
    labels = {t: tactic_row(roi, t, "markov")["return_label"] for t in COSTS}
    assert labels["newsletter"] == (
        "€42 attributed first sales; €93 retained revenue (repeat sales)"
    )
    # 8 tickets saved on Mastodon, 2 on Instagram, at the plan's EUR 6 a ticket.
    assert labels["masto-care"] == "€48 from 8 support contacts saved × €6 (plan)"
    assert labels["ig-care"] == "€12 from 2 support contacts saved × €6 (plan)"
    assert labels["li-wholesale"] == "€9,850 attributed sales"
    assert labels["staff-advocacy"] == "no return measured yet"
    assert tactic_row(roi, "staff-advocacy")["roi"] is None  # never -100% for a return not measured
    care = tactic_row(roi, "masto-care")
    assert care["roi"] == pytest.approx((48 - COSTS["masto-care"]) / COSTS["masto-care"])


def test_listening_and_execution_are_read_as_the_rows_say(scorecard: dict[str, Any]) -> None:
    channels = {c["channel"]: c for c in scorecard["conversation"]}
    # 8 mentions and a direct message; 7 answered in public and the message in private,
    # after 25, 40, 95, 15, 30, 55, 20 and 10 minutes.
    mastodon = channels["mastodon"]
    assert (mastodon["inbound"], mastodon["answered"]) == (9, 8)
    assert mastodon["median_first_response_minutes"] == pytest.approx(27.5)
    assert (mastodon["own_posts"], mastodon["answers"]) == (12, 8)
    # Meta's and LinkedIn's post exports hold no replies: not "0 replies, push-heavy".
    for page in ("instagram", "linkedin"):
        assert channels[page]["listen_push_ratio"] is None and channels[page]["flags"] == []
    rhythm = {(c["tactic"], c["operator"]): c for c in scorecard["cadence"]}
    # One tip a week against a plan of two is irregular, not stopped; Kim posted on 24 March.
    assert rhythm[("masto-news", "(tactic)")]["status"] == "irregular"
    kim = rhythm[("li-wholesale", "kim")]
    assert (kim["status"], kim["last_activity"]) == ("irregular", "2026-03-24")


def test_the_briefing_never_tells_a_listening_tactic_to_stop(workspace: Path) -> None:
    briefing = Workspace.open(workspace).briefing()
    about = {item.subject: item for item in briefing.attention if item.kind == "losing-money"}
    for listening in ("ig-care", "masto-care"):
        assert "do not stop it" in about[listening].detail, about[listening].detail
    assert "Fix it or stop it" in about["masto-news"].detail
    [gifts] = [item for item in briefing.attention if item.subject.startswith("KC | Gift")]
    assert (gifts.kind, gifts.title) == (
        "random-act", "'KC | Gift cards | Prospecting': €100 spent that no tactic claims"
    )  # fmt: skip
    assert not any("pushes more than it listens" in item.title for item in briefing.attention
                   if item.subject.startswith(("instagram", "linkedin")))  # fmt: skip


def _contents(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What the warehouse holds, table by table, without the ingest ids that differ."""
    queries = {
        "activities": "SELECT key, kind, reactions, comments, clicks FROM activities",
        "conversions": "SELECT key, type, value, channel FROM conversions",
        "costs": "SELECT key, tactic, amount, currency FROM costs",
        "snapshots": "SELECT key, metric, value FROM metric_snapshots",
        "touchpoints": "SELECT key, journey_id, utm_campaign FROM touchpoints",
    }
    with Warehouse.open(root) as warehouse:
        return {
            name: sorted(warehouse.duckdb.sql(sql).fetchall(), key=repr)
            for name, sql in queries.items()
        }


def test_loading_the_folder_at_once_stores_what_loading_file_by_file_does(
    workspace: Path, tmp_path: Path
) -> None:
    # `ingest --auto exports/` recognises every file, takes the re-downloads after the
    # files they repeat and reads the mapped CSVs as outcomes.toml says.
    root = tmp_path / "at-once"
    shutil.copytree(FIXTURE, root)
    result = cli(root, "ingest", "--auto", str(root / "exports"))
    assert result.exit_code == 0, result.output
    assert _contents(root) == _contents(workspace)


def test_the_roi_footer_says_what_reached_a_tactic_the_same_on_every_route(
    workspace: Path, roi: dict[str, Any]
) -> None:
    """Both new customers of the quarter (the Brew Lab and Tamp cafés, customers from 10 and
    22 January) came through li-wholesale, and the first deal each of them won is in the
    Wholesale pipeline its goal counts: they are wholesale's new customers, credited to
    li-wholesale (2.0 under every model: it is their journeys' only tactic). Before a new
    customer took the pipeline of the deal that made them one, they were in no pipeline,
    every tactic showed 0.0 new customers, and the footer had to say why."""
    tactics = {r["id"]: r for r in roi["rows"] if r["level"] == "tactic"}
    for model in roi["models"]:
        row = tactic_row(roi, "li-wholesale", model)
        assert (row["new_customers"], row["new_customers_note"]) == (2.0, None), model
    assert sum(r["new_customers"] for r in tactics.values()) == 2.0
    coverage = roi["coverage"]
    assert (coverage["new_customers"], coverage["new_customers_on_paths"]) == (2, 2)
    assert coverage["outside_scope"] == []
    # The box goals count orders only: no new customer is theirs to count, and no route
    # shows a 0.0 for them.
    for goal in ("box-revenue", "bigger-boxes"):
        [row] = [r for r in roi["rows"] if (r["id"], r["model"]) == (goal, "markov")]
        assert row["new_customers"] is None
        assert row["new_customers_note"] == (
            "the scope (type order) holds none of the 3 new customers in the data"
        )
    message = coverage["message"]
    # The direct visit's order is touched by no tactic: named, with where to look.
    assert "The other touches belong to no tactic of the plan: `outcomes unplanned`" in message
    on_terminal = " ".join(cli(workspace, "roi").stdout.split())
    assert message in on_terminal
    briefing = Workspace.open(workspace).briefing()
    assert Page(render_html(briefing)).text["roi-coverage"] == message
    with serve(create_app(workspace)) as running:
        running.wait_ready()
        assert Page(running.get("/").text).text["roi-coverage"] == message
