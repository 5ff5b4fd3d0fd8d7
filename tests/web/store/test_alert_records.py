"""The alerts' records on both databases: subscriptions, deduplication, goal memory,
the delivery log with its audit entries, and the settings the environment overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.alerts.model import KINDS, Alert, Thresholds
from outcomes.web.alerting.settings import read_settings
from outcomes.web.store import Role, Store, StoreError
from outcomes.web.store.alert_records import AlertRecords, Delivery, parse_kinds


def alert(key: str, state: str) -> Alert:
    return Alert(key, "goal", "warning", f"title {key}", "detail", "/goals/x", state)


def test_an_alert_is_news_until_sent_then_again_when_its_state_changes_or_it_recurs(
    store: Store,
) -> None:
    records = AlertRecords(store)
    first, other = alert("goal:a", "on_track->at_risk"), alert("goal:b", "at_risk->off_track")
    assert records.news([first, other]) == [first, other]

    records.mark_sent(first)
    assert records.news([first, other]) == [other]
    worse = alert("goal:a", "at_risk->off_track")
    assert records.news([worse]) == [worse]

    # A run that no longer raises it resolves it; raised again, it is news again.
    assert records.resolve_others(["goal:b"]) == ["goal:a"]
    assert records.news([first]) == [first]
    (sent,) = records.sent_since(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert (sent.key, sent.resolved_at is not None) == ("goal:a", True)


def test_subscriptions_are_checked_kept_changed_and_removed_each_audited(store: Store) -> None:
    records = AlertRecords(store)
    store.add_user("ada", Role.ADMIN, "a long password", actor="cli:test")
    records.subscribe(
        "email", "ada@example.com", kinds=("goal", "digest"), user="ada", actor="cli:test"
    )
    records.subscribe("webhook", "https://hooks.example.com/T/1", actor="cli:test")
    records.subscribe("email", "ada@example.com", kinds=KINDS, user="ada", actor="cli:test")

    found = {s.target: s for s in records.subscriptions()}
    assert found["ada@example.com"].user == "ada" and found["ada@example.com"].kinds == KINDS
    assert found["https://hooks.example.com/T/1"].wants("ingest")
    with pytest.raises(StoreError, match="is not an email address"):
        records.subscribe("email", "not-an-address", actor="cli:test")
    with pytest.raises(StoreError, match="not a webhook URL"):
        records.subscribe("webhook", "ftp://example.com", actor="cli:test")
    with pytest.raises(StoreError, match="no user 'bob'"):
        records.subscribe("email", "bob@example.com", user="bob", actor="cli:test")
    with pytest.raises(StoreError, match="unknown alert kind 'goals'"):
        parse_kinds("goals,ingest")

    assert records.unsubscribe("ada@example.com", actor="cli:test") == 1
    assert records.unsubscribe("ada@example.com", actor="cli:test") == 0
    assert [s.target for s in records.subscriptions()] == ["https://hooks.example.com/T/1"]
    actions = [e.action for e in store.events(action=None) if e.action.startswith("alerts.")]
    assert actions == ["alerts.unsubscribe"] + ["alerts.subscribe"] * 3


def test_every_delivery_is_a_row_and_an_audit_entry(store: Store) -> None:
    records = AlertRecords(store)
    at = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
    records.log_delivery(
        Delivery(at, "email", "ada@example.com", "goal:a", "sent", 1), actor="cli:t"
    )
    later = at + dt.timedelta(minutes=1)
    failed = Delivery(later, "webhook", "https://h.example.com", "goal:a", "failed", 3, "HTTP 500")
    records.log_delivery(failed, actor="cli:t")

    assert records.deliveries() == [
        failed,
        Delivery(at, "email", "ada@example.com", "goal:a", "sent", 1),
    ]
    (refused,) = store.events(action="alert.failed")
    assert refused.subject == "goal:a" and refused.detail["error"] == "HTTP 500"
    assert len(store.events(action="alert.delivered")) == 1


def test_goal_statuses_are_remembered_and_goals_gone_from_the_plan_forgotten(store: Store) -> None:
    records = AlertRecords(store)
    records.remember_statuses({"a": "on_track", "b": "at_risk"})
    records.remember_statuses({"a": "off_track", "c": "achieved"})
    assert records.goal_statuses() == {"a": "off_track", "c": "achieved"}


def test_settings_come_from_the_store_and_the_environment_wins(store: Store) -> None:
    records = AlertRecords(store)
    assert read_settings(records, {}).smtp is None  # nothing set: no mail server
    records.set_settings(
        {"alerts.smtp_host": "mail.example.com", "alerts.smtp_from": "o@example.com",
         "alerts.rejected_rows": "25", "alerts.smtp_security": "ssl"},
        actor="cli:test",
    )  # fmt: skip
    env = {"OUTCOMES_SMTP_HOST": "relay.internal", "OUTCOMES_SMTP_PASSWORD": "s3cret"}
    settings = read_settings(records, env)

    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.security) == (
        "relay.internal",
        465,
        "ssl",
    )
    assert settings.smtp.password == "s3cret"
    assert settings.thresholds == Thresholds(rejected_rows=25)
    assert "s3cret" not in str(records.settings("alerts."))
    records.set_settings({"alerts.response_days": "three"}, actor="cli:test")
    with pytest.raises(StoreError, match="response_days 'three' is not a number"):
        read_settings(records, {})
