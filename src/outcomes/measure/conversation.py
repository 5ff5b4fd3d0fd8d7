"""Conversation health: do we listen and respond at least as often as we push?

From the warehouse's `activities`, per channel and account (or any other grouping):

* **inbound**: mentions, comments and messages that came in (`INBOUND_KINDS`), a
  customer's private messages read in turns (`outcomes.measure.message_turns`): the
  messages one person sends before our answer are one wait, from the first, and our
  answer to any of them answers it;
* **answered**: those with at least one reply or message of ours whose `in_reply_to` is
  their id; **first response** = our earliest such answer minus their time, in minutes
  (median and 90th percentile, calendar time);
* **business-hours first response**: the same waits counted only while the organisation is
  at work (the plan's `organisation.business_hours`, `outcomes.measure.business_hours`),
  so a Friday-evening mention answered on Monday morning is not a weekend-long failure;
* **response rate** = answered ÷ inbound;
* **answered within target**, where a group has a response-time target (a tactic's
  `first_response_minutes` or `first_response_business_minutes` benchmark): the share of
  inbound items whose first answer came within it, in calendar or business time;
  unanswered items count as missed;
* **still waiting past the target**, for such a group: an inbound item not answered yet
  whose wait so far (to the newest activity in the data, in the target's clock) is
  already longer than the target. Its first response is at least that wait, so
  `median_with_waiting` is the median of the answered waits and these: a median of the
  answered ones alone would read as met while a message waits unanswered past the
  target. An item waiting less than the target is left out (it may yet be answered in
  time); the benchmark on the metric is judged on this median (`outcomes.measure.benchmarks`);
* **listen-and-respond-to-push ratio** = our replies and messages ÷ our own posts. It is
  measured only for a group with some activity from an export that can hold our answers
  (`answerless_sources`): a page's post export (LinkedIn, Meta, YouTube) holds posts and
  never the replies under them, so 12 posts from it and no reply is not "0 replies", it
  is replies not loaded yet. Such a group has no ratio and is not flagged `push-heavy`.

The first answer to an item is the earliest of ours (ties by id); `responder_health`
groups by who gave it: per operator, how many conversations they opened and how fast.

Some exports hold our answers but not what they answer: an X archive has our replies and
the ids they reply to, never the tweets themselves. Such a reply still counts as an
answered conversation (`answered_unseen`), and on X its inbound time is read off the id
(X ids are Snowflakes: milliseconds since 2010-11-04 01:42:54.657 UTC in the bits above
22), so first-response times stay measurable; the response rate is then unknown, since
the unanswered ones are not in the export, and is left empty rather than guessed (the
share within target is then a share of the answered ones). Where the export holds some
inbound items beside such replies (an X archive's direct messages), the share of those
answered is `held_response_rate`, shown as "75% of held" with `rate_note` saying what it
leaves out: the replies to posts not in the export, and any of those never answered.

Flags: `low-response` when the response rate is under `low_response` (default 0.5),
`push-heavy` when the ratio is under 1 (the seeds: listen and respond at least as often
as you push). Accounts are compared in one spelling (`account_key`): lower case, runs of
spaces and underscores as `-`, no leading `@`. All counting runs in the engine; one row
per group comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from outcomes.catalog.measurable import ANY_DATA, SOURCE_DATA
from outcomes.measure.business_hours import DEFAULT_HOURS
from outcomes.measure.mapping import materialised_activities, within_dates
from outcomes.measure.message_turns import takes_turns, turn_openings
from outcomes.measure.response_waits import Key, ResponseTarget, Waits
from outcomes.plan import Plan
from outcomes.plan.model import BusinessHours, Person
from outcomes.tables import INBOUND_KINDS
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

ANSWER_KINDS: Final = ("reply", "message")
X_EPOCH_MS: Final = 1_288_834_974_657
SNOWFLAKE_SHIFT: Final = 1 << 22
LOW_RESPONSE: Final = 0.5
PUSH_MODES: Final = frozenset({"publish", "advertise", "advocate", "event"})


def answerless_sources() -> tuple[str, ...]:
    """The connectors whose exports hold activities but never a reply or message of ours."""
    return tuple(
        sorted(
            name
            for name, data in SOURCE_DATA.items()
            if name != ANY_DATA
            and any(token.startswith("activities:") for token in data)
            and not data & {f"activities:{kind}" for kind in ANSWER_KINDS}
        )
    )


@dataclass(frozen=True, slots=True)
class ConversationHealth:
    """One group's (a channel's, an account's, a tactic's) conversation numbers and flags."""

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
    """The same waits counted in business hours only (the plan's `business_hours`)."""
    p90_first_response_business_minutes: float | None
    own_posts: int
    answers: int
    listen_push_ratio: float | None
    flags: tuple[str, ...]
    target: ResponseTarget | None = None
    answered_within_target: float | None = None
    """Share answered in time of the inbound items the export holds, answered or not, and
    of the answers to items it does not hold (X's public replies)."""
    waiting_past_target: int = 0
    """Inbound items not answered yet that have waited longer than `target` so far."""
    median_with_waiting: float | None = None
    """The median first response in the target's clock, each item `waiting_past_target`
    counted as its wait so far; None when no item waits past the target."""
    held_response_rate: float | None = None
    """Where `response_rate` is None for answers to items the export does not hold (X's
    public replies) beside items it does hold (direct messages): the share of the held
    items answered, which leaves those replies out; None otherwise."""

    @property
    def rate_words(self) -> str:
        """The response-rate cell of every table: "75%", "75% of held" or "–"."""
        if self.response_rate is not None:
            return f"{self.response_rate:.0%}"
        if self.held_response_rate is not None:
            return f"{self.held_response_rate:.0%} of held"
        return "–"

    @property
    def rate_note(self) -> str | None:
        """What a rate of the held items leaves out, in one sentence; None without one."""
        if self.held_response_rate is None or self.inbound is None:
            return None
        answered = self.answered - self.answered_unseen
        return (
            f"{answered} of the {self.inbound} messages the export holds were answered; "
            f"{self.answered_unseen} answers to posts it does not hold (replies to public "
            "posts) are left out of the rate, as are any such posts never answered"
        )


@dataclass(frozen=True, slots=True)
class ResponderHealth:
    """Who answered first, per channel: a plan person, or the author as the export names it."""

    channel: str
    responder: str
    person: str | None
    """The plan person's id, when the author is one of the plan's people."""
    answered_first: int
    median_first_response_minutes: float | None
    p90_first_response_minutes: float | None
    median_first_response_business_minutes: float | None
    p90_first_response_business_minutes: float | None
    answers: int
    own_posts: int
    listen_push_ratio: float | None


def conversation_health(
    activities: ibis.Table,
    *,
    by: Sequence[str] = ("channel",),
    low_response: float = LOW_RESPONSE,
    hours: BusinessHours = DEFAULT_HOURS,
    targets: Mapping[Key, ResponseTarget] | None = None,
    own: ibis.Table | None = None,
    waited_to: dt.datetime | None = None,
    ends: Mapping[Key, dt.datetime] | None = None,
) -> list[ConversationHealth]:
    """Conversation health per group of `by` columns of `activities` (see module doc).

    `targets` maps a group's key (its `by` values, in order) to its response-time target.
    `own`: every activity of ours, when `activities` is a part of them (a tactic's), so
    that a reply continuing our own post (a thread) is no answer to an item not exported,
    whichever part the post is in; by default `activities` itself. `waited_to`: the instant
    unanswered items wait to, when not the newest activity of `activities`. `ends`: per
    group key, the instant its items stop waiting when that comes first (a tactic's last
    day: a message unanswered when its tactic ended waits no longer than that).
    """
    keys = list(by)
    a = activities
    if "account" in keys:
        a = a.mutate(account=account_key(a.account))
    seen, unseen = _conversations(a, keys, activities if own is None else own)
    answered = seen.filter(seen.first.notnull())
    # One row per answered item leaves the engine (its first answer's time and the wait):
    # business hours need clock times, for which engines share no calendar function.
    answered_rows = answered.select(*keys, "first", "minutes").union(
        unseen.select(*[unseen[f"answer_{k}"].name(k) for k in keys], "first", "minutes")
    )
    timed = answered_rows.filter(answered_rows.minutes.notnull())
    answers = _answers(a)
    counts = {
        "inbound": _count(seen, keys),  # waits: a customer's messages before our answer are one
        "answered": _count(answered, keys),
        "unseen": _count(unseen.select(*[unseen[f"answer_{k}"].name(k) for k in keys]), keys),
        "posts": _count(a.filter(a.kind == "post"), keys),
        "answers": _count(answers, keys),
        "answerable": _count(a.filter(~a.source.isin(answerless_sources())), keys),
    }
    found, timed_rows = _counts_and_rows(counts, timed, keys)
    waits = Waits(timed_rows, keys, hours)
    if targets:
        unanswered = seen.filter(seen.first.isnull() & seen.ts.notnull())
        import pyarrow as pa

        newest = a.ts.max().to_pyarrow() if waited_to is None else pa.scalar(waited_to)
        waits.add_waiting(to_arrow(unanswered.select(*keys, "ts")), newest, ends or {})
    counted = (table for name, table in found.items() if name != "answerable")
    groups = sorted({key for table in counted for key in table} | set(waits.rows_of), key=_sort_key)
    targets = targets or {}
    return [_health(keys, key, found, waits, targets.get(key), low_response) for key in groups]


def tactic_conversation(
    plan: Plan,
    activities: ibis.Table,
    *,
    as_of: dt.date | None = None,
    mapped: ibis.Table | None = None,
) -> list[ConversationHealth]:
    """Conversation health per tactic (activities mapped by the plan), with their targets.

    With `as_of` (the scorecard's day, a benchmark's), over each tactic's dates to that
    day (`within_dates`): a comment before the tactic began is not its to answer, and an
    answer after `as_of` was not given by then, so an item unanswered that day waits to
    its end. Without, every activity each tactic claims, whenever it was.

    A tactic's target is its `first_response_minutes` benchmark's target, in calendar
    time, or its `first_response_business_minutes` one's, in business hours. Tactics that
    only push (publish, advertise, advocate, event) are not flagged `push-heavy`: their
    channel's listening is another tactic's work, and the channel rows judge the balance.
    `mapped`: these activities already mapped by the plan (`mapped_activities`), when the
    caller keeps them for several measures (`build_scorecard` does).
    """
    if mapped is None:
        # Kept in the engine while measuring: inlined in the one query that reads it three
        # times, the mapping's CASE columns took DuckDB's optimiser 2 s, on any warehouse.
        with materialised_activities(plan, activities) as kept:
            return tactic_conversation(plan, activities, as_of=as_of, mapped=kept)
    claimed = mapped.filter(mapped.tactic.notnull())
    mine = claimed if as_of is None else within_dates(plan, mapped, as_of)
    found = conversation_health(
        mine,
        by=("tactic",),
        hours=plan.organisation.business_hours,
        targets=response_targets(plan),
        own=mapped,  # a thread under a post no tactic claims is still no customer's answer
        waited_to=None if as_of is None else _end_of(as_of, mapped),
        ends={(t.id,): _midnight_after(t.end) for t in plan.tactics},
    )
    pushing = {t.id for t in plan.tactics if t.mode in PUSH_MODES}
    return [
        replace(h, flags=tuple(f for f in h.flags if f != "push-heavy"))
        if h.group["tactic"] in pushing
        else h
        for h in found
    ]


def _end_of(day: dt.date, activities: ibis.Table) -> dt.datetime | None:
    """The end of `day`, or the newest of `activities` when they stop before it: the
    instant an unanswered item has waited to by then (None without activities)."""
    newest = to_arrow(activities.ts.max()).as_py()
    if not isinstance(newest, dt.datetime):
        return None
    return min(newest.astimezone(dt.UTC), _midnight_after(day))


def _midnight_after(day: dt.date) -> dt.datetime:
    """The end of `day` (UTC), as `within_dates` reads a tactic's dates."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def response_targets(plan: Plan) -> dict[Key, ResponseTarget]:
    """Each tactic's response-time target, keyed as `conversation_health(by=("tactic",))`."""
    found: dict[Key, ResponseTarget] = {}
    for tactic in plan.tactics:
        for benchmark in tactic.benchmarks:
            business = benchmark.metric == "first_response_business_minutes"
            if business or benchmark.metric == "first_response_minutes":
                found.setdefault((tactic.id,), ResponseTarget(benchmark.target, business))
    return found


def responder_health(
    activities: ibis.Table,
    people: Sequence[Person] = (),
    *,
    hours: BusinessHours = DEFAULT_HOURS,
) -> list[ResponderHealth]:
    """Per channel and responder: conversations they answered first, how fast, how often.

    The author of each answer and post is matched to the plan's `people` by id or name
    (any case, with or without `@`); an author who is none of them keeps the export's name.
    """
    a = activities.mutate(person=person_of(activities.author, people))
    a = a.mutate(responder=a.person.fill_null(a.author.fill_null("(unknown)")))
    keys = ["channel", "responder", "person"]
    seen, unseen = _conversations(a, keys, a)
    rows = seen.filter(seen.first.notnull()).select(
        *[seen[f"answer_{k}"].name(k) for k in keys], "first", "minutes"
    )
    rows = rows.union(
        unseen.select(*[unseen[f"answer_{k}"].name(k) for k in keys], "first", "minutes")
    )
    counts = {
        "first": _count(rows, keys),
        "posts": _count(a.filter(a.kind == "post"), keys),
        "answers": _count(_answers(a), keys),
    }
    found, timed_rows = _counts_and_rows(counts, rows.filter(rows.minutes.notnull()), keys)
    waits = Waits(timed_rows, keys, hours)
    groups = sorted(set(found["first"]) | set(found["answers"]), key=_sort_key)
    out = []
    for key in groups:
        posts, answers = found["posts"].get(key, 0), found["answers"].get(key, 0)
        timing = waits.summary(key)
        out.append(
            ResponderHealth(
                channel=key[0],
                responder=key[1],
                person=key[2],
                answered_first=found["first"].get(key, 0),
                **timing,
                answers=answers,
                own_posts=posts,
                listen_push_ratio=answers / posts if posts else None,
            )
        )
    return out


def account_key(account: Any) -> Any:
    """One spelling per account: exports name a page by its display name or its handle.

    LinkedIn's page export says `northwind-freight-software` where a community tool's
    export says `Northwind Freight Software`; lower case, no leading `@`, and runs of
    spaces or underscores as one `-` make them the same account.
    """
    lowered = account.lower().re_replace(r"^@", "")
    return lowered.re_replace(r"[ _]+", "-")


def person_of(author: Any, people: Sequence[Person]) -> Any:
    """The plan person an author column names (by id or name, any case, no `@`), else null."""
    import ibis

    spelled = author.strip().lower().re_replace(r"^@", "")
    names: dict[str, str] = {}
    for person in people:
        for name in (person.id, person.name):
            names.setdefault(name.strip().casefold(), person.id)
    if not names:
        return ibis.null("string")
    return ibis.cases(*[(spelled == name, pid) for name, pid in names.items()], else_=None)


def _answers(a: ibis.Table) -> ibis.Table:
    return a.filter(a.kind.isin(list(ANSWER_KINDS)) & a.in_reply_to.notnull())


def _conversations(
    a: ibis.Table, answer_columns: Sequence[str], own: ibis.Table
) -> tuple[ibis.Table, ibis.Table]:
    """Every inbound item with its first answer, and first answers to items not exported.

    The first answer's `answer_columns` come along as `answer_<column>`, with `first` (its
    time) and `minutes` (the wait; null where the item's time cannot be known). An answer
    to one of `own`'s activities (our own post) is no answer to an item not exported.
    """
    import ibis

    inbound = a.filter(a.kind.isin(sorted(INBOUND_KINDS)))
    answers = _answers(a)
    rank = ibis.row_number().over(
        group_by=[answers.channel, answers.in_reply_to], order_by=[answers.ts, answers.native_id]
    )
    ranked = answers.mutate(_rank=rank)
    ranked = ranked.filter(ranked._rank == 0)
    first = ranked.select(
        first_channel=ranked.channel,
        first_of=ranked.in_reply_to,
        first=ranked.ts,
        **{f"answer_{c}": ranked[c] for c in answer_columns},
    )
    seen = _seen(inbound, answers, first, answer_columns)
    seen = seen.mutate(minutes=(seen.first.delta(seen.ts, unit="second") / 60.0).cast("float64"))
    own_ids = own.filter(own.native_id.notnull()).select(channel_o=own.channel, id_o=own.native_id)
    unseen = first.anti_join(
        own_ids, (first.first_channel == own_ids.channel_o) & (first.first_of == own_ids.id_o)
    )
    # try_cast: an id that is not a number (a hand-made export) has no time to read.
    snowflake_ms = unseen.first_of.try_cast("int64") // SNOWFLAKE_SHIFT + X_EPOCH_MS
    unseen_minutes = ibis.ifelse(
        unseen.first_channel == "x",
        (unseen.first.epoch_seconds() - snowflake_ms / 1000.0) / 60.0,
        ibis.null("float64"),
    )
    return seen, unseen.mutate(minutes=unseen_minutes.cast("float64"))


def _seen(
    inbound: ibis.Table, answers: ibis.Table, first: ibis.Table, answer_columns: Sequence[str]
) -> ibis.Table:
    """Every wait with `first` (its first answer's time) and the `answer_<column>`s.

    A private message is read in turns (`message_turns`): one wait per run of a
    customer's messages before our answer. Any other item waits on its own, answered by
    what names it in `in_reply_to`.
    """
    wanted = [*inbound.columns, "first", *[f"answer_{c}" for c in answer_columns]]
    turning = takes_turns(inbound)
    messages, alone = inbound.filter(turning), inbound.filter(~turning)
    named = alone.left_join(
        first, (alone.channel == first.first_channel) & (alone.native_id == first.first_of)
    )
    by_key = answers.select(
        _first_key=answers.key,
        first=answers.ts,
        **{f"answer_{c}": answers[c] for c in answer_columns},
    )
    turns = turn_openings(messages.mutate(account=account_key(messages.account)), answers)
    turns = turns.select(_turn_key=turns.key, _answer_key=turns._answer_key)
    opening = messages.inner_join(turns, messages.key == turns._turn_key)
    ended = opening.left_join(by_key, opening._answer_key == by_key._first_key)
    return named.select(*wanted).union(ended.select(*wanted), distinct=False)


def _count(table: Any, keys: list[str]) -> Any:
    return table.group_by(keys).aggregate(n=table.count())


def _counts_and_rows(
    counts: Mapping[str, Any], timed: Any, keys: list[str]
) -> tuple[dict[str, dict[Key, int]], Any]:
    """({name: {key: n}} of named `_count` tables, the `timed` rows), in one round trip.

    The counts and the rows (`keys`, `first`, `minutes`) come back as one union, each row
    labelled with what it is: one query to compile and run instead of one per count and
    one for the rows, on any engine, and the conversations they share are built once.
    """
    import ibis
    import pyarrow.compute as pc

    rows_label = "_rows"
    first = next(iter(counts.values())).schema()
    types = {k: first[k] for k in keys} | {"n": first["n"]}
    types |= {c: timed.schema()[c] for c in ("first", "minutes")}
    # A union needs one schema: a column may be non-null in one part and not another.
    schema = ibis.schema({column: kind.copy(nullable=True) for column, kind in types.items()})
    parts = [
        table.mutate(first=ibis.null(), minutes=ibis.null())
        .cast(schema)
        .mutate(_part=ibis.literal(name))
        for name, table in counts.items()
    ]
    rows = timed.select(*keys, "first", "minutes").mutate(n=ibis.null())
    parts.append(rows.select(*schema.names).cast(schema).mutate(_part=ibis.literal(rows_label)))
    both = to_arrow(ibis.union(*parts, distinct=False))
    is_rows = pc.equal(both["_part"], rows_label)
    found: dict[str, dict[Key, int]] = {name: {} for name in counts}
    for row in both.filter(pc.invert(is_rows)).select([*keys, "n", "_part"]).to_pylist():
        found[row["_part"]][tuple(row[k] for k in keys)] = int(row["n"])
    return found, both.filter(is_rows).select([*keys, "first", "minutes"])


def _sort_key(key: Key) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in key)


