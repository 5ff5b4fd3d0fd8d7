"""Random acts of social found in the data: activity and campaign traffic no tactic accounts for.

Also the source labels no table knows: a touchpoint or conversion whose `channel` is neither
a plan channel nor a documented class (:mod:`outcomes.catalog.source_labels`) holds a CRM's
or analytics tool's own word, which no tactic's channel can match; they are listed with
their counts so that `[channels]` in `outcomes.toml` can say what they mean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from outcomes.catalog import SOCIAL_CHANNELS
from outcomes.catalog.source_labels import KNOWN
from outcomes.measure.cadence import CHECKIN_SOURCE
from outcomes.measure.mapping import mapped_activities, mapped_touchpoints
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class UnplannedActivity:
    """Activity of one kind, by one author on one account and channel, that no tactic claims."""

    channel: str
    account: str | None
    author: str | None
    kind: str
    count: int
    first: dt.datetime
    last: dt.datetime
    example: str | None
    example_key: str | None = None
    """The warehouse key of the example (`outcomes explain KEY` says why no tactic claims it)."""


@dataclass(frozen=True, slots=True)
class UnplannedCampaign:
    """Campaign or social traffic (touchpoints) that no tactic's UTM rules claim."""

    channel: str | None
    utm_source: str | None
    utm_campaign: str | None
    count: int


@dataclass(frozen=True, slots=True)
class UnplannedCheckins:
    """Weekly check-ins naming a tactic the plan does not have (renamed, or removed)."""

    tactic: str
    weeks: int
    first: dt.date
    last: dt.date
    metrics: tuple[str, ...]
    """What they count (`events_held`, …): a goal on one of these counts them still."""


@dataclass(frozen=True, slots=True)
class UnknownLabel:
    """A stored channel value that is a source's own label, not a plan channel or class."""

    table: str
    source: str
    label: str
    count: int


