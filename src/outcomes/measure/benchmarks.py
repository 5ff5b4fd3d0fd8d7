"""Tactic benchmarks: each benchmark's actual against its baseline, threshold and target.

For every benchmark of every tactic, over the tactic's dates up to the day it is measured
at (below, **Which day**), the actual comes from the warehouse by the metric's family:

* **activity** (`posts`, `replies_sent`, `messages_sent`): the tactic's own activities of
  that kind (mapped through `measurement.match`); none is 0 only when an export loaded on
  the tactic's channel can hold that kind (`outcomes.catalog.measurable.SOURCE_DATA`), else
  no data: a LinkedIn page's export holds posts, never the replies under them;
* **engagement** (`likes`, `comments`, `shares`, `clicks`, `impressions`, `reach`,
  `views`): summed over the tactic's activities (`likes` are reactions); where no activity
  of the tactic states the count, `clicks` and `impressions` are those its ad and email
  campaigns report (`outcomes.measure.campaign_figures`); else no data (an X archive has
  no impressions);
* **conversation** (`response_rate`, `first_response_minutes` (median),
  `first_response_business_minutes` (median, in the plan's business hours),
  `listen_push_ratio`): `outcomes.measure.conversation` on the tactic's activities. A
  response-time benchmark whose tactic has a message still unanswered past the target
  is judged on the median counting that message as its wait so far (to the data's
  newest activity: `median_with_waiting`), and says so in its `note`: the median of the
  answered ones alone would read as achieved while the message waits;
* **pipeline and business** (`leads`, `qualified_leads`, `demo_requests`, `meetings`,
  `opportunities`, `net_new_customers`): conversions of that type whose journey touched
  the tactic within the journey window (`journey_parts`, steps by tactic): 0 when journeys
  of that type exist and none touched the tactic, no data when there are none.
  `net_new_customers` counts the new customers in the scope the tactic is measured on
  (its goals': `outcomes.measure.scope`, where a new customer is in the pipeline of the
  first deal they won), the same conversions whose credit is the ROI table's new
  customers: where each journey touched one tactic, the two are the same number;
  `support_tickets_deflected`: `ticket_deflected` conversions on the tactic's channel.
  Both count only conversions dated in the tactic's dates to the day measured (below):
  a lead that came after it is not in the figure the verdict is drawn on.

Other metrics (`revenue`, `pipeline_value`, `applications`, a plan's own metric) are not
measured for a tactic: attribution credits them through the tactic's goals. Which data
each metric needs, and which sources give it, is `outcomes.catalog.measurable`, which the
linter checks plans against (`unmeasurable-metric`).

Flows (counts and money) are read per the benchmark's `per`: the total for `period` (the
default), else the mean per elapsed week, month or quarter; levels (rates, times,
ratios) are the value over the whole span.

**Which day.** A verdict claims no more than the data. A benchmark is measured at the
day its own data reaches (`outcomes.measure.benchmark_days`), `as_of` and the tactic's end
at most, which it carries as `measured_to`:

* an activity, engagement or conversation metric measured from activities, at the newest
  activity on the tactic's channel (its own newest, if later);
* clicks or impressions its campaigns report, at the last day those reports cover (a
  series dated the 1st of every month stands for whole months);
* a pipeline or business metric, at the newest conversion's or touchpoint's day, as a
  goal measured from conversions is.

So a LinkedIn ad report of 6 to 19 April does not close the quarter of a tactic that runs
to 30 June: its clicks are paced at 19 April, and `data_note` says so ("the campaign
reports' clicks run to 2026-04-19, 72 days before the tactic's end 2026-06-30"). Only a
benchmark whose own data reaches the tactic's end is final.

**Paced like goals.** A `period` total is a flow the tactic accumulates over its dates, so
it is judged on its **forecast**: the actual carried to the tactic's end at its run rate
(actual ÷ the share of the tactic's days elapsed at `measured_to`), against an
**expected** share of the target (target × elapsed). Elapsed is counted to the day the
data reaches, not to `as_of`: a report that stops early is not a tactic that slowed
down. A rate per week, month or quarter (the mean over the weeks, months or quarters to
`measured_to`) and a level are judged on their value. A newsletter at 196 of 200
subscribers with a month of twelve left forecasts 214: on track, not short.

**Status**, in the metric's better direction and the one vocabulary of
`outcomes.catalog.statuses`:

* `achieved`: the actual reaches the target: a `period` total of a higher-is-better
  metric at any time, since it cannot fall back; everything else (a level such as a
  response rate or time, a rate per week, a cost still accumulating) only when its data
  reaches the tactic's end, since until then it can fall back: before, at or past its
  target it is `on_track`, and `status_note` says why it is not achieved yet;
* `missed`: the benchmark's own data reaches the tactic's end (`measured_to` is its last
  day) and the actual is short of the target. Its result is final, whatever kind of
  benchmark: 12 of 24 posts at the end is missed, never "on track" because the forecast
  there is the actual;

while the tactic runs, or after its end while its data stops short of it (paced at the
data's day, as above):

* `on_track`: the forecast is past the threshold (without one, past the midpoint between
  baseline and target; without a baseline either, at the target);
* `at_risk`: short of that line but better than the baseline (a flow without a baseline
  starts from 0; a level without one cannot be worse than it);
* `off_track`: at or worse than the baseline;
* `no_data`: nothing measures it ("no data yet"): an engagement metric of a tactic with no
  matched activity, a conversation level with nothing to answer, a pipeline metric of a
  tactic on no journey or whose conversion type the warehouse has none of, or one whose
  data stops before the tactic starts. A tactic on journeys that touched none of a type
  the warehouse holds has a real 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final, Literal

from outcomes.catalog import BUILTIN_METRICS
from outcomes.catalog.measurable import (
    ACTIVITY_COUNTS,
    ANY_DATA,
    ENGAGEMENT_COLUMNS,
    SOURCE_DATA,
    TOUCHED_TYPES,
)
from outcomes.catalog.metrics import MetricClass
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.benchmark_days import CONVERSATION_LEVELS, BenchmarkDays, Reach
from outcomes.measure.campaign_figures import CampaignFigures, campaign_counts
from outcomes.measure.conversation import ConversationHealth, tactic_conversation
from outcomes.measure.mapping import materialised_activities, within_dates
from outcomes.measure.scope import Scope, tactic_scopes
from outcomes.plan import Plan
from outcomes.plan.model import Benchmark, Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

Status = Literal["achieved", "on_track", "at_risk", "off_track", "missed", "no_data"]
# One table each, shared with the linter's catalogue of what can be measured.
ACTIVITY_KINDS: Final = ACTIVITY_COUNTS
CONVERSION_TYPES: Final = TOUCHED_TYPES
LEVELS: Final = CONVERSATION_LEVELS
_STATED: Final = "__stated"
PERIOD_DAYS: Final = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4}
SCOPED_TYPES: Final = frozenset({"new_customer"})
"""Conversion types counted for a tactic in the scope it is measured on, as ROI counts
them: a new customer is in the pipeline of the deal that made them one."""
OUTCOME_CLASSES: Final = frozenset({"business", "pipeline"})
"""Metric classes that measure a business outcome, weighed above activity and attention."""


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """One benchmark of one tactic, measured."""

    tactic: str
    metric: str
    per: str
    baseline: float | None
    threshold: float | None
    target: float
    actual: float | None
    status: Status
    elapsed: float = 1.0
    """Share of the tactic's days passed at `measured_to` (0 to 1)."""
    expected: float | None = None
    """Where the plan's line is at `measured_to`: the elapsed share of a `period` total's
    target, else the target; None without data."""
    forecast: float | None = None
    """A `period` total carried to the tactic's end at its run rate; else the actual."""
    metric_class: MetricClass | None = None
    """The metric's class (business, pipeline, engagement, activity, vanity), which
    weighs it in the tactic's overall status; None for a metric outside the catalogue."""
    note: str | None = None
    """What the actual counts beyond its rows, in words: "counting 1 message unanswered
    for 3,900 minutes so far"; None when nothing."""
    measured_to: dt.date | None = None
    """The day it is measured at: `as_of`, the tactic's end or the day its own data
    reaches, whichever is first (module docstring, "Which day"); None without data."""
    data_note: str | None = None
    """Why it is measured before `as_of` or the tactic's end, in words ("the linkedin
    activities run to 2026-06-18, 12 days before the tactic's end 2026-06-30"); None when
    its data reaches that day."""
    status_note: str | None = None
    """Why an open result at or past its target is not `achieved` yet ("at its target
    before the tactic's end 2026-12-31: final only then"); None otherwise."""

    @property
    def final(self) -> bool:
        """Achieved or missed: nothing its data still lacks can change it."""
        return self.status in ("achieved", "missed")

    @property
    def outcome(self) -> bool:
        """A business-outcome benchmark (class business or pipeline)."""
        return self.metric_class in OUTCOME_CLASSES


