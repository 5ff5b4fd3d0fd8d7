"""Which tactic each activity and touchpoint belongs to, from the plan's `measurement.match`.

The mapping is an Ibis expression, not a stored column: it runs inside the engine (DuckDB
or Spark), and when the plan changes the data is re-read under the new plan without
reloading anything.

The precedence (defined once, in :mod:`outcomes.plan.matching`, and in docs/plan-format.md
under Tactics): **the most specific claim wins, not the first in the file.**

1. A tactic claims only activity of its kinds: `match.kinds` when written, otherwise the
   kinds its mode produces (a `publish` tactic posts and reposts; a `respond` tactic
   replies and takes in comments, mentions and messages). So a publish and a respond
   tactic can match one account and split its activity.
2. It claims *by criteria* when the activity meets one of its criteria (any one is enough,
   each names the tactic's activity on its own): `accounts` (the page or handle, with or
   without `@`, as account or author, on the tactic's channel), `operators` (the author is
   one of the people, by id or name, on the tactic's channel), `hashtags` (the text
   carries one) and `utm_campaign` (the activity's campaign, or a link in its text
   carrying `utm_campaign=`, on any channel: a trade-show tactic may book its meetings
   through LinkedIn). A tactic with none of these claims *by channel default*: what is on
   its channel.
3. A claim by criteria beats a channel default; then the claim meeting more criteria wins
   (each criterion met counts one; `match.kinds` written in the plan counts one more); a
   tie goes to the tactic first in the plan (`overlapping-matchers` in `outcomes lint`
   reports the ties a plan makes likely; `outcomes explain ID` shows any one).
4. Anything else is *unplanned*: activity no tactic of the plan accounts for.

For touchpoints `utm_campaign` and `utm_source` together name one campaign, so every one
given must hold; the tactic naming more of them wins, then the first in the plan.

Each tactic's claim is a rank (an integer, :data:`outcomes.plan.matching.NO_CLAIM` when it
does not claim); the winner is the highest rank, with the plan position folded into the
key so that one `greatest` picks it on any engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from outcomes.plan import Plan, Tactic
from outcomes.plan.matching import (
    BY_CRITERIA,
    NO_CLAIM,
    PAGE_SEPARATORS,
    SLUGGED_CHANNELS,
    account_names,
    activity_criteria,
    casefolded,
    claimed_kinds,
    handles,
    touchpoint_criteria,
    written_kinds,
)
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class ActivityMatcher:
    """One tactic's claim on a table of activities, as Ibis boolean and integer columns."""

    tactic: Tactic
    kinds: tuple[str, ...] | None
    """The kinds it claims (None: any)."""
    criteria: dict[str, Any]
    """Whether each criterion the tactic gives is met (never null)."""
    kind_ok: Any
    on_channel: Any

    @property
    def by_criteria(self) -> bool:
        """True when the tactic names its activity by criteria, not by channel default."""
        return bool(self.criteria)

    @property
    def rank(self) -> Any:
        """How specific its claim is (higher wins); `NO_CLAIM` when it does not claim."""
        return _rank(self, list(self.criteria.values()))


def _rank(matcher: ActivityMatcher, met: Sequence[Any]) -> Any:
    """The rank of `matcher`'s claim, given whether each of its criteria is met (in order)."""
    import ibis

    bonus = 1 if written_kinds(matcher.tactic) else 0
    if not met:
        return ibis.cases(
            (matcher.kind_ok & matcher.on_channel, ibis.literal(bonus)), else_=NO_CLAIM
        )
    count = sum((condition.cast("int64") for condition in met[1:]), met[0].cast("int64"))
    return ibis.cases((matcher.kind_ok & _any(met), BY_CRITERIA + bonus + count), else_=NO_CLAIM)


