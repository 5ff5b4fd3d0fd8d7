"""`AlertRecords`: the alerts' side of the store — subscriptions, what was sent, the goals'
statuses at the last run, every delivery, and the alert settings.

Deduplication lives here: an alert is news when its key was never sent, was resolved
since (a run no longer raised it), or its state changed. Each subscription change and
each delivery is written with its audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from outcomes.alerts.model import KINDS, Alert
from outcomes.web.store.alert_rows import (
    AlertStateRow,
    DeliveryRow,
    GoalStatusRow,
    SubscriptionRow,
)
from outcomes.web.store.audit import add_event, now
from outcomes.web.store.database import StoreError
from outcomes.web.store.models import SettingRow, UserRow
from outcomes.web.store.store import Store

CHANNELS: Final = ("email", "webhook")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL: Final = re.compile(r"https?://[^\s]+")


@dataclass(frozen=True)
class Subscription:
    id: int
    channel: str
    target: str
    user: str | None
    kinds: tuple[str, ...]
    created_at: dt.datetime

    def wants(self, kind: str) -> bool:
        return kind in self.kinds

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "target": self.target,
            "user": self.user,
            "kinds": list(self.kinds),
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Delivery:
    """One delivery tried: to whom, of what, and how it went."""

    at: dt.datetime
    channel: str
    recipient: str
    alert_key: str
    outcome: str
    attempts: int
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "channel": self.channel,
            "recipient": self.recipient,
            "alert_key": self.alert_key,
            "outcome": self.outcome,
            "attempts": self.attempts,
            "error": self.error,
        }


@dataclass(frozen=True)
class SentAlert:
    """An alert as last sent (the digest's "alerts of the week")."""

    key: str
    kind: str
    severity: str
    title: str
    sent_at: dt.datetime
    resolved_at: dt.datetime | None


def parse_kinds(text: str) -> tuple[str, ...]:
    """`goal,ingest` or `all` as the kinds a subscription receives; StoreError otherwise."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    if not words or words == ["all"]:
        return KINDS
    unknown = [word for word in words if word not in KINDS]
    if unknown:
        raise StoreError(
            f"unknown alert kind {unknown[0]!r}: use all, or some of {', '.join(KINDS)}"
        )
    return tuple(kind for kind in KINDS if kind in words)


def check_target(channel: str, target: str) -> str:
    if channel not in CHANNELS:
        raise StoreError(f"unknown channel {channel!r}: use email or webhook")
    if channel == "email" and not _EMAIL.fullmatch(target):
        raise StoreError(f"{target[:80]!r} is not an email address (name@example.com)")
    if channel == "webhook" and not _URL.fullmatch(target):
        raise StoreError(f"{target[:80]!r} is not a webhook URL: give an http:// or https:// URL")
    if len(target) > 512:
        raise StoreError("the address is too long: at most 512 characters")
    return target


class AlertRecords:
    """The alerts' tables of one `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- subscriptions -----------------------------------------------------------------

    def subscribe(
        self,
        channel: str,
        target: str,
        *,
        kinds: Sequence[str] = KINDS,
        user: str | None = None,
        actor: str,
    ) -> Subscription:
        """A new subscription, or the kinds of an existing one for that address changed."""
        check_target(channel, target)
        try:
            with self.store.transaction() as session:
                user_id = None
                if user is not None:
                    user_id = session.scalar(select(UserRow.id).where(UserRow.name == user))
                    if user_id is None:
                        raise StoreError(f"there is no user {user!r} (`outcomes user list`)")
                row = session.scalar(
                    select(SubscriptionRow).where(
                        SubscriptionRow.channel == channel, SubscriptionRow.target == target
                    )
                )
                if row is None:
                    row = SubscriptionRow(channel=channel, target=target, created_at=now())
                    session.add(row)
                row.kinds, row.user_id = ",".join(kinds), user_id
                detail = {"channel": channel, "kinds": list(kinds), "user": user}
                add_event(session, actor, "alerts.subscribe", target, detail)
                session.flush()
                return Subscription(row.id, channel, target, user, tuple(kinds), row.created_at)
        except IntegrityError:  # the same address added by another process meanwhile
            raise StoreError(
                f"{target!r} was subscribed meanwhile; run the command again"
            ) from None

    def unsubscribe(self, target: str, *, actor: str) -> int:
        """Remove every subscription of `target`; how many there were."""
        with self.store.transaction() as session:
            rows = list(
                session.scalars(select(SubscriptionRow).where(SubscriptionRow.target == target))
            )
            for row in rows:
                session.delete(row)
            if rows:
                add_event(session, actor, "alerts.unsubscribe", target, {"removed": len(rows)})
            return len(rows)

    def subscriptions(self) -> list[Subscription]:
        with self.store.transaction() as session:
            found = session.execute(
                select(SubscriptionRow, UserRow.name)
                .outerjoin(UserRow, UserRow.id == SubscriptionRow.user_id)
                .order_by(SubscriptionRow.channel, SubscriptionRow.target)
            ).all()
            return [
                Subscription(
                    row.id,
                    row.channel,
                    row.target,
                    name,
                    tuple(k for k in row.kinds.split(",") if k),
                    row.created_at,
                )
                for row, name in found
            ]

    # -- what was sent -----------------------------------------------------------------

    def news(self, alerts: Iterable[Alert]) -> list[Alert]:
        """The alerts not yet sent in their current state."""
        with self.store.transaction() as session:
            sent = {row.key: row for row in session.scalars(select(AlertStateRow))}
        return [
            alert
            for alert in alerts
            if (row := sent.get(alert.key)) is None
            or row.resolved_at is not None
            or row.state != alert.state
        ]

    def mark_sent(self, alert: Alert) -> None:
        with self.store.transaction() as session:
            row = session.get(AlertStateRow, alert.key)
            if row is None:
                row = AlertStateRow(key=alert.key)
                session.add(row)
            row.state, row.kind, row.severity = alert.state, alert.kind, alert.severity
            row.title, row.sent_at, row.resolved_at = alert.title, now(), None

    def resolve_others(self, raised: Iterable[str]) -> list[str]:
        """Mark sent alerts no longer raised as resolved; their keys."""
        keep = set(raised)
        with self.store.transaction() as session:
            open_rows = session.scalars(
                select(AlertStateRow).where(AlertStateRow.resolved_at.is_(None))
            )
            resolved = [row for row in open_rows if row.key not in keep]
            for row in resolved:
                row.resolved_at = now()
            return [row.key for row in resolved]

    def sent_since(self, since: dt.datetime) -> list[SentAlert]:
        with self.store.transaction() as session:
            rows = session.scalars(
                select(AlertStateRow)
                .where(AlertStateRow.sent_at >= since)
                .order_by(AlertStateRow.sent_at.desc())
            )
            return [
                SentAlert(row.key, row.kind, row.severity, row.title, row.sent_at, row.resolved_at)
                for row in rows
            ]

    # -- goals' statuses at the last run -----------------------------------------------

    def goal_statuses(self) -> dict[str, str]:
        with self.store.transaction() as session:
            return {row.goal: row.status for row in session.scalars(select(GoalStatusRow))}

    def remember_statuses(self, statuses: Mapping[str, str]) -> None:
        """Record each goal's status; goals gone from the plan are forgotten."""
        with self.store.transaction() as session:
            session.execute(delete(GoalStatusRow).where(GoalStatusRow.goal.not_in(list(statuses))))
            for goal, status in statuses.items():
                row = session.get(GoalStatusRow, goal)
                if row is None:
                    session.add(GoalStatusRow(goal=goal, status=status, at=now()))
                elif row.status != status:
                    row.status, row.at = status, now()

    # -- deliveries --------------------------------------------------------------------

    def log_delivery(self, delivery: Delivery, *, actor: str) -> None:
        """The delivery's row and its audit entry, together."""
        with self.store.transaction() as session:
            session.add(
                DeliveryRow(
                    at=delivery.at,
                    channel=delivery.channel,
                    recipient=delivery.recipient[:512],
                    alert_key=delivery.alert_key[:256],
                    outcome=delivery.outcome,
                    attempts=delivery.attempts,
                    error=delivery.error,
                )
            )
            action = "alert.delivered" if delivery.outcome == "sent" else "alert.failed"
            detail = {
                "channel": delivery.channel,
                "to": delivery.recipient,
                "attempts": delivery.attempts,
                "error": delivery.error,
            }
            add_event(session, actor, action, delivery.alert_key, detail)

    def deliveries(self, *, limit: int = 50) -> list[Delivery]:
        """The newest first."""
        with self.store.transaction() as session:
            rows = session.scalars(
                select(DeliveryRow)
                .order_by(DeliveryRow.at.desc(), DeliveryRow.id.desc())
                .limit(limit)
            )
            return [
                Delivery(
                    row.at,
                    row.channel,
                    row.recipient,
                    row.alert_key,
                    row.outcome,
                    row.attempts,
                    row.error,
                )
                for row in rows
            ]

    # -- settings ----------------------------------------------------------------------

    def settings(self, prefix: str) -> dict[str, str]:
        """The store's settings whose keys start with `prefix`."""
        with self.store.transaction() as session:
            rows = session.scalars(select(SettingRow).where(SettingRow.key.startswith(prefix)))
            return {row.key: row.value for row in rows}

    def set_settings(self, values: Mapping[str, str | None], *, actor: str) -> None:
        """Set (or, for None, remove) settings; one audit entry names the keys changed."""
        if not values:
            return
        with self.store.transaction() as session:
            for key, value in values.items():
                row = session.get(SettingRow, key)
                if value is None:
                    if row is not None:
                        session.delete(row)
                elif row is None:
                    session.add(SettingRow(key=key, value=value))
                else:
                    row.value = value
            add_event(session, actor, "alerts.settings", ",".join(sorted(values)), {})