def tactic_benchmarks(
    plan: Plan,
    activities: ibis.Table,
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    as_of: dt.date,
    conversation: Sequence[ConversationHealth] | None = None,
    journeys: JourneyStore | None = None,
    mapped: ibis.Table | None = None,
    snapshots: ibis.Table | None = None,
) -> list[BenchmarkResult]:
    """Every benchmark of every tactic that has started by `as_of`.

    `conversation` is `tactic_conversation`'s result, `journeys` the journeys of these
    touchpoints and conversions, and `mapped` the activities mapped by the plan
    (`mapped_activities`), where the caller has them already. `snapshots`: the
    warehouse's metric snapshots, whose campaign figures measure what no activity states;
    without them only activities do.
    """
    if mapped is None:
        # Kept in the engine while measuring: inlined in each query that reads it, the
        # mapping's CASE columns took DuckDB's optimiser 2 s a query on an empty warehouse.
        with materialised_activities(plan, activities) as kept:
            return tactic_benchmarks(
                plan, activities, touchpoints, conversions, as_of=as_of,
                conversation=conversation, journeys=journeys, mapped=kept, snapshots=snapshots,
            )  # fmt: skip
    mine = within_dates(plan, mapped, as_of)
    columns = set(ENGAGEMENT_COLUMNS.values())
    kinds = mine.group_by(["tactic", "kind"]).aggregate(
        n=mine.count(),
        **{c: mine[c].fill_null(0).sum() for c in columns},
        **{f"{c}{_STATED}": mine[c].count() for c in columns},
    )
    by_kind = to_arrow(kinds).to_pylist()
    holds = _holdable(activities)
    if conversation is None:
        conversation = tactic_conversation(plan, activities, as_of=as_of, mapped=mapped)
    talk: dict[str | None, ConversationHealth] = {h.group["tactic"]: h for h in conversation}
    store = journeys or JourneyStore(touchpoints, conversions, materialise=False)
    campaigns = CampaignFigures() if snapshots is None else campaign_counts(plan, snapshots, as_of)
    days = BenchmarkDays.of(mapped, conversions, touchpoints, campaigns.covered, as_of)
    windows = _pipeline_windows(plan, days, as_of)
    touched = touched_conversions(plan, store, windows=windows)
    deflected = _deflected(plan, conversions, windows)
    classes: dict[str, MetricClass] = {k: m.metric_class for k, m in BUILTIN_METRICS.items()}
    classes |= {m.id: m.metric_class for m in plan.metrics}
    out = []
    for tactic in plan.tactics:
        if tactic.start > as_of:
            continue
        for benchmark in tactic.benchmarks:
            actual = _actual(tactic, benchmark.metric, by_kind, talk, touched, deflected)
            if actual == 0 and not _can_hold(holds, tactic.channel, benchmark.metric):
                actual = None  # no export loaded on the channel could hold one
            # What no activity states, its campaigns' reports may (campaign_figures).
            from_campaigns = actual is None
            if from_campaigns:
                actual = campaigns.counts.get((tactic.id, benchmark.metric))
            reach = days.reach(tactic, benchmark.metric, from_campaigns=from_campaigns)
            kind = classes.get(benchmark.metric)
            result = _at_its_day(tactic, benchmark, actual, reach, as_of, kind)
            out.append(replace(result, note=_waiting_note(talk.get(tactic.id), benchmark.metric)))
    return out


