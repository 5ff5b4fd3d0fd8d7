"""Which tactic claims an activity or touchpoint: the precedence, in plain Python.

The engine (:mod:`outcomes.measure.mapping`) builds its Ibis expressions from these
definitions and the linter (`overlapping-matchers`) reasons with them, so both read one rule.

**Which kinds a tactic claims.** `match.kinds` when the plan writes it; otherwise the kinds
its mode produces (:data:`MODE_KINDS`): a `publish` tactic posts and reposts, a `respond`
tactic replies and takes in comments, mentions and messages. A mode `other` tactic without
`match.kinds` takes any kind when one of its criteria names the activity, and nothing by
default. So a publish and a respond tactic can match the same account.

**Who may claim.** A tactic claims an activity of one of its kinds when

- *by its criteria*: the activity meets at least one of the tactic's activity criteria
  (:data:`ACTIVITY_CRITERIA`: `accounts` and `operators` on the tactic's channel, `hashtags`
  and `utm_campaign` on any channel), or
- *by channel default*: the tactic has none of those criteria and the activity is on its
  channel.

**Who wins: the most specific claim.** Specificity is

1. a claim by criteria beats a channel default, whatever the plan order;
2. then the number of criteria met: each of the four criteria the activity meets counts
   one, and `match.kinds` written in the plan counts one more (a kind the plan names is
   more specific than its mode's default). `accounts` + `hashtags` + `kinds` (3) beats
   `accounts` (1), which beats the channel default (0);
3. a tie goes to the tactic first in the plan. `outcomes lint` reports tactics whose
   matchers name the same account, operator, hashtag or campaign, or share a channel by
   default, with equal specificity (`overlapping-matchers`); `outcomes explain ID` shows
   every tie it broke.

Touchpoints (visits, with UTM fields) are claimed by the tactics whose `utm_campaign` and
`utm_source` all hold (every field given must match); the one naming more fields wins, and
ties go to the first in the plan.
"""

from __future__ import annotations

from typing import Final

from outcomes.plan.model import ActivityKind, Mode, Tactic

MODE_KINDS: Final[dict[Mode, tuple[ActivityKind, ...]]] = {
    "publish": ("post", "repost"),
    "advertise": ("post",),
    "advocate": ("post", "repost"),
    "respond": ("reply", "mention", "comment", "message_in", "message"),
    "listen": ("reply", "mention", "comment", "message_in"),
    # Social selling is a conversation: the comments and messages a rep's posts draw in are
    # part of it, as are the rep's answers.
    "outreach": ("post", "reply", "message", "comment", "message_in"),
    "event": ("post",),
    "other": (),
}
"""The activity kinds a tactic claims when its `match.kinds` is not written."""

ACTIVITY_CRITERIA: Final = ("accounts", "operators", "hashtags", "utm_campaign")
"""The criteria that name a tactic's activity; each one met counts one towards specificity."""

TOUCHPOINT_CRITERIA: Final = ("utm_campaign", "utm_source")
"""The criteria that name a tactic's touchpoints; all given must hold."""

BY_CRITERIA: Final = 10
"""Added to a claim by criteria so it outranks every channel default (at most 1)."""

NO_CLAIM: Final = -1
"""The rank of a tactic that does not claim the record."""


def written_kinds(tactic: Tactic) -> bool:
    """True when the plan writes `match.kinds` for the tactic."""
    match = tactic.measurement.match if tactic.measurement else None
    return bool(match and match.kinds)


def claimed_kinds(tactic: Tactic) -> tuple[str, ...] | None:
    """The activity kinds the tactic claims; None for any kind (mode `other`, no kinds)."""
    match = tactic.measurement.match if tactic.measurement else None
    if match and match.kinds:
        return tuple(dict.fromkeys(match.kinds))
    return MODE_KINDS[tactic.mode] or None


def activity_criteria(tactic: Tactic) -> tuple[str, ...]:
    """The activity criteria the tactic's `match` gives (non-empty lists), in a fixed order."""
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return ()
    return tuple(name for name in ACTIVITY_CRITERIA if getattr(match, name))


def touchpoint_criteria(tactic: Tactic) -> tuple[str, ...]:
    """The touchpoint criteria the tactic's `match` gives, in a fixed order."""
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return ()
    return tuple(name for name in TOUCHPOINT_CRITERIA if getattr(match, name))


def claims_by_default(tactic: Tactic) -> bool:
    """True when the tactic claims its channel's activity of its kinds (it names none)."""
    return not activity_criteria(tactic) and claimed_kinds(tactic) is not None


def activity_rank(*, by_criteria: bool, met: int, kinds_written: bool) -> int:
    """The rank of a claim (higher wins): criteria above defaults, then criteria met."""
    return (BY_CRITERIA if by_criteria else 0) + met + (1 if kinds_written else 0)


def specificity(rank: int) -> int:
    """The specificity shown to people: criteria met, plus one for written kinds."""
    return rank - BY_CRITERIA if rank >= BY_CRITERIA else rank


def casefolded(values: list[str]) -> list[str]:
    """Accounts, handles and campaigns as the match compares them: trimmed, without `@`,
    case-folded; blanks dropped."""
    return [v.strip().lstrip("@").casefold() for v in values if v.strip()]
