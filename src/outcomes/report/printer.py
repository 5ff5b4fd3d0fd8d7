"""The PDF laid out by a process started before the briefing is measured.

Measuring keeps one of two cores busy; loading the PDF engine (WeasyPrint, Pango and
fontconfig, our template), Altair and vl-convert's runtime takes about two seconds of
CPU that need no briefing. `Printer.start`, called before measuring, forks a child that
does all that meanwhile, niced (`NICENESS`), and forks its own chart drawer
(`ChartDrawing.ready`), then waits. This process hands the drawer the plan and its
scorecard as soon as they are measured (`Printer.hand_over_first`: four charts are drawn
while ROI is measured), then the briefing to both (`Printer.hand_over`), on pipes roomy
enough that handing over does not wait for them. The plan's sign-off (the app's store:
SQLAlchemy, about half a second) is read by the printer itself while it waits for the
briefing, and handed back when asked (`Printer.sign_off`), so that this process only reads
the check-ins after measuring; then it lays out the PDF's appendix, which needs only the
plan (`lay_out_appendix`: about half of the PDF's layout, off the wait after measuring).
`Printer.print` sends the check-ins and receives the PDF's bytes.

The child leads a process group of its own with its drawer, so that `close` stops both
at once (a kept PDF was read, or the command failed) and a Ctrl-C in the terminal
reaches only the command, which stops them. Where forking is not safe (see `drawing`),
`start` returns None and the caller lays the PDF out itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Final, NoReturn

if TYPE_CHECKING:
    from outcomes.briefing.build import Briefing
    from outcomes.measure.scorecard import Scorecard
    from outcomes.plan import LoadedPlan, Plan
    from outcomes.plan.changes import SignOff
    from outcomes.report.drawing import ChartDrawing
    from outcomes.report.executive import PrintedAppendix
    from outcomes.workspace import CheckinRecord

NICENESS: Final = 10
"""How much the printer and its drawer give way to other processes. Measuring runs DuckDB
on every core part of the time: at the same priority, loading the PDF engine beside it
slowed measuring by as much as it saved after (the demo on 2 shared cores: measuring
2.5-3.9 s -> 2.9-8.0 s). Niced, they take what measuring leaves idle and the PDF still
comes ~1.5 s sooner after it; on an idle machine, niceness changes nothing. (Lowering it
back for the layout would need privileges.)"""


Shown = tuple[list["CheckinRecord"], "SignOff | None"]
"""What the report shows besides the briefing: the check-ins and the plan's sign-off."""
SignOffReader = Callable[[], "SignOff | None"]
"""Reads the plan's sign-off from the app's store (the command's own function)."""
Answer = tuple[str, bytes | str]
"""("pdf", the bytes), ("unavailable", why the engine cannot run), or ("failed", why)."""


class PrintError(Exception):
    """The child laying out the PDF failed or died; the message is one line."""


