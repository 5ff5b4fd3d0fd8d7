"""Measurement (M): business-metric goals, benchmarks in their metric's direction, data
sources and a cadence."""

from __future__ import annotations

import copy

from tests.lint.rules.conftest import Case, Plan, hits, lint, rule_fires_test, tactic


def _vanity_goal(p: Plan) -> None:
    p["goals"][0]["metric"] = "followers"


def _vanity_benchmarks(p: Plan) -> None:
    tactic(p, "rep-posts")["benchmarks"] = [
        {"metric": "likes", "target": 100},
        {"metric": "impressions", "target": 9},
    ]


def _no_benchmarks(p: Plan) -> None:
    del tactic(p, "rep-posts")["benchmarks"]


def _no_sources(p: Plan) -> None:
    tactic(p, "rep-posts")["measurement"] = {"sources": []}


def _threshold_above_target(p: Plan) -> None:
    p["goals"][0]["threshold"] = 16


def _lower_better_inverted(p: Plan) -> None:
    tactic(p, "answer-mentions")["benchmarks"] = [
        {"metric": "first_response_minutes", "threshold": 60, "target": 240}
    ]


def _no_cadence(p: Plan) -> None:
    del tactic(p, "rep-posts")["cadence"]


def _same_account_and_kind(p: Plan) -> None:
    tactic(p, "rep-posts")["measurement"]["match"] = {
        "accounts": ["@Acme"],
        "kinds": ["post", "comment"],
    }
    tactic(p, "answer-mentions")["measurement"]["match"] = {
        "accounts": ["acme"],
        "kinds": ["reply", "comment", "mention"],
    }


def _two_channel_defaults(p: Plan) -> None:
    listening = copy.deepcopy(tactic(p, "answer-mentions"))
    listening.update(id="watch-mentions", mode="listen", title="Watch what buyers ask")
    p["tactics"].append(listening)


def _same_campaign_on_visits(p: Plan) -> None:
    tactic(p, "answer-mentions")["measurement"]["match"] = {"utm_campaign": ["REP-POSTS"]}


def _demo_requests_from_a_crm_without_them(p: Plan) -> None:
    tactic(p, "rep-posts")["benchmarks"] = [
        {"metric": "demo_requests", "baseline": 0, "target": 20, "per": "period"}
    ]


def _revenue_benchmark(p: Plan) -> None:
    tactic(p, "rep-posts")["benchmarks"].append({"metric": "revenue", "target": 50000})


def _events_held_benchmark(p: Plan) -> None:
    tactic(p, "rep-posts")["benchmarks"].append({"metric": "events_held", "target": 12})


def _push_ratio_of_a_respond_tactic(p: Plan) -> None:
    tactic(p, "answer-mentions")["benchmarks"].append(
        {"metric": "listen_push_ratio", "threshold": 1, "target": 1.5}
    )


def _replies_from_page_analytics(p: Plan) -> None:
    tactic(p, "answer-mentions")["measurement"] = {"sources": ["linkedin"]}


def _support_cost_without_a_finance_export(p: Plan) -> None:
    p["goals"][0].update(
        metric="support_cost", direction="decrease", baseline=20, threshold=18, target=15,
        stretch=12,
    )  # fmt: skip


