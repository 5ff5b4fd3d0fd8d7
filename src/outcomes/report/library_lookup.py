"""Loading WeasyPrint's C libraries by their Linux names first, without searching for others.

When imported, WeasyPrint 70.0 opens GObject, Pango, HarfBuzz and fontconfig trying six
names each, for every platform, in order: `libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`,
then `libpango-1.0.so.0`, the name Linux has. cffi hands each name without a dot or a
slash that it cannot open to `ctypes.util.find_library`, which on Linux runs `ldconfig
-p`, `gcc` and `ld` in turn to search for it: 54 processes and about a quarter of a second
before the Linux name is tried and opened (a fifth of WeasyPrint's import, in every PDF).

`import_weasyprint` imports it while `find_library` answers "not found" for those four
libraries at once, so that the names are tried without the search and the Linux names
open the same files. Should they not open (libraries found only by that search), the
import is tried again with the search, as the library alone would.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Final

LIBRARIES: Final = ("gobject", "pango", "harfbuzz", "fontconfig")
"""The libraries WeasyPrint opens when imported (pangoft2 and harfbuzz-subset among them)."""


def import_weasyprint() -> ModuleType:
    """WeasyPrint, imported without searching for its libraries where Linux names them;
    OSError when its libraries cannot be loaded at all."""
    if sys.platform == "linux" and "weasyprint" not in sys.modules:
        # Its advice to install the libraries, printed before it fails, is for the import
        # below to give: this one may fail where searching finds them.
        with (
            contextlib.suppress(OSError),
            contextlib.redirect_stdout(io.StringIO()),
            _unsearched(LIBRARIES),
        ):
            return importlib.import_module("weasyprint")
    # Elsewhere, again, or searching as the library would.
    return importlib.import_module("weasyprint")


@contextlib.contextmanager
def _unsearched(libraries: tuple[str, ...]) -> Iterator[None]:
    """`ctypes.util.find_library` finds nothing for names of `libraries` meanwhile."""
    import ctypes.util

    searching = ctypes.util.find_library
    ctypes.util.find_library = _skipping(searching, libraries)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = searching


def _skipping(
    searching: Callable[[str], str | None], libraries: tuple[str, ...]
) -> Callable[[str], str | None]:
    def find_library(name: str) -> str | None:
        if any(library in name for library in libraries):
            return None
        return searching(name)

    return find_library
