"""Journey paths from the warehouse: the engine turns touchpoints and conversions into paths.

`journey_paths` builds one Ibis expression that reduces the `touchpoints` and
`conversions` tables to the per-distinct-path summary the attribution models need
(`path`, `total_conversions`, `total_conversion_value`, `total_null`), so the heavy work
(joins, windows, ordered path building, grouping) runs inside the engine and only one row
per distinct path comes back. The same expression runs on DuckDB and on Spark (Ibis'
PySpark backend) with identical results, so it is written in operations both compile
alike: no ordered string aggregate, no `strip()`, no calendar-day intervals (see
`_ordered_paths`, `_strip` and the credit window below).
`paths_from_warehouse` executes it and builds a `PathCounts`. The same journeys, cut into
per-conversion paths and the touches of no conversion yet (`journey_segments`), give
any number of credit periods in one query (`period_paths`); `JourneyStore`
(`outcomes.measure.attribution.store`) keeps their parts built once per warehouse state.

Conventions (each a parameter of `journey_paths`, default in brackets):

* **Journey** [`join_on="person"`]: all touchpoints of one person; a conversion belongs
  to the journey of the same person. With `join_on="person"` identities are stitched:
  a row's person is its customer id when it has one, else the customer id seen with its
  `journey_id` on any touchpoint or conversion (a GA4 `user_pseudo_id` that sent a
  lead event with the CRM contact id, say; the smallest when there are several), else
  its `journey_id`. Customer ids are compared without a leading `system:` prefix
  (`hubspot:123` and `123` are one person), because web analytics carry the CRM's bare
  id. `join_on="journey_id"` or `"customer_id"` use that column as it is. Rows whose
  key is null belong to no journey and are ignored.
* **Touch sources** [`sources=None`, all]: only touchpoints loaded from these sources
  (`ga4`, `hubspot`, ...) make steps. A CRM's "original source" touch repeats the web
  analytics' first touch, so pick one of them when both are loaded.
* **Conversions** [`conversion_types=("deal_won", "order")`]: only conversions of these
  types count (a won deal's `new_customer` row would count the same sale twice). Their
  `value` is summed into `total_conversion_value` (a null value counts as 0).
* **Scope** [`scope=None`, every conversion]: only conversions in this scope
  (`outcomes.measure.scope`: pipelines, segments, products, sources, channels, types; a
  goal's scope; a new customer is in the pipeline of the first deal they won) make
  conversion events, so the journeys of one scope never credit
  another; a journey's previous conversion is its previous one in the scope. A journey
  whose conversions (of the chosen types) all fall outside the scope belongs to another
  scope's goal: it is not a non-converting path of this one (a patient who booked is not
  an employer who did not sign), so its touches make no path at all; nor does a journey
  without a conversion in scope that touched a tactic the plan aims at other conversions
  only (`outcomes.measure.scope.aimed_elsewhere`: a patient ad's visitor who did not book).
* **Purchases** [`purchases="all"`]: `"repeat"` makes only *repeat* conversions
  conversion events: those of a journey that already had a conversion of the chosen
  types before (at an earlier instant, in any scope, any time in the warehouse); with
  `join_on="person"` the journey is the customer. `"first"` makes only the others
  conversion events. The conversions left out still end the paths before them (a first
  purchase owns the touches leading up to it, so a repeat purchase is credited only
  with the touches since the previous one); their paths are in no count. With
  `"repeat"`, only the journeys of customers (a conversion of the chosen types at any
  time) make non-converting paths: a customer not back yet is retention's failure, a
  prospect who never bought is not. With `"first"` non-converting paths are as with
  `"all"`. Retention's return is measured on repeat purchases (`outcomes.measure.returns`).
* **Credit window** [`lookback_days=90`]: a conversion credits the touches of its journey
  at or before its time, after the journey's previous conversion, and no more than
  `lookback_days` × 24 hours before it (inclusive, whatever the engine's time zone);
  `None` means no window. Touches before the previous conversion belong to that
  conversion; touches outside the window of the conversion they precede are in no path.
* **Several conversions on one journey**: each produces its own path, made of the
  touches since the previous conversion (ChannelAttribution's input assumes one path per
  conversion). Conversions at the same instant on one journey share one path, which
  counts all of them and sums their value.
* **Non-converting path**: the touches after a journey's last conversion, or all touches
  of a journey with no conversion, form one path counted in `total_null` (no window
  applies: the journey has not converted yet).
* **Credit period** [`credit_period=None`]: (start, end) instants, end excluded; only
  conversions in it produce converting paths, and only touches in it non-converting
  ones. Identity links and each conversion's previous conversion still come from all
  conversions, so a period's paths are those of the whole history cut to the period
  (filtering the conversions table first would lose both).
* **Conversions with no touch** in their window produce no path (a path needs at least
  one step) and are left out of the totals.
* **Steps** [`by="channel"`]: the touchpoint's `channel`; when that is null or blank, its
  raw `utm_source`; when that is missing too, `direct_label` [`"direct"`]. With
  `by="tactic"` the step is the tactic `outcomes.measure.mapping.mapped_touchpoints` gives
  the touchpoint under `plan`, and touchpoints of no tactic become untracked steps so
  the chain still passes through them. An untracked touch on a channel through which
  some tactic brings an audience (any mode but `listen` and `respond`) keeps that
  channel (as `by="channel"` gives it): `unplanned:facebook`, so a patient's untracked
  Facebook visit and an employer's untracked LinkedIn visit stay two states, not one
  shared by both. Touches on other channels (direct, organic search, a referring site,
  a channel the plan only answers on) are one step, `unplanned`: the plan reaches no
  audience of its own there, and a state for each would only thin every tactic's Markov
  and Shapley credit with more states per path (on the demo company, before the direct
  rule, social selling fell from 0.53× to 0.35× of its planted revenue with one state per
  raw channel, and Shapley's revenue tactics together to 0.74× with a state for X, where
  the plan only answers support questions).
* **Direct touches** [`skip_direct=True`]: a touch whose step by channel is
  `direct_label` and that no tactic claims is left out of every path, converting or not,
  that has another touch; a path of direct touches only keeps them, so its sale is still
  credited (to `direct`, or `unplanned` by tactic). Google Analytics 4's rule; why, and
  `False`, in `outcomes.measure.attribution.direct`.
* **Order and text**: steps are ordered by touch time (ties by the touchpoint's natural
  key, so the result is deterministic), joined by `" > "`, and kept as observed (repeats
  included; `PathCounts` collapses on request). A `>` inside a step name would split the
  step when the path is read back, so it is replaced by `-`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypedDict

from typing_extensions import Unpack

from outcomes.measure.attribution.direct import direct_touch, without_direct
from outcomes.measure.attribution.identity import blank_to_null, with_person
from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.mapping import mapped_touchpoints
from outcomes.measure.scope import (
    SCOPE_COLUMNS,
    Scope,
    aimed_elsewhere,
    in_scope,
    with_deal_fields,
)
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

PATH_SEPARATOR: Final = " > "
CONVERSATION_MODES: Final = frozenset({"listen", "respond"})
"""Tactic modes that answer on a channel rather than bring an audience through it."""
UNPLANNED: Final = "unplanned"
"""The step of touches no tactic claims; `unplanned:facebook` on a channel a tactic works."""
DEFAULT_CONVERSION_TYPES: Final = ("deal_won", "order")
JoinOn = Literal["person", "journey_id", "customer_id"]
Purchases = Literal["all", "first", "repeat"]


class JourneyOptions(TypedDict, total=False):
    """How journeys are built; every function here takes these as keyword arguments.

    The module docstring gives each convention; `JOURNEY_DEFAULTS` the defaults.
    """

    by: Literal["channel", "tactic"]
    plan: Plan | None
    conversion_types: Sequence[str]
    lookback_days: int | None
    join_on: JoinOn
    sources: Sequence[str] | None
    direct_label: str
    credit_period: tuple[dt.datetime, dt.datetime] | None
    scope: Scope | None
    purchases: Purchases
    skip_direct: bool


JOURNEY_DEFAULTS: Final[JourneyOptions] = {
    "by": "channel",
    "plan": None,
    "conversion_types": DEFAULT_CONVERSION_TYPES,
    "lookback_days": 90,
    "join_on": "person",
    "sources": None,
    "direct_label": "direct",
    "credit_period": None,
    "scope": None,
    "purchases": "all",
    "skip_direct": True,
}
Span = tuple[dt.datetime, dt.datetime]
"""A credit period: (start, end) instants, end excluded."""


_RANK_WIDTH: Final = 10  # digits of a step's rank in its path: up to 10**10 steps


def _steps(
    touchpoints: Any, by: Literal["channel", "tactic"], plan: Plan | None, direct_label: str
) -> Any:
    """Touchpoints with the step each one contributes to a path, as column `step`, and
    whether it is a direct touch no tactic claims, as column `direct`."""
    import ibis

    if by == "tactic":
        if plan is None:
            raise ValueError('by="tactic" needs the plan whose tactics the steps are')
        mapped = mapped_touchpoints(plan, touchpoints)
        channel = _channel_step(mapped, direct_label)
        direct = direct_touch(channel, direct_label, mapped.tactic)
        worked = sorted({t.channel for t in plan.tactics if t.mode not in CONVERSATION_MODES})
        unplanned = ibis.ifelse(
            channel.isin(worked), ibis.literal(UNPLANNED + ":") + channel, ibis.literal(UNPLANNED)
        )
        step = mapped.tactic.fill_null(unplanned)
        table = mapped
    elif by == "channel":
        step = _channel_step(touchpoints, direct_label)
        direct = direct_touch(step, direct_label)
        table = touchpoints
    else:
        raise ValueError(f'by must be "channel" or "tactic", not {by!r}')
    # The path text is split on ">" when read back; a ">" in a name must not split it.
    return table.mutate(step=step.replace(">", "-"), direct=direct)


def _channel_step(t: Any, direct_label: str) -> Any:
    """A touch's channel, else its raw utm_source, else `direct_label`."""
    import ibis

    return ibis.coalesce(
        blank_to_null(t.channel), blank_to_null(t.utm_source), ibis.literal(direct_label)
    )