CASES: list[Case] = [
    (
        "vanity goal",
        _vanity_goal,
        {("vanity-goal-metric", "more-customers")},
        "followers, a vanity metric",
    ),
    (
        "vanity benchmarks",
        _vanity_benchmarks,
        {("vanity-only-benchmarks", "rep-posts")},
        "(likes, impressions)",
    ),
    ("no benchmarks", _no_benchmarks, {("missing-benchmarks", "rep-posts")}, "no benchmarks"),
    (
        "no sources",
        _no_sources,
        # Without rep-posts' hubspot, no source the plan names records new customers.
        {("unmeasured-tactic", "rep-posts"), ("unmeasurable-metric", "more-customers")},
        "no data source",
    ),
    (
        "threshold above target",
        _threshold_above_target,
        {("benchmark-order", "more-customers")},
        "threshold 16 is above target 15",
    ),
    (
        "lower is better inverted",
        _lower_better_inverted,
        {("benchmark-order", "answer-mentions")},
        "threshold 60 is below target 240",
    ),
    ("no cadence", _no_cadence, {("missing-cadence", "rep-posts")}, "no cadence"),
    (
        "same account and kind",
        _same_account_and_kind,
        {("overlapping-matchers", "answer-mentions")},
        "tactics 'rep-posts' and 'answer-mentions' both claim a comment on account acme on "
        "linkedin with equal specificity (2); 'rep-posts' takes it",
    ),
    (
        "two channel defaults",
        _two_channel_defaults,
        {("overlapping-matchers", "watch-mentions")},
        "both claim a reply/mention/comment/message_in on linkedin (both claim the channel by default)",
    ),
    (
        "same campaign on visits",
        _same_campaign_on_visits,
        {("overlapping-matchers", "answer-mentions")},
        "both claim a visit tagged utm_campaign=rep-posts with equal specificity (1)",
    ),
    (
        "benchmark the sources cannot measure",
        _demo_requests_from_a_crm_without_them,
        {("unmeasurable-metric", "rep-posts")},
        "cannot be measured from linkedin, hubspot: it needs demo_request conversions and "
        "touchpoints; sources that give it: csv (a CSV mapped in outcomes.toml)",
    ),
    (
        "benchmark never measured for a tactic",
        _revenue_benchmark,
        {("unmeasurable-metric", "rep-posts")},
        "benchmark revenue of tactic 'rep-posts' is never measured for a tactic",
    ),
    (
        # A goal on events_held is a vanity-goal-metric, so "judge it on a goal" (the advice
        # for revenue) would be false here: a check-in count counts for the cadence.
        "check-in count as a benchmark",
        _events_held_benchmark,
        {("unmeasurable-metric", "rep-posts")},
        "events_held is a count of weekly check-ins (`outcomes checkin add`, or a register "
        "mapped as snapshots of the tactic), which counts for the tactic's `cadence`",
    ),
    (
        "benchmark on activity the tactic does not claim",
        _push_ratio_of_a_respond_tactic,
        {("unmeasurable-metric", "answer-mentions")},
        "listen_push_ratio needs activities of kind post too",
    ),
    (
        "replies from an export without replies",
        _replies_from_page_analytics,
        {("unmeasurable-metric", "answer-mentions")},
        "it needs activities of kind comment or mention or message_in and activities of kind "
        "message or reply or X replies (their ids date what they answer); sources that give "
        "it: x-archive, mastodon, csv",
    ),
    (
        "goal the plan's sources cannot measure",
        _support_cost_without_a_finance_export,
        {("unmeasurable-metric", "more-customers")},
        "goal 'more-customers' (support_cost) cannot be measured from hubspot, linkedin, "
        "mastodon: it needs snapshots of support_cost; sources that give it: csv",
    ),
]


test_rule_fires_on_the_offending_element = rule_fires_test(CASES)


def test_decrease_goal_reads_levels_downwards(clean_plan: Plan) -> None:
    goal = clean_plan["goals"][0]
    goal.update(
        metric="support_cost",
        direction="decrease",
        baseline=100,
        threshold=95,
        target=90,
        stretch=80,
    )
    tactic(clean_plan, "rep-posts")["measurement"]["sources"].append("csv")  # the cost export
    assert hits(clean_plan) == set()
    goal["baseline"] = 85
    result = lint(clean_plan)
    assert [f.message for f in result.findings] == [
        "goal 'more-customers' (decrease): baseline 85 is already below target 90"
    ]


def test_publish_and_respond_share_an_account_by_their_modes_kinds(clean_plan: Plan) -> None:
    """Without `match.kinds` each claims its mode's kinds: posts and replies never tie."""
    for tactic_id in ("rep-posts", "answer-mentions"):
        tactic(clean_plan, tactic_id)["measurement"]["match"] = {"accounts": ["acme"]}
    assert hits(clean_plan) == set()


