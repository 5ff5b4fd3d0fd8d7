"""Charts of the executive report and the dashboard: each one asks a question and answers it.

Every builder takes measured results and returns an Altair chart (None when there is
nothing to draw) titled with its question and subtitled with the answer, computed from
the numbers it draws, so a reader who reads only titles still gets the report. `to_svg`
and `to_png` render offline with vl-convert: no Vega from a CDN, no script, no external
URL, and the same input gives the same bytes.

Labels come from plan ids and exported account names, which anyone can type: they lose
the characters XML cannot hold, are cut to `LABEL_LIMIT` characters, and vl-convert
escapes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import altair as alt
import vl_convert as vlc

from outcomes.measure.attribution.result import AttributionResult
from outcomes.measure.cadence import KEPT_SHARE, TACTIC, CadenceRow
from outcomes.measure.content import TacticFocus
from outcomes.measure.conversation import LOW_RESPONSE, ConversationHealth
from outcomes.measure.pacing import GoalPace
from outcomes.measure.roi_report import Estimate, RoiReport, RoiRow
from outcomes.measure.words import roi_verdict
from outcomes.report import chart_layout as layout
from outcomes.report.chart_engine import start_engine as start_engine
from outcomes.report.chart_layout import LABEL_LIMIT as LABEL_LIMIT
from outcomes.report.chart_layout import NAME_LIMIT as NAME_LIMIT
from outcomes.report.chart_layout import STEP, Record
from outcomes.report.chart_layout import Chart as Chart
from outcomes.report.strategy_map import STATUS_COLOURS

WIDTH: Final = 560
NO_TACTIC: Final = "(no tactic)"
"""The model comparison's row for revenue credited to touches no tactic claims."""
_RATIO_CAP: Final = 4.0
"""Replies per post drawn at most: a support desk's 35 would flatten every other bar."""
_VERDICTS: Final = {
    "pays for itself": layout.GOOD,
    "unclear": layout.GREY,
    "costs more than it returns": layout.BAD,
}
_STATUS: Final = {status: (word, colour) for status, (_, colour, word) in STATUS_COLOURS.items()}
_PACING: Final = dict(_STATUS.values()) | {"no data": layout.GREY}
"""Goal status as the strategy map words and colours it, plus the grey of no data."""
_RHYTHMS: Final = {
    "kept the rhythm": _STATUS["on_track"][1], "irregular": _STATUS["at_risk"][1],
    "stopped": layout.BAD, "not started": layout.BAD, "no activity data": _STATUS["stale"][1],
}  # fmt: skip
_LOWER_IS_BETTER: Final = ("decrease", "at_most")
_GOAL_GROUPS: Final = (
    ("missed", ("missed",)),
    ("behind", ("at_risk", "off_track")),
    ("data stopped", ("stale",)),
    ("no data yet", ("no_data",)),
)
_ID: Final = re.compile(r'\bid="([^"]+)"')


def to_svg(chart: Chart) -> str:
    """The chart as standalone SVG text, rendered here without a browser or network."""
    spec = _spec(chart)
    svg: str = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    return _own_ids(svg, json.dumps(spec, sort_keys=True))


@dataclass(frozen=True, slots=True)
class Untitled:
    """A chart drawn without its title, for the caller to set as text (`to_untitled_svg`)."""

    question: str
    answer: tuple[str, ...]
    """The subtitle's lines."""
    svg: str


def to_untitled_svg(chart: Chart) -> Untitled:
    """The chart as SVG without its title and subtitle, which are returned as text.

    For the PDF: WeasyPrint lays out SVG text one letter at a time, and the question and
    its answer are most of a chart's letters; set as HTML around the drawing they cost a
    line each, and stay selectable and searchable.
    """
    spec = _spec(chart)
    title = spec.pop("title", None)
    svg: str = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    if isinstance(title, dict):
        question, answer = str(title.get("text", "")), title.get("subtitle", ())
    else:
        question, answer = str(title or ""), ()
    answer_lines = (answer,) if isinstance(answer, str) else tuple(map(str, answer))
    return Untitled(question, answer_lines, _own_ids(svg, json.dumps(spec, sort_keys=True)))