def is_unplanned(step: str) -> bool:
    """True for the step of touches no tactic claims (`unplanned:facebook`)."""
    return step == UNPLANNED or step.startswith(UNPLANNED + ":")


def _ordered_paths(table: Any, keys: list[str]) -> Any:
    """One row per group of `keys` with its `path`: the steps joined in touch order.

    An ordered string aggregate (`string_agg(step ORDER BY ...)`) would say this directly,
    but Spark has none that Ibis compiles, and DuckDB 2 refuses the lambdas Ibis writes
    for mapping over a sorted array of structs. So each step is prefixed with its rank in
    (time, natural key, step) order, zero-padded to a fixed width, the prefixed steps are
    collected and sorted as plain strings (the ranks are distinct, so the order is the
    rank order on every engine), joined, and the prefixes cut out again. A prefix ends in
    `>`, which no step contains and which the separator has after a space, so the cut
    cannot touch a step's own text.
    """
    import ibis

    rank = ibis.row_number().over(
        ibis.window(group_by=keys, order_by=[table.ts, table.tie, table.step])
    )
    ranked = table.mutate(_rank=rank)
    prefixed = ranked._rank.cast("string").lpad(_RANK_WIDTH, "0") + ">" + ranked.step
    joined = prefixed.collect().sort().join(PATH_SEPARATOR)
    return ranked.group_by(keys).aggregate(path=joined.re_replace(f"[0-9]{{{_RANK_WIDTH}}}>", ""))


