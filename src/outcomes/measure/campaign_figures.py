"""A tactic's engagement as its ad and email campaigns report it.

Campaign Manager, Ads Manager and Mailchimp report clicks and impressions per campaign,
not per post: the connectors store them as `metric_snapshots` of entity kind `campaign`,
one row per campaign and day (or report period). Reach is not taken: people reached on
one day are reached again on the next, so days' reach cannot be added. An advertising tactic's
`clicks` benchmark is measured from them; without this it read "no data yet" beside the
very report that states its clicks.

A tactic claims a campaign as its spend is claimed (`outcomes.measure.costs.attributed`):
its `measurement.match.utm_campaign` lists the campaign's name, compared without case or
surrounding space; the first such tactic in plan order has it. Figures dated within the
tactic's dates, up to `as_of`, are summed.

Each sum says how far its figures run (`CampaignFigures.covered`): the last day the newest
figure covers, which a benchmark is measured to (`outcomes.measure.benchmark_days`). A
report of 6 to 19 April covers 19 April, not the quarter its tactic runs; a series dated
the 1st of every month stands for whole months, as goals read a metric's snapshots
(`outcomes.measure.pacing`), so its newest figure covers its month to the end.

The campaigns' figures count only for a metric none of the tactic's own activities
states (`outcomes.measure.benchmarks`): a boosted post's clicks in the page's export and
its campaign's clicks in the ads report are the same clicks, never added twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from outcomes.catalog.measurable import CAMPAIGN_METRICS
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

CAMPAIGN_KIND: Final = "campaign"
"""The `entity_kind` of a campaign's snapshots (`outcomes.tables.ENTITY_KINDS`)."""


def claimed_campaigns(plan: Plan) -> dict[str, str]:
    """{campaign name, casefolded and stripped: the tactic that claims it}, plan order first."""
    claims: dict[str, str] = {}
    for tactic in plan.tactics:
        match = tactic.measurement.match if tactic.measurement else None
        for name in match.utm_campaign if match else []:
            if name and name.strip():
                claims.setdefault(name.strip().casefold(), tactic.id)
    return claims


@dataclass(frozen=True, slots=True)
class CampaignFigures:
    """What a tactic's campaigns report, by (tactic, metric); a pair with no figure is absent."""

    counts: Mapping[tuple[str, str], float] = field(default_factory=dict)
    """The sum of the figures within the tactic's dates, to `as_of`."""
    covered: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)
    """The last day those figures cover, `as_of` at most (module docstring)."""


def campaign_counts(plan: Plan, snapshots: ibis.Table, as_of: dt.date) -> CampaignFigures:
    """The sums the tactics' claimed campaigns report within each tactic's dates to
    `as_of`, for the additive counts campaigns report (`CAMPAIGN_METRICS`), and the day
    each runs to."""
    claims = claimed_campaigns(plan)
    if not claims:
        return CampaignFigures()
    # Names are matched here, not in the engine: SQL's lower() is not Python's casefold().
    reported = snapshots.filter(
        (snapshots.entity_kind == CAMPAIGN_KIND)
        & snapshots.metric.isin(list(CAMPAIGN_METRICS))
        & (snapshots.date <= as_of)
    )
    daily = reported.group_by(["entity", "metric", "date"]).aggregate(value=reported.value.sum())
    dates = {tactic.id: (tactic.start, tactic.end) for tactic in plan.tactics}
    counts: dict[tuple[str, str], float] = {}
    days: dict[tuple[str, str], list[dt.date]] = {}
    for row in to_arrow(daily).to_pylist():
        tactic = claims.get(str(row["entity"]).strip().casefold())
        if tactic is None:
            continue
        start, end = dates[tactic]
        if start <= row["date"] <= end:
            key = (tactic, str(row["metric"]))
            counts[key] = counts.get(key, 0.0) + float(row["value"])
            days.setdefault(key, []).append(row["date"])
    covered = {key: min(_covered(listed), as_of) for key, listed in days.items()}
    return CampaignFigures(counts, covered)


def _covered(days: list[dt.date]) -> dt.date:
    """The last day a series of figures covers: its newest day, or, for a series dated the
    1st of every month, the end of the newest one's month."""
    last = max(days)
    if any(day.day != 1 for day in days):
        return last
    return (last + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
