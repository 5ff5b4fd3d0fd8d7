"""Pilots: a pilot proves social works only against a control group."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule


@rule(
    code="P001",
    name="pilot-without-control",
    severity=Severity.ERROR,
    summary="Pilot with no control group",
    fix="Name comparable people who do not run the tactic in `pilot.control`, distinct from `pilot.group`",
    what="A tactic's `pilot` whose `control` is empty, or shares people with `group`.",
    why=(
        "A pilot in one sales team can prove social works bottom-up and win the board's "
        "backing, but only if its results can be compared with people who did not run it."
    ),
    seed=(
        "often we can work bottom up. That is proved out social works within a sales team, "
        "and then take the success with the C-Suite."
    ),
    example="""\
pilot: {group: [ana, bo], metric: pipeline_value}""",
    instead="""\
pilot: {group: [ana, bo], control: [cy, dee], metric: pipeline_value}""",
)
def pilot_without_control(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        pilot = tactic.pilot
        if pilot is None:
            continue
        at = ctx.path(tactic.id, "pilot")
        shared = sorted(set(pilot.group) & set(pilot.control))
        if not pilot.control:
            yield Hit(tactic.id, at, f"pilot of tactic '{tactic.id}' has no control group")
        elif shared:
            yield Hit(
                tactic.id,
                at,
                f"pilot of tactic '{tactic.id}' has {', '.join(shared)} in both group and control",
            )
