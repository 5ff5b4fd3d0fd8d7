"""`Store`: users, roles, passwords, sign-in sessions and the audit log, in one database.

Every change is one transaction with its audit entry, so the log never misses a change
that happened nor names one that did not. Passwords are kept as argon2id hashes; a
session as the SHA-256 of its token. Rules the store keeps whoever asks (the CLI or the
admin page): names are plain (letters, digits, `.`, `_`, `-`, `@`), passwords have at
least `MIN_PASSWORD` characters, and the last enabled admin cannot be demoted or
disabled, so nobody is locked out of the user list.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from outcomes.web.store.audit import AuditEvent, add_event, count_since, list_events, now
from outcomes.web.store.database import StoreError, database_url, make_engine, migrate
from outcomes.web.store.models import NAME_LENGTH, ROLES, Role, SessionRow, SettingRow, UserRow

MIN_PASSWORD: Final = 10
SESSION_HOURS: Final = 12.0
"""How long a sign-in lasts; then the user signs in again."""
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
_HASHER: Final = PasswordHasher()  # argon2id, with the library's current parameters
SECRET_KEY: Final = "secret"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    disabled: bool
    has_password: bool
    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role.value,
            "disabled": self.disabled,
            "has_password": self.has_password,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class SignedIn:
    """A live session: its user and the CSRF token its forms carry."""

    user: User
    csrf: str
    expires_at: dt.datetime


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in ROLES)
        raise StoreError(f"unknown role {value!r}: use one of {names}") from None


def check_name(name: str) -> str:
    if len(name) > NAME_LENGTH or not _NAME.fullmatch(name):
        raise StoreError(
            f"{name[:80]!r} is not a user name: use up to {NAME_LENGTH} letters, digits, "
            "and . _ - @ (starting with a letter or digit)"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    return password


def token_id(token: str) -> str:
    """The key a session is kept under: the SHA-256 of its token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """The app's database (`Store.open`); thread-safe, one engine shared by requests."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """The store at `url`, migrated to this version's schema; StoreError when it cannot be."""
        engine = make_engine(url)
        try:
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        return cls(engine)

    @classmethod
    def for_workspace(cls, workspace: Path) -> Store:
        """`$OUTCOMES_DATABASE_URL`, else the workspace's `.outcomes/app.db`."""
        return cls.open(database_url(workspace))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; database failures become a StoreError naming the database."""
        try:
            with self._sessions.begin() as session:
                yield session
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            where = self.engine.url.render_as_string()
            raise StoreError(f"the app database {where} failed: {reason}") from None

    # -- users -------------------------------------------------------------------------

    def add_user(
        self, name: str, role: Role, password: str | None, *, actor: str, ip: str | None = None
    ) -> User:
        """A new user; `password` None: sign-in only through the trusted proxy header."""
        check_name(name)
        hashed = _HASHER.hash(check_password(password)) if password is not None else None
        try:
            with self.transaction() as session:
                if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                    raise StoreError(f"there is already a user {name!r}")
                row = UserRow(
                    name=name, role=role.value, password_hash=hashed, disabled=False,
                    created_at=now(),
                )  # fmt: skip
                session.add(row)
                add_event(session, actor, "user.add", name, {"role": role.value}, ip)
                session.flush()
                return _user(row)
        except IntegrityError:  # added by another process since the check
            raise StoreError(f"there is already a user {name!r}") from None

    def users(self) -> list[User]:
        with self.transaction() as session:
            return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def user(self, name: str) -> User | None:
        with self.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            return _user(row) if row else None

    def set_role(self, name: str, role: Role, *, actor: str, ip: str | None = None) -> User:
        with self.transaction() as session:
            row = _existing(session, name)
            old = Role(row.role)
            if old == role:
                return _user(row)
            if old == Role.ADMIN:
                _keep_an_admin(session, row, f"cannot make {name!r} {role.value}")
            row.role = role.value
            add_event(session, actor, "user.role", name, {"from": old.value, "to": role.value}, ip)
            return _user(row)

    def set_disabled(self, name: str, disabled: bool, *, actor: str, ip: str | None = None) -> User:
        """Disable (and sign out everywhere) or enable a user."""
        with self.transaction() as session:
            row = _existing(session, name)
            if row.disabled == disabled:
                return _user(row)
            if disabled and row.role == Role.ADMIN.value:
                _keep_an_admin(session, row, f"cannot disable {name!r}")
            row.disabled = disabled
            if disabled:
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            add_event(session, actor, "user.disable" if disabled else "user.enable", name, {}, ip)
            return _user(row)

    def set_password(self, name: str, password: str, *, actor: str, ip: str | None = None) -> User:
        """A new password; the user's sessions end."""
        hashed = _HASHER.hash(check_password(password))
        with self.transaction() as session:
            row = _existing(session, name)
            row.password_hash = hashed
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            add_event(session, actor, "user.password", name, {}, ip)
            return _user(row)

    def authenticate(self, name: str, password: str, *, ip: str | None = None) -> User | None:
        """The user when `password` is theirs and they are enabled; every try is logged."""
        with self.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            hashed = row.password_hash if row is not None else None
        ok = _verify(hashed or _dummy_hash(), password) and hashed is not None
        reason = (
            "unknown user" if row is None
            else "disabled" if row.disabled
            else "no password (proxy sign-in only)" if hashed is None
            else None if ok else "wrong password"
        )  # fmt: skip
        with self.transaction() as session:
            if reason is None and row is not None:
                if _HASHER.check_needs_rehash(hashed or ""):
                    session.get_one(UserRow, row.id).password_hash = _HASHER.hash(password)
                add_event(session, name, "signin", name, {"method": "password"}, ip)
                return _user(row)
            add_event(session, "anonymous", "signin.failed", name, {"reason": reason}, ip)
            return None

    # -- sessions ----------------------------------------------------------------------

    def start_session(
        self, user: User, *, hours: float = SESSION_HOURS, ip: str | None = None
    ) -> tuple[str, SignedIn]:
        """A new session for `user`: its token (the cookie's value) and what it holds."""
        token = secrets.token_urlsafe(32)
        started = now()
        signed = SignedIn(user, secrets.token_urlsafe(32), started + dt.timedelta(hours=hours))
        with self.transaction() as session:
            session.execute(delete(SessionRow).where(SessionRow.expires_at < started))
            session.add(
                SessionRow(
                    id=token_id(token), user_id=user.id, csrf=signed.csrf, created_at=started,
                    expires_at=signed.expires_at, ip=ip[:64] if ip else None,
                )
            )  # fmt: skip
        return token, signed

    def session(self, token: str) -> SignedIn | None:
        """The live session of `token`; None when unknown, expired or its user is disabled."""
        with self.transaction() as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.id == token_id(token))
            ).first()
            if found is None:
                return None
            row, user = found
            if row.expires_at <= now() or user.disabled:
                session.delete(row)
                return None
            return SignedIn(_user(user), row.csrf, row.expires_at)

    def end_session(self, token: str, *, ip: str | None = None, logged: bool = True) -> None:
        """Sign out: the session is deleted (and, if `logged`, logged) if it exists."""
        with self.transaction() as session:
            row = session.get(SessionRow, token_id(token))
            if row is None:
                return
            user = session.get_one(UserRow, row.user_id)
            session.delete(row)
            if logged:
                add_event(session, user.name, "signout", user.name, {}, ip)

    def proxy_user(self, name: str, *, ip: str | None = None) -> User | None:
        """The enabled user a trusted proxy's header names; None (and a log entry) otherwise."""
        user = self.user(name)
        if user is not None and not user.disabled:
            return user
        reason = "unknown user" if user is None else "disabled"
        self.audit("anonymous", "signin.failed", name, {"reason": reason, "method": "proxy"}, ip)
        return None

    # -- audit and settings ------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        subject: str,
        detail: Mapping[str, Any] | None = None,
        ip: str | None = None,
    ) -> None:
        with self.transaction() as session:
            add_event(session, actor, action, subject, detail, ip)

    def events(
        self, *, limit: int = 100, action: str | None = None, actor: str | None = None
    ) -> list[AuditEvent]:
        with self.transaction() as session:
            return list_events(session, limit=limit, action=action, actor=actor)

    def failures_since(
        self, since: dt.datetime, *, name: str | None = None, ip: str | None = None
    ) -> int:
        """Refused sign-ins since `since` for one name or from one address (rate limits)."""
        with self.transaction() as session:
            return count_since(session, "signin.failed", since, subject=name, ip=ip)

    def secret(self) -> bytes:
        """The app's signing key (CSRF tokens before sign-in), made on first use."""
        with self.transaction() as session:
            row = session.get(SettingRow, SECRET_KEY)
            if row is not None:
                return bytes.fromhex(row.value)
        try:
            with self.transaction() as session:
                session.add(SettingRow(key=SECRET_KEY, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process made it first: use theirs
        with self.transaction() as session:
            return bytes.fromhex(session.get_one(SettingRow, SECRET_KEY).value)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when a name is unknown, so that answer takes as long as a wrong password."""
    return _HASHER.hash("not a password of anyone's")


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _existing(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise StoreError(f"there is no user {name!r} (`outcomes user list` lists them)")
    return row


def _keep_an_admin(session: Session, row: UserRow, what: str) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(UserRow)
        .where(UserRow.role == Role.ADMIN.value, UserRow.disabled.is_(False), UserRow.id != row.id)
    )
    if not others:
        raise StoreError(f"{what}: it is the last enabled admin; make another admin first")


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        disabled=row.disabled,
        has_password=row.password_hash is not None,
        created_at=row.created_at,
    )
