"""An alert as an email and as a Slack-compatible webhook message."""

from __future__ import annotations

from typing import Any, Final

from outcomes.alerts.delivery import slack_blocks
from outcomes.alerts.model import Alert

MARKS: Final = {"critical": "🔴", "warning": "🟠", "info": "🔵"}


def link(base_url: str | None, path: str) -> str:
    """The dashboard's page: its full URL when the dashboard's address is known."""
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def email_text(alert: Alert, base_url: str | None) -> tuple[str, str]:
    """The subject and the plain-text body."""
    subject = f"[outcomes] {alert.severity}: {alert.title}"
    body = "\n\n".join(
        [alert.title, alert.detail, f"See {link(base_url, alert.link)}", f"Alert key: {alert.key}"]
    )
    return subject, body + "\n"


def webhook_payload(alert: Alert, base_url: str | None) -> dict[str, Any]:
    """`{"text", "blocks"}`: `text` alone is what a receiver without blocks shows."""
    mark = MARKS.get(alert.severity, "")
    text = f"{mark} {alert.title}".strip()
    url = link(base_url, alert.link)
    target = f"<{url}|Open in the dashboard>" if base_url else f"Dashboard page: {url}"
    return {"text": text, "blocks": slack_blocks([f"*{text}*", alert.detail, target])}
