"""The layering in pyproject.toml's [tool.importlinter] holds, so the fast lane catches a break.

`make lint` runs the same check (`lint-imports`); running it here as well means `make
test-fast` and a plain `pytest` fail on an import that points up, or an engine imported by
the plan, its linter or the catalog.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(*config: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` run from the repository root, on `config` (default: pyproject.toml)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *map(str, config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_an_import_against_a_contract_fails_the_check(tmp_path: Path) -> None:
    # The warehouse does import DuckDB: a contract forbidding it must be reported broken,
    # which also shows third-party packages are in the graph the engine contract checks.
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "outcomes"\ninclude_external_packages = true\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "The warehouse knows no engine"\ntype = "forbidden"\n'
        'source_modules = ["outcomes.warehouse"]\nforbidden_modules = ["duckdb"]\n'
    )
    result = lint_imports(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The warehouse knows no engine BROKEN" in result.stdout
    assert "outcomes.warehouse is not allowed to import duckdb" in result.stdout