def journey_parts(
    touchpoints: ibis.Table, conversions: ibis.Table, **options: Unpack[JourneyOptions]
) -> tuple[Any, Any, Any]:
    """(touches, conversion events, credited touches), as Ibis expressions.

    `touches`: `jkey`, `ts`, `tie`, `step`, `direct` (`journey_touches`); `events`: one per journey
    and instant, with `ckey`, `cts`, `n` (conversions), `amount` (value) and `prev_cts`
    (`journey_events`); `credited`: each touch joined to the event it leads up to, within
    the window the module docstring gives (`credited_touches`). `journey_paths` and the
    time-decay credit are built from these. `options` are the `JourneyOptions`; anything
    left out takes its default.
    """
    o = _checked(options)
    touches = journey_touches(touchpoints, conversions, **o)
    events = journey_events(touchpoints, conversions, **o)
    credited = credited_touches(
        touches,
        events,
        lookback_days=o["lookback_days"],
        credit_period=o["credit_period"],
        skip_direct=o["skip_direct"],
    )
    return touches, events, credited


def _checked(options: JourneyOptions) -> JourneyOptions:
    """`options` with the defaults filled in; ValueError for a value that cannot be."""
    o: JourneyOptions = {**JOURNEY_DEFAULTS, **options}
    if o["join_on"] not in ("person", "journey_id", "customer_id"):
        raise ValueError(
            f'join_on must be "person", "journey_id" or "customer_id", not {o["join_on"]!r}'
        )
    if o["sources"] is not None and not o["sources"]:
        raise ValueError("sources is empty: no touchpoint could count")
    lookback_days = o["lookback_days"]
    if lookback_days is not None and lookback_days < 0:
        raise ValueError(f"lookback_days must be 0 or more, or None; got {lookback_days}")
    if not o["conversion_types"]:
        raise ValueError("conversion_types is empty: no conversion could count")
    if o["purchases"] not in ("all", "first", "repeat"):
        raise ValueError(f'purchases must be "all", "first" or "repeat", not {o["purchases"]!r}')
    return o


