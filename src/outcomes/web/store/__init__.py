"""The app's own state: users, roles, sign-in sessions and the audit log (SQLAlchemy, Alembic).

    store = Store.for_workspace(Path("northwind"))   # .outcomes/app.db or $OUTCOMES_DATABASE_URL
    store.add_user("ada", Role.ADMIN, "a long password", actor=cli_actor())

The analytics stay in the DuckDB warehouse; this is the database of the people using it.
"""

# The alerts' tables join the models' metadata (Alembic compares the schema with it).
from outcomes.web.store import alert_rows as alert_rows
from outcomes.web.store.audit import ACTIONS, AuditEvent, cli_actor
from outcomes.web.store.database import ENV_URL, StoreError, database_url
from outcomes.web.store.models import ROLES, Role
from outcomes.web.store.store import MIN_PASSWORD, SignedIn, Store, User, parse_role

__all__ = [
    "ACTIONS",
    "ENV_URL",
    "MIN_PASSWORD",
    "ROLES",
    "AuditEvent",
    "Role",
    "SignedIn",
    "Store",
    "StoreError",
    "User",
    "cli_actor",
    "database_url",
    "parse_role",
]
