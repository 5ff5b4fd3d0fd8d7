"""Check-ins in a real workspace: their counts load as warehouse rows and count for cadence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from outcomes.workspace import CheckinRecord, Workspace, init_workspace

pytestmark = pytest.mark.slow  # each measures a scorecard

NEWSLETTER = "customer-newsletter"  # email, cadence 1 a month, from 2026-01-01


def checkin(week: dt.date, sent: int, *, author: str = "priya", **extra: object) -> CheckinRecord:
    fields: dict[str, object] = {
        "tactic": NEWSLETTER, "channel": "email", "week": week, "author": author,
        "done": "Sent the newsletter", "confidence": 7, "counts": {"emails_sent": sent},
        "saved_at": dt.datetime.now(dt.UTC), **extra,
    }  # fmt: skip
    return CheckinRecord(**fields)  # type: ignore[arg-type]


@pytest.fixture
def space(tmp_path: Path) -> Workspace:
    init_workspace(tmp_path / "ws", example="northwind")
    return Workspace.open(tmp_path / "ws")


def newsletter_cadence(space: Workspace) -> tuple[int, int, str]:
    """Months kept, emails counted and status of the newsletter in the scorecard to March."""
    rows = space.scorecard(as_of=dt.date(2026, 3, 31)).cadence
    [row] = [r for r in rows if r.tactic == NEWSLETTER and r.operator == "(tactic)"]
    assert row.periods == 3
    return row.periods_kept, row.activities, row.status


def test_a_checkin_is_a_loaded_file_with_every_row_accounted_for(space: Workspace) -> None:
    result = space.record_checkin(checkin(dt.date(2026, 1, 5), 1200))
    assert (result.source, result.read, result.loaded, result.balanced) == ("checkin", 1, 1, True)
    [entry] = space.history()
    # History names it relative to the workspace, as every file inside it.
    assert entry.source == "checkin" and entry.file.startswith(".outcomes/checkins/2026-01-05/")
    stored = json.loads((space.root / entry.file).read_text())
    assert stored["counts"] == {"emails_sent": 1200} and stored["confidence"] == 7


def test_checkins_count_for_the_cadence_of_an_offline_tactic(space: Workspace) -> None:
    assert newsletter_cadence(space) == (0, 0, "no activity data")
    for week in (dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2)):
        space.record_checkin(checkin(week, 1))
    assert newsletter_cadence(space) == (3, 3, "kept the rhythm")


def test_a_mapped_register_counts_until_check_ins_do(space: Workspace) -> None:
    # A team that keeps its own log of newsletters sent, mapped as snapshots of the tactic,
    # kept the rhythm as much as one that checks in; main said "no activity data".
    root = space.root
    (root / "exports").mkdir(exist_ok=True)
    log = root / "exports" / "sends.csv"
    log.write_text("Sent on,Emails\n2026-01-08,1\n2026-02-05,1\n2026-03-05,1\n")
    (root / "outcomes.toml").write_text(
        '[csv.sends]\nfiles = ["exports/sends.csv"]\ntable = "metric_snapshots"\n'
        '[csv.sends.columns]\ndate = "Sent on"\nvalue = "Emails"\n'
        f'[csv.sends.values]\nmetric = "emails_sent"\nchannel = "email"\n'
        f'entity = "{NEWSLETTER}"\nentity_kind = "campaign"\n'
    )
    space = Workspace.open(root)
    assert space.ingest([log], source="csv").exit_code == 0
    assert newsletter_cadence(space) == (3, 3, "kept the rhythm")
    # Once the team checks in, the check-ins count and the log does not: the same sends.
    space.record_checkin(checkin(dt.date(2026, 1, 5), 1))
    assert newsletter_cadence(space)[:2] == (1, 1)


def test_changing_a_checkin_updates_its_rows_and_forgetting_puts_them_back(
    space: Workspace,
) -> None:
    week = dt.date(2026, 2, 2)
    space.record_checkin(checkin(week, 0))
    assert newsletter_cadence(space)[:2] == (0, 0)
    changed = space.record_checkin(checkin(week, 2, confidence=9))
    assert (changed.loaded, changed.updated) == (0, 1)
    assert newsletter_cadence(space)[:2] == (1, 2)
    assert [r.confidence for r in space.checkins()] == [9]
    space.forget(str(space.history()[0].id))
    assert newsletter_cadence(space)[:2] == (0, 0)
    assert [r.confidence for r in space.checkins()] == [7]  # the earlier version again


def test_the_latest_checkins_since_a_week_newest_first(space: Workspace) -> None:
    space.record_checkin(checkin(dt.date(2026, 1, 5), 1, blocker="printer broke"))
    space.record_checkin(checkin(dt.date(2026, 1, 12), 1, author="cy"))
    space.record_checkin(checkin(dt.date(2026, 1, 12), 1))
    found = [(r.week.day, r.author, r.blocker) for r in space.checkins()]
    assert found == [(12, "priya", None), (12, "cy", None), (5, "priya", "printer broke")]
    assert [r.author for r in space.checkins(since=dt.date(2026, 1, 12))] == ["priya", "cy"]


def test_a_negative_count_is_rejected_not_stored(space: Workspace) -> None:
    result = space.record_checkin(checkin(dt.date(2026, 1, 5), -3))
    assert (result.read, result.loaded, result.rejected) == (1, 0, 1)
    assert newsletter_cadence(space)[:2] == (0, 0)
