"""The app's own tables: users, their sign-in sessions, the audit log, app settings and
weekly check-ins.

Times are stored as UTC without a zone (SQLite keeps none) and read back as aware UTC
datetimes (`UtcDateTime`), so both databases give the same answer. A session is kept
under the SHA-256 of its cookie's token, never the token itself: a copy of the database
does not sign anyone in.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class Role(StrEnum):
    """What a user may do, each role including the ones before it."""

    VIEWER = "viewer"
    """Reads the dashboard and its API."""
    OPERATOR = "operator"
    """Runs tactics: will record check-ins."""
    STRATEGIST = "strategist"
    """Owns the plan: will edit it in the browser."""
    ADMIN = "admin"
    """Manages users and reads the audit log."""

    @property
    def rank(self) -> int:
        return ROLES.index(self)

    def includes(self, other: Role) -> bool:
        """Whether this role may do what `other` may."""
        return self.rank >= other.rank


ROLES: Final = tuple(Role)
NAME_LENGTH: Final = 64
TACTIC_LENGTH: Final = 128


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime, stored without its zone."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store times must be aware (UTC)")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """None: the user signs in only through the trusted proxy's header."""
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of the cookie's token."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))


class AuditRow(Base):
    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_action_subject_at", "action", "subject", "at"),
        Index("ix_audit_action_ip_at", "action", "ip", "at"),
        Index("ix_audit_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    """Who: a user's name, `cli:<os user>` for the command line, `anonymous`."""
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(256))
    """What it was done to: a user's name, a file, an ingest id."""
    detail: Mapped[str] = mapped_column(Text, default="{}")
    """JSON object with the rest (old and new role, rows loaded, the reason of a failure)."""
    ip: Mapped[str | None] = mapped_column(String(64))


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CheckinRow(Base):
    """One operator's check-in on one tactic for one ISO week (see `store.checkins`)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("tactic", "week", "user_id", name="uq_checkins_tactic_week_user"),
        Index("ix_checkins_week", "week"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tactic: Mapped[str] = mapped_column(String(TACTIC_LENGTH))
    """The plan's tactic id (the plan lives in plan.yaml, so no foreign key)."""
    week: Mapped[dt.date] = mapped_column(Date)
    """The Monday of the ISO week it reports on."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    done: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text, default="{}")
    """JSON object: count id (`catalog.checkin_counts`) → a whole number ≥ 0."""
    confidence: Mapped[int] = mapped_column(Integer)
    blocker: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class RevisionRow(Base):
    """One saved state of the workspace's plan.yaml: the whole text, who and why."""

    __tablename__ = "plan_revisions"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """1, 2, …: the next is the newest plus one, so two saves at once cannot both be it."""
    parent: Mapped[int | None] = mapped_column(ForeignKey("plan_revisions.number"))
    author: Mapped[str] = mapped_column(String(128))
    """A user's name, `outside` (the file changed on disk: a git pull, an editor)."""
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    message: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class ApprovalRow(Base):
    """A goal sponsor's sign-off of one plan revision."""

    __tablename__ = "plan_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(ForeignKey("plan_revisions.number"), index=True)
    approver: Mapped[str] = mapped_column(String(NAME_LENGTH))
    """The user's name, which is the sponsor's person id in the plan."""
    goals: Mapped[str] = mapped_column(Text)
    """JSON list of the goals the approver sponsors in that revision."""
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
