"""The files beside an export that say whose it is are part of what the export means.

An X archive's `account.js`, a Mastodon archive's `actor.json` and the `account.json`
saved with Mastodon API JSON name the account whose rows the file holds. Loading the same
bytes again was skipped as "already loaded" whatever lay beside them, so a fixed (or
another) owner file left every row filed under the old account, with exit 0. Now the same
bytes with another owner file are read again, the result says why, and the rows follow
the owner file; the same bytes with the same owner file are still not read again, and
`forget` puts the old account back. `--account` counts the same way, for the connectors
that read it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import ReadOptions, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.forget import forget
from outcomes.warehouse.load import IngestResult
from outcomes.workspace import init_workspace
from outcomes.workspace.ingest import ingest_files

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


@dataclass(frozen=True)
class Export:
    """A data file, the owner file beside it, how to make that name another account, and
    the account stored before and after."""

    source: str
    data: str
    owner: str
    old: str
    new: str
    before: str
    after: str


EXPORTS = (
    Export(
        "x-archive",
        "x_archive/tweets.js",
        "x_archive/account.js",
        '"username" : "northwind"',
        '"username" : "northwind_hq"',
        "northwind",
        "northwind_hq",
    ),
    Export(
        "mastodon-archive",
        "mastodon_archive/outbox.json",
        "mastodon_archive/actor.json",
        '"preferredUsername":"northwind"',
        '"preferredUsername":"northwind_hq"',
        "northwind@mastodon.social",
        "northwind_hq@mastodon.social",
    ),
    Export(
        "mastodon",
        "mastodon/notifications.json",
        "mastodon/account.json",
        '"acct": "northwind"',
        '"acct": "northwind_hq"',
        "northwind@mastodon.social",
        "northwind_hq@mastodon.social",
    ),
)


def copied(folder: Path, export: Export) -> Path:
    """The data file and its owner file, copied into `folder`; the data file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / export.owner, folder)
    return Path(shutil.copy(FIXTURES / export.data, folder))


def rename_owner(path: Path, export: Export) -> None:
    owner = path.parent / Path(export.owner).name
    text = owner.read_text(encoding="utf-8")
    assert text.count(export.old) == 1
    owner.write_text(text.replace(export.old, export.new), encoding="utf-8")


def load(warehouse: Warehouse, export: Export, path: Path) -> IngestResult:
    [outcome] = ingest_files(warehouse, export.source, [path])
    assert isinstance(outcome, IngestResult), outcome
    assert outcome.balanced, outcome
    return outcome


def accounts(warehouse: Warehouse, export: Export) -> set[str]:
    found = warehouse.duckdb.execute(
        "SELECT DISTINCT account FROM activities WHERE source = ?", [export.source]
    ).fetchall()
    return {account for (account,) in found}


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.source)
def test_the_same_bytes_with_another_owner_file_are_read_again_and_follow_it(
    tmp_path: Path, warehouse: Warehouse, export: Export
) -> None:
    path = copied(tmp_path / "export", export)
    first = load(warehouse, export, path)
    assert first.loaded and accounts(warehouse, export) == {export.before}

    rename_owner(path, export)
    again = load(warehouse, export, path)

    assert not again.already_loaded and again.updated > 0
    assert accounts(warehouse, export) == {export.after}
    assert first.read_again is None
    owner = Path(export.owner).name
    assert again.read_again == (
        f"read again: ingest {first.ingest_id} loaded the same bytes, but not with the same {owner}"
    )
    assert load(warehouse, export, path).already_loaded  # the same owner file: not read again

    forget(warehouse, str(path))  # the newest load of the file: the old account comes back
    assert accounts(warehouse, export) == {export.before}


@pytest.mark.parametrize("export", EXPORTS[:2], ids=lambda e: e.source)
def test_an_owner_file_that_turns_up_beside_a_loaded_file_is_read_with_it(
    tmp_path: Path, warehouse: Warehouse, export: Export
) -> None:
    path = copied(tmp_path / "export", export)
    owner = path.parent / Path(export.owner).name
    owner.rename(tmp_path / owner.name)  # loaded first with --account, without its owner file
    [first] = ingest_files(warehouse, export.source, [path], ReadOptions(account="someone"))
    assert isinstance(first, IngestResult) and accounts(warehouse, export) == {"someone"}

    (tmp_path / owner.name).rename(owner)
    again = load(warehouse, export, path)

    assert accounts(warehouse, export) == {export.before} and again.read_again is not None