def _at_its_day(
    tactic: Tactic,
    benchmark: Benchmark,
    actual: float | None,
    reach: Reach | None,
    as_of: dt.date,
    kind: MetricClass | None,
) -> BenchmarkResult:
    """The benchmark judged at the day its data reaches, `as_of` and the tactic's end at
    most (module docstring, "Which day"); `actual` is its value over the tactic's data."""
    day, note = _measured_day(tactic, reach, as_of)
    if day < tactic.start:
        actual = None  # its data stops before the tactic starts: nothing measures it
    # Days counted to the day the data reaches: a report that stops early is not a tactic
    # that slowed down.
    days_in = (day - tactic.start).days + 1
    elapsed = max(0.0, min(1.0, days_in / ((tactic.end - tactic.start).days + 1)))
    per = benchmark.per or "period"
    if actual is not None and benchmark.metric not in LEVELS and per in PERIOD_DAYS:
        actual = actual / max(days_in / PERIOD_DAYS[per], 1.0)
    paced = per == "period" and benchmark.metric not in LEVELS
    result = _result(tactic.id, benchmark, actual, elapsed, paced=paced, kind=kind)
    measured_to = None if result.actual is None else day
    return dataclasses.replace(
        result, measured_to=measured_to, data_note=note, status_note=_open_note(tactic, result)
    )


