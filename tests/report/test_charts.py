"""The report's charts: each answers its question from the data, renders offline, escapes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import altair as alt
import pytest

from outcomes.measure.attribution import AttributionResult, ChannelCredit
from outcomes.measure.cadence import CadenceRow
from outcomes.measure.content import TacticFocus
from outcomes.measure.conversation import ConversationHealth
from outcomes.measure.costs import Period
from outcomes.measure.pacing import GoalPace
from outcomes.measure.returns import Money, Return, ReturnPart
from outcomes.measure.roi_report import Coverage, Estimate, RoiReport, RoiRow
from outcomes.report import charts

HOSTILE = "<script>alert(1)</script> & \x01café"
LONG = "a-tactic-id-that-goes-on-" + "and-on-" * 20


def pace(goal: str, status: str, actual: float | None, target: float, **kw: Any) -> GoalPace:
    fields: dict[str, Any] = {
        "goal": goal, "metric": "revenue", "direction": "increase", "kind": "flow",
        "as_of": dt.date(2026, 6, 30), "elapsed": 0.5, "baseline": 0.0, "threshold": None,
        "target": target, "actual": actual, "expected": target / 2, "forecast": actual,
        "forecast_low": None, "forecast_high": None, "status": status, "source": None,
        "last_data": None,
    }  # fmt: skip
    return GoalPace(**(fields | kw))


def roi_row(
    id_: str,
    revenue: float,
    cost: float,
    *,
    model: str = "markov",
    spread: float = 0.0,
    level: str = "tactic",
) -> RoiRow:
    value = (revenue - cost) / cost if cost else None
    roi = None if value is None else Estimate(value, value - spread, value + spread)
    zero = Estimate(0.0, 0.0, 0.0)
    return RoiRow(
        level=level, id=id_, model=model, conversions=zero,
        revenue=Estimate(revenue, revenue * 0.8, revenue * 1.2), new_customers=zero,
        cost=cost, people=cost, money=0.0, technology=0.0, roi=roi, roas=None,
        cost_per_acquisition=None,
    )  # fmt: skip


def report(rows: list[RoiRow], unplanned: dict[str, float]) -> RoiReport:
    return RoiReport(
        period=Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        currency="EUR",
        models=tuple(dict.fromkeys(r.model for r in rows)),
        params={},
        rows=tuple(rows),
        unplanned={m: Estimate(v, v, v) for m, v in unplanned.items()},
        coverage=Coverage(1.0, 1.0, 1.0, 1.0),
    )


def talk(account: str, rate: float | None, ratio: float | None) -> ConversationHealth:
    return ConversationHealth(
        group={"channel": "linkedin", "account": account}, inbound=None, answered=0,
        answered_unseen=0, response_rate=rate, median_first_response_minutes=None,
        p90_first_response_minutes=None, median_first_response_business_minutes=None,
        p90_first_response_business_minutes=None, own_posts=10, answers=0,
        listen_push_ratio=ratio,
        flags=(),
    )  # fmt: skip


def focus(tactic: str, score: float, brand_share: float, posts: int = 10) -> TacticFocus:
    return TacticFocus(tactic, posts, score, brand_share, None, None, None)


def rhythm(tactic: str, operator: str, kept: int, periods: int, status: str) -> CadenceRow:
    return CadenceRow(tactic, operator, 1.0, "week", periods, kept, kept, None, status)  # type: ignore[arg-type]


def credit(model: str, **values: float) -> AttributionResult:
    channels = tuple(ChannelCredit(name, 1.0, value) for name, value in values.items())
    return AttributionResult(model=model, params={}, channels=channels)


def subtitle(chart: Any) -> str:
    return " ".join(chart.to_dict()["title"]["subtitle"])


def values(chart: Any) -> list[dict[str, Any]]:
    """Every data row of the chart's spec (Altair gathers inline data into `datasets`)."""
    datasets = chart.to_dict().get("datasets", {})
    return [row for rows in datasets.values() for row in rows if "label" in row]


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]


