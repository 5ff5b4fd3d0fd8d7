"""The strategy map: goals → strategies → tactics as one self-contained SVG.

Hand-built so that it needs no browser, font or network to produce, and so that the same
plan always gives the same bytes. Three columns of boxes joined by the `serves` links;
whatever reaches no goal stands apart in a red band, because the seeds call it what it is:
a random act of social.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal
from xml.sax.saxutils import escape

from outcomes.catalog.statuses import MEASURED, STATUS_STYLES, STATUSES, status_style
from outcomes.plan.model import Plan, Strategy, Tactic

NodeKind = Literal["goal", "strategy", "tactic", "more"]


# Sizes in SVG user units (pixels at 100 %).
_MARGIN: Final = 24
_COLUMN_WIDTH: Final = 300
_COLUMN_GAP: Final = 110
_HEADER: Final = 44
_NODE_GAP: Final = 10
_GROUP_GAP: Final = 18
_PAD: Final = 12
_ID_LINE: Final = 15
_TITLE_LINE: Final = 16
# Characters per line, guessed without measuring fonts: bold goal titles run wider.
_TITLE_CHARS: Final = 37
_BOLD_TITLE_CHARS: Final = 33
_ID_CHARS: Final = 40
_TITLE_LINES: Final = 3
_BAND_GAP: Final = 36
_BAND_HEADER: Final = 48

# Caps that keep a plan with hundreds of tactics readable and quick to draw.
MAX_GOALS: Final = 40
MAX_STRATEGIES: Final = 60
MAX_TACTICS: Final = 120
MAX_TACTICS_PER_STRATEGY: Final = 12

_FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_MONO: Final = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace"
_INK: Final = "#0f172a"
_MUTED: Final = "#475569"
_LINK: Final = "#94a3b8"
_RED: Final = "#b91c1c"
_RED_FILL: Final = "#fef2f2"

# Neutral colours per kind: (fill, stroke).
_KIND_COLOURS: Final[Mapping[NodeKind, tuple[str, str]]] = {
    "goal": ("#eff6ff", "#1d4ed8"),
    "strategy": ("#f0fdfa", "#0f766e"),
    "tactic": ("#f8fafc", "#475569"),
    "more": ("#ffffff", "#94a3b8"),
}
# Status colours: (fill, stroke, label), the one palette of `outcomes.catalog.statuses`.
STATUS_COLOURS: Final[Mapping[str, tuple[str, str, str]]] = {
    status: (style.fill, style.stroke, style.word) for status, style in STATUS_STYLES.items()
}

# Characters XML 1.0 cannot hold at all; YAML's "\x01" escapes can put them in a title.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class _Node:
    kind: NodeKind
    element_id: str | None
    title: str
    column: int
    unlinked: bool
    # A tactic that starts a new strategy's group gets a little more space above it.
    group_start: bool = False
    y: float = 0.0
    lines: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        width = _BOLD_TITLE_CHARS if self.kind == "goal" else _TITLE_CHARS
        wrapped = textwrap.wrap(self.title, width, max_lines=_TITLE_LINES, placeholder=" …")
        self.lines = tuple(wrapped or [""])

    @property
    def height(self) -> float:
        id_line = _ID_LINE if self.element_id else 0
        return _PAD + id_line + len(self.lines) * _TITLE_LINE + _PAD - 4

    @property
    def x(self) -> float:
        return _MARGIN + self.column * (_COLUMN_WIDTH + _COLUMN_GAP)

    @property
    def centre(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class _Region:
    """One area of the map laid out as three columns, with links from left to right."""

    columns: tuple[list[_Node], list[_Node], list[_Node]] = field(
        default_factory=lambda: ([], [], [])
    )
    links: list[tuple[_Node, _Node]] = field(default_factory=list)

    def add(self, node: _Node) -> _Node:
        self.columns[node.column].append(node)
        return node

    @property
    def has_nodes(self) -> bool:
        return any(self.columns)

    @property
    def tactic_count(self) -> int:
        return sum(1 for node in self.columns[2] if node.kind == "tactic")

    def children(self, parent: _Node) -> list[_Node]:
        return [child for p, child in self.links if p is parent]

    def place(self, top: float) -> float:
        """Give every node its y, children first so parents can sit level with them."""
        tactics_bottom = self._stack_tactics(top)
        strategies_bottom = self._stack_parents(self.columns[1], top)
        goals_bottom = self._stack_parents(self.columns[0], top)
        return max(tactics_bottom, strategies_bottom, goals_bottom, top)

    def _stack_tactics(self, top: float) -> float:
        cursor = top
        for index, node in enumerate(self.columns[2]):
            if index and node.group_start:
                cursor += _GROUP_GAP - _NODE_GAP
            node.y = cursor
            cursor = node.bottom + _NODE_GAP
        return cursor - _NODE_GAP if self.columns[2] else top

    def _stack_parents(self, column: list[_Node], top: float) -> float:
        cursor = top
        for node in column:
            children = self.children(node)
            wanted = cursor
            if children:
                wanted = sum(c.centre for c in children) / len(children) - node.height / 2
            node.y = max(wanted, cursor)
            cursor = node.bottom + _NODE_GAP
        return cursor - _NODE_GAP if column else top


def strategy_map_svg(plan: Plan, *, status: Mapping[str, str] | None = None) -> str:
    """Draw the plan's goals → strategies → tactics as a self-contained SVG document.

    `status` maps an element id to a status of `outcomes.catalog.statuses` to colour and
    label that element's box; without it boxes take neutral colours. Tactics
    that serve no strategy, and strategies that serve no goal, are drawn in red in a band
    of their own. Very large plans are summarised with "+N more" boxes.
    """
    main, band = _build_regions(plan)
    bottom = main.place(_MARGIN + _HEADER)
    band_top = bottom + _BAND_GAP
    band_bottom = band.place(band_top + _BAND_HEADER) + _PAD if band.has_nodes else None
    height = (band_bottom if band_bottom is not None else bottom) + _MARGIN
    footer = _footer_text(plan, main.tactic_count + band.tactic_count)
    legend = _legend_states(status or {})
    if footer or legend:
        height += 28
    width = 2 * _MARGIN + 3 * _COLUMN_WIDTH + 2 * _COLUMN_GAP
    parts = [_svg_open(plan, width, height), _column_headers(plan)]
    if band_bottom is not None:
        parts.append(_band_frame(band_top, band_bottom, width))
    for region in (main, band):
        parts += [_link(parent, child) for parent, child in region.links]
        parts += [_node(n, status or {}) for column in region.columns for n in column]
    if not plan.goals and not plan.strategies and not plan.tactics:
        parts.append(
            _text(_MARGIN, _MARGIN + _HEADER + 20, "This plan has nothing to draw yet.", _MUTED, 14)
        )
    if footer or legend:
        parts.append(_footer(height - _MARGIN + 4, footer, legend))
    parts.append("</svg>\n")
    return "".join(parts)


def _build_regions(plan: Plan) -> tuple[_Region, _Region]:
    """The main region, and the band of elements that reach no goal."""
    main, band = _Region(), _Region()
    goal_nodes = {}
    for goal in plan.goals[:MAX_GOALS]:
        goal_nodes[goal.id] = main.add(_Node("goal", goal.id, goal.title, 0, unlinked=False))
    if len(plan.goals) > MAX_GOALS:
        main.add(_more(len(plan.goals) - MAX_GOALS, "goals", 0, unlinked=False))

    goal_order = {g.id: i for i, g in enumerate(plan.goals)}
    linked = [s for s in plan.strategies if s.serves]
    linked.sort(key=lambda s: min(goal_order.get(g, len(goal_order)) for g in s.serves))
    tactics_by_strategy: dict[str, list[Tactic]] = {}
    for tactic in plan.tactics:
        if tactic.serves is not None:
            tactics_by_strategy.setdefault(tactic.serves, []).append(tactic)

    budget = _Budget(MAX_TACTICS)
    _add_strategies(main, linked, tactics_by_strategy, budget, unlinked=False)
    for node in main.columns[1]:
        strategy_goals = next((s.serves for s in linked if s.id == node.element_id), [])
        main.links += [(goal_nodes[g], node) for g in strategy_goals if g in goal_nodes]

    orphans = [s for s in plan.strategies if not s.serves]
    _add_strategies(band, orphans, tactics_by_strategy, budget, unlinked=True)
    loose = [t for t in plan.tactics if t.serves is None]
    _add_tactics(band, None, loose, budget, unlinked=True)
    return main, band


@dataclass
class _Budget:
    """How many more tactic boxes the map may draw, across both regions."""

    left: int

    def take(self, wanted: int) -> int:
        granted = min(wanted, self.left)
        self.left -= granted
        return granted


def _add_strategies(
    region: _Region,
    strategies: Sequence[Strategy],
    tactics_by_strategy: Mapping[str, list[Tactic]],
    budget: _Budget,
    *,
    unlinked: bool,
) -> None:
    shown = strategies[:MAX_STRATEGIES]
    for strategy in shown:
        node = region.add(_Node("strategy", strategy.id, strategy.title, 1, unlinked))
        _add_tactics(
            region, node, tactics_by_strategy.get(strategy.id, []), budget, unlinked=unlinked
        )
    if len(strategies) > MAX_STRATEGIES:
        region.add(_more(len(strategies) - MAX_STRATEGIES, "strategies", 1, unlinked))


def _add_tactics(
    region: _Region,
    parent: _Node | None,
    tactics: Sequence[Tactic],
    budget: _Budget,
    *,
    unlinked: bool,
) -> None:
    if not tactics:
        return
    per_group = MAX_TACTICS_PER_STRATEGY if parent is not None else MAX_TACTICS
    shown = budget.take(min(len(tactics), per_group))
    nodes = [_Node("tactic", t.id, t.title, 2, unlinked) for t in tactics[:shown]]
    rest = len(tactics) - shown
    if rest:
        nodes.append(_more(rest, "tactics", 2, unlinked))
    nodes[0].group_start = True
    for node in nodes:
        region.add(node)
        if parent is not None:
            region.links.append((parent, node))


def _more(count: int, noun: str, column: int, unlinked: bool) -> _Node:
    return _Node("more", None, f"+{count} more {noun}", column, unlinked)


def _footer_text(plan: Plan, drawn_tactics: int) -> str:
    if drawn_tactics >= len(plan.tactics):
        return ""
    shown = drawn_tactics
    return f"Showing {shown} of {len(plan.tactics)} tactics; the plan lists them all."


def clean_text(text: str) -> str:
    """`text` escaped for XML element content and attributes, minus characters XML forbids."""
    return escape(_NOT_XML.sub("", text), {'"': "&quot;", "'": "&#39;"})


def _svg_open(plan: Plan, width: float, height: float) -> str:
    title = clean_text(f"Strategy map of {plan.organisation.name}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" class="strategy-map" '
        f'font-family="{_FONT}" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    )


def _column_headers(plan: Plan) -> str:
    counts = (len(plan.goals), len(plan.strategies), len(plan.tactics))
    names = ("Business goals", "Strategies", "Tactics")
    parts = []
    for column, (name, count) in enumerate(zip(names, counts, strict=True)):
        x = _MARGIN + column * (_COLUMN_WIDTH + _COLUMN_GAP)
        parts.append(_text(x, _MARGIN + 16, f"{name} ({count})", _INK, 15, weight="700"))
        parts.append(
            f'<line x1="{x}" y1="{_MARGIN + 26}" x2="{x + _COLUMN_WIDTH}" y2="{_MARGIN + 26}" '
            f'stroke="#cbd5e1" stroke-width="1"/>'
        )
    return "".join(parts)


def _band_frame(top: float, bottom: float, width: float) -> str:
    label = "Random acts of social — serve no strategy/goal"
    note = "Link each to a strategy that serves a goal, or stop it."
    return (
        f'<g class="unlinked-band"><rect x="{_MARGIN / 2:.0f}" y="{top:.1f}" '
        f'width="{width - _MARGIN:.0f}" height="{bottom - top:.1f}" rx="12" '
        f'fill="{_RED_FILL}" fill-opacity="0.5" stroke="{_RED}" stroke-width="1.5" '
        f'stroke-dasharray="6 4"/>'
        + _text(_MARGIN, top + 22, label, _RED, 15, weight="700")
        + _text(_MARGIN, top + 38, note, _RED, 12)
        + "</g>"
    )


def _link(parent: _Node, child: _Node) -> str:
    x1, y1 = parent.x + _COLUMN_WIDTH, parent.centre
    x2, y2 = child.x, child.centre
    bend = _COLUMN_GAP / 2
    colour = _RED if child.unlinked else _LINK
    return (
        f'<path class="link" d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
        f'{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5"/>'
    )


def _node(node: _Node, status: Mapping[str, str]) -> str:
    state = status.get(node.element_id or "")
    fill, stroke, label = _colours(node, state)
    attributes = f'class="node {node.kind}{" unlinked" if node.unlinked else ""}"'
    if node.element_id:
        element = clean_text(node.element_id)
        attributes += f' id="sm-{element}" data-id="{element}"'
    if label:
        attributes += f' data-status="{clean_text(state or "")}"'
    dashed = state is not None and status_style(state).dashed
    dash = ' stroke-dasharray="4 3"' if node.kind == "more" or dashed else ""
    parts = [
        f"<g {attributes}><title>{clean_text(node.title)}</title>",
        f'<rect x="{node.x:.0f}" y="{node.y:.1f}" width="{_COLUMN_WIDTH}" '
        f'height="{node.height:.0f}" rx="8" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{2 if node.unlinked or label else 1.2}"{dash}/>',
    ]
    text_x = node.x + _PAD
    baseline = node.y + _PAD + 10
    if node.element_id:
        shown_id = _shorten(node.element_id, _ID_CHARS - (len(label) + 2 if label else 0))
        parts.append(
            _text(text_x, baseline, shown_id, _RED if node.unlinked else _MUTED, 11, family=_MONO)
        )
        if label:
            right = node.x + _COLUMN_WIDTH - _PAD
            parts.append(_text(right, baseline, label, stroke, 11, weight="700", anchor="end"))
        baseline += _ID_LINE
    parts.append(_title_lines(node, text_x, baseline + 1))
    parts.append("</g>")
    return "".join(parts)


def _colours(node: _Node, state: str | None) -> tuple[str, str, str]:
    """Fill, stroke and status label; unlinked elements stay red whatever their status."""
    known = STATUS_COLOURS.get(state or "")
    if node.unlinked:
        return (_RED_FILL, _RED, known[2] if known else "")
    if known:
        return known
    fill, stroke = _KIND_COLOURS[node.kind]
    return fill, stroke, ""


def _title_lines(node: _Node, x: float, y: float) -> str:
    colour = _RED if node.unlinked else (_MUTED if node.kind == "more" else _INK)
    weight = ' font-weight="600"' if node.kind == "goal" else ""
    spans = "".join(
        f'<tspan x="{x:.0f}" y="{y + i * _TITLE_LINE:.1f}">{clean_text(line)}</tspan>'
        for i, line in enumerate(node.lines)
    )
    return f'<text font-size="13" fill="{colour}"{weight}>{spans}</text>'


def _text(
    x: float,
    y: float,
    content: str,
    colour: str,
    size: int,
    *,
    weight: str = "400",
    family: str | None = None,
    anchor: str = "start",
) -> str:
    font = f' font-family="{family}"' if family else ""
    return (
        f'<text x="{x:.0f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'fill="{colour}" text-anchor="{anchor}"{font}>{clean_text(content)}</text>'
    )


def _legend_states(status: Mapping[str, str]) -> tuple[str, ...]:
    """The legend: the four measured states always, the others when a box shows them."""
    shown = set(status.values())
    return tuple(s for s in STATUSES if s in MEASURED or s in shown) if shown else ()


def _footer(y: float, note: str, legend: Sequence[str]) -> str:
    parts = ['<g class="footer">']
    x = float(_MARGIN)
    if legend:
        for state in legend:
            fill, stroke, label = STATUS_COLOURS[state]
            parts.append(
                f'<rect x="{x:.0f}" y="{y - 11:.1f}" width="14" height="14" rx="3" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            )
            parts.append(_text(x + 20, y, label, _INK, 12))
            x += 30 + 7 * len(label)
        x += 20
    if note:
        parts.append(_text(x, y, note, _MUTED, 12))
    parts.append("</g>")
    return "".join(parts)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"
