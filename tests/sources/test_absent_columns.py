"""An export without an optional column that changes what is measured says so.

Before, a HubSpot deals export without its Pipeline column loaded every deal with exit 0
and no word, and a goal scoped to a pipeline then counted none of them; a Salesforce
report without Type loaded every win as no new customer, silently. The files here are the
connectors' fixtures with one column dropped, read by the real connectors and loaded into
a real warehouse.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, get_source
from outcomes.sources.base import Notice
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parent / "fixtures"
DEALS = FIXTURES / "hubspot" / "deals.csv"
CONTACTS = FIXTURES / "hubspot" / "contacts.csv"
REPORT = FIXTURES / "salesforce" / "opportunities.csv"


def without(path: Path, header: str, folder: Path) -> Path:
    """The fixture at `path` written to `folder` without its column `header`."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    index = rows[0].index(header)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [cell for i, cell in enumerate(row) if i != index] for row in rows
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = folder / path.name
    written.write_text(out.getvalue(), encoding="utf-8")
    return written


def notices(source: str, path: Path) -> list[str]:
    return [p.text for p in get_source(source).read(path, ReadOptions()) if isinstance(p, Notice)]


def test_deals_without_their_pipeline_load_with_a_notice_saying_what_it_changes(
    tmp_path: Path,
) -> None:
    path = without(DEALS, "Pipeline", tmp_path)
    with Warehouse.open(tmp_path / "ws") as warehouse:
        result = ingest_file(warehouse, get_source("hubspot"), path, ReadOptions())

    assert result.loaded > 0
    assert result.notices == (
        "no column 'Pipeline': a goal or tactic scoped to a pipeline counts none of these "
        "deals. Export the deals again with that column and load the file again",
    )


@pytest.mark.parametrize(
    ("source", "fixture", "dropped", "said"),
    # The notice names a column by its current header: "Original Source" is older.
    [
        ("hubspot", DEALS, "Associated Contact IDs", "attribution credits them to no channel"),
        ("hubspot", DEALS, "Deal Owner", "finds no owner of these deals"),
        ("hubspot", CONTACTS, "Original Source Drill-Down 2", "no tactic's campaign claims it"),
        ("hubspot", CONTACTS, "Lifecycle Stage", "each contact's current stage is unknown"),
        ("salesforce", REPORT, "Type", "no won opportunity counts as a new customer"),
        ("salesforce", REPORT, "Opportunity Owner", "finds no owner of these opportunities"),
    ],
)
def test_each_column_that_changes_a_measurement_is_named_when_absent(
    tmp_path: Path, source: str, fixture: Path, dropped: str, said: str
) -> None:
    [notice] = [n for n in notices(source, without(fixture, dropped, tmp_path)) if said in n]
    named = dropped.replace("Original Source", "Original Traffic Source")
    assert notice.startswith(f"no column '{named}': ")


def test_a_column_given_in_one_of_its_forms_is_not_absent(tmp_path: Path) -> None:
    """Lead Source or Primary Campaign Source each say where a deal came from."""
    path = without(REPORT, "Lead Source", tmp_path)
    assert not [n for n in notices("salesforce", path) if "came from" in n]
    path = without(path, "Primary Campaign Source", tmp_path / "again")
    [notice] = [n for n in notices("salesforce", path) if "came from" in n]
    assert notice.startswith("no column 'Lead Source' or 'Primary Campaign Source': ")


def test_full_exports_and_cosmetic_columns_give_no_notice(tmp_path: Path) -> None:
    assert notices("hubspot", DEALS) == []
    assert notices("hubspot", CONTACTS) == []
    assert notices("hubspot", without(DEALS, "Deal Name", tmp_path)) == []


HEAD = 64 * 1024
"""How much of a file the notices used to read for its header."""


def with_title_lines(path: Path, count: int, width: int) -> Path:
    """The file with `count` title lines of `width` characters above its header."""
    titles = "".join(f"Report title {i}: {'x' * width}\n" for i in range(count))
    path.write_text(titles + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("source", "fixture", "dropped", "said"),
    [
        ("hubspot", DEALS, "Pipeline", "scoped to a pipeline"),
        ("salesforce", REPORT, "Type", "no won opportunity counts as a new customer"),
    ],
)
def test_a_long_preamble_above_the_header_still_names_an_absent_column(
    tmp_path: Path, source: str, fixture: Path, dropped: str, said: str
) -> None:
    """Before, 20 title lines of 4,000 characters put the header past the first 64 KiB,
    and the notice was never given (a HubSpot deals file was even read as contacts)."""
    path = with_title_lines(without(fixture, dropped, tmp_path), 20, 4000)
    assert path.stat().st_size > HEAD

    [notice] = [n for n in notices(source, path) if said in n]
    assert notice.startswith(f"no column '{dropped}': ")


def test_a_header_longer_than_the_first_64_kib_states_no_column_absent_that_it_has(
    tmp_path: Path,
) -> None:
    """Before, a header whose 'Type' came after a 70,000-character column name was cut at
    64 KiB, and the report was told it had no column 'Type'."""
    rows = list(csv.reader(io.StringIO(REPORT.read_text(encoding="utf-8"))))
    at = rows[0].index("Type")
    rows[0].insert(at, "Notes " + "n" * 70_000)
    for row in rows[1:]:
        if len(row) > at:
            row.insert(at, "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "opportunities.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    assert not [n for n in notices("salesforce", path) if "'Type'" in n]
