"""The report's charts are the same whether a forked child draws them or this process does."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from outcomes.briefing.build import Briefing, BriefingOptions
from outcomes.briefing.cache import load_briefing
from outcomes.report.drawing import ChartDrawing
from outcomes.report.executive import render_html, render_pdf, start_printed_charts
from tests.demo_cache import DemoCache

OPTIONS = "BriefingOptions(sources=('ga4',), bootstrap=20)"
DRAWING = re.compile(r'<img class="drawing" alt="" src="data:image/svg\+xml;base64,([^"]+)">')
"""A drawing in the printed report (`printed_drawing`), its SVG base64-encoded."""


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = demo_cache.copy(0.1, tmp_path_factory.mktemp("drawing") / "northwind").workspace
    load_briefing(folder, options=BriefingOptions(sources=("ga4",), bootstrap=20))  # kept
    return folder


@pytest.fixture(scope="module")
def briefing(workspace: Path) -> Briefing:
    return load_briefing(workspace, options=BriefingOptions(sources=("ga4",), bootstrap=20))


def test_a_fresh_process_forks_a_child_whose_charts_match_its_own(workspace: Path) -> None:
    """In a process that has not loaded vl-convert (the CLI's), a child draws the charts;
    what it sends is what this process would draw, for print and for the screen. A
    drawing not wanted is stopped, its child reaped."""
    script = textwrap.dedent(
        f"""
        import os
        import sys
        from pathlib import Path
        from outcomes.briefing.build import BriefingOptions
        from outcomes.briefing.cache import load_briefing
        from outcomes.report.drawing import ChartDrawing, draw_charts
        briefing = load_briefing(Path({str(workspace)!r}), options={OPTIONS})
        unwanted = ChartDrawing.start(briefing, for_print=True)  # a kept PDF was read
        unwanted.close()
        try:
            os.waitpid(-1, os.WNOHANG)
            raise AssertionError("a child is left")
        except ChildProcessError:
            pass  # none: stopped and reaped
        drawings = {{p: ChartDrawing.start(briefing, for_print=p) for p in (True, False)}}
        drawn = {{p: d.result() for p, d in drawings.items()}}
        assert "vl_convert" not in sys.modules, "the parent must not load vl-convert"
        for for_print, sent in drawn.items():
            here = draw_charts(briefing, for_print=for_print)
            assert sent == here, sorted(k for k in sent if sent[k] != here[k])
            assert sum(svg is not None for svg in sent.values()) >= 5
            # Drawn here once, the next drawing is done here too: no fork after vl-convert ran.
            assert ChartDrawing.start(briefing, for_print=for_print).result() == here
        print("same")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "same"
    assert "Traceback" not in done.stderr  # the child did not fail and leave it to the parent


def test_a_drawer_handed_the_scorecard_first_draws_its_charts_from_it(workspace: Path) -> None:
    """A drawer made ready on a pipe (the printer's) is handed the plan and scorecard
    first, then the briefing: the scorecard's four charts are drawn from the first part
    (a part without goals draws no goals chart), the other three from the briefing, and
    with the briefing's own scorecard they are the charts this process would draw."""
    script = textwrap.dedent(
        f"""
        import dataclasses
        import sys
        from pathlib import Path
        from outcomes.briefing.build import BriefingOptions
        from outcomes.briefing.cache import load_briefing
        from outcomes.report.drawing import (
            ChartDrawing, FirstPart, draw_charts, drawing_pipe
        )
        briefing = load_briefing(Path({str(workspace)!r}), options={OPTIONS})

        def drawn_from(card):
            inbox, sender = drawing_pipe()
            drawing = ChartDrawing.ready(for_print=True, inbox=inbox)
            sender.send(FirstPart(briefing.plan, card))
            sender.send(briefing)
            sender.close()
            drawing.draw(briefing)  # kept here, for drawing here should the child fail
            return drawing.result()

        sent = drawn_from(briefing.scorecard)
        goalless = drawn_from(dataclasses.replace(briefing.scorecard, goals=()))
        assert "vl_convert" not in sys.modules, "the parent must not load vl-convert"
        here = draw_charts(briefing, for_print=True)
        assert sent == here, sorted(k for k in sent if sent[k] != here[k])
        assert here["goals"] is not None and goalless["goals"] is None
        assert {{k: v for k, v in goalless.items() if k != "goals"}} == {{
            k: v for k, v in here.items() if k != "goals"
        }}
        print("same")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "same"
    assert "Traceback" not in done.stderr


def test_a_drawing_started_early_gives_the_report_its_charts(briefing: Briefing) -> None:
    drawing = ChartDrawing.start(briefing, for_print=True)
    started = render_html(briefing, for_print=True, drawing=drawing)
    assert started == render_html(briefing, for_print=True)
    assert started.count('<figcaption class="chart-title">') >= 5


def test_no_charts_are_drawn_ahead_for_a_pdf_that_is_kept(
    workspace: Path, briefing: Briefing
) -> None:
    drawing = start_printed_charts(briefing, workspace)
    assert drawing is not None  # nothing kept yet: the charts will be wanted
    document = render_pdf(briefing, workspace=workspace, drawing=drawing)
    assert start_printed_charts(briefing, workspace) is None
    assert render_pdf(briefing, workspace=workspace) == document  # read, not laid out


def test_printed_drawings_are_images_that_print_as_the_inline_svg_would(
    briefing: Briefing,
) -> None:
    """The PDF's charts and strategy map are SVG images, not inline SVG (whose elements
    WeasyPrint would style one by one); laid out, the PDF is byte for byte the one the
    same drawings inline make."""
    import weasyprint

    printed = render_html(briefing, for_print=True)
    assert "<svg" not in printed
    images = DRAWING.findall(printed)
    assert len(images) >= 6  # the strategy map and the charts

    def inline(found: re.Match[str]) -> str:
        return base64.b64decode(found.group(1)).decode("utf-8")

    inlined = DRAWING.sub(inline, printed)
    assert inlined.count("<svg") == len(images)
    as_images = weasyprint.HTML(string=printed, base_url=None).write_pdf()
    assert as_images == weasyprint.HTML(string=inlined, base_url=None).write_pdf()
