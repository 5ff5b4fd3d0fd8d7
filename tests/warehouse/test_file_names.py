"""History names a file inside the workspace relative to its folder, so a workspace that
is moved or copied still forgets by file (`outcomes.warehouse.file_names`); ingests kept
by an absolute path before that are matched too, and migration 8 makes them relative."""

from __future__ import annotations

import shutil
from pathlib import Path

from outcomes.sources import get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file
from outcomes.workspace import Workspace

HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date,Opportunity Owner"
ROWS = ["006A,Acme renewal,Prospecting,3/14/2026,Ann", "006B,Globex pilot,Prospecting,3/15/2026,Bob",
        ",Nameless,Prospecting,3/16/2026,Cy"]  # fmt: skip
EXPORT = "exports/opportunities.csv"


def workspace_with_export(folder: Path) -> Path:
    """A workspace folder (no plan: loading needs none) with one Salesforce export in it."""
    export = folder / EXPORT
    export.parent.mkdir(parents=True)
    export.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return folder


def test_a_moved_workspace_forgets_a_file_by_its_path_and_accounts_for_its_rows(
    tmp_path: Path,
) -> None:
    first = workspace_with_export(tmp_path / "before")
    report = Workspace.open(first).ingest([first / EXPORT], source="salesforce")
    [loaded] = report.outcomes
    assert loaded.file == str(first / EXPORT)  # the summary names it as given
    moved = Path(shutil.move(str(first), str(tmp_path / "after" / "ridgeway")))
    space = Workspace.open(moved)
    assert [record.file for record in space.history()] == [EXPORT]
    result = space.forget(str(moved / EXPORT))
    [forgotten] = result.forgotten
    assert [(change.table, change.removed) for change in forgotten.tables] == [("conversions", 2)]
    assert forgotten.rejections == 1
    # The name history shows is accepted as well, from whatever folder the command runs.
    again = space.ingest([moved / EXPORT], source="salesforce")
    assert again.outcomes[0].loaded == 2  # type: ignore[union-attr]
    assert space.forget(EXPORT).target.file == EXPORT


def _legacy_ingest(folder: Path) -> None:
    """An ingest as kept before migration 8: by its absolute path, and 8 not yet run."""
    with Warehouse.open(folder) as warehouse:
        ingest_file(warehouse, get_source("salesforce"), folder / EXPORT)
        warehouse.duckdb.execute("DELETE FROM schema_migrations WHERE version = 8")


def test_migration_8_names_the_files_inside_the_workspace_relative_to_it(tmp_path: Path) -> None:
    folder = workspace_with_export(tmp_path / "ws")
    _legacy_ingest(folder)
    with Warehouse.open(folder) as warehouse:
        files = "SELECT DISTINCT file FROM ingests UNION ALL SELECT DISTINCT file FROM rejected"
        assert warehouse.duckdb.execute(files).fetchall() == [(EXPORT,), (EXPORT,)]


def test_an_absolute_row_from_before_the_move_is_forgotten_by_the_files_new_path(
    tmp_path: Path,
) -> None:
    folder = workspace_with_export(tmp_path / "ws")
    _legacy_ingest(folder)
    moved = Path(shutil.move(str(folder), str(tmp_path / "elsewhere")))
    space = Workspace.open(moved)
    [record] = space.history()
    assert record.file == str((folder / EXPORT).resolve())  # outside the folder it is now in
    result = space.forget(str(moved / EXPORT))
    assert [change.removed for change in result.forgotten[0].tables] == [2]