def journey_touches(
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    stitched: bool = False,
    **options: Unpack[JourneyOptions],
) -> Any:
    """The touches that make steps: `jkey` (journey), `ts`, `tie` (natural key), `step`,
    `direct` (a direct touch no tactic claims: `outcomes.measure.attribution.direct`).

    Of the `JourneyOptions` only `by`, `plan`, `direct_label`, `join_on` and `sources`
    matter (the conversions link identities). `stitched`: the `touchpoints` have their
    `person` already (`stitched_touchpoints`; a `JourneyStore` keeps them).
    """
    o = _checked(options)
    join_on, sources = o["join_on"], o["sources"]
    if join_on == "person" and not stitched:
        # Stitched before the source filter: every source's ids help link a person.
        touchpoints, _ = with_person(touchpoints, conversions)
    if sources is not None:
        touchpoints = touchpoints.filter(touchpoints.source.isin(list(sources)))
    stepped = _steps(touchpoints, o["by"], o["plan"], o["direct_label"])
    return stepped.filter(stepped[join_on].notnull()).select(
        jkey=stepped[join_on], ts=stepped.ts, tie=stepped.key, step=stepped.step,
        direct=stepped.direct,
    )  # fmt: skip


def journey_events(
    touchpoints: ibis.Table, conversions: ibis.Table, **options: Unpack[JourneyOptions]
) -> Any:
    """One conversion event per journey and instant: `ckey`, `cts`, `n`, `amount`, `prev_cts`.

    Of the `JourneyOptions` only `conversion_types`, `scope`, `purchases` and `join_on`
    matter (the touchpoints link identities). With `purchases` other than "all" an event
    also has `converts`: whether it is a conversion event (see the module docstring).
    """
    o = _checked(options)
    keyed = journey_conversions(touchpoints, conversions, join_on=o["join_on"])
    return conversion_events(keyed, o["conversion_types"], o["scope"], o["purchases"])


