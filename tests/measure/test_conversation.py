"""Conversation health: hand-made conversations in a real DuckDB warehouse, and the demo."""

from __future__ import annotations

import datetime as dt
import json
from itertools import count
from pathlib import Path

import numpy as np
import pytest

from outcomes.demo import build_demo_workspace
from outcomes.measure.conversation import (
    ConversationHealth,
    business_minutes,
    conversation_health,
)
from outcomes.warehouse.connection import Warehouse

T0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
_keys = count()


def activity(
    w: Warehouse, channel: str, kind: str, native_id: str, minutes: float,
    in_reply_to: str | None = None, account: str = "us",
) -> None:  # fmt: skip
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, native_id, kind, in_reply_to, "
        "ts, ingest_id) VALUES (?, 'test', ?, ?, ?, ?, ?, ?, 1)",
        [f"a{next(_keys)}", channel, account, native_id, kind, in_reply_to,
         T0 + dt.timedelta(minutes=minutes)],
    )  # fmt: skip


def by_channel(w: Warehouse) -> dict[str, ConversationHealth]:
    return {h.group["channel"]: h for h in conversation_health(w.table("activities"))}  # type: ignore[misc]


def test_response_rate_first_response_and_push_ratio_by_hand(warehouse: Warehouse) -> None:
    w = warehouse
    activity(w, "mastodon", "post", "p1", 0)
    activity(w, "mastodon", "post", "p2", 5)
    activity(w, "mastodon", "mention", "m1", 10)
    activity(w, "mastodon", "reply", "r1", 40, in_reply_to="m1")  # 30 minutes
    activity(w, "mastodon", "reply", "r2", 70, in_reply_to="m1")  # a second answer: not first
    activity(w, "mastodon", "mention", "m2", 100)
    activity(w, "mastodon", "reply", "r3", 110, in_reply_to="m2")  # 10 minutes
    activity(w, "mastodon", "mention", "m3", 200)  # never answered
    activity(w, "mastodon", "mention", "m4", 300)  # never answered
    h = by_channel(w)["mastodon"]
    assert (h.inbound, h.answered, h.answered_unseen) == (4, 2, 0)
    assert h.response_rate == 0.5 and h.flags == ()  # 0.5 is not under the 0.5 line
    assert h.median_first_response_minutes == pytest.approx(20.0)
    assert (h.own_posts, h.answers, h.listen_push_ratio) == (2, 3, 1.5)
    activity(w, "mastodon", "mention", "m5", 400)
    low = by_channel(w)["mastodon"]
    assert low.response_rate == pytest.approx(0.4) and low.flags == ("low-response",)


def test_one_account_spelled_two_ways_is_one_account(warehouse: Warehouse) -> None:
    w = warehouse
    # The network's page export uses the handle; a community tool, the display name.
    activity(w, "linkedin", "post", "p1", 0, account="northwind-freight-software")
    activity(w, "linkedin", "comment", "c1", 10, account="Northwind Freight Software")
    activity(
        w, "linkedin", "reply", "r1", 20, in_reply_to="c1", account="Northwind Freight Software"
    )
    activity(w, "x", "post", "x1", 0, account="@North_Wind")
    activity(w, "x", "reply", "x2", 5, in_reply_to="elsewhere", account="north_wind")
    rows = conversation_health(w.table("activities"), by=("channel", "account"))
    groups = {(h.group["channel"], h.group["account"]): h for h in rows}
    assert set(groups) == {("linkedin", "northwind-freight-software"), ("x", "north-wind")}
    page = groups[("linkedin", "northwind-freight-software")]
    assert (page.inbound, page.answered, page.own_posts, page.listen_push_ratio) == (1, 1, 1, 1.0)
    assert page.flags == ()


