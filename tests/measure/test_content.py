"""Content focus: the lexical model on hand-written posts, and tactics on the demo company."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.measure.content import brand_words, content_focus, focus_score
from outcomes.plan import Plan
from outcomes.warehouse.connection import Warehouse

BRAND = frozenset({"northwind"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We're proud to be named Software of the Year!", -1.0),  # self ½, proud, named
        ("How do you cut empty kilometres on your return legs?", 1.0),
        ("Northwind wins again", -1.0),
        ("Friday lunch at the Hamburg office.", 0.0),  # no signal: neutral
        # customer 1 + problem 1 against self ½ + brag 1: (2 - 1.5) / 3.5
        ("Thank you: our guide is out", pytest.approx(0.5 / 3.5)),
    ],
)
def test_scores_by_hand(text: str, expected: float) -> None:
    assert focus_score(text, BRAND).score == expected


@given(st.text(max_size=300))
def test_any_text_scores_between_minus_one_and_one(text: str) -> None:
    score = focus_score(text, BRAND)
    assert -1.0 <= score.score <= 1.0
    assert (score.score == 0.0) or (score.customer + score.problem + score.question
                                    + score.self_words + score.brand > 0)  # fmt: skip


def test_brand_words_come_from_the_organisation_and_extra_terms(plan: Plan) -> None:
    assert brand_words(plan) == {"northwind", "freight"}  # "Software" is too generic
    assert "routeplanner" in brand_words(plan, ["RoutePlanner"])


def test_tactics_get_their_posts_share_and_comment_comparison(
    plan: Plan, warehouse: Warehouse
) -> None:
    posts = [
        ("northwindhelp", "How to fix your CSV import?", 4),  # x-support (its account)
        ("northwindhelp", "Why do your routes fail? A guide for you", 6),
        ("northwindhelp", "We are proud: award number three!", 1),
        ("northwind", "Northwind named fastest growing, again", 0),  # unplanned account
    ]
    for i, (account, text, comments) in enumerate(posts):
        warehouse.duckdb.execute(
            "INSERT INTO activities (key, source, channel, account, kind, text, comments, ts, "
            "ingest_id) VALUES (?, 'test', 'x', ?, 'post', ?, ?, ?, 1)",
            [f"p{i}", account, text, comments, dt.datetime(2026, 3, 1 + i, tzinfo=dt.UTC)],
        )
    found = {f.tactic: f for f in content_focus(plan, warehouse.table("activities"))}
    assert list(found) == ["x-support", "unplanned"]
    support = found["x-support"]
    assert support.posts == 3 and support.brand_centric_share == pytest.approx(1 / 3)
    assert support.customer_focused_comments == 5.0 and support.brand_centric_comments == 1.0
    assert support.comments_p_value is not None and 0 < support.comments_p_value <= 1
    assert found["unplanned"].mean_score == -1.0
