"""The app's store on SQLite and PostgreSQL: schema by migration, users, passwords, sessions, audit."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from outcomes.web.store import ENV_URL, Role, Store, StoreError, database_url
from outcomes.web.store.database import HEAD_REVISION, current_revision, head_revision
from outcomes.web.store.models import Base, SessionRow, UserRow

PASSWORD = "correct horse battery"


def test_the_migrations_make_the_schema_the_models_declare(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_written_out_head_is_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION, "a new migration: set HEAD_REVISION to its id"


def test_a_current_database_opens_without_loading_alembic(store: Store, database_url: str) -> None:
    """Reading it (the report's sign-off) costs one query, not Alembic's upgrade machinery."""
    store.close()
    opened = (
        "import sys; from outcomes.web.store import Store; "
        f"Store.open({database_url!r}).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", opened], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_opening_again_keeps_the_data_and_the_revision(store: Store, database_url: str) -> None:
    store.add_user("ada", Role.ADMIN, PASSWORD, actor="cli:test")
    again = Store.open(database_url)
    try:
        assert [user.name for user in again.users()] == ["ada"]
        assert again.secret() == store.secret() and len(store.secret()) == 32
    finally:
        again.close()


def test_users_are_added_listed_given_roles_and_disabled_each_change_logged(store: Store) -> None:
    store.add_user("ada", Role.ADMIN, PASSWORD, actor="cli:test")
    store.add_user("bob", Role.VIEWER, PASSWORD, actor="ada", ip="10.0.0.1")
    assert [(u.name, u.role) for u in store.users()] == [("ada", Role.ADMIN), ("bob", Role.VIEWER)]
    assert store.set_role("bob", Role.STRATEGIST, actor="ada").role == Role.STRATEGIST
    assert store.set_disabled("bob", True, actor="ada").disabled
    events = [(e.actor, e.action, e.subject, e.detail) for e in reversed(store.events())]
    assert events == [
        ("cli:test", "user.add", "ada", {"role": "admin"}),
        ("ada", "user.add", "bob", {"role": "viewer"}),
        ("ada", "user.role", "bob", {"from": "viewer", "to": "strategist"}),
        ("ada", "user.disable", "bob", {}),
    ]
    assert store.events(action="user.add", limit=1)[0].subject == "bob"
    assert store.events()[-1].ip is None and store.events(action="user.add")[0].ip == "10.0.0.1"


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("<script>", PASSWORD, "is not a user name"),
        ("", PASSWORD, "is not a user name"),
        ("a" * 65, PASSWORD, "is not a user name"),
        ("carol", "short", "at least 10 characters"),
        ("ada", PASSWORD, "there is already a user 'ada'"),
    ],
)
def test_bad_users_are_refused_in_one_line(
    store: Store, name: str, password: str, message: str
) -> None:
    store.add_user("ada", Role.ADMIN, PASSWORD, actor="cli:test")
    with pytest.raises(StoreError, match=message):
        store.add_user(name, Role.VIEWER, password, actor="cli:test")
    assert [u.name for u in store.users()] == ["ada"]


def test_the_last_enabled_admin_stays(store: Store) -> None:
    store.add_user("ada", Role.ADMIN, PASSWORD, actor="cli:test")
    with pytest.raises(StoreError, match="last enabled admin"):
        store.set_role("ada", Role.VIEWER, actor="cli:test")
    with pytest.raises(StoreError, match="last enabled admin"):
        store.set_disabled("ada", True, actor="cli:test")
    store.add_user("eve", Role.ADMIN, PASSWORD, actor="ada")
    assert store.set_role("ada", Role.VIEWER, actor="eve").role == Role.VIEWER
    with pytest.raises(StoreError, match="there is no user 'zed'"):
        store.set_role("zed", Role.VIEWER, actor="eve")


def test_passwords_are_argon2id_hashes_and_every_sign_in_is_logged(store: Store) -> None:
    store.add_user("ada", Role.OPERATOR, PASSWORD, actor="cli:test")
    with store.transaction() as session:
        hashed = session.scalar(select(UserRow.password_hash))
    assert hashed is not None and hashed.startswith("$argon2id$") and PASSWORD not in hashed
    user = store.authenticate("ada", PASSWORD, ip="10.0.0.9")
    assert user is not None and user.role == Role.OPERATOR
    assert store.authenticate("ada", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None
    store.set_disabled("ada", True, actor="cli:test")
    assert store.authenticate("ada", PASSWORD) is None
    signins = [(e.action, e.subject, e.detail.get("reason")) for e in reversed(store.events())
               if e.action.startswith("signin")]  # fmt: skip
    assert signins == [
        ("signin", "ada", None),
        ("signin.failed", "ada", "wrong password"),
        ("signin.failed", "nobody", "unknown user"),
        ("signin.failed", "ada", "disabled"),
    ]
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert store.failures_since(since, name="ada") == 2
    assert store.failures_since(since, ip="10.0.0.9") == 0


def test_a_user_without_a_password_signs_in_only_through_the_proxy(store: Store) -> None:
    store.add_user("sso", Role.VIEWER, None, actor="cli:test")
    assert store.authenticate("sso", "") is None
    assert store.proxy_user("sso") is not None
    assert store.proxy_user("stranger") is None
    assert store.events()[0].detail == {"reason": "unknown user", "method": "proxy"}


def test_sessions_are_kept_by_hash_expire_and_end_with_sign_out_or_disabling(store: Store) -> None:
    user = store.add_user("ada", Role.VIEWER, PASSWORD, actor="cli:test")
    token, signed = store.start_session(user, ip="10.0.0.1")
    with store.transaction() as session:
        stored = list(session.scalars(select(SessionRow.id)))
    assert token not in stored and len(stored) == 1
    live = store.session(token)
    assert live is not None and live.user.name == "ada" and live.csrf == signed.csrf
    assert store.session(token + "x") is None
    store.end_session(token)
    assert store.session(token) is None
    assert store.events()[0].action == "signout"

    expired, _ = store.start_session(user, hours=-1)
    assert store.session(expired) is None
    kept, _ = store.start_session(user)
    store.add_user("root", Role.ADMIN, PASSWORD, actor="cli:test")
    store.set_disabled("ada", True, actor="root")
    assert store.session(kept) is None
    store.set_disabled("ada", False, actor="root")
    assert store.session(kept) is None  # enabling again does not bring old sessions back


def test_a_new_password_ends_the_users_sessions(store: Store) -> None:
    user = store.add_user("ada", Role.VIEWER, PASSWORD, actor="cli:test")
    token, _ = store.start_session(user)
    store.set_password("ada", "another long password", actor="ada")
    assert store.session(token) is None
    assert store.authenticate("ada", "another long password") is not None


def test_the_url_comes_from_the_environment_or_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/.outcomes/app.db"
    store = Store.for_workspace(tmp_path)
    store.close()
    assert (tmp_path / ".outcomes" / "app.db").is_file()
    monkeypatch.setenv(ENV_URL, "postgresql://example/db")
    assert database_url(tmp_path) == "postgresql://example/db"


def test_an_unusable_database_is_one_line() -> None:
    with pytest.raises(StoreError, match="is not a database URL"):
        Store.open("not a url")
    with pytest.raises(StoreError) as refused:
        Store.open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert str(refused.value).startswith("cannot open the app database postgresql+psycopg://")
    assert "\n" not in str(refused.value)


def test_the_sqlite_file_enforces_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()


def test_the_migrations_go_down_to_nothing_and_up_again(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from outcomes.web.store.database import alembic_config, make_engine, migrate

    engine = make_engine(database_url)
    try:
        migrate(engine)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert current_revision(engine) is None
        migrate(engine)
        assert {"users", "sessions", "audit", "settings"} <= set(inspect(engine).get_table_names())
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_two_stores_on_one_database_see_each_others_changes(database_url: str) -> None:
    # The dashboard and the command line are two processes on one database.
    first, second = Store.open(database_url), Store.open(database_url)
    try:
        user = first.add_user("ada", Role.VIEWER, PASSWORD, actor="cli:test")
        token, _ = first.start_session(user)
        assert second.session(token) is not None
        second.set_role("ada", Role.OPERATOR, actor="cli:test")
        live = first.session(token)
        assert live is not None and live.user.role == Role.OPERATOR
        assert first.secret() == second.secret()
    finally:
        first.close()
        second.close()
