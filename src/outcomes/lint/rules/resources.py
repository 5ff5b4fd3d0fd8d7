"""Resources: people with the hours they are asked for, money and tools for each tactic,
priced so that ROI can be shown."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext, weeks_between
from outcomes.lint.rule import PLAN_ELEMENT, Hit, Severity, rule
from outcomes.plan.capacity import loads_by_operator, peak_load
from outcomes.plan.model import Tactic

RESOURCES_QUOTE = (
    "the hard part is making social media happen on a consistent basis, which means having "
    "the right amount of resources to do the job."
)


def tools_cost(tactic: Tactic) -> float:
    """Total cost of the tactic's tools over its period."""
    return sum(tool.cost for tool in tactic.resources.tools) if tactic.resources else 0.0


def hours_per_week(tactic: Tactic) -> float:
    """Hours a week the tactic takes (0 when not stated)."""
    return (tactic.resources.hours_per_week or 0.0) if tactic.resources else 0.0


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


@rule(
    code="C002",
    name="unresourced-tactic",
    severity=Severity.ERROR,
    summary="Tactic with neither hours nor money",
    fix="Add `resources:` with the `hours_per_week` it takes and any `budget` or `tools`",
    what="A tactic with no `resources`, or whose resources give no hours, no budget and no tool cost.",
    why=(
        "Tactical execution is a lot of work. A tactic that plans no time and no money will "
        "not happen on a consistent basis, and its cost will be a surprise."
    ),
    seed=RESOURCES_QUOTE,
    example="""\
  - id: daily-tips
    mode: publish""",
    instead="""\
  - id: daily-tips
    mode: publish
    resources: {hours_per_week: 3, tools: [{name: Scheduler, cost: 600}]}""",
)
def unresourced_tactic(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        budget = tactic.resources.budget if tactic.resources else None
        if not hours_per_week(tactic) and not budget and not tools_cost(tactic):
            yield Hit(
                tactic.id,
                ctx.field_path(tactic.id, "resources"),
                f"tactic '{tactic.id}' plans neither hours nor money",
            )


@rule(
    code="C003",
    name="no-roi-inputs",
    severity=Severity.WARNING,
    summary="Tactic whose cost cannot be known, so its ROI cannot be shown",
    fix="Set `organisation.hourly_cost` (the loaded cost of a person-hour) so the hours can be priced",
    what=(
        "A tactic that takes people's hours while the plan gives no `organisation.hourly_cost`: "
        "its cost, and so its ROI, is unknown."
    ),
    why=(
        "A social business can always show the ROI of each program. Cost is half of that, "
        "and people's time is usually most of a tactic's cost."
    ),
    seed="Can always show the ROI of a program (think tactic)",
    example="""\
organisation: {name: Brightside Retail, currency: USD}""",
    instead="""\
organisation: {name: Brightside Retail, currency: USD, hourly_cost: 55}""",
)
def no_roi_inputs(ctx: LintContext) -> Iterator[Hit]:
    if ctx.plan.organisation.hourly_cost > 0:
        return
    for tactic in ctx.plan.tactics:
        hours = hours_per_week(tactic)
        if hours > 0:
            yield Hit(
                tactic.id,
                ctx.path(tactic.id, "resources", "hours_per_week"),
                f"tactic '{tactic.id}' takes {hours:g} h/week but the plan has no hourly_cost to price them",
            )


@rule(
    code="C004",
    name="technology-first-budget",
    severity=Severity.WARNING,
    summary="Tools cost more than people across the plan",
    fix="Plan the people and process first: give tactics the hours they need, and price them with `hourly_cost`",
    what=(
        "Across all tactics, the cost of tools is greater than the cost of people's time "
        "(hours a week × weeks × `organisation.hourly_cost`)."
    ),
    why=(
        "A strategy takes into account the people, the process and the technology, and the "
        "technology is always the smallest part. Buying tools first is how companies end up "
        "with software nobody uses."
    ),
    seed=(
        "A strategy, which takes into account, the people, the process and the technology. "
        "The technology change, always is the smallest part of the budget."
    ),
    example="""\
resources: {hours_per_week: 5, tools: [{name: Scheduling suite, cost: 40000}]}""",
    instead="""\
resources: {hours_per_week: 10, tools: [{name: Scheduling suite, cost: 2400}]}""",
)
def technology_first_budget(ctx: LintContext) -> Iterator[Hit]:
    tools = sum(tools_cost(t) for t in ctx.plan.tactics)
    rate = ctx.plan.organisation.hourly_cost
    hours = sum(hours_per_week(t) * weeks_between(t.start, t.end) for t in ctx.plan.tactics)
    people = hours * rate
    if tools > 0 and tools > people:
        currency = ctx.plan.organisation.currency
        priced = (
            f"{people:,.0f} {currency}"
            if rate > 0
            else f"unpriced ({hours:,.0f} h, no hourly_cost)"
        )
        yield Hit(
            PLAN_ELEMENT,
            ("tactics",),
            f"tools cost {tools:,.0f} {currency} across the plan, more than people's time: {priced}",
            at_key=True,
        )