def _own_ids(svg: str, spec: str) -> str:
    """Element ids named after the chart, not after how many charts came before.

    vl-convert numbers gradients process-wide (gradient_0, gradient_1, ...), so the same
    chart would render differently each time; ids from the spec's hash stay put, and
    differ between the charts that share one page.
    """
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if not ids:
        return svg
    prefix = "chart-" + hashlib.sha256(spec.encode()).hexdigest()[:12]
    new = {old: f"{prefix}-{n}" for n, old in enumerate(ids)}
    refs = re.compile(r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, ids)) + r')(?=[")])')
    return refs.sub(lambda m: m.group(1) + new[m.group(2)], svg)


def to_png(chart: Chart, scale: float = 2) -> bytes:
    """The chart as PNG; `scale` 2 keeps it sharp on high-density screens and in print."""
    png: bytes = vlc.vegalite_to_png(_spec(chart), scale=scale, allowed_base_urls=[])
    return png


def _spec(chart: Chart) -> dict[str, Any]:
    """The chart's Vega-Lite spec, unchecked: checking it against the Vega-Lite schema
    costs more than drawing it, and the builders are the same on every call (the tests
    check every chart's spec against the schema)."""
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


# -- goals --------------------------------------------------------------------------------


def goal_pacing_chart(
    goals: Sequence[GoalPace], titles: Mapping[str, str], *, width: int = WIDTH
) -> Chart | None:
    """Each goal's actual and expected-by-now as a share of its target.

    Shares of target put customers, euros and minutes on one axis. Past 100% is good for
    a goal to raise a number and bad for one to lower it, so the latter says so.
    """
    if not goals:
        return None
    names = [titles.get(g.goal, g.goal) for g in goals]
    labels = layout.axis_labels(names)
    records = [_goal_record(g, labels[n]) for g, n in zip(goals, names, strict=True)]
    largest = max(max(r["value"] or 0.0, r["expected"] or 0.0) for r in records)
    title = "Actual, % of target (black tick: expected by now; dashed line: target)"
    bars = layout.bars(
        records, title, (0, max(1.2, largest * 1.1)), colours=_PACING, line=1.0, legend=True
    )
    expected = layout.rows(records).mark_tick(color=layout.INK, thickness=2, size=STEP * 0.8)
    layer = alt.LayerChart(layer=[*bars, expected.encode(x=alt.X("expected:Q"))])
    good = sum(1 for g in goals if g.status in ("achieved", "on_track"))
    answer = [f"{good} of {len(goals)} goals achieved or on track"]
    for word, statuses in _GOAL_GROUPS:
        which = [layout.short(n) for g, n in zip(goals, names, strict=True) if g.status in statuses]
        if which:
            answer.append(f"{word}: {', '.join(which)}")
    return layout.finish(layer, "Are the goals on pace?", answer, width, labels)


def _goal_record(goal: GoalPace, label: str) -> Record:
    actual = None if goal.actual is None or goal.target == 0 else goal.actual / goal.target
    expected = None if goal.target == 0 else goal.expected / goal.target
    if actual is None:
        text = "no data" if goal.actual is None else "target is 0"
    else:
        lower = goal.direction in _LOWER_IS_BETTER
        text = f"{actual:.0%}" + (" · lower is better" if lower else "")
    word = _STATUS[goal.status][0] if goal.status in _STATUS else goal.status.replace("_", " ")
    record = layout.bar(label, actual, text, word)
    return record | {"expected": expected, "at": max(actual or 0.0, expected or 0.0)}


# -- ROI ----------------------------------------------------------------------------------


def roi_chart(
    rows: Sequence[RoiRow], currency: str, *, confidence: float = 0.9, width: int = WIDTH
) -> Chart | None:
    """ROI per tactic with its interval: whether a tactic pays for itself, and how surely.

    An interval across zero means the journeys cannot tell yet, which a point alone hides.
    """
    measured = sorted((r for r in rows if r.roi is not None), key=lambda r: -_roi(r).value)
    if not measured:
        return None
    labels = layout.axis_labels(r.id for r in measured)
    records = [_roi_record(r, labels[r.id]) for r in measured]
    verdicts = [v for v in _VERDICTS if any(r["verdict"] == v for r in records)]
    base = layout.rows(records)
    x = alt.X(
        "roi:Q",
        axis=alt.Axis(format=".0%", tickCount=6),
        title=f"ROI = (return in the goals' terms − cost) ÷ cost, {confidence:.0%} interval",
    )
    colour = alt.Color("verdict:N", scale=layout.colour_scale({v: _VERDICTS[v] for v in verdicts}))
    layer = alt.LayerChart(
        layer=[
            layout.rule_at(0.0),
            base.mark_rule(color=layout.GREY, strokeWidth=2).encode(
                x=alt.X("low:Q"), x2=alt.X2("high:Q")
            ),
            base.mark_point(filled=True, size=70, opacity=1).encode(x=x, color=colour),
            base.mark_text(align="left", dx=8, color=layout.INK).encode(
                x=alt.X("high:Q"), text=alt.Text("text:N")
            ),
        ]
    )
    best = measured[0]
    kept = best.returns
    returned = kept.money.value if kept and kept.money else best.revenue.value
    money = f"{layout.money(returned, currency)} on {layout.money(best.cost, currency)}"
    answer = [
        f"{layout.short(best.id)} returns {_roi(best).value + 1:.1f}× its cost ({money})",
        _verdict_counts(records),
    ]
    unmeasured = sum(1 for r in rows if r.roi is None and r.returns and r.returns.kind == "none")
    if unmeasured:
        answer.append(f"{unmeasured} with no return measured yet")
    return layout.finish(layer, "Which tactics pay for themselves?", answer, width, labels)


