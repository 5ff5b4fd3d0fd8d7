"""Findings for machines: our JSON document, and SARIF 2.1.0 for code-review tools."""

from __future__ import annotations

from typing import Any

import outcomes
from outcomes.lint.docs import rule_markdown
from outcomes.lint.engine import CheckResult, Finding
from outcomes.lint.rule import Rule, Severity, all_rules

JSON_SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def to_json(result: CheckResult) -> dict[str, Any]:
    """The check result as a JSON-ready dict (schema version :data:`JSON_SCHEMA_VERSION`)."""
    score = result.score
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "outcomes", "version": outcomes.__version__},
        "file": result.file,
        "summary": {
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "suppressed": len(result.suppressed),
        },
        "score": {
            "value": score.value,
            "band": score.band,
            "elements": score.elements,
            "clean": score.clean,
            "warned": score.warned,
            "failed": score.failed,
        },
        "findings": [_finding_json(f) for f in result.findings],
        "suppressed": [{**_finding_json(s.finding), "reason": s.reason} for s in result.suppressed],
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.rule.code,
        "name": finding.rule.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
        "element": finding.element,
        "element_kind": finding.element_kind,
        "pointer": finding.pointer,
        "file": finding.file,
        "line": finding.mark.line,
        "column": finding.mark.column,
    }


def to_sarif(result: CheckResult) -> dict[str, Any]:
    """The check result as a SARIF 2.1.0 log, with suppressed findings marked as such."""
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = [_sarif_result(f, index) for f in result.findings]
    for suppressed in result.suppressed:
        entry = _sarif_result(suppressed.finding, index)
        entry["suppressions"] = [{"kind": "inSource", "justification": suppressed.reason}]
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "outcomes",
                        "version": outcomes.__version__,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                "results": results,
                "properties": {"strategyHealth": result.score.value},
            }
        ],
    }


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": f"{rule.why}\nFix: {rule.fix}", "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": rule.severity.value},
    }


def _sarif_result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    return {
        "ruleId": finding.rule.code,
        "ruleIndex": index[finding.rule.code],
        "level": finding.severity.value,
        "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.file},
                    "region": {"startLine": finding.mark.line, "startColumn": finding.mark.column},
                },
                "logicalLocations": [{"name": finding.element, "kind": finding.element_kind}],
            }
        ],
    }
