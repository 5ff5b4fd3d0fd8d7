"""The face's one error: what a workspace cannot answer, in one line (kept apart from the
face so that importing it costs nothing)."""

from __future__ import annotations


class WorkspaceError(Exception):
    """The workspace cannot answer: its settings, warehouse or a named file cannot be used.

    The message is one line naming what and what to do. The plan's own problems raise
    `outcomes.plan.PlanError`, which lists each with its line and column.
    """

    def __init__(self, message: str, *, transient: bool = False, holder: str | None = None):
        super().__init__(message)
        self.transient = transient
        """True when asking again later may succeed (the warehouse was busy)."""
        self.holder = holder
        """Who held the warehouse, when that was the reason."""


def warehouse_error(exc: Exception) -> WorkspaceError:
    """A warehouse that cannot be opened now: most often another process holds it."""
    return WorkspaceError(str(exc), transient=True, holder=getattr(exc, "holder", None))
