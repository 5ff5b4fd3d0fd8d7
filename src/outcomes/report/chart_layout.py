"""The house layout of the report's charts: rows of bars with their values written beside
them, reference lines, panels side by side, the question as title and the answer as
subtitle, and labels made safe for XML and cut to a length (`outcomes.report.charts`
builds each chart from these)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TypeAlias

import altair as alt

from outcomes.catalog.money import format_money
from outcomes.report.strategy_map import STATUS_COLOURS

Chart: TypeAlias = alt.Chart | alt.LayerChart | alt.HConcatChart
Record: TypeAlias = dict[str, Any]

LABEL_LIMIT: Final = 40
"""Characters of an axis label kept; longer ones end in an ellipsis."""
NAME_LIMIT: Final = 80
"""Characters of a name kept in a subtitle, which has a line to itself."""
STEP: Final = 24
"""Pixels per bar row: room for an 11 px label with air around it."""
BAR: Final = STEP * 0.6
VALUE_ROOM: Final = 80
"""Pixels right of the plot for the value written at the end of the longest bar."""
PANEL_GAP: Final = 24
INK, MUTED, GREY, BLUE = "#1f2937", "#64748b", "#94a3b8", "#2563eb"
GOOD: Final = STATUS_COLOURS["on_track"][1]
BAD: Final = STATUS_COLOURS["off_track"][1]
GOOD_BAD: Final = {"good": GOOD, "bad": BAD, "none": GREY}
CONFIG: Final[Mapping[str, Any]] = {
    "font": "Helvetica, Arial, sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK, "titleColor": MUTED, "titleFontWeight": "normal",
        "gridColor": "#e5e7eb", "domainColor": GREY, "tickColor": GREY, "labelLimit": 0,
    },
    "title": {
        "anchor": "start", "fontSize": 15, "color": INK, "offset": 10,
        "subtitleFontSize": 12, "subtitleColor": MUTED,
    },
    "legend": {"labelColor": INK, "symbolType": "square", "orient": "bottom", "title": None},
}  # fmt: skip
NUMBERS: Final = {"decimal": ".", "thousands": ",", "grouping": [3]}
# Characters XML 1.0 cannot hold, and lone surrogates, which no encoder writes.
NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SPACE: Final = re.compile(r"\s+")


def rows(
    records: list[Record], sort: Sequence[str] | None = None, *, axis: bool = True
) -> alt.Chart:
    """Rows of `records` down the y axis, in the order given (the records' by default)."""
    order = list(sort) if sort is not None else list(dict.fromkeys(r["label"] for r in records))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis() if axis else None)
    return alt.Chart(alt.InlineData(values=records)).encode(y=y)


def bars(
    records: list[Record],
    title: str,
    domain: tuple[float, float] | None,
    *,
    colours: Mapping[str, str] = GOOD_BAD,
    line: float | None = None,
    dashed: bool = True,
    fmt: str = ".0%",
    legend: bool = False,
    labels: bool = True,
    capped: bool = False,
) -> list[alt.Chart]:
    """A bar per record (`value`, `colour`) and its `text` written at `at`.

    Records without a value get no bar and their text in a muted colour, so "no data"
    reads as absence, not as zero. A `capped` axis ends in "4+": values past it are
    drawn at the edge and written in full.
    """
    top = f"datum.value >= {domain[1]} ? '{domain[1]:g}+' : " if capped and domain else ""
    axis = alt.Axis(format=fmt, tickCount=5, labelExpr=f"{top}datum.label")
    scale = alt.Scale(domain=list(domain), clamp=True, nice=False) if domain else alt.Scale()
    base = rows(records, axis=labels)
    present = {k: v for k, v in colours.items() if any(r["colour"] == k for r in records)}
    layers = [
        base.mark_bar(height=BAR).encode(
            x=alt.X("value:Q", scale=scale, axis=axis, title=title),
            color=alt.Color(
                "colour:N", scale=colour_scale(present), legend=alt.Legend() if legend else None
            ),
        ),
        base.mark_text(align="left", dx=4).encode(
            x=alt.X("at:Q"),
            text=alt.Text("text:N"),
            color=colour_if("isValid(datum.value)", INK, MUTED),
        ),
    ]
    if line is not None:
        layers.insert(1, rule_at(line, dashed=dashed))
    return layers


