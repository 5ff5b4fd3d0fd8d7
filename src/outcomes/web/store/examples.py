"""Example users for a demo workspace: one per role, each with a new random password."""

from __future__ import annotations

import secrets

from outcomes.web.store.audit import cli_actor
from outcomes.web.store.models import ROLES, Role
from outcomes.web.store.store import Store


def add_example_users(store: Store) -> list[tuple[str, Role, str]]:
    """A user named after each role (viewer … admin) that does not exist yet; (name, role, password).

    The passwords are random and printed once by `outcomes demo`: a demo served on a
    shared network is not open to whoever knows a fixed one.
    """
    added = []
    existing = {user.name for user in store.users()}
    for role in ROLES:
        if role.value in existing:
            continue
        password = secrets.token_urlsafe(12)
        store.add_user(role.value, role, password, actor=cli_actor())
        added.append((role.value, role, password))
    return added
