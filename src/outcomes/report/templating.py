"""The one Jinja configuration every template of ours renders with (report and dashboard).

Undefined names fail instead of rendering as blanks (a misspelt field is a bug, not an
empty cell), HTML is autoescaped (plans and exports hold other people's text), and block
tags leave no stray whitespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def template_environment(
    package: str,
    *,
    autoescape: bool = True,
    keep_trailing_newline: bool = False,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> jinja2.Environment:
    """An environment over `package`'s `templates` folder, with `filters` added."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    environment.filters.update(filters or {})
    return environment
