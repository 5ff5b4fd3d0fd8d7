"""The one Jinja configuration every template of ours renders with (report and dashboard).

Undefined names fail instead of rendering as blanks (a misspelt field is a bug, not an
empty cell), HTML is autoescaped (plans and exports hold other people's text), and block
tags leave no stray whitespace.

A command renders its templates once per process, and compiling the report's (about
40 KB of Jinja) took a tenth of a second of every `outcomes report`: with `kept=True`,
the compiled templates are kept between runs as Python keeps bytecode
(`$XDG_CACHE_HOME/outcomes/templates`), checked against each template's source, in a
folder per configuration (Python, Jinja, the options and filters compiled against).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def template_environment(
    package: str,
    *,
    autoescape: bool = True,
    keep_trailing_newline: bool = False,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    kept: bool = False,
) -> jinja2.Environment:
    """An environment over `package`'s `templates` folder, with `filters` added; `kept`:
    its compiled templates are kept between processes (`kept_templates`)."""
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
    if kept:
        configuration = (package, autoescape, keep_trailing_newline, sorted(filters or {}))
        environment.bytecode_cache = kept_templates(repr(configuration))
    return environment


def kept_templates(configuration: str) -> jinja2.BytecodeCache | None:
    """A cache of compiled templates for environments configured as `configuration` says;
    None when its folder cannot be made (templates are then compiled in every process)."""
    import jinja2

    digest = hashlib.sha256(
        f"{sys.version_info[:2]} {jinja2.__version__} {configuration}".encode()
    ).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "outcomes" / "templates" / digest
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _kept_templates_class()(str(folder))


@functools.cache
def _kept_templates_class() -> type[jinja2.FileSystemBytecodeCache]:
    """`_KeptTemplates`, made on first use: importing this module loads no Jinja."""
    import jinja2

    class _KeptTemplates(jinja2.FileSystemBytecodeCache):
        """Jinja's own file cache (a file is written whole or not at all, a stale or
        damaged one is compiled again), where a file that cannot be read or written is
        compiled as if none were kept: a cache never fails a report."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, pickle.UnpicklingError):
                bucket.reset()  # Jinja checks the header, not a file cut short

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return _KeptTemplates
