"""Alerts end to end on the demo company: evaluated on its measured workspace, sent to a
real SMTP server and a real webhook receiver on loopback ports, deduplicated, logged; the
weekly digest; the scheduler on its own and inside `outcomes serve`'s app."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import load_commands
from outcomes.measure.words import metric_value
from outcomes.web import create_app
from outcomes.web.alerting.run import Occasion, run_alerts, send_digest
from outcomes.web.alerting.scheduler import Scheduler
from outcomes.web.store import Store
from outcomes.web.store.alert_records import AlertRecords
from outcomes.workspace import Workspace
from tests.alerts.receivers import SmtpSink, Webhook, free_port, smtp_sink, webhook_receiver
from tests.web.conftest import OPTIONS, copy_workspace, serve

ACTOR = "cli:test"
BAD_ROWS = 12
NEWSLETTER_HEADER = "Email,Timestamp,Event,Channel,Source,Medium,Campaign,Issue"


@pytest.fixture(scope="module")
def measured(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace with its briefing measured and kept, for each test to copy.

    Measured at the path each test's copy lies at (`workspace`): the kept briefing's
    fingerprint names the warehouse's path, so a copy made there, with the files' times
    kept, is the same state and reads it instead of measuring again.
    """
    folder = tmp_path_factory.mktemp("alerts")
    space = Workspace.open(copy_workspace(demo_workspace, folder / "ws"))
    # With the explorer's journeys, as the dashboard measures: it answers the alerts too.
    space.briefing(OPTIONS, snapshot=True, explorer=True)
    return shutil.copytree(folder / "ws", folder / "measured")


@pytest.fixture
def workspace(measured: Path) -> Path:
    """A fresh copy of `measured`, where it was measured; the tests change it."""
    target = measured.with_name("ws")
    shutil.rmtree(target)
    return shutil.copytree(measured, target)


@pytest.fixture
def store(workspace: Path) -> Iterator[Store]:
    opened = Store.for_workspace(workspace)
    yield opened
    opened.close()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as running:
        yield running


def configure(store: Store, sink: SmtpSink, hook: Webhook) -> AlertRecords:
    records = AlertRecords(store)
    records.set_settings(
        {
            "alerts.smtp_host": "127.0.0.1",
            "alerts.smtp_port": str(sink.port),
            "alerts.smtp_security": "plain",
            "alerts.smtp_from": "outcomes@northwind.example",
            "alerts.dashboard_url": "https://dash.northwind.example",
        },
        actor=ACTOR,
    )
    records.subscribe("email", "ops@northwind.example", actor=ACTOR)
    records.subscribe("webhook", hook.url, actor=ACTOR)
    return records


def ingest_rejected_rows(workspace: Path) -> None:
    """A newsletter export whose first rows have no readable time: rejected, the rest loaded."""
    rows = [NEWSLETTER_HEADER]
    rows += [f"a{n}@x.example,not a date,click,email,nl,email,spring,12" for n in range(BAD_ROWS)]
    rows += [
        f"b{n}@x.example,2026-11-0{n + 1}T10:00:00Z,click,email,nl,email,spring,12"
        for n in range(3)
    ]
    path = workspace / "exports" / "newsletter" / "late-issue.csv"
    path.write_text("\n".join(rows) + "\n")
    report = Workspace.open(workspace).ingest([path])
    assert report.rejected == BAD_ROWS


