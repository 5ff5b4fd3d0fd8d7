"""Evaluate every rule on a workspace once: the alerts raised now, and the goals' statuses
to remember for the next run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.alerts.model import Alert, Thresholds
from outcomes.alerts.rules import goal_alerts, ingest_alerts, response_alerts, stopped_alerts
from outcomes.measure.response_days import missed_runs

if TYPE_CHECKING:
    from outcomes.briefing import Briefing, BriefingOptions
    from outcomes.workspace import Workspace


@dataclass(frozen=True)
class Evaluation:
    alerts: tuple[Alert, ...]
    statuses: dict[str, str]
    """Each goal's status now: the next run compares with these."""
    briefing: Briefing


def any_options(_: BriefingOptions) -> bool:
    """Every briefing of the workspace's state has the same goals, cadence and ingests."""
    return True


def evaluate(
    space: Workspace,
    previous: Mapping[str, str],
    thresholds: Thresholds | None = None,
    *,
    now: dt.datetime | None = None,
    snapshot: bool = False,
    options: BriefingOptions | None = None,
) -> Evaluation:
    """The alerts of `space` now; `previous`: each goal's status at the last run.

    `snapshot`: measure copies of the warehouse (`Workspace.briefing`), as a process that
    also serves the dashboard must. `options`: how to measure when no briefing of this
    state is kept (the dashboard's own, so the scheduler shares its measurement).
    """
    thresholds = thresholds or Thresholds()
    moment = now or dt.datetime.now(dt.UTC)
    briefing = space.briefing(options, accept=any_options, snapshot=snapshot)
    plan, card = briefing.plan, briefing.scorecard
    as_of = briefing.data_through or briefing.as_of
    alerts = [
        *goal_alerts(plan, card.goals, previous),
        *response_alerts(plan, missed_runs(space.response_days(snapshot=snapshot)), thresholds),
        *stopped_alerts(plan, card.cadence, as_of, thresholds),
        *ingest_alerts(briefing.ingests, moment, thresholds),
    ]
    statuses = {pace.goal: str(pace.status) for pace in card.goals}
    return Evaluation(tuple(alerts), statuses, briefing)
