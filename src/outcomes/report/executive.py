"""The executive report: page one is the answer, the rest is the evidence.

Page one: each business goal with its status, actual against target and forecast; ROI
by tactic with its interval; the three decisions or exceptions that need attention; the
pilot's verdict. Then the strategy map coloured by status, the operators' recent weekly
check-ins per tactic (confidence, blockers), the ROI and attribution charts,
conversation health, content focus and cadence per operator, every other exception, and
the tactical implementation plan as the appendix (in the PDF, its overviews: the
tactic-by-tactic detail is left to the HTML). One self-contained HTML file (charts are
inline SVG rendered offline, no script, no external URL) and the same HTML printed to PDF
by WeasyPrint. For the PDF, the charts are drawn in a forked process while this one loads
WeasyPrint and prepares the rest (`drawing`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal

import jinja2
from markupsafe import Markup

from outcomes.briefing.build import Briefing
from outcomes.catalog.statuses import status_style, status_word
from outcomes.measure.content import brand_words
from outcomes.measure.roi_report import CreditWarning, tactic_totals
from outcomes.measure.words import (
    metric_interval,
    metric_value,
    money,
    number,
    percent,
    percent_interval,
    roi_verdict,
    roi_words,
)
from outcomes.plan import LoadedPlan, Plan, Tactic
from outcomes.plan.changes import SignOff
from outcomes.plan.implementation import build_implementation_plan
from outcomes.report.drawing import ChartDrawing, draw_charts, printed_drawing, titles_of
from outcomes.report.implementation import SECTIONS, format_date, render_html_sections
from outcomes.report.strategy_map import strategy_map_svg
from outcomes.report.templating import template_environment
from outcomes.workspace import CheckinRecord

if TYPE_CHECKING:
    from outcomes.report.printer import Printer

SCREEN_APPENDIX: Final = tuple(s for s in SECTIONS if s != "strategy-map")
"""The implementation plan's sections in the HTML report. Not its strategy map: the report
draws the same map, coloured by status, in its body."""
PRINTED_APPENDIX: Final = ("summary", "raci", "resources", "schedule")
"""In the PDF: the plan's overviews (totals, who does what, costs and capacity, schedule).
Each tactic's card (services, benchmarks, measurement, people), pages of detail for those
who carry it out, is in the HTML report and `outcomes plan`, and would double the time
the PDF takes to lay out."""


class PdfUnavailableError(Exception):
    """The PDF engine cannot run here; the message says what to install."""


def render_html(
    briefing: Briefing,
    *,
    for_print: bool = False,
    checkins: Sequence[CheckinRecord] = (),
    sign_off: SignOff | None = None,
    drawing: ChartDrawing | None = None,
    part: Literal["main"] | None = None,
) -> str:
    """The report as one self-contained HTML document.

    `checkins`: the recent weekly check-ins (`Workspace.checkins`), shown per tactic.
    `sign_off`: the plan revision its sponsors approved and what changed since (the app's
    store keeps approvals; the caller reads them), shown under the title.
    `drawing`: the charts, started earlier (`ChartDrawing.start`); drawn here without.
    `part="main"`: all but the appendix, which the PDF lays out on its own
    (`lay_out_appendix`).
    """
    template = _environment().get_template("executive.html.j2")
    context = _context(briefing, for_print=for_print, drawing=drawing, appendix=part is None)
    context["checkins"] = checkins_by_tactic(briefing.plan.tactics, checkins)
    return template.render(**context, sign_off=sign_off, part=part)


def render_pdf(
    briefing: Briefing,
    target: Path | None = None,
    *,
    workspace: Path | None = None,
    checkins: Sequence[CheckinRecord] = (),
    sign_off: SignOff | None = None,
    drawing: ChartDrawing | None = None,
    printer: Printer | None = None,
) -> bytes:
    """The report as PDF (A4), written to `target` when given; returns the bytes.

    With `workspace`, the PDF of a kept briefing is kept beside it, and asked for again
    (nothing changed: same plan, data, options, sign-off and code) it is read instead of
    laid out. Check-ins are loaded into the warehouse, so new ones make a new briefing; the
    kept PDF's name also carries the check-ins shown, for a report asked with fewer weeks.
    `drawing`: the printed charts, started as soon as the briefing was there
    (`ChartDrawing.start(briefing, for_print=True)`); stopped if the kept PDF is read.
    `printer`: a process started before the briefing was measured (`Printer.start`), which
    lays the PDF out instead of this one; stopped if the kept PDF is read.
    """

    def lay_out() -> bytes:
        if printer is not None:
            return printer.print(briefing, checkins, sign_off)
        return lay_out_pdf(briefing, checkins, sign_off, drawing)

    try:
        if workspace is None:
            document = lay_out()
        else:
            from outcomes.briefing.cache import kept_rendering

            shown = hashlib.sha256(repr([c.to_json() for c in checkins]).encode()).hexdigest()
            name = f"{_kept_prefix()}{shown[:12]}{_sign_off_signature(sign_off)}"
            document = kept_rendering(
                workspace,
                briefing,
                f"{name}.pdf",
                lay_out,
            )
    finally:
        for started in (drawing, printer):
            if started is not None:
                started.close()
    if target is not None:
        target.write_bytes(document)
    return document


def start_printed_charts(briefing: Briefing, workspace: Path) -> ChartDrawing | None:
    """The PDF's charts, started now in a child process (`ChartDrawing`) for `render_pdf`;
    None when a PDF of this briefing by this code is kept, and likely to be read instead."""
    from outcomes.briefing.cache import any_kept_rendering

    if any_kept_rendering(workspace, briefing, _kept_prefix()):
        return None
    return ChartDrawing.start(briefing, for_print=True)


def _kept_prefix() -> str:
    """The start of a kept PDF's name: the same code made it."""
    return f"report-{_presenter_signature()}-"


