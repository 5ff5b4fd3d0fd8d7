"""Sending at the network edge: email through SMTP, chat through a webhook.

Neither raises: each returns a `Sent` saying whether it went, after how many tries, and
the one-line reason when it did not, which the caller logs. A webhook is tried again
after a 5xx answer, a 429 or a network failure, waiting `backoff`, then twice that…; a
4xx other than 429 is the receiver refusing the message and is not retried. SMTP is
tried once per message: a server that refuses a message refuses it again.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Final, Literal

import httpx

Security = Literal["starttls", "ssl", "plain"]
SECURITIES: Final[tuple[Security, ...]] = ("starttls", "ssl", "plain")
TIMEOUT: Final = 10.0
RETRIES: Final = 3
BACKOFF: Final = 1.0


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server (`outcomes alerts settings`, or OUTCOMES_SMTP_* variables)."""

    host: str
    sender: str
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = TIMEOUT


@dataclass(frozen=True)
class Sent:
    ok: bool
    attempts: int
    error: str | None = None


def send_email(
    settings: SmtpSettings, to: str, subject: str, text: str, *, html: str | None = None
) -> Sent:
    """One message to one address."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid()
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    try:
        with _connect(settings) as server:
            if settings.username:
                server.login(settings.username, settings.password or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        return Sent(False, 1, _reason(exc))
    return Sent(True, 1)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def post_webhook(
    url: str,
    payload: Mapping[str, Any],
    *,
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    sleep: Callable[[float], object] = time.sleep,
) -> Sent:
    """POST `payload` as JSON; tried up to `retries` times in all."""
    error = "not tried"
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for attempt in range(1, retries + 1):
            try:
                response = client.post(url, json=dict(payload))
            except httpx.HTTPError as exc:
                error = _reason(exc)
            else:
                if response.is_success:
                    return Sent(True, attempt)
                error = f"HTTP {response.status_code}: {response.text[:200].strip()}"
                if response.status_code < 500 and response.status_code != 429:
                    return Sent(False, attempt, error)
            if attempt < retries:
                sleep(backoff * 2 ** (attempt - 1))
    return Sent(False, retries, error)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def slack_blocks(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Slack's section blocks of mrkdwn text, one per line given."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in lines]
