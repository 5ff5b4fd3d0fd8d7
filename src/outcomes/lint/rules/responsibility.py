"""Responsibility: an executive backs each goal; each tactic has operators and one accountable person."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.lint.rules.alignment import TACTICAL_PLAN_QUOTE


@rule(
    code="R001",
    name="no-executive-sponsor",
    severity=Severity.ERROR,
    summary="Goal without an executive sponsor",
    fix="Set `sponsor:` to a person marked `executive: true` who backs the goal at board level",
    what="A goal with no `sponsor`, or whose sponsor is not marked `executive: true`.",
    why=(
        "Social succeeds only with the backing of the board. A goal without an executive "
        "sponsor has nobody to release budget or to take its results to the C-suite."
    ),
    seed="Your company will never succeed at social until you have the backing of the Board / C-Suite.",
    example="""\
people:
  - {id: mo, name: Mo Haddad, title: Marketing Manager}
goals:
  - {id: be-on-social, sponsor: mo}""",
    instead="""\
people:
  - {id: dana, name: Dana Ruiz, title: Chief Executive Officer, executive: true}
goals:
  - {id: new-logos, sponsor: dana}""",
)
def no_executive_sponsor(ctx: LintContext) -> Iterator[Hit]:
    for goal in ctx.plan.goals:
        if goal.sponsor is None:
            yield Hit(goal.id, ctx.path(goal.id), f"goal '{goal.id}' has no sponsor")
            continue
        sponsor = ctx.people[goal.sponsor]
        if not sponsor.executive:
            title = f" ({sponsor.title})" if sponsor.title else ""
            yield Hit(
                goal.id,
                ctx.path(goal.id, "sponsor"),
                f"sponsor of goal '{goal.id}', {sponsor.name}{title}, is not an executive",
            )


@rule(
    code="R002",
    name="no-operator",
    severity=Severity.ERROR,
    summary="Tactic with nobody to operate it",
    fix="Name who does the work in `operators:` (people or a team)",
    what="A tactic whose `operators` is missing or empty.",
    why="Who is going to operate it is part of the tactical implementation plan; work assigned to nobody does not happen.",
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
operators: []""",
    instead="""\
operators: [lee]""",
)
def no_operator(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        if not tactic.operators:
            yield Hit(
                tactic.id,
                ctx.field_path(tactic.id, "operators"),
                f"tactic '{tactic.id}' has no operator",
            )


@rule(
    code="R003",
    name="accountable-not-one",
    severity=Severity.ERROR,
    summary="Tactic without exactly one accountable person",
    fix="Set `accountable:` to one person (not a team) who answers for the tactic",
    what="A tactic with no `accountable`, with more than one, or with a team as accountable.",
    why=(
        "RACI's golden rule: exactly one person answers for each piece of work. With none, "
        "nobody is responsible; with several, each assumes another is."
    ),
    seed=TACTICAL_PLAN_QUOTE,
    example="""\
accountable: [mo, jo]""",
    instead="""\
accountable: mo
consulted: [jo]""",
)
def accountable_not_one(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        at = ctx.field_path(tactic.id, "accountable")
        accountable = tactic.accountable
        if not accountable:
            yield Hit(tactic.id, at, f"tactic '{tactic.id}' has nobody accountable")
        elif len(accountable) > 1:
            yield Hit(
                tactic.id,
                at,
                f"tactic '{tactic.id}' has {len(accountable)} people accountable "
                f"({', '.join(accountable)}); exactly one answers for it",
            )
        elif ctx.people[accountable[0]].is_team:
            yield Hit(
                tactic.id,
                at,
                f"tactic '{tactic.id}' is accountable to a team ('{accountable[0]}'), not one person",
            )