def _health(
    keys: list[str],
    key: Key,
    found: dict[str, dict[Key, int]],
    waits: Waits,
    target: ResponseTarget | None,
    low_response: float,
) -> ConversationHealth:
    inbound = found["inbound"].get(key)
    answered = found["answered"].get(key, 0)
    unseen = found["unseen"].get(key, 0)
    posts = found["posts"].get(key, 0)
    answers = found["answers"].get(key, 0)
    rate = answered / inbound if inbound else None
    # Posts alone from exports that never hold our answers say nothing of our listening.
    ratio = answers / posts if posts and found["answerable"].get(key) else None
    flags = []
    if rate is not None and rate < low_response:
        flags.append("low-response")
    if ratio is not None and ratio < 1:
        flags.append("push-heavy")
    timing = waits.summary(key)
    within = None
    waiting: tuple[int, float | None] = (0, None)
    if target is not None:
        waiting = waits.past_target(key, target)
        # Unanswered items missed the target: every inbound item the export holds, answered
        # or not, and the answers to items it does not hold (X's public replies), whose
        # unanswered siblings no export shows. An X archive's direct messages are of the
        # first kind beside public replies of the second.
        out_of = (inbound or answered) + unseen
        within = waits.within(key, target) / out_of if out_of else None
    return ConversationHealth(
        group=dict(zip(keys, key, strict=True)),
        inbound=inbound,
        answered=answered + unseen,
        answered_unseen=unseen,
        response_rate=rate if not unseen else None,
        held_response_rate=rate if unseen else None,
        **timing,
        own_posts=posts,
        answers=answers,
        listen_push_ratio=ratio,
        flags=tuple(flags),
        target=target,
        answered_within_target=within,
        waiting_past_target=waiting[0],
        median_with_waiting=waiting[1],
    )