def stitched_touchpoints(touchpoints: ibis.Table, conversions: ibis.Table) -> Any:
    """The touchpoints with their stitched `person` (see the module docstring)."""
    return with_person(touchpoints, conversions)[0]


def journey_conversions(
    touchpoints: ibis.Table, conversions: ibis.Table, *, join_on: JoinOn
) -> Any:
    """The conversions with a journey: `jkey`, `ts`, `type`, `value` and the columns a scope
    filters on (the touchpoints link identities when `join_on` is "person"); a new
    customer's are those of the deal that made them one (`with_deal_fields`)."""
    conversions = with_deal_fields(conversions)
    if join_on == "person":
        _, conversions = with_person(touchpoints, conversions)
    c = conversions
    scoped = {name: c[name] for name in SCOPE_COLUMNS if name != "type"}
    return c.filter(c[join_on].notnull()).select(
        jkey=c[join_on], ts=c.ts, type=c.type, value=c.value, **scoped
    )


def conversion_events(
    keyed: Any,
    conversion_types: Sequence[str],
    scope: Scope | None = None,
    purchases: Purchases = "all",
) -> Any:
    """`journey_events` from `journey_conversions` built already (a `JourneyStore` keeps them)."""
    import ibis

    typed = keyed.filter(keyed.type.isin(list(conversion_types)))
    chosen = in_scope(typed, scope)
    # One event per (journey, instant): simultaneous conversions share one path, and the
    # previous event is then always strictly earlier, so every touch has one owner.
    events = chosen.group_by(ckey=chosen.jkey, cts=chosen.ts).aggregate(
        n=chosen.count().cast("float64"),
        amount=chosen.value.fill_null(0.0).sum().cast("float64"),
    )
    events = events.mutate(
        prev_cts=events.cts.lag().over(ibis.window(group_by=events.ckey, order_by=events.cts))
    )
    if purchases == "all":
        return events
    # A repeat purchase: its journey converted before, in any scope.
    first = typed.group_by(fkey=typed.jkey).aggregate(first_cts=typed.ts.min())
    joined = events.left_join(first, events.ckey == first.fkey)
    repeat = (joined.cts > joined.first_cts).fill_null(False)
    return joined.mutate(converts=repeat if purchases == "repeat" else ~repeat).drop(
        "fkey", "first_cts"
    )


def credited_touches(
    touches: Any,
    events: Any,
    *,
    lookback_days: int | None,
    credit_period: Span | None = None,
    skip_direct: bool = True,
) -> Any:
    """Each touch joined to the conversion event it leads up to (see the module docstring);
    with `skip_direct`, no direct touch on a path that has another (`without_direct`)."""
    # Range join: a touch belongs to the first conversion at or after it; the windows of
    # a journey's conversions do not overlap, so no touch is credited twice.
    import ibis

    predicates = [
        touches.jkey == events.ckey,
        touches.ts <= events.cts,
        events.prev_cts.isnull() | (touches.ts > events.prev_cts),
    ]
    if lookback_days is not None:
        # Hours, not days: DuckDB moves TIMESTAMPTZ by calendar days in its session time
        # zone (23 or 25 hours across a DST change), Spark by 24 hours in UTC.
        window = ibis.interval(hours=24 * lookback_days)
        predicates.append(touches.ts >= events.cts - window)
    credited = touches.join(events, predicates)
    if "converts" in events.columns:
        # The events left out (`purchases`) still own their touches: no one else gets them.
        credited = credited.filter(credited.converts).drop("converts")
    if credit_period is not None:
        start, end = credit_period
        credited = credited.filter((credited.cts >= start) & (credited.cts < end))
    return without_direct(credited, ["ckey", "cts"]) if skip_direct else credited.drop("direct")


