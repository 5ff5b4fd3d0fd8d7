"""The plan linter: rules with stable codes and names, findings, suppressions and a score."""

from outcomes.lint.engine import CheckResult, Finding, Suppressed, check_plan
from outcomes.lint.rule import Rule, Severity, all_rules, find_rule
from outcomes.lint.score import HealthScore

__all__ = [
    "CheckResult",
    "Finding",
    "HealthScore",
    "Rule",
    "Severity",
    "Suppressed",
    "all_rules",
    "check_plan",
    "find_rule",
]
