"""Retention's return: retained revenue, on a small shop's workspace built from exports.

A shop wins customers with LinkedIn ads (a sales goal) and keeps them with a newsletter
(a retention goal). Five customers click an ad and buy for €100 the same day; four of
them open a newsletter in June and buy again for €40 (two of those visit the website
first, untracked); the fifth opens one and does not come back. A sixth person opens a
newsletter first and then buys for the first time, €200: a first purchase, which is
sales' credit, never retention's. One ad click buys nothing. The workspace is real: a
plan file, a HubSpot deals export and a web-sessions CSV, ingested.

Worked out by hand, for last touch: the repeat sales' journeys are the touches since each
customer's first order, so the newsletter has all €160 of retained revenue and the ads
none; linear shares the two visited journeys with the website (€40 + €40 + €20 + €20).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.measure.costs import Period
from outcomes.measure.returns import Return, ReturnPart
from outcomes.measure.roi import roi
from outcomes.measure.roi_report import RoiReport
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse
from tests.measure.crm_workspace import build_workspace

CUSTOMERS, FIRST_VALUE, REPEAT_VALUE, RETURNING = 5, 100.0, 40.0, 4
LATE_FIRST_VALUE = 200.0
RETAINED = RETURNING * REPEAT_VALUE
FIRST_TOTAL = CUSTOMERS * FIRST_VALUE + LATE_FIRST_VALUE

PLAN = """\
version: 1
organisation: {name: Harbour Tea, currency: EUR, hourly_cost: 40}
people:
  - {id: ana, name: Ana Costa, title: Founder, executive: true, function: executive}
  - {id: ben, name: Ben Ode, title: Marketing Lead, function: marketing, hours_per_week: 20}
goals:
  - {id: new-revenue, title: Revenue from new customers, metric: revenue,
     direction: increase, baseline: 0, target: 5000, start: 2026-01-01, due: 2026-12-31,
     sponsor: ana}
  - {id: keep-customers, title: Customers who buy again, metric: retention_rate,
     direction: increase, baseline: 40, target: 60, start: 2026-01-01, due: 2026-12-31,
     sponsor: ana}
strategies:
  - {id: win, title: Win customers on LinkedIn, serves: [new-revenue], owner: ben}
  - {id: keep, title: Keep customers coming back, serves: [keep-customers], owner: ben}
tactics:
  - id: li-ads
    title: LinkedIn ads for a first order
    serves: win
    channel: linkedin
    mode: advertise
    operators: [ben]
    accountable: ben
    start: 2026-01-01
    end: 2026-12-31
    resources: {budget: 300}
    benchmarks: [{metric: clicks, target: 100}]
    measurement: {sources: [csv, hubspot], match: {utm_campaign: li-ads}}
  - id: newsletter
    title: A monthly newsletter to customers
    serves: keep
    channel: email
    mode: publish
    operators: [ben]
    accountable: ben
    start: 2026-01-01
    end: 2026-12-31
    resources: {budget: 100}
    benchmarks: [{metric: clicks, target: 50}]
    measurement: {sources: [csv, hubspot], match: {utm_campaign: newsletter}}
