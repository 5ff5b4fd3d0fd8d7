"""Whether the app's store surely holds no plan approval, asked without loading SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outcomes.examples import example_text
from outcomes.web.store import Store
from outcomes.web.store.models import ApprovalRow
from outcomes.web.store.revisions import PlanHistory
from outcomes.web.store_location import APP_DB, APPROVALS_TABLE, ENV_URL, no_approval_stored


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV_URL, raising=False)
    (tmp_path / "plan.yaml").write_text(example_text("northwind"), encoding="utf-8")
    return tmp_path


def _stored(workspace: Path, *, approved: bool) -> None:
    store = Store.for_workspace(workspace)
    try:
        history = PlanHistory(store, workspace / "plan.yaml")
        revision = history.sync()
        if approved:
            history.approve(revision.number, user="dana")
    finally:
        store.close()


def test_the_table_asked_is_the_approvals_table() -> None:
    assert ApprovalRow.__tablename__ == APPROVALS_TABLE


def test_no_database_holds_no_approval_and_none_is_made(workspace: Path) -> None:
    assert no_approval_stored(workspace)
    assert not (workspace / APP_DB).exists()


def test_a_store_without_approvals_holds_none(workspace: Path) -> None:
    _stored(workspace, approved=False)
    assert no_approval_stored(workspace)


def test_a_store_with_an_approval_may_hold_one(workspace: Path) -> None:
    _stored(workspace, approved=True)
    assert not no_approval_stored(workspace)


def test_what_it_cannot_read_is_left_to_the_store(workspace: Path) -> None:
    (workspace / APP_DB).parent.mkdir(parents=True)
    (workspace / APP_DB).write_bytes(b"not a database at all")
    assert not no_approval_stored(workspace)


def test_another_database_is_left_to_the_store(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_URL, "postgresql://nobody@localhost/none")
    assert not no_approval_stored(workspace)


def test_the_reports_sign_off_loads_no_sqlalchemy_when_no_approval_is_stored(
    workspace: Path,
) -> None:
    """Before: `plan_sign_off` loaded the store (SQLAlchemy, about half a second of the
    PDF's time) whenever the workspace had an app database, approvals or not."""
    _stored(workspace, approved=False)
    asked = (
        "import sys; from pathlib import Path; "
        "from outcomes.cli.report_commands import plan_sign_off; "
        f"print(plan_sign_off(Path({str(workspace)!r}), None), 'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", asked], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "False"]
