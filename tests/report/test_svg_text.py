"""The mended SVG text sets a plain run at once, where the library set its letters."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

weasyprint = pytest.importorskip("weasyprint", exc_type=OSError)
from weasyprint import svg as weasy_svg  # noqa: E402

from outcomes.report import svg_text  # noqa: E402

LABELS = (
    '<text x="10" y="20" font-size="11" text-anchor="start">Tactics (7)</text>'
    '<text x="300" y="40" font-size="11" font-weight="700" text-anchor="end">at risk</text>'
    '<text transform="translate(150,60)" font-size="10" text-anchor="middle">'
    "Watch mentions and comments</text>"
    '<text transform="translate(40,120) rotate(-90)" font-size="10">Revenue (EUR)</text>'
    '<text x="10" y="80" font-family="monospace" font-size="11">new-logos</text>'
    '<text x="10" y="100" font-size="11">Total <tspan font-weight="700">Avocado</tspan></text>'
)
APART = (
    '<text x="10 30 50" y="140" font-size="11">abc</text>'
    '<text x="10" y="160" dx="4" font-size="11">dx</text>'
)
WORDS = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@pytest.fixture
def library_text() -> Iterator[None]:
    """WeasyPrint's own text drawing during the test, whatever the session mended before."""
    kept_tags, kept_text = dict(weasy_svg.TAGS), weasy_svg.text
    original = getattr(kept_text, "__wrapped__", None)
    if original is not None:
        for tag, drawer in kept_tags.items():
            if drawer is kept_text:
                weasy_svg.TAGS[tag] = original
        weasy_svg.text = original
    yield
    weasy_svg.TAGS.clear()
    weasy_svg.TAGS.update(kept_tags)
    weasy_svg.text = kept_text


def _pdf(labels: str, target: Path) -> str:
    """The labels drawn in an SVG image in a page; the PDF's uncompressed text."""
    drawing = f'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180">{labels}</svg>'
    encoded = base64.b64encode(drawing.encode()).decode()
    page = f'<img style="width:320px" src="data:image/svg+xml;base64,{encoded}">'
    document = weasyprint.HTML(string=page, base_url=None).write_pdf(uncompressed_pdf=True)
    target.write_bytes(document)
    return document.decode("latin-1")


def _words(pdf: Path) -> list[tuple[str, tuple[float, ...]]]:
    out = pdf.with_suffix(".html")
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(out)], check=True)
    return [
        (found[4], tuple(float(value) for value in found[:4]))
        for found in WORDS.findall(out.read_text(encoding="utf-8"))
    ]


def _shown(pdf_text: str) -> int:
    """How many text-showing operators the page runs (one per letter, or per run)."""
    return len(re.findall(r"\]\s*TJ|\)\s*Tj", pdf_text))


@pytest.mark.usefixtures("library_text")
def test_plain_runs_land_where_their_letters_did(tmp_path: Path) -> None:
    if weasyprint.__version__ != svg_text.MENDED_VERSION:
        pytest.skip("another WeasyPrint: left as it is")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils, `make system-deps`) is not installed")
    library = _pdf(LABELS + APART, tmp_path / "library.pdf")
    assert svg_text.mend()
    mended = _pdf(LABELS + APART, tmp_path / "mended.pdf")

    # Left to the library: letters placed apart, and "Total " (a space at its end, before
    # its tspan), whose space shows nothing.
    letters_apart = sum(len(word) for word in ("abc", "dx", "Total"))
    runs = 6  # five labels and the tspan's "Avocado"
    assert _shown(mended) == runs + letters_apart
    assert _shown(library) > 3 * _shown(mended)

    before, after = _words(tmp_path / "library.pdf"), _words(tmp_path / "mended.pdf")
    assert [word for word, _ in after] == [word for word, _ in before]
    starts = {word: box[:2] for word, box in before}
    assert {word: box[:2] for word, box in after if word in ("Tactics", "new-logos")} == {
        word: starts[word] for word in ("Tactics", "new-logos")
    }
    assert "Avocado" in {word for word, _ in after}
    for (word, box_before), (_, box_after) in zip(before, after, strict=True):
        # Kerning, which a run gets and lone letters do not, is all that moves: "Tactics"
        # ends 1.4 pt sooner ("Ta", at 8.25 pt), and what follows it on its line with it.
        assert max(abs(a - b) for a, b in zip(box_before, box_after, strict=True)) < 2, word


def test_another_weasyprint_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    drawer = weasy_svg.TAGS["text"]
    assert not svg_text.mend()
    assert weasy_svg.TAGS["text"] is drawer
