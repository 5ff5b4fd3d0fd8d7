"""Forgetting an ingest (issue 12 item 8): exactly what it loaded goes, what it replaced returns.

Real Salesforce CSVs through the real connector into a real DuckDB warehouse; each test
compares the full contents of every fact table, its replaced versions, the rejections and
the current ingests before and after.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.sources import get_source
from outcomes.tables import FACT_TABLES
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.forget import (
    DependentIngestsError,
    ForgetError,
    forget,
    history,
)
from outcomes.warehouse.load import IngestResult, ingest_file
from outcomes.warehouse.schema import replaced_name
from tests import lane

HEADER = ("Opportunity ID", "Opportunity Name", "Stage", "Created Date", "Opportunity Owner")
A_ROWS = [
    ("006A", "Acme renewal", "Prospecting", "3/14/2026", "Ann"),
    ("006B", "Globex pilot", "Qualification", "3/15/2026", "Bob"),
    ("", "Nameless", "Prospecting", "3/16/2026", "Cy"),  # rejected: no Opportunity ID
]
# The corrected re-export: Globex has another owner, and Hooli is new.
B_ROWS = [
    ("006A", "Acme renewal", "Prospecting", "3/14/2026", "Ann"),
    ("006B", "Globex pilot", "Qualification", "3/15/2026", "Zed"),
    ("006D", "Hooli", "Prospecting", "3/17/2026", "Eve"),
]

State = dict[str, list[tuple[object, ...]]]


def write_csv(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> Path:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(warehouse: Warehouse, path: Path) -> IngestResult:
    return ingest_file(warehouse, get_source("salesforce"), path)


def state(warehouse: Warehouse) -> State:
    """Everything an ingest writes: fact rows, replaced versions, rejections, current ingests."""
    con = warehouse.duckdb
    names = [t.name for t in FACT_TABLES] + [replaced_name(t) for t in FACT_TABLES]
    found = {
        name: sorted(
            (tuple(row) for row in con.execute(f'SELECT * FROM "{name}"').fetchall()), key=repr
        )
        for name in [*names, "rejected"]
    }
    found["ingests"] = [
        tuple(row)
        for row in con.execute(
            "SELECT * EXCLUDE (forgotten_at) FROM ingests WHERE forgotten_at IS NULL ORDER BY id"
        ).fetchall()
    ]
    return found


def is_empty(snapshot: State) -> bool:
    return not any(snapshot.values())


def owner_of(warehouse: Warehouse, opportunity: str) -> object:
    key = f"salesforce|opportunity|{opportunity}|opportunity"
    rows = warehouse.duckdb.execute("SELECT owner FROM conversions WHERE key = ?", [key])
    return rows.fetchall()[0][0]


def test_forgetting_a_corrected_reexport_restores_the_warehouse_as_it_was(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    after_a = state(warehouse)
    b = load(warehouse, write_csv(tmp_path / "b.csv", B_ROWS))
    assert (b.loaded, b.updated, b.unchanged) == (1, 1, 1)
    assert owner_of(warehouse, "006B") == "Zed"

    result = forget(warehouse, "2")

    assert state(warehouse) == after_a
    assert owner_of(warehouse, "006B") == "Bob"
    [forgotten] = result.forgotten
    assert forgotten.as_json()["tables"] == {"conversions": {"removed": 1, "restored": 1}}
    # With B gone nothing depends on A any more: it can go too, and nothing is left.
    forget(warehouse, "1")
    assert is_empty(state(warehouse))


def test_forgetting_an_ingest_a_later_one_changed_is_refused_and_changes_nothing(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    load(warehouse, write_csv(tmp_path / "b.csv", B_ROWS))
    before = state(warehouse)

    with pytest.raises(DependentIngestsError) as refused:
        forget(warehouse, "1")

    message = str(refused.value)
    assert "later ingest 2 (" in message and "b.csv" in message and "--cascade" in message
    assert "\n" not in message
    assert state(warehouse) == before


def test_cascade_forgets_the_later_ingests_first(warehouse: Warehouse, tmp_path: Path) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    load(warehouse, write_csv(tmp_path / "b.csv", B_ROWS))

    result = forget(warehouse, str(tmp_path / "a.csv"), cascade=True)

    assert [item.ingest.id for item in result.forgotten] == [2, 1]
    assert is_empty(state(warehouse))
    assert all(record.forgotten for record in history(warehouse, include_forgotten=True))


def test_a_dry_run_changes_nothing_and_reports_what_the_forget_does(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    load(warehouse, write_csv(tmp_path / "b.csv", B_ROWS))
    before = state(warehouse)

    rehearsal = forget(warehouse, "1", dry_run=True, cascade=True)

    assert state(warehouse) == before
    assert not any(record.forgotten for record in history(warehouse, include_forgotten=True))
    done = forget(warehouse, "1", cascade=True)
    assert rehearsal.as_json()["forgotten"] == done.as_json()["forgotten"]
    assert rehearsal.as_json()["dry_run"] is True and done.as_json()["dry_run"] is False


def test_a_forgotten_file_can_be_ingested_again(warehouse: Warehouse, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", A_ROWS)
    first = load(warehouse, a)
    forget(warehouse, str(a))

    again = load(warehouse, a)

    assert not again.already_loaded
    assert (again.ingest_id, again.loaded, again.rejected) == (2, first.loaded, first.rejected)
    rows = warehouse.duckdb.execute("SELECT count(*), min(ingest_id) FROM conversions")
    assert rows.fetchall() == [(2, 2)]


def test_the_rejections_of_the_forgotten_ingest_are_gone(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    other = [("006Z", "Umbrella", "Prospecting", "", "Ann")]  # rejected: open, no Created Date
    load(warehouse, write_csv(tmp_path / "other.csv", other))

    result = forget(warehouse, "1")

    assert result.forgotten[0].rejections == 1
    rows = warehouse.duckdb.execute("SELECT ingest_id, file FROM rejected").fetchall()
    assert rows == [(2, str(tmp_path / "other.csv"))]


def test_a_file_is_found_by_its_resolved_path_and_names_its_newest_load(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "opps.csv", A_ROWS)
    load(warehouse, Path("opps.csv"))
    write_csv(tmp_path / "opps.csv", B_ROWS)  # exported again to the same place
    load(warehouse, Path("./opps.csv"))

    result = forget(warehouse, str(tmp_path / "opps.csv"))

    assert (result.target.id, result.other_current) == (2, (1,))
    assert [record.id for record in history(warehouse)] == [1]


def test_unknown_and_forgotten_ingests_are_one_line_errors(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    forget(warehouse, "1")

    for target, expected in [
        ("7", "no ingest 7; `outcomes history` lists the ingests"),
        ("1", "ingest 1 ("),
        (str(tmp_path / "a.csv"), "already forgotten (ingest 1)"),
        ("nowhere.csv", "nowhere.csv: no ingest of this file"),
    ]:
        with pytest.raises(ForgetError, match=re.escape(expected)):
            forget(warehouse, target)


def test_history_lists_newest_first_and_forgotten_ones_on_request(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load(warehouse, write_csv(tmp_path / "a.csv", A_ROWS))
    load(warehouse, write_csv(tmp_path / "b.csv", B_ROWS))
    forget(warehouse, "2")

    [current] = history(warehouse)
    everything = history(warehouse, include_forgotten=True)

    assert (current.id, current.read, current.loaded, current.rejected) == (1, 3, 2, 1)
    assert [r.id for r in everything] == [2, 1]
    assert everything[0].forgotten and everything[0].changed_columns == {"owner": 1}
    assert everything[0].as_json()["forgotten_at"] is not None


# --- property: any sequence of ingests, forgotten newest first, unwinds state by state ---

IDS = ("006A", "006B", "006C", "006D")
STAGES = ("Prospecting", "Qualification", "Closed Won", "Closed Lost")
OWNERS = ("Ann", "Bob", "Zed")
opportunity = st.tuples(
    st.sampled_from((*IDS, "")),  # an empty id is a rejection
    st.sampled_from(STAGES),
    st.sampled_from(("3/14/2026", "3/20/2026", "")),  # an open deal without a date is rejected
    st.sampled_from(OWNERS),
)
export = st.tuples(st.lists(opportunity, min_size=1, max_size=6), st.booleans())


def export_file(path: Path, rows: list[tuple[str, str, str, str]], with_owner: bool) -> Path:
    """A report; without the Owner column, a re-export must leave stored owners alone."""
    header = HEADER if with_owner else HEADER[:-1]
    cells = [(key, f"Deal {key}", stage, created, owner) for key, stage, created, owner in rows]
    return write_csv(path, [row if with_owner else row[:-1] for row in cells], header)


@settings(
    max_examples=lane.examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(export, min_size=1, max_size=5))
def test_forgetting_ingests_newest_first_unwinds_each_one(
    exports: list[tuple[list[tuple[str, str, str, str]], bool]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, Warehouse.open(Path(folder) / "ws") as opened:
        loaded: list[tuple[int, State]] = []
        for number, (rows, with_owner) in enumerate(exports):
            before = state(opened)
            result = load(opened, export_file(Path(folder) / f"{number}.csv", rows, with_owner))
            if not result.already_loaded:  # the same bytes again are no ingest of their own
                assert result.ingest_id is not None
                loaded.append((result.ingest_id, before))
        for ingest_id, before in reversed(loaded):
            forget(opened, str(ingest_id))
            assert state(opened) == before
        assert is_empty(state(opened))
