"""Conversation health: hand-made conversations in a real DuckDB warehouse, and the demo."""

from __future__ import annotations

import datetime as dt
import json
from itertools import count
from pathlib import Path

import pytest

from outcomes.measure.conversation import (
    ConversationHealth,
    conversation_health,
    responder_health,
    tactic_conversation,
)
from outcomes.measure.response_waits import ResponseTarget
from outcomes.plan import load_plan
from outcomes.plan.model import BusinessHours, Person
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache

T0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
_keys = count()


def activity(
    w: Warehouse, channel: str, kind: str, native_id: str, minutes: float,
    in_reply_to: str | None = None, account: str = "us", author: str | None = None,
    source: str = "test",
) -> None:  # fmt: skip
    w.duckdb.execute(
        "INSERT INTO activities (key, source, channel, account, native_id, kind, in_reply_to, "
        "ts, author, ingest_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [f"a{next(_keys)}", source, channel, account, native_id, kind, in_reply_to,
         T0 + dt.timedelta(minutes=minutes), author],
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


def test_posts_from_an_export_without_replies_are_not_pushing_without_listening(
    warehouse: Warehouse,
) -> None:
    w = warehouse
    # Meta's and LinkedIn's post exports hold no replies: their 0 answers are not measured.
    for n in range(3):
        activity(w, "instagram", "post", f"ig{n}", n, source="meta")
        activity(w, "linkedin", "post", f"li{n}", n, source="linkedin")
        activity(w, "x", "post", f"x{n}", n, source="x-archive")  # an archive holds replies
    rows = by_channel(w)
    for channel in ("instagram", "linkedin"):
        assert (rows[channel].own_posts, rows[channel].answers) == (3, 0)
        assert rows[channel].listen_push_ratio is None and rows[channel].flags == ()
    assert rows["x"].listen_push_ratio == 0.0 and rows["x"].flags == ("push-heavy",)
    # A social inbox's CSV with one reply on Instagram: now the balance is measured.
    activity(w, "instagram", "reply", "r1", 9, in_reply_to="c1", source="csv")
    instagram = by_channel(w)["instagram"]
    assert instagram.listen_push_ratio == pytest.approx(1 / 3)
    assert instagram.flags == ("push-heavy",)


@pytest.fixture(scope="module")
def demo(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("conversation") / "northwind").workspace


def test_the_demo_channels_match_the_planted_conversations(demo: Path) -> None:
    directory = demo
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


def test_business_hours_follow_the_plans_time_zone(warehouse: Warehouse) -> None:
    w = warehouse
    # Friday 15:30 UTC is 16:30 in Amsterdam; Monday 08:30 UTC is 09:30 there.
    friday = dt.datetime(2026, 3, 6, 15, 30, tzinfo=dt.UTC)
    activity(w, "linkedin", "comment", "c1", (friday - T0).total_seconds() / 60)
    monday = friday + dt.timedelta(days=2, hours=17)
    activity(w, "linkedin", "reply", "r1", (monday - T0).total_seconds() / 60, in_reply_to="c1")
    utc = conversation_health(w.table("activities"))[0]
    local = conversation_health(
        w.table("activities"), hours=BusinessHours(time_zone="Europe/Amsterdam")
    )[0]
    # UTC: 90 minutes on Friday, none on Monday before nine; Amsterdam: 30 and 30.
    assert utc.median_first_response_business_minutes == pytest.approx(90)
    assert local.median_first_response_business_minutes == pytest.approx(60)
    assert local.median_first_response_minutes == utc.median_first_response_minutes


def _answered_after(w: Warehouse, waits: list[float | None], channel: str = "linkedin") -> None:
    """One comment per wait, answered that many minutes later (None: never answered)."""
    for n, wait in enumerate(waits):
        activity(w, channel, "comment", f"c{n}", 60 * n, account="page")
        if wait is not None:
            activity(
                w, channel, "reply", f"r{n}", 60 * n + wait, in_reply_to=f"c{n}", account="page"
            )