class JourneySegments(NamedTuple):
    """The journeys before any period cut, as Ibis expressions (see `journey_segments`)."""

    converting: Any
    """One row per conversion event with a touch in its window: `ckey`, `cts`, `n`,
    `amount` and its `path`."""
    open: Any
    """The touches after their journey's last conversion: `jkey`, `ts`, `tie`, `step`, and
    `direct` when the direct rule applies (each period's path drops them, see
    `_period_summary`)."""
    steps: Any
    """Each conversion event once per step on its path: `step`, `ckey`, `cts`, `n`,
    `amount`."""


def journey_segments(
    touchpoints: ibis.Table, conversions: ibis.Table, **options: Unpack[JourneyOptions]
) -> JourneySegments:
    """The pieces every period's paths are made of, uncut by any period.

    A converting path does not depend on the period (touches before the period lead up
    to a conversion in it), so each conversion event's path is built once and a period
    only chooses events by their instant; non-converting paths are cut to the period
    touch by touch, so those touches stay rows. `options` are the `JourneyOptions`; a
    `credit_period` among them is ignored here (`period_paths` applies periods).
    """
    o = _checked(options)
    touches = journey_touches(touchpoints, conversions, **o)
    keyed = journey_conversions(touchpoints, conversions, join_on=o["join_on"])
    events = conversion_events(keyed, o["conversion_types"], o["scope"], o["purchases"])
    foreign = foreign_journeys(keyed, touches, o)
    return split_journeys(
        touches,
        events,
        lookback_days=o["lookback_days"],
        foreign=foreign,
        skip_direct=o["skip_direct"],
    )


def foreign_journeys(keyed: Any, touches: Any, options: JourneyOptions) -> Any:
    """`fkey`: the journeys whose touches make no non-converting path (see the module
    docstring): of another scope than `options`' (no conversion in it, and conversions
    outside it or a touch of a tactic aimed elsewhere), and with `purchases="repeat"`
    those of no customer. None when every journey may make one."""
    chosen = keyed.filter(keyed.type.isin(list(options["conversion_types"])))
    prospects = None
    if options.get("purchases") == "repeat":
        buyers = chosen.select(bkey=chosen.jkey).distinct()
        keys = touches.select(fkey=touches.jkey).distinct()
        prospects = keys.anti_join(buyers, keys.fkey == buyers.bkey)
    scope = options.get("scope")
    if scope is None:
        return prospects
    inside = in_scope(chosen, scope).select(ikey=chosen.jkey).distinct()
    others = chosen.select(fkey=chosen.jkey)
    plan = options.get("plan")
    elsewhere = aimed_elsewhere(plan, scope) if options.get("by") == "tactic" and plan else []
    if elsewhere:
        aimed = touches.filter(touches.step.isin(elsewhere)).select(fkey=touches.jkey)
        others = others.union(aimed)
    others = others.anti_join(inside, others.fkey == inside.ikey)
    if prospects is not None:
        others = others.union(prospects)
    return others.distinct()


def split_journeys(
    touches: Any,
    events: Any,
    *,
    lookback_days: int | None,
    foreign: Any = None,
    skip_direct: bool = True,
) -> JourneySegments:
    """`journey_segments` from touches and events built already (`journey_touches`,
    `journey_events`; a `JourneyStore` keeps them in the engine). `foreign`: the journeys
    of another scope (`foreign_journeys`), whose touches make no non-converting path."""
    credited = credited_touches(
        touches, events, lookback_days=lookback_days, skip_direct=skip_direct
    )
    converting = _ordered_paths(credited, ["ckey", "cts", "n", "amount"])
    last = events.group_by("ckey").aggregate(last_cts=events.cts.max())
    after = touches.left_join(last, touches.jkey == last.ckey)
    after = after.filter(after.last_cts.isnull() | (after.ts > after.last_cts))
    if foreign is not None:
        after = after.anti_join(foreign, after.jkey == foreign.fkey)
    steps = credited.select("step", "ckey", "cts", "n", "amount").distinct()
    kept = ["jkey", "ts", "tie", "step", *(["direct"] if skip_direct else [])]
    return JourneySegments(converting, after.select(*kept), steps)