"""


def _rows() -> tuple[list[str], list[str]]:
    sessions: list[str] = []
    deals: list[str] = []

    def deal(name: str, contact: str, value: float, when: str) -> None:
        deals.append(f"{name},{name},Closed Won,Shop,{value},{when},{when},{contact}")

    for n in range(CUSTOMERS):
        contact = f"c{n}"
        first, june = f"2026-02-{n + 2:02d}", f"2026-06-{n + 2:02d}"
        sessions.append(f"a{n},{contact},{first} 09:00,linkedin,li-ads")
        deal(f"first{n}", contact, FIRST_VALUE, f"{first} 15:00")
        if n in (2, 3):  # the website first, then the newsletter
            sessions.append(f"w{n},{contact},{june} 08:00,website,")
        sessions.append(f"n{n},{contact},{june} 09:00,email,newsletter")
        if n < RETURNING:
            deal(f"again{n}", contact, REPEAT_VALUE, f"{june} 15:00")
    sessions.append("n9,late,2026-08-03 09:00,email,newsletter")
    deal("late", "late", LATE_FIRST_VALUE, "2026-08-03 15:00")
    sessions.append("a9,prospect,2026-02-20 09:00,linkedin,li-ads")
    return sessions, deals


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    build_workspace(root, PLAN, *_rows())
    with Warehouse.open(root) as w:
        [(won, value)] = w.duckdb.execute(
            "SELECT count(*), sum(value) FROM conversions WHERE type = 'deal_won'"
        ).fetchall()
    assert (won, value) == (CUSTOMERS + RETURNING + 1, FIRST_TOTAL + RETAINED)
    return root


def _plan(root: Path) -> Plan:
    return load_plan(root / "plan.yaml").plan


def _roi(root: Path, plan: Plan, period: Period | None = None, bootstrap: int = 0) -> RoiReport:
    with Warehouse.open(root) as w:
        return roi(
            plan,
            w.table("touchpoints"),
            w.table("conversions"),
            w.table("costs"),
            models=("last_touch", "linear", "markov", "shapley"),
            period=period,
            bootstrap=bootstrap,
        )


@pytest.fixture(scope="module")
def report(shop: Path) -> RoiReport:
    return _roi(shop, _plan(shop))


@pytest.fixture(scope="module")
def both(shop: Path) -> RoiReport:
    """The same shop with the ads' strategy serving the retention goal too."""
    plan = _plan(shop)
    strategies = [
        s.model_copy(update={"serves": [*s.serves, "keep-customers"]}) if s.id == "win" else s
        for s in plan.strategies
    ]
    return _roi(shop, plan.model_copy(update={"strategies": strategies}))


def _part(kept: Return | None, family: str) -> ReturnPart | None:
    assert kept is not None
    return next((p for p in kept.parts if p.family == family), None)


def _money(part: ReturnPart | None) -> float | None:
    assert part is not None
    return None if part.money is None else part.money.value


def test_the_newsletter_returns_the_repeat_revenue_its_journeys_carry(report: RoiReport) -> None:
    row = report.row("tactic", "newsletter", "last_touch")
    retention = _part(row.returns, "retention")
    assert retention is not None and retention.measured
    assert retention.goals == ("keep-customers",)
    assert _money(retention) == pytest.approx(RETAINED)
    assert retention.unit == "EUR" and retention.value_source == "attributed"
    # Linear shares the two journeys through the website with it.
    linear = _part(report.row("tactic", "newsletter", "linear").returns, "retention")
    assert _money(linear) == pytest.approx(2 * REPEAT_VALUE + 2 * REPEAT_VALUE / 2)
    # Markov and Shapley: the newsletter is on every repeat journey, the ads on none.
    for model in ("markov", "shapley"):
        part = _part(report.row("tactic", "newsletter", model).returns, "retention")
        assert part is not None and part.measured
        assert 0 < _money(part) <= RETAINED + 1e-6  # type: ignore[operator]


def test_retention_is_never_credited_a_first_purchase(report: RoiReport) -> None:
    # The late customer's first order came right after a newsletter: last touch gives
    # the newsletter that €200 as sales, and none of it as retained revenue.
    row = report.row("tactic", "newsletter", "last_touch")
    assert row.revenue.value == pytest.approx(RETAINED + LATE_FIRST_VALUE)
    sales, retention = _part(row.returns, "sales"), _part(row.returns, "retention")
    assert _money(sales) == pytest.approx(LATE_FIRST_VALUE)
    assert _money(retention) == pytest.approx(RETAINED)
    assert sales is not None and sales.first_sales
    assert row.returns is not None
    assert row.returns.label == "€200 attributed first sales; €160 retained revenue (repeat sales)"
    goal = report.row("goal", "keep-customers", "last_touch")
    assert goal.returns is not None
    assert [p.family for p in goal.returns.parts] == ["retention"]
    assert goal.returns.money is not None
    assert goal.returns.money.value == pytest.approx(RETAINED)


def test_the_sales_tactic_gets_none_of_the_repeat_revenue(
    report: RoiReport, both: RoiReport
) -> None:
    for model in report.models:
        ads = report.row("tactic", "li-ads", model)
        assert ads.returns is not None
        assert _part(ads.returns, "retention") is None  # it serves no retention goal
        sales = _part(ads.returns, "sales")
        assert sales is not None and not sales.first_sales
    ads = report.row("tactic", "li-ads", "last_touch")
    assert ads.returns is not None and ads.returns.money is not None
    assert ads.returns.money.value == pytest.approx(CUSTOMERS * FIRST_VALUE)
    # Measured on the retention goal with the newsletter, the ads bring no retained revenue.
    for model in report.models:
        ads = both.row("tactic", "li-ads", model)
        retention = _part(ads.returns, "retention")
        assert retention is not None and not retention.measured and retention.money is None


