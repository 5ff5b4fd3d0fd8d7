"""Where the app's store is, and whether it surely holds no plan approval, without SQLAlchemy.

`outcomes report` shows the plan's sign-off when the app's store holds one
(`PlanHistory.sign_off`). Loading the store (SQLAlchemy and the models) takes about half a
second, which the PDF's speed goal (issue 14) cannot spare on the many workspaces whose
store holds no approval at all: `no_approval_stored` asks the SQLite file with one query
of the standard library's driver, and only a store that may hold one is opened.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Final

ENV_URL: Final = "OUTCOMES_DATABASE_URL"
"""Names the app's database instead of the workspace's SQLite file."""
APP_DB: Final = Path(".outcomes") / "app.db"
"""The workspace's SQLite file, when `ENV_URL` names no other database."""
APPROVALS_TABLE: Final = "plan_approvals"
"""`ApprovalRow`'s table (a test checks the two agree)."""


def configured_url() -> str:
    """`$OUTCOMES_DATABASE_URL`, stripped; empty when not set."""
    return os.environ.get(ENV_URL, "").strip()


def no_approval_stored(workspace: Path) -> bool:
    """True when the workspace's store surely holds no plan approval: there is no app
    database, or its SQLite file's approvals table is empty. False when it may hold one,
    or when this cannot tell (another database, an older schema, a file SQLite cannot
    read): the store is opened then, and migrates or says what is wrong as it always did.
    """
    if configured_url():
        return False
    database = workspace / APP_DB
    if not database.exists():
        return True
    try:
        # Read-only: asking changes nothing (SQLite may add the WAL's side files, as the
        # store itself does when opened).
        with contextlib.closing(
            sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        ) as connection:
            row = connection.execute(f"SELECT 1 FROM {APPROVALS_TABLE} LIMIT 1").fetchone()
    except sqlite3.Error:
        return False
    return row is None