def _roi(row: RoiRow) -> Estimate:
    assert row.roi is not None, "rows without ROI are left out before"
    return row.roi


_VERDICT_WORDS: Final = {
    "pays for itself": ("pays for itself", "pay for themselves"),
    "costs more than it returns": ("costs more than it returns", "cost more than they return"),
    "unclear": ("cannot tell yet", "cannot tell yet"),
}
"""Each verdict counted in the chart's answer, for one tactic and for several."""


def _verdict_counts(records: Sequence[Record]) -> str:
    """How many tactics have each verdict: "of 3 tactics, 1 pays for itself, 2 cannot tell
    yet". Counted by verdict, not by the point's sign, so that a tactic whose interval
    crosses 0 is never said to return more, or less, than it costs."""
    said = []
    for verdict, (one, several) in _VERDICT_WORDS.items():
        count = sum(1 for record in records if record["verdict"] == verdict)
        if count:
            said.append(f"{count} {one if count == 1 else several}")
    return f"of {len(records)} tactics, " + ", ".join(said)


def _roi_record(row: RoiRow, label: str) -> Record:
    """A tactic's ROI and its verdict (`roi_verdict`): sure only when the whole interval,
    of some width, is on one side of 0."""
    roi = _roi(row)
    low, high = min(roi.low, roi.value), max(roi.high, roi.value)
    verdict = {"gain": "pays for itself", "loss": "costs more than it returns", None: "unclear"}[
        roi_verdict(roi)
    ]
    return {
        "label": label, "roi": roi.value, "low": low, "high": high, "verdict": verdict,
        "text": f"{roi.value:.0%}",
    }  # fmt: skip


def revenue_cost_chart(
    rows: Sequence[RoiRow], currency: str, *, width: int = WIDTH
) -> Chart | None:
    """The return in the goals' terms beside cost per tactic: the two numbers ROI is made of.

    ROI hides scale (a small tactic can return 10×); this shows where the money is. The
    return is the one ROI is on (`outcomes.measure.returns`): a support tactic's contacts
    saved × their cost, not the sales it was never meant to make. A tactic whose return
    has no money value (or is not measured yet) has no bar and is counted apart, never
    drawn as a return of 0.
    """
    returned = {r.id: _money_return(r) for r in rows}
    if not rows or all(not returned[r.id] and r.cost == 0 for r in rows):
        return None
    ordered = sorted(rows, key=lambda r: (-(returned[r.id] or 0.0), -r.cost, r.id))
    labels = layout.axis_labels(r.id for r in ordered)
    measures = {"Return (goals' terms)": layout.BLUE, "Cost": layout.GREY}
    records = [
        {"label": labels[r.id], "measure": measure, "amount": amount}
        for r in ordered
        for measure, amount in zip(measures, (returned[r.id], r.cost), strict=True)
    ]
    x = alt.X("amount:Q", axis=alt.Axis(format="$~s"), title=f"Amount ({currency})")
    bars = layout.rows(records, sort=[labels[r.id] for r in ordered]).mark_bar().encode(
        x=x, yOffset=alt.YOffset("measure:N", sort=list(measures)),
        color=alt.Color("measure:N", scale=layout.colour_scale(measures)),
    )  # fmt: skip
    height = alt.Step(STEP * 1.5, **{"for": "position"})
    chart = bars.properties(width=layout.plot_width(width, labels), height=height)
    question = "What did each tactic bring back, and what did it cost?"
    answer = _return_cost_answer(ordered, returned, currency)
    return layout.finish(chart, question, answer, width, labels, currency=currency, sized=True)


