"""Sending for real: email to an SMTP server on a loopback port, JSON to an HTTP receiver."""

from __future__ import annotations

from outcomes.alerts.delivery import SmtpSettings, post_webhook, send_email
from outcomes.alerts.messages import email_text, webhook_payload
from outcomes.alerts.model import Alert
from tests.alerts.receivers import free_port, smtp_sink, webhook_receiver

ALERT = Alert(
    key="goal:new-logos", kind="goal", severity="critical",
    title="Goal “New logos” is now off track (was on track)",
    detail="won_deals as of 2026-06-30: actual 12, target 40.", link="/goals/new-logos",
    state="on_track->off_track",
)  # fmt: skip


def test_an_email_reaches_the_mail_server_with_its_subject_link_and_key() -> None:
    subject, text = email_text(ALERT, "https://dash.example.com/")
    with smtp_sink() as sink:
        settings = SmtpSettings("127.0.0.1", "outcomes@example.com", sink.port, "plain")
        sent = send_email(settings, "ops@example.com", subject, text)

    assert sent.ok and sent.attempts == 1 and sent.error is None
    (message,) = sink.to("ops@example.com")
    assert (
        message["Subject"]
        == "[outcomes] critical: Goal “New logos” is now off track (was on track)"
    )
    assert message["From"] == "outcomes@example.com"
    body = message.get_content()
    assert "https://dash.example.com/goals/new-logos" in body
    assert "Alert key: goal:new-logos" in body


def test_a_mail_server_that_cannot_be_used_is_a_reason_not_an_exception() -> None:
    with smtp_sink() as sink:  # speaks no STARTTLS: refusing to send in clear is right
        tls = SmtpSettings("127.0.0.1", "outcomes@example.com", sink.port, "starttls")
        refused = send_email(tls, "ops@example.com", "subject", "text")
    assert not refused.ok and "STARTTLS" in (refused.error or "")
    assert sink.messages == []
    closed = SmtpSettings("127.0.0.1", "outcomes@example.com", free_port(), "plain", timeout=2)
    nobody = send_email(closed, "ops@example.com", "subject", "text")
    assert not nobody.ok and "Connection refused" in (nobody.error or "")


def test_a_webhook_answering_500_is_tried_again_after_a_pause_and_then_succeeds() -> None:
    pauses: list[float] = []
    with webhook_receiver(answers=[500]) as hook:
        sent = post_webhook(
            hook.url, webhook_payload(ALERT, None), backoff=0.25, sleep=pauses.append
        )

    assert sent.ok and sent.attempts == 2
    assert pauses == [0.25]
    assert hook.tries == 2
    (body,) = hook.received
    assert body["text"] == "🔴 Goal “New logos” is now off track (was on track)"
    assert [block["type"] for block in body["blocks"]] == ["section"] * 3
    assert body["blocks"][2]["text"]["text"] == "Dashboard page: /goals/new-logos"


def test_a_webhook_gives_up_after_its_tries_and_never_retries_a_refusal() -> None:
    pauses: list[float] = []
    with webhook_receiver(answers=[503, 502, 500]) as hook:
        failing = post_webhook(hook.url, {"text": "x"}, backoff=0.1, sleep=pauses.append)
    assert not failing.ok and failing.attempts == 3
    assert failing.error == "HTTP 500: try again"
    assert pauses == [0.1, 0.2]  # doubling

    with webhook_receiver(answers=[404]) as hook:
        refused = post_webhook(hook.url, {"text": "x"}, sleep=pauses.append)
    assert not refused.ok and refused.attempts == 1 and hook.tries == 1


def test_a_webhook_with_a_dashboard_address_links_to_the_page() -> None:
    payload = webhook_payload(ALERT, "https://dash.example.com")
    assert payload["blocks"][2]["text"]["text"] == (
        "<https://dash.example.com/goals/new-logos|Open in the dashboard>"
    )