def _activity_criteria(plan: Plan, tactic: Tactic, t: Any) -> dict[str, Any]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return {}
    on_channel = t.channel == tactic.channel
    conditions: dict[str, Any] = {}
    if match.accounts:
        accounts = account_names(match.accounts, tactic.channel)
        conditions["accounts"] = on_channel & _owned_by(accounts, t, tactic.channel)
    if match.operators:
        authors = handles(plan, match.operators)
        conditions["operators"] = on_channel & t.author.lower().isin(authors)
    if match.hashtags:
        tags = "|".join(re.escape(tag.lstrip("#")) for tag in match.hashtags)
        conditions["hashtags"] = t.text.re_search(f"(?i)(^|[^&\\w])#({tags})\\b")
    if match.utm_campaign:
        campaigns = casefolded(match.utm_campaign)
        pattern = "|".join(re.escape(c) for c in campaigns)
        conditions["utm_campaign"] = t.campaign.lower().isin(campaigns) | t.text.re_search(
            f"(?i)utm_campaign=({pattern})(&|\\b)"
        )
    # A null (no campaign, no text) means "does not match", not "unknown".
    return {name: conditions[name].fill_null(False) for name in activity_criteria(tactic)}


def _owned_by(accounts: list[str], t: Any, channel: str) -> Any:
    """Whether an activity's account or author is one of `accounts`.

    Mastodon stores full handles, `user@instance`, while people write their own handle
    as they say it, `@ledgerline`: a handle written without an instance also names the
    full handles with that user part. Otherwise a support tactic written so would claim
    nothing and show "no data yet" beside its answered mentions. A LinkedIn page compares
    as :func:`account_names` writes it, so its slug is the page.
    """
    account, author = _account_name(t.account, channel), _account_name(t.author, channel)
    owned = account.isin(accounts) | author.isin(accounts)
    bare = [name for name in accounts if "@" not in name]
    if not bare:
        return owned
    user = r"^([^@]+)@[^@]+$"
    local = account.re_extract(user, 1), author.re_extract(user, 1)
    return owned | local[0].isin(bare) | local[1].isin(bare)


def _account_name(column: Any, channel: str) -> Any:
    """A column of account or author names as :func:`account_names` writes the plan's."""
    lowered = column.lower()
    return lowered.re_replace(PAGE_SEPARATORS, "") if channel in SLUGGED_CHANNELS else lowered


def _activity_matcher(plan: Plan, tactic: Tactic, t: Any) -> ActivityMatcher | None:
    import ibis

    kinds = claimed_kinds(tactic)
    criteria = _activity_criteria(plan, tactic, t)
    if kinds is None and not criteria:
        return None  # mode `other` with neither kinds nor criteria claims nothing
    kind_ok = ibis.literal(True) if kinds is None else t.kind.isin(list(kinds)).fill_null(False)
    on_channel = (t.channel == tactic.channel).fill_null(False)
    return ActivityMatcher(tactic, kinds, criteria, kind_ok, on_channel)


def activity_matchers(plan: Plan, activities: Any) -> list[ActivityMatcher]:
    """Each tactic's claim on `activities`, in plan order (tactics that can claim nothing
    are left out)."""
    found = (_activity_matcher(plan, tactic, activities) for tactic in plan.tactics)
    return [matcher for matcher in found if matcher is not None]


def _touchpoint_conditions(tactic: Tactic, t: Any) -> list[Any]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return []
    conditions = []
    for name in touchpoint_criteria(tactic):
        values = casefolded(getattr(match, name))
        conditions.append(getattr(t, name).lower().isin(values).fill_null(False))
    return conditions


def _any(conditions: Sequence[Any]) -> Any:
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition
    return combined


def _all(conditions: Sequence[Any]) -> Any:
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def touchpoint_tactic(plan: Plan, touchpoints: Any) -> Any:
    """The `tactic` column (string, null when no tactic's UTM rules match) for touchpoints."""
    import ibis

    ranked = []
    for tactic in plan.tactics:
        conditions = _touchpoint_conditions(tactic, touchpoints)
        if conditions:
            rank = ibis.cases((_all(conditions), len(conditions)), else_=NO_CLAIM)
            ranked.append((rank, tactic.id))
    return _winner(ranked)


def _winner(ranked: Sequence[tuple[Any, str]]) -> Any:
    """The id of the highest rank, the earliest in plan order among equals; null when none
    claims.

    Each claim becomes the key `(rank + 1) × (n + 1) + (n − position)`: keys are unique per
    tactic, order by rank and then plan position, and a key's remainder by n + 1 gives the
    slot back; a tactic that does not claim has key 0, slot 0. One `greatest` then picks
    the winner on any engine, and every key stays non-negative, so no engine's sign rule
    for a remainder can differ.
    """
    import ibis

    if not ranked:
        return ibis.null("string")
    slots = len(ranked) + 1
    keys = [
        ibis.cases((rank >= 0, (rank + 1) * slots + (slots - 1 - position)), else_=0)
        for position, (rank, _) in enumerate(ranked)
    ]
    best = keys[0] if len(keys) == 1 else ibis.greatest(*keys)
    return (best % slots).substitute(
        {slots - 1 - position: tactic_id for position, (_, tactic_id) in enumerate(ranked)},
        else_=ibis.null("string"),
    )


