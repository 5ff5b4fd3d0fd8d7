"""SVG text set a run at a time by WeasyPrint 70.0, as HTML text is.

WeasyPrint's SVG `text` lays out and draws every letter on its own (a Pango layout,
a font lookup and a text object per letter), so that it can place each letter where a
per-letter `x`, `y`, `dx`, `dy`, `rotate`, `letter-spacing` or `textLength` puts it.
A chart label has none of those: one position for the whole run. Our charts and strategy
map have about 280 labels (about 2,000 letters), and setting them took ~0.5 s of the ~0.8 s
the demo's PDF spends writing itself.

`mend` swaps in a `text` that sets such a run as one line, as WeasyPrint sets a line of
HTML text, and hands every other node to the library's own. The run's width, bounding box
and the cursor after it are the sum of its letters', apart from kerning, which a run gets
and lone letters do not (so a label is set as the same words are in the HTML around it).
Applied only to the version whose code this mirrors: another version is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from math import inf
from typing import Any, Final

MENDED_VERSION: Final = "70.0"
PER_LETTER: Final = ("dx", "dy", "rotate", "letter-spacing", "textLength")
"""Attributes that may place letters apart from each other: left to the library."""
RUN_TAGS: Final = ("text", "tspan")
"""The elements set a run at a time (a `textPath` or a link is left to the library)."""


def mend() -> bool:
    """Have WeasyPrint set plain SVG text a run at a time; whether it is (now or before)."""
    import weasyprint
    from weasyprint import svg

    if weasyprint.__version__ != MENDED_VERSION:
        return False
    library_text = svg.TAGS["text"]
    if getattr(library_text, "mended", False):
        return True
    set_run = _run_setter(library_text)
    for tag, drawer in list(svg.TAGS.items()):
        if drawer is library_text:  # text, tspan, textPath, a
            svg.TAGS[tag] = set_run
    # `draw_node` knows a text node by `TAGS[tag] == text` (to shift it by its anchor).
    svg.text = set_run
    return True


def _run_setter(library_text: Callable[..., None]) -> Callable[..., None]:
    """A `text` that sets a plain run itself and hands anything else to the library's."""

    def text(svg: Any, node: Any, font_size: float) -> None:
        if node.tag not in RUN_TAGS or not _plain_run(node):
            library_text(svg, node, font_size)
            return
        _set_run(svg, node, font_size)

    text.mended = True  # type: ignore[attr-defined]
    text.__wrapped__ = library_text  # type: ignore[attr-defined]
    return text


def _plain_run(node: Any) -> bool:
    """A run with one position at most and no letter placed on its own, nor whitespace
    at its ends or inside it other than spaces (the library sets those a letter apart)."""
    content = node.text
    if not content or content != content.strip() or "\n" in content or "\t" in content:
        return False
    from weasyprint.svg.utils import normalize

    attributes = node.attrib
    if any(name in attributes for name in PER_LETTER):
        return False
    # As the library reads a position: a list ("10 20", "10,20") places letters apart.
    return all(" " not in normalize(attributes.get(axis)) for axis in ("x", "y"))


def _style(svg: Any, node: Any, font_size: float) -> Any:
    """The text's style, built as WeasyPrint 70.0's SVG `text` builds it."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    return style


def _baseline_shift(node: Any, font_size: float, height: float) -> float:
    """How far the run moves down to sit as `display-anchor` or the baseline asks
    (WeasyPrint 70.0's approximations, kept so that the run lands where its letters did)."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    display_anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        return -height / 2
    if display_anchor == "top":
        return 0
    if display_anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def _set_run(svg: Any, node: Any, font_size: float) -> None:
    """Lay the run out as one line, move the cursor past it and draw it."""
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    given_x, given_y = (
        None if axis not in node.attrib else size(normalize(node.attrib[axis]), font_size, extent)
        for axis, extent in (("x", svg.inner_width), ("y", svg.inner_height))
    )
    # As the library's first letter does: a position of 0 keeps the shift (its `if x:`).
    if given_x:
        svg.cursor_d_position[0] = 0
    if given_y:
        svg.cursor_d_position[1] = 0
    left = svg.cursor_position[0] if given_x is None else given_x
    base = svg.cursor_position[1] if given_y is None else given_y
    svg.cursor_position = left + width, base
    x_position = left + svg.cursor_d_position[0]
    y_position = base + svg.cursor_d_position[1] + _baseline_shift(node, font_size, height)
    corners = (
        (x_position, y_position - baseline),
        (x_position + width, y_position - baseline + height),
    )
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, corners)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    matrix = Matrix(a=1, d=-1, e=x_position, f=y_position)
    emojis = draw_first_line(svg.stream, box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, left, base, emojis)