def test_the_same_bytes_with_another_account_option_are_read_again(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    export = EXPORTS[0]
    path = tmp_path / "tweets.js"  # no account.js beside it: --account says whose it is
    shutil.copy(FIXTURES / export.data, path)
    for handle in ("northwnd", "northwind"):  # a typo, then the handle right
        [result] = ingest_files(warehouse, export.source, [path], ReadOptions(account=handle))
        assert isinstance(result, IngestResult) and not result.already_loaded
    assert accounts(warehouse, export) == {"northwind"}
    assert result.read_again is not None and result.read_again.endswith(
        "account.js and note-tweet.js and --account"
    )
    [again] = ingest_files(warehouse, export.source, [path], ReadOptions(account="northwind"))
    assert isinstance(again, IngestResult) and again.already_loaded


def test_an_account_option_is_part_of_a_file_only_where_it_says_whose_the_rows_are(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    meta = tmp_path / "facebook_2026-01.csv"  # the page the posts are on: --account
    shutil.copy(FIXTURES / "meta" / "facebook_2026-01.csv", meta)
    salesforce = tmp_path / "opportunities.csv"  # no account: --account is not read
    shutil.copy(FIXTURES / "salesforce" / "opportunities.csv", salesforce)
    ingest_files(warehouse, "meta", [meta], ReadOptions(account="Northwind"))
    ingest_files(warehouse, "salesforce", [salesforce], ReadOptions(account="Northwind"))
    [page] = ingest_files(warehouse, "meta", [meta])
    [deals] = ingest_files(warehouse, "salesforce", [salesforce])
    assert isinstance(page, IngestResult) and isinstance(deals, IngestResult)
    assert not page.already_loaded and page.read_again == (
        "read again: ingest 1 loaded the same bytes, but with reading options this load does "
        "not give (such as --account or --date-order)"
    )
    assert deals.already_loaded


def test_a_file_loaded_before_owner_files_were_recorded_is_read_once_more_all_unchanged(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    export = EXPORTS[0]
    path = copied(tmp_path / "export", export)
    first = load(warehouse, export, path)
    # As a warehouse written before owner files were recorded holds it: the file's sha256.
    warehouse.duckdb.execute("UPDATE ingests SET checksum = split_part(checksum, '+', 1)")

    again = load(warehouse, export, path)

    assert not again.already_loaded
    assert (again.read, again.unchanged, again.loaded, again.updated) == (first.read,) * 2 + (0, 0)
    assert again.read_again is not None and f"ingest {first.ingest_id}" in again.read_again
    assert load(warehouse, export, path).already_loaded


def test_a_zip_holds_its_own_owner_file_and_is_known_by_its_bytes_alone(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("tweets.js", "account.js"):
            archive.write(FIXTURES / "x_archive" / name, f"data/{name}")
    (tmp_path / "account.js").write_text("not read: the zip has its own")
    load(warehouse, EXPORTS[0], path)

    [(checksum,)] = warehouse.duckdb.execute("SELECT checksum FROM ingests").fetchall()
    # Its bytes, as before owner files, and the connector's reading (not an owner file).
    assert checksum == hashlib.sha256(path.read_bytes()).hexdigest() + "#r4"
    assert get_source("x-archive").owner_files(path) == ()


def test_the_command_line_says_why_a_loaded_file_is_read_again(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    export = EXPORTS[0]
    path = copied(tmp_path / "export", export)
    command = ["ingest", "x-archive", str(path), "-w", str(tmp_path / "ws")]
    assert runner.invoke(app, command).exit_code == 0
    rename_owner(path, export)

    result = runner.invoke(app, command, env={"COLUMNS": "250"})

    assert result.exit_code == 0, result.output
    said = "read again: ingest 1 loaded the same bytes, but not with the same account.js"
    # Named from the folder said above the table (tests/cli/test_ingest_cli.py).
    assert f"files in {path.parent}/" in result.stdout
    assert f"  {path.name}: {said}" in result.stdout


def test_auto_takes_an_x_archive_data_folder_whole_with_the_files_read_beside_it(
    tmp_path: Path,
) -> None:
    """`account.js` and `note-tweet.js` are read with `tweets.js` (and `community-tweet.js`
    is a tweets file of its own): `--auto` on the archive's `data/` folder loads both tweet
    files and reports none of them as a file it did not recognise."""
    init_workspace(tmp_path / "ws")
    data = tmp_path / "twitter-2026-03-01" / "data"
    data.mkdir(parents=True)
    for name in ("long/tweets.js", "account.js", "long/note-tweet.js",
                 "community/community-tweet.js"):  # fmt: skip
        shutil.copy(FIXTURES / "x_archive" / name, data)
    command = ["ingest", "--auto", str(data), "-w", str(tmp_path / "ws"), "-f", "json"]

    result = runner.invoke(app, command)

    assert result.exit_code == 0, result.output
    items = {Path(item["file"]).name: item for item in json.loads(result.stdout)}
    assert sorted(items) == ["community-tweet.js", "tweets.js"]
    assert all(item["source"] == "x-archive" and item["loaded"] for item in items.values())
    assert "not recognised" not in result.stderr
    # The notes are tweets.js's: community-tweet.js, loaded on its own, is not warned of them.
    assert "warning:" not in result.stderr


def test_auto_still_reports_a_note_file_without_the_tweets_it_belongs_to(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "x_archive" / "long" / "note-tweet.js", data)

    result = runner.invoke(app, ["ingest", "--auto", str(data), "-w", str(tmp_path / "ws")])

    assert result.exit_code == 1
    assert f"not loaded: {data / 'note-tweet.js'}: format not recognised" in result.stderr


def test_auto_reads_mastodons_account_json_with_the_files_it_names_not_as_a_load(
    tmp_path: Path,
) -> None:
    """The `account.json` saved beside Mastodon API JSON names whose the statuses are;
    `--auto` listed it as a load of its own that read 0 rows."""
    init_workspace(tmp_path / "ws")
    saved = tmp_path / "mastodon"
    saved.mkdir()
    for name in ("account.json", "statuses.json"):
        shutil.copy(FIXTURES / "mastodon" / name, saved)
    command = ["ingest", "--auto", str(saved), "-w", str(tmp_path / "ws"), "-f", "json"]

    result = runner.invoke(app, command)

    assert result.exit_code == 0, result.output
    items = {Path(item["file"]).name: item for item in json.loads(result.stdout)}
    assert sorted(items) == ["statuses.json"]
    assert items["statuses.json"]["source"] == "mastodon" and items["statuses.json"]["loaded"]
    assert "not recognised" not in result.stderr