def mapped_activities(plan: Plan, activities: Any) -> Any:
    """Activities with a `tactic` column."""
    # Each criterion and each rank is computed once, as a column, and read by the next
    # step: written as one expression, every rank would repeat every criterion (regular
    # expressions over the text) several times.
    matchers = activity_matchers(plan, activities)
    met = {
        f"_met_{index}_{name}": condition
        for index, matcher in enumerate(matchers)
        for name, condition in matcher.criteria.items()
    }
    step = activities.mutate(**met) if met else activities
    ranks = {
        f"_rank_{index}": _rank(
            matcher, [step[f"_met_{index}_{name}"] for name in matcher.criteria]
        )
        for index, matcher in enumerate(matchers)
    }
    step = step.mutate(**ranks) if ranks else step
    winner = _winner([(step[f"_rank_{i}"], m.tactic.id) for i, m in enumerate(matchers)])
    return step.mutate(tactic=winner).drop(*met, *ranks)


def within_dates(plan: Plan, mapped: Any, as_of: dt.date) -> Any:
    """The mapped activities each tactic claims within its dates, to `as_of`: a post
    before the tactic began, or a reply after the day measured, is not its work (the
    benchmarks and the conversation per tactic count the same days)."""
    import ibis

    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)

    kept = [
        (mapped.tactic == tactic.id)
        & (mapped.ts >= utc(tactic.start))
        & (mapped.ts < utc(min(tactic.end, as_of) + dt.timedelta(days=1)))
        for tactic in plan.tactics
        if tactic.start <= as_of
    ]
    return mapped.filter(ibis.or_(*kept) if kept else ibis.literal(False))


PLACE_CRITERIA: Final = ("accounts", "operators")
"""The criteria that name where a tactic's activity is posted from (a page, a handle, a
person's own profile); hashtags and campaigns name what it says, wherever it is."""


def seen_tactics(plan: Plan, activities: Any) -> frozenset[str]:
    """The tactics whose activity a loaded export could show, whether or not it holds any.

    A tactic is seen when `activities` hold anything, of any kind and date, from where it
    posts: on its channel, from one of its `match.accounts` or by one of its
    `match.operators`, or, when it names neither, from anywhere on its channel. Reps who
    post from their personal profiles are seen only once an export of those profiles is
    loaded: a company page's export cannot show whether they posted.
    """
    places: dict[str, Any] = {}
    for tactic in plan.tactics:
        criteria = _activity_criteria(plan, tactic, activities)
        named = [criteria[name] for name in PLACE_CRITERIA if name in criteria]
        place = _any(named) if named else (activities.channel == tactic.channel)
        places[tactic.id] = place.fill_null(False).any()
    if not places:
        return frozenset()
    seen = activities.aggregate(**{f"_seen_{i}": v for i, v in enumerate(places.values())})
    [row] = to_arrow(seen).to_pylist()
    return frozenset(t for i, t in enumerate(places) if row[f"_seen_{i}"])


def materialised_activities(plan: Plan, activities: Any) -> Any:
    """`mapped_activities`, computed once and kept in the engine until released.

    A context manager giving the kept table (`warehouse.compiled.Materialised`: a
    temporary table on DuckDB, a cached DataFrame on Spark). The mapping is a pass of
    regular expressions over every activity, and its expression makes every query built
    on it slow to compile: the scorecard's measures read it a dozen times, so they read it
    kept rather than each mapping again.
    """
    from outcomes.warehouse.compiled import Materialised

    return Materialised(mapped_activities(plan, activities))


def mapped_touchpoints(plan: Plan, touchpoints: Any) -> Any:
    """Touchpoints with a `tactic` column."""
    return touchpoints.mutate(tactic=touchpoint_tactic(plan, touchpoints))
