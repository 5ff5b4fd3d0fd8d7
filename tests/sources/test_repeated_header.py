"""A header row repeated among the rows is rejected as what it is, on every tabular source.

Two exports pasted one after the other (or a header copied into the rows) put the header
among the data. Before, the row was rejected for its first unreadable cell ("expected a
date and time, got 'Publish time'"), which told nobody what the row was; damaged copies
of the companies' exports gave that for all 30 tabular files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, Rejected, Row
from outcomes.sources.base import Source
from outcomes.sources.linkedin_ads import LinkedInAds
from outcomes.sources.meta import Meta

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [
    # (connector, export, the header's line: LinkedIn writes five title lines above it)
    (Meta(), FIXTURES / "meta" / "instagram_2026-02.csv", "Post ID,", 1),
    (LinkedInAds(), FIXTURES / "linkedin_ads" / "campaign_performance_report.csv", "Start Date", 7),
]


@pytest.mark.parametrize(("source", "export", "starts", "line"), CASES)
def test_the_header_again_is_rejected_as_the_header_again(
    source: Source, export: Path, starts: str, line: int, tmp_path: Path
) -> None:
    lines = export.read_text(encoding="utf-8").splitlines()
    header = next(text for text in lines if text.startswith(starts))
    # The header again, in another case and with a BOM, after the first data row.
    pasted = [*lines[: line + 1], "\ufeff" + header.upper(), *lines[line + 1 :]]
    path = tmp_path / export.name
    path.write_text("\n".join(pasted) + "\n", encoding="utf-8")

    good = [p for p in source.read(export, ReadOptions()) if isinstance(p, Row)]
    parsed = list(source.read(path, ReadOptions()))

    [rejected] = [p for p in parsed if isinstance(p, Rejected)]
    assert rejected.line == line + 2
    assert rejected.reason.startswith(f"the header row again (as on line {line}): two exports")
    assert len([p for p in parsed if isinstance(p, Row)]) == len(good)