def test_money_is_never_counted_twice(report: RoiReport, both: RoiReport) -> None:
    for measured in (report, both):
        for model in ("last_touch", "linear", "shapley"):
            tactics = [r for r in measured.rows if r.level == "tactic" and r.model == model]
            money = 0.0
            for row in tactics:
                assert row.returns is not None and row.returns.money is not None
                # Path by path models: first sales and repeat sales add up to the credit.
                assert row.returns.money.value == pytest.approx(row.revenue.value)
                money += row.returns.money.value
            # With the website's (untracked) share, every sale once.
            unplanned = measured.unplanned[model].value
            assert money + unplanned == pytest.approx(FIRST_TOTAL + RETAINED)
        for row in (r for r in measured.rows if r.level == "tactic" and r.model == "markov"):
            parts = [p for p in row.returns.parts if p.measured] if row.returns else []
            if len(parts) == 2:  # sales counts first sales only beside a retention part
                sales = next(p for p in parts if p.family == "sales")
                assert sales.first_sales
    # The ROI is on the return: the newsletter's money is its whole sales credit, once.
    row = report.row("tactic", "newsletter", "last_touch")
    assert row.roi is not None and row.cost > 0
    expected = (RETAINED + LATE_FIRST_VALUE - row.cost) / row.cost
    assert row.roi.value == pytest.approx(expected)


def test_a_period_without_repeat_sales_measures_no_retention_return(shop: Path) -> None:
    spring = _roi(shop, _plan(shop), Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    for model in spring.models:
        newsletter = spring.row("tactic", "newsletter", model)
        assert newsletter.returns is not None and newsletter.returns.kind == "none"
        assert newsletter.returns.label == "no return measured yet" and newsletter.roi is None
        goal = spring.row("goal", "keep-customers", model)
        assert goal.returns is not None and goal.returns.kind == "none"
        assert goal.returns.label == "no return measured yet"
        ads = spring.row("tactic", "li-ads", model)
        assert ads.returns is not None and ads.returns.money is not None
        assert ads.returns.money.value == pytest.approx(ads.revenue.value)


def test_the_json_keeps_its_shape_with_a_retention_part(shop: Path) -> None:
    measured = _roi(shop, _plan(shop), bootstrap=20)
    document = measured.to_json(("tactic", "goal"))
    assert document["schema_version"] == 8
    rows = {(r["level"], r["id"], r["model"]): r for r in document["rows"]}
    row = rows[("tactic", "newsletter", "last_touch")]
    assert row["return_kind"] == "money" and row["return_unit"] == "EUR"
    assert row["return"] == pytest.approx(RETAINED + LATE_FIRST_VALUE)
    assert row["return_low"] <= row["return"] <= row["return_high"]
    families = [p["family"] for p in row["return_parts"]]
    assert families == ["sales", "retention"]
    retention = row["return_parts"][1]
    assert set(retention) == {
        "family", "goals", "measured", "units", "unit", "value_per_unit", "value_source", "money",
    }  # fmt: skip
    assert retention["money"]["value"] == pytest.approx(RETAINED)
    assert retention["money"]["low"] <= RETAINED <= retention["money"]["high"]
    goal = rows[("goal", "keep-customers", "last_touch")]
    assert goal["return"] == pytest.approx(RETAINED)
    assert [p["family"] for p in goal["return_parts"]] == ["retention"]


def test_a_plans_own_metric_returning_retention_is_measured_alike(shop: Path) -> None:
    text = PLAN.replace(
        "goals:\n",
        "metrics:\n  - {id: repeat_orders, name: Repeat orders, class: business, unit: count,"
        " returns: retention}\ngoals:\n",
    ).replace("metric: retention_rate", "metric: repeat_orders")
    (shop / "own.yaml").write_text(text)
    measured = _roi(shop, load_plan(shop / "own.yaml").plan)
    goal = measured.row("goal", "keep-customers", "last_touch")
    assert goal.returns is not None and goal.returns.money is not None
    assert [p.family for p in goal.returns.parts] == ["retention"]
    assert goal.returns.money.value == pytest.approx(RETAINED)
