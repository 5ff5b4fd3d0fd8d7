"""`outcomes user …` and `outcomes audit` on a real workspace database (.outcomes/app.db)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from outcomes.cli import app
from outcomes.web.store import ENV_URL, Role, Store
from outcomes.web.store.audit import cli_actor

runner = CliRunner()
PASSWORD = "a long enough password"
CSV = "Opportunity ID,Opportunity Name,Stage,Created Date,Opportunity Owner\n006A,Acme,Prospecting,3/14/2026,Ann\n"


@pytest.fixture(autouse=True)
def _workspace_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)


def run(workspace: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, [*args, "-w", str(workspace)], input=stdin)


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_first_admin_is_added_from_standard_input_and_users_are_listed(tmp_path: Path) -> None:
    assert (
        "add the first admin with `outcomes user add NAME --role admin`"
        in run(tmp_path, "user", "list").stdout
    )
    added = run(tmp_path, "user", "add", "ada", "--role", "admin", "--password-stdin",
                stdin=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout == "added ada (admin)\n"
    assert (tmp_path / ".outcomes" / "app.db").is_file()
    store = Store.for_workspace(tmp_path)
    try:
        assert store.authenticate("ada", PASSWORD) is not None
    finally:
        store.close()
    run(tmp_path, "user", "add", "sso", "--no-password")
    users = as_json(run(tmp_path, "user", "list", "--format", "json"))["users"]
    assert [(u["name"], u["role"], u["has_password"]) for u in users] == [
        ("ada", "admin", True),
        ("sso", "viewer", False),
    ]
    assert "proxy only" in run(tmp_path, "user", "list").stdout


def test_the_password_is_asked_twice_and_must_match(tmp_path: Path) -> None:
    result = run(
        tmp_path, "user", "add", "bob", stdin=f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() and "added bob (viewer)" in result.output
    assert PASSWORD not in result.output


def test_roles_change_users_are_disabled_and_the_audit_log_says_who(tmp_path: Path) -> None:
    run(tmp_path, "user", "add", "ada", "-r", "admin", "--password-stdin", stdin=PASSWORD)
    run(tmp_path, "user", "add", "bob", "--password-stdin", stdin=PASSWORD)
    assert (
        run(tmp_path, "user", "set-role", "bob", "strategist").stdout == "bob is now strategist\n"
    )
    assert run(tmp_path, "user", "disable", "bob").stdout == "bob is disabled\n"
    events = as_json(run(tmp_path, "audit", "--format", "json"))["events"]
    assert [(e["actor"], e["action"], e["subject"]) for e in events] == [
        (cli_actor(), "user.disable", "bob"),
        (cli_actor(), "user.role", "bob"),
        (cli_actor(), "user.add", "bob"),
        (cli_actor(), "user.add", "ada"),
    ]
    assert events[1]["detail"] == {"from": "viewer", "to": "strategist"}
    only = as_json(run(tmp_path, "audit", "--action", "user.role", "--format", "json"))["events"]
    assert len(only) == 1
    text = run(tmp_path, "audit").stdout
    assert "user.role" in text and "from=viewer, to=strategist" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("user", "add", "x", "--role", "boss", "--no-password"),
            "unknown role 'boss': use one of viewer",
        ),
        (("user", "add", "<b>", "--no-password"), "is not a user name"),
        (("user", "set-role", "nobody", "viewer"), "there is no user 'nobody'"),
        (("user", "set-role", "ada", "viewer"), "last enabled admin"),
        (("user", "disable", "ada"), "last enabled admin"),
        (("audit", "--action", "nonsense"), "unknown action 'nonsense'"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    run(tmp_path, "user", "add", "ada", "-r", "admin", "--password-stdin", stdin=PASSWORD)
    result = run(tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_a_missing_workspace_is_one_line_and_gets_no_database(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere", "user", "list")
    assert result.exit_code == 2
    assert "no such workspace folder" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_short_password_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "user", "add", "bob", "--password-stdin", stdin="short\n")
    assert result.exit_code == 2
    assert "at least 10 characters" in result.stderr


def test_ingests_and_forgets_are_in_the_audit_log(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    assert run(tmp_path, "ingest", "salesforce", str(tmp_path / "a.csv")).exit_code == 0
    assert run(tmp_path, "forget", "1", "--dry-run").exit_code == 0
    assert run(tmp_path, "forget", "1").exit_code == 0
    events = as_json(run(tmp_path, "audit", "--format", "json"))["events"]
    assert [(e["action"], e["subject"]) for e in events] == [
        ("forget", "1"),
        ("ingest", str(tmp_path / "a.csv")),
    ]
    (loaded,) = events[1]["detail"]["files"]
    assert (loaded["source"], loaded["loaded"], loaded["ingest_id"]) == ("salesforce", 1, 1)
    # History names the file relative to the workspace (`outcomes.warehouse.file_names`).
    assert events[0]["detail"] == {"file": "a.csv", "ingests": [1]}
    assert events[0]["actor"] == cli_actor()


def test_the_store_can_be_a_database_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv(ENV_URL, url)
    run(tmp_path, "user", "add", "ada", "--no-password")
    assert not (tmp_path / ".outcomes" / "app.db").exists()
    store = Store.open(url)
    try:
        assert [(u.name, u.role) for u in store.users()] == [("ada", Role.VIEWER)]
    finally:
        store.close()
