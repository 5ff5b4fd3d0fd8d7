"""Private messages read in turns: a customer's messages before our answer are one wait."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes import Workspace
from outcomes.measure.conversation import conversation_health, responder_health
from outcomes.measure.response_waits import ResponseTarget
from outcomes.warehouse.connection import Warehouse
from outcomes.workspace import init_workspace
from tests.measure.test_conversation import activity


def test_messages_before_our_answer_are_one_wait_from_the_first(warehouse: Warehouse) -> None:
    """Before: a mapped inbox's 'Hello' and 'anyone there?' were two waits, the second
    never answered (inbound 2, answered 1, rate 0.5, flagged low-response)."""
    w = warehouse
    activity(w, "facebook", "message_in", "m1", 0, author="Jo Park")
    activity(w, "facebook", "message_in", "m2", 10, author="Jo Park")
    activity(w, "facebook", "reply", "r1", 40, in_reply_to="m2", author="us")
    [h] = conversation_health(w.table("activities"))
    assert (h.inbound, h.answered, h.response_rate, h.flags) == (1, 1, 1.0, ())
    assert h.median_first_response_minutes == pytest.approx(40)  # from the first message


def test_a_message_after_our_answer_is_a_new_wait(warehouse: Warehouse) -> None:
    w = warehouse
    activity(w, "facebook", "message_in", "m1", 0, author="Jo Park")
    activity(w, "facebook", "reply", "r1", 15, in_reply_to="m1")
    activity(w, "facebook", "message_in", "m2", 60, author="Jo Park")
    activity(w, "facebook", "message_in", "m3", 70, author="Jo Park")
    activity(w, "facebook", "reply", "r2", 90, in_reply_to="m3")
    activity(w, "facebook", "message_in", "m4", 200, author="Jo Park")  # waits still
    [h] = conversation_health(w.table("activities"), targets={("facebook",): ResponseTarget(30)})
    assert (h.inbound, h.answered) == (3, 2)
    assert h.median_first_response_minutes == pytest.approx((15 + 30) / 2)
    assert h.answered_within_target == pytest.approx(2 / 3)


def test_turns_are_per_counterpart_and_comments_stay_apart(warehouse: Warehouse) -> None:
    w = warehouse
    # Two customers writing at once wait once each; one answer answers only its own.
    activity(w, "facebook", "message_in", "a1", 0, author="Ana")
    activity(w, "facebook", "message_in", "b1", 5, author="Bo")
    activity(w, "facebook", "message_in", "a2", 6, author="Ana")
    activity(w, "facebook", "reply", "r1", 20, in_reply_to="a2")
    # The same name on another account is another conversation.
    activity(w, "facebook", "message_in", "o1", 7, author="Ana", account="shop")
    # Comments are questions of their own, even from one person.
    activity(w, "facebook", "comment", "c1", 8, author="Ana")
    activity(w, "facebook", "comment", "c2", 9, author="Ana")
    activity(w, "facebook", "reply", "r2", 30, in_reply_to="c1")
    # Without an author a message cannot be tied to anyone: a wait of its own.
    activity(w, "facebook", "message_in", "n1", 10)
    activity(w, "facebook", "message_in", "n2", 11)
    activity(w, "facebook", "reply", "r3", 50, in_reply_to="n2")
    [h] = conversation_health(w.table("activities"))
    # Waits: Ana, Bo, Ana on shop, c1, c2, n1, n2; answered: Ana, c1, n2.
    assert (h.inbound, h.answered) == (7, 3)
    rows = conversation_health(w.table("activities"), by=("channel", "account"))
    assert {h.group["account"]: (h.inbound, h.answered) for h in rows} == {
        "us": (6, 3),
        "shop": (1, 0),
    }


def test_the_responder_is_who_answered_the_turn_first(warehouse: Warehouse) -> None:
    w = warehouse
    activity(w, "facebook", "message_in", "m1", 0, author="Jo Park")
    activity(w, "facebook", "message_in", "m2", 10, author="Jo Park")
    activity(w, "facebook", "reply", "r1", 25, in_reply_to="m2", author="lee")
    activity(w, "facebook", "reply", "r2", 30, in_reply_to="m1", author="ana")
    rows = {r.responder: r for r in responder_health(w.table("activities"))}
    assert rows["lee"].answered_first == 1 and rows["ana"].answered_first == 0
    assert rows["lee"].median_first_response_minutes == pytest.approx(25)


INBOX = """\
[csv.inbox]
files = ["exports/inbox/*.csv"]
table = "activities"
[csv.inbox.columns]
native_id = "Message ID"
in_reply_to = "In reply to"
kind = "Type"
author = "From"
ts = "Sent"
[csv.inbox.values]
channel = "instagram"
account = "shop"
[csv.inbox.value_map]
kind = {Message = "message_in", Reply = "reply"}
"""


def test_a_mapped_inbox_sheet_reads_a_customers_two_messages_as_one_wait(
    tmp_path: Path,
) -> None:
    """Every row loaded (read 3 = loaded 3), and the conversation is one wait answered."""
    init_workspace(tmp_path, example="northwind")
    (tmp_path / "outcomes.toml").write_text(INBOX)
    sheet = tmp_path / "exports" / "inbox" / "dms.csv"
    sheet.parent.mkdir(parents=True)
    sheet.write_text(
        "Message ID,In reply to,Type,From,Sent\n"
        "m1,,Message,@hannah,2026-09-05T19:40:00Z\n"
        "m2,,Message,@hannah,2026-09-05T19:50:00Z\n"
        "m3,m2,Reply,shop,2026-09-05T20:25:00Z\n"
    )
    report = Workspace.open(tmp_path).ingest([sheet], source="csv")
    [outcome] = report.outcomes
    assert (outcome.read, outcome.loaded) == (3, 3)  # type: ignore[union-attr]
    with Warehouse.open(tmp_path) as w:
        [h] = conversation_health(w.table("activities"))
    assert (h.inbound, h.answered, h.response_rate) == (1, 1, 1.0)
    assert h.median_first_response_minutes == pytest.approx(45)
