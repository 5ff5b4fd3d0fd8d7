"""What changed in a plan since the revision its sponsors approved (executive sign-off).

The approval itself is kept by the app's store; the report and the dashboard are given a
`SignOff` (which revision, by whom, when, and the goals and tactics changed since), so
neither needs the store to show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from outcomes.plan.model import Goal, Plan, Tactic

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One goal or tactic that is not as it was approved."""

    element_kind: Literal["goal", "tactic"]
    element: str
    title: str
    change: ChangeKind


@dataclass(frozen=True)
class Approval:
    """A sponsor's approval of one plan revision."""

    revision: int
    approver: str
    """The sponsor's person id (which is their user name)."""
    approver_name: str
    at: dt.datetime
    goals: tuple[str, ...]
    """The goals they sponsor in that revision."""


@dataclass(frozen=True)
class SignOff:
    """The newest approved revision, who approved it and what changed since."""

    revision: int
    approvals: tuple[Approval, ...]
    current_revision: int
    changes: tuple[Change, ...]

    @property
    def changed_goals(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.element_kind == "goal")

    @property
    def changed_tactics(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.element_kind == "tactic")

    def changed(self, element_id: str) -> ChangeKind | None:
        """How a goal or tactic changed since the approval (None: as approved)."""
        return next((c.change for c in self.changes if c.element == element_id), None)


def changes_since(approved: Plan, current: Plan) -> tuple[Change, ...]:
    """Goals and tactics added, removed or changed (any field) from `approved` to `current`."""
    goals = _compare("goal", approved.goals, current.goals)
    tactics = _compare("tactic", approved.tactics, current.tactics)
    return goals + tactics


def _compare(
    kind: Literal["goal", "tactic"],
    before: Sequence[Goal | Tactic],
    after: Sequence[Goal | Tactic],
) -> tuple[Change, ...]:
    old = {element.id: element for element in before}
    new = {element.id: element for element in after}
    found = []
    for element_id, element in new.items():
        if element_id not in old:
            found.append(Change(kind, element_id, element.title, "added"))
        elif old[element_id] != element:
            found.append(Change(kind, element_id, element.title, "changed"))
    for element_id, element in old.items():
        if element_id not in new:
            found.append(Change(kind, element_id, element.title, "removed"))
    return tuple(found)
