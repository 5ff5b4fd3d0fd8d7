"""The `outcomes` command: exit codes, formats and messages, through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.examples import example_text
from outcomes.lint.docs import rule_markdown
from outcomes.lint.rule import find_rule
from outcomes.plan.schema import plan_schema_json

runner = CliRunner()


def test_check_clean_plan_exits_0(northwind_path: Path) -> None:
    result = runner.invoke(app, ["check", str(northwind_path)])
    assert result.exit_code == 0, result.output
    assert "No findings (1 accepted by the plan's ignore: list)" in result.stdout


def test_check_with_errors_exits_1(tactics_first_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tactics_first_path)])
    assert result.exit_code == 1
    assert f"{tactics_first_path}:48:5: error A001 [random-act-of-social]" in result.stdout
    assert "18 findings: 11 errors, 7 warnings" in result.stdout


def test_fail_on_warning_makes_warnings_count(tmp_path: Path, tactics_first_path: Path) -> None:
    from outcomes.examples import example_text

    only_warnings = example_text("northwind").replace("    cadence: {count: 2, per: month}\n", "")
    plan = tmp_path / "plan.yaml"
    plan.write_text(only_warnings)
    assert runner.invoke(app, ["check", str(plan)]).exit_code == 0
    result = runner.invoke(app, ["check", str(plan), "--fail-on", "warning"])
    assert result.exit_code == 1
    assert "missing-cadence" in result.stdout


def test_check_json_output(tactics_first_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tactics_first_path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert len(data["findings"]) == 18
    assert data["score"]["value"] == 10


def test_check_sarif_to_file(tmp_path: Path, tactics_first_path: Path) -> None:
    out = tmp_path / "findings.sarif"
    result = runner.invoke(app, ["check", str(tactics_first_path), "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_check_text_to_file_has_no_colour_codes(tmp_path: Path, tactics_first_path: Path) -> None:
    out = tmp_path / "findings.txt"
    runner.invoke(app, ["check", str(tactics_first_path), "-o", str(out)])
    text = out.read_text()
    assert "\x1b[" not in text
    assert "Strategy health 10/100 (weak)" in text


def test_check_invalid_plan_exits_2_with_located_message(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\norganisation: {name: X, currency: EUR}\npeople: []\ngoals: []\nstrategies: []\ntactics:\n  - id: Bad Id\n"
    )
    result = runner.invoke(app, ["check", str(plan)])
    assert result.exit_code == 2
    assert f"{plan}:7:9: tactics[0].id: 'Bad Id' is not a valid id" in result.stderr
    assert result.stdout == ""


def test_check_unwritable_output_exits_2(tactics_first_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", str(tactics_first_path), "-o", str(tmp_path / "no" / "such" / "dir.txt")]
    )
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_check_defaults_to_plan_yaml_in_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, northwind_path: Path
) -> None:
    (tmp_path / "plan.yaml").write_text(northwind_path.read_text())
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_rule_prints_its_documentation() -> None:
    rule = find_rule("L001")
    assert rule is not None
    result = runner.invoke(app, ["rule", "L001"])
    assert result.exit_code == 0
    assert result.stdout == rule_markdown(rule)


def test_rule_lists_all_rules_without_argument() -> None:
    result = runner.invoke(app, ["rule"])
    assert result.exit_code == 0
    assert "A001  random-act-of-social" in result.stdout


def test_unknown_rule_suggests_the_closest() -> None:
    result = runner.invoke(app, ["rule", "random-act-of-socail"])
    assert result.exit_code == 2
    assert "did you mean 'random-act-of-social'?" in result.stderr


def test_schema_command_prints_the_shipped_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == plan_schema_json()
    shipped = Path(__file__).parents[2] / "schema" / "plan.schema.json"
    assert shipped.read_text() == result.stdout, "schema/plan.schema.json is stale: run `make docs`"


def test_unknown_command_exits_2() -> None:
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_each_command_is_registered_by_the_module_the_entry_point_loads_for_it() -> None:
    """`main` imports only the module `COMMANDS` names; a command missing from the map, or
    mapped to the wrong module, would be "No such command" when typed."""
    from outcomes.cli import COMMANDS

    modules = {
        command.name or getattr(command.callback, "__name__", ""): command.callback.__module__
        for command in app.registered_commands
        if command.callback is not None
    }
    for group in app.registered_groups:
        callback = (
            group.typer_instance.registered_commands[0].callback if group.typer_instance else None
        )
        modules[group.name or ""] = callback.__module__ if callback else ""
    assert {name: f"outcomes.cli.{module}" for name, module in COMMANDS.items()} == modules


def test_a_command_runs_alone_with_only_its_module_loaded() -> None:
    import subprocess
    import sys

    for argv in (["version"], ["rule", "A001"]):
        done = subprocess.run(
            [sys.executable, "-c", "from outcomes.cli import main; main()", *argv],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip(), argv


def test_check_does_not_import_the_engine_rich_or_the_connectors(tmp_path: Path) -> None:
    import subprocess
    import sys

    # `main` ends `check`'s process itself, so the modules loaded are read from the
    # interpreter's own import log rather than from `sys.modules` after it returns.
    plan = tmp_path / "plan.yaml"
    plan.write_text(example_text("northwind"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "outcomes", "check", str(plan)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "No findings" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "outcomes.plan.model" in imported  # the log is read right
    heavy = ("rich", "duckdb", "ibis", "pyarrow", "numpy", "outcomes.sources")
    assert sorted(name for name in heavy if name in imported) == []


def test_quick_exit_keeps_exit_codes_and_whole_output(
    tmp_path: Path, tactics_first_path: Path
) -> None:
    """`check`, `rule` and `schema` end their process without the interpreter's teardown:
    what they wrote to a pipe or a file is still all there, and the exit code is kept."""
    import subprocess
    import sys

    def outcomes(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "outcomes", *argv]
        return subprocess.run(command, capture_output=True, text=True)

    findings = outcomes("check", str(tactics_first_path), "--format", "json")
    assert findings.returncode == 1, findings.stderr
    assert len(json.loads(findings.stdout)["findings"]) == 18
    sarif = tmp_path / "findings.sarif"
    written = outcomes("check", str(tactics_first_path), "-f", "sarif", "-o", str(sarif))
    assert written.returncode == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    schema = outcomes("schema")
    assert schema.returncode == 0
    assert schema.stdout == plan_schema_json()
    unknown = outcomes("rule", "no-such-rule")
    assert unknown.returncode == 2
    assert "no rule named 'no-such-rule'" in unknown.stderr
    assert outcomes("check", "--format", "yaml").returncode == 2  # typer's usage error