@functools.cache
def _presenter_signature() -> str:
    """A hash of the report's code, templates and styles: a PDF kept by other code is not
    reused."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for source in sorted(
        p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _sign_off_signature(sign_off: SignOff | None) -> str:
    """A part of the kept PDF's name: an approval changes the report, not the briefing."""
    if sign_off is None:
        return ""
    return "-" + hashlib.sha256(repr(sign_off).encode()).hexdigest()[:12]


def lay_out_pdf(
    briefing: Briefing,
    checkins: Sequence[CheckinRecord],
    sign_off: SignOff | None,
    drawing: ChartDrawing | None,
    appendix: PrintedAppendix | None = None,
) -> bytes:
    """The report as PDF, laid out in this process (`render_pdf` keeps and reuses it).

    `appendix`: laid out earlier (`lay_out_appendix`, by the printer while the briefing
    was measured); laid out here when not given or laid out for another plan.
    """
    # Drawn in another process while WeasyPrint and Pango load and the rest is prepared.
    drawing = drawing or ChartDrawing.start(briefing, for_print=True)
    weasyprint = _pdf_engine()
    if appendix is None or not appendix.serves(briefing):
        appendix = lay_out_appendix(briefing.loaded)
    html = render_html(
        briefing,
        for_print=True,
        checkins=checkins,
        sign_off=sign_off,
        drawing=drawing,
        part="main",
    )
    body = weasyprint.HTML(string=html, base_url=None).render(
        font_config=appendix.document.font_config
    )
    document: bytes = body.copy([*body.pages, *appendix.document.pages]).write_pdf()
    return document


@dataclass(frozen=True)
class PrintedAppendix:
    """The PDF's appendix, laid out as a document of its own (`lay_out_appendix`).

    Its sections (`PRINTED_APPENDIX`) need only the plan, not the date the numbers are as
    of (a tactic's phase is on the tactic cards the PDF leaves out), nor anything measured:
    the printer lays it out while the briefing is measured, about half of the PDF's
    layout off the wait after measuring. Its pages are numbered on their own ("Appendix,
    page 2 of 4"): the report's number of pages is not known yet.
    """

    plan_file: str
    plan: Plan
    document: Any
    """WeasyPrint's laid-out `Document` (untyped)."""

    def serves(self, briefing: Briefing) -> bool:
        """Whether it is the appendix of `briefing`'s plan."""
        return (self.plan_file, self.plan) == (briefing.loaded.file, briefing.loaded.plan)


