"""The Meta Business Suite connector on Facebook and Instagram post exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.base import Notice
from outcomes.sources.meta import Meta
from outcomes.tables import ACTIVITIES

FIXTURES = Path(__file__).parent / "fixtures"
FACEBOOK_JAN = FIXTURES / "meta" / "facebook_2026-01.csv"
FACEBOOK_FEB = FIXTURES / "meta" / "facebook_2026-02.csv"
INSTAGRAM_FEB = FIXTURES / "meta" / "instagram_2026-02.csv"
UTC = dt.UTC
PAGE = "https://www.facebook.com/1029384756/"


def read(path: Path, **options: Any) -> tuple[list[dict[str, Any]], list[Rejected]]:
    """The activities' values and the rejections for `path`, checked against the schema."""
    parsed = list(Meta().read(path, ReadOptions(**options)))
    rows = [p for p in parsed if isinstance(p, Row)]
    assert {r.table for r in rows} <= {"activities"}
    values = [r.values for r in rows]
    assert all(set(v) <= set(ACTIVITIES.names) for v in values)
    # The loader's own conversion: fails on a missing required column or a wrong type.
    pa.Table.from_pylist(values, schema=ACTIVITIES.arrow_schema())
    return values, [p for p in parsed if isinstance(p, Rejected)]


def facebook(post: str, **values: Any) -> dict[str, Any]:
    """An expected Facebook activity of Northwind's Page."""
    common = {
        "key": f"facebook|{post}",
        "source": "meta",
        "channel": "facebook",
        "account": "Northwind Ltd",
        "native_id": post,
        "kind": "post",
    }
    return common | values


def test_facebook_month_with_a_multiline_caption_and_a_bad_reach() -> None:
    rows, rejected = read(FACEBOOK_JAN)

    caption = (
        "Our Q1 guide is out, finally.\nRead it here: https://northwind.example/guide?"
        "utm_source=facebook&utm_medium=social&utm_campaign=q1-guide\nThanks, team!"
    )
    assert rows == [
        facebook(
            "1029384756_111",
            ts=dt.datetime(2026, 1, 5, 9, 15, tzinfo=UTC),
            text="Happy new year from all of us",
            url=PAGE + "posts/111",
            campaign=None,
            views=2310,
            reach=1980,
            reactions=52,
            comments=8,
            shares=4,
            clicks=31,
        ),
        facebook(
            "1029384756_112",
            # Month first: 01/12 is 12 January.
            ts=dt.datetime(2026, 1, 12, 17, 40, tzinfo=UTC),
            # The caption, not the Title ("Q1 guide").
            text=caption,
            url=PAGE + "posts/112",
            campaign="q1-guide",
            views=4100,
            reach=3650,
            reactions=70,
            comments=15,
            shares=12,
            clicks=210,
        ),
        facebook(
            "1029384756_114",
            ts=dt.datetime(2026, 1, 26, 8, 5, tzinfo=UTC),
            text="How Alder & Co answered every ticket in a day",
            url=PAGE + "posts/114",
            campaign=None,
            views=12800,
            reach=9400,
            reactions=250,
            comments=40,
            shares=20,
            clicks=640,
        ),
    ]
    # The caption of line 3 runs to line 5, so the next record starts on line 6.
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (6, "Reach", "expected a number, got 'lots'")
    ]
    assert rejected[0].raw.startswith("1029384756_113,1029384756,Northwind Ltd,,Behind the scenes")


def test_facebook_month_with_fewer_columns_and_split_reach() -> None:
    rows, rejected = read(FACEBOOK_FEB)

    assert rows == [
        facebook(
            "1029384756_201",
            ts=dt.datetime(2026, 2, 3, 10, 30, tzinfo=UTC),
            # No description: the Title is all the text there is.
            text="Spring pricing explained",
            url=PAGE + "videos/201/?utm_campaign=spring-pricing",
            campaign="spring-pricing",
            views=5500,
            # No "Reach" column: organic 3,100 + boosted 900.
            reach=4000,
            reactions=95,
            comments=17,
            shares=8,
            clicks=300,
        )
    ]
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (3, "Publish time", "expected a date and time, got '2026-13-45 10:00'")
    ]