def _money_return(row: RoiRow) -> float | None:
    """The money ROI is on: the return in the goals' terms; attributed revenue for a row
    measured before returns were; none when the return has no money value."""
    if row.returns is None:
        return row.revenue.value
    return None if row.returns.money is None else row.returns.money.value


def _return_cost_answer(
    ordered: Sequence[RoiRow], returned: Mapping[str, float | None], currency: str
) -> list[str]:
    total = sum(amount or 0.0 for amount in returned.values())
    cost = sum(r.cost for r in ordered)
    answer = [
        f"{layout.money(total, currency)} returned in the goals' terms against "
        f"{layout.money(cost, currency)} cost"
    ]
    top = ordered[0]
    if (returned[top.id] or 0.0) > 0:
        most = layout.money(returned[top.id] or 0.0, currency)
        answer.append(f"{layout.short(top.id)} brought back the most ({most})")
    nothing = sum(1 for r in ordered if returned[r.id] == 0)
    if nothing:
        answer.append(f"{nothing} of {len(ordered)} tactics returned nothing")
    unvalued = sum(1 for r in ordered if returned[r.id] is None)
    if unvalued:
        answer.append(f"{unvalued} with no return in money measured yet")
    return answer


def model_comparison_chart(roi: RoiReport, *, width: int = WIDTH) -> Chart | None:
    """Each tactic's share of attributed revenue under every model, as a heatmap.

    Where the models agree, the credit does not hang on the choice of model; the tactic
    they disagree on most is the one whose ROI to read with care.
    """
    shares = _model_shares(roi)
    if not shares:
        return None
    tactics = list(dict.fromkeys(t for t, _ in shares))
    labels = layout.axis_labels(tactics)
    records = [
        {"label": labels[t], "model": m, "share": s, "text": f"{s:.0%}"}
        for (t, m), s in shares.items()
    ]
    darkest = max(shares.values())
    base = layout.rows(records, sort=[labels[t] for t in tactics]).encode(
        x=alt.X(
            "model:N", sort=list(roi.models), title=None, axis=alt.Axis(orient="top", labelAngle=0)
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "share:Q",
            scale=alt.Scale(domain=[0, darkest], range=["#eff6ff", "#1e3a8a"]),
            legend=None,  # every cell writes its share
        )
    )
    ink = layout.colour_if(f"(datum.share > {darkest * 0.55!r})", "white", layout.INK)
    text = base.mark_text().encode(text=alt.Text("text:N"), color=ink)
    layer = alt.LayerChart(layer=[cells, text])
    question = "Do the attribution models agree on where revenue comes from?"
    return layout.finish(layer, question, _model_answer(shares), width, labels)


def _model_shares(roi: RoiReport) -> dict[tuple[str, str], float]:
    """(tactic, model) → share of the model's revenue, touches of no tactic included."""
    totals = {m: roi.unplanned[m].value if m in roi.unplanned else 0.0 for m in roi.models}
    rows = [r for r in roi.rows if r.level == "tactic" and r.model in totals]
    for row in rows:
        totals[row.model] += row.revenue.value
    if not rows or not any(totals.values()):
        return {}
    shares = {(r.id, r.model): r.revenue.value / (totals[r.model] or 1.0) for r in rows}
    if any(roi.unplanned[m].value for m in totals if m in roi.unplanned):
        for model, total in totals.items():
            unplanned = roi.unplanned[model].value if model in roi.unplanned else 0.0
            shares[(NO_TACTIC, model)] = unplanned / (total or 1.0)
    return shares


