"""The matching precedence as docs/plan-format.md states it is the one the code applies."""

from __future__ import annotations

import re
from pathlib import Path

from outcomes.plan.matching import BY_CRITERIA, MODE_KINDS, activity_rank, specificity

DOCS = Path(__file__).parents[2] / "docs" / "plan-format.md"


def _documented_mode_kinds() -> dict[str, tuple[str, ...]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### Which tactic claims an activity") :]
    table = section[section.index("| mode |") : section.index("\n\n", section.index("| mode |"))]
    documented: dict[str, tuple[str, ...]] = {}
    for line in table.splitlines()[2:]:
        modes, kinds = (cell.strip() for cell in line.strip("|").split("|"))
        named = tuple(re.findall(r"`([a-z_]+)`", kinds))
        for mode in re.findall(r"`([a-z]+)`", modes):
            documented[mode] = named
    return documented


def test_the_documented_default_kinds_are_the_modes_kinds() -> None:
    assert _documented_mode_kinds() == dict(MODE_KINDS)


def test_criteria_outrank_every_channel_default_and_count_as_documented() -> None:
    best_default = activity_rank(by_criteria=False, met=0, kinds_written=True)
    weakest_claim = activity_rank(by_criteria=True, met=1, kinds_written=False)
    assert best_default < weakest_claim
    # "accounts and hashtags, with its kinds written, ... specificity 3; accounts alone, 1"
    assert specificity(activity_rank(by_criteria=True, met=2, kinds_written=True)) == 3
    assert specificity(activity_rank(by_criteria=True, met=1, kinds_written=False)) == 1
    assert specificity(best_default) == 1 and BY_CRITERIA > 4 + 1
