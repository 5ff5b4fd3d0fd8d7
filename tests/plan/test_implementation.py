"""The tactical implementation plan: costs, totals, RACI, capacity and unlinked elements.

Northwind's numbers are worked out by hand: at €70 an hour, one hour a week costs exactly
€10 a day, so a tactic's people cost is hours_per_week × days × 10.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from outcomes.catalog.money import format_money
from outcomes.lint import check_plan
from outcomes.plan import LoadedPlan, load_plan, load_plan_text
from outcomes.plan.capacity import CapacityLoad, PeakLoad, peak_load
from outcomes.plan.implementation import (
    ImplementationPlan,
    build_implementation_plan,
    cadence_words,
    format_number,
    tactic_weeks,
)
from tests.conftest import PLAN_TODAY

TODAY = PLAN_TODAY


HEADER = """\
version: 1
organisation: {name: Acme, currency: CHF, hourly_cost: 100}
people:
  - {id: ceo, name: Cleo Ng, executive: true, hours_per_week: 2}
  - {id: ann, name: Ann Lee, hours_per_week: 5}
  - {id: bob, name: Bob Ray, hours_per_week: 10}
  - {id: care, name: Care team, members: [ann], hours_per_week: 20}
goals:
  - {id: grow, title: Grow, metric: revenue, direction: increase, baseline: 1, target: 2,
     start: 2026-01-01, due: 2026-12-31, sponsor: ceo}
  - {id: keep, title: Keep, metric: churn_rate, direction: decrease, baseline: 9, target: 7,
     start: 2026-01-01, due: 2026-12-31, sponsor: ceo}
strategies:
  - {id: both, title: Serves two goals, serves: [grow, keep], owner: ceo}
  - {id: orphan, title: Serves no goal, serves: [], owner: ann}
"""


def plan_with(tactics: str) -> LoadedPlan:
    """The header above plus the given `tactics:` list, loaded as a user's file would be."""
    return load_plan_text(HEADER + "tactics:\n" + textwrap.indent(textwrap.dedent(tactics), "  "))


def implementation(tactics: str) -> ImplementationPlan:
    return build_implementation_plan(plan_with(tactics), today=TODAY)


