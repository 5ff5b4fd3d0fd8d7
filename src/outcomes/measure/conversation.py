"""Conversation health: do we listen and respond at least as often as we push?

From the warehouse's `activities`, per channel and account (or any other grouping):

* **inbound**: mentions, comments and messages that came in (`INBOUND_KINDS`);
* **answered**: those with at least one reply or message of ours whose `in_reply_to` is
  their id; **first response** = our earliest such answer minus their time, in minutes
  (median and 90th percentile, calendar time);
* **business-hours first response**: the same waits counted only Monday to Friday,
  09:00–17:00 UTC (`business_minutes`), so a Friday-evening mention answered on Monday
  morning is not a weekend-long failure;
* **response rate** = answered ÷ inbound;
* **listen-and-respond-to-push ratio** = our replies and messages ÷ our own posts.

Some exports hold our answers but not what they answer: an X archive has our replies and
the ids they reply to, never the tweets themselves. Such a reply still counts as an
answered conversation (`answered_unseen`), and on X its inbound time is read off the id
(X ids are Snowflakes: milliseconds since 2010-11-04 01:42:54.657 UTC in the bits above
22), so first-response times stay measurable; the response rate is then unknown, since
the unanswered ones are not in the export, and is left empty rather than guessed.

Flags: `low-response` when the response rate is under `low_response` (default 0.5),
`push-heavy` when the ratio is under 1 (the seeds: listen and respond at least as often
as you push). Accounts are compared in one spelling (`account_key`): lower case, runs of
spaces and underscores as `-`, no leading `@`. All counting runs in the engine; one row
per group comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import ibis
import numpy as np
import numpy.typing as npt

from outcomes.warehouse.connection import to_arrow
from outcomes.warehouse.schema import INBOUND_KINDS

ANSWER_KINDS: Final = ("reply", "message")
X_EPOCH_MS: Final = 1_288_834_974_657
SNOWFLAKE_SHIFT: Final = 1 << 22
LOW_RESPONSE: Final = 0.5
BUSINESS_HOURS: Final = (9, 17)
"""Opening and closing hour, Monday to Friday, UTC (the plan holds no time zone yet)."""
_CLOCK_START: Final = "1970-01-05"  # a Monday before any export


@dataclass(frozen=True, slots=True)
class ConversationHealth:
    """One group's (a channel's, an account's) conversation numbers and flags."""

    group: dict[str, str | None]
    inbound: int | None
    """Inbound items in the export; None when the export holds none of them (X)."""
    answered: int
    answered_unseen: int
    """Answers to items that are not in the export."""
    response_rate: float | None
    median_first_response_minutes: float | None
    p90_first_response_minutes: float | None
    median_first_response_business_minutes: float | None
    """The same waits counted in business hours only (`BUSINESS_HOURS`, UTC)."""
    p90_first_response_business_minutes: float | None
    own_posts: int
    answers: int
    listen_push_ratio: float | None
    flags: tuple[str, ...]


def conversation_health(
    activities: ibis.Table,
    *,
    by: Sequence[str] = ("channel",),
    low_response: float = LOW_RESPONSE,
) -> list[ConversationHealth]:
    """Conversation health per group of `by` columns of `activities` (see module doc)."""
    keys = list(by)
    a = activities
    if "account" in keys:
        a = a.mutate(account=account_key(a.account))
    inbound = a.filter(a.kind.isin(sorted(INBOUND_KINDS)))
    answers = a.filter(a.kind.isin(list(ANSWER_KINDS)) & a.in_reply_to.notnull())
    first = answers.group_by(["channel", "in_reply_to"]).aggregate(first=answers.ts.min())
    seen = inbound.left_join(
        first, (inbound.channel == first.channel) & (inbound.native_id == first.in_reply_to)
    )
    minutes = (seen.first.delta(seen.ts, unit="second") / 60.0).cast("float64")
    seen = seen.mutate(minutes=minutes)
    own_ids = a.filter(a.native_id.notnull()).select(channel_o=a.channel, id_o=a.native_id)
    in_ids = inbound.select(channel_i=inbound.channel, id_i=inbound.native_id)
    # First answers to items the export does not hold (neither ours nor inbound).
    columns = list(dict.fromkeys(["channel", "in_reply_to", *keys]))
    unseen = first.join(answers.select(*columns).distinct(), ["channel", "in_reply_to"])
    unseen = unseen.anti_join(
        own_ids, (unseen.channel == own_ids.channel_o) & (unseen.in_reply_to == own_ids.id_o)
    )
    unseen = unseen.anti_join(
        in_ids, (unseen.channel == in_ids.channel_i) & (unseen.in_reply_to == in_ids.id_i)
    )
    # try_cast: an id that is not a number (a hand-made export) has no time to read.
    snowflake_ms = unseen.in_reply_to.try_cast("int64") // SNOWFLAKE_SHIFT + X_EPOCH_MS
    unseen_minutes = ibis.ifelse(
        unseen.channel == "x",
        (unseen.first.epoch_seconds() - snowflake_ms / 1000.0) / 60.0,
        ibis.null("float64"),
    )
    unseen = unseen.mutate(minutes=unseen_minutes.cast("float64"))
    # One row per answered item leaves the engine (its first answer's time and the wait):
    # business hours need clock times, for which engines share no calendar function.
    answered_rows = (
        seen.filter(seen.first.notnull())
        .select(*keys, "first", "minutes")
        .union(unseen.select(*keys, "first", "minutes"))
    )
    timed = answered_rows.filter(answered_rows.minutes.notnull())
    counts = {
        "inbound": _count(inbound, keys),
        "answered": _count(seen.filter(seen.first.notnull()), keys),
        "unseen": _count(unseen, keys),
        "posts": _count(a.filter(a.kind == "post"), keys),
        "answers": _count(answers, keys),
    }
    found = {name: _by_key(table, keys) for name, table in counts.items()}
    times = _timing(to_arrow(timed), keys)
    groups = sorted(
        {key for table in found.values() for key in table} | set(times),
        key=lambda k: tuple("" if v is None else str(v) for v in k),
    )
    return [_health(keys, key, found, times.get(key), low_response) for key in groups]


