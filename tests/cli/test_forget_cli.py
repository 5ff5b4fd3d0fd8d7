"""`outcomes forget` and `outcomes history` through the command line, on a real workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from outcomes.cli import app

runner = CliRunner()

HEADER = "Opportunity ID,Opportunity Name,Stage,Created Date,Opportunity Owner"
A = (
    f"{HEADER}\n006A,Acme renewal,Prospecting,3/14/2026,Ann\n"
    "006B,Globex pilot,Qualification,3/15/2026,Bob\n"
)
# A corrected re-export: Globex changes owner, Hooli is new.
B = (
    f"{HEADER}\n006B,Globex pilot,Qualification,3/15/2026,Zed\n"
    "006D,Hooli,Prospecting,3/17/2026,Eve\n"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "a.csv").write_text(A)
    (tmp_path / "b.csv").write_text(B)
    return tmp_path


def run(workspace: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "-w", str(workspace)])


def ingest(workspace: Path, *names: str) -> None:
    files = [str(workspace / name) for name in names]
    result = run(workspace, "ingest", "salesforce", *files)
    assert result.exit_code == 0, result.output


def history_json(workspace: Path, *flags: str) -> list[dict[str, Any]]:
    result = run(workspace, "history", "--format", "json", *flags)
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


def assert_one_line_error(result: Result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr


def test_history_lists_each_ingest_newest_first_with_its_accounting(workspace: Path) -> None:
    ingest(workspace, "a.csv", "b.csv")

    newest, oldest = history_json(workspace)

    assert (newest["ingest_id"], newest["file"]) == (2, "b.csv")  # relative to the workspace
    assert {k: newest[k] for k in ("read", "loaded", "updated", "unchanged", "rejected")} == {
        "read": 2, "loaded": 1, "updated": 1, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    assert newest["changed_columns"] == {"owner": 1} and newest["forgotten_at"] is None
    assert oldest["ingest_id"] == 1
    text = run(workspace, "history").stdout
    assert text.index("b.csv") < text.index("a.csv") and "updated values of owner (1)" in text


def test_forget_refuses_an_ingest_a_later_one_changed_then_forgets_newest_first(
    workspace: Path,
) -> None:
    ingest(workspace, "a.csv", "b.csv")

    refused = run(workspace, "forget", str(workspace / "a.csv"))
    assert_one_line_error(refused, "later ingest 2", "forget 2 first", "--cascade")
    assert [e["ingest_id"] for e in history_json(workspace)] == [2, 1]

    done = run(workspace, "forget", str(workspace / "b.csv"))
    assert done.exit_code == 0, done.output
    assert "forgot ingest 2" in done.stdout
    assert "conversions: 1 row removed, 1 row restored" in done.stdout
    assert [e["ingest_id"] for e in history_json(workspace)] == [1]
    assert run(workspace, "forget", "1").exit_code == 0
    assert history_json(workspace) == []


def test_a_dry_run_says_what_would_change_and_changes_nothing(workspace: Path) -> None:
    ingest(workspace, "a.csv", "b.csv")

    result = run(workspace, "forget", "1", "--cascade", "--dry-run", "--format", "json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dry_run"] is True and summary["forgotten_at"] is None
    assert [item["ingest_id"] for item in summary["forgotten"]] == [2, 1]
    assert summary["forgotten"][1]["tables"] == {"conversions": {"removed": 2, "restored": 0}}
    assert [e["forgotten_at"] for e in history_json(workspace, "--all")] == [None, None]
    text = run(workspace, "forget", "2", "--dry-run").stdout
    assert "would forget ingest 2" in text and "dry run: nothing was changed" in text


def test_forgotten_ingests_show_only_with_all_and_the_file_loads_again(workspace: Path) -> None:
    ingest(workspace, "a.csv")
    assert run(workspace, "forget", str(workspace / "a.csv")).exit_code == 0

    assert history_json(workspace) == []
    [forgotten] = history_json(workspace, "--all")
    assert forgotten["ingest_id"] == 1 and forgotten["forgotten_at"] is not None
    assert "(forgotten " in run(workspace, "history", "--all").stdout
    assert "1 forgotten ingests not shown; --all lists them" in run(workspace, "history").stdout

    again = run(workspace, "ingest", "salesforce", str(workspace / "a.csv"), "--format", "json")
    [summary] = json.loads(again.stdout)
    assert (summary["ingest_id"], summary["loaded"], summary["already_loaded"]) == (2, 2, False)


def test_a_file_loaded_twice_forgets_its_newest_load_and_says_so(workspace: Path) -> None:
    ingest(workspace, "a.csv")
    (workspace / "a.csv").write_text(A + "006E,Initech,Prospecting,3/18/2026,Dee\n")
    ingest(workspace, "a.csv")

    result = run(workspace, "forget", str(workspace / "a.csv"), "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ingest_id"] == 2
    assert "also loaded by older ingest 1; this forgets the newest, 2" in result.stderr


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("7", "no ingest 7; `outcomes history` lists the ingests"),
        ("missing.csv", "missing.csv: no ingest of this file"),
    ],
)
def test_an_unknown_ingest_is_a_one_line_error(workspace: Path, target: str, expected: str) -> None:
    ingest(workspace, "a.csv")

    assert_one_line_error(run(workspace, "forget", target), expected)
