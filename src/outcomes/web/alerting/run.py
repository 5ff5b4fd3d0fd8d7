"""One run of the alerts: evaluate the workspace, send what is news to its subscribers, log
every delivery, remember what was sent and each goal's status; and the weekly digest.

An alert counts as sent (and is not sent again in the same state) once at least one of
its deliveries went; one nobody received, because every delivery failed or nobody
subscribes to its kind, is tried again on the next run. A goal's status is remembered
only when its worsening (if any) was sent, so a failed delivery does not lose the news.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outcomes.alerts.delivery import Sent, post_webhook, send_email
from outcomes.alerts.digest import (
    CHECKIN_HABIT_WEEKS,
    Digest,
    WeekAlert,
    build_digest,
    checkin_gaps,
)
from outcomes.alerts.evaluate import any_options, evaluate
from outcomes.alerts.messages import email_text, webhook_payload
from outcomes.alerts.model import Alert
from outcomes.web.alerting.settings import AlertSettings, read_settings
from outcomes.web.store.alert_records import AlertRecords, Delivery, Subscription

if TYPE_CHECKING:
    from outcomes.briefing import Briefing
    from outcomes.briefing.build import BriefingOptions
    from outcomes.web.store.store import Store
    from outcomes.workspace import Workspace

log = logging.getLogger("outcomes.alerts")


@dataclass(frozen=True)
class Occasion:
    """Who runs the alerts or the digest, and how: the same for both."""

    actor: str
    """Who the audit log and the delivery log name."""
    dry_run: bool = False
    """Evaluate (or compose) and change nothing, send nothing."""
    now: dt.datetime | None = None
    environ: Mapping[str, str] | None = None
    """Settings from the environment (the mail server's password); None: `os.environ`."""
    snapshot: bool = False
    """Measure copies of the warehouse (the dashboard's process does)."""
    options: BriefingOptions | None = None
    """How to measure a state no kept briefing answers for (`alerts.evaluate`)."""


@dataclass(frozen=True)
class Message:
    """One thing to send, as email and as a webhook message."""

    key: str
    kind: str
    subject: str
    text: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class RunResult:
    alerts: tuple[Alert, ...]
    """Raised now."""
    news: tuple[Alert, ...]
    """Raised now and not yet sent in this state: what was (or, dry, would be) sent."""
    deliveries: tuple[Delivery, ...]
    resolved: tuple[str, ...]
    dry_run: bool

    @property
    def failed(self) -> int:
        return sum(1 for d in self.deliveries if d.outcome != "sent")

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "alerts": [alert.to_json() for alert in self.alerts],
            "news": [alert.key for alert in self.news],
            "deliveries": [delivery.to_json() for delivery in self.deliveries],
            "resolved": list(self.resolved),
        }


@dataclass(frozen=True)
class DigestResult:
    digest: Digest
    text: str
    deliveries: tuple[Delivery, ...]


def run_alerts(space: Workspace, store: Store, occasion: Occasion) -> RunResult:
    """Evaluate and (unless a dry run, which changes nothing) deliver once."""
    actor = occasion.actor
    records = AlertRecords(store)
    settings = read_settings(records, occasion.environ)
    previous = records.goal_statuses()
    found = evaluate(
        space,
        previous,
        settings.thresholds,
        now=occasion.now,
        snapshot=occasion.snapshot,
        options=occasion.options,
    )
    news = records.news(found.alerts)
    if occasion.dry_run:
        return RunResult(found.alerts, tuple(news), (), (), True)
    subscriptions = records.subscriptions()
    deliveries: list[Delivery] = []
    unsent: set[str] = set()
    for alert in news:
        sent = _send_to_all(
            records, settings, subscriptions, _alert_message(alert, settings), actor
        )
        deliveries.extend(sent)
        if any(d.outcome == "sent" for d in sent):
            records.mark_sent(alert)
        else:
            unsent.add(alert.key)
    resolved = records.resolve_others(alert.key for alert in found.alerts)
    statuses = dict(found.statuses)
    for goal in statuses:
        if f"goal:{goal}" in unsent and goal in previous:
            statuses[goal] = previous[goal]  # keep the news for the next run
    records.remember_statuses(statuses)
    result = RunResult(found.alerts, tuple(news), tuple(deliveries), tuple(resolved), False)
    store.audit(
        actor,
        "alerts.run",
        str(space.root),
        {
            "raised": len(found.alerts),
            "news": len(news),
            "delivered": len(deliveries) - result.failed,
            "failed": result.failed,
            "resolved": len(resolved),
        },
    )
    log.info(
        "alerts: %d raised, %d new, %d deliveries (%d failed)",
        len(found.alerts),
        len(news),
        len(deliveries),
        result.failed,
    )
    return result


