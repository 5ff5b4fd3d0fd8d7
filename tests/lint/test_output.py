"""Rendered findings: snapshots of the text report, and the shape of JSON and SARIF."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from outcomes.lint import CheckResult, all_rules, check_plan
from outcomes.lint.output.machine import to_json, to_sarif
from outcomes.lint.output.styled import Line, render, wants_colour
from outcomes.lint.output.text import render_text
from outcomes.plan import load_plan


class TextSnapshot(SingleFileSnapshotExtension):
    """Snapshots stored as plain .txt files, readable in review."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def text_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TextSnapshot)


def _check(path: Path, name: str) -> CheckResult:
    # A display name keeps snapshots free of the machine's absolute paths.
    return check_plan(load_plan(path, display_name=name))


def _plain(result: CheckResult) -> str:
    return render(render_text(result), colour=False)


def test_text_report_tactics_first(
    tactics_first_path: Path, text_snapshot: SnapshotAssertion
) -> None:
    assert _plain(_check(tactics_first_path, "tactics-first.plan.yaml")) == text_snapshot


def test_text_report_northwind(northwind_path: Path, text_snapshot: SnapshotAssertion) -> None:
    assert _plain(_check(northwind_path, "northwind.plan.yaml")) == text_snapshot


def test_text_report_colours_severities_on_a_terminal(tactics_first_path: Path) -> None:
    text = render(render_text(_check(tactics_first_path, "p.yaml")), colour=True)
    assert "\x1b[1;31merror" in text
    assert "\x1b[33mwarning" in text


def test_json_report(tactics_first_path: Path, text_snapshot: SnapshotAssertion) -> None:
    data = to_json(_check(tactics_first_path, "tactics-first.plan.yaml"))
    data["tool"]["version"] = "<version>"
    assert json.dumps(data, indent=2, ensure_ascii=False) + "\n" == text_snapshot
    assert data["summary"] == {"errors": 11, "warnings": 7, "suppressed": 0}


def test_json_report_lists_suppressed_findings_with_reason(northwind_path: Path) -> None:
    data = to_json(_check(northwind_path, "northwind.plan.yaml"))
    [suppressed] = data["suppressed"]
    assert suppressed["name"] == "push-without-listening"
    assert suppressed["reason"].startswith("Comments on the retargeting ads")


def _sarif(path: Path) -> dict[str, Any]:
    return to_sarif(_check(path, "plan.yaml"))


def test_sarif_results_point_at_rules_and_lines(tactics_first_path: Path) -> None:
    log = _sarif(tactics_first_path)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning"}
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    first = run["results"][0]
    assert (first["ruleId"], first["locations"][0]["physicalLocation"]["region"]["startLine"]) == (
        "C001",
        11,
    )


def test_sarif_marks_accepted_findings_as_suppressed(northwind_path: Path) -> None:
    [result] = _sarif(northwind_path)["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "inSource"
    assert "retargeting" in result["suppressions"][0]["justification"]


def test_sarif_rule_help_is_the_rule_documentation(northwind_path: Path) -> None:
    rules = _sarif(northwind_path)["runs"][0]["tool"]["driver"]["rules"]
    help_md = next(r for r in rules if r["name"] == "random-act-of-social")["help"]["markdown"]
    assert "## Why it matters" in help_md and "Tactics are merely what you do" in help_md


def test_colour_follows_the_terminal_and_no_color_and_force_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert wants_colour(Terminal()) and not wants_colour(io.StringIO())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert wants_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Terminal())


def test_a_style_ends_before_each_line_break() -> None:
    line = Line().append("one\ntwo", "bold red")
    assert render([line], colour=True) == "\x1b[1;31mone\x1b[0m\n\x1b[1;31mtwo\x1b[0m\n"
    assert render([line], colour=False) == "one\ntwo\n"