def test_share_answered_within_target_counts_unanswered_as_missed(warehouse: Warehouse) -> None:
    w = warehouse
    # Comments from 09:00 UTC on Monday, one an hour: all inside business hours.
    _answered_after(w, [10, 30, 45, 200, None])
    rows = conversation_health(
        w.table("activities"), by=("account",), targets={("page",): ResponseTarget(30)}
    )
    [page] = rows
    assert page.target == ResponseTarget(30)
    assert page.answered_within_target == pytest.approx(2 / 5)  # 10 and 30 are in time
    [plain] = conversation_health(w.table("activities"), by=("account",))
    assert plain.target is None and plain.answered_within_target is None


def test_a_business_hours_target_reads_waits_in_business_time(warehouse: Warehouse) -> None:
    w = warehouse
    # Monday 16:50 UTC, answered Tuesday 09:05: 10 + 5 business minutes, 16 h 15 calendar.
    activity(w, "linkedin", "comment", "late", 470, account="page")
    activity(w, "linkedin", "reply", "r", 470 + 975, in_reply_to="late", account="page")
    table = w.table("activities")
    [business] = conversation_health(
        table, by=("account",), targets={("page",): ResponseTarget(15, business_hours=True)}
    )
    [calendar] = conversation_health(
        table, by=("account",), targets={("page",): ResponseTarget(15)}
    )
    assert business.answered_within_target == 1.0
    assert calendar.answered_within_target == 0.0


def test_on_x_the_share_within_target_is_of_the_answered(warehouse: Warehouse) -> None:
    w = warehouse
    for n, wait in enumerate([5, 50]):
        asked = T0 + dt.timedelta(minutes=60 * n)
        snowflake = (int(asked.timestamp() * 1000) - 1_288_834_974_657) << 22
        activity(w, "x", "reply", f"90{n}", 60 * n + wait, in_reply_to=str(snowflake))
    [x] = conversation_health(w.table("activities"), targets={("x",): ResponseTarget(30)})
    assert x.inbound is None and x.answered == 2
    assert x.answered_within_target == pytest.approx(1 / 2)


def test_on_x_with_direct_messages_a_message_never_answered_missed_the_target(
    warehouse: Warehouse,
) -> None:
    # Rivierwacht's donor care: two public replies to tweets the archive does not hold (5
    # and 50 minutes), and two direct messages, one answered in 20 minutes and one never.
    # The unanswered message is in the export, so it is one of the four items and missed:
    # 2 of 4 in time (the 5-minute reply and the 20-minute answer), not 2 of 3 answered.
    w = warehouse
    for n, wait in enumerate([5, 50]):
        asked = T0 + dt.timedelta(minutes=60 * n)
        snowflake = (int(asked.timestamp() * 1000) - 1_288_834_974_657) << 22
        activity(w, "x", "reply", f"90{n}", 60 * n + wait, in_reply_to=str(snowflake))
    activity(w, "x", "message_in", "dm1", 200, author="donor1")
    activity(w, "x", "message", "dm1r", 220, in_reply_to="dm1")
    activity(w, "x", "message_in", "dm2", 300, author="donor2")
    [x] = conversation_health(w.table("activities"), targets={("x",): ResponseTarget(30)})
    assert (x.inbound, x.answered, x.answered_unseen) == (2, 3, 2)
    assert x.response_rate is None  # how many public mentions went unanswered is unknown
    assert x.answered_within_target == pytest.approx(2 / 4)


PEOPLE = [
    Person(id="lee", name="Lee Chen"),
    Person(id="ana", name="Ana Silva"),
]


