"""The executive report's charts, drawn while the rest of the report is prepared.

Building the charts (Altair) and drawing them (vl-convert) take about a second of CPU,
and so does loading the PDF engine; neither needs the other. For the PDF, on Linux,
`ChartDrawing.start` forks a process that imports Altair, builds and draws the charts
and sends their markup back, while this process loads WeasyPrint and lays out the rest.

Forking is safe only while vl-convert has not run in this process (its engine's threads
would not follow into the child, which would wait on them forever), so a process that
has loaded it before (the dashboard's, a test run's) draws here instead; so does a child
that fails, and every platform but Linux, where fork is not what macOS frameworks or
Windows expect.

`ChartDrawing.ready` forks the child before there is a briefing: it loads Altair and
starts vl-convert while the briefing is measured, and draws once `draw` hands it over
(the PDF's own process, `printer`, starts one so, reading from a pipe the command's
process writes to: `FirstPart`, the plan and its scorecard, measured before ROI, then the
briefing). Given the first part, it draws the scorecard's four charts while ROI is
measured, and only ROI's three once the briefing is there.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Final, NoReturn

from markupsafe import Markup

if TYPE_CHECKING:
    from outcomes.briefing.build import Briefing
    from outcomes.measure.scorecard import Scorecard
    from outcomes.plan import Plan
    from outcomes.report.charts import Chart

Drawn = dict[str, Markup | None]
"""Each chart's markup by name; None for a chart with nothing to draw."""
Builders = dict[str, Callable[[], Any]]
CHARTS: Final = ("goals", "roi", "revenue_cost", "models", "conversation", "content", "cadence")
"""The report's charts, in the order they are drawn and handed back."""
PIPE_BYTES: Final = 1 << 20
"""Room asked for in a pipe to a child (Linux allows 1 MiB unprivileged), so that handing
it the demo's briefing (160 KB pickled) does not wait until the child reads it."""


@dataclass(frozen=True, slots=True)
class FirstPart:
    """What is measured first, the plan and its scorecard: four charts need no more."""

    plan: Plan
    scorecard: Scorecard


def titles_of(briefing: Briefing) -> dict[str, str]:
    """Each goal's, strategy's and tactic's title by its id."""
    return _titles(briefing.plan)


def _titles(plan: Plan) -> dict[str, str]:
    return {
        **{g.id: g.title for g in plan.goals},
        **{s.id: s.title for s in plan.strategies},
        **{t.id: t.title for t in plan.tactics},
    }


def draw_charts(
    briefing: Briefing, *, for_print: bool, drawn: Mapping[str, Markup | None] | None = None
) -> Drawn:
    """The report's charts drawn here, as inline SVG markup; those in `drawn` (drawn from
    the `FirstPart` of the same briefing) are taken as they are."""
    from outcomes.report.chart_engine import start_engine

    start_engine()  # while Altair loads
    first = FirstPart(briefing.plan, briefing.scorecard)
    builders = _first_builders(first) | _roi_builders(briefing)
    drawn = drawn or {}
    missing = _draw({n: b for n, b in builders.items() if n not in drawn}, for_print=for_print)
    done = {**drawn, **missing}
    return {name: done[name] for name in CHARTS}


def _first_builders(first: FirstPart) -> Builders:
    """The charts of the scorecard, measured before ROI."""
    from outcomes.report import charts

    card, titles = first.scorecard, _titles(first.plan)
    return {
        "goals": lambda: charts.goal_pacing_chart(card.goals, titles),
        "conversation": lambda: charts.conversation_chart(card.conversation),
        "content": lambda: charts.content_focus_chart(card.content),
        "cadence": lambda: charts.cadence_chart(card.cadence),
    }