def tactic(tactic_id: str, **fields: str) -> str:
    """One tactic as YAML: a fortnight in January unless `fields` say otherwise."""
    values = {
        "title": tactic_id,
        "channel": "linkedin",
        "mode": "publish",
        "operators": "[ann]",
        "accountable": "ceo",
        "start": "2026-01-01",
        "end": "2026-01-14",
        **fields,
    }
    lines = [f"- id: {tactic_id}"] + [f"  {key}: {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


# --- durations and costs ---------------------------------------------------------------


def test_weeks_count_both_ends_of_the_period() -> None:
    assert tactic_weeks(dt.date(2026, 1, 1), dt.date(2026, 1, 7)) == 1
    assert tactic_weeks(dt.date(2026, 1, 1), dt.date(2026, 1, 1)) == pytest.approx(1 / 7)
    assert tactic_weeks(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == pytest.approx(365 / 7)


@pytest.mark.parametrize(
    ("tactic_id", "days", "hours", "people", "money", "technology", "total"),
    [
        ("li-rep-insights", 334, 4 * 334 / 7, 13_360, 0, 0, 13_360),
        ("li-company-guides", 351, 6 * 351 / 7, 21_060, 6_000, 0, 27_060),
        ("li-listen-respond", 351, 3 * 351 / 7, 10_530, 0, 0, 10_530),
        ("x-support", 365, 10 * 365 / 7, 36_500, 0, 1_800, 38_300),
        ("fb-retarget", 214, 2 * 214 / 7, 4_280, 24_000, 0, 28_280),
        ("trade-show", 31, 6 * 31 / 7, 1_860, 30_000, 0, 31_860),
        ("customer-newsletter", 365, 2 * 365 / 7, 7_300, 0, 1_200, 8_500),
    ],
)
def test_each_northwind_tactic_costs_what_was_worked_out_by_hand(
    northwind: ImplementationPlan,
    tactic_id: str,
    days: int,
    hours: float,
    people: float,
    money: float,
    technology: float,
    total: float,
) -> None:
    [t] = [t for t in northwind.tactics if t.id == tactic_id]
    assert t.weeks == pytest.approx(days / 7)
    assert t.costs.hours == pytest.approx(hours)
    assert t.costs.people == pytest.approx(people)
    assert t.costs.money == money
    assert t.costs.technology == technology
    assert t.costs.total == pytest.approx(total)


def test_plan_totals_count_each_tactic_once_and_split_people_process_technology(
    northwind: ImplementationPlan,
) -> None:
    costs = northwind.costs
    assert costs.people == pytest.approx(94_890)
    assert costs.money == 60_000
    assert costs.technology == 3_000
    assert costs.total == pytest.approx(157_890)
    assert costs.people_share == pytest.approx(94_890 / 157_890)
    assert costs.money_share == pytest.approx(60_000 / 157_890)
    assert costs.technology_share == pytest.approx(3_000 / 157_890)
    assert costs.people_share + costs.money_share + costs.technology_share == pytest.approx(1)


def test_a_strategy_serving_two_goals_counts_under_both(northwind: ImplementationPlan) -> None:
    by_goal = {g.id: g for g in northwind.goals}
    assert [s.id for s in by_goal["new-logos"].strategies] == ["social-selling", "helpful-content"]
    assert [s.id for s in by_goal["bigger-orders"].strategies] == ["social-selling"]
    assert by_goal["new-logos"].costs.total == pytest.approx(45_220 + 65_870)
    assert by_goal["bigger-orders"].costs.total == pytest.approx(45_220)
    assert by_goal["cheaper-support"].costs.total == pytest.approx(46_800)
    assert by_goal["new-logos"].tactic_count == 5
    # Goal totals overlap; the plan total does not.
    assert sum(g.costs.total for g in northwind.goals) > northwind.costs.total


def test_strategy_totals_are_the_sum_of_their_own_tactics(northwind: ImplementationPlan) -> None:
    [strategy] = [s for g in northwind.goals for s in g.strategies if s.id == "social-selling"][:1]
    assert [t.id for t in strategy.tactics] == ["li-rep-insights", "trade-show"]
    assert strategy.costs.total == pytest.approx(13_360 + 31_860)
    assert strategy.costs.hours == pytest.approx(4 * 334 / 7 + 6 * 31 / 7)


def test_without_an_hourly_cost_hours_are_counted_but_priced_at_nothing(
    tactics_first: ImplementationPlan,
) -> None:
    [tweets] = [t for t in tactics_first.tactics if t.id == "daily-tweets"]
    assert tweets.costs.hours == pytest.approx(5 * 365 / 7)
    assert tweets.costs.people == 0
    assert tactics_first.costs.technology_share == pytest.approx(40_000 / 40_500)


def test_a_tactic_with_no_resources_costs_nothing_and_says_so() -> None:
    ip = implementation(tactic("bare", serves="both"))
    [bare] = ip.tactics
    assert bare.costs.total == 0
    assert bare.hours_per_week is None
    assert not bare.is_resourced
    assert ip.costs.people_share == 0  # no division by zero


def test_tactic_asking_for_hours_with_no_operator_is_unassigned() -> None:
    ip = implementation(
        tactic("nobody", serves="both", operators="[]", resources="{hours_per_week: 3}")
    )
    assert [t.id for t in ip.unassigned_tactics] == ["nobody"]
    assert all(row.peak == 0 for row in ip.capacity)


# --- what each tactic uses, and how it is measured -------------------------------------


def test_services_name_the_channel_sources_and_tools_once_each(
    northwind: ImplementationPlan,
) -> None:
    services = {t.id: t.services for t in northwind.tactics}
    assert services["li-rep-insights"] == ("LinkedIn", "HubSpot", "CSV import")
    assert services["x-support"] == ("X", "X archive", "CSV import", "Shared inbox")
    assert services["customer-newsletter"] == ("Email", "CSV import", "Email service")


def test_match_rules_are_written_in_words(northwind: ImplementationPlan) -> None:
    rules = {t.id: t.match_rules for t in northwind.tactics}
    assert rules["li-rep-insights"] == (
        "UTM campaign “li-rep-insights”",
        "activity by Ana Silva or Bo Lindqvist",
    )
    assert rules["fb-retarget"] == ("UTM campaign “fb-retarget”", "UTM source “facebook”")
    assert rules["x-support"] == ("activity of the account northwindhelp",)
    assert rules["li-listen-respond"] == ()


def test_match_rules_join_three_values_and_tag_hashtags() -> None:
    ip = implementation(
        tactic(
            "tagged",
            measurement="{sources: [csv], match: {hashtags: [a, '#b', c], accounts: [x, y]}}",
        )
    )
    [t] = ip.tactics
    assert t.match_rules == ("activity of the accounts x or y", "posts tagged #a, #b or #c")
    assert t.measured_from == ("CSV import",)


def test_benchmarks_carry_the_metric_name_and_its_better_direction(
    northwind: ImplementationPlan,
) -> None:
    by_id = {t.id: t for t in northwind.tactics}
    first_response, ratio = by_id["li-listen-respond"].benchmarks
    assert (first_response.metric.name, first_response.metric.better) == (
        "First response time",
        "lower",
    )
    assert (first_response.threshold, first_response.target) == (480, 240)
    assert ratio.metric.better == "higher"
    # A metric the plan defines itself is looked up in the plan.
    deflected = by_id["x-support"].benchmarks[1].metric
    assert (deflected.name, deflected.metric_class, deflected.unit) == (
        "Support tickets deflected",
        "business",
        "count",
    )
    assert by_id["x-support"].benchmarks[1].per == "period"


def test_goal_carries_metric_targets_and_sponsor(northwind: ImplementationPlan) -> None:
    goal = northwind.goals[2]
    assert goal.id == "cheaper-support"
    assert (goal.metric.name, goal.metric.better) == ("Support cost", "lower")
    assert (goal.baseline, goal.threshold, goal.target, goal.stretch) == (
        410_000,
        390_000,
        360_000,
        None,
    )
    assert goal.sponsor is not None and goal.sponsor.name == "Priya Nair"


def test_roles_resolve_ids_to_names(northwind: ImplementationPlan) -> None:
    [t] = [t for t in northwind.tactics if t.id == "li-rep-insights"]
    assert [p.name for p in t.operators] == ["Ana Silva", "Bo Lindqvist"]
    assert [p.name for p in t.accountable] == ["Sam Okafor"]
    assert [p.name for p in t.consulted] == ["Lee Chen"]
    assert [p.name for p in t.informed] == ["Dana Ruiz"]
    assert t.pilot is not None
    assert [p.id for p in t.pilot.control] == ["cy", "dee"]
    assert t.pilot.metric.name == "Pipeline value"


# --- cadence and dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "per", "words"),
    [(2, "month", "2 per month"), (1, "week", "1 per week"), (3, "day", "3 per day"),
     (0.5, "week", "0.5 per week"), (1.25, "day", "1.25 per day")],
)  # fmt: skip
def test_cadence_in_words(count: float, per: str, words: str) -> None:
    assert cadence_words(count, per) == words


def test_cadence_counts_how_often_it_happens_over_the_period(
    northwind: ImplementationPlan, tactics_first: ImplementationPlan
) -> None:
    cadences = {t.id: t.cadence for t in (*northwind.tactics, *tactics_first.tactics)}
    assert cadences["li-company-guides"] is not None
    assert cadences["li-company-guides"].words == "2 per month"
    # 351 days at 2 a month of 365.25 / 12 days.
    assert cadences["li-company-guides"].occurrences == 23
    assert cadences["customer-newsletter"] is not None
    assert cadences["customer-newsletter"].occurrences == 12
    assert cadences["daily-tweets"] is not None
    assert cadences["daily-tweets"].occurrences == 3 * 365
    assert cadences["x-support"] is None


def test_format_number_drops_trailing_zeros() -> None:
    assert [format_number(v) for v in (2.0, 0.5, 1.25, 1500, 2.10)] == [
        "2",
        "0.5",
        "1.25",
        "1,500",
        "2.1",
    ]


def test_phase_and_period_follow_the_dates(northwind: ImplementationPlan) -> None:
    phases = {t.id: t.phase for t in northwind.tactics}
    assert phases["trade-show"] == "not started"
    assert phases["x-support"] == "running"
    later = build_implementation_plan(load_plan_text(_northwind_text()), today=dt.date(2026, 6, 1))
    assert {t.id: t.phase for t in later.tactics}["trade-show"] == "ended"
    assert (northwind.start, northwind.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert northwind.prepared_on == TODAY


def _northwind_text() -> str:
    from outcomes.examples import example_text

    return example_text("northwind")


# --- RACI -------------------------------------------------------------------------------


def test_raci_cells_combine_every_role_a_person_has(northwind: ImplementationPlan) -> None:
    raci = northwind.raci
    assert raci.tactic_ids == tuple(t.id for t in northwind.tactics)
    assert raci.cell("lee", "li-company-guides") == "RA"
    assert raci.cell("lee", "li-rep-insights") == "C"
    assert raci.cell("dana", "li-rep-insights") == "I"
    assert raci.cell("sam", "trade-show") == "A"
    assert raci.cell("support-team", "x-support") == "R"
    assert raci.cell("ana", "x-support") == ""


def test_raci_has_a_row_for_everyone_even_without_a_role(northwind: ImplementationPlan) -> None:
    rows = {row.party.id: row for row in northwind.raci.rows}
    assert list(rows) == [
        "dana", "sam", "priya", "lee", "ana", "bo", "cy", "dee", "support-team", "talent",
    ]  # fmt: skip
    assert rows["talent"].cells == ("",) * 7
    assert rows["support-team"].party.is_team


def test_raci_letters_keep_r_a_c_i_order_whatever_the_plan_order() -> None:
    ip = implementation(
        tactic("all", operators="[ann]", accountable="ann", consulted="[ann]", informed="[ann]")
    )
    assert ip.raci.cell("ann", "all") == "RACI"


# --- capacity -----------------------------------------------------------------------


def test_capacity_splits_hours_among_operators_and_peaks_when_tactics_overlap(
    northwind: ImplementationPlan,
) -> None:
    rows = {row.party.id: row for row in northwind.capacity}
    # Lee runs guides (6) and listening (3) from 15 January, retargeting (2) from 1 March.
    assert (rows["lee"].peak, rows["lee"].peak_from) == (11, dt.date(2026, 3, 1))
    assert rows["lee"].status == "ok"
    # Two operators share li-rep-insights' 4 hours.
    assert rows["ana"].peak == 2
    assert [(load.tactic_id, load.hours_per_week) for load in rows["ana"].loads] == [
        ("li-rep-insights", 2)
    ]
    assert (rows["cy"].peak, rows["cy"].available, rows["cy"].status) == (3, 3, "ok")
    assert rows["support-team"].peak == 12
    assert rows["sam"].status == "idle"
    assert "dana" not in rows  # no capacity given and nothing asked


def test_capacity_over_and_unknown() -> None:
    ip = implementation(
        tactic("big", operators="[bob]", resources="{hours_per_week: 8}")
        + tactic("bigger", operators="[bob]", resources="{hours_per_week: 4}", start="2026-01-10")
        + tactic("guest", operators="[ceo]", resources="{hours_per_week: 1}")
    )
    rows = {row.party.id: row for row in ip.capacity}
    assert (rows["bob"].peak, rows["bob"].peak_from, rows["bob"].status) == (
        12,
        dt.date(2026, 1, 10),
        "over",
    )
    assert rows["ceo"].status == "ok"


def test_team_hours_are_the_teams_not_its_members() -> None:
    ip = implementation(tactic("care-duty", operators="[care]", resources="{hours_per_week: 15}"))
    rows = {row.party.id: row for row in ip.capacity}
    assert rows["care"].peak == 15
    assert rows["ann"].peak == 0


def test_back_to_back_tactics_do_not_add_up() -> None:
    jan = CapacityLoad("jan", 5, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    feb = CapacityLoad("feb", 5, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    overlap = CapacityLoad("late", 2, dt.date(2026, 1, 31), dt.date(2026, 3, 1))
    assert peak_load([jan, feb]) == PeakLoad(5, dt.date(2026, 1, 1), ("jan",))
    assert peak_load([jan, feb, overlap]) == PeakLoad(7, dt.date(2026, 1, 31), ("jan", "late"))
    assert peak_load([]) == PeakLoad(0, None, ())


def test_capacity_agrees_with_the_linters_owner_overloaded(
    northwind_path: Path, tactics_first_path: Path
) -> None:
    # The linter flags both: asked for more than they have, and asked with no capacity given.
    overloaded = plan_with(
        tactic("big", operators="[bob, ann]", resources="{hours_per_week: 30}", serves="both")
    )
    for loaded in (load_plan(northwind_path), load_plan(tactics_first_path), overloaded):
        ip = build_implementation_plan(loaded, today=TODAY)
        short = {row.party.id for row in ip.capacity if row.status in ("over", "unknown")}
        flagged = {
            f.element for f in check_plan(loaded).findings if f.rule.name == "owner-overloaded"
        }
        assert short == flagged
    assert short == {"bob", "ann"}


# --- unlinked elements --------------------------------------------------------------


def test_tactics_first_has_one_random_act_of_social(tactics_first: ImplementationPlan) -> None:
    assert [t.id for t in tactics_first.unlinked_tactics] == ["insta-giveaway"]
    assert tactics_first.unlinked_strategies == ()
    assert tactics_first.has_unlinked
    linked = [t.id for g in tactics_first.goals for s in g.strategies for t in s.tactics]
    assert linked == ["daily-tweets"]


def test_northwind_has_nothing_unlinked(northwind: ImplementationPlan) -> None:
    assert not northwind.has_unlinked


def test_strategy_serving_no_goal_is_unlinked_with_its_tactics() -> None:
    ip = implementation(
        tactic("under-orphan", serves="orphan") + tactic("loose") + tactic("fine", serves="both")
    )
    assert [s.id for s in ip.unlinked_strategies] == ["orphan"]
    assert [t.id for t in ip.unlinked_strategies[0].tactics] == ["under-orphan"]
    assert [t.id for t in ip.unlinked_tactics] == ["loose"]
    # The orphan strategy appears under no goal; "both" appears under each of its goals.
    assert [[s.id for s in g.strategies] for g in ip.goals] == [["both"], ["both"]]
    # Every tactic still counts once in the plan total.
    assert len(ip.tactics) == 3


# --- money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (24_000, "EUR", "€24,000"),
        (40_000, "USD", "$40,000"),
        (1_200, "CHF", "1,200 CHF"),
        (1_250.5, "GBP", "£1,250.50"),
        (0, "EUR", "€0"),
        (-300, "EUR", "-€300"),
        (0.004, "EUR", "€0"),
        (-0.001, "USD", "$0"),
        (1_234_567.891, "SEK", "1,234,567.89 SEK"),
        (99.999, "eur", "€100"),
    ],
)
def test_format_money(amount: float, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text
