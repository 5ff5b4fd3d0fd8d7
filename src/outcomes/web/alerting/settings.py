"""Alert and schedule settings: the store's `settings` table, overridden by the environment.

Kept in the store (`outcomes alerts settings …`), so the dashboard's scheduler and the
command line read the same. Each may also come from an environment variable, which wins:
a deployment sets `OUTCOMES_SMTP_HOST` without touching the database. The SMTP password
is read only from `OUTCOMES_SMTP_PASSWORD`, never stored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, TypeVar

from outcomes.alerts.delivery import SECURITIES, Security, SmtpSettings
from outcomes.alerts.model import Thresholds
from outcomes.web.store.alert_records import AlertRecords
from outcomes.web.store.database import StoreError

PREFIX: Final = "alerts."
PASSWORD_ENV: Final = "OUTCOMES_SMTP_PASSWORD"
SETTINGS: Final[dict[str, str]] = {
    "smtp_host": "OUTCOMES_SMTP_HOST",
    "smtp_port": "OUTCOMES_SMTP_PORT",
    "smtp_security": "OUTCOMES_SMTP_SECURITY",
    "smtp_user": "OUTCOMES_SMTP_USER",
    "smtp_from": "OUTCOMES_SMTP_FROM",
    "dashboard_url": "OUTCOMES_DASHBOARD_URL",
    "response_days": "OUTCOMES_ALERT_RESPONSE_DAYS",
    "rejected_rows": "OUTCOMES_ALERT_REJECTED_ROWS",
    "rejected_share": "OUTCOMES_ALERT_REJECTED_SHARE",
    "every_minutes": "OUTCOMES_ALERT_EVERY_MINUTES",
    "digest_weekday": "OUTCOMES_DIGEST_WEEKDAY",
    "fetch_jobs": "OUTCOMES_FETCH_JOBS",
}
"""Each setting (kept as `alerts.<name>`) and the environment variable that overrides it."""
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_MINUTES: Final = 60
Number = TypeVar("Number", int, float)


@dataclass(frozen=True)
class FetchJob:
    """A scheduled `outcomes fetch mastodon INSTANCE ACCOUNT`."""

    instance: str
    account: str
    every_minutes: int
    token_env: str = "MASTODON_TOKEN"

    @property
    def name(self) -> str:
        return f"fetch mastodon {self.instance} {self.account}"

    def to_json(self) -> dict[str, object]:
        return {
            "source": "mastodon",
            "instance": self.instance,
            "account": self.account,
            "every_minutes": self.every_minutes,
            "token_env": self.token_env,
        }


@dataclass(frozen=True)
class AlertSettings:
    smtp: SmtpSettings | None
    """None until a mail server and a sender are set: email subscriptions then fail, logged."""
    dashboard_url: str | None
    thresholds: Thresholds
    every_minutes: int
    """How often the dashboard's scheduler runs the alerts; 0: never."""
    digest_weekday: int
    """0 Monday … 6 Sunday: the day the scheduler sends the weekly digest."""
    fetch_jobs: tuple[FetchJob, ...] = field(default=())


def read_settings(records: AlertRecords, environ: Mapping[str, str] | None = None) -> AlertSettings:
    """The settings in force; StoreError naming the setting when one cannot be used."""
    env = os.environ if environ is None else environ
    kept = records.settings(PREFIX)
    values = {name: env.get(var) or kept.get(PREFIX + name) for name, var in SETTINGS.items()}
    defaults = Thresholds()
    thresholds = Thresholds(
        response_days=_number(values, "response_days", int, defaults.response_days),
        rejected_rows=_number(values, "rejected_rows", int, defaults.rejected_rows),
        rejected_share=_number(values, "rejected_share", float, defaults.rejected_share),
    )
    return AlertSettings(
        smtp=_smtp(values, env.get(PASSWORD_ENV)),
        dashboard_url=values["dashboard_url"] or None,
        thresholds=thresholds,
        every_minutes=_number(values, "every_minutes", int, EVERY_MINUTES),
        digest_weekday=WEEKDAYS.index(check_weekday(values["digest_weekday"] or "mon")),
        fetch_jobs=parse_jobs(values["fetch_jobs"] or "[]"),
    )


def _smtp(values: Mapping[str, str | None], password: str | None) -> SmtpSettings | None:
    host, sender = values["smtp_host"], values["smtp_from"]
    if not host or not sender:
        return None
    security = check_security(values["smtp_security"] or "starttls")
    port = _number(values, "smtp_port", int, 465 if security == "ssl" else 587)
    return SmtpSettings(host, sender, port, security, values["smtp_user"] or None, password)


def check_security(value: str) -> Security:
    for known in SECURITIES:
        if value == known:
            return known
    raise StoreError(f"smtp_security {value!r}: use one of {', '.join(SECURITIES)}")


def check_weekday(value: str) -> str:
    day = value.strip().lower()[:3]
    if day not in WEEKDAYS:
        raise StoreError(f"digest_weekday {value!r}: use one of {', '.join(WEEKDAYS)}")
    return day


def _number(
    values: Mapping[str, str | None], name: str, kind: type[Number], default: Number
) -> Number:
    text = values[name]
    if not text:
        return default
    try:
        number = kind(text)
    except ValueError:
        raise StoreError(
            f"{name} {text!r} is not a number ({SETTINGS[name]} or "
            f"`outcomes alerts settings --{name.replace('_', '-')}`)"
        ) from None
    if number < 0:
        raise StoreError(f"{name} {text!r}: use 0 or more")
    return number


def parse_jobs(text: str) -> tuple[FetchJob, ...]:
    try:
        items = json.loads(text)
        return tuple(
            FetchJob(
                str(item["instance"]),
                str(item["account"]),
                int(item["every_minutes"]),
                str(item.get("token_env") or "MASTODON_TOKEN"),
            )
            for item in items
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(
            f"fetch_jobs is not a list of jobs ({exc}): set them again with "
            "`outcomes alerts schedule-fetch`"
        ) from None


def jobs_text(jobs: tuple[FetchJob, ...]) -> str:
    return json.dumps([job.to_json() for job in jobs])