def _roi_builders(briefing: Briefing) -> Builders:
    from outcomes.report import charts

    currency = briefing.currency
    return {
        "roi": lambda: charts.roi_chart(briefing.tactic_roi(), currency),
        "revenue_cost": lambda: charts.revenue_cost_chart(briefing.tactic_roi(), currency),
        "models": lambda: charts.model_comparison_chart(briefing.roi),
    }


def _draw(builders: Builders, *, for_print: bool) -> Drawn:
    from outcomes.report.chart_engine import start_engine

    start_engine()  # while Altair loads
    # Each chart is drawn by vl-convert in a worker thread while the next one is built
    # here: its runtime does not hold the interpreter, so the two overlap.
    draw = _printed_chart if for_print else _screen_chart
    drawn: dict[str, Future[Markup] | None] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="chart") as pool:
        for name, build in builders.items():
            chart = build()
            drawn[name] = None if chart is None else pool.submit(draw, chart)
        return {name: None if svg is None else svg.result() for name, svg in drawn.items()}


def _screen_chart(chart: Chart) -> Markup:
    from outcomes.report import charts

    # vl-convert writes every label as escaped SVG text; no script, no external URL.
    return Markup(charts.to_svg(chart))


def _printed_chart(chart: Chart) -> Markup:
    """The question and answer as HTML text above the drawing: the same words, set by
    WeasyPrint a line at a time instead of a letter at a time (see `to_untitled_svg`)."""
    from outcomes.report import charts

    drawn = charts.to_untitled_svg(chart)
    return Markup(
        '<figcaption class="chart-title"><strong>{}</strong> <span>{}</span></figcaption>{}'
    ).format(drawn.question, " ".join(drawn.answer), printed_drawing(drawn.svg))


def printed_drawing(svg: str) -> Markup:
    """An SVG drawing for the PDF, as an image of it rather than inline.

    WeasyPrint draws both the same (the PDF's bytes are identical), but an inline drawing's
    elements (about 1,000 in the demo's report, 40% of its elements) are parsed as HTML
    and matched against every style rule first; as an image, its XML is parsed once, in C.
    """
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="drawing" alt="" src="data:image/svg+xml;base64,{}">').format(encoded)


@dataclass
class _Child:
    """A forked drawer: its id, the end it sends the charts on, and (when it was forked
    before the briefing was there) the end this process sends the briefing on."""

    pid: int
    charts: Connection
    briefings: Connection | None


class ChartDrawing:
    """Charts being drawn, in a child process when one can be forked (`start`)."""

    def __init__(self, briefing: Briefing | None, for_print: bool, child: _Child | None) -> None:
        self._briefing, self._for_print, self._child = briefing, for_print, child

    @classmethod
    def start(cls, briefing: Briefing, *, for_print: bool) -> ChartDrawing:
        """Start drawing `briefing`'s charts; `result()` waits for them."""
        return cls(briefing, for_print, _fork(for_print, briefing))

    @classmethod
    def ready(cls, *, for_print: bool, inbox: Connection | None = None) -> ChartDrawing:
        """A drawer made ready before the briefing exists (Altair and vl-convert loading
        in its child meanwhile); `draw` hands it the briefing, `result()` waits.

        `inbox`: the end of a pipe another process hands the child the `FirstPart` and
        the briefing on (`drawing_pipe`); `draw` then only keeps the briefing here, for
        drawing the charts in this process should the child fail.
        """
        if inbox is None:
            return cls(None, for_print, _fork(for_print, None))
        child = _fork(for_print, None, inbox)
        if child is None:  # drawn here: a sender finds the pipe closed
            inbox.close()
        return cls(None, for_print, child)

    def draw(self, briefing: Briefing) -> None:
        """Draw `briefing`'s charts (a drawer made `ready`)."""
        self._briefing = briefing
        if self._child is not None and self._child.briefings is not None:
            with contextlib.suppress(OSError):  # the child died: `result` draws here
                self._child.briefings.send(briefing)
            self._child.briefings.close()
            self._child.briefings = None

    def result(self) -> Drawn:
        """The charts, from the child if it drew them, else drawn here now."""
        if self._briefing is None:
            raise RuntimeError("ChartDrawing.result before draw: there is no briefing")
        if self._child is not None:
            sent = _receive(self._child)
            self._child = None
            if sent is not None:
                return {name: None if svg is None else Markup(svg) for name, svg in sent.items()}
        return draw_charts(self._briefing, for_print=self._for_print)

    def close(self) -> None:
        """Stop a child whose charts are not wanted (the report was kept); idempotent."""
        if self._child is not None:
            child, self._child = self._child, None
            for end in (child.charts, child.briefings):
                if end is not None:
                    end.close()
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)


