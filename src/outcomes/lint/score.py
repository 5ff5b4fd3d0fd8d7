"""The strategy health score: one number from 0 to 100 that summarises the findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from outcomes.lint.rule import PLAN_ELEMENT, Severity
from outcomes.plan import Plan

if TYPE_CHECKING:
    from outcomes.lint.engine import Finding

Band = Literal["healthy", "needs work", "weak"]

FORMULA = """\
The score counts elements, not findings, so one bad tactic in a large plan costs little
and a plan cannot hide a broken goal behind many clean tactics of another.

- The elements are every goal, strategy and tactic, plus one element for the plan as a
  whole (findings about people, budgets across the plan and `ignore:` entries land there).
- Each element scores 1 when it has no finding, 0.5 when its worst finding is a warning,
  and 0 when it has an error.
- score = round(100 × (sum of element scores) ÷ (number of elements)).
- Bands: 75 and above is *healthy*, 45 to 74 *needs work*, below 45 *weak* (the bands of
  OpenOKR's strength score, from which the half-credit for warnings is also taken).
- Findings the plan deliberately accepts in `ignore:` (with a reason) do not count.
"""


@dataclass(frozen=True, slots=True)
class HealthScore:
    """The score with the counts it was computed from."""

    value: int
    band: Band
    elements: int
    clean: int
    warned: int
    failed: int


def health_score(plan: Plan, findings: Iterable[Finding]) -> HealthScore:
    """Score a plan from its (unsuppressed) findings; see :data:`FORMULA`."""
    elements = [PLAN_ELEMENT, *(g.id for g in plan.goals), *(s.id for s in plan.strategies)]
    elements += [t.id for t in plan.tactics]
    scored = set(elements)
    worst: dict[str, Severity] = {}
    for finding in findings:
        element = finding.element if finding.element in scored else PLAN_ELEMENT
        current = worst.get(element)
        if current is None or finding.severity.rank > current.rank:
            worst[element] = finding.severity
    failed = sum(1 for s in worst.values() if s is Severity.ERROR)
    warned = len(worst) - failed
    clean = len(elements) - len(worst)
    value = round(100 * (clean + 0.5 * warned) / len(elements))
    band: Band = "healthy" if value >= 75 else "needs work" if value >= 45 else "weak"
    return HealthScore(value, band, len(elements), clean, warned, failed)