GOALS = [
    pace("logos", "achieved", 64.0, 60.0),
    pace("orders", "at_risk", 18_000.0, 21_000.0, metric="average_order_value"),
    pace("support", "on_track", 380_000.0, 360_000.0, direction="decrease"),
    pace("nps", "no_data", None, 50.0),
]
TITLES = {"logos": "Win more logos", "orders": "Raise the order value"}
ROI_ROWS = [
    roi_row("guides", 273_824.0, 27_060.0, spread=2.0),
    roi_row("trade-show", 143_420.0, 31_860.0, spread=5.0),
    roi_row("newsletter", 0.0, 8_500.0),
    roi_row("unpaid", 0.0, 0.0),
]


@pytest.fixture(scope="module")
def every_chart() -> dict[str, Any]:
    """One chart of each kind, from small hand-made inputs."""
    model_rows = [
        roi_row("guides", 20.0, 10.0),
        roi_row("show", 60.0, 10.0),
        roi_row("guides", 50.0, 10.0, model="linear"),
        roi_row("show", 30.0, 10.0, model="linear"),
    ]
    built = {
        "goals": charts.goal_pacing_chart(GOALS, TITLES),
        "roi": charts.roi_chart(ROI_ROWS, "EUR"),
        "revenue_cost": charts.revenue_cost_chart(ROI_ROWS, "EUR"),
        "models": charts.model_comparison_chart(report(model_rows, {"markov": 20.0})),
        "conversation": charts.conversation_chart([talk("Ana", 0.9, 2.0), talk("Bo", 0.2, 0.5)]),
        "content": charts.content_focus_chart([focus("guides", 0.6, 0.0), focus("ads", -0.4, 0.5)]),
        "cadence": charts.cadence_chart([rhythm("guides", "(tactic)", 9, 10, "kept the rhythm")]),
        "attribution": charts.attribution_chart(credit("markov", web=300.0, email=700.0), "EUR"),
    }
    assert all(chart is not None for chart in built.values())
    return built


@pytest.fixture(scope="module")
def svgs(every_chart: dict[str, Any]) -> dict[str, str]:
    return {name: charts.to_svg(chart) for name, chart in every_chart.items()}


def test_goal_pacing_answers_how_many_goals_are_on_pace() -> None:
    chart = charts.goal_pacing_chart(GOALS, TITLES)
    assert chart is not None
    assert chart.to_dict()["title"]["text"] == "Are the goals on pace?"
    assert subtitle(chart) == (
        "2 of 4 goals achieved or on track; behind: Raise the order value; no data yet: nps"
    )


def test_goal_pacing_puts_every_goal_on_a_share_of_its_target() -> None:
    chart = charts.goal_pacing_chart(GOALS, TITLES)
    rows = {r["label"]: r for r in values(chart) if "expected" in r}
    assert rows["Win more logos"]["value"] == pytest.approx(64 / 60)
    assert rows["Win more logos"]["expected"] == pytest.approx(0.5)
    assert rows["support"]["text"] == "106% · lower is better"
    assert rows["nps"]["value"] is None and rows["nps"]["text"] == "no data"
    assert {r["colour"] for r in rows.values()} == {
        "achieved",
        "at risk",
        "on track",
        "no data yet",
    }


def test_roi_chart_names_the_best_tactic_and_counts_each_verdict() -> None:
    chart = charts.roi_chart(ROI_ROWS, "EUR")
    assert chart is not None
    assert chart.to_dict()["title"]["text"] == "Which tactics pay for themselves?"
    # trade-show's interval crosses 0 and the newsletter's −100% has no interval (no width):
    # neither is said to return less, or more, than it costs.
    assert subtitle(chart) == (
        "guides returns 10.1× its cost (€273,824 on €27,060); of 3 tactics, 1 pays for"
        " itself, 2 cannot tell yet"
    )
    verdicts = {r["label"]: r["verdict"] for r in values(chart) if "verdict" in r}
    assert verdicts["newsletter"] == "unclear"
    plotted = [r["label"] for r in values(chart) if "roi" in r]
    assert plotted == ["guides", "trade-show", "newsletter"]  # best first; no ROI, no point


