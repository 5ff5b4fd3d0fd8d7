"""Content focus: the lexical model on hand-written posts, and tactics on the demo company."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.measure.content import (
    band_of,
    brand_words,
    content_focus,
    content_focus_and_examples,
    counted_words,
    focus_score,
    in_english,
)
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
    assert brand_words(plan) == {"northwind"}  # "Freight Software" says what it does
    assert "routeplanner" in brand_words(plan, ["RoutePlanner"])


def named(plan: Plan, name: str, brand: list[str] = [], generic: list[str] = []) -> Plan:  # noqa: B006
    organisation = plan.organisation.model_copy(
        update={"name": name, "brand_terms": brand, "generic_terms": generic}
    )
    return plan.model_copy(update={"organisation": organisation})


def test_a_category_word_in_the_name_is_not_brand_talk(plan: Plan) -> None:
    harbour = named(plan, "Harbour Physio")
    assert brand_words(harbour) == {"harbour"}
    stiff_back = focus_score("3 moves for a stiff lower back #physio", brand_words(harbour))
    assert stiff_back.brand == 0 and stiff_back.score == 0.0
    brag = focus_score("Harbour Physio wins an award", brand_words(harbour))
    assert brag.brand == 2 and brag.score == -1.0  # harbour, award
    # Before #15 the name's every word was brand: the same post scored like a brag.
    assert focus_score("3 moves for a stiff lower back #physio", frozenset({"physio"})).score == -1


def test_brand_terms_and_generic_terms_are_the_plans_to_set(plan: Plan) -> None:
    # Terms the plan states replace the name's words; a stated category word is kept.
    stated = named(plan, "Harbour Physio", brand=["HarbourFit", "Physio"])
    assert brand_words(stated) == {"harbourfit", "physio"}
    # generic_terms are never brand, stated or not, and take out words of the name too.
    assert brand_words(named(plan, "Harbour Physio", brand=["Physio"], generic=["physio"])) == (
        frozenset()
    )
    assert brand_words(named(plan, "Acme Widgets Ltd", generic=["widgets"])) == {"acme"}


def test_links_are_not_read() -> None:
    text = "Release notes: https://northwind.example/changelog?utm_source=x&utm_medium=social"
    assert focus_score(text, BRAND) == focus_score("Release notes:", BRAND)
    assert counted_words(text, BRAND) == ()


@pytest.mark.parametrize(
    ("score", "band"),
    [(1.0, "about_customer"), (0.5, "about_customer"), (0.49, "leans_customer"),
     (0.0, "neutral"), (-0.01, "leans_us"), (-0.5, "about_us"), (-1.0, "about_us")],
)  # fmt: skip
def test_score_bands(score: float, band: str) -> None:
    assert band_of(score) == band


def test_each_score_band_gets_a_real_post_nearest_its_median(
    plan: Plan, warehouse: Warehouse
) -> None:
    texts = [
        "How do you cut your costs?",  # +1
        "How do you cut costs? Our guide",  # (1+2+1-0.5)/(4.5) = +0.78
        "Friday lunch at the Hamburg office.",  # 0
        "We are proud: award number three!",  # -1
        "Thank you: our guide is out",  # +0.14
    ]
    for i, text in enumerate(texts):
        warehouse.duckdb.execute(
            "INSERT INTO activities (key, source, channel, account, kind, text, ts, ingest_id) "
            "VALUES (?, 'test', 'x', 'northwindhelp', 'post', ?, ?, 1)",
            [f"p{i}", text, dt.datetime(2026, 3, 1 + i, tzinfo=dt.UTC)],
        )
    tactics, examples = content_focus_and_examples(plan, warehouse.table("activities"))
    assert [t.tactic for t in tactics] == ["x-support"]
    found = {e.band: e for e in examples}
    assert list(found) == ["about_customer", "leans_customer", "neutral", "about_us"]
    assert found["about_customer"].posts == 2
    assert found["neutral"].text == "Friday lunch at the Hamburg office."
    assert found["about_us"].counted == ("we", "proud", "award")
    assert found["leans_customer"].counted == ("thank", "you", "our", "guide")
    # Both customer posts are equally far from their median: the earlier one is shown.
    assert found["about_customer"].text == "How do you cut your costs?"


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


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Friday lunch at the Hamburg office.", True),
        ("#sale https://northwind.example/sale", True),  # no word of any language: read
        ("Elke euro haalt plastic uit de Waal. Geef voor de najaarsactie", False),
        ("Wir sind für Sie da", False),
        ("Nous sommes là pour vous", False),
        ("Café de Flore: how the regulars cut their bills", True),  # one Dutch-looking "de"
    ],
)
def test_a_post_in_another_language_is_not_read(text: str, english: bool) -> None:
    assert in_english(text) is english


def test_posts_not_in_english_are_left_out_of_the_score_and_named(
    plan: Plan, warehouse: Warehouse
) -> None:
    texts = [
        "How do you cut your costs?",  # +1
        "Elke euro haalt plastic uit de Waal. Geef voor de najaarsactie",  # scored 0 before
        "Zaterdag opruimdag langs de Maas! Doe mee",
    ]
    for i, text in enumerate(texts):
        warehouse.duckdb.execute(
            "INSERT INTO activities (key, source, channel, account, kind, text, ts, ingest_id) "
            "VALUES (?, 'test', 'x', 'northwindhelp', 'post', ?, ?, 1)",
            [f"p{i}", text, dt.datetime(2026, 3, 1 + i, tzinfo=dt.UTC)],
        )
    [support], examples = content_focus_and_examples(plan, warehouse.table("activities"))
    assert (support.posts, support.not_english, support.mean_score) == (3, 2, 1.0)
    assert support.note == (
        "2 of its 3 posts are not in English and are left out of its score"
        " (the word lists are English)"
    )
    assert support.score_words == "+1.00"
    assert [(e.band, e.posts) for e in examples] == [("about_customer", 1)]
