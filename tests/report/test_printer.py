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
    process lays out with the same check-ins and sign-off; afterwards no process is left."""
    done = _run(
        f"""
        import datetime as dt
        import os
        from pathlib import Path
        from outcomes.briefing.build import BriefingOptions
        from outcomes.briefing.cache import load_briefing
        from outcomes.report.executive import lay_out_pdf
        from outcomes.report.printer import Printer
        from outcomes.workspace import CheckinRecord

        printer = Printer.start()
        assert printer is not None, "a fresh process on Linux forks"
        briefing = load_briefing(Path({str(workspace)!r}), options={OPTIONS})
        tactic = briefing.plan.tactics[0]
        checkins = [CheckinRecord(
            tactic=tactic.id, channel=tactic.channel, week=dt.date(2026, 12, 21),
            author="ana", done="Posted twice", confidence=6, blocker="No budget left",
            counts={{}}, saved_at=dt.datetime(2026, 12, 22, tzinfo=dt.UTC),
        )]
        printed = printer.print(briefing, checkins, None)
        try:
            os.waitpid(-1, os.WNOHANG)
            raise AssertionError("a child is left")
        except ChildProcessError:
            pass  # none: the printer and its drawer ended and were reaped
        assert printed.startswith(b"%PDF")
        assert printed == lay_out_pdf(briefing, checkins, None, None)
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
        import time
        from pathlib import Path
        from outcomes.report.printer import NICENESS, Printer

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
        assert running(printer.pid) == [NICENESS, NICENESS], running(printer.pid)
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
        count = len([p for p in pages if p.strip()])
        assert f"Page 1 of {count}" in pages[0] and f"Page {count} of {count}" in pages[-2]
        assert any("Tactical implementation plan" in p for p in pages)
    else:
        assert target.read_bytes().startswith(b"%PDF")