def drawing_pipe() -> tuple[Connection, Connection]:
    """A pipe to hand a drawer made `ready` its `FirstPart` and briefing on: (its end,
    the sender's), with room for a briefing."""
    from multiprocessing import Pipe

    inbox, sender = Pipe(duplex=False)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: sends may wait, no more
        fcntl.fcntl(sender.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return inbox, sender


def _fork(
    for_print: bool, briefing: Briefing | None, given: Connection | None = None
) -> _Child | None:
    """A child drawing the charts, or None when this process cannot fork safely (see the
    module's note). Without `briefing`, the child waits for one: on `given`, else on a
    pipe of its own (`ChartDrawing.draw`)."""
    if sys.platform != "linux" or "vl_convert" in sys.modules:
        return None
    from multiprocessing import Pipe

    receiver, sender = Pipe(duplex=False)
    inbox, outbox = drawing_pipe() if briefing is None and given is None else (given, None)
    pid = os.fork()
    if pid == 0:  # the child: it never returns
        receiver.close()
        if outbox is not None:
            outbox.close()
        _draw_in_child(for_print, briefing, inbox, sender)
    sender.close()
    if inbox is not None:
        inbox.close()  # `given` too: the child reads it, and a sender knows when it dies
    return _Child(pid, receiver, outbox)


def _draw_in_child(
    for_print: bool, briefing: Briefing | None, inbox: Connection | None, sender: Connection
) -> NoReturn:
    """Draw, send, and leave without running the parent's exit code."""
    status = 1
    try:
        early: Drawn = {}
        if briefing is None:
            assert inbox is not None, "a drawer forked without a briefing waits for one"
            received = _wait_for_briefing(inbox)
            if isinstance(received, FirstPart):  # its charts are drawn while ROI is measured
                early = _draw(_first_builders(received), for_print=for_print)
                received = inbox.recv()
            inbox.close()
            assert not isinstance(received, FirstPart), "one first part, then the briefing"
            briefing = received
        drawn = draw_charts(briefing, for_print=for_print, drawn=early)
        sender.send({name: None if svg is None else str(svg) for name, svg in drawn.items()})
        status = 0
    except (BrokenPipeError, EOFError):
        status = 0  # the parent left without them (it failed, or its report was kept)
    except BaseException:  # the parent draws them instead; say why once
        traceback.print_exc()
    finally:
        os._exit(status)


def _wait_for_briefing(inbox: Connection) -> Briefing | FirstPart:
    """Load what drawing needs (Altair, vl-convert's engine), then take what comes first:
    the briefing, or its `FirstPart`."""
    from outcomes.report.chart_engine import start_engine

    start_engine()
    from outcomes.report import charts  # noqa: F401 -- imported now, while the briefing is measured

    received: Briefing | FirstPart = inbox.recv()
    return received


def _receive(child: _Child) -> dict[str, str | None] | None:
    """What the child sent; None if it died first (its error went to stderr)."""
    if child.briefings is not None:
        child.briefings.close()  # never handed a briefing: it stops waiting
    try:
        sent: dict[str, str | None] = child.charts.recv()
    except (EOFError, OSError):
        return None
    finally:
        child.charts.close()
        os.waitpid(child.pid, 0)
    return sent