def bar(
    label: str, value: float | None, text: str, colour: str, *, cap: float | None = None
) -> Record:
    """One row of `bars`, drawn at most to `cap`; without a value, only its text, at 0."""
    drawn = value if value is None or cap is None else min(value, cap)
    return {"label": label, "value": drawn, "text": text, "at": max(drawn or 0.0, 0.0),
            "colour": colour}  # fmt: skip


def side(value: float | None, line: float, *, lower: bool = False) -> str:
    """Good or bad by which side of `line` a value falls (`lower`: below is good)."""
    if value is None:
        return "none"
    return "good" if (value <= line if lower else value >= line) else "bad"


def side_by_side(panels: list[list[alt.Chart]], width: int, labels: Mapping[str, str]) -> Chart:
    """Panels sharing the rows, splitting what the labels leave of `width`."""
    each = max(100, (width - label_width(labels) - PANEL_GAP * len(panels)) // len(panels))
    # Sized when made: `.properties` on a layer copies it, and copying a layer or concat
    # re-creates it, which deep-copies every layer and its data again.
    charts = [alt.LayerChart(layer=p, width=each, height=alt.Step(STEP)) for p in panels]
    return alt.HConcatChart(hconcat=charts, spacing=PANEL_GAP)


def finish(
    chart: Chart,
    question: str,
    answer: Sequence[str],
    width: int,
    labels: Mapping[str, str],
    *,
    currency: str | None = None,
    sized: bool = False,
) -> Chart:
    """Question as title, answer as subtitle, the house look, and (unless `sized`) a size.

    Set on `chart` itself, which each builder has just made for this: `.properties` and
    `.configure` return copies, and copying a layer or concat re-creates it, deep-copying
    every layer and its data (three copies per chart cost a quarter of a second per report).
    """
    line = max(40, width // 6)
    subtitle = textwrap.wrap("; ".join(clean_text(a) for a in answer), line, break_on_hyphens=False)
    if not sized:
        chart.width = plot_width(width, labels)
        chart.height = alt.Step(STEP)
    config = dict(CONFIG)
    if currency is not None:  # d3 writes "$" where `format_money` puts the currency
        prefix, _, suffix = format_money(0, currency).partition("0")
        config["locale"] = {"number": {**NUMBERS, "currency": [prefix, suffix]}}
    chart.title = alt.Title(clean_text(question), subtitle=subtitle)
    chart.config = alt.Config(**config)
    return chart


def colour_if(test: str, yes: str, no: str) -> alt.ColorValue:
    """Colour `yes` where the Vega expression `test` holds, else `no`.

    The channel object itself: handed `alt.condition`'s dict or a "field:type" string,
    Altair looks up the channel's class by checking it against the schema, which cost
    more than building the chart.
    """
    return alt.ColorValue(no, condition={"test": test, "value": yes})


def colour_scale(colours: Mapping[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def rule_at(x: float, *, dashed: bool = True) -> alt.Chart:
    """A vertical reference line (zero, target, threshold) across the plot."""
    rule: alt.Chart = (
        alt.Chart(alt.InlineData(values=[{"x": x}]))
        .mark_rule(color=INK, strokeDash=[4, 3] if dashed else [], opacity=0.7)
        .encode(x=alt.X("x:Q"))
    )
    return rule


def money(amount: float, currency: str) -> str:
    return format_money(round(amount), currency)


def clean_text(text: str) -> str:
    """Text safe for XML on one line: no control characters, no runs of whitespace."""
    return SPACE.sub(" ", NOT_XML.sub("", text)).strip()


def short(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` cleaned and cut to `limit` characters, the last an ellipsis."""
    clean = clean_text(text)
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


def axis_labels(names: Iterable[str]) -> dict[str, str]:
    """Each name's axis label: cleaned, cut to `LABEL_LIMIT`, and still unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in out:
            continue
        label = short(name, LABEL_LIMIT) or "(blank)"
        unique, n = label, 2
        while unique in used:
            unique, n = f"{label} ({n})", n + 1
        out[name] = unique
        used.add(unique)
    return out


def plot_width(width: int, labels: Mapping[str, str]) -> int:
    """What `width` leaves for the plot after the labels and the values beside the bars."""
    return max(120, width - label_width(labels) - VALUE_ROOM)


def label_width(labels: Mapping[str, str]) -> int:
    """Pixels the longest label takes at 11 px (about 6 px a character), with padding."""
    return 6 * max((len(v) for v in labels.values()), default=0) + 24
