"""One status vocabulary and palette: the docs, the dashboard's CSS, the report and the terminal agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from outcomes.catalog.statuses import STATUS_STYLES, status_word, worst
from outcomes.cli.common import STATUS_STYLE
from outcomes.measure.words import STATUS_LABELS
from outcomes.report.strategy_map import STATUS_COLOURS

REPO = Path(__file__).resolve().parents[2]
CSS = REPO / "src/outcomes/web/static/dashboard.css"
DOCS = REPO / "docs/plan-format.md"


@pytest.mark.parametrize("status", list(STATUS_STYLES))
def test_every_route_words_and_colours_a_status_alike(status: str) -> None:
    style = STATUS_STYLES[status]  # type: ignore[index]
    assert STATUS_LABELS[status] == status_word(status) == style.word
    assert STATUS_COLOURS[status] == (style.fill, style.stroke, style.word)
    assert STATUS_STYLE[status] == style.terminal
    rule = re.search(rf"\.status-{status} \{{([^}}]*)\}}", CSS.read_text())
    assert rule, f"dashboard.css has no .status-{status}"
    declared = {
        part.split(":")[0].strip(): part.split(":")[1].strip()
        for part in rule.group(1).split(";")
        if ":" in part
    }
    assert declared["background"] == style.fill
    assert declared["border-color"] == style.stroke
    assert declared["color"] == style.ink
    assert (declared.get("border-style") == "dashed") == style.dashed


@pytest.mark.parametrize("status", list(STATUS_STYLES))
def test_the_plan_format_documents_each_status(status: str) -> None:
    style = STATUS_STYLES[status]  # type: ignore[index]
    assert f"| `{status}` | {style.word} | {style.meaning} |" in DOCS.read_text()


def test_docs_and_labels_agree_on_what_short_of_the_threshold_is() -> None:
    text = DOCS.read_text()
    assert "below it is off" not in text and "red-flag" not in text
    assert "short of it the goal is at risk" in text
    assert STATUS_STYLES["at_risk"].meaning.endswith("short of the threshold.")


def test_no_data_yet_is_neither_success_nor_failure() -> None:
    no_data = STATUS_STYLES["no_data"]
    measured = {STATUS_STYLES[s].fill for s in ("achieved", "on_track", "at_risk", "off_track")}
    assert no_data.fill not in measured and no_data.dashed
    assert status_word(None) == "no data yet"
    # It gives way to any measurement when statuses roll up; stale data outranks good news.
    assert worst(["no_data", "achieved"]) == "achieved"
    assert worst(["on_track", "stale"]) == "stale"
    assert worst(["stale", "off_track"]) == "off_track"
    assert worst([]) == "no_data"
