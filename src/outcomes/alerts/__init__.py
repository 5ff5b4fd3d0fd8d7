"""Alerts: what in a workspace someone should hear about now, and sending it.

`evaluate` runs the rules (`alerts.rules`) on the workspace's briefing and its daily
response times; `delivery` sends by SMTP and webhook; `digest` writes the weekly digest.
Which alerts were already sent, who subscribes and every delivery are the app store's
(`outcomes.web.alerting`), which runs these for `outcomes alerts` and `outcomes serve`.
"""

from outcomes.alerts.model import KINDS, SEVERITIES, Alert, AlertKind, Severity, Thresholds

__all__ = ["KINDS", "SEVERITIES", "Alert", "AlertKind", "Severity", "Thresholds"]
