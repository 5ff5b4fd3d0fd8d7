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

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, get_args

from outcomes.plan.model import ActivityKind, Mode, Plan, Tactic

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

ACTIVITY_KINDS: Final[tuple[str, ...]] = get_args(ActivityKind)

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


PAGE_SEPARATORS: Final = r"[\s_.,'’&-]+"
"""What a LinkedIn page's name may be written with or without. LinkedIn names its exports
after the page's slug (`summit-home-services_content_<epoch>.csv`), while people write the
page as it reads, "Summit Home Services"; both are the page. Only LinkedIn's pages compare
so: on X or Mastodon `sam_lee` and `samlee` are two people."""

SLUGGED_CHANNELS: Final = frozenset({"linkedin"})
"""Channels whose exports name an account by its slug."""


def account_names(values: list[str], channel: str) -> list[str]:
    """A tactic's `accounts` as the match compares them on `channel`: as :func:`casefolded`,
    and on a channel of :data:`SLUGGED_CHANNELS` without :data:`PAGE_SEPARATORS`."""
    names = casefolded(values)
    if channel not in SLUGGED_CHANNELS:
        return names
    return [re.sub(PAGE_SEPARATORS, "", name) for name in names]


def handles(plan: Plan, person_ids: Sequence[str]) -> list[str]:
    """The authors an `operators` list names: each person's id and name, case-folded."""
    people = {p.id: p for p in plan.people}
    names: list[str] = []
    for person_id in person_ids:
        names.append(person_id.casefold())
        if person_id in people:
            names.append(people[person_id].name.casefold())
    return names


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two tactics that claim the same activity (or visit) with equal specificity: the
    first in the plan takes it, the second never does."""

    first: Tactic
    second: Tactic
    example: str
    """The activity or visit they both claim, in words."""
    specificity: int


@dataclass(frozen=True, slots=True)
class _Witness:
    """An activity reduced to what the criteria read."""

    channel: str
    account: str = ""
    author: str = ""
    hashtag: str = ""
    campaign: str = ""


def _names(plan: Plan, tactic: Tactic) -> dict[str, set[str]]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return {name: set() for name in ACTIVITY_CRITERIA}
    return {
        "accounts": set(account_names(match.accounts, tactic.channel)),
        "operators": set(handles(plan, match.operators)),
        "hashtags": {tag.lstrip("#").casefold() for tag in match.hashtags},
        "utm_campaign": set(casefolded(match.utm_campaign)),
    }


def _rank_of(tactic: Tactic, names: dict[str, set[str]], witness: _Witness) -> int:
    """The rank the engine gives `tactic`'s claim on `witness` (kinds already agreed)."""
    on_channel = witness.channel == tactic.channel
    met = {
        "accounts": on_channel and bool({witness.account, witness.author} & names["accounts"]),
        "operators": on_channel and witness.author in names["operators"],
        "hashtags": witness.hashtag in names["hashtags"],
        "utm_campaign": witness.campaign in names["utm_campaign"],
    }
    count = sum(met[name] for name in activity_criteria(tactic))
    if activity_criteria(tactic) and not count:
        return NO_CLAIM
    return activity_rank(
        by_criteria=bool(activity_criteria(tactic)), met=count, kinds_written=written_kinds(tactic)
    )


def _witnesses(
    first: Tactic, second: Tactic, a: dict[str, set[str]], b: dict[str, set[str]]
) -> Iterator[tuple[_Witness, str]]:
    """Activities meeting one value both tactics name, and nothing else, in words."""
    if first.channel == second.channel:
        channel = first.channel
        for account in sorted(a["accounts"] & b["accounts"]):
            yield _Witness(channel, account=account), f"on account {account} on {channel}"
        authors = (a["accounts"] | a["operators"]) & (b["accounts"] | b["operators"])
        for author in sorted(authors):
            yield _Witness(channel, author=author), f"by {author} on {channel}"
    for tag in sorted(a["hashtags"] & b["hashtags"]):
        yield _Witness(first.channel, hashtag=tag), f"carrying #{tag}"
    for campaign in sorted(a["utm_campaign"] & b["utm_campaign"]):
        yield _Witness(first.channel, campaign=campaign), f"with utm_campaign={campaign}"


def _shared_kinds(first: Tactic, second: Tactic) -> list[str]:
    kinds_a, kinds_b = claimed_kinds(first), claimed_kinds(second)
    everything = list(ACTIVITY_KINDS)
    return [k for k in (kinds_a or everything) if k in (kinds_b or everything)]


def _activity_overlap(plan: Plan, first: Tactic, second: Tactic) -> Overlap | None:
    kinds = _shared_kinds(first, second)
    if not kinds:
        return None
    what = "/".join(kinds)
    if claims_by_default(first) and claims_by_default(second):
        if first.channel != second.channel or written_kinds(first) != written_kinds(second):
            return None
        example = f"a {what} on {first.channel} (both claim the channel by default)"
        return Overlap(first, second, example, specificity(int(written_kinds(first))))
    a, b = _names(plan, first), _names(plan, second)
    for witness, words in _witnesses(first, second, a, b):
        rank = _rank_of(first, a, witness)
        if rank != NO_CLAIM and rank == _rank_of(second, b, witness):
            return Overlap(first, second, f"a {what} {words}", specificity(rank))
    return None


def _touchpoint_overlap(first: Tactic, second: Tactic) -> Overlap | None:
    fields = touchpoint_criteria(first)
    if not fields or fields != touchpoint_criteria(second):
        return None
    shared = []
    for name in fields:
        values_a = set(casefolded(getattr(first.measurement.match, name)))  # type: ignore[union-attr]
        values_b = set(casefolded(getattr(second.measurement.match, name)))  # type: ignore[union-attr]
        common = sorted(values_a & values_b)
        if not common:
            return None
        shared.append(f"{name}={common[0]}")
    return Overlap(first, second, "a visit tagged " + " and ".join(shared), len(fields))


def overlaps(plan: Plan) -> list[Overlap]:
    """Pairs of tactics whose matchers tie on some activity or visit, in plan order.

    Two tactics tie on an activity when both claim it (a kind both claim; a value both
    name: an account, an author, a hashtag or a campaign; or, both claiming by channel
    default, the same channel) with equal specificity when it meets that shared value and
    no other criterion. On visits they tie when they give the same UTM fields and share a
    value in each.
    """
    found = []
    for index, first in enumerate(plan.tactics):
        for second in plan.tactics[index + 1 :]:
            overlap = _activity_overlap(plan, first, second) or _touchpoint_overlap(first, second)
            if overlap is not None:
                found.append(overlap)
    return found
