"""Compiled templates kept between processes: compiled once, rendered the same, never failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from outcomes.report.templating import template_environment

TEMPLATE = "executive_appendix.html.j2"
"""Includes two stylesheets and the appendix's own template."""


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The names of the templates Jinja compiles from here on, with a cache of our own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def compiling(
        self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any
    ) -> Any:
        names.append(str(name))
        return compile_source(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    return names


def _rendered(kept: bool, filters: dict[str, Any] | None = None) -> str:
    environment = template_environment("outcomes.report", kept=kept, filters=filters)
    return environment.get_template(TEMPLATE).render(for_print=True, appendix=Markup("<p>x</p>"))


def test_a_kept_template_is_compiled_once_and_renders_the_same(compiled: list[str]) -> None:
    """Before: every process compiled the report's templates again (a tenth of a second)."""
    first = _rendered(kept=True)
    assert TEMPLATE in compiled
    compiled.clear()
    again = _rendered(kept=True)  # a new environment, as in a new process
    assert compiled == []
    assert again == first == _rendered(kept=False)


def test_another_configuration_does_not_use_them(compiled: list[str]) -> None:
    _rendered(kept=True)
    compiled.clear()
    _rendered(kept=True, filters={"cut": str})
    assert TEMPLATE in compiled


def test_a_cache_that_cannot_be_written_keeps_nothing_and_fails_nothing(
    compiled: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _rendered(kept=True) == _rendered(kept=False)
    assert compiled.count(TEMPLATE) == 2


def test_a_damaged_kept_file_is_compiled_again(compiled: list[str], tmp_path: Path) -> None:
    first = _rendered(kept=True)
    for kept in (tmp_path / "cache").rglob("*.cache"):
        kept.write_bytes(kept.read_bytes()[:40])
    compiled.clear()
    assert _rendered(kept=True) == first
    assert TEMPLATE in compiled