def test_roi_verdict_is_unclear_when_the_interval_crosses_zero() -> None:
    rows = [roi_row("sure", 300.0, 100.0, spread=1.0), roi_row("maybe", 120.0, 100.0, spread=0.5)]
    verdicts = {r["label"]: r["verdict"] for r in values(charts.roi_chart(rows, "USD"))}
    assert verdicts == {"sure": "pays for itself", "maybe": "unclear"}
    # Not "all 2 tactics return more than they cost": maybe's interval goes below 0.
    assert subtitle(charts.roi_chart(rows, "USD")).endswith(
        "of 2 tactics, 1 pays for itself, 1 cannot tell yet"
    )
    losing = [roi_row("loses", 20.0, 100.0, spread=0.1), roi_row("sure", 300.0, 100.0)]
    assert subtitle(charts.roi_chart(losing, "USD")).endswith(
        "of 2 tactics, 1 costs more than it returns, 1 cannot tell yet"
    )


def test_revenue_cost_chart_totals_in_the_plan_currency() -> None:
    chart = charts.revenue_cost_chart(ROI_ROWS, "CHF")
    assert subtitle(chart) == (
        "417,244 CHF returned in the goals' terms against 67,420 CHF cost; guides brought"
        " back the most (273,824 CHF); 2 of 4 tactics returned nothing"
    )
    assert chart is not None
    assert chart.to_dict()["config"]["locale"]["number"]["currency"] == ["", " CHF"]


def test_model_comparison_names_the_tactic_models_disagree_on() -> None:
    rows = [
        roi_row("guides", 20.0, 10.0),
        roi_row("show", 60.0, 10.0),
        roi_row("guides", 50.0, 10.0, model="linear"),
        roi_row("show", 30.0, 10.0, model="linear"),
    ]
    chart = charts.model_comparison_chart(report(rows, {"markov": 20.0, "linear": 20.0}))
    shares = {(r["label"], r["model"]): r["share"] for r in values(chart) if "share" in r}
    assert shares[("guides", "markov")] == pytest.approx(0.2)
    assert shares[("guides", "linear")] == pytest.approx(0.5)
    assert shares[(charts.NO_TACTIC, "linear")] == pytest.approx(0.2)
    for model in ("markov", "linear"):
        assert sum(s for (_, m), s in shares.items() if m == model) == pytest.approx(1.0)
    assert (
        subtitle(chart)
        == "they disagree most on show: 30% of revenue under linear, 60% under markov"
    )


def test_model_comparison_with_one_model_says_there_is_nothing_to_compare() -> None:
    chart = charts.model_comparison_chart(report([roi_row("guides", 20.0, 10.0)], {}))
    assert subtitle(chart) == "only one model was run: nothing to compare"


def test_conversation_chart_counts_accounts_under_the_line() -> None:
    rows = [talk("Ana", 0.9, 2.0), talk("Bo", 0.2, 0.5), talk("Cy", None, 36.0)]
    chart = charts.conversation_chart(rows)
    assert subtitle(chart) == (
        "1 of 2 accounts with inbound answer at least 50%; linkedin · Bo answers 20%;"
        " 1 of 3 post more than they reply"
    )
    drawn = {(r["label"], r["text"]): r["value"] for r in values(chart) if "text" in r}
    assert drawn[("linkedin · Cy", "36.0")] == 4.0  # drawn at the cap, written in full
    assert drawn[("linkedin · Cy", "not in export")] is None