def account_key(account: Any) -> Any:
    """One spelling per account: exports name a page by its display name or its handle.

    LinkedIn's page export says `northwind-freight-software` where a community tool's
    export says `Northwind Freight Software`; lower case, no leading `@`, and runs of
    spaces or underscores as one `-` make them the same account.
    """
    lowered = account.lower().re_replace(r"^@", "")
    return lowered.re_replace(r"[ _]+", "-")


def _count(table: Any, keys: list[str]) -> Any:
    return table.group_by(keys).aggregate(n=table.count())


def business_minutes(
    start: npt.NDArray[np.datetime64], end: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.float64]:
    """Minutes between `start` and `end` that fall in business hours (see `BUSINESS_HOURS`).

    Each instant is placed on a clock that only runs Monday to Friday between the opening
    and closing hour (UTC); the difference of two readings is the business time between
    them, so a mention on Friday at 16:30 answered on Monday at 9:30 waited 60 minutes.
    """
    return _business_clock(end) - _business_clock(start)


def _business_clock(when: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    opening, closing = BUSINESS_HOURS
    per_day = (closing - opening) * 60.0
    day = when.astype("datetime64[D]")
    minute = (when - day).astype("timedelta64[s]").astype(np.float64) / 60.0
    today = np.where(np.is_busday(day), np.clip(minute - opening * 60, 0.0, per_day), 0.0)
    before = np.busday_count(np.datetime64(_CLOCK_START, "D"), day).astype(np.float64)
    return np.asarray(before * per_day + today, dtype=np.float64)


def _timing(table: Any, keys: list[str]) -> dict[tuple[Any, ...], dict[str, float]]:
    """Median and p90 first-response minutes per group, in calendar and business time."""
    if table.num_rows == 0:
        return {}
    minutes = table["minutes"].to_numpy().astype(np.float64)
    end = table["first"].to_numpy().astype("datetime64[s]")
    start = end - (minutes * 60).round().astype("timedelta64[s]")
    business = business_minutes(start, end)
    columns = [table[k].to_pylist() for k in keys]
    rows_of: dict[tuple[Any, ...], list[int]] = {}
    for index, key in enumerate(zip(*columns, strict=True)):
        rows_of.setdefault(key, []).append(index)
    found = {}
    for key, rows in rows_of.items():
        calendar, worked = minutes[rows], business[rows]
        found[key] = {
            "median": float(np.median(calendar)),
            "p90": float(np.quantile(calendar, 0.9)),
            "median_business": float(np.median(worked)),
            "p90_business": float(np.quantile(worked, 0.9)),
        }
    return found


def _by_key(table: Any, keys: list[str]) -> dict[tuple[Any, ...], int]:
    return {tuple(r[k] for k in keys): int(r["n"]) for r in to_arrow(table).to_pylist()}


def _health(
    keys: list[str],
    key: tuple[Any, ...],
    found: dict[str, dict[tuple[Any, ...], int]],
    timing: dict[str, float] | None,
    low_response: float,
) -> ConversationHealth:
    inbound = found["inbound"].get(key)
    answered = found["answered"].get(key, 0)
    unseen = found["unseen"].get(key, 0)
    posts = found["posts"].get(key, 0)
    answers = found["answers"].get(key, 0)
    rate = answered / inbound if inbound else None
    ratio = answers / posts if posts else None
    flags = []
    if rate is not None and rate < low_response:
        flags.append("low-response")
    if ratio is not None and ratio < 1:
        flags.append("push-heavy")
    return ConversationHealth(
        group=dict(zip(keys, key, strict=True)),
        inbound=inbound,
        answered=answered + unseen,
        answered_unseen=unseen,
        response_rate=rate if not unseen else None,
        median_first_response_minutes=None if timing is None else timing["median"],
        p90_first_response_minutes=None if timing is None else timing["p90"],
        median_first_response_business_minutes=None
        if timing is None
        else timing["median_business"],
        p90_first_response_business_minutes=None if timing is None else timing["p90_business"],
        own_posts=posts,
        answers=answers,
        listen_push_ratio=ratio,
        flags=tuple(flags),
    )