def test_responders_are_credited_with_the_conversations_they_answered_first(
    warehouse: Warehouse,
) -> None:
    w = warehouse
    activity(w, "linkedin", "comment", "c1", 0)
    activity(w, "linkedin", "reply", "r1", 20, in_reply_to="c1", author="LEE CHEN")
    activity(w, "linkedin", "reply", "r2", 25, in_reply_to="c1", author="Ana Silva")  # second
    activity(w, "linkedin", "comment", "c2", 100)
    activity(w, "linkedin", "reply", "r3", 140, in_reply_to="c2", author="@ana")
    activity(w, "linkedin", "comment", "c3", 200)
    activity(w, "linkedin", "reply", "r4", 260, in_reply_to="c3", author="@ana")
    activity(w, "linkedin", "post", "p1", 300, author="Ana Silva")
    activity(w, "linkedin", "post", "p2", 301, author="Lee Chen")
    activity(w, "linkedin", "post", "p3", 302, author="Lee Chen")
    activity(w, "linkedin", "reply", "r5", 310, in_reply_to="c9", author="guest-editor")
    rows = {r.responder: r for r in responder_health(w.table("activities"), PEOPLE)}
    assert set(rows) == {"lee", "ana", "guest-editor"}
    lee, ana, guest = rows["lee"], rows["ana"], rows["guest-editor"]
    assert (lee.person, lee.answered_first, lee.answers, lee.own_posts) == ("lee", 1, 1, 2)
    assert lee.median_first_response_minutes == pytest.approx(20)
    assert lee.listen_push_ratio == 0.5
    assert (ana.answered_first, ana.answers, ana.own_posts, ana.listen_push_ratio) == (2, 3, 1, 3)
    assert ana.median_first_response_minutes == pytest.approx(50)  # 40 and 60
    # An answer to something not in the export, by someone not in the plan: kept as written.
    assert (guest.person, guest.answered_first, guest.median_first_response_minutes) == (
        None, 1, None,
    )  # fmt: skip


def test_the_demo_tactics_and_responders_match_the_planted_conversations(demo: Path) -> None:
    truth = json.loads((demo / "truth.json").read_text())
    plan = load_plan(demo / "plan.yaml").plan
    with Warehouse.open(demo) as w:
        tactics = {h.group["tactic"]: h for h in tactic_conversation(plan, w.table("activities"))}
        responders = responder_health(w.table("activities"), plan.people)
    for tactic in ("li-rep-insights", "li-listen-respond"):
        planted, got = truth["tactics"][tactic]["conversation"], tactics[tactic]
        assert (got.inbound, got.answered) == (planted["inbound"], planted["answered"])
        assert got.median_first_response_minutes == pytest.approx(
            planted["median_first_response_minutes"], abs=0.05
        )
    listening = truth["tactics"]["li-listen-respond"]["conversation"]
    assert tactics["li-listen-respond"].target == ResponseTarget(240)
    assert tactics["li-listen-respond"].answered_within_target == pytest.approx(
        listening["answered_within_target"], abs=5e-5
    )
    assert tactics["li-rep-insights"].target is None
    # Pushing tactics are judged by their channel, not flagged one by one.
    assert "push-heavy" not in tactics["li-company-guides"].flags
    names = {p.name: p.id for p in plan.people}
    planted_by = {
        (channel, names.get(who, who)): numbers
        for channel, people in truth["responders"].items()
        for who, numbers in people.items()
    }
    got_by = {(r.channel, r.responder): r for r in responders if r.answered_first}
    assert set(got_by) == set(planted_by)
    assert {"lee", "ana", "bo"} <= {who for _, who in got_by}
    for key, numbers in planted_by.items():
        assert got_by[key].answered_first == numbers["answered_first"], key
        assert got_by[key].median_first_response_minutes == pytest.approx(
            numbers["median_first_response_minutes"], abs=0.1
        ), key


def test_a_thread_continuing_our_own_post_answers_nobody_in_a_tactics_numbers(
    warehouse: Warehouse,
) -> None:
    """A reply to our own tweet (a thread) answers no customer. The account's numbers left
    it out while its respond tactic, which does not claim the post it continues, counted
    it as a conversation answered in 2 minutes: Sagebrook's x-care read 6 answered, a
    median of 37.5 business minutes and 83% within target, its account 5, 50 and 80%."""
    plan = load_plan(Path(__file__).parents[1] / "workspace/fixtures/sixthco/plan.yaml").plan
    w = warehouse
    asked = T0 - dt.timedelta(minutes=25)
    customer = (int(asked.timestamp() * 1000) - 1_288_834_974_657) << 22
    activity(w, "x", "reply", "9001", 0, in_reply_to=str(customer), account="SagebrookHelp")
    activity(w, "x", "post", "9002", 60, account="SagebrookHelp")  # a tip: no tactic's
    activity(w, "x", "reply", "9003", 62, in_reply_to="9002", account="SagebrookHelp")
    [account] = by_channel(w).values()
    [care] = tactic_conversation(plan, w.table("activities"))
    assert care.group == {"tactic": "x-care"}
    assert (care.answered, account.answered) == (1, 1)
    assert care.median_first_response_minutes == pytest.approx(25.0, abs=0.02)
