"""The rules that raise alerts, each from one part of the measured workspace.

Pure functions of what the briefing measured (and, for goals, the statuses recorded at
the last run), so a rule is read and tested without a database or a network:

* **goal**: a goal's status is worse now than at the last run (on track → at risk,
  at risk → off track, anything → stale); no alert for a goal seen for the first time;
* **response**: a tactic's response-time target missed `response_days` days running
  (`measure.response_days`);
* **tactic**: a tactic with a cadence has had no activity for longer than
  `stopped_periods` of its periods (two weeks for a weekly rhythm), as of the data's end;
* **ingest**: an ingest of the last `ingest_days` rejected many rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

from outcomes.alerts.model import Alert, Severity, Thresholds
from outcomes.catalog.statuses import status_word
from outcomes.measure.words import metric_value

if TYPE_CHECKING:
    from outcomes.briefing.build import IngestRow
    from outcomes.measure.cadence import CadenceRow
    from outcomes.measure.pacing import GoalPace
    from outcomes.measure.response_days import MissedRun
    from outcomes.plan import Plan

# How bad each status is for a goal: a move to a higher rank is a worsening. "No data
# yet" is not a measurement, so a move to or from it is not news of the goal's progress.
GOAL_RANK: Final[dict[str, int]] = {
    "achieved": 0,
    "on_track": 1,
    "stale": 2,
    "at_risk": 3,
    "off_track": 4,
    "missed": 5,
}
PERIOD_DAYS: Final[dict[str, int]] = {"day": 1, "week": 7, "month": 31}
TACTIC_ROW: Final = "(tactic)"
"""The cadence row of a tactic as a whole (the others are per operator)."""


def goal_alerts(plan: Plan, goals: Iterable[GoalPace], previous: Mapping[str, str]) -> list[Alert]:
    """Goals whose status is worse than the one recorded at the last run."""
    titles = {goal.id: goal.title for goal in plan.goals}
    found = []
    for pace in goals:
        before, now = previous.get(pace.goal), pace.status
        if before not in GOAL_RANK or now not in GOAL_RANK or GOAL_RANK[now] <= GOAL_RANK[before]:
            continue
        severity: Severity = "critical" if now in ("off_track", "missed") else "warning"
        title = titles.get(pace.goal, pace.goal)
        found.append(
            Alert(
                key=f"goal:{pace.goal}",
                kind="goal",
                severity=severity,
                title=f"Goal “{title}” is now {status_word(now)} (was {status_word(before)})",
                detail=_goal_detail(plan, pace),
                link=f"/goals/{pace.goal}",
                state=f"{before}->{now}",
            )
        )
    return found


def _goal_detail(plan: Plan, pace: GoalPace) -> str:
    """The goal's figures in its metric's unit (€21.40, 89.60%), as every route writes them."""

    def value(amount: float) -> str:
        return metric_value(plan, pace.metric, amount)

    actual = "no actual yet" if pace.actual is None else f"actual {value(pace.actual)}"
    forecast = "" if pace.forecast is None else f", forecast {value(pace.forecast)}"
    # The status's reason, as every other route gives it (an interval that straddles the
    # line, a period that is over).
    why = f" {pace.reason[:1].upper()}{pace.reason[1:]}." if pace.reason else ""
    return (
        f"{pace.metric} as of {pace.as_of.isoformat()}: {actual}{forecast}, "
        f"target {value(pace.target)} (baseline {value(pace.baseline)}).{why}"
    )


def response_alerts(plan: Plan, runs: Iterable[MissedRun], thresholds: Thresholds) -> list[Alert]:
    """Tactics that missed their response-time target `response_days` days running."""
    titles = {tactic.id: tactic.title for tactic in plan.tactics}
    found = []
    for run in runs:
        if run.since is None or len(run.days) < thresholds.response_days:
            continue
        clock = "business minutes" if run.target.business_hours else "minutes"
        medians = ", ".join(
            f"{day.day:%d %b} {_minutes(day.median_minutes)}" for day in run.days[-7:]
        )
        found.append(
            Alert(
                key=f"response:{run.tactic}",
                kind="response",
                severity="warning",
                title=f"“{titles.get(run.tactic, run.tactic)}” missed its response target "
                f"{len(run.days)} days running",
                detail=f"Target: first response within {run.target.minutes:g} {clock} (median). "
                f"Missed since {run.since.isoformat()}; median per day: {medians}.",
                link="/conversation",
                # One alert per run of misses: more days of the same run are not news.
                state=f"since {run.since.isoformat()}",
            )
        )
    return found


def _minutes(value: float | None) -> str:
    return "unanswered" if value is None else f"{value:,.0f} min"


def stopped_alerts(
    plan: Plan, cadence: Iterable[CadenceRow], as_of: dt.date, thresholds: Thresholds
) -> list[Alert]:
    """Tactics whose last activity is older than their cadence allows."""
    titles = {tactic.id: tactic.title for tactic in plan.tactics}
    ends = {tactic.id: tactic.end for tactic in plan.tactics}
    found = []
    for row in cadence:
        if row.operator != TACTIC_ROW or row.last_activity is None:
            continue
        if ends.get(row.tactic, as_of) < as_of:
            continue  # it ended as planned
        allowed = dt.timedelta(days=PERIOD_DAYS[row.per] * thresholds.stopped_periods)
        silent = as_of - row.last_activity
        if silent <= allowed:
            continue
        found.append(
            Alert(
                key=f"tactic:{row.tactic}",
                kind="tactic",
                severity="warning",
                title=f"“{titles.get(row.tactic, row.tactic)}” has stopped: "
                f"no activity for {silent.days} days",
                detail=f"Planned {row.planned_per_period:g} per {row.per}; the last activity "
                f"was on {row.last_activity.isoformat()} (data through {as_of.isoformat()}).",
                link=f"/tactics/{row.tactic}",
                state=f"last {row.last_activity.isoformat()}",
            )
        )
    return found


def ingest_alerts(
    ingests: Iterable[IngestRow], now: dt.datetime, thresholds: Thresholds
) -> list[Alert]:
    """Recent ingests that rejected at least `rejected_rows` rows or `rejected_share` of them."""
    since = now - dt.timedelta(days=thresholds.ingest_days)
    found = []
    for ingest in ingests:
        finished = ingest.finished_at
        if finished.tzinfo is None:
            finished = finished.replace(tzinfo=dt.UTC)
        rejected, read = ingest.rows_rejected, ingest.rows_read
        share = rejected / read if read else 0.0
        many = rejected >= thresholds.rejected_rows or share >= thresholds.rejected_share
        if finished < since or rejected == 0 or not many:
            continue
        found.append(
            Alert(
                key=f"ingest:{ingest.id}",
                kind="ingest",
                severity="critical" if share >= 0.5 else "warning",
                title=f"Ingest of {ingest.file} rejected {rejected:,} of {read:,} rows",
                detail=f"{ingest.source} file, ingest {ingest.id}, finished "
                f"{finished.isoformat(timespec='minutes')}: {share:.0%} rejected. "
                "`outcomes history` and the sources page list each row and why.",
                link="/sources",
                state=f"rejected {rejected}",
            )
        )
    return found
