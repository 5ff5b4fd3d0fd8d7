"""Check-in files read by the `checkin` connector: a week is its Monday, whatever day the
file names, so one week's check-ins are one row per count, never two."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from outcomes.sources.base import ReadOptions, Row
from outcomes.sources.checkin import Checkin, read_record
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file


def checkin(tmp_path: Path, name: str, week: str, accepted: int) -> Path:
    path = tmp_path / f"{name}.json"
    record = {
        "format": "outcomes-checkin", "version": 1, "tactic": "field-listening",
        "channel": "mastodon", "week": week, "author": "priya",
        "counts": {"ideas_accepted": accepted}, "confidence": 7, "blocker": None,
        "done": "Triage", "saved_at": f"{week}T16:00:00+00:00",
    }  # fmt: skip
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_a_week_named_by_another_day_is_its_monday(tmp_path: Path) -> None:
    path = checkin(tmp_path, "wednesday", "2026-11-25", 1)
    assert read_record(path).week == dt.date(2026, 11, 23)
    [row] = [p for p in Checkin().read(path, ReadOptions()) if isinstance(p, Row)]
    assert row.values["date"] == dt.date(2026, 11, 23)


def test_the_same_week_checked_in_again_updates_it(tmp_path: Path) -> None:
    # Corliss's product manager saved Monday's check-in, then Wednesday's for the same
    # week: 2 ideas accepted that week, not 1 + 2.
    with Warehouse.open(tmp_path) as warehouse:
        ingest_file(warehouse, Checkin(), checkin(tmp_path, "monday", "2026-11-23", 1))
        later = ingest_file(warehouse, Checkin(), checkin(tmp_path, "wednesday", "2026-11-25", 2))
        stored = warehouse.duckdb.sql("SELECT date, value FROM metric_snapshots").fetchall()
    assert (later.loaded, later.updated) == (0, 1)
    assert stored == [(dt.date(2026, 11, 23), 2.0)]