def test_a_more_specific_matcher_does_not_tie(clean_plan: Plan) -> None:
    """Written kinds count one more: the tactic naming the kind always wins the account."""
    tactic(clean_plan, "rep-posts")["measurement"]["match"] = {
        "accounts": ["acme"],
        "kinds": ["post", "comment"],
    }
    tactic(clean_plan, "answer-mentions")["measurement"]["match"] = {"accounts": ["acme"]}
    assert hits(clean_plan) == set()
    # Different criteria (an operator, a campaign) meet only by chance: no finding.
    tactic(clean_plan, "answer-mentions")["measurement"]["match"] = {"operators": ["rep"]}
    tactic(clean_plan, "answer-mentions")["mode"] = "outreach"
    tactic(clean_plan, "answer-mentions")["cadence"] = {"count": 1, "per": "week"}
    assert ("overlapping-matchers", "answer-mentions") not in hits(clean_plan)


def test_an_operator_named_as_another_tactics_account_ties(clean_plan: Plan) -> None:
    tactic(clean_plan, "rep-posts")["measurement"]["match"] = {"operators": ["rep"]}
    tactic(clean_plan, "answer-mentions").update(
        mode="outreach", cadence={"count": 1, "per": "week"}
    )
    tactic(clean_plan, "answer-mentions")["measurement"]["match"] = {"accounts": ["Remy"]}
    messages = [f.message for f in lint(clean_plan).findings if f.rule.code == "M008"]
    assert messages == [
        "tactics 'rep-posts' and 'answer-mentions' both claim a post by remy on linkedin with "
        "equal specificity (1); 'rep-posts' takes it because it comes first in the plan"
    ]


def test_the_source_that_gives_the_data_silences_unmeasurable_metric(clean_plan: Plan) -> None:
    _demo_requests_from_a_crm_without_them(clean_plan)
    _support_cost_without_a_finance_export(clean_plan)
    assert {rule for rule, _ in hits(clean_plan)} == {"unmeasurable-metric"}
    tactic(clean_plan, "rep-posts")["measurement"]["sources"].append("csv")
    assert hits(clean_plan) == set()  # csv gives the demo requests and the cost snapshots


def test_a_goal_is_measured_from_its_scopes_sources(clean_plan: Plan) -> None:
    clean_plan["goals"][0]["scope"] = {"sources": ["ga4"]}  # ga4 records no new customers
    [finding] = lint(clean_plan).findings
    assert finding.rule.name == "unmeasurable-metric"
    assert "from ga4: it needs snapshots of net_new_customers or new_customer conversions" in (
        finding.message
    )


def test_a_respond_tactic_that_claims_posts_can_measure_its_push_ratio(clean_plan: Plan) -> None:
    _push_ratio_of_a_respond_tactic(clean_plan)
    tactic(clean_plan, "answer-mentions")["measurement"]["match"] = {
        "kinds": ["post", "reply", "mention"]
    }
    assert hits(clean_plan) == set()
    # A criterion narrows which activity, not which kinds: the account's posts stay the
    # publishing tactic's, so the ratio still lacks them (docs/plan-format.md, precedence).
    tactic(clean_plan, "answer-mentions")["measurement"]["match"] = {"accounts": ["acme"]}
    assert hits(clean_plan) == {("unmeasurable-metric", "answer-mentions")}


def test_a_salesforce_report_measures_the_opportunities_a_tactic_brought(
    clean_plan: Plan,
) -> None:
    """Salesforce's Lead Source and campaign are touches of the deal's account, so a
    tactic measured from the report can count the opportunities and new customers it
    brought (Sagebrook's reps: "cannot be measured from salesforce ... sources that give it:
    hubspot, csv", while the report named their campaign on every deal)."""
    rep_posts = tactic(clean_plan, "rep-posts")
    rep_posts["benchmarks"] = [
        {"metric": "opportunities", "target": 8},
        {"metric": "net_new_customers", "target": 4},
    ]
    rep_posts["measurement"]["sources"] = ["salesforce"]
    assert hits(clean_plan) == set()
