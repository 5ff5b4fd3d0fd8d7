"""Where the app's database is, and bringing it to the newest schema (Alembic).

SQLite at `<workspace>/.outcomes/app.db` unless `OUTCOMES_DATABASE_URL` names another
database (`postgresql+psycopg://user@host/db`). The analytics warehouse stays DuckDB;
this database holds only what people do in the app: users, sessions, the audit log.
Opening a store runs the migrations it lacks, so a new version of outcomes upgrades the
database on first use, in one transaction on PostgreSQL. A database already at
`HEAD_REVISION` is opened without loading Alembic: one query reads its revision.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from outcomes.web.store_location import APP_DB as APP_DB
from outcomes.web.store_location import ENV_URL as ENV_URL

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS: Final = Path(__file__).parent / "migrations"
HEAD_REVISION: Final = "0004"
"""The newest migration in `MIGRATIONS`, written out so that opening a current database
does not load Alembic and parse every migration script to learn it (a fifth of a second,
each command). A test checks it is Alembic's head: a new migration changes it too."""
VERSION_TABLE: Final = "alembic_version"


class StoreError(Exception):
    """The app's database cannot be used, or a change to it is refused; one line, what to do."""


def database_url(workspace: Path) -> str:
    """`$OUTCOMES_DATABASE_URL`, else the workspace's SQLite file."""
    configured = os.environ.get(ENV_URL, "").strip()
    if configured:
        return configured
    return f"sqlite:///{(workspace / APP_DB).resolve()}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is made, foreign keys are enforced."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{ENV_URL}: {url!r} is not a database URL") from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we install
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"cannot use the database {parsed.render_as_string()}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: object, _: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys = ON")
    # Readers do not wait for the writer (the dashboard reads while the CLI writes).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration this version of outcomes has, as Alembic finds it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in the database; None before any migration ran.

    Read as Alembic keeps it, one row of its version table, without loading Alembic.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    # Several rows would be branches, which we never make: Alembic sorts them out.
    return str(rows[0][0]) if len(rows) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the database to `HEAD_REVISION`; StoreError when it cannot."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        from alembic import command

        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string()
        reason = str(getattr(exc, "orig", None) or exc)
        raise StoreError(
            f"cannot open the app database {where}: {reason.splitlines()[0]}"
        ) from None
