"""Text with styles, written as plain text or with ANSI colours, without a console library.

`outcomes check` is the command people run most, often from an editor on every save; its
report is a few coloured lines, and importing a console library to print them would take
longer than checking the plan. Styles are the few the report uses, named as rich names
them ("bold red", "dim") so that the other commands' tables and this report look alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, TextIO

_CODES: Final = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "magenta": "35",
    "cyan": "36",
}


@dataclass
class Line:
    """One line of text made of (text, style) runs; style "" is unstyled."""

    runs: list[tuple[str, str]] = field(default_factory=list)

    def append(self, text: str, style: str = "") -> Line:
        self.runs.append((text, style))
        return self

    def plain(self) -> str:
        return "".join(text for text, _ in self.runs)

    def ansi(self) -> str:
        return "".join(_ansi(text, style) for text, style in self.runs)


def _ansi(text: str, style: str) -> str:
    codes = [_CODES[word] for word in style.split() if word in _CODES]
    if not codes or not text:
        return text
    # Styles end before a line break, so that a pager or `less -R` keeps lines apart.
    return "\n".join(
        f"\x1b[{';'.join(codes)}m{part}\x1b[0m" if part else part for part in text.split("\n")
    )


def render(lines: Iterable[Line], colour: bool) -> str:
    """The lines as text, each ending in a line break."""
    return "".join((line.ansi() if colour else line.plain()) + "\n" for line in lines)


def wants_colour(stream: TextIO) -> bool:
    """Colour on a terminal, as rich and ruff decide it: NO_COLOR turns it off, FORCE_COLOR
    on, and a dumb terminal has none (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
