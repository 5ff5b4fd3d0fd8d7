"""A workspace: a folder with a plan, its settings and its warehouse in `.outcomes/`.

`Workspace` (`workspace.face`) is the library's face: every question the product answers,
as the CLI and the web app ask it. `init_workspace` scaffolds a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomes.examples import example_text
from outcomes.plan.schema import plan_schema_json
from outcomes.workspace.face import DEFAULT_WAIT, PLAN_FILE, Workspace, WorkspaceError

if TYPE_CHECKING:
    from outcomes.sources.checkin import CheckinRecord

__all__ = [
    "DEFAULT_WAIT",
    "PLAN_FILE",
    "CheckinRecord",
    "InitResult",
    "Workspace",
    "WorkspaceError",
    "init_workspace",
]
_SCHEMA_LINE = "# yaml-language-server: $schema=plan.schema.json\n"


def __getattr__(name: str) -> Any:
    # `CheckinRecord` is loaded when asked for: it brings the connectors' base module,
    # which `outcomes check` (a YAML file linted) has no use for.
    if name == "CheckinRecord":
        from outcomes.sources.checkin import CheckinRecord

        return CheckinRecord
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class InitResult:
    """What `init_workspace` wrote, and what it found already there and left alone."""

    directory: Path
    created: tuple[Path, ...]
    kept: tuple[Path, ...]


def _template(name: str) -> str:
    return files("outcomes.workspace").joinpath("templates", name).read_text(encoding="utf-8")


def init_workspace(directory: Path, *, example: str | None = None) -> InitResult:
    """Scaffold a workspace: a commented plan template, its schema, a README and `.gitignore`.

    With `example` (see :data:`outcomes.examples.EXAMPLES`) the plan is that bundled example
    instead of the template. Existing files are never overwritten; they are reported as kept.
    """
    plan_text = _template("plan.yaml") if example is None else _SCHEMA_LINE + example_text(example)
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {
        PLAN_FILE: plan_text,
        "plan.schema.json": plan_schema_json(),
        "README.md": _template("README.md"),
        ".gitignore": _template("gitignore"),
    }
    created: list[Path] = []
    kept: list[Path] = []
    for name, content in wanted.items():
        target = directory / name
        if target.exists():
            kept.append(target)
            continue
        target.write_text(content, encoding="utf-8")
        created.append(target)
    return InitResult(directory, tuple(created), tuple(kept))
