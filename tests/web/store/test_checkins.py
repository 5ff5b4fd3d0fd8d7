"""Check-ins in the app's database, on SQLite and PostgreSQL: one per tactic, week and author."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.web.store import Role, Store
from outcomes.web.store.checkins import CheckinEntry, CheckinRefusedError, Checkins, open_weeks

PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 12, 3)  # a Thursday
THIS_WEEK, LAST_WEEK = dt.date(2026, 11, 30), dt.date(2026, 11, 23)
OFFERED = ("events_held", "meetings_held")


def entry(**changes: object) -> CheckinEntry:
    fields: dict[str, object] = {
        "tactic": "trade-show", "week": THIS_WEEK, "done": "Stand at the fair",
        "confidence": 7, "counts": {"events_held": 1}, "blocker": None, **changes,
    }  # fmt: skip
    return CheckinEntry(**fields)  # type: ignore[arg-type]


def test_the_open_weeks_are_this_one_and_the_one_before() -> None:
    assert open_weeks(TODAY) == (THIS_WEEK, LAST_WEEK)
    assert open_weeks(THIS_WEEK) == (THIS_WEEK, LAST_WEEK)  # a Monday is in its own week


def test_a_checkin_is_saved_changed_by_its_author_and_logged(store: Store) -> None:
    bo = store.add_user("bo", Role.OPERATOR, PASSWORD, actor="cli:test")
    cy = store.add_user("cy", Role.OPERATOR, PASSWORD, actor="cli:test")
    book = Checkins(store)
    first, created = book.save(bo, entry(blocker="  "), OFFERED, today=TODAY)
    assert created and first.counts == {"events_held": 1} and first.blocker is None
    changed, created = book.save(
        bo, entry(confidence=4, blocker="no stand"), OFFERED, today=TODAY, ip="10.0.0.2"
    )
    assert not created and changed.id == first.id and changed.created_at == first.created_at
    book.save(cy, entry(week=LAST_WEEK, counts={}), OFFERED, today=TODAY)
    found = [(c.author, c.week, c.confidence, c.blocker) for c in book.of_tactic("trade-show")]
    assert found == [("bo", THIS_WEEK, 4, "no stand"), ("cy", LAST_WEEK, 7, None)]
    assert [c.author for c in book.since(THIS_WEEK)] == ["bo"]
    events = [(e.actor, e.action, e.subject, e.detail) for e in store.events(limit=3)]
    assert events == [
        ("cy", "checkin.add", "trade-show", {"week": "2026-11-23", "confidence": 7}),
        ("bo", "checkin.edit", "trade-show", {"week": "2026-11-30", "confidence": 4}),
        ("bo", "checkin.add", "trade-show", {"week": "2026-11-30", "confidence": 7}),
    ]
    assert store.events(action="checkin.edit")[0].ip == "10.0.0.2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"confidence": 0}, "confidence", "from 1 to 10"),
        ({"confidence": 11}, "confidence", "from 1 to 10"),
        ({"counts": {"events_held": -1}}, "events_held", "from 0 to"),
        ({"counts": {"letters_sent": 3}}, "letters_sent", "does not count that"),
        ({"week": dt.date(2026, 11, 16)}, "week", "this week (2026-11-30) or last week"),
        ({"done": " "}, "done", "say what was done"),
    ],
)
def test_a_checkin_breaking_a_rule_is_refused_and_nothing_is_kept(
    store: Store, changes: dict[str, object], field: str, message: str
) -> None:
    bo = store.add_user("bo", Role.OPERATOR, PASSWORD, actor="cli:test")
    with pytest.raises(CheckinRefusedError) as refused:
        Checkins(store).save(bo, entry(**changes), OFFERED, today=TODAY)
    assert message in refused.value.problems[field]
    assert Checkins(store).of_tactic("trade-show") == []


def test_a_failing_mirror_keeps_nothing(store: Store) -> None:
    bo = store.add_user("bo", Role.OPERATOR, PASSWORD, actor="cli:test")

    def refuse(_: object) -> None:
        raise RuntimeError("the warehouse is busy")

    with pytest.raises(RuntimeError):
        Checkins(store).save(bo, entry(), OFFERED, today=TODAY, mirror=refuse)
    assert Checkins(store).of_tactic("trade-show") == []
    assert store.events(action="checkin.add") == []
