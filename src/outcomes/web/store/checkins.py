"""Weekly check-ins in the app's database: one per tactic, ISO week and author.

The rule for when a check-in can be written (and changed): its week is this ISO week or
the one before, so Monday's catch-up on last week works and older weeks stay as they were
reported. Saving again for the same tactic, week and author changes that check-in (and
logs `checkin.edit`); a check-in is only ever changed by its author.

Each save runs `mirror` inside the same transaction before it commits: the web app and
the CLI pass the workspace's `record_checkin`, so a check-in whose counts the warehouse
refuses is not kept either.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from outcomes.catalog.checkin_counts import offered_counts
from outcomes.plan import Tactic
from outcomes.web.store.audit import add_event, now
from outcomes.web.store.database import StoreError
from outcomes.web.store.models import CheckinRow, UserRow
from outcomes.web.store.store import Store, User
from outcomes.workspace import CheckinRecord, Workspace

CONFIDENCE: Final = range(1, 11)
MAX_COUNT: Final = 1_000_000
"""More than a week of any offline work; a larger number is a typing slip."""
DONE_LENGTH: Final = 4000
BLOCKER_LENGTH: Final = 2000


def offered(tactic: Tactic) -> tuple[str, ...]:
    """The counts `tactic`'s check-in asks for (`catalog.checkin_counts`)."""
    return offered_counts(tactic.channel, tactic.mode, (b.metric for b in tactic.benchmarks))


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def open_weeks(today: dt.date) -> tuple[dt.date, dt.date]:
    """The weeks a check-in can be written for on `today`: this one and the one before."""
    this = week_of(today)
    return this, this - dt.timedelta(weeks=1)


@dataclass(frozen=True)
class CheckinEntry:
    """What an operator reports for one tactic and week."""

    tactic: str
    week: dt.date
    done: str
    confidence: int
    counts: Mapping[str, int] = field(default_factory=dict)
    blocker: str | None = None