@dataclass
class Printer:
    """A forked process ready to lay out the report's PDF."""

    pid: int
    requests: Connection
    answers: Connection
    drawer: Connection | None
    """The pipe to the printer's chart drawer, until the briefing is handed over."""
    reads_sign_off: bool = False
    """The child reads the plan's sign-off and sends it first (`sign_off` takes it)."""
    handed_over: bool = False
    done: bool = False

    @classmethod
    def start(
        cls,
        read_sign_off: SignOffReader | None = None,
        *,
        appendix_of: LoadedPlan | None = None,
    ) -> Printer | None:
        """Fork the printer now, before measuring; None where forking is not safe.

        `read_sign_off`: the child reads the plan's sign-off with it while it waits for
        the briefing (`sign_off` hands it over). `appendix_of`: the plan being measured,
        whose appendix the child lays out meanwhile (`lay_out_appendix`).
        """
        if sys.platform != "linux" or "vl_convert" in sys.modules:
            return None
        from multiprocessing import Pipe

        from outcomes.report.drawing import drawing_pipe

        request_end, requests = drawing_pipe()
        drawer_end, drawer = drawing_pipe()
        answers, answer_end = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child: it never returns
            for end in (requests, answers, drawer):
                end.close()
            _serve(request_end, answer_end, drawer_end, read_sign_off, appendix_of)
        # Here too: a `close` before the child set its group would miss the group.
        os.setpgid(pid, pid)
        for end in (request_end, answer_end, drawer_end):
            end.close()
        return cls(pid, requests, answers, drawer, reads_sign_off=read_sign_off is not None)

    def sign_off(self) -> tuple[SignOff | None] | None:
        """The plan's sign-off the child read (in a tuple: None is an answer), or None when
        it read none or died first (the caller reads it then)."""
        if self.done or not self.reads_sign_off:
            return None
        self.reads_sign_off = False
        try:
            kind, payload = self.answers.recv()
        except (EOFError, OSError):
            return None
        return (payload,) if kind == "sign-off" else None  # "no-sign-off": read it here

    def hand_over_first(self, plan: Plan, scorecard: Scorecard) -> None:
        """Give the drawer the plan and its scorecard, measured before ROI: the charts
        of the scorecard are drawn while the rest is measured."""
        from outcomes.report.drawing import FirstPart

        if self.drawer is not None and not self.handed_over:
            with contextlib.suppress(OSError):  # no drawer: the printer draws them all
                self.drawer.send(FirstPart(plan, scorecard))

    def hand_over(self, briefing: Briefing) -> None:
        """Give the drawer and the printer the briefing: the rest of the charts are drawn
        meanwhile; once only."""
        if not self.handed_over:
            self.handed_over = True
            if self.drawer is not None:
                with contextlib.suppress(OSError):
                    self.drawer.send(briefing)
                self.drawer.close()
                self.drawer = None
            with contextlib.suppress(OSError):  # it died: `print` says so
                self.requests.send(briefing)

    def print(
        self,
        briefing: Briefing,
        checkins: Sequence[CheckinRecord] = (),
        sign_off: SignOff | None = None,
    ) -> bytes:
        """The report's PDF, laid out by the child; its own error when the engine cannot
        run there, `PrintError` when it failed or died."""
        from outcomes.report.executive import PdfUnavailableError

        self.hand_over(briefing)
        shown: Shown = (list(checkins), sign_off)
        try:
            self.sign_off()  # unless taken already, it comes first
            self.requests.send(shown)
            kind, payload = self.answers.recv()
        except (EOFError, OSError):
            raise PrintError(
                f"the process laying out the PDF ended before it was done ({self._ending()}); "
                "run the command again, or write HTML with --format html"
            ) from None
        finally:
            self.close()
        if kind == "unavailable":
            raise PdfUnavailableError(str(payload))
        if kind == "failed":
            raise PrintError(f"the PDF could not be laid out: {payload}")
        assert isinstance(payload, bytes), "a PDF is bytes"
        return payload

    def close(self) -> None:
        """Stop the child and its drawer if they still run, and reap it; idempotent."""
        if self.done:
            return
        self.done = True
        self.requests.close()
        self.answers.close()
        if self.drawer is not None:
            self.drawer.close()
            self.drawer = None
        with contextlib.suppress(ProcessLookupError):  # finished and reaped: no group left
            os.killpg(self.pid, signal.SIGKILL)
        self._ending()

    def _ending(self) -> str:
        """How the child ended, once it has (reaping it); its first caller gets the words."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return "it had ended"
        if os.WIFSIGNALED(status):
            return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"


def _serve(
    requests: Connection,
    answers: Connection,
    charts: Connection,
    read_sign_off: SignOffReader | None,
    appendix_of: LoadedPlan | None,
) -> NoReturn:
    """The child: get ready, lay out the PDF asked for, answer, and leave without running
    the parent's exit code. A parent that closes without asking (a kept PDF) ends it.
    `charts`: the pipe its drawer reads the plan's scorecard and the briefing on;
    `read_sign_off`: read while the briefing is measured, and sent first; `appendix_of`:
    the plan whose appendix it lays out then too."""
    os.setpgid(0, 0)  # before its drawer forks, which then joins the group
    os.nice(NICENESS)  # its drawer inherits it
    status = 1
    try:
        from outcomes.report.drawing import ChartDrawing

        # Forked first, before WeasyPrint loads here: the drawer needs none of it.
        drawing = ChartDrawing.ready(for_print=True, inbox=charts)
        from outcomes.report.executive import stop_collecting_cycles

        stop_collecting_cycles()  # it ends once it has sent the PDF
        try:
            unavailable = _get_ready()
            if read_sign_off is not None:
                answers.send(_read(read_sign_off))
            appendix = _appendix(appendix_of, unavailable)
            briefing: Briefing = requests.recv()
            drawing.draw(briefing)
            shown: Shown = requests.recv()
            answers.send(_lay_out(briefing, shown, drawing, unavailable, appendix))
        finally:
            drawing.close()
        status = 0
    except (EOFError, BrokenPipeError):
        status = 0  # not wanted after all
    finally:
        os._exit(status)


def _read(read_sign_off: SignOffReader) -> Answer | tuple[str, SignOff | None]:
    """("sign-off", the plan's sign-off), or ("no-sign-off", why) when reading it failed:
    the command then reads it itself, and fails or warns there as it would have."""
    try:
        return ("sign-off", read_sign_off())
    except Exception as exc:
        return ("no-sign-off", f"{type(exc).__name__}: {exc}")


def _get_ready() -> str | None:
    """Load the PDF engine and the report's template, and lay out a page like ours once
    (fonts found, stylesheet code paths run); why the engine cannot run, if it cannot."""
    from outcomes.report.executive import PdfUnavailableError, warm_up

    try:
        warm_up()
    except PdfUnavailableError as exc:
        return str(exc)
    return None


def _appendix(loaded: LoadedPlan | None, unavailable: str | None) -> PrintedAppendix | None:
    """The PDF's appendix of `loaded`, laid out while the briefing is measured; None when
    there is no plan or it fails (`lay_out_pdf` then lays it out, and says why it cannot)."""
    from outcomes.report.executive import lay_out_appendix

    if loaded is None or unavailable is not None:
        return None
    try:
        return lay_out_appendix(loaded)
    except Exception:
        return None


def _lay_out(
    briefing: Briefing,
    shown: Shown,
    drawing: ChartDrawing,
    unavailable: str | None,
    appendix: PrintedAppendix | None,
) -> Answer:
    from outcomes.report.executive import PdfUnavailableError, lay_out_pdf

    if unavailable is not None:
        return ("unavailable", unavailable)
    checkins, sign_off = shown
    try:
        return ("pdf", lay_out_pdf(briefing, checkins, sign_off, drawing, appendix))
    except PdfUnavailableError as exc:
        return ("unavailable", str(exc))
    except Exception as exc:  # a bug: said in one line by the parent
        return ("failed", f"{type(exc).__name__}: {exc}")