def send_digest(space: Workspace, store: Store, occasion: Occasion) -> DigestResult:
    """The weekly digest of the seven days to the occasion's moment, sent to every
    `digest` subscription."""
    moment = occasion.now or dt.datetime.now(dt.UTC)
    records = AlertRecords(store)
    settings = read_settings(records, occasion.environ)
    week = [
        WeekAlert(sent.severity, sent.title, sent.sent_at, sent.resolved_at is not None)
        for sent in records.sent_since(moment - dt.timedelta(days=7))
    ]
    briefing = space.briefing(occasion.options, accept=any_options, snapshot=occasion.snapshot)
    digest = build_digest(briefing, week, now=moment, checkin_gaps=_gaps(briefing, store, moment))
    text = digest.text(settings.dashboard_url)
    if occasion.dry_run:
        return DigestResult(digest, text, ())
    message = Message(
        digest.key, "digest", digest.subject, text, digest.webhook_payload(settings.dashboard_url)
    )
    deliveries = _send_to_all(records, settings, records.subscriptions(), message, occasion.actor)
    return DigestResult(digest, text, tuple(deliveries))


def _gaps(briefing: Briefing, store: Store, moment: dt.datetime) -> list[str] | None:
    from outcomes.web.store.checkins import Checkins, week_of

    today = moment.date()
    start = week_of(today) - dt.timedelta(weeks=CHECKIN_HABIT_WEEKS)
    checked = [(c.tactic, c.week) for c in Checkins(store).since(start)]
    tactics = [tactic.id for tactic in briefing.plan.tactics]
    return checkin_gaps(tactics, checked, now=today)


def last_digest(store: Store) -> dt.datetime | None:
    """When a digest last went to someone (the scheduler sends one a week)."""
    for delivery in AlertRecords(store).deliveries(limit=500):
        if delivery.alert_key.startswith("digest:") and delivery.outcome == "sent":
            return delivery.at
    return None


def _alert_message(alert: Alert, settings: AlertSettings) -> Message:
    subject, text = email_text(alert, settings.dashboard_url)
    return Message(
        alert.key, alert.kind, subject, text, webhook_payload(alert, settings.dashboard_url)
    )


def _send_to_all(
    records: AlertRecords,
    settings: AlertSettings,
    subscriptions: list[Subscription],
    message: Message,
    actor: str,
) -> list[Delivery]:
    deliveries = []
    for subscription in subscriptions:
        if not subscription.wants(message.kind):
            continue
        sent = _send(settings, subscription, message)
        delivery = Delivery(
            at=dt.datetime.now(dt.UTC),
            channel=subscription.channel,
            recipient=subscription.target,
            alert_key=message.key,
            outcome="sent" if sent.ok else "failed",
            attempts=sent.attempts,
            error=sent.error,
        )
        if not sent.ok:
            log.warning("alert %s to %s failed: %s", message.key, subscription.target, sent.error)
        records.log_delivery(delivery, actor=actor)
        deliveries.append(delivery)
    return deliveries


def _send(settings: AlertSettings, subscription: Subscription, message: Message) -> Sent:
    if subscription.channel == "webhook":
        return post_webhook(subscription.target, message.payload)
    if settings.smtp is None:
        return Sent(
            False,
            0,
            "no mail server: set one with `outcomes alerts settings "
            "--smtp-host HOST --smtp-from ADDRESS`",
        )
    return send_email(settings.smtp, subscription.target, message.subject, message.text)