def _model_answer(shares: Mapping[tuple[str, str], float]) -> list[str]:
    by_tactic: dict[str, dict[str, float]] = {}
    for (tactic, model), share in shares.items():
        by_tactic.setdefault(tactic, {})[model] = share
    if max(len(m) for m in by_tactic.values()) < 2:
        return ["only one model was run: nothing to compare"]
    spread = {t: max(m.values()) - min(m.values()) for t, m in by_tactic.items() if t != NO_TACTIC}
    widest = max(spread, key=lambda t: (spread[t], t), default=None)
    if widest is None or spread[widest] < 0.05:
        answer = ["they agree within 5 points on every tactic"]
    else:
        models = by_tactic[widest]
        low = min(models, key=lambda m: (models[m], m))
        high = max(models, key=lambda m: (models[m], m))
        answer = [
            f"they disagree most on {layout.short(widest)}: {models[low]:.0%} of revenue under"
            f" {layout.short(low)}, {models[high]:.0%} under {layout.short(high)}"
        ]
    unplanned = by_tactic.get(NO_TACTIC, {}).values()
    if unplanned and max(unplanned) >= 0.25:
        answer.append(f"touches of no tactic take {min(unplanned):.0%} to {max(unplanned):.0%}")
    return answer


# -- the work itself ----------------------------------------------------------------------


def conversation_chart(rows: Sequence[ConversationHealth], *, width: int = WIDTH) -> Chart | None:
    """Response rate and replies per own post, per channel and account, side by side.

    The seeds: answer at least half of what comes in, and reply at least as often as you
    post. Ratios past `_RATIO_CAP` are drawn at the cap and written out in full.
    """
    shown = [r for r in rows if _drawn_rate(r) is not None or r.listen_push_ratio is not None]
    if not shown:
        return None
    names = [" · ".join(str(v) for v in r.group.values() if v) or "(all)" for r in shown]
    labels = layout.axis_labels(names)
    rates, ratios = [], []
    for row, name in zip(shown, names, strict=True):
        rate, ratio = _drawn_rate(row), row.listen_push_ratio
        rate_text = "not in export" if rate is None else row.rate_words
        rates.append(layout.bar(labels[name], rate, rate_text, layout.side(rate, LOW_RESPONSE)))
        ratio_text = "no own posts" if ratio is None else f"{ratio:,.1f}"
        ratios.append(
            layout.bar(labels[name], ratio, ratio_text, layout.side(ratio, 1.0), cap=_RATIO_CAP)
        )
    panels = [
        layout.bars(rates, f"Response rate (line: {LOW_RESPONSE:.0%})", (0, 1), line=LOW_RESPONSE),
        layout.bars(ratios, "Replies per own post (line: 1)", (0, _RATIO_CAP), line=1.0, fmt="~g",
              labels=False, capped=True),
    ]  # fmt: skip
    chart = layout.side_by_side(panels, width, labels)
    answer = []
    rated = sorted(
        (r["value"], n) for r, n in zip(rates, names, strict=True) if r["value"] is not None
    )
    if rated:
        kept = sum(1 for rate, _ in rated if rate >= LOW_RESPONSE)
        answer.append(
            f"{kept} of {len(rated)} accounts with inbound answer at least {LOW_RESPONSE:.0%}"
        )
        if rated[0][0] < LOW_RESPONSE:
            answer.append(f"{layout.short(rated[0][1])} answers {rated[0][0]:.0%}")
    pushing = [r.listen_push_ratio for r in shown if r.listen_push_ratio is not None]
    heavy = sum(1 for ratio in pushing if ratio < 1)
    answer.append(f"{heavy} of {len(pushing)} post more than they reply")
    question = "Do we answer and listen as often as we push?"
    return layout.finish(chart, question, answer, width, labels, sized=True)


def _drawn_rate(row: ConversationHealth) -> float | None:
    """The rate the tables show: the response rate, else the held items' ("75% of held",
    X's direct messages beside replies to posts the export does not hold)."""
    return row.response_rate if row.response_rate is not None else row.held_response_rate


