"""Which metrics can be measured from which data, and which sources give that data.

The linter reads this to tell, before any data is loaded, whether a goal's metric or a
tactic's benchmark can ever be measured from the sources the plan names: a benchmark the
scorecard cannot measure shows "no data" forever, which looks like a tactic that has not
started. It restates, as data, what the measures compute; tests tie the two together
(each metric here is measured from exactly this data in `outcomes.measure.benchmarks` and
`outcomes.measure.pacing`, and each connector writes only the data listed for it), so
they cannot drift apart.

**Data** is named by a token:

* `activities:KIND`: activities of that kind (`post`, `reply`, `mention`, …);
* `activities.COLUMN`: activities whose engagement column the source fills
  (`impressions`, `reactions`, …);
* `conversions:TYPE`: conversions of that type (`lead`, `deal_won`, …);
* `touchpoints`: journey touchpoints (which tactics' campaigns people came through);
* `metric_snapshots:METRIC`: snapshots of that metric (a finance or help-desk export);
* `campaigns.METRIC`: a campaign's count of that metric (an ads or email campaign
  report: snapshots of entity kind `campaign`), which a tactic claims by
  `measurement.match.utm_campaign`;
* `x-replies`: replies on X whose ids date what they answer (X ids are timestamps), so
  first-response times are measurable without the inbound items.

A **need** is a list of alternatives; an alternative holds when each of its groups has
at least one token the sources give. The generic `csv` source can give any token (it maps
any file onto any table), so a plan that names it can measure anything a CSV could hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

Token = str
Group = frozenset[Token]
Alternative = tuple[Group, ...]
Need = tuple[Alternative, ...]

ANY_DATA: Final = "csv"
"""The source that can give any data: a CSV mapped onto any table (`outcomes.toml`)."""

X_REPLIES: Final = "x-replies"
OWN_ANSWERS: Final[Group] = frozenset({"activities:reply", "activities:message"})
INBOUND: Final[Group] = frozenset(
    {"activities:mention", "activities:comment", "activities:message_in"}
)


def _tokens(*tokens: str) -> frozenset[Token]:
    return frozenset(tokens)


def _activities(*kinds: str) -> frozenset[Token]:
    return frozenset(f"activities:{k}" for k in kinds)


def _columns(*columns: str) -> frozenset[Token]:
    return frozenset(f"activities.{c}" for c in columns)


def _conversions(*types: str) -> frozenset[Token]:
    return frozenset(f"conversions:{t}" for t in types)


def _snapshots(*metrics: str) -> frozenset[Token]:
    return frozenset(f"metric_snapshots:{m}" for m in metrics)


def _campaigns(*metrics: str) -> frozenset[Token]:
    return frozenset(f"campaigns.{m}" for m in metrics)


SOURCE_DATA: Final[dict[str, frozenset[Token]]] = {
    # Direct messages: the customer's ("message_in") and ours ("message").
    "x-archive": _activities("post", "reply", "repost", "message", "message_in")
    | _columns("reactions", "shares")
    | _tokens(X_REPLIES),
    "mastodon-archive": _activities("post", "reply", "repost", "message"),
    "mastodon": (
        _activities("post", "reply", "repost", "message", "mention", "message_in")
        | _columns("reactions", "shares", "comments")
    ),
    "linkedin": _activities("post")
    | _columns("impressions", "views", "clicks", "reactions", "comments", "shares"),
    "meta": _activities("post")
    | _columns("impressions", "views", "reach", "reactions", "comments", "shares", "clicks"),
    "youtube": _activities("post")
    | _columns("views", "impressions", "reactions", "comments", "shares")
    | _snapshots("views"),
    "meta-ads": _tokens("costs")
    | _snapshots("impressions", "reach", "clicks")
    | _campaigns("impressions", "clicks"),
    "linkedin-ads": _tokens("costs")
    | _snapshots("impressions", "reach", "clicks", "leads")
    | _campaigns("impressions", "clicks"),
    "mailchimp": _snapshots("clicks") | _campaigns("clicks"),
    "hubspot": _tokens("touchpoints")
    | _conversions(
        "lead", "qualified_lead", "new_customer", "opportunity", "deal_won", "deal_lost"
    ),
    # Each deal's Lead Source or campaign is a touch of its account.
    "salesforce": _tokens("touchpoints")
    | _conversions("opportunity", "deal_won", "deal_lost", "new_customer"),
    "ga4": _tokens("touchpoints") | _conversions("lead", "order"),
    "paths": _tokens("journey_paths"),
    # Offline counts (`catalog.checkin_counts`) as snapshots of the tactic.
    "checkin": _snapshots("events_held", "emails_sent", "connection_requests"),
    ANY_DATA: frozenset(),
}
"""Per connector, the data it writes that some metric is measured from (snapshots only of
metrics the catalogue knows)."""


def _each(*groups: Group) -> Need:
    return (tuple(groups),)


# Tactic benchmarks (`outcomes.measure.benchmarks`), measured over the tactic's own
# activities (`measurement.match`) and the conversions whose journeys touched it.
ACTIVITY_COUNTS: Final = {"posts": "post", "replies_sent": "reply", "messages_sent": "message"}
ENGAGEMENT_COLUMNS: Final = {
    "likes": "reactions", "comments": "comments", "shares": "shares", "clicks": "clicks",
    "impressions": "impressions", "reach": "reach", "views": "views",
}  # fmt: skip
CAMPAIGN_METRICS: Final = ("clicks", "impressions")
"""Engagement benchmarks a campaign report also states (`outcomes.measure.campaign_figures`),
measured from it where the tactic's own activities state none. Not reach: a campaign's
reach is people reached in the report's span, and days' or campaigns' reach cannot be
added (the same person is reached on many days)."""
TOUCHED_TYPES: Final = {
    "leads": "lead", "qualified_leads": "qualified_lead", "demo_requests": "demo_request",
    "meetings": "meeting", "opportunities": "opportunity", "net_new_customers": "new_customer",
}  # fmt: skip

BENCHMARK_NEEDS: Final[dict[str, Need]] = {
    **{m: _each(_activities(kind)) for m, kind in ACTIVITY_COUNTS.items()},
    **{m: _each(_columns(column)) for m, column in ENGAGEMENT_COLUMNS.items()},
    **{
        m: (*_each(_columns(ENGAGEMENT_COLUMNS[m])), *_each(_campaigns(m)))
        for m in CAMPAIGN_METRICS
    },
    "response_rate": _each(INBOUND, OWN_ANSWERS),
    "first_response_minutes": (*_each(INBOUND, OWN_ANSWERS), (_tokens(X_REPLIES),)),
    "first_response_business_minutes": (*_each(INBOUND, OWN_ANSWERS), (_tokens(X_REPLIES),)),
    "listen_push_ratio": _each(_activities("post"), OWN_ANSWERS),
    **{m: _each(_conversions(t), _tokens("touchpoints")) for m, t in TOUCHED_TYPES.items()},
    "support_tickets_deflected": _each(_conversions("ticket_deflected")),
}
"""Benchmark metric → the data it is measured from. A metric not here (revenue,
pipeline_value, applications, a plan's own metric, …) is never measured as a benchmark."""

# Goals (`outcomes.measure.pacing`): snapshots of the metric first, else conversions.
_COUNTED: Final = {
    "leads": "lead", "qualified_leads": "qualified_lead", "demo_requests": "demo_request",
    "meetings": "meeting", "opportunities": "opportunity", "net_new_customers": "new_customer",
}  # fmt: skip
GOAL_CONVERSIONS: Final[dict[str, frozenset[Token]]] = {
    **{m: _conversions(t) for m, t in _COUNTED.items()},
    "revenue": _conversions("deal_won", "order"),
    "average_order_value": _conversions("deal_won", "order"),
    "win_rate": _conversions("deal_won", "deal_lost"),
    "pipeline_value": _conversions("opportunity"),
}
"""Goal metric → conversion types it is computed from when no snapshot states it (any one)."""


def goal_need(metric: str) -> Need:
    """The data a goal on `metric` is measured from: its snapshots, or its conversions."""
    snapshots: Need = ((_snapshots(metric),),)
    conversions = GOAL_CONVERSIONS.get(metric)
    return snapshots if conversions is None else (*snapshots, (conversions,))


def benchmark_need(metric: str) -> Need:
    """The data a benchmark on `metric` is measured from; empty: never measured."""
    return BENCHMARK_NEEDS.get(metric, ())


def holds(need: Need, tokens: Iterable[Token]) -> bool:
    """True when `tokens` (the data at hand) hold one alternative of `need`."""
    have = frozenset(tokens)
    return any(all(group & have for group in alternative) for alternative in need)


def gives(source: str, token: Token, kinds: Iterable[str] | None = None) -> bool:
    """True when the connector `source` can write the data `token` names, and, when the
    tactic claims only some activity `kinds`, the token is not of another kind."""
    kind = token.split(":", 1)[1] if token.startswith("activities:") else None
    if kinds is not None and kind is not None and kind not in set(kinds):
        return False
    return source == ANY_DATA or token in SOURCE_DATA.get(source, frozenset())


def measurable(need: Need, sources: Iterable[str], kinds: Iterable[str] | None = None) -> bool:
    """True when the sources give, for one alternative, a token of each of its groups."""
    return any(not lacking for lacking in _lacking(need, tuple(sources), kinds))


def missing(
    need: Need, sources: Iterable[str], kinds: Iterable[str] | None = None
) -> tuple[Token, ...]:
    """For the alternative closest to holding, each group none of whose tokens the sources
    give (its tokens joined by "|"): what the sources lack."""
    found = sorted(_lacking(need, tuple(sources), kinds), key=len)
    return found[0] if found else ()


def _lacking(
    need: Need, sources: tuple[str, ...], kinds: Iterable[str] | None
) -> list[tuple[Token, ...]]:
    claimed = None if kinds is None else tuple(kinds)
    return [
        tuple(
            "|".join(sorted(group))
            for group in alternative
            if not any(gives(s, token, claimed) for s in sources for token in group)
        )
        for alternative in need
    ]


def sources_for(need: Need, kinds: Iterable[str] | None = None) -> tuple[str, ...]:
    """The connectors that could measure `need` on their own, `csv` last."""
    claimed = None if kinds is None else tuple(kinds)
    named = [s for s in SOURCE_DATA if s != ANY_DATA and measurable(need, [s], claimed)]
    return (*named, ANY_DATA) if measurable(need, [ANY_DATA], claimed) else tuple(named)


def describe_need(need: Need) -> str:
    """A need in words: `demo_request conversions and touchpoints`."""
    return " or ".join(
        " and ".join(describe("|".join(sorted(group))) for group in alternative)
        for alternative in need
    )


def describe(token: str) -> str:
    """A token in words: `conversions:lead|conversions:order` → `lead or order conversions`."""
    parts = token.split("|")
    table = parts[0].split(":")[0].split(".")[0]
    values = [p.split(":", 1)[1] if ":" in p else p.split(".", 1)[-1] for p in parts]
    joined = " or ".join(values)
    if table == "activities" and ":" in parts[0]:
        return f"activities of kind {joined}"
    if table == "activities":
        return f"activities with {joined} counts"
    if table == "conversions":
        return f"{joined} conversions"
    if token == X_REPLIES:
        return "X replies (their ids date what they answer)"
    if table == "metric_snapshots":
        return f"snapshots of {joined}"
    return joined