def lay_out_appendix(loaded: LoadedPlan) -> PrintedAppendix:
    """The PDF's appendix for `loaded`, laid out (`lay_out_pdf` adds its pages after the
    report's)."""
    weasyprint = _pdf_engine()
    html = (
        _environment()
        .get_template("executive_appendix.html.j2")
        .render(for_print=True, appendix=_appendix(loaded, None, for_print=True))
    )
    document = weasyprint.HTML(string=html, base_url=None).render()
    return PrintedAppendix(loaded.file, loaded.plan, document)


def warm_up() -> None:
    """Load the PDF engine and the report's template, and lay out a little of the report's
    kind (its stylesheet, a table, chart text) once: what the first PDF of a process would
    otherwise pay for (fontconfig's cache, Pango's font map, the C types WeasyPrint asks
    cffi for, compiling the template) is paid before the briefing is there (`printer`)."""
    weasyprint = _pdf_engine()
    _environment().get_template("executive.html.j2")
    styles = "".join(
        (resources.files("outcomes.report") / "templates" / name).read_text(encoding="utf-8")
        for name in ("implementation.css", "executive.css")
    )
    sample = (
        f"<style>{styles}</style><body class='print'><h1>Warm</h1><table class='numbers'>"
        "<tr><th>up</th><td class='num'>1</td></tr></table><figure class='chart'>"
        "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'><rect width='4' "
        "height='4'/><text x='1' y='12' font-size='10'>a</text></svg></figure></body>"
    )
    weasyprint.HTML(string=sample, base_url=None).write_pdf()


def stop_collecting_cycles() -> None:
    """Python's cycle collector off for the rest of this process. Only for a process that
    ends once its PDF is written (`outcomes report`, its printer), and called before it
    loads WeasyPrint or lays out.

    WeasyPrint's import and layout make hundreds of thousands of objects (boxes, computed
    styles, Pango's wrappers, kept in reference cycles until the document is dropped):
    each collection walks them, and every module loaded before, again and frees almost
    nothing. Without it, laying out and writing the demo's report takes about a sixth less
    CPU (one process, median of 5: 1.77 -> 1.46 s) and the bytes are the same; what the
    layout leaves, about 18 MB a report, is freed when the process ends. Pausing it only
    during the layout does not help: resumed, the collector walks all of it at once.
    """
    gc.disable()


def _pdf_engine() -> ModuleType:
    """WeasyPrint, or what to install to have it."""
    from outcomes.report.library_lookup import import_weasyprint

    try:
        weasyprint = import_weasyprint()
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise PdfUnavailableError(
            f"PDF needs the Pango library, which could not be loaded ({exc}); install it "
            "with `make report-deps` (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0), or write HTML with --format html"
        ) from None
    from outcomes.report import html_parsing, svg_text

    html_parsing.mend()  # its HTML parser's pattern cache, a tenth of a second per PDF
    svg_text.mend()  # chart labels set a run at a time, not a letter at a time
    engine: ModuleType = weasyprint  # untyped: mypy sees Any
    return engine


@functools.cache
def _environment() -> jinja2.Environment:
    return template_environment("outcomes.report", filters={"cut": cut}, kept=True)


