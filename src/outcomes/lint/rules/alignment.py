"""Alignment: every tactic serves a strategy, every strategy a goal, and media are not strategies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from outcomes.catalog.channels import CHANNEL_ALIASES
from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule

TACTICAL_PLAN_QUOTE = (
    "A tactical implementation plan offers details into what social media services are going "
    "to be used, the benchmarks for success, how activity will be measured and assessed, who's "
    "going to operate social media, and who will be responsible for it."
)


@rule(
    code="A001",
    name="random-act-of-social",
    severity=Severity.ERROR,
    summary="Tactic that serves no strategy, or strategy that serves no goal",
    fix="Link it with `serves:` to the strategy (or, for a strategy, the goals) it carries out, or drop it",
    what=(
        "A tactic with no `serves`, or a strategy whose `serves` names no goal. Such activity "
        "is not connected to any business goal, so nothing it does can be shown to matter."
    ),
    why=(
        "Tactics without strategy are what the seeds call random acts of social: time spent "
        "with no guarantee that it is well spent, and the first thing cut when budgets tighten."
    ),
    seed=(
        "Tactics are merely what you do to take up time. There is no guarantee that the time "
        "is being well spent."
    ),
    example="""\
tactics:
  - id: insta-giveaway
    title: Instagram giveaway
    channel: instagram
    mode: publish""",
    instead="""\
tactics:
  - id: insta-giveaway
    title: Giveaway for customers who share a photo of the product in use
    serves: customer-stories   # a strategy that serves a business goal
    channel: instagram
    mode: publish""",
)
def random_act_of_social(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        if tactic.serves is None:
            yield Hit(
                tactic.id,
                ctx.path(tactic.id),
                f"tactic '{tactic.id}' serves no strategy: a random act of social",
            )
    for strategy in ctx.plan.strategies:
        if not strategy.serves:
            yield Hit(
                strategy.id,
                ctx.field_path(strategy.id, "serves"),
                f"strategy '{strategy.id}' serves no business goal",
            )


@rule(
    code="A002",
    name="goal-without-strategy",
    severity=Severity.ERROR,
    summary="Goal that no strategy serves",
    fix="Add a strategy that serves this goal, or remove the goal from the plan",
    what="A goal that no strategy lists in its `serves`.",
    why="A goal nobody has a strategy for is a wish: no time or energy is planned to reach it.",
    seed=(
        "Strategy defines how you use your time and energy to create an outcome. A strategy "
        "employs one or more tactics intelligently to achieve a specific goal."
    ),
    example="""\
goals:
  - id: cheaper-support
    metric: support_cost
    # … and no strategy has `serves: [cheaper-support]`""",
    instead="""\
strategies:
  - id: community-support
    title: Solve customers' problems in public so answers help the next customer
    serves: [cheaper-support]
    owner: priya""",
)
def goal_without_strategy(ctx: LintContext) -> Iterator[Hit]:
    for goal in ctx.plan.goals:
        if not ctx.strategies_by_goal.get(goal.id):
            yield Hit(goal.id, ctx.path(goal.id), f"no strategy serves goal '{goal.id}'")


@rule(
    code="A003",
    name="strategy-without-tactics",
    severity=Severity.WARNING,
    summary="Strategy with no tactic carrying it out",
    fix="Add at least one tactic with `serves:` naming this strategy",
    what="A strategy that no tactic serves.",
    why="Without tactical execution a strategy is only a corporate document.",
    seed=(
        "a social media strategy is nothing more than a corporate document unless there is "
        "tactical execution to make the magic happen."
    ),
    example="""\
strategies:
  - id: helpful-content
    serves: [new-logos]
    owner: lee
# … and no tactic has `serves: helpful-content`""",
    instead="""\
tactics:
  - id: li-company-guides
    serves: helpful-content
    channel: linkedin
    mode: publish""",
)
def strategy_without_tactics(ctx: LintContext) -> Iterator[Hit]:
    for strategy in ctx.plan.strategies:
        if not ctx.tactics_by_strategy.get(strategy.id):
            yield Hit(
                strategy.id,
                ctx.path(strategy.id),
                f"no tactic carries out strategy '{strategy.id}'",
            )


