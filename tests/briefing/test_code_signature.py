"""A kept briefing is reused only by the code that measured it (`briefing.cache`).

The cache keys a briefing by, among other things, a hash of the source of every module
measuring runs. A module left out of that hash could change (a bug fixed in how queries
run, say) and an old briefing with the old numbers would still be shown as current.
"""

from __future__ import annotations

import ast
from pathlib import Path

import outcomes
from outcomes.briefing.cache import measuring_sources

SOURCE = Path(outcomes.__file__).parent


def _module_file(name: str) -> Path | None:
    """The source file of an `outcomes` module, or None for anything else."""
    if name == "outcomes":
        return SOURCE / "__init__.py"
    if not name.startswith("outcomes."):
        return None
    relative = Path(*name.split(".")[1:])
    for candidate in (SOURCE / relative.with_suffix(".py"), SOURCE / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path) -> set[str]:
    """Every `outcomes` module a file imports, at module level or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("outcomes")}


def _reached_from(starts: list[Path]) -> set[Path]:
    """The files of every module the `starts` import, transitively."""
    seen: set[Path] = set()
    waiting = list(starts)
    while waiting:
        path = waiting.pop()
        if path in seen:
            continue
        seen.add(path)
        if path == SOURCE / "__init__.py":
            continue  # the package's face, imported lazily; measuring reads only its version
        for name in _imported(path):
            found = _module_file(name)
            if found is not None and found not in seen:
                waiting.append(found)
    return seen


def test_every_module_measuring_imports_is_in_the_code_signature() -> None:
    starts = sorted((SOURCE / "measure").rglob("*.py")) + sorted(
        (SOURCE / "briefing").rglob("*.py")
    )
    reached = _reached_from(starts)
    signed = set(measuring_sources()) | {SOURCE / "__init__.py"}  # the version is keyed apart
    assert SOURCE / "warehouse" / "compiled.py" in reached
    assert sorted(str(path.relative_to(SOURCE)) for path in reached - signed) == []
