"""Listening: respond at least as often as you push."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.catalog.channels import LISTENING_MODES, PUSH_MODES, SOCIAL_CHANNELS
from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule
from outcomes.plan import Plan


def required_listeners(plan: Plan) -> dict[str, str]:
    """The tactics L001 requires, with why: every `listen` or `respond` tactic on a social
    channel where a tactic of the plan pushes. Stopping them would leave the plan pushing
    without listening there, so no report may advise it."""
    pushed: dict[str, list[str]] = {}
    for tactic in plan.tactics:
        if tactic.channel in SOCIAL_CHANNELS and tactic.mode in PUSH_MODES:
            pushed.setdefault(tactic.channel, []).append(tactic.id)
    return {
        tactic.id: f"rule L001 (push-without-listening) asks for a listen or respond tactic "
        f"on {tactic.channel}, where {', '.join(pushed[tactic.channel])} push"
        for tactic in plan.tactics
        if tactic.mode in LISTENING_MODES and tactic.channel in pushed
    }


@rule(
    code="L001",
    name="push-without-listening",
    severity=Severity.ERROR,
    summary="Social channel with publish or advertise tactics and no listen/respond tactic",
    fix="Add a `listen` or `respond` tactic on the same channel, with a response-time benchmark",
    what=(
        "A tactic that pushes (`publish` or `advertise`) on a social channel (linkedin, x, "
        "facebook, instagram, youtube, tiktok, pinterest, mastodon, blog, community) where no "
        "tactic of the plan listens or responds."
    ),
    why=(
        "Social media is a place for dialogue with prospects and customers. Blasting content "
        "without answering is missing the point, and can hurt the brand."
    ),
    seed=(
        "We tell our customers that they will need to listen and respond at least as often as "
        "they push their own content."
    ),
    example="""\
  - {id: daily-tweets, channel: x, mode: publish}""",
    instead="""\
  - {id: daily-tweets, channel: x, mode: publish}
  - {id: x-replies, channel: x, mode: respond,
     benchmarks: [{metric: first_response_minutes, threshold: 240, target: 60}]}""",
)
def push_without_listening(ctx: LintContext) -> Iterator[Hit]:
    listened = {t.channel for t in ctx.plan.tactics if t.mode in LISTENING_MODES}
    for tactic in ctx.plan.tactics:
        if (
            tactic.channel in SOCIAL_CHANNELS
            and tactic.mode in PUSH_MODES
            and tactic.channel not in listened
        ):
            yield Hit(
                tactic.id,
                ctx.path(tactic.id, "mode"),
                f"tactic '{tactic.id}' pushes on {tactic.channel} ({tactic.mode}) and no tactic listens or responds there",
            )
