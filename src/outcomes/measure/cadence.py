"""Cadence consistency: who kept the rhythm the plan set, and who stopped.

For every tactic with a `cadence` (`count` per day, week or month), from its dates up to
`as_of`, the plan's periods are laid out (ISO weeks from Monday; calendar months; days),
and the tactic's own activities (posts, replies, reposts, messages mapped to it through
`measurement.match`) are counted per period:

* for the tactic, and for each operator whose name or id is an activity's author (a rep
  posting from their own profile); activities whose author is no operator (a company
  page) count for the tactic only;
* a period is **kept** when it has at least `count` activities (for a tactic with several
  operators who each carry the cadence, per operator);
* status: **kept the rhythm** when at least 80% of the periods are kept, **stopped** when
  the last two periods have no activity at all, nor the period still running, while
  earlier ones had some (someone who posts once a week against a plan of two has not
  stopped: that is irregular), **irregular** otherwise, **not started** when there is no
  activity at all on a social channel although a loaded export could show it, and **no
  activity data** when none could: for channels whose exports hold no activities (email,
  events, the web), and for a social tactic none of whose places is in any loaded export
  (`outcomes.measure.mapping.seen_tactics`: nothing at all from its accounts or by its
  operators on its channel, or nothing on its channel when it names neither). Reps
  posting from their personal LinkedIn profiles are in no company page's export: "not
  started" would blame them for what the data cannot see. The row's `reason` says why.

The period still running at `as_of` is not counted (it may yet be kept), but its activity
is no silence: it makes the last activity, and keeps a row from "stopped".

Posts, reposts and messages count for tactics that push; replies and messages for tactics
whose mode is to respond or listen.

A tactic off the social networks (a trade show, direct mail, email) leaves no activities;
its operators' weekly check-ins count instead: the check-in counts of its *cadence unit*
(the first count its check-in offers, `catalog.checkin_counts`: events held for a trade
show, letters sent for direct mail), which the `checkin` connector loads as metric
snapshots of the tactic dated the check-in week's Monday. They count for the tactic, not
per operator, and a tactic with check-ins is never "no activity data". A tactic nobody
checks in on may keep its own register instead (an events log mapped in `outcomes.toml`
as `metric_snapshots` of the tactic: `entity` its id, `metric` its cadence unit); its
counts count the same way. A tactic with check-ins counts those only: the register and the
check-ins of one week would be the same events counted twice.

Only the counting runs in the engine; one row per author and period comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from outcomes.catalog import SOCIAL_CHANNELS
from outcomes.catalog.checkin_counts import CHECKIN_COUNTS, offered_counts
from outcomes.measure.mapping import mapped_activities, seen_tactics
from outcomes.plan import Plan
from outcomes.plan.model import Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Rhythm = Literal["kept the rhythm", "irregular", "stopped", "not started", "no activity data"]
KEPT_SHARE: Final = 0.8
PUSH_KINDS: Final = ("post", "repost", "message")
ANSWER_KINDS: Final = ("reply", "message")
TACTIC: Final = "(tactic)"
CHECKIN_SOURCE: Final = "checkin"
"""The connector weekly check-ins are loaded through (`outcomes.sources.checkin`)."""


@dataclass(frozen=True, slots=True)
class CadenceRow:
    """The rhythm of one tactic, or of one operator on it."""

    tactic: str
    operator: str
    """An operator's id, or "(tactic)" for all of the tactic's activities."""
    planned_per_period: float
    per: str
    periods: int
    periods_kept: int
    activities: int
    last_activity: dt.date | None
    status: Rhythm
    reason: str = ""
    """Why a row has no activity data: what no loaded export shows; empty otherwise."""


def cadence_consistency(
    plan: Plan,
    activities: ibis.Table,
    *,
    as_of: dt.date | None = None,
    snapshots: ibis.Table | None = None,
    mapped: ibis.Table | None = None,
) -> list[CadenceRow]:
    """Rows for every tactic with a cadence: the tactic, then each active operator.

    `snapshots` (the warehouse's `metric_snapshots`) brings the check-in counts of the
    tactics off the social networks. `mapped`: these activities already mapped by the plan
    (`mapped_activities`), when the caller keeps them for several measures
    (`build_scorecard` does).
    """
    mapped = mapped_activities(plan, activities) if mapped is None else mapped
    own = mapped.filter(
        mapped.tactic.notnull() & mapped.kind.isin(["post", "reply", "repost", "message"])
    )
    counted = own.group_by(
        ["tactic", "kind", own.author.lower().strip().name("who"), own.ts.date().name("day")]
    ).aggregate(n=own.count())
    rows = to_arrow(counted).to_pylist()
    checked = _checkin_counts(snapshots) if snapshots is not None else []
    if as_of is None:
        days = [r["day"] for r in rows] + [r["day"] for r in checked]
        as_of = max(days) if days else dt.date.today()
    seen = seen_tactics(plan, activities)
    out: list[CadenceRow] = []
    for tactic in plan.tactics:
        if tactic.cadence is None or tactic.start > as_of:
            continue
        kinds = ANSWER_KINDS if tactic.mode in ("respond", "listen") else PUSH_KINDS
        mine = [r for r in rows if r["tactic"] == tactic.id and r["kind"] in kinds]
        counted_in = _checked_in(tactic, checked)
        social = tactic.channel in SOCIAL_CHANNELS
        unseen = "" if counted_in or (social and tactic.id in seen) else _unseen(plan, tactic)
        out.extend(_tactic_rows(plan, tactic, mine + counted_in, as_of, unseen))
    return out


def _unseen(plan: Plan, tactic: Tactic) -> str:
    """Why no loaded export can show the tactic's activity, in the row's words."""
    if tactic.channel not in SOCIAL_CHANNELS:
        return f"no {tactic.channel} export holds activities, and no check-in or register counts it"
    match = tactic.measurement.match if tactic.measurement else None
    names = {p.id: p.name for p in plan.people}
    places = [
        *(match.accounts if match else []),
        *(names.get(o, o) for o in (match.operators if match else [])),
    ]
    if not places:
        return f"no {tactic.channel} activity is loaded"
    return f"no loaded export holds {tactic.channel} activity of {' or '.join(places)}"


def _checkin_counts(snapshots: ibis.Table) -> list[dict[str, object]]:
    """Counts of tactics' offline work summed per tactic, count, day and whether they are
    check-ins (only these rows come back): check-ins, and snapshots of a tactic (kind
    `campaign`, a register mapped in outcomes.toml) of a count a check-in can carry."""
    mine = snapshots.filter(
        (snapshots.entity_kind == "campaign") & snapshots.metric.isin(list(CHECKIN_COUNTS))
    )
    keys = [
        mine.entity.name("tactic"), "metric", mine.date.name("day"),
        (mine.source == CHECKIN_SOURCE).name("checkin"),
    ]  # fmt: skip
    summed = mine.group_by(keys).aggregate(n=mine.value.sum())
    return to_arrow(summed).to_pylist()  # type: ignore[no-any-return]


def _checked_in(tactic: Tactic, checked: list[dict[str, object]]) -> list[dict[str, object]]:
    """The tactic's check-in counts of its cadence unit, as rows of no author."""
    if tactic.channel in SOCIAL_CHANNELS:
        return []  # their exports count; a check-in's count would count them twice
    offered = offered_counts(tactic.channel, tactic.mode, (b.metric for b in tactic.benchmarks))
    if not offered:
        return []
    counts = [r for r in checked if r["tactic"] == tactic.id and r["metric"] == offered[0]]
    if any(r["checkin"] for r in counts):
        counts = [r for r in counts if r["checkin"]]  # a register beside them: the same events
    return [{"day": r["day"], "n": r["n"], "who": None} for r in counts]


def _tactic_rows(
    plan: Plan, tactic: Tactic, rows: list[dict[str, object]], as_of: dt.date, unseen: str
) -> Iterator[CadenceRow]:
    """The tactic's row and its operators'; `unseen` says why no export can show its
    activity (empty when one can, or when check-ins count it)."""
    assert tactic.cadence is not None
    per = tactic.cadence.per
    periods = list(_periods(tactic.start, min(tactic.end, as_of), per))
    people = {p.id: p for p in plan.people}
    author_of: dict[str, str] = {}
    for operator in tactic.operators:
        author_of[operator.casefold()] = operator
        if operator in people:
            author_of[people[operator].name.casefold()] = operator
    counts: dict[str, dict[dt.date, int]] = {TACTIC: {}}
    # The last day with activity in each period: the row's last activity is a day, not
    # the Monday or the 1st of the period it falls in.
    lasts: dict[str, dict[dt.date, dt.date]] = {TACTIC: {}}
    for row in rows:
        day = row["day"]
        assert isinstance(day, dt.date)
        if day > as_of:
            continue  # after the day measured: neither counted nor a sign of life
        start = _period_start(day, per)
        n = int(row["n"])  # type: ignore[call-overload]
        for who in (TACTIC, author_of.get(str(row["who"] or ""))):
            if who is not None:
                counts.setdefault(who, {})
                counts[who][start] = counts[who].get(start, 0) + n
                last = lasts.setdefault(who, {})
                last[start] = max(day, last.get(start, day))
    for who, by_period in counts.items():
        if who != TACTIC and who not in tactic.operators:
            continue
        yield _row(tactic, who, by_period, periods, unseen, lasts[who])


def _row(
    tactic: Tactic,
    who: str,
    by_period: dict[dt.date, int],
    periods: list[dt.date],
    unseen: str = "",
    last_days: dict[dt.date, dt.date] | None = None,
) -> CadenceRow:
    """One row; `last_days`: per period start, the last day with activity in it."""
    assert tactic.cadence is not None
    needed = tactic.cadence.count
    kept = [by_period.get(p, 0) >= needed for p in periods]
    active = [p for p in periods if by_period.get(p, 0)]
    # Activity after the last whole period (the one still running) is a sign of life.
    running = [p for p, n in by_period.items() if n and (not periods or p > periods[-1])]
    silent = len(periods) > 2 and not running and not any(by_period.get(p) for p in periods[-2:])
    status: Rhythm
    if not active and not running and unseen:
        status = "no activity data"  # not silence: nothing loaded could show it
    elif not active and not running:
        status = "not started"
    elif periods and sum(kept) >= KEPT_SHARE * len(periods):
        status = "kept the rhythm"
    elif silent:
        status = "stopped"
    else:
        status = "irregular"
    return CadenceRow(
        tactic=tactic.id,
        operator=who,
        planned_per_period=needed,
        per=tactic.cadence.per,
        periods=len(periods),
        periods_kept=sum(kept),
        activities=sum(by_period.get(p, 0) for p in periods),
        last_activity=max(((last_days or {}).get(p, p) for p in active + running), default=None),
        status=status,
        reason=unseen if status == "no activity data" else "",
    )


def _period_start(day: dt.date, per: str) -> dt.date:
    if per == "week":
        return day - dt.timedelta(days=day.weekday())
    if per == "month":
        return day.replace(day=1)
    return day


def _periods(first: dt.date, last: dt.date, per: str) -> Iterator[dt.date]:
    """Starts of the periods that end on or before `last` (a period still running is out)."""
    start = _period_start(first, per)
    while True:
        following = _next(start, per)
        if following - dt.timedelta(days=1) > last:
            return
        yield start
        start = following


def _next(start: dt.date, per: str) -> dt.date:
    if per == "week":
        return start + dt.timedelta(days=7)
    if per == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)