def _open_note(tactic: Tactic, result: BenchmarkResult) -> str | None:
    """Why a result at or past its target is on track, not achieved: it is open until its
    data reaches the tactic's end (module docstring, "Status")."""
    if result.final or result.actual is None:
        return None
    spec = BUILTIN_METRICS.get(result.metric)
    lower_better = spec is not None and spec.better == "lower"
    at_target = result.actual <= result.target if lower_better else result.actual >= result.target
    if not at_target:
        return None
    return f"at its target before the tactic's end {tactic.end}: final only then"


def _pipeline_windows(
    plan: Plan, days: BenchmarkDays, as_of: dt.date
) -> dict[str, tuple[dt.date, dt.date]]:
    """Each tactic's dates to the day its pipeline and business metrics are measured to
    (module docstring, "Which day"): the conversions they count."""
    windows = {}
    for tactic in plan.tactics:
        reach = days.reach(tactic, "support_tickets_deflected", from_campaigns=False)
        windows[tactic.id] = (tactic.start, _measured_day(tactic, reach, as_of)[0])
    return windows


def _deflected(
    plan: Plan, conversions: ibis.Table, windows: Mapping[str, tuple[dt.date, dt.date]]
) -> dict[str, float]:
    """{tactic: `ticket_deflected` conversions on its channel within its window}; no entry
    for a tactic whose channel has none at all (no data, not 0)."""
    deflected = conversions.filter(conversions.type == "ticket_deflected")
    per_day = deflected.group_by(["channel", deflected.ts.date().name("day")]).aggregate(
        n=deflected.count()
    )
    by_channel: dict[str, list[tuple[dt.date, int]]] = {}
    for row in to_arrow(per_day).to_pylist():
        by_channel.setdefault(str(row["channel"]), []).append((row["day"], int(row["n"])))
    found = {}
    for tactic in plan.tactics:
        rows = by_channel.get(tactic.channel)
        if rows is not None:
            start, end = windows[tactic.id]
            found[tactic.id] = float(sum(n for day, n in rows if start <= day <= end))
    return found


def _measured_day(
    tactic: Tactic, reach: Reach | None, as_of: dt.date
) -> tuple[dt.date, str | None]:
    """The day a benchmark is measured at, and why when its data stops before `as_of` or
    the tactic's end (module docstring, "Which day")."""
    until = min(as_of, tactic.end)
    if reach is None or reach.day >= until:
        return until, None
    return reach.day, reach.short_of(tactic, as_of)