def cut(text: object, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: user text can be any length."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _appendix(loaded: LoadedPlan, as_of: dt.date | None, *, for_print: bool) -> Markup:
    """The tactical implementation plan's sections the report appends; `as_of` decides
    each tactic's phase, on the tactic cards only the HTML shows."""
    return render_html_sections(
        build_implementation_plan(loaded, today=as_of),
        parts=PRINTED_APPENDIX if for_print else SCREEN_APPENDIX,
    )


def _context(
    briefing: Briefing, *, for_print: bool, drawing: ChartDrawing | None, appendix: bool
) -> dict[str, Any]:
    plan, currency = briefing.plan, briefing.currency
    titles = titles_of(briefing)
    status = briefing.element_status()
    tactic_rows = briefing.tactic_roi()
    context = {
        "b": briefing,
        "for_print": for_print,
        "titles": titles,
        "brand_words": sorted(brand_words(plan)),
        "people": {p.id: p.name for p in plan.people},
        "tactic_rows": tactic_rows,
        "roi_totals": tactic_totals(tactic_rows, currency),
        "credit_warnings": briefing.roi.warnings,
        "credit_warning": functools.partial(_credit_warning, currency=currency),
        "model_revenue": _model_revenue(briefing),
        "status_map": _status_map(strategy_map_svg(plan, status=status), for_print=for_print),
        "appendix": (
            _appendix(briefing.loaded, briefing.as_of, for_print=for_print) if appendix else ""
        ),
        "money": functools.partial(money, currency=currency),
        "number": number,
        "pct": percent,
        "interval": percent_interval,
        "roi_words": roi_words,
        "roi_verdict": roi_verdict,
        "date": format_date,
        "value": functools.partial(metric_value, plan),
        "value_interval": functools.partial(metric_interval, plan),
        "status_label": status_word,
        "status_colour": _status_colour,
        "group": lambda g: " · ".join(str(v) for v in g.values() if v),
    }
    # Last: a drawing started elsewhere has had the time the rest took.
    context["charts"] = drawing.result() if drawing else draw_charts(briefing, for_print=for_print)
    return context


def _status_map(svg: str, *, for_print: bool) -> Markup:
    """The strategy map inline on screen (its links and hover titles work), an image of
    it in the PDF (`printed_drawing`)."""
    return printed_drawing(svg) if for_print else Markup(svg)


def _credit_warning(warning: CreditWarning, *, currency: str) -> str:
    """A tactic credited mostly through shared states, in the report's money."""
    return (
        f"{warning.tactic}: {warning.model} credits it {money(warning.revenue, currency=currency)}"
        f", of which only {money(warning.touched_value, currency=currency)} could come from "
        f"sales whose journeys touched it; {money(warning.shared, currency=currency)} reached it "
        "through steps other journeys share. Read its ROI with care, or scope the goal it "
        "serves to its own conversions."
    )


@dataclass(frozen=True)
class TacticCheckins:
    """A tactic's latest check-in week: who checked in, how confident, what blocks them."""

    tactic: Tactic
    week: dt.date
    latest: list[CheckinRecord]
    trend: list[tuple[dt.date, float]]
    """Mean confidence per week checked in, oldest first."""


def checkins_by_tactic(
    tactics: Sequence[Tactic], checkins: Sequence[CheckinRecord]
) -> list[TacticCheckins]:
    """Per tactic with check-ins (plan order): its latest week's, and its confidence trend."""
    out: list[TacticCheckins] = []
    for tactic in tactics:
        mine = [c for c in checkins if c.tactic == tactic.id]
        if not mine:
            continue
        weeks = sorted({c.week for c in mine})
        trend = [
            (week, statistics.fmean(c.confidence for c in mine if c.week == week)) for week in weeks
        ]
        latest = sorted((c for c in mine if c.week == weeks[-1]), key=lambda c: c.author)
        out.append(TacticCheckins(tactic, weeks[-1], latest, trend))
    return out


def _status_colour(status: str) -> str:
    style = status_style(status)
    dash = ";border-style:dashed" if style.dashed else ""
    return f"background:{style.fill};border-color:{style.stroke};color:{style.ink}{dash}"


def _model_revenue(briefing: Briefing) -> list[dict[str, Any]]:
    """Per tactic: attributed revenue under each model, for the comparison table."""
    rows = []
    for tactic in briefing.plan.tactics:
        by_model = {
            r.model: r.revenue.value
            for r in briefing.roi.rows
            if r.level == "tactic" and r.id == tactic.id
        }
        rows.append({"id": tactic.id, "title": tactic.title, "revenue": by_model})
    return rows
