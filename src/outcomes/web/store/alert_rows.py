"""The alerts' tables: who is subscribed, what was last sent, each goal's last status, and
every delivery tried (migration 0004)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outcomes.web.store.models import Base, UtcDateTime


class SubscriptionRow(Base):
    __tablename__ = "alert_subscriptions"
    __table_args__ = (UniqueConstraint("channel", "target", name="uq_alert_subscriptions_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    """`email` or `webhook`."""
    target: Mapped[str] = mapped_column(String(512))
    """An email address, or a webhook's URL."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    """The user whose address it is, when it is one of the app's users'."""
    kinds: Mapped[str] = mapped_column(String(128))
    """Comma-separated alert kinds it receives (`goal,response,tactic,ingest,digest`)."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AlertStateRow(Base):
    __tablename__ = "alert_state"

    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    state: Mapped[str] = mapped_column(String(256))
    """What the alert said when last sent; it is sent again only when this changes."""
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    """When a run last found the alert no longer raised; it is sent again if it recurs."""


class GoalStatusRow(Base):
    __tablename__ = "alert_goal_status"

    goal: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(512))
    alert_key: Mapped[str] = mapped_column(String(256))
    """The alert's key, or `digest:<week>` for a weekly digest."""
    outcome: Mapped[str] = mapped_column(String(16))
    """`sent` or `failed`."""
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
