"""Signing in, managing a user and reading the audit log over HTTP, with the store on each database."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.web import create_app
from outcomes.web.auth import AuthConfig
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, serve
from tests.web.test_team import PASSWORD, Browser

pytestmark = pytest.mark.slow


def test_an_admin_signs_in_adds_a_user_and_reads_the_log(
    store: Store, demo_workspace: Path
) -> None:
    store.add_user("ada", Role.ADMIN, PASSWORD, actor="cli:test")
    app = create_app(demo_workspace, options=OPTIONS, read_only=False, auth=AuthConfig(store))
    with serve(app, lifespan="off") as running:
        browser = Browser(running.client)
        assert browser.sign_in("ada", PASSWORD).status_code == 303
        added = browser.post(
            "/admin/users", {"name": "bo", "role": "operator", "password": PASSWORD}
        )
        assert added.status_code == 303
        audit = running.get("/admin/audit")
        assert audit.status_code == 200 and "<code>user.add</code>" in audit.text
    assert [(e.actor, e.action, e.subject) for e in store.events(limit=2)] == [
        ("ada", "user.add", "bo"),
        ("ada", "signin", "ada"),
    ]
    bo = store.user("bo")
    assert bo is not None and bo.role == Role.OPERATOR