@dataclass(frozen=True)
class Checkin:
    id: int
    tactic: str
    week: dt.date
    author: str
    done: str
    confidence: int
    counts: dict[str, int]
    blocker: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "tactic": self.tactic,
            "week": self.week.isoformat(),
            "author": self.author,
            "done": self.done,
            "confidence": self.confidence,
            "counts": dict(self.counts),
            "blocker": self.blocker,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class CheckinRefusedError(StoreError):
    """A check-in that cannot be saved: a message per field (`tactic`, `week`, a count…)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.problems.items()))


def entry_problems(entry: CheckinEntry, offered: Collection[str], today: dt.date) -> dict[str, str]:
    """What is wrong with `entry` for a tactic whose check-in offers `offered` counts."""
    problems: dict[str, str] = {}
    if entry.week not in open_weeks(today):
        this, last = open_weeks(today)
        problems["week"] = (
            f"check in for this week ({this}) or last week ({last}), not {entry.week}"
        )
    if not entry.done.strip():
        problems["done"] = "say what was done this week"
    elif len(entry.done) > DONE_LENGTH:
        problems["done"] = f"at most {DONE_LENGTH} characters"
    if entry.confidence not in CONFIDENCE:
        problems["confidence"] = f"a whole number from 1 to 10, not {entry.confidence}"
    if entry.blocker is not None and len(entry.blocker) > BLOCKER_LENGTH:
        problems["blocker"] = f"at most {BLOCKER_LENGTH} characters"
    for name, count in entry.counts.items():
        if name not in offered:
            problems[name] = "this tactic's check-in does not count that"
        elif not 0 <= count <= MAX_COUNT:
            problems[name] = f"a whole number from 0 to {MAX_COUNT:,}, not {count}"
    return problems


class Checkins:
    """The check-ins kept in a `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def save(
        self,
        author: User,
        entry: CheckinEntry,
        offered: Collection[str],
        *,
        today: dt.date | None = None,
        ip: str | None = None,
        mirror: Callable[[Checkin], object] | None = None,
        via: str = "web",
    ) -> tuple[Checkin, bool]:
        """Record or change `author`'s check-in; the check-in and whether it is new.

        `CheckinRefusedError` with every problem when the entry breaks a rule.
        """
        problems = entry_problems(entry, offered, today or now().date())
        if problems:
            raise CheckinRefusedError(problems)
        with self.store.transaction() as session:
            row = _find(session, entry.tactic, entry.week, author.id)
            created = row is None
            saved_at = now()
            if row is None:
                row = CheckinRow(
                    tactic=entry.tactic, week=entry.week, user_id=author.id, created_at=saved_at
                )
                session.add(row)
            row.done, row.confidence = entry.done.strip(), entry.confidence
            row.counts = json.dumps(dict(sorted(entry.counts.items())))
            row.blocker = (entry.blocker or "").strip() or None
            row.updated_at = saved_at
            session.flush()
            checkin = _checkin(row, author.name)
            action = "checkin.add" if created else "checkin.edit"
            detail = {"week": entry.week.isoformat(), "confidence": entry.confidence}
            if via != "web":
                detail["via"] = via
            add_event(session, author.name, action, entry.tactic, detail, ip)
            if mirror is not None:
                mirror(checkin)
            return checkin, created

    def record(
        self,
        space: Workspace,
        author: User,
        tactic: Tactic,
        entry: CheckinEntry,
        *,
        today: dt.date | None = None,
        ip: str | None = None,
        via: str = "web",
    ) -> tuple[Checkin, bool]:
        """`save`, with the check-in's counts loaded into `space`'s warehouse in the same
        transaction (`Workspace.record_checkin`): the web app's and the CLI's one way in."""

        def mirror(checkin: Checkin) -> None:
            # Every count the tactic offers is written, a blank one as 0: a change that
            # drops a count then sets its warehouse row to 0 instead of leaving the old one.
            counts = {name: checkin.counts.get(name, 0) for name in offered(tactic)}
            space.record_checkin(
                CheckinRecord(
                    tactic=checkin.tactic, channel=tactic.channel, week=checkin.week,
                    author=checkin.author, done=checkin.done, confidence=checkin.confidence,
                    blocker=checkin.blocker, counts=counts | checkin.counts,
                    saved_at=checkin.updated_at,
                )
            )  # fmt: skip

        return self.save(author, entry, offered(tactic), today=today, ip=ip, mirror=mirror, via=via)

    def of_tactic(self, tactic: str, *, limit: int = 104) -> list[Checkin]:
        """A tactic's check-ins, newest week first."""
        return self._select(lambda query: query.where(CheckinRow.tactic == tactic), limit)

    def since(self, week: dt.date, *, limit: int = 1000) -> list[Checkin]:
        """Every check-in from `week` on, newest week first."""
        return self._select(lambda query: query.where(CheckinRow.week >= week), limit)

    def find(self, tactic: str, week: dt.date, author: User) -> Checkin | None:
        with self.store.transaction() as session:
            row = _find(session, tactic, week, author.id)
            return _checkin(row, author.name) if row is not None else None

    def _select(self, narrow: Callable[[Any], Any], limit: int) -> list[Checkin]:
        query = select(CheckinRow, UserRow.name).join(UserRow, UserRow.id == CheckinRow.user_id)
        query = (
            narrow(query)
            .order_by(CheckinRow.week.desc(), CheckinRow.tactic, UserRow.name)
            .limit(limit)
        )
        with self.store.transaction() as session:
            return [_checkin(row, name) for row, name in session.execute(query)]


def _find(session: Session, tactic: str, week: dt.date, user_id: int) -> CheckinRow | None:
    return session.scalar(
        select(CheckinRow).where(
            CheckinRow.tactic == tactic, CheckinRow.week == week, CheckinRow.user_id == user_id
        )
    )


def _checkin(row: CheckinRow, author: str) -> Checkin:
    return Checkin(
        id=row.id,
        tactic=row.tactic,
        week=row.week,
        author=author,
        done=row.done,
        confidence=row.confidence,
        counts={str(k): int(v) for k, v in json.loads(row.counts or "{}").items()},
        blocker=row.blocker,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
