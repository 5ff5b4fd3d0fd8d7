"""What a lint rule is, what it finds, and the registry of all rules.

Modelled on ruff: each rule has a stable code and a kebab-case name that reads as
"allow ${name}", a message saying what is wrong, a separate fix title saying what to do,
and documentation kept beside the check so `outcomes rule` and `docs/rules.md` are
generated from the rule itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from outcomes.plan.references import WHOLE_PLAN_ID
from outcomes.plan.source import Path_

if TYPE_CHECKING:
    from outcomes.lint.context import LintContext


class Severity(StrEnum):
    """How bad a finding is; `--fail-on` compares against this order."""

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order for comparisons: warning < error."""
        return 0 if self is Severity.WARNING else 1


PLAN_ELEMENT = WHOLE_PLAN_ID
"""Element id for findings about the plan as a whole; usable in `ignore:` entries."""


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check reports; the engine adds the rule and the location."""

    element: str
    path: Path_
    message: str
    fix: str | None = None
    at_key: bool = False


Check = Callable[["LintContext"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A lint rule with its documentation. `check` yields one hit per offending element."""

    code: str
    name: str
    severity: Severity
    summary: str
    fix: str
    what: str
    why: str
    example: str
    instead: str
    check: Check = field(compare=False, repr=False)
    seed: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]\d{3}", self.code):
            raise ValueError(f"rule code {self.code!r} must be a letter and three digits")
        if not re.fullmatch(r"[a-z]+(-[a-z]+)*", self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    fix: str,
    what: str,
    why: str,
    example: str,
    instead: str,
    seed: str = "",
) -> Callable[[Check], Check]:
    """Register the decorated check function as a rule."""

    def register(check: Check) -> Check:
        new = Rule(code, name, severity, summary, fix, what, why, example, instead, check, seed)
        for existing in _REGISTRY.values():
            if existing.code == code or existing.name == name:
                raise ValueError(f"rule {code} {name} clashes with {existing.code} {existing.name}")
        _REGISTRY[code] = new
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in code order."""
    _load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def find_rule(name_or_code: str) -> Rule | None:
    """A rule by its kebab-case name or its code (case-insensitive for codes)."""
    for candidate in all_rules():
        if (
            name_or_code in (candidate.name, candidate.code)
            or name_or_code.upper() == candidate.code
        ):
            return candidate
    return None


def _load_rule_modules() -> None:
    # Importing the rule package registers every rule; kept lazy to avoid an import cycle.
    import outcomes.lint.rules  # noqa: F401