def test_alerts_go_out_by_email_and_webhook_once_each_and_every_delivery_is_logged(
    workspace: Path, store: Store, sink: SmtpSink
) -> None:
    space = Workspace.open(workspace)
    with webhook_receiver(answers=[500]) as hook:
        records = configure(store, sink, hook)
        first = run_alerts(space, store, Occasion(ACTOR, options=OPTIONS))
        assert first.news == ()  # the first run only learns each goal's status
        statuses = records.goal_statuses()
        # The demo's year is over: its goals short of their targets have missed them.
        behind = ("off_track", "missed")
        slipped = sorted(goal for goal, status in statuses.items() if status in behind)
        assert slipped, statuses
        # As if the last run had found them on track:
        records.remember_statuses(statuses | dict.fromkeys(slipped, "on_track"))
        ingest_rejected_rows(workspace)

        second = run_alerts(space, store, Occasion(ACTOR, options=OPTIONS))
        keys = sorted(alert.key for alert in second.news)
        ingest_key = next(key for key in keys if key.startswith("ingest:"))
        assert keys == sorted([*(f"goal:{goal}" for goal in slipped), ingest_key])

        # Email: one message per alert, with its title and the dashboard's link.
        mails = sink.to("ops@northwind.example")
        assert len(mails) == len(keys)
        subjects = sorted(str(mail["Subject"]) for mail in mails)
        assert any(f"rejected {BAD_ROWS} of 15 rows" in subject for subject in subjects)
        assert any("missed (was on track)" in subject for subject in subjects)
        bodies = "".join(mail.get_content() for mail in mails)
        assert f"https://dash.northwind.example/goals/{slipped[0]}" in bodies
        # Webhook: its first answer was a 500, so it was tried again and got everything.
        assert hook.tries == len(keys) + 1
        assert sorted(body["text"] for body in hook.received) == sorted(
            next(b["text"] for b in hook.received if title in b["text"])
            for title in (alert.title for alert in second.news)
        )
        assert all({"text", "blocks"} <= set(body) for body in hook.received)

        # Run again: nothing is news, nothing is sent.
        result = CliRunner().invoke(
            load_commands(["alerts"]), ["alerts", "run", "-w", str(workspace)]
        )
        assert result.exit_code == 0, result.output
        assert "0 new" in result.output
        assert len(sink.messages) == len(keys) and len(hook.received) == len(keys)

    log = records.deliveries()
    assert len(log) == 2 * len(keys)
    assert {(d.channel, d.outcome) for d in log} == {("email", "sent"), ("webhook", "sent")}
    assert sorted(d.attempts for d in log if d.channel == "webhook") == [1] * (len(keys) - 1) + [2]
    assert len(store.events(action="alert.delivered")) == 2 * len(keys)
    assert [e.detail["news"] for e in store.events(action="alerts.run")] == [0, len(keys), 0]


def test_a_dry_run_says_what_would_be_sent_and_changes_nothing(
    workspace: Path, store: Store, sink: SmtpSink
) -> None:
    with webhook_receiver() as hook:
        records = configure(store, sink, hook)
        ingest_rejected_rows(workspace)
        result = CliRunner().invoke(
            load_commands(["alerts"]), ["alerts", "run", "--dry-run", "-w", str(workspace)]
        )
        assert result.exit_code == 1, result.output  # findings
        assert (
            "1 would send" in result.output and f"rejected {BAD_ROWS} of 15 rows" in result.output
        )
        assert sink.messages == [] and hook.received == []
    assert records.deliveries() == [] and records.goal_statuses() == {}


def test_the_weekly_digest_lists_goals_the_weeks_alerts_and_decisions(
    workspace: Path, store: Store, sink: SmtpSink
) -> None:
    space = Workspace.open(workspace)
    with webhook_receiver() as hook:
        records = configure(store, sink, hook)
        ingest_rejected_rows(workspace)
        run_alerts(space, store, Occasion(ACTOR, options=OPTIONS))
        result = send_digest(space, store, Occasion(ACTOR, options=OPTIONS))

        (mail,) = [m for m in sink.to("ops@northwind.example") if "week to" in str(m["Subject"])]
        digest_hook = hook.received[-1]
    body = mail.get_content()
    briefing = space.briefing(OPTIONS)
    for goal in briefing.plan.goals:
        assert goal.title in body
    assert "e+" not in body  # numbers as the report writes them, never 1.77e+04
    # Each goal's figures in its metric's unit, as the scorecard writes them (money in euros).
    for pace in briefing.scorecard.goals:
        if pace.actual is not None:
            shown = metric_value(briefing.plan, pace.metric, pace.actual)
            assert f"— {shown} of {metric_value(briefing.plan, pace.metric, pace.target)}" in body
    assert "€" in body
    assert "Alerts this week:" in body and f"rejected {BAD_ROWS} of 15 rows" in body
    assert "Needs a decision:" in body and briefing.top_attention[0].title in body
    assert str(mail["Subject"]).startswith(f"[outcomes] {briefing.organisation}: week to")
    assert digest_hook["text"].startswith("Weekly digest:")
    assert any("Alerts this week" in b["text"]["text"] for b in digest_hook["blocks"])
    week = result.digest.key
    assert {(d.alert_key, d.outcome) for d in result.deliveries} == {(week, "sent")}
    assert len([d for d in records.deliveries() if d.alert_key == week]) == 2


