"""Example users for a demo workspace: one per role, and one per goal sponsor."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from outcomes.web.store.audit import cli_actor
from outcomes.web.store.models import ROLES, Role
from outcomes.web.store.store import Store

SPONSOR_ROLE = Role.VIEWER
"""A sponsor reads the dashboard and approves the plan; approving needs no higher role."""


def add_example_users(store: Store, sponsors: Sequence[str] = ()) -> list[tuple[str, Role, str]]:
    """Users that do not exist yet, each with a new random password; (name, role, password).

    One named after each role (viewer … admin), and one per goal sponsor in `sponsors`
    (person ids: a user whose name is a sponsor's id approves the plan as them).
    The passwords are random and printed once by `outcomes demo`: a demo served on a
    shared network is not open to whoever knows a fixed one.
    """
    added = []
    existing = {user.name for user in store.users()}
    wanted = [(role.value, role) for role in ROLES] + [(name, SPONSOR_ROLE) for name in sponsors]
    for name, role in wanted:
        if name in existing:
            continue
        existing.add(name)
        password = secrets.token_urlsafe(12)
        store.add_user(name, role, password, actor=cli_actor())
        added.append((name, role, password))
    return added
