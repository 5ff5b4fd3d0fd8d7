"""Alerts in the app: runs of the rules with the store's memory and subscriptions
(`run`), their settings (`settings`) and the dashboard's scheduler (`scheduler`)."""
