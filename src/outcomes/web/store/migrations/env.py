"""Alembic's environment: migrations run on the connection `database.migrate` passes."""

from __future__ import annotations

from alembic import context

from outcomes.web.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `database.migrate` runs these
    raise RuntimeError("run migrations through outcomes.web.store.database.migrate")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