def test_conversation_chart_draws_the_held_messages_rate_the_tables_show() -> None:
    """X's direct messages beside replies to posts the archive does not hold: the tables
    read "75% of held"; the chart drew no bar ("not in export")."""
    held = dataclasses.replace(talk("donors", None, 2.0), held_response_rate=0.75)
    chart = charts.conversation_chart([held])
    drawn = {(r["label"], r["text"]): r["value"] for r in values(chart) if "text" in r}
    assert drawn[("linkedin · donors", "75% of held")] == 0.75


def test_content_focus_names_the_most_and_least_customer_focused_tactics() -> None:
    chart = charts.content_focus_chart([focus("ads", -0.4, 0.5), focus("guides", 0.6, 0.0)])
    assert subtitle(chart) == (
        "most about the customer: guides (+0.60); most about us: ads (-0.40, 50% of its"
        " posts brand-centric)"
    )


def test_cadence_chart_lists_who_stopped_and_who_has_no_data() -> None:
    rows = [
        rhythm("guides", "(tactic)", 9, 10, "kept the rhythm"),
        rhythm("guides", "lee", 2, 10, "stopped"),
        rhythm("newsletter", "(tactic)", 0, 10, "no activity data"),
    ]
    chart = charts.cadence_chart(rows)
    assert subtitle(chart) == (
        "1 of 3 kept the rhythm; stopped: guides · lee; no activity data: newsletter"
    )
    drawn = {r["label"]: r for r in values(chart) if "text" in r}
    assert drawn["guides · lee"]["text"] == "2 of 10 weeks"
    assert drawn["newsletter"]["value"] is None


def test_attribution_chart_sorts_by_credit_and_falls_back_to_conversions() -> None:
    chart = charts.attribution_chart(credit("markov", web=300.0, email=700.0), "EUR")
    assert [r["label"] for r in values(chart) if "text" in r] == ["email", "web"]
    assert subtitle(chart) == "email earns 70% of the €1,000 credited"
    counts = AttributionResult("linear", {}, (ChannelCredit("a", 3.0, 0.0),))
    assert subtitle(charts.attribution_chart(counts, "EUR")) == (
        "a earns 100% of the 3.0 conversions credited"
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.goal_pacing_chart([], {}),
        lambda: charts.roi_chart([roi_row("free", 0.0, 0.0)], "EUR"),
        lambda: charts.revenue_cost_chart([], "EUR"),
        lambda: charts.model_comparison_chart(report([], {})),
        lambda: charts.conversation_chart([talk("Ana", None, None)]),
        lambda: charts.content_focus_chart([focus("quiet", 0.0, 0.0, posts=0)]),
        lambda: charts.cadence_chart([]),
        lambda: charts.attribution_chart(credit("markov"), "EUR"),
    ],
)
def test_nothing_to_draw_gives_no_chart(build: Callable[[], Any]) -> None:
    assert build() is None


def test_every_chart_is_valid_vega_lite(every_chart: dict[str, Any]) -> None:
    """`to_svg` renders specs without checking them (for speed): the check is here."""
    for chart in every_chart.values():
        chart.to_dict(validate=True)  # raises SchemaValidationError, naming what is wrong


def test_every_chart_is_well_formed_svg_without_external_references(svgs: dict[str, str]) -> None:
    for name, svg in svgs.items():
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        urls = set(re.findall(r"https?://[^\"'\s)]+", svg))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, name
        assert "<script" not in svg and "@import" not in svg, name
        assert not re.search(r"url\((?!#)", svg), name  # only references inside the SVG


def test_every_chart_renders_the_same_bytes_twice(
    every_chart: dict[str, Any], svgs: dict[str, str]
) -> None:
    for name, chart in every_chart.items():
        assert charts.to_svg(chart) == svgs[name], name


