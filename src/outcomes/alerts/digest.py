"""The weekly digest: every goal's status, the alerts sent this week, what needs a decision,
and check-ins missing where the app records them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outcomes.alerts.delivery import slack_blocks
from outcomes.alerts.messages import MARKS, link
from outcomes.catalog.statuses import status_word
from outcomes.measure.words import metric_value

if TYPE_CHECKING:
    from outcomes.briefing import Briefing


@dataclass(frozen=True, slots=True)
class WeekAlert:
    """An alert sent during the week."""

    severity: str
    title: str
    sent_at: dt.datetime
    resolved: bool


@dataclass(frozen=True, slots=True)
class GoalLine:
    goal: str
    title: str
    status: str
    actual: str | None
    """The actual in the metric's unit ("€21.40", "89.60%"), None before any data."""
    target: str


@dataclass(frozen=True)
class Digest:
    organisation: str
    week_start: dt.date
    week_end: dt.date
    data_through: dt.date | None
    goals: tuple[GoalLine, ...]
    alerts: tuple[WeekAlert, ...]
    decisions: tuple[tuple[str, str], ...]
    """The briefing's top exceptions: (title, dashboard path)."""
    checkin_gaps: tuple[str, ...] | None
    """Tactics without this week's check-in; None where check-ins are not recorded."""

    @property
    def key(self) -> str:
        """The delivery log's key: one digest per ISO week."""
        year, week, _ = self.week_end.isocalendar()
        return f"digest:{year}-W{week:02d}"

    @property
    def subject(self) -> str:
        return f"[outcomes] {self.organisation}: week to {self.week_end:%d %b %Y}"

    def lines(self, base_url: str | None) -> list[str]:
        """The digest's sections, each a paragraph."""
        through = f" (data through {self.data_through.isoformat()})" if self.data_through else ""
        goals = "\n".join(
            f"• {g.title}: {status_word(g.status)}"
            + ("" if g.actual is None else f" — {g.actual} of {g.target}")
            for g in self.goals
        )
        alerts = "\n".join(
            f"• {MARKS.get(a.severity, '')} {a.title} ({a.sent_at:%a %d %b}"
            + (", resolved since)" if a.resolved else ")")
            for a in self.alerts
        )
        sections = [
            f"Goals{through}:\n{goals or '• no goals'}",
            f"Alerts this week:\n{alerts or '• none'}",
        ]
        if self.decisions:
            needed = "\n".join(
                f"• {title}: {link(base_url, path)}" for title, path in self.decisions
            )
            sections.append(f"Needs a decision:\n{needed}")
        if self.checkin_gaps is not None:
            gaps = "\n".join(f"• {gap}" for gap in self.checkin_gaps)
            sections.append(
                f"Check-ins missing this week:\n{gaps or '• none: every tactic checked in'}"
            )
        return sections

    def text(self, base_url: str | None) -> str:
        title = (
            f"{self.organisation}: the week of {self.week_start:%d %b} to {self.week_end:%d %b %Y}"
        )
        return (
            "\n\n".join([title, *self.lines(base_url), f"Dashboard: {link(base_url, '/')}"]) + "\n"
        )

    def webhook_payload(self, base_url: str | None) -> dict[str, Any]:
        text = f"Weekly digest: {self.organisation}, week to {self.week_end:%d %b %Y}"
        return {"text": text, "blocks": slack_blocks([f"*{text}*", *self.lines(base_url)])}


CHECKIN_HABIT_WEEKS = 8
"""A team that checked in within this many weeks uses check-ins: its gaps are news."""


def checkin_gaps(
    tactics: Sequence[str], checked: Iterable[tuple[str, dt.date]], *, now: dt.date
) -> list[str] | None:
    """The tactics nobody checked in on for last week (ISO weeks, Monday first).

    `checked`: (tactic, week's Monday) of the recent check-ins. None when the team has not
    checked in within `CHECKIN_HABIT_WEEKS`: a team that does not use check-ins is not
    told every week that each tactic lacks one.
    """
    this_week = now - dt.timedelta(days=now.weekday())
    last_week = this_week - dt.timedelta(days=7)
    habit_start = this_week - dt.timedelta(weeks=CHECKIN_HABIT_WEEKS)
    recent = [(tactic, week) for tactic, week in checked if week >= habit_start]
    if not recent:
        return None
    done = {tactic for tactic, week in recent if week == last_week}
    return [
        f"{tactic}: no check-in for the week of {last_week:%d %b %Y}"
        for tactic in tactics
        if tactic not in done
    ]


def build_digest(
    briefing: Briefing,
    alerts: Iterable[WeekAlert],
    *,
    now: dt.datetime,
    checkin_gaps: Sequence[str] | None = None,
) -> Digest:
    """The digest of the seven days up to `now`."""
    titles = {goal.id: goal.title for goal in briefing.plan.goals}
    plan = briefing.plan
    goals = tuple(
        GoalLine(
            pace.goal,
            titles.get(pace.goal, pace.goal),
            pace.status,
            None if pace.actual is None else metric_value(plan, pace.metric, pace.actual),
            metric_value(plan, pace.metric, pace.target),
        )
        for pace in briefing.scorecard.goals
    )
    end = now.date()
    return Digest(
        organisation=briefing.organisation,
        week_start=end - dt.timedelta(days=6),
        week_end=end,
        data_through=briefing.data_through,
        goals=goals,
        alerts=tuple(sorted(alerts, key=lambda a: a.sent_at)),
        decisions=tuple((item.title, item.link) for item in briefing.top_attention),
        checkin_gaps=None if checkin_gaps is None else tuple(checkin_gaps),
    )
