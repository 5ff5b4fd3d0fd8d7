"""The audit log: who did what, when, from where; written by the store, the web app and the CLI."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outcomes.web.store.models import AuditRow

SUBJECT_LENGTH: Final = 256
ACTIONS: Final = {
    "signin": "signed in",
    "signin.failed": "sign-in refused (wrong name or password, or disabled)",
    "signin.throttled": "sign-in refused: too many failures",
    "signout": "signed out",
    "user.add": "user added",
    "user.role": "role changed",
    "user.disable": "user disabled",
    "user.enable": "user enabled",
    "user.password": "password set",
    "ingest": "files ingested",
    "forget": "an ingest forgotten",
    "checkin.add": "check-in recorded",
    "checkin.edit": "check-in changed (its author, in its week)",
    "alerts.run": "alerts evaluated (and sent, unless a dry run)",
    "alert.delivered": "an alert or digest delivered",
    "alert.failed": "an alert or digest could not be delivered",
    "alerts.subscribe": "subscribed to alerts",
    "alerts.unsubscribe": "unsubscribed from alerts",
    "alerts.settings": "alert or schedule settings changed",
    "schedule.run": "a scheduled job ran in the dashboard",
    "plan.edit": "plan edited and saved as a revision",
    "plan.outside": "plan.yaml changed on disk, recorded as a revision",
    "plan.approve": "plan revision approved by a goal's sponsor",
}
"""Every action the log records, with what it means (the admin page's legend)."""


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    ip: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": self.detail,
            "ip": self.ip,
        }


def cli_actor() -> str:
    """Who runs a command: `cli:` and the operating system's user name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a container)
        return "cli:unknown"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_event(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    detail: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """One entry, in the caller's transaction (so a change and its entry commit together)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditRow(
            at=now(),
            actor=actor[:128],
            action=action,
            subject=subject[:SUBJECT_LENGTH],
            detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
            ip=ip[:64] if ip else None,
        )
    )


def list_events(
    session: Session,
    *,
    limit: int = 100,
    action: str | None = None,
    actor: str | None = None,
) -> list[AuditEvent]:
    """The newest entries first."""
    query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
    if action:
        query = query.where(AuditRow.action == action)
    if actor:
        query = query.where(AuditRow.actor == actor)
    return [_event(row) for row in session.scalars(query)]


def count_since(
    session: Session,
    action: str,
    since: dt.datetime,
    *,
    subject: str | None = None,
    ip: str | None = None,
) -> int:
    """Entries of `action` since `since`, for one subject or one address."""
    query = select(func.count()).select_from(AuditRow)
    query = query.where(AuditRow.action == action, AuditRow.at >= since)
    if subject is not None:
        query = query.where(AuditRow.subject == subject[:SUBJECT_LENGTH])
    if ip is not None:
        query = query.where(AuditRow.ip == ip)
    return int(session.scalar(query) or 0)


def _event(row: AuditRow) -> AuditEvent:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"raw": row.detail}
    return AuditEvent(row.id, row.at, row.actor, row.action, row.subject, detail, row.ip)


def record_from_cli(
    workspace: Path, action: str, subject: str, detail: Mapping[str, Any]
) -> str | None:
    """Log what a command did to the workspace as `cli_actor()`; the reason when it cannot.

    The change is made by then: a database that cannot be written is a warning, not a
    failure of the command.
    """
    from outcomes.web.store.database import StoreError
    from outcomes.web.store.store import Store

    try:
        store = Store.for_workspace(workspace)
    except StoreError as exc:
        return str(exc)
    try:
        store.audit(cli_actor(), action, subject, detail)
    except StoreError as exc:
        return str(exc)
    finally:
        store.close()
    return None