_MEDIA = sorted(
    {alias for aliases in CHANNEL_ALIASES.values() for alias in aliases}, key=len, reverse=True
)
_MEDIUM = r"\b(" + "|".join(re.escape(alias) for alias in _MEDIA) + r")\b"
_MEDIUM_IN_TEXT = re.compile(_MEDIUM, re.IGNORECASE)
_MEDIUM_AS_AIM = re.compile(
    _MEDIUM
    + r"(?:\W+\w+){0,2}?\W+(strategy|presence|following|followers|fans|audience|page|account|profile|channel)\b"
    r"|\b(strategy|presence)\s+on\s+" + _MEDIUM,
    re.IGNORECASE,
)
_ID_MEDIA = {alias for alias in _MEDIA if " " not in alias and "." not in alias}
_ID_AIMS = {"strategy", "presence", "followers", "following", "audience"}


def _medium_named(text: str) -> str | None:
    found = _MEDIUM_IN_TEXT.search(text)
    return found.group(1) if found else None


def _id_names_medium(element_id: str, *, need_aim: bool) -> str | None:
    tokens = re.split(r"[-_]", element_id)
    media = [t for t in tokens if t in _ID_MEDIA or (t == "x" and _ID_AIMS & set(tokens))]
    if media and (not need_aim or _ID_AIMS & set(tokens)):
        return media[0]
    return None


@rule(
    code="A004",
    name="medium-as-strategy",
    severity=Severity.ERROR,
    summary='Goal or strategy that is a channel ("our Twitter strategy")',
    fix="State the business outcome and how relationships will change; keep the medium in the tactics",
    what=(
        'A strategy whose title or id names a medium (Twitter, LinkedIn, Facebook, "social '
        'media", …), or a goal whose aim is a presence on a medium ("grow our social media '
        'presence", "our LinkedIn strategy").'
    ),
    why=(
        "A medium is a tactic. Strategy is derived from business goals and measured by business "
        "metrics; only then does one choose the media that carry it out."
    ),
    seed="A medium is simply a method that must support a true strategy. Twitter, my friends, is a tactic, a tool.",
    example="""\
strategies:
  - id: twitter-strategy
    title: Our Twitter strategy
    serves: [new-logos]""",
    instead="""\
strategies:
  - id: social-selling
    title: Account executives earn buyers' trust where buyers research, before the first call
    serves: [new-logos]""",
)
def medium_as_strategy(ctx: LintContext) -> Iterator[Hit]:
    for strategy in ctx.plan.strategies:
        in_title = _medium_named(strategy.title)
        medium = in_title or _id_names_medium(strategy.id, need_aim=False)
        if medium:
            yield Hit(
                strategy.id,
                ctx.path(strategy.id, "title" if in_title else "id"),
                f"strategy '{strategy.id}' is named after a medium ({medium}); a medium is a tactic",
            )
    for goal in ctx.plan.goals:
        aim = _MEDIUM_AS_AIM.search(goal.title)
        medium = (aim.group(1) or aim.group(4)) if aim else _id_names_medium(goal.id, need_aim=True)
        if medium:
            yield Hit(
                goal.id,
                ctx.path(goal.id, "title" if aim else "id"),
                f"goal '{goal.id}' aims at a presence on a medium ({medium}), not a business outcome",
            )


@rule(
    code="A005",
    name="tactic-outside-goal-period",
    severity=Severity.WARNING,
    summary="Tactic that runs outside the period of every goal it serves",
    fix="Move the tactic's `start`/`end` inside the period of a goal it serves",
    what=(
        "A tactic whose `start`–`end` does not lie within the `start`–`due` period of any goal "
        "its strategy serves: the work happens before the goal starts or after it is due."
    ),
    why="Activity outside the goal's period cannot count towards the goal, so its cost buys nothing the plan measures.",
    example="""\
goals:
  - {id: new-logos, start: 2026-01-01, due: 2026-06-30}
tactics:
  - {id: trade-show, serves: social-selling, start: 2026-09-01, end: 2026-09-30}""",
    instead="""\
tactics:
  - {id: trade-show, serves: social-selling, start: 2026-05-01, end: 2026-05-31}""",
)
def tactic_outside_goal_period(ctx: LintContext) -> Iterator[Hit]:
    for tactic in ctx.plan.tactics:
        goals = ctx.goals_of(tactic)
        if not goals or any(g.start <= tactic.start and tactic.end <= g.due for g in goals):
            continue
        overlaps = any(g.start <= tactic.end and tactic.start <= g.due for g in goals)
        span = ", ".join(f"{g.id} {g.start}–{g.due}" for g in goals)
        how = "partly outside" if overlaps else "entirely outside"
        yield Hit(
            tactic.id,
            ctx.field_path(tactic.id, "start"),
            f"tactic '{tactic.id}' ({tactic.start}–{tactic.end}) runs {how} the goals it serves ({span})",
        )
