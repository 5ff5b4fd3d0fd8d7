"""Silos: social serves sales, service, product, talent and employees, not marketing alone."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.catalog.channels import SOCIAL_CHANNELS
from outcomes.lint.context import LintContext
from outcomes.lint.rule import PLAN_ELEMENT, Hit, Severity, rule

_NOT_A_SILO = {"executive", "other"}


@rule(
    code="S001",
    name="marketing-silo",
    severity=Severity.WARNING,
    summary="Social used by marketing alone",
    fix="Involve another function: service answering customers, sales selling socially, talent, product or employees",
    what=(
        "A plan whose social-channel tactics are all run by marketing people and serve only "
        "marketing strategies and goals (judged from the people's, strategies' and goals' "
        "`function`/`functions`)."
    ),
    why=(
        "A social media strategy kept in marketing becomes yet another silo. Social adds value "
        "to customer service, sales, product innovation, talent acquisition and employees."
    ),
    seed=(
        "See social media as adding value way beyond marketing to customer service and "
        "support; product innovation, talent acquisition, employee satisfaction and more."
    ),
    example="""\
people:
  - {id: mo, name: Mo Haddad, function: marketing}
  - {id: jo, name: Jo Park, function: marketing}""",
    instead="""\
people:
  - {id: mo, name: Mo Haddad, function: marketing}
  - {id: support-team, name: Support team, function: service, hours_per_week: 20}""",
)
def marketing_silo(ctx: LintContext) -> Iterator[Hit]:
    social = [t for t in ctx.plan.tactics if t.channel in SOCIAL_CHANNELS]
    if not social:
        return
    functions: set[str] = set()
    for tactic in social:
        functions.update(ctx.people[p].function or "other" for p in tactic.operators)
        strategy = ctx.strategies.get(tactic.serves or "")
        if strategy:
            functions.update(strategy.functions)
        for goal in ctx.goals_of(tactic):
            functions.update(goal.functions)
    if functions - _NOT_A_SILO == {"marketing"}:
        yield Hit(
            PLAN_ELEMENT,
            ("tactics",),
            f"all {len(social)} social tactics are run by and for marketing alone",
            at_key=True,
        )
