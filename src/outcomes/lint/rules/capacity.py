"""owner-overloaded: nobody is asked for more hours a week than they can give the plan."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.lint.rules.resources import RESOURCES_QUOTE
from outcomes.plan.capacity import loads_by_operator, peak_load


@rule(
    code="C001",
    name="owner-overloaded",
    severity=Severity.WARNING,
    summary="People asked for more hours than they have",
    fix="Give the person fewer tactics, share the work with more operators, or raise their `hours_per_week`",
    what=(
        "A person or team whose tactics, running at the same time, ask for more hours a week "
        "than their `hours_per_week` (a tactic's hours are shared evenly among its operators), "
        "or who operates tactics but has no `hours_per_week` at all."
    ),
    why=(
        "Execution fails quietly when the same few people are given everything: the cadence "
        "slips, and the plan looks fine until the results do not come."
    ),
    seed=RESOURCES_QUOTE,
    example="""\
people:
  - {id: lee, name: Lee Chen, hours_per_week: 4}
tactics:
  - {id: guides, operators: [lee], resources: {hours_per_week: 6}}""",
    instead="""\
people:
  - {id: lee, name: Lee Chen, hours_per_week: 10}""",
)
def owner_overloaded(ctx: LintContext) -> Iterator[Hit]:
    for person_id, loads in sorted(loads_by_operator(ctx.plan.tactics).items()):
        person = ctx.people[person_id]
        peak = peak_load(loads)
        if person.hours_per_week is None:
            yield Hit(
                person_id,
                ctx.path(person_id),
                f"{person.name} is asked for {peak.hours:g} h/week ({', '.join(peak.tactics)}) "
                "but has no hours_per_week for the plan",
            )
        elif peak.hours > person.hours_per_week + 1e-9:
            yield Hit(
                person_id,
                ctx.path(person_id, "hours_per_week"),
                f"{person.name} is asked for {peak.hours:g} h/week from {peak.since} "
                f"({', '.join(peak.tactics)}) but has {person.hours_per_week:g}",
            )
