"""Which tactic each activity and touchpoint belongs to, from the plan's `measurement.match`.

The mapping is an Ibis expression, not a stored column: it runs inside the engine (DuckDB
or Spark), and when the plan changes the data is re-read under the new plan without
reloading anything.

Rules, in order (the first that matches wins):

1. A tactic whose `match` has criteria that apply to the record claims it. For activities
   any one criterion is enough, because each names the tactic's activity on its own:
   `accounts` (the page or handle, with or without `@`, on the tactic's channel),
   `operators` (the author is one of the people, by id or name, on the tactic's channel),
   `hashtags` (the text carries one) and `utm_campaign` (the activity's campaign, or a
   link in its text carrying `utm_campaign=`, on any channel: a trade-show tactic may book
   its meetings through LinkedIn). For touchpoints `utm_campaign` and `utm_source` together
   name one campaign, so every one given must hold.
2. A tactic with no criteria that apply claims what is left on its channel of the kinds its
   mode produces: a `respond` or `listen` tactic the replies and inbound mentions, comments
   and messages; a `publish` tactic the posts and reposts; and so on.
3. Anything else is *unplanned*: activity no tactic of the plan accounts for.

Tactics are tried in plan order within each rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from outcomes.plan import Plan, Tactic

if TYPE_CHECKING:
    pass

_MODE_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "publish": ("post", "repost"),
    "advertise": ("post",),
    "advocate": ("post", "repost"),
    "respond": ("reply", "mention", "comment", "message_in", "message"),
    "listen": ("reply", "mention", "comment", "message_in"),
    "outreach": ("post", "reply", "message"),
    "event": ("post",),
    "other": (),
}


def _lower(values: Sequence[str]) -> list[str]:
    return [v.strip().lstrip("@").casefold() for v in values if v.strip()]


def _handles(plan: Plan, person_ids: Sequence[str]) -> list[str]:
    people = {p.id: p for p in plan.people}
    names: list[str] = []
    for person_id in person_ids:
        names.append(person_id.casefold())
        if person_id in people:
            names.append(people[person_id].name.casefold())
    return names


def _activity_conditions(plan: Plan, tactic: Tactic, t: Any) -> list[Any]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return []
    on_channel = t.channel == tactic.channel
    conditions = []
    if match.accounts:
        accounts = _lower(match.accounts)
        conditions.append(
            on_channel & (t.account.lower().isin(accounts) | t.author.lower().isin(accounts))
        )
    if match.operators:
        conditions.append(on_channel & t.author.lower().isin(_handles(plan, match.operators)))
    if match.hashtags:
        tags = "|".join(re.escape(tag.lstrip("#")) for tag in match.hashtags)
        conditions.append(t.text.re_search(f"(?i)(^|[^&\\w])#({tags})\\b"))
    if match.utm_campaign:
        campaigns = _lower(match.utm_campaign)
        pattern = "|".join(re.escape(c) for c in campaigns)
        conditions.append(
            t.campaign.lower().isin(campaigns)
            | t.text.re_search(f"(?i)utm_campaign=({pattern})(&|\\b)")
        )
    return conditions


def _touchpoint_conditions(tactic: Tactic, t: Any) -> list[Any]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:
        return []
    conditions = []
    if match.utm_campaign:
        conditions.append(t.utm_campaign.lower().isin(_lower(match.utm_campaign)))
    if match.utm_source:
        conditions.append(t.utm_source.lower().isin(_lower(match.utm_source)))
    return conditions


def _all(conditions: Sequence[Any]) -> Any:
    combined = conditions[0].fill_null(False)
    for condition in conditions[1:]:
        combined = combined & condition.fill_null(False)
    return combined


def _any(conditions: Sequence[Any]) -> Any:
    combined = conditions[0].fill_null(False)
    for condition in conditions[1:]:
        combined = combined | condition.fill_null(False)
    return combined


def activity_tactic(plan: Plan, activities: Any) -> Any:
    """The `tactic` column (string, null when unplanned) for an Ibis table of activities."""
    t = activities
    specific, fallback = [], []
    for tactic in plan.tactics:
        conditions = _activity_conditions(plan, tactic, t)
        if conditions:
            specific.append((_any(conditions), tactic.id))
        elif _MODE_KINDS[tactic.mode]:
            kinds = list(_MODE_KINDS[tactic.mode])
            fallback.append(((t.channel == tactic.channel) & t.kind.isin(kinds), tactic.id))
    return _cases([*specific, *fallback])


def touchpoint_tactic(plan: Plan, touchpoints: Any) -> Any:
    """The `tactic` column (string, null when no tactic's UTM rules match) for touchpoints."""
    t = touchpoints
    rules = []
    for tactic in plan.tactics:
        conditions = _touchpoint_conditions(tactic, t)
        if conditions:
            rules.append((_all(conditions), tactic.id))
    return _cases(rules)


def _cases(rules: Sequence[tuple[Any, str]]) -> Any:
    import ibis

    if not rules:
        return ibis.null("string")
    # A null in a condition (no campaign, no text) means "does not match", not "unknown".
    return ibis.cases(
        *((condition.fill_null(False), tactic_id) for condition, tactic_id in rules),
        else_=ibis.null("string"),
    )


def mapped_activities(plan: Plan, activities: Any) -> Any:
    """Activities with a `tactic` column."""
    return activities.mutate(tactic=activity_tactic(plan, activities))


def mapped_touchpoints(plan: Plan, touchpoints: Any) -> Any:
    """Touchpoints with a `tactic` column."""
    return touchpoints.mutate(tactic=touchpoint_tactic(plan, touchpoints))