def period_paths(
    segments: JourneySegments, periods: Sequence[tuple[str, Span | None]]
) -> ibis.Table:
    """The per-distinct-path summary of every period in one expression.

    `periods`: (label, credit period), None for the whole history. Columns: `period`
    (the label), then those of `journey_paths`; one row per period and distinct path,
    ordered by period and path. The periods may overlap (a plan and its quarters): a
    conversion or touch counts in each period it falls in.
    """
    return _period_summary(segments, periods).order_by(["period", "path"])


def _period_summary(
    segments: JourneySegments, periods: Sequence[tuple[str, Span | None]]
) -> ibis.Table:
    import ibis

    if not periods:
        raise ValueError("periods is empty: name at least one period to summarise")
    events = ibis.union(*(_in_period(segments.converting, "cts", *p) for p in periods))
    converting = events.select(
        "period",
        "path",
        conversions=events.n,
        value=events.amount,
        nulls=ibis.literal(0.0, type="float64"),
    )
    # The period is one more key of the journey: each period's touches make their own path.
    touches = ibis.union(*(_in_period(segments.open, "ts", *p) for p in periods))
    if "direct" in touches.columns:
        # The rule per period: each period's touches of a journey are one path.
        touches = without_direct(touches, ["period", "jkey"])
    non_converting = _ordered_paths(touches, ["period", "jkey"])
    non_converting = non_converting.select(
        "period",
        "path",
        conversions=ibis.literal(0.0, type="float64"),
        value=ibis.literal(0.0, type="float64"),
        nulls=ibis.literal(1.0, type="float64"),
    )
    paths = converting.union(non_converting)
    return paths.group_by(["period", "path"]).aggregate(
        total_conversions=paths.conversions.sum(),
        total_conversion_value=paths.value.sum(),
        total_null=paths.nulls.sum(),
    )


def _in_period(table: Any, column: str, label: str, span: Span | None) -> Any:
    """`table`'s rows whose `column` falls in `span` (all for None), labelled `period`."""
    import ibis

    if span is not None:
        table = table.filter((table[column] >= span[0]) & (table[column] < span[1]))
    return table.mutate(period=ibis.literal(label, type="string"))


def journey_paths(
    touchpoints: ibis.Table, conversions: ibis.Table, **options: Unpack[JourneyOptions]
) -> ibis.Table:
    """The per-distinct-path summary of the journeys, as an (unexecuted) Ibis expression.

    Columns: `path` (steps joined by `" > "`), `total_conversions`,
    `total_conversion_value` and `total_null` (all float64), one row per distinct path,
    ordered by path. See the module docstring for the conventions.
    """
    segments = journey_segments(touchpoints, conversions, **options)
    summary = _period_summary(segments, [("", options.get("credit_period"))])
    return summary.drop("period").order_by("path")


def paths_from_warehouse(
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    collapse_repeats: bool = False,
    **options: Unpack[JourneyOptions],
) -> PathCounts:
    """Run `journey_paths` in the engine and build `PathCounts` from its summary.

    Only the per-distinct-path rows leave the engine (as Arrow, see
    `outcomes.warehouse.connection.to_arrow`); the parameters are those of
    `journey_paths`, plus `collapse_repeats` for `PathCounts`.
    """
    expr = journey_paths(touchpoints, conversions, **options)
    summary = to_arrow(expr)
    rows = zip(
        summary["path"].to_pylist(),
        summary["total_conversions"].to_pylist(),
        summary["total_conversion_value"].to_pylist(),
        summary["total_null"].to_pylist(),
        strict=True,
    )
    return PathCounts.from_rows(rows, collapse_repeats=collapse_repeats)
