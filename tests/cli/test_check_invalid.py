"""`outcomes check` on plans that cannot be read, run as a user runs it: a real process.

An invalid plan exits 2 and prints each problem as one `file:line:col: ` line on standard
error, then a count; nothing goes to standard output and no traceback appears.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from outcomes.examples import example_text

NORTHWIND = example_text("northwind")
END = NORTHWIND.count("\n") + 1
"""The line just after the Northwind plan's last (what is appended to it starts there)."""
SUMMARY = re.compile(r"^\d+ problems?: fix the plan, then run the command again$")


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m outcomes check PATH`, with colour off and a narrow terminal."""
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    env.update(NO_COLOR="1", COLUMNS="60", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "outcomes", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def check_fails(path: Path) -> list[str]:
    """Run the check, assert the failure contract, and return the problem lines."""
    result = run_check(path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    *problem_lines, summary = result.stderr.splitlines()
    assert SUMMARY.match(summary), summary
    count = int(summary.split()[0])
    assert len(problem_lines) == count, result.stderr
    for line in problem_lines:
        assert line.startswith(f"{path}:"), line
    return problem_lines


def write(tmp_path: Path, content: str | bytes, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def edit(old: str, new: str) -> str:
    assert NORTHWIND.count(old) == 1, old
    return NORTHWIND.replace(old, new)


def test_an_unknown_key_is_one_located_line(tmp_path: Path) -> None:
    plan = write(tmp_path, edit("    sponsor: dana", "    sponsr: dana"))
    assert check_fails(plan) == [
        f"{plan}:35:5: goals[0].sponsr: unknown key 'sponsr' (did you mean 'sponsor'?)"
    ]


def test_every_dangling_reference_is_reported_in_line_order(tmp_path: Path) -> None:
    text = edit("sponsor: dana", "sponsor: dane").replace("owner: priya", "owner: pria")
    text = text.replace(
        "serves: social-selling\n    channel: linkedin", "serves: socal\n    channel: linkedin"
    )
    lines = check_fails(write(tmp_path, text))
    assert [line.split(": ", 2)[1] for line in lines] == [
        "goals[0].sponsor",
        "strategies[2].owner",
        "tactics[0].serves",
    ]
    numbers = [tuple(map(int, line.split(":")[1:3])) for line in lines]
    assert numbers == sorted(numbers)


def test_a_long_problem_line_is_not_wrapped(tmp_path: Path) -> None:
    plan = write(tmp_path, edit("    sponsor: dana", "    banana: dana"))
    [line] = check_fails(plan)
    assert len(line) > 60
    assert line.endswith("sponsor, functions, scope, value_per_unit")


@pytest.mark.parametrize(
    ("content", "location"),
    [
        pytest.param(
            NORTHWIND[: NORTHWIND.index("{id: sam, name:") + 15], ":11:20: ", id="truncated"
        ),
        pytest.param(edit("  name: Northwind", "\tname: Northwind"), ":5:1: ", id="tab"),
        pytest.param(NORTHWIND.encode("latin-1") + b"# caf\xe9\n", f":{END}:6: ", id="latin-1"),
        pytest.param("a: &a [*a]\n", ":1:4: ", id="recursive-alias"),
        pytest.param(NORTHWIND + "---\nversion: 1\n", f":{END}:1: ", id="two-documents"),
        pytest.param(
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
                for i in range(8)
            ),
            ":7:4: ",
            id="alias-bomb",
        ),
    ],
)
def test_an_unreadable_plan_is_one_located_line(
    tmp_path: Path, content: str | bytes, location: str
) -> None:
    plan = write(tmp_path, content)
    [line] = check_fails(plan)
    assert line.startswith(f"{plan}{location}"), line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b"# nothing yet\n", "the file holds only comments", id="comments-only"),
        pytest.param(b"# padding\n" * 500_000, "the file is 4.8 MiB", id="too-big"),
    ],
)
def test_a_problem_with_the_whole_file_names_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    plan = write(tmp_path, content)
    [line] = check_fails(plan)
    assert line.startswith(f"{plan}: {message}"), line


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    missing = tmp_path / "plan.yaml"
    assert check_fails(missing) == [
        f"{missing}: no such file; run `outcomes init` to create a plan"
    ]


def test_a_folder_is_refused_without_a_traceback(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert (
        f"{tmp_path}: is a folder, not a plan file; name the plan.yaml inside it" in result.stderr
    )