def test_instagram_posts_with_lifetime_dates() -> None:
    rows, rejected = read(INSTAGRAM_FEB)

    common = {"source": "meta", "channel": "instagram", "account": "northwind.ltd", "kind": "post"}
    assert rows == [
        common
        | {
            "key": "instagram|18000000000000001",
            "native_id": "18000000000000001",
            "ts": dt.datetime(2026, 2, 2, 18, 0, tzinfo=UTC),
            "text": "New guide: cut onboarding time in half #onboarding #saas "
            "https://northwind.example/g?utm_source=instagram&utm_campaign=q1-guide",
            "url": "https://www.instagram.com/p/C1a2b3c4d5/",
            "campaign": "q1-guide",
            "views": 1204,
            "reach": 980,
            "reactions": 140,
            "comments": 9,
            "shares": 12,
            "saves": 21,
        },
        common
        | {
            "key": "instagram|18000000000000002",
            "native_id": "18000000000000002",
            "ts": dt.datetime(2026, 2, 9, 7, 45, tzinfo=UTC),
            "text": "Our team at the spring meetup",
            "url": "https://www.instagram.com/reel/C9z8y7x6w5/",
            "campaign": None,
            "views": 3300,
            "reach": 2900,
            "reactions": 410,
            "comments": 27,
            "shares": 35,
            "saves": 50,
        },
    ]
    assert rejected == []


def test_account_option_fills_in_when_the_file_has_no_page_name(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID,Page ID,Publish time,Description,Reach\n"
        "9_1,9,2026-03-01 08:00,Hello,10\n"
        ",9,2026-03-02 08:00,No id,5\n"
        "9_3,9,,No time,5\n",
        encoding="utf-8",
    )

    rows, rejected = read(path, account="Northwind Ltd")

    assert [(r["key"], r["account"], r["reach"], r["text"]) for r in rows] == [
        ("facebook|9_1", "Northwind Ltd", 10, "Hello")
    ]
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (3, "Post ID", "no post id"),
        (4, "Publish time", "no publish time"),
    ]


def test_a_file_without_its_account_column_says_whose_posts_are_unknown(tmp_path: Path) -> None:
    """Damaged copies of the companies' exports with 'Account username' or 'Page name'
    removed loaded every post with no account and exit 0, without a word: a tactic naming
    the account then claimed none of them and read "no data yet"."""
    lines = INSTAGRAM_FEB.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "Account username" in header
    path = tmp_path / "posts.csv"
    path.write_text("\n".join(lines).replace("Account username", "Handle") + "\n", "utf-8")

    parsed = list(Meta().read(path, ReadOptions()))

    [notice] = [p for p in parsed if isinstance(p, Notice)]
    assert notice.text.startswith("no 'Account username' column: the posts load without the")
    assert "--account NAME" in notice.text
    named = list(Meta().read(path, ReadOptions(account="northwind")))
    assert not [p for p in named if isinstance(p, Notice)]
    assert not [p for p in Meta().read(INSTAGRAM_FEB, ReadOptions()) if isinstance(p, Notice)]


def test_a_csv_without_a_meta_header_is_refused() -> None:
    path = FIXTURES / "youtube" / "utf16" / "Table data.csv"

    with pytest.raises(SourceError, match=r"Table data\.csv: no Meta post-export header"):
        read(path)


def test_detect_recognises_meta_exports_only() -> None:
    source = get_source("meta")
    assert isinstance(source, Meta)
    others = sorted((FIXTURES / "linkedin").glob("*")) + sorted(
        (FIXTURES / "youtube").rglob("*.csv")
    )

    def detect(path: Path) -> bool:
        return source.detect(path, path.read_bytes()[: 64 * 1024])

    assert [detect(p) for p in (FACEBOOK_JAN, FACEBOOK_FEB, INSTAGRAM_FEB)] == [True] * 3
    assert len(others) >= 7
    assert [p.name for p in others if detect(p)] == []
