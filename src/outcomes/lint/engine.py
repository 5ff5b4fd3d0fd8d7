"""Run every rule over a plan, apply the plan's `ignore:` list, and score the result."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from outcomes.lint.context import LintContext
from outcomes.lint.rule import PLAN_ELEMENT, Hit, Rule, Severity, all_rules, find_rule
from outcomes.lint.rules.meta import UNUSED_IGNORE
from outcomes.lint.score import HealthScore, health_score
from outcomes.plan import IgnoreEntry, LoadedPlan, Mark
from outcomes.plan.errors import format_path
from outcomes.plan.source import Path_


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the plan: which rule, where, what, and what to do."""

    rule: Rule
    element: str
    element_kind: str
    path: Path_
    message: str
    fix: str
    file: str
    mark: Mark

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return self.rule.severity

    @property
    def location(self) -> str:
        """`file:line:col`."""
        return f"{self.file}:{self.mark.line}:{self.mark.column}"

    @property
    def pointer(self) -> str:
        """The element path in the plan, e.g. `tactics[1].mode`."""
        return format_path(self.path)


@dataclass(frozen=True)
class Suppressed:
    """A finding the plan's `ignore:` list accepts, with the reason given."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class CheckResult:
    """Everything `outcomes check` reports about one plan."""

    file: str
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...]
    score: HealthScore

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    def fails(self, fail_on: Severity) -> bool:
        """True when any finding is at or above `fail_on`."""
        return any(f.severity.rank >= fail_on.rank for f in self.findings)


def check_plan(loaded: LoadedPlan) -> CheckResult:
    """Run every lint rule over a loaded plan.

    Findings come back in file order. Findings matched by the plan's `ignore:` list are
    returned separately as suppressed, and entries that match nothing are themselves
    reported (`unused-ignore`).
    """
    ctx = LintContext(loaded)
    raw = [_finding(ctx, r, hit) for r in all_rules() for hit in r.check(ctx)]
    kept, suppressed, used = _apply_ignores(raw, loaded.plan.ignore)
    kept.extend(_unused_ignores(ctx, used))
    kept.sort(key=lambda f: (f.mark.line, f.mark.column, f.rule.code))
    return CheckResult(
        file=loaded.file,
        findings=tuple(kept),
        suppressed=tuple(suppressed),
        score=health_score(loaded.plan, kept),
    )


_KINDS = {
    "people": "person",
    "goals": "goal",
    "strategies": "strategy",
    "tactics": "tactic",
    "metrics": "metric",
}


def _finding(ctx: LintContext, rule: Rule, hit: Hit) -> Finding:
    loaded = ctx.loaded
    mark = loaded.key_mark(hit.path) if hit.at_key else loaded.mark(hit.path)
    home = ctx.paths.get(hit.element)
    kind = _KINDS[str(home[0])] if home else PLAN_ELEMENT
    return Finding(
        rule, hit.element, kind, hit.path, hit.message, hit.fix or rule.fix, loaded.file, mark
    )


def _apply_ignores(
    findings: Iterable[Finding], entries: tuple[IgnoreEntry, ...] | list[IgnoreEntry]
) -> tuple[list[Finding], list[Suppressed], set[int]]:
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[int] = set()
    for finding in findings:
        match = next((i for i, e in enumerate(entries) if _matches(e, finding)), None)
        if match is None:
            kept.append(finding)
        else:
            used.add(match)
            suppressed.append(Suppressed(finding, entries[match].reason))
    return kept, suppressed, used


def _matches(entry: IgnoreEntry, finding: Finding) -> bool:
    rule = find_rule(entry.rule)
    return rule is finding.rule and entry.id == finding.element


def _unused_ignores(ctx: LintContext, used: set[int]) -> Iterable[Finding]:
    unused_rule = find_rule(UNUSED_IGNORE)
    assert unused_rule is not None
    names = [r.name for r in all_rules()]
    for index, entry in enumerate(ctx.plan.ignore):
        if index in used:
            continue
        if find_rule(entry.rule) is None:
            close = difflib.get_close_matches(entry.rule, names, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"ignore entry names no rule '{entry.rule}'{hint}"
            path: Path_ = ("ignore", index, "rule")
        else:
            message = f"ignore entry for {entry.rule} on '{entry.id}' matches no finding"
            path = ("ignore", index)
        yield _finding(ctx, unused_rule, Hit(PLAN_ELEMENT, path, message))