def test_x_replies_to_tweets_not_in_the_archive_are_timed_by_snowflake(
    warehouse: Warehouse,
) -> None:
    w = warehouse
    asked = T0 - dt.timedelta(minutes=25)
    snowflake = (int(asked.timestamp() * 1000) - 1_288_834_974_657) << 22
    activity(w, "x", "reply", "9001", 0, in_reply_to=str(snowflake))
    activity(w, "x", "post", "9002", 1)
    activity(w, "x", "post", "9003", 2)
    activity(w, "x", "post", "9004", 3)
    h = by_channel(w)["x"]
    assert (h.inbound, h.answered, h.answered_unseen) == (None, 1, 1)
    assert h.response_rate is None  # the unanswered tweets are not in the export
    assert h.median_first_response_minutes == pytest.approx(25.0, abs=0.02)
    assert h.listen_push_ratio == pytest.approx(1 / 3) and h.flags == ("push-heavy",)


def test_the_demo_channels_match_the_planted_conversations(tmp_path: Path) -> None:
    directory = tmp_path / "northwind"
    build_demo_workspace(directory, scale=0.25)
    truth = json.loads((directory / "truth.json").read_text())
    with Warehouse.open(directory) as w:
        health = by_channel(w)
    for channel in ("linkedin", "mastodon"):
        planted, got = truth["conversation"][channel], health[channel]
        assert (got.inbound, got.answered) == (planted["inbound"], planted["answered"])
        assert got.response_rate == pytest.approx(planted["response_rate"], abs=5e-5)
        assert got.median_first_response_minutes == pytest.approx(
            planted["median_first_response_minutes"], abs=0.05
        )
    x = health["x"]
    assert x.answered == truth["conversation"]["x"]["answered"]
    assert x.median_first_response_minutes == pytest.approx(
        truth["conversation"]["x"]["median_first_response_minutes"], abs=0.1
    )
    flagged = {c for c, h in health.items() if "low-response" in h.flags}
    assert flagged == {truth["low_response_channel"]}


def _at(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-03-06T16:30", "2026-03-09T09:30", 60),  # Friday 16:30 → Monday 9:30
        ("2026-03-07T12:00", "2026-03-09T10:00", 60),  # Saturday noon → Monday 10:00
        ("2026-03-02T07:00", "2026-03-02T08:00", 0),  # before opening
        ("2026-03-02T16:00", "2026-03-03T10:00", 120),  # overnight: an hour each side
        ("2026-03-02T09:00", "2026-03-09T09:00", 5 * 480),  # a whole week
        ("2026-03-04T12:00", "2026-03-04T12:45", 45),  # within one day
    ],
)
def test_business_minutes_skip_nights_and_weekends(start: str, end: str, minutes: float) -> None:
    waited = business_minutes(np.array([_at(start)]), np.array([_at(end)]))
    assert waited.tolist() == [minutes]


def test_first_response_in_business_hours_by_hand(warehouse: Warehouse) -> None:
    w = warehouse
    friday = dt.datetime(2026, 3, 6, 16, 30, tzinfo=dt.UTC)
    for n, (asked, answered) in enumerate(
        [
            (friday, friday + dt.timedelta(days=2, hours=17)),  # Mon 9:30: 60 business min
            (friday, friday + dt.timedelta(minutes=20)),  # 20 minutes, all in hours
            (friday, friday + dt.timedelta(days=3, hours=1)),  # Mon 17:30: 8 h 30 → 510
        ]
    ):
        start = (asked - T0).total_seconds() / 60
        end = (answered - T0).total_seconds() / 60
        activity(w, "linkedin", "comment", f"c{n}", start)
        activity(w, "linkedin", "reply", f"r{n}", end, in_reply_to=f"c{n}")
    h = by_channel(w)["linkedin"]
    assert h.median_first_response_minutes == pytest.approx(2 * 24 * 60 + 17 * 60)
    assert h.median_first_response_business_minutes == pytest.approx(60)
    assert h.p90_first_response_business_minutes == pytest.approx(60 + 0.8 * (510 - 60))
