"""A record a tool names by an id or by name and day is stored once, whichever shape came.

`TwoKeys` on its own, then ad reports with and without `Campaign ID` through the real
connectors into a real warehouse, in both orders: the spend is stored once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from outcomes.sources import get_source
from outcomes.sources.two_keys import TwoKeys
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file

FIXTURES = Path(__file__).parent / "fixtures"
META_ADS = FIXTURES / "meta_ads" / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
LINKEDIN_ADS = FIXTURES / "linkedin_ads" / "campaign_performance_report.csv"
BY_ID, BY_NAME = {"spend": "id|spend"}, {"spend": "name|spend"}


@pytest.mark.parametrize(
    ("by_id", "stored", "broken_down", "expected"),
    [
        (BY_ID, {}, False, BY_ID),  # nothing of its name and day: its own key
        (BY_ID, {"spend": ["id|spend"]}, False, BY_ID),
        (BY_ID, {"spend": ["name|spend"]}, False, BY_NAME),  # stored without ids
        (BY_ID, {"spend": ["other-id|spend"]}, False, BY_ID),  # another campaign's id
        (BY_ID, {"spend": ["name|spend"]}, True, BY_NAME),  # the same breakdown, exactly
        (None, {"spend": ["name|spend"]}, False, BY_NAME),
        (None, {"spend": ["id|spend"]}, False, BY_ID),  # stored with its id
        (None, {"spend": ["a|spend", "b|spend"]}, False, 2),  # two campaigns: refused
        (None, {"spend": ["id|spend"]}, True, BY_NAME),  # broken down: not guessed
    ],
)
def test_which_key_a_record_takes(
    by_id: dict[str, str] | None,
    stored: dict[str, list[str]],
    broken_down: bool,
    expected: dict[str, str] | int,
) -> None:
    assert TwoKeys(by_id, BY_NAME, stored, broken_down=broken_down).resolved() == expected


def without(source: Path, target: Path, header: str) -> Path:
    """The report as an export without the `header` column writes it (title lines kept)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if header in line)
    rows = list(csv.reader(io.StringIO("".join(lines[start:]))))
    column = rows[0].index(header)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:column] + r[column + 1 :] for r in rows)
    target.write_text("".join(lines[:start]) + out.getvalue(), encoding="utf-8")
    return target


def spend(warehouse: Warehouse) -> tuple[int, float]:
    [(lines, total)] = warehouse.duckdb.execute(
        "SELECT count(*), sum(amount) FROM costs WHERE kind = 'ads'"
    ).fetchall()
    return int(lines), float(total)


def snapshots(warehouse: Warehouse) -> int:
    [(count,)] = warehouse.duckdb.execute("SELECT count(*) FROM metric_snapshots").fetchall()
    return int(count)


@pytest.mark.parametrize(
    ("name", "report"), [("meta-ads", META_ADS), ("linkedin-ads", LINKEDIN_ADS)]
)
@pytest.mark.parametrize("ids_first", [True, False], ids=["ids first", "ids last"])
def test_a_report_with_and_without_campaign_ids_stores_the_spend_once(
    warehouse: Warehouse, tmp_path: Path, name: str, report: Path, ids_first: bool
) -> None:
    source = get_source(name)
    bare = without(report, tmp_path / f"bare-{report.name}", "Campaign ID")
    first, second = (report, bare) if ids_first else (bare, report)
    loaded = ingest_file(warehouse, source, first)
    once = spend(warehouse), snapshots(warehouse)

    again = ingest_file(warehouse, source, second)

    assert loaded.loaded > 0 and once[0][0] > 0
    assert (again.loaded, again.rejected) == (0, 0) and again.balanced
    assert (spend(warehouse), snapshots(warehouse)) == once
    if ids_first:  # the stored note, which names the campaign id, stays
        assert again.unchanged + again.ignored_total == again.read
    else:  # the note now names the id; nothing else changes
        assert dict(again.changed_columns) == {"note": once[0][0]} == {"note": again.updated}


BARE_HEADER = "Campaign name,Day,Amount spent (EUR),Impressions\n"
"""A Meta Ads report without `Campaign ID`."""


def load_bare_after(warehouse: Warehouse, tmp_path: Path, stored: str, bare: str) -> IngestResult:
    """Load a Meta Ads report (`stored`, CSV text), then a report without ids (`bare`);
    what loading the second did."""
    meta_ads = get_source("meta-ads")
    first, second = tmp_path / "stored.csv", tmp_path / "bare.csv"
    first.write_text(stored, encoding="utf-8")
    second.write_text(BARE_HEADER + bare, encoding="utf-8")
    ingest_file(warehouse, meta_ads, first)
    return ingest_file(warehouse, meta_ads, second)


def test_a_campaign_without_id_matching_two_stored_campaigns_is_refused(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    twins = (
        "Campaign name,Campaign ID,Day,Amount spent (EUR),Impressions\n"
        "Same name,111,2026-03-02,10.00,100\nSame name,222,2026-03-02,20.00,200\n"
    )

    result = load_bare_after(warehouse, tmp_path, twins, "Same name,2026-03-02,30.00,300\n")

    assert (result.read, result.loaded, result.updated, result.rejected) == (1, 0, 0, 1)
    rejection = result.rejections[0]
    assert rejection.line == 2 and rejection.column == "Campaign ID"
    assert "2 stored rows are of a campaign named 'Same name'" in rejection.reason
    assert spend(warehouse) == (2, 30.0)


def test_a_campaign_total_without_id_after_its_rows_by_platform_is_refused_not_added(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Loaded by platform with ids, then as one total without: the total is not added to
    the platforms' spend (it would count the spend twice); it is refused, saying why."""
    by_platform = (
        "Campaign name,Campaign ID,Platform,Day,Amount spent (EUR),Impressions\n"
        "Launch,111,facebook,2026-03-02,10.00,100\nLaunch,111,instagram,2026-03-02,20.00,200\n"
    )

    result = load_bare_after(warehouse, tmp_path, by_platform, "Launch,2026-03-02,30.00,300\n")

    assert (result.loaded, result.rejected) == (0, 1)
    assert "is stored broken down by Platform" in result.rejections[0].reason
    assert spend(warehouse) == (2, 30.0)
