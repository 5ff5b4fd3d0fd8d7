"""The PDF laid out by a process forked before measuring is the one this process lays out;
a printer not wanted leaves no process, and one that dies is a one-line error."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from outcomes.briefing.build import BriefingOptions
from outcomes.briefing.cache import load_briefing
from tests.demo_cache import DemoCache

OPTIONS = "BriefingOptions(sources=('ga4',), bootstrap=20)"
MEASURE = ["--touch-source", "ga4", "--no-lookback"]


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = demo_cache.copy(0.1, tmp_path_factory.mktemp("printer") / "northwind").workspace
    load_briefing(folder, options=BriefingOptions(sources=("ga4",), bootstrap=20))  # kept
    return folder


def _run(script: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter: this one may have loaded vl-convert, which stops
    any fork (see `outcomes.report.drawing`)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_printers_pdf_is_the_one_laid_out_here(workspace: Path) -> None:
    """Forked before the briefing is there, the printer sends the same bytes as this
    process lays out with the same check-ins and sign-off, whether it laid the appendix out
    while waiting (of the briefing's plan, or of another plan, whose appendix it must not
    use) or not; afterwards no process is left."""
    done = _run(
        f"""
        import datetime as dt
        import os
        from dataclasses import replace
        from pathlib import Path
        from outcomes.briefing.build import BriefingOptions
        from outcomes.briefing.cache import load_briefing
        from outcomes.report.executive import lay_out_pdf
        from outcomes.report.printer import Printer
        from outcomes.workspace import CheckinRecord

        briefing = load_briefing(Path({str(workspace)!r}), options={OPTIONS})
        tactic = briefing.plan.tactics[0]
        checkins = [CheckinRecord(
            tactic=tactic.id, channel=tactic.channel, week=dt.date(2026, 12, 21),
            author="ana", done="Posted twice", confidence=6, blocker="No budget left",
            counts={{}}, saved_at=dt.datetime(2026, 12, 22, tzinfo=dt.UTC),
        )]
        expected = lay_out_pdf(briefing, checkins, None, None)
        plan = briefing.plan
        renamed = plan.people[0].model_copy(update={{"name": "Someone Else"}})
        other = replace(briefing.loaded, plan=plan.model_copy(
            update={{"people": [renamed, *plan.people[1:]]}}
        ))
        for appendix_of in (None, briefing.loaded, other):
            printer = Printer.start(appendix_of=appendix_of)
            assert printer is not None, "a fresh process on Linux forks"
            printed = printer.print(briefing, checkins, None)
            try:
                os.waitpid(-1, os.WNOHANG)
                raise AssertionError("a child is left")
            except ChildProcessError:
                pass  # none: the printer and its drawer ended and were reaped
            assert printed.startswith(b"%PDF")
            assert printed == expected, appendix_of
        Path({str(workspace / "printed.pdf")!r}).write_bytes(printed)
        print("same")
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "same"
    assert "Traceback" not in done.stderr
    if shutil.which("pdftotext"):  # what it was handed is what it printed
        text = subprocess.run(
            ["pdftotext", str(workspace / "printed.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "ana: No budget" in text and "Northwind Freight Software" in text


def test_a_printer_not_wanted_stops_with_its_drawer() -> None:
    """A kept PDF was read: `close` ends the printer's whole group (it and its chart
    drawer, both niced to leave measuring its cores), whatever they were loading."""
    done = _run(
        """
        import os
        import time
        from pathlib import Path
        from outcomes.report.printer import NICENESS, Printer

        # os.nice adds to the niceness the suite runs at (19 at most): `nice make test` too.
        niced = min(19, os.nice(0) + NICENESS)

        def running(group: int) -> list[int]:
            # The niceness of each of the group's processes not yet dead (a zombie waits
            # for init to reap it).
            found = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended while listed
                if int(fields[2]) == group and fields[0] != "Z":
                    found.append(int(fields[16]))
            return found

        printer = Printer.start()
        assert printer is not None
        time.sleep(0.5)  # the drawer forked, both loading
        # The printer and its drawer, and whatever short-lived child one of them runs
        # while loading (caught now and then on a busy machine), all niced.
        found = running(printer.pid)
        assert len(found) >= 2 and set(found) == {niced}, found
        printer.close()
        deadline = time.monotonic() + 5
        while running(printer.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # SIGKILL is delivered, not awaited
        assert not running(printer.pid), "the printer's group outlived close"
        printer.close()  # idempotent
        print("stopped")
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "stopped"


def test_a_printer_that_dies_is_a_one_line_error_with_exit_2(workspace: Path) -> None:
    """`outcomes report` measuring (`--refresh`) starts a printer first; killed, it is
    said in one line, exit 2."""
    done = _run(
        f"""
        import os
        import signal
        import sys
        from outcomes.cli import app
        from outcomes.report import printer

        started = printer.Printer.start

        def start_and_kill(*args, **kwargs) -> printer.Printer | None:
            made = started(*args, **kwargs)
            assert made is not None
            os.kill(made.pid, signal.SIGKILL)  # as the kernel's OOM killer would
            return made

        printer.Printer.start = start_and_kill
        sys.argv = ["outcomes", "report", "-w", {str(workspace)!r}, *{MEASURE!r}, "--refresh",
                    "-o", {str(workspace / "killed.pdf")!r}]
        app()
        """
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "error: the process laying out the PDF ended before it was done" in lines[0]
    assert "killed by SIGKILL" in lines[0]
    assert not (workspace / "killed.pdf").exists()


def test_the_command_measuring_prints_through_its_printer(workspace: Path) -> None:
    """`outcomes report -o x.pdf --refresh` in a fresh process (where the printer forks)
    writes the report: page one first, page numbers, the appendix."""
    target = workspace / "measured.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "outcomes", "report", "-w", str(workspace), *MEASURE,
         "--refresh", "-o", str(target)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    if shutil.which("pdftotext"):
        pages = subprocess.run(
            ["pdftotext", str(target), "-"], check=True, capture_output=True, text=True
        ).stdout.split("\f")
        assert "Are we reaching our business goals?" in pages[0]
        assert "What needs a decision" in pages[0]
        pages = [p for p in pages if p.strip()]
        # The report's pages, then the appendix's, each numbered on their own.
        body = [p for p in pages if "Appendix, page" not in p]
        appendix = pages[len(body) :]
        assert body and appendix and pages == body + appendix
        assert f"Page 1 of {len(body)}" in body[0]
        assert f"Page {len(body)} of {len(body)}" in body[-1]
        assert "Tactical implementation plan" in appendix[0]
        assert f"Appendix, page 1 of {len(appendix)}" in appendix[0]
        assert f"Appendix, page {len(appendix)} of {len(appendix)}" in appendix[-1]
    else:
        assert target.read_bytes().startswith(b"%PDF")


def test_the_printed_appendix_is_the_same_whatever_the_date(workspace: Path) -> None:
    """The printer lays the appendix out before the date the numbers are as of is measured:
    that holds only while the printed sections do not depend on it (a tactic's phase is on
    the tactic cards, which only the HTML shows). A section that comes to depend on it must
    wait for the briefing's date (see `outcomes.report.executive.PrintedAppendix`)."""
    import datetime as dt

    from outcomes.plan import load_plan
    from outcomes.plan.implementation import build_implementation_plan
    from outcomes.report.executive import PRINTED_APPENDIX, SCREEN_APPENDIX
    from outcomes.report.implementation import render_html_sections

    loaded = load_plan(workspace / "plan.yaml")
    start = min(t.start for t in loaded.plan.tactics)

    def appendix(today: dt.date, parts: tuple[str, ...]) -> str:
        return str(
            render_html_sections(build_implementation_plan(loaded, today=today), parts=parts)
        )

    dates = (start - dt.timedelta(days=400), start, start + dt.timedelta(days=800))
    assert len({appendix(day, PRINTED_APPENDIX) for day in dates}) == 1
    # The date does show in the HTML's appendix: the comparison can tell dates apart.
    assert len({appendix(day, SCREEN_APPENDIX) for day in dates}) == len(dates)


def test_the_pdf_is_laid_out_without_collecting_cycles(workspace: Path) -> None:
    """The command and its printer end once the PDF is written: Python's cycle collector,
    which walks WeasyPrint's hundreds of thousands of layout objects again and again for
    nothing (a sixth of the layout's CPU), is off in any process that has loaded WeasyPrint,
    whether the printer lays the PDF out (measuring) or the command (a kept briefing)."""
    events = workspace / "collections.txt"
    script = f"""
        import gc, os, runpy, sys
        events = os.open({str(events)!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

        def watch(phase, info):
            if phase == "start":  # which process, and whether it has loaded WeasyPrint
                os.write(events, b"%d %d\\n" % (os.getpid(), "weasyprint" in sys.modules))

        gc.callbacks.append(watch)
        sys.argv = ["outcomes", "report", "-w", {str(workspace)!r}, *{MEASURE!r},
                    *sys.argv[1:], "-o", {str(workspace / "collected.pdf")!r}]
        runpy.run_module("outcomes", run_name="__main__")
        """
    for extra in (["--refresh"], []):  # through the printer, then from the kept briefing
        for kept in (workspace / ".outcomes" / "cache").glob("*/*-report-*.pdf"):
            kept.unlink()
        events.unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), *extra],
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        seen = [line.split() for line in events.read_text().splitlines()]
        assert any(loaded == "0" for _, loaded in seen), "the watch sees collections"
        assert [pid for pid, loaded in seen if loaded == "1"] == [], extra
