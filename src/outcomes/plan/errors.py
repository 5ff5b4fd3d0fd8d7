"""Problems that make a plan invalid, collected before anything is reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outcomes.plan.source import Mark


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a plan cannot be read: where it is and what to do about it."""

    file: str
    mark: Mark | None
    message: str
    path: tuple[str | int, ...]

    @property
    def location(self) -> str:
        """`file:line:col`, or just the file when the problem is about the whole file."""
        if self.mark is None:
            return self.file
        return f"{self.file}:{self.mark.line}:{self.mark.column}"

    def __str__(self) -> str:
        where = f"{format_path(self.path)}: " if self.path else ""
        return f"{self.location}: {where}{self.message}".translate(_ESCAPED_LINE_BREAKS)


# What str.splitlines() splits on; a key or value may hold one, and a problem is one line.
_ESCAPED_LINE_BREAKS = str.maketrans(
    {char: repr(char)[1:-1] for char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
)


def format_path(path: Sequence[str | int]) -> str:
    """`("tactics", 3, "serves")` → `tactics[3].serves`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class PlanError(Exception):
    """The plan is invalid. Holds every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        ordered = sorted(problems, key=_order)
        super().__init__("\n".join(str(p) for p in ordered))
        self.problems: tuple[Problem, ...] = tuple(ordered)

    @classmethod
    def single(cls, file: str, mark: Mark | None, message: str) -> PlanError:
        """An error about one place (or the whole file, when `mark` is None)."""
        return cls([Problem(file, mark, message, ())])


def _order(problem: Problem) -> tuple[int, int]:
    if problem.mark is None:
        return (0, 0)
    return (problem.mark.line, problem.mark.column)