@dataclass(frozen=True)
class UnplannedReport:
    """What `outcomes unplanned` shows."""

    activities: int
    unplanned_activities: int
    groups: tuple[UnplannedActivity, ...]
    campaigns: tuple[UnplannedCampaign, ...]
    labels: tuple[UnknownLabel, ...] = ()
    checkins: tuple[UnplannedCheckins, ...] = ()

    @property
    def share(self) -> float:
        """Share of all activities that no tactic accounts for (0 when there are none)."""
        return self.unplanned_activities / self.activities if self.activities else 0.0

    @property
    def found(self) -> bool:
        """True when some activity, campaign traffic or check-in belongs to no tactic."""
        return bool(self.unplanned_activities or self.campaigns or self.checkins)

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON of `outcomes unplanned --format json` and the API.

        2: `checkins`, the weekly check-ins of tactics the plan does not have."""
        return {
            "schema_version": 2,
            "activities": self.activities,
            "unplanned_activities": self.unplanned_activities,
            "share": self.share,
            "groups": [
                {**asdict(g), "first": g.first.isoformat(), "last": g.last.isoformat()}
                for g in self.groups
            ],
            "campaigns": [asdict(c) for c in self.campaigns],
            "unknown_labels": [asdict(label) for label in self.labels],
            "checkins": [_checkins_json(c) for c in self.checkins],
        }


def _checkins_json(checkins: UnplannedCheckins) -> dict[str, Any]:
    return asdict(checkins) | {
        "first": checkins.first.isoformat(),
        "last": checkins.last.isoformat(),
        "metrics": list(checkins.metrics),
    }


def find_unplanned(
    plan: Plan,
    activities: Any,
    touchpoints: Any,
    conversions: Any = None,
    *,
    mapped: Any = None,
    snapshots: Any = None,
) -> UnplannedReport:
    """Group the activities and touchpoints that belong to no tactic of `plan`.

    With `conversions`, the labels of touchpoints and conversions no table knows, too.
    With `snapshots`, the weekly check-ins of tactics the plan does not have.
    `mapped`: these activities already mapped by the plan (`mapped_activities`), when the
    caller keeps them for several measures (`build_briefing` does).
    """
    import ibis

    mapped = mapped_activities(plan, activities) if mapped is None else mapped
    totals = to_arrow(
        mapped.aggregate(total=mapped.count(), unplanned=mapped.tactic.isnull().sum())
    ).to_pylist()[0]
    loose = mapped.filter(mapped.tactic.isnull())
    grouped = (
        loose.group_by(["channel", "account", "author", "kind"])
        .aggregate(
            count=loose.count(),
            first=loose.ts.min(),
            last=loose.ts.max(),
            # The example is the activity with the smallest key, so it can be explained.
            example=loose.text.argmin(loose.key),
            example_key=loose.key.min(),
        )
        .order_by([ibis.desc("count"), "channel", "account", "author", "kind"])
    )
    groups = tuple(UnplannedActivity(**row) for row in to_arrow(grouped).to_pylist())
    labels = () if conversions is None else unknown_labels(touchpoints, conversions)
    return UnplannedReport(
        int(totals["total"]),
        int(totals["unplanned"] or 0),
        groups,
        _campaigns(plan, touchpoints),
        labels,
        () if snapshots is None else unplanned_checkins(plan, snapshots),
    )


def unplanned_checkins(plan: Plan, snapshots: Any) -> tuple[UnplannedCheckins, ...]:
    """Check-ins (`checkin` rows of metric_snapshots) whose tactic the plan does not have.

    The app checks a new check-in's tactic against the plan, but a tactic renamed or
    removed afterwards, or a file written by hand, leaves counts that no tactic shows
    while a goal on their metric still adds them up: listed here, never silent.
    """
    import ibis

    ids = sorted(tactic.id for tactic in plan.tactics)
    loose = snapshots.filter((snapshots.source == CHECKIN_SOURCE) & ~snapshots.entity.isin(ids))
    grouped = (
        loose.group_by("entity")
        .aggregate(
            weeks=loose.date.nunique(),
            first=loose.date.min(),
            last=loose.date.max(),
            metrics=loose.metric.collect(distinct=True),
        )
        .order_by([ibis.desc("weeks"), "entity"])
    )
    return tuple(
        UnplannedCheckins(
            str(row["entity"]),
            int(row["weeks"]),
            _day(row["first"]),
            _day(row["last"]),
            tuple(sorted(row["metrics"] or ())),
        )
        for row in to_arrow(grouped).to_pylist()
    )


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def unknown_labels(touchpoints: Any, conversions: Any) -> tuple[UnknownLabel, ...]:
    """Channel values of touchpoints and conversions that are not plan channels or classes."""
    import ibis

    known = sorted(KNOWN)
    parts = [
        table.filter(table.channel.notnull() & ~table.channel.isin(known))
        .select("source", "channel")
        .mutate(table=ibis.literal(name))
        for name, table in (("touchpoints", touchpoints), ("conversions", conversions))
    ]
    both = parts[0].union(parts[1], distinct=False)
    grouped = (
        both.group_by(["table", "source", "channel"])
        .aggregate(count=both.count())
        .order_by([ibis.desc("count"), "table", "source", "channel"])
    )
    return tuple(
        UnknownLabel(row["table"], row["source"], row["channel"], int(row["count"]))
        for row in to_arrow(grouped).to_pylist()
    )


def _campaigns(plan: Plan, touchpoints: Any) -> tuple[UnplannedCampaign, ...]:
    import ibis

    mapped = mapped_touchpoints(plan, touchpoints)
    loose = mapped.filter(
        mapped.tactic.isnull()
        & (mapped.utm_campaign.notnull() | mapped.channel.isin(sorted(SOCIAL_CHANNELS)))
    )
    grouped = (
        loose.group_by(["channel", "utm_source", "utm_campaign"])
        .aggregate(count=loose.count())
        .order_by([ibis.desc("count"), "channel", "utm_source", "utm_campaign"])
    )
    return tuple(UnplannedCampaign(**row) for row in to_arrow(grouped).to_pylist())
