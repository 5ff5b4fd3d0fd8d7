"""Findings as text for people: grouped by plan element, each line with `file:line:col`."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.engine import CheckResult, Finding
from outcomes.lint.output.styled import Line
from outcomes.lint.rule import PLAN_ELEMENT, Severity

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
_BAND_STYLE = {"healthy": "bold green", "needs work": "bold yellow", "weak": "bold red"}


def render_text(result: CheckResult) -> list[Line]:
    """The whole report as styled lines; `styled.render` writes them with or without colour."""
    parts: list[Line] = []
    for heading, findings in _groups(result.findings):
        parts.append(Line().append(heading, "bold"))
        parts.extend(_finding_lines(finding) for finding in findings)
        parts.append(Line())
    parts.extend(_summary(result))
    return parts


def _groups(findings: tuple[Finding, ...]) -> Iterator[tuple[str, list[Finding]]]:
    """Findings grouped by element, groups ordered by their first finding in the file."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.element_kind, finding.element), []).append(finding)
    for (kind, element), members in groups.items():
        heading = "the plan as a whole" if element == PLAN_ELEMENT else f"{kind} {element}"
        yield heading, members


def _finding_lines(finding: Finding) -> Line:
    line = Line().append("  ")
    line.append(f"{finding.location}: ", "bold")
    line.append(finding.severity.value, _SEVERITY_STYLE[finding.severity])
    line.append(f" {finding.rule.code} ", "cyan")
    line.append(f"[{finding.rule.name}]", "dim")
    line.append(f" {finding.message}\n")
    line.append("    fix: ", "green")
    line.append(finding.fix)
    return line


def _summary(result: CheckResult) -> Iterator[Line]:
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    total = len(result.findings)
    if total == 0:
        headline = Line().append("No findings", "bold green")
    else:
        headline = Line().append(f"{total} finding{'s' if total != 1 else ''}: ")
        headline.append(
            f"{errors} error{'s' if errors != 1 else ''}",
            _SEVERITY_STYLE[Severity.ERROR] if errors else "",
        )
        headline.append(f", {warnings} warning{'s' if warnings != 1 else ''}")
    if result.suppressed:
        headline.append(f" ({len(result.suppressed)} accepted by the plan's ignore: list)", "dim")
    yield headline
    score = result.score
    line = Line().append("Strategy health ")
    line.append(f"{score.value}/100 ({score.band})", _BAND_STYLE[score.band])
    line.append(
        f": {score.clean} of {score.elements} elements clean, {score.warned} with warnings, "
        f"{score.failed} with errors"
    )
    yield line
