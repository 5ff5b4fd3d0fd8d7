"""The `outcomes` command line. Commands live in modules by subject; each registers on `app`.

A command's module is imported when the command runs, not before: `outcomes check` does
not import the modules of `report` or `serve` (and what they import) to lint a YAML file.
`COMMANDS` says which module registers each command; `tests/cli/test_cli.py` checks it
against what the modules register. `app` (as `from outcomes.cli import app`) has every
command, as help and the tests need.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import typer

COMMANDS: Final[dict[str, str]] = {
    "check": "plan_commands",
    "rule": "plan_commands",
    "schema": "plan_commands",
    "plan": "plan_commands",
    "init": "plan_commands",
    "ingest": "data_commands",
    "unplanned": "data_commands",
    "explain": "explain_commands",
    "demo": "data_commands",
    "sources": "data_commands",
    "forget": "data_commands",
    "history": "data_commands",
    "fetch": "fetch_commands",
    "attribute": "measure_commands",
    "roi": "roi_commands",
    "scorecard": "scorecard_commands",
    "status": "report_commands",
    "report": "report_commands",
    "serve": "web_commands",
    "user": "user_commands",
    "audit": "user_commands",
    "checkin": "checkin_commands",
    "alerts": "alert_commands",
    "version": "common",
}
"""Each command, and the module in `outcomes.cli` that registers it."""

QUICK_EXIT: Final = frozenset({"check", "rule", "schema"})
"""Commands that hold nothing to close or flush but stdout and stderr when they end (no
warehouse, no store, no files left open), so `main` ends their process at once: tearing
down the interpreter (freeing every module, class and validator one by one) would take a
fifth of `outcomes check`'s time."""


def load_commands(names: Iterable[str] | None = None) -> typer.Typer:
    """The app with the commands `names` registered (every command when None)."""
    modules = set(COMMANDS.values()) if names is None else {COMMANDS[name] for name in names}
    for module in sorted(modules):
        importlib.import_module(f"outcomes.cli.{module}")
    from outcomes.cli.common import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: registers the command asked for, or all of them (for
    help, or a word that is not a command, which typer then names)."""
    first = next((word for word in sys.argv[1:] if not word.startswith("-")), None)
    asked = sys.argv[1:] and first == sys.argv[1] and first in COMMANDS
    quick = bool(asked) and first in QUICK_EXIT
    # Loading a command builds its pydantic models and rule tables: tens of thousands of
    # objects that live until the process ends. The cyclic collector would walk them again
    # and again as they are made, finding no garbage (an eighth of `outcomes check`); a
    # quick command's whole run is as short-lived, so it runs without the collector too.
    gc.disable()
    try:
        app = load_commands([first] if asked and first is not None else None)
    finally:
        if not quick:
            gc.enable()
    from outcomes.cli.common import Invocation

    invocation = Invocation(ends_process=True)
    if not quick:
        app(obj=invocation)
        return
    try:
        app(obj=invocation)
    except SystemExit as done:
        exit_at_once(done)
        raise


def exit_at_once(done: SystemExit) -> None:
    """End the process with `done`'s status as soon as what it wrote is flushed, skipping
    the interpreter's teardown; returns when it cannot (a message as status, or a stream
    that will not flush), leaving the ordinary exit to report it."""
    if done.code is not None and not isinstance(done.code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's own exit says so
        return
    os._exit(done.code or 0)
