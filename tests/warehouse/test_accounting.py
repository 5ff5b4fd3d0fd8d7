"""Every row accounted for, and a re-export changes only what it states (issue 12).

Real files through the real connectors into a real DuckDB warehouse: the accounting identity
holds for every fixture, a column a file lacks never changes a stored value, a row repeated
within a file counts once, and values no figure can be built on are refused with a reason.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, SourceError, detect_source, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file
from outcomes.workspace.ingest import FileFailure, ingest_files

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures"
META = FIXTURES / "meta" / "facebook_2026-01.csv"
SALESFORCE = FIXTURES / "salesforce" / "opportunities.csv"


def fetch(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in warehouse.duckdb.execute(sql).fetchall()]


def without_column(source: Path, target: Path, header: str) -> Path:
    """A re-export of `source` without one column, written the way the export writes CSV."""
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index(header)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [cell for i, cell in enumerate(row) if i != drop] for row in rows
    )
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def fixture_files() -> list[Path]:
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and detect_source(path) is not None:
            found.append(path)
    return found


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_is_accounted_for_row_by_row(warehouse: Warehouse, path: Path) -> None:
    source = detect_source(path)
    assert source is not None
    try:
        result = ingest_file(warehouse, source, path, ReadOptions(account="northwind"))
    except SourceError:
        return  # a fixture that is meant to be refused loads nothing: nothing to account for
    terms = result.loaded + result.updated + result.unchanged + result.rejected
    assert result.read == terms + result.ignored_total
    [(read, loaded, rejected, ignored)] = fetch(
        warehouse, "SELECT rows_read, rows_loaded, rows_rejected, rows_ignored FROM ingests"
    )
    assert (read, loaded, rejected, ignored) == (
        result.read,
        result.loaded,
        result.rejected,
        result.ignored_total,
    )
    [(stored_rejections,)] = fetch(warehouse, "SELECT count(*) FROM rejected")
    assert stored_rejections == result.rejected


def test_a_meta_re_export_without_reactions_keeps_the_stored_reactions(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    first = ingest_file(warehouse, get_source("meta"), META)
    before = fetch(warehouse, "SELECT key, reactions, comments FROM activities ORDER BY key")
    assert first.loaded and all(row[1] is not None for row in before)
    narrower = without_column(META, tmp_path / "facebook_2026-01-again.csv", "Reactions")
    again = ingest_file(warehouse, get_source("meta"), narrower)
    after = fetch(warehouse, "SELECT key, reactions, comments FROM activities ORDER BY key")
    assert after == before
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, first.loaded)


def test_a_salesforce_re_export_without_amount_keeps_the_amounts(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    ingest_file(warehouse, get_source("salesforce"), SALESFORCE)
    before = fetch(warehouse, "SELECT key, value, currency, owner FROM conversions ORDER BY key")
    narrower = without_column(SALESFORCE, tmp_path / "again.csv", "Amount")
    again = ingest_file(warehouse, get_source("salesforce"), narrower)
    assert fetch(warehouse, "SELECT key, value, currency, owner FROM conversions ORDER BY key") == (
        before
    )
    assert again.updated == 0 and again.loaded == 0


def test_an_update_writes_only_the_changed_values_and_names_their_columns(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    ingest_file(warehouse, get_source("salesforce"), SALESFORCE)
    text = SALESFORCE.read_text(encoding="utf-8").replace('"Remy Rep"', '"Remy Representative"')
    revised = tmp_path / "revised.csv"
    revised.write_text(text, encoding="utf-8")
    result = ingest_file(warehouse, get_source("salesforce"), revised)
    assert result.updated > 0 and result.loaded == 0
    assert dict(result.changed_columns) == {"owner": result.updated}
    [(replaced,)] = fetch(warehouse, "SELECT count(*) FROM conversions__replaced")
    assert replaced == result.updated  # the rows as they were, for forget
    assert result.balanced


def test_a_row_repeated_within_a_file_counts_once_and_a_contradiction_is_rejected(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity ID,Opportunity Name,Stage,Created Date,Opportunity Owner\n"
        "X1,Orion,Prospecting,2026-03-01,Dee Novak\n"
        "X1,Orion,Prospecting,2026-03-01,Dee Novak\n"
        "X1,Orion,Prospecting,2026-03-01,Dee Nova\n",
        encoding="utf-8",
    )
    result = ingest_file(warehouse, get_source("salesforce"), path)
    assert (result.read, result.loaded, result.rejected, result.ignored_total) == (3, 1, 1, 1)
    assert "line 2" in result.rejections[0].reason and result.rejections[0].line == 4
    assert fetch(warehouse, "SELECT owner FROM conversions") == [("Dee Novak",)]


def test_a_row_repeated_across_batches_is_still_seen(warehouse: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "sends.csv"
    lines = ["Email,Sent at,Campaign"]
    lines += [f"u{i}@example.com,2026-03-01 09:{i % 60:02d},news" for i in range(30)]
    lines += ["u3@example.com,2026-03-01 09:03,news"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = ReadOptions(
        table="touchpoints",
        mapping={"journey_id": "Email", "ts": "Sent at", "utm_campaign": "Campaign"},
    )
    result = ingest_file(warehouse, get_source("csv"), path, options, batch_rows=7)
    assert (result.read, result.loaded, result.ignored_total) == (31, 30, 1)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("NaN", "expected a number"),
        ("1e999", "not a finite number"),
        ("-5", "negative"),
        ("1e300", "implausibly large"),
    ],
)
def test_values_no_figure_can_use_are_rejected(
    warehouse: Warehouse, tmp_path: Path, cell: str, reason: str
) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        f"id,when,kind,channel,impressions\n1,2026-01-01,post,linkedin,7\n2,2026-01-02,post,linkedin,{cell}\n",
        encoding="utf-8",
    )
    options = ReadOptions(
        table="activities",
        mapping={"native_id": "id", "ts": "when", "kind": "kind", "channel": "channel",
                 "impressions": "impressions"},
    )  # fmt: skip
    result = ingest_file(warehouse, get_source("csv"), path, options)
    assert (result.loaded, result.rejected) == (1, 1)
    assert reason in result.rejections[0].reason
    assert fetch(warehouse, "SELECT impressions FROM activities") == [(7,)]


@pytest.mark.parametrize(
    ("cell", "hint"),
    [("1970-01-21 08:00", "seconds read as milliseconds"), ("58000-01-01", "expected")],
)
def test_a_timestamp_outside_any_plausible_window_is_rejected(
    warehouse: Warehouse, tmp_path: Path, cell: str, hint: str
) -> None:
    path = tmp_path / "sends.csv"
    path.write_text(f"Email,Sent at\na@x.com,2026-03-01 09:00\nb@x.com,{cell}\n", encoding="utf-8")
    options = ReadOptions(table="touchpoints", mapping={"journey_id": "Email", "ts": "Sent at"})
    result = ingest_file(warehouse, get_source("csv"), path, options)
    assert (result.loaded, result.rejected) == (1, 1)
    assert hint in result.rejections[0].reason


def test_a_declared_key_makes_a_corrected_re_export_update(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    options = ReadOptions(
        table="conversions",
        mapping={"ts": "Visit date", "type": "Type", "value": "Paid"},
        key=("Patient ID", "Visit date"),
    )
    first = tmp_path / "visits.csv"
    first.write_text(
        "Patient ID,Visit date,Type,Paid\nP1,2026-03-01,order,55\nP2,2026-03-01,order,55\n"
        ",2026-03-02,order,55\n",
        encoding="utf-8",
    )
    loaded = ingest_file(warehouse, get_source("csv"), first, options)
    assert (loaded.loaded, loaded.rejected) == (2, 1)
    assert "the key column 'Patient ID' is empty" in loaded.rejections[0].reason
    corrected = tmp_path / "visits-corrected.csv"
    corrected.write_text(
        "Patient ID,Visit date,Type,Paid\nP1,2026-03-01,order,65\nP2,2026-03-01,order,55\n",
        encoding="utf-8",
    )
    again = ingest_file(warehouse, get_source("csv"), corrected, options)
    assert (again.loaded, again.updated, again.unchanged) == (0, 1, 1)
    assert sorted(fetch(warehouse, "SELECT value FROM conversions")) == [(55.0,), (65.0,)]


# --- strict CSV reading ------------------------------------------------------------------------

HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date,Opportunity Owner\n"


def salesforce_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "report.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_an_unbalanced_quote_refuses_the_file_naming_its_line(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    rows = "".join(f"X{i},Deal {i},Prospecting,2026-03-01,Ana\n" for i in range(3, 40))
    path = salesforce_file(tmp_path, 'X1,"Orion,Prospecting,2026-03-01,Ana\n' + rows)
    [failure] = ingest_files(warehouse, "salesforce", [path])
    assert isinstance(failure, FileFailure) and not failure.unexpected
    assert failure.message.startswith(
        f"{path}:2: a quoted cell opened on this line is never closed"
    )
    assert fetch(warehouse, "SELECT count(*) FROM conversions") == [(0,)]


def test_a_quote_that_closes_lines_later_refuses_the_file(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    body = (
        'X1,"Orion,Prospecting,2026-03-01,Ana\n'
        "X2,Vega,Prospecting,2026-03-01,Ana\n"
        'X3,Lyra",Prospecting,2026-03-01,Ana\n'
    )
    with pytest.raises(SourceError, match=r"lines 2–4 read as one row of 5 cells .* whole rows"):
        ingest_file(warehouse, get_source("salesforce"), salesforce_file(tmp_path, body))


def test_rows_with_too_many_or_too_few_cells_are_rejected_not_shifted(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    body = (
        "X1,Orion,Prospecting,2026-03-01,Ana\n"
        "X2,Vega,Prospecting,2026-03-01\n"
        "X3,Lyra,Extra,Prospecting,2026-03-01,Ana\n"
        'X4,"Cut "short,Prospecting,2026-03-01,Ana\n'
    )
    result = ingest_file(warehouse, get_source("salesforce"), salesforce_file(tmp_path, body))
    assert result.loaded == 1 and result.rejected == 3
    assert [r.line for r in result.rejections] == [3, 4, 5]
    assert "4 cells where the header has 5" in result.rejections[0].reason
    assert "6 cells where the header has 5" in result.rejections[1].reason
    assert "a quote in the middle of a cell" in result.rejections[2].reason


def test_a_file_cut_mid_row_does_not_overwrite_the_good_row(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    good = salesforce_file(tmp_path, "X1,Orion,Prospecting,2026-03-01,Dee Novak\n")
    ingest_file(warehouse, get_source("salesforce"), good)
    cut = tmp_path / "cut.csv"
    cut.write_text(HEADER + "X1,Orion,Prospecting,2026-03-01,Dee Nova", encoding="utf-8")
    result = ingest_file(warehouse, get_source("salesforce"), cut)
    assert (result.updated, result.rejected) == (0, 1)
    assert "may be cut short" in result.rejections[0].reason
    assert fetch(warehouse, "SELECT owner FROM conversions") == [("Dee Novak",)]


def test_a_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity ID,Stage,Opportunity Name,Stage\nX1,Prospecting,Orion,Won\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="columns 2 and 4 are both headed 'Stage'"):
        list(get_source("salesforce").read(path, ReadOptions()))


def test_the_summary_json_carries_every_term(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, get_source("salesforce"), SALESFORCE)
    summary = result.as_json()
    terms = ("loaded", "updated", "unchanged", "rejected", "ignored")
    assert summary["read"] == sum(summary[t] for t in terms)
    assert summary["ignored_by_reason"] == dict(result.ignored)
    assert isinstance(result, IngestResult)