def test_gradient_ids_do_not_count_earlier_renders() -> None:
    """vl-convert numbers gradients per process; `to_svg` names them after the chart."""
    data = alt.InlineData(values=[{"x": 1, "c": 0.5}, {"x": 2, "c": 0.9}])
    chart = alt.Chart(data).mark_point().encode(x="x:Q", color="c:Q")
    first, second = charts.to_svg(chart), charts.to_svg(chart)
    assert first == second
    ids = re.findall(r'id="([^"]+)"', first)
    assert ids and all(f"url(#{i})" in first for i in ids)
    other = charts.to_svg(chart.properties(width=100))
    assert not set(ids) & set(re.findall(r'id="([^"]+)"', other))


def test_currency_axis_writes_the_currency_symbol(svgs: dict[str, str]) -> None:
    assert any(t.startswith("€") for t in texts(svgs["revenue_cost"]))
    assert "Amount (EUR)" in texts(svgs["revenue_cost"])


def test_hostile_labels_are_escaped_and_stripped_of_control_characters() -> None:
    chart = charts.attribution_chart(credit("markov", **{HOSTILE: 5.0, "web": 1.0}), "EUR")
    svg = charts.to_svg(chart)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; café" in svg
    shown = texts(svg)  # parsing proves the escaping; the text reads as typed, minus \x01
    assert "<script>alert(1)</script> & café" in shown
    assert any(t.startswith("<script>alert(1)</script> & café earns") for t in shown)


def test_long_labels_are_cut_with_an_ellipsis_and_stay_distinct() -> None:
    rows = [roi_row(LONG + "x", 200.0, 100.0), roi_row(LONG + "y", 300.0, 100.0)]
    chart = charts.roi_chart(rows, "EUR")
    labels = [r["label"] for r in values(chart) if "roi" in r]
    assert all(len(label) <= charts.LABEL_LIMIT + 4 for label in labels)
    assert labels[0].endswith("…") and labels[1] == labels[0] + " (2)"
    assert LONG not in subtitle(chart)
    assert len(subtitle(chart).split(" returns ")[0]) == charts.NAME_LIMIT


def test_png_is_a_png() -> None:
    chart = charts.attribution_chart(credit("markov", web=1.0), "EUR")
    assert charts.to_png(chart, scale=1).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_printed_chart_leaves_its_question_and_answer_to_the_page(
    every_chart: dict[str, Any], svgs: dict[str, str]
) -> None:
    """The PDF sets a chart's title and subtitle as text: the drawing has neither."""
    for name, chart in every_chart.items():
        drawn = charts.to_untitled_svg(chart)
        title = chart.to_dict()["title"]
        assert (drawn.question, list(drawn.answer)) == (title["text"], title["subtitle"]), name
        assert title["text"] in texts(svgs[name]) and title["text"] not in texts(drawn.svg)
        assert drawn.svg.startswith("<svg") and len(texts(drawn.svg)) >= 3, name


def test_the_return_cost_chart_judges_each_tactic_in_its_goals_terms() -> None:
    """A support tactic brought back the contacts it saved, not "no attributed revenue";
    a listening tactic whose return nothing measures has no bar of 0."""
    saved = ReturnPart("support", ("cheaper-support",), True, 873.0, "contacts", 25.0, "plan",
                       Money(21_825.0, 20_625.0, 23_075.0))  # fmt: skip
    unmeasured = ReturnPart("sales", ("new-logos",), False, None, "EUR", None, None, None)
    rows = [
        dataclasses.replace(roi_row("x-support", 0.0, 47_930.0),
                            returns=Return("money", saved.money, (saved,), "EUR")),
        dataclasses.replace(roi_row("listen", 0.0, 12_162.0),
                            returns=Return("none", None, (unmeasured,), "EUR")),
    ]  # fmt: skip
    chart = charts.revenue_cost_chart(rows, "EUR")
    assert subtitle(chart) == (
        "€21,825 returned in the goals' terms against €60,092 cost; x-support brought back the"
        " most (€21,825); 1 with no return in money measured yet"
    )
    bars = {(r["label"], r["measure"]): r["amount"] for r in values(chart)}
    assert bars[("x-support", "Return (goals' terms)")] == 21_825.0
    assert bars[("listen", "Return (goals' terms)")] is None