def content_focus_chart(rows: Sequence[TacticFocus], *, width: int = WIDTH) -> Chart | None:
    """Mean customer-focus score per tactic beside its share of brand-centric posts.

    The score runs from −1 (all about us) to +1 (all about the reader); the share says
    how many posts pull a mean down, which a mean alone hides. A tactic with no post in
    English has no score to draw (`NOT_MEASURED`): the table beside the chart says so.
    """
    shown = sorted(
        (
            (r.tactic, r.posts, r.mean_score, r.brand_centric_share)
            for r in rows
            if r.posts > 0 and r.mean_score is not None and r.brand_centric_share is not None
        ),
        key=lambda row: (-row[2], row[0]),
    )
    if not shown:
        return None
    names = [f"{tactic} ({posts} posts)" for tactic, posts, _, _ in shown]
    labels = layout.axis_labels(names)
    scores, shares = [], []
    for (_, _, score, share), name in zip(shown, names, strict=True):
        sign = "good" if score > 0 else "bad" if score < 0 else "none"
        scores.append(layout.bar(labels[name], score, f"{score:+.2f}", sign))
        shares.append(
            layout.bar(labels[name], share, f"{share:.0%}", layout.side(share, 0.25, lower=True))
        )
    panels = [
        layout.bars(scores, "Mean customer-focus score", (-1, 1), line=0.0, dashed=False, fmt="~g"),
        layout.bars(shares, "Brand-centric posts (line: 25%)", (0, 1), line=0.25, labels=False),
    ]
    (best, _, best_score, _), (worst, _, worst_score, worst_share) = shown[0], shown[-1]
    answer = [f"most about the customer: {layout.short(best)} ({best_score:+.2f})"]
    if worst_score < 0:
        brand = f"{worst_share:.0%} of its posts brand-centric"
        answer.append(f"most about us: {layout.short(worst)} ({worst_score:+.2f}, {brand})")
    else:
        answer.append("no tactic's posts lean to us on average")
    question = "Is our content about the customer or about us?"
    chart = layout.side_by_side(panels, width, labels)
    return layout.finish(chart, question, answer, width, labels, sized=True)


def cadence_chart(rows: Sequence[CadenceRow], *, width: int = WIDTH) -> Chart | None:
    """Periods kept out of periods elapsed, per tactic and per operator on it.

    Operators sit under their tactic, so a tactic kept by one person and dropped by
    another shows who dropped it.
    """
    if not rows:
        return None
    names = [r.tactic if r.operator == TACTIC else f"{r.tactic} · {r.operator}" for r in rows]
    labels = layout.axis_labels(names)
    records = []
    for row, name in zip(rows, names, strict=True):
        kept = row.periods_kept / row.periods if row.periods else None
        unit = {"week": "weeks", "month": "months", "day": "days"}.get(row.per, row.per)
        counted = row.status != "no activity data" and kept is not None
        text = f"{row.periods_kept} of {row.periods} {unit}" if counted else row.status
        records.append(layout.bar(labels[name], kept if counted else None, text, row.status))
    title = f"Periods kept (line: {KEPT_SHARE:.0%} keeps the rhythm)"
    bars = layout.bars(records, title, (0, 1), colours=_RHYTHMS, line=KEPT_SHARE, legend=True)
    kept_all = sum(1 for r in rows if r.status == "kept the rhythm")
    answer = [f"{kept_all} of {len(rows)} kept the rhythm"]
    for status in ("stopped", "not started", "irregular", "no activity data"):
        who = [layout.short(n) for r, n in zip(rows, names, strict=True) if r.status == status]
        if who:
            answer.append(f"{status}: {', '.join(who)}")
    question = "Who kept the rhythm the plan set?"
    return layout.finish(alt.LayerChart(layer=bars), question, answer, width, labels)


# -- attribution --------------------------------------------------------------------------


def attribution_chart(
    result: AttributionResult, currency: str, *, width: int = WIDTH
) -> Chart | None:
    """One model's credit per channel or tactic, largest first.

    Credit is the conversions' value; paths without values (a paths file of counts only)
    fall back to conversions, so the chart still answers the question.
    """
    by_value = result.total_value > 0
    credit = {c.channel: c.value if by_value else c.conversions for c in result.channels}
    ranked = sorted((c for c in credit if credit[c] != 0), key=lambda c: (-credit[c], c))
    if sum(credit.values()) <= 0:  # nothing credited, or only negative Shapley shares
        return None
    labels = layout.axis_labels(ranked)

    def written(amount: float) -> str:
        return layout.money(amount, currency) if by_value else f"{amount:,.1f}"

    records = [layout.bar(labels[c], credit[c], written(credit[c]), "credit") for c in ranked]
    bars = layout.bars(
        records,
        title=f"Attributed value ({currency})" if by_value else "Attributed conversions",
        domain=None,
        colours={"credit": layout.BLUE},
        fmt="$~s" if by_value else "~s",
        legend=False,
    )
    total, model = sum(credit[c] for c in ranked), layout.short(result.model)
    what = "credited" if by_value else "conversions credited"
    top = ranked[0]
    answer = [f"{layout.short(top)} earns {credit[top] / total:.0%} of the {written(total)} {what}"]
    question = f"Which channels earn the credit under the {model} model?"
    chart = alt.LayerChart(layer=bars)
    return layout.finish(chart, question, answer, width, labels, currency=currency)