def _waiting_note(health: ConversationHealth | None, metric: str) -> str | None:
    """Why a response-time actual is not the answered messages' median: messages still
    waiting past the target of this metric's clock count as their wait so far."""
    if health is None or health.target is None or not health.waiting_past_target:
        return None
    business = metric == "first_response_business_minutes"
    if metric not in ("first_response_minutes", "first_response_business_minutes"):
        return None
    if health.target.business_hours != business:
        return None
    count = health.waiting_past_target
    messages = "message" if count == 1 else "messages"
    clock = "business minutes" if business else "minutes"
    return (
        f"counting {count} {messages} still unanswered past the target of "
        f"{health.target.minutes:,.0f} {clock}, each as its wait so far"
    )


def touched_conversions(
    plan: Plan,
    journeys: JourneyStore,
    kinds: Sequence[str] | None = None,
    *,
    windows: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> dict[tuple[str, str], tuple[float, float]]:
    """{(tactic, conversion type): (conversions, value)} whose journey touched the tactic,
    for the conversion `kinds` given, else those the plan's benchmarks measure; a tactic
    has no entry for a type none of whose journeys (in its scope, for `SCOPED_TYPES`)
    exist: no data, not 0. `windows`: per tactic, the first and last day whose conversions
    it counts (its dates to the day measured); without, every conversion."""
    wanted = sorted(
        set(kinds) if kinds is not None else
        {CONVERSION_TYPES[b.metric] for t in plan.tactics for b in t.benchmarks
         if b.metric in CONVERSION_TYPES}
    )  # fmt: skip
    found: dict[tuple[str, str], tuple[float, float]] = {}
    for kind in wanted:
        # New customers are counted in the scope ROI credits them in, every other type
        # on every conversion (a lead comes before any deal and is in no pipeline).
        scopes = tactic_scopes(plan) if kind in SCOPED_TYPES else {}
        for scope in dict.fromkeys(scopes.values()) if scopes else [None]:
            tactics = [t.id for t in plan.tactics if not scopes or scopes[t.id] == scope]
            found |= _touched_in(plan, journeys, kind, scope, tactics, windows)
    return found


def _touched_in(
    plan: Plan,
    journeys: JourneyStore,
    kind: str,
    scope: Scope | None,
    tactics: list[str],
    windows: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> dict[tuple[str, str], tuple[float, float]]:
    """{(tactic, kind): (conversions, value)} of `kind` in `scope` whose journeys touched
    each of `tactics`: 0 for those none touched when such journeys exist, else nothing."""
    import ibis

    events = journeys.event_steps(
        by="tactic", plan=plan, conversion_types=(kind,), lookback_days=None, sources=None,
        scope=scope,
    )  # fmt: skip
    # Every step's row comes back, counted or not: journeys of the type exist all the same.
    counted = _in_windows(events, windows)
    per_step = events.group_by("step").aggregate(
        n=ibis.ifelse(counted, events.n, 0).sum(),
        value=ibis.ifelse(counted, events.amount, 0.0).sum(),
    )
    rows = to_arrow(per_step).to_pylist()
    if not rows:
        return {}
    # Journeys of this type exist: a tactic none of them touched has 0, not no data.
    found = {(tactic, kind): (0.0, 0.0) for tactic in tactics}
    for row in rows:
        if str(row["step"]) in tactics:
            found[(str(row["step"]), kind)] = (float(row["n"]), float(row["value"] or 0.0))
    return found


def _in_windows(events: ibis.Table, windows: Mapping[str, tuple[dt.date, dt.date]] | None) -> Any:
    """True for the events (`step`, `cts`) within their step's window; all without."""
    import ibis

    if windows is None:
        return ibis.literal(True)

    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)

    return ibis.or_(
        ibis.literal(False),
        *[
            (events.step == tactic)
            & (events.cts >= utc(start))
            & (events.cts < utc(end + dt.timedelta(days=1)))
            for tactic, (start, end) in windows.items()
        ],
    )


def _holdable(activities: ibis.Table) -> dict[str, frozenset[str] | None]:
    """Per channel, the activity kinds the exports loaded on it can hold (None: any kind,
    from a CSV mapped by hand or a source the catalogue does not know)."""
    pairs = activities.select("channel", "source").distinct()
    found: dict[str, frozenset[str] | None] = {}
    for row in to_arrow(pairs).to_pylist():
        channel, source = str(row["channel"]), str(row["source"])
        data = SOURCE_DATA.get(source) if source != ANY_DATA else None
        kinds = (
            None
            if data is None
            else frozenset(t.split(":", 1)[1] for t in data if t.startswith("activities:"))
        )
        before = found.get(channel, frozenset())
        found[channel] = None if kinds is None or before is None else before | kinds
    return found


def _can_hold(holds: dict[str, frozenset[str] | None], channel: str, metric: str) -> bool:
    """False for an activity count no export loaded on `channel` could hold."""
    if metric not in ACTIVITY_KINDS:
        return True
    kinds = holds.get(channel, frozenset())
    return kinds is None or ACTIVITY_KINDS[metric] in kinds


def _actual(
    tactic: Tactic,
    metric: str,
    by_kind: list[dict[str, Any]],
    talk: dict[str | None, ConversationHealth],
    touched: dict[tuple[str, str], tuple[float, float]],
    deflected: dict[str, float],
) -> float | None:
    rows = [r for r in by_kind if r["tactic"] == tactic.id]
    if metric in ACTIVITY_KINDS:
        return float(sum(int(r["n"]) for r in rows if r["kind"] == ACTIVITY_KINDS[metric]))
    if metric in ENGAGEMENT_COLUMNS:
        # Only exports that state the count measure it: an X archive has no impressions.
        column = ENGAGEMENT_COLUMNS[metric]
        stated = sum(int(r[f"{column}{_STATED}"] or 0) for r in rows)
        return float(sum(float(r[column] or 0) for r in rows)) if stated else None
    if metric in LEVELS:
        health = talk.get(tactic.id)
        if health is None:
            return None
        if _waiting_note(health, metric) is not None:
            return health.median_with_waiting
        value = {
            "response_rate": health.response_rate,
            "first_response_minutes": health.median_first_response_minutes,
            "first_response_business_minutes": health.median_first_response_business_minutes,
            "listen_push_ratio": health.listen_push_ratio,
        }[metric]
        return None if value is None else float(value)
    if metric == "support_tickets_deflected":
        return deflected.get(tactic.id)
    if metric in CONVERSION_TYPES:
        found = touched.get((tactic.id, CONVERSION_TYPES[metric]))
        return None if found is None else found[0]
    return None


def _result(
    tactic: str,
    benchmark: Benchmark,
    actual: float | None,
    elapsed: float,
    *,
    paced: bool,
    kind: MetricClass | None,
) -> BenchmarkResult:
    """The benchmark's status (module docstring); `paced`: a total judged on its forecast."""
    spec = BUILTIN_METRICS.get(benchmark.metric)
    lower_better = spec is not None and spec.better == "lower"

    def better(a: float, b: float) -> bool:
        return a < b if lower_better else a > b

    status: Status = "no_data"
    expected = forecast = None
    if actual is not None:
        forecast = actual / elapsed if paced and elapsed > 0 else actual
        expected = benchmark.target * elapsed if paced else benchmark.target
        baseline = benchmark.baseline
        line = benchmark.threshold
        if line is None:
            line = (baseline + benchmark.target) / 2 if baseline is not None else benchmark.target
        if baseline is None and paced:
            baseline = 0.0  # a total the tactic accumulates starts from nothing
        # A growing total past its target stays past it; anything else can still fall
        # back (a rate, a response time) or grow (a cost) until its data reaches the end.
        reached = actual if elapsed >= 1.0 or (paced and not lower_better) else None
        if reached is not None and not better(benchmark.target, reached):
            status = "achieved"
        elif elapsed >= 1.0:
            status = "missed"  # the tactic is over: nothing left to forecast
        elif not better(line, forecast):
            status = "on_track"
        elif baseline is None or better(forecast, baseline):
            status = "at_risk"
        else:
            status = "off_track"
    return BenchmarkResult(
        tactic=tactic,
        metric=benchmark.metric,
        per=benchmark.per or "period",
        baseline=benchmark.baseline,
        threshold=benchmark.threshold,
        target=benchmark.target,
        actual=actual,
        status=status,
        elapsed=elapsed,
        expected=expected,
        forecast=forecast,
        metric_class=kind,
    )