def test_the_scheduler_runs_what_is_due_logs_each_run_and_survives_a_failing_fetch(
    workspace: Path, store: Store, sink: SmtpSink
) -> None:
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    nobody = f"http://127.0.0.1:{free_port()}"  # a Mastodon server that is not there
    with webhook_receiver() as hook:
        records = configure(store, sink, hook)
        jobs = f'[{{"instance": "{nobody}", "account": "nw", "every_minutes": 60}}]'
        records.set_settings({"alerts.fetch_jobs": jobs, "alerts.every_minutes": "30"}, actor=ACTOR)
        now = [monday]
        scheduler = Scheduler(workspace, store, options=OPTIONS, environ={}, clock=lambda: now[0])

        runs = {run.job: run for run in scheduler.run_due()}
        assert set(runs) == {"alerts", "digest", f"fetch mastodon {nobody} nw"}
        assert runs["alerts"].ok and runs["digest"].ok
        fetch = runs[f"fetch mastodon {nobody} nw"]
        assert not fetch.ok and nobody in fetch.detail["error"]

        assert scheduler.run_due() == []  # nothing due a moment later
        now[0] = monday + dt.timedelta(minutes=31)
        assert [run.job for run in scheduler.run_due()] == ["alerts"]  # the digest waits a week
    logged = [(e.subject, e.detail["ok"]) for e in reversed(store.events(action="schedule.run"))]
    assert logged[:3] == [("alerts", True), ("digest", True), (fetch.job, False)]
    assert logged[3:] == [("alerts", True)]
    assert any("week to" in str(mail["Subject"]) for _, mail in sink.messages)


def test_serve_runs_the_scheduler_while_it_serves_and_stops_it_on_shutdown(
    workspace: Path, store: Store
) -> None:
    AlertRecords(store).set_settings({"alerts.every_minutes": "60"}, actor=ACTOR)
    app = create_app(workspace, options=OPTIONS, schedule=True)
    with serve(app) as served:
        deadline = time.monotonic() + 300  # generous: a loaded machine measures slowly
        while not store.events(action="schedule.run"):
            assert time.monotonic() < deadline, "the scheduler did not run the alerts"
            time.sleep(0.5)
        assert served.get("/api/status").status_code == 200
        scheduler = app.state.scheduler
        assert scheduler._thread is not None and scheduler._thread.is_alive()
    assert not scheduler._thread.is_alive()
    (run,) = store.events(action="schedule.run")
    assert (run.actor, run.subject, run.detail["ok"]) == ("scheduler", "alerts", True)


def test_response_days_split_each_targeted_tactics_inbound_items_by_day(workspace: Path) -> None:
    space = Workspace.open(workspace)
    days = space.response_days()
    targeted = {
        str(health.group["tactic"]): health
        for health in space.briefing(OPTIONS).scorecard.conversation_by_tactic
        if health.target is not None
    }
    assert days and {day.tactic for day in days} == set(targeted)
    for tactic, health in targeted.items():
        own = [day for day in days if day.tactic == tactic]
        if health.inbound is not None:
            assert sum(day.inbound or 0 for day in own) == health.inbound
        assert sum(day.answered for day in own) == health.answered
        assert [day.day for day in own] == sorted({day.day for day in own})
        assert all(day.target == health.target for day in own)
    assert space.response_days(snapshot=True) == days  # a copy of the warehouse says the same
