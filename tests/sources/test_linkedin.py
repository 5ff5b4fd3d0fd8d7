"""The LinkedIn Page connector on CSV, XLS and XLSX exports, old and new header names."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pytest
import xlwt

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.linkedin import LinkedIn, metric_id
from outcomes.warehouse.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_CSV = FIXTURES / "linkedin" / "northwind-ltd_content_1769904000000.csv"
FOLLOWERS_CSV = FIXTURES / "linkedin" / "new_followers.csv"
VISITORS_CSV = FIXTURES / "linkedin" / "northwind-ltd_visitors_1769904000000.csv"
UTC = dt.UTC
POST = "https://www.linkedin.com/feed/update/urn:li:activity:"

Sheets = dict[str, Sequence[Sequence[Any]]]

OLD_POSTS_HEADER: list[Any] = [
    "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
    "Campaign start date", "Campaign end date", "Audience", "Impressions", "Clicks",
    "Click through rate (CTR)", "Likes", "Comments", "Shares", "Followers", "Engagement rate",
]  # fmt: skip
OLD_METRICS_HEADER: list[Any] = [
    "Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
    "Unique impressions (organic)", "Clicks (total)", "Reactions (total)", "Comments (total)",
    "Shares (total)", "Engagement rate (total)",
]  # fmt: skip
NEW_POSTS_HEADER: list[Any] = [
    "Post title", "Post link", "Post type", "Campaign name", "Published by", "Date",
    "Impressions", "Views (excluding off-site video views)", "Clicks", "Likes", "Comments",
    "Reposts", "Follows", "Engagement rate", "Content Type",
]  # fmt: skip


def read(path: Path, **options: Any) -> tuple[list[Row], list[Rejected]]:
    """Every row and rejection the connector gives for `path`, checked against the schema."""
    parsed = list(LinkedIn().read(path, ReadOptions(**options)))
    rows = [p for p in parsed if isinstance(p, Row)]
    for table in {r.table for r in rows}:
        # The loader's own conversion: fails on a missing required column or a wrong type.
        values = [r.values for r in rows if r.table == table]
        assert all(set(v) <= set(TABLES[table].names) for v in values)
        pa.Table.from_pylist(values, schema=TABLES[table].arrow_schema())
    return rows, [p for p in parsed if isinstance(p, Rejected)]


def snapshots(rows: list[Row]) -> dict[tuple[str, dt.date], float]:
    """(metric, date) → value of the metric_snapshots rows."""
    found = {(r.values["metric"], r.values["date"]): r.values["value"] for r in rows}
    assert len(found) == len(rows), "one row per metric and date"
    return found


def write_xls(path: Path, sheets: Sheets) -> Path:
    """A legacy .xls workbook; dates are written as Excel date cells, as LinkedIn does."""
    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="M/D/YYYY")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_xlsx(path: Path, sheets: Sheets) -> Path:
    """An .xlsx workbook with one worksheet per entry, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


OLD_POSTS: list[list[Any]] = [
    ["Our new warehouse opens", POST + "7100000000000000001", "Organic", None, "Ana Ruiz",
     dt.date(2026, 1, 2), None, None, "All followers", "1,234", 31, 0.025, 40, 5, 6, 2, 0.066],
    ["Meet the team", POST + "7100000000000000002", "Organic", None, "Ben Okafor",
     "01/09/2026", None, None, "All followers", 410.0, 8, 0.019, 11, 0, 1, 0, 0.048],
    ["Broken date", POST + "7100000000000000003", "Organic", None, "Ana Ruiz",
     "next week", None, None, "All followers", 5, 0, 0, 0, 0, 0, 0, 0],
]  # fmt: skip
NEW_METRICS: list[list[Any]] = [
    ["Date", "Impressions (organic)", "Impressions (total)", "Reposts (organic)",
     "Reposts (total)", "Engagement rate (total)"],
    ["02/01/2026", 300, 420, 4, 6, "4.5%"],
    [dt.datetime(2026, 2, 2), 280, 280, 0, None, 0.0523],
]  # fmt: skip
NEW_POSTS: list[list[Any]] = [
    ["Spring pricing, explained", POST + "7200000000000000001", "Sponsored", "Spring pricing",
     "Carla Mendes", dt.datetime(2026, 2, 1), 5400, 310, 120, 88, 14, 9, 11, 0.043, "Video"],
]  # fmt: skip


def old_workbook(path: Path) -> Path:
    """A 2023-style content export: .xls, "Shares" and "Posted by", title rows, date cells."""
    metrics = [
        [dt.date(2026, 1, 1), 100, 50, 150, 90, 7, 12, 3, 2, 0.08],
        [dt.date(2026, 1, 2), "1,234", 0, "1,234", None, 9, 20, 4, 1, 0.0275],
    ]
    return write_xls(
        path,
        {
            "Metrics": [
                ["Aggregated content metrics, updated daily"],
                OLD_METRICS_HEADER,
                *metrics,
            ],
            "All posts": [
                ["Update engagement: each post's performance"],
                OLD_POSTS_HEADER,
                *OLD_POSTS,
            ],
            "Location": [["Location", "Total followers"], ["Berlin", 120], ["Lisbon", 80]],
        },
    )


def new_workbook(path: Path) -> Path:
    """A 2025-style content export: .xlsx, "Reposts" and "Published by", the Page in a title row."""
    return write_xlsx(
        path,
        {
            "Metrics": [["Page: Northwind Ltd"], *NEW_METRICS],
            "All posts": [["All posts"], NEW_POSTS_HEADER, *NEW_POSTS],
        },
    )


def test_csv_posts_below_a_title_row_become_activities() -> None:
    rows, rejected = read(CONTENT_CSV)

    first_text = (
        "Three ways to cut onboarding time, from our pilot "
        "https://northwind.example/blog?utm_source=linkedin&utm_campaign=onboarding-q1"
    )
    assert [r.values for r in rows] == [
        {
            "key": "linkedin|" + POST + "7150000000000000001",
            "source": "linkedin",
            "channel": "linkedin",
            "account": "northwind-ltd",
            "native_id": "urn:li:activity:7150000000000000001",
            "kind": "post",
            "author": "Ana Ruiz",
            "ts": dt.datetime(2026, 1, 15, tzinfo=UTC),
            "text": first_text,
            "url": POST + "7150000000000000001",
            "campaign": "onboarding-q1",
            "impressions": 1234,
            "views": None,
            "clicks": 56,
            "reactions": 40,
            "comments": 6,
            "shares": 3,
        },
        {
            "key": "linkedin|" + POST + "7150000000000000002",
            "source": "linkedin",
            "channel": "linkedin",
            "account": "northwind-ltd",
            "native_id": "urn:li:activity:7150000000000000002",
            "kind": "post",
            "author": "Ben Okafor",
            "ts": dt.datetime(2026, 1, 20, tzinfo=UTC),
            "text": "Webinar: pricing for mid-size teams",
            "url": POST + "7150000000000000002",
            "campaign": "Webinar Feb",
            "impressions": 5400,
            "views": 310,
            "clicks": 120,
            "reactions": 88,
            "comments": 14,
            "shares": 9,
        },
    ]
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (5, "Date", "expected a date and time, got '31/31/2026'")
    ]
    assert rejected[0].raw.startswith("Hiring: two support engineers,")


def test_account_option_names_the_page() -> None:
    rows, _ = read(CONTENT_CSV, account="Northwind Ltd")

    assert {r.values["account"] for r in rows} == {"Northwind Ltd"}


def test_followers_need_a_page_name() -> None:
    with pytest.raises(SourceError, match=r"new_followers\.csv: cannot tell which Page.*--account"):
        read(FOLLOWERS_CSV)


def test_followers_are_new_follows_per_day() -> None:
    rows, rejected = read(FOLLOWERS_CSV, account="Northwind Ltd")

    assert rejected == []
    assert {(r.values["entity"], r.values["entity_kind"], r.values["channel"]) for r in rows} == {
        ("Northwind Ltd", "page", "linkedin")
    }
    jan = dt.date(2026, 1, 1)
    assert snapshots(rows) == {
        ("new_followers_sponsored", jan): 0,
        ("new_followers_organic", jan): 5,
        ("new_followers_auto_invited", jan): 1,
        ("new_followers_total", jan): 6,
        ("new_followers_sponsored", jan.replace(day=2)): 2,
        ("new_followers_organic", jan.replace(day=2)): 3,
        ("new_followers_auto_invited", jan.replace(day=2)): 0,
        ("new_followers_total", jan.replace(day=2)): 5,
        # 3 January: the empty "Sponsored followers" cell gives no row, not a zero.
        ("new_followers_organic", jan.replace(day=3)): 4,
        ("new_followers_auto_invited", jan.replace(day=3)): 0,
        ("new_followers_total", jan.replace(day=3)): 4,
    }
    assert rows[0].values["key"] == "linkedin|Northwind Ltd|new_followers_sponsored|2026-01-01"


def test_visitors_and_a_bad_number_reject_the_whole_day() -> None:
    rows, rejected = read(VISITORS_CSV)

    day1, day3 = dt.date(2026, 1, 1), dt.date(2026, 1, 3)
    assert snapshots(rows) == {
        ("page_views_overview_total", day1): 15,
        ("page_views_desktop", day1): 20,
        ("page_views_mobile", day1): 9,
        ("page_views_total", day1): 29,
        ("unique_visitors_total", day1): 22,
        ("page_views_overview_total", day3): 8,
        ("page_views_desktop", day3): 10,
        ("page_views_mobile", day3): 6,
        ("page_views_total", day3): 16,
        ("unique_visitors_total", day3): 12,
    }
    assert {r.values["entity"] for r in rows} == {"northwind-ltd"}
    assert [(r.line, r.column, r.reason, r.raw) for r in rejected] == [
        (3, "Total page views (mobile)", "expected a number, got 'twelve'",
         "01/02/2026,11,14,twelve,26,19")
    ]  # fmt: skip


def test_old_xls_workbook_with_shares_and_posted_by(tmp_path: Path) -> None:
    path = old_workbook(tmp_path / "northwind-ltd_content_1769904000000.xls")

    rows, rejected = read(path)

    posts = [r.values for r in rows if r.table == "activities"]
    assert [
        (p["author"], p["ts"], p["text"], p["impressions"], p["reactions"], p["shares"])
        for p in posts
    ] == [
        ("Ana Ruiz", dt.datetime(2026, 1, 2, tzinfo=UTC), "Our new warehouse opens", 1234, 40, 6),
        ("Ben Okafor", dt.datetime(2026, 1, 9, tzinfo=UTC), "Meet the team", 410, 11, 1),
    ]
    assert [(p["clicks"], p["comments"], p["account"]) for p in posts] == [
        (31, 5, "northwind-ltd"),
        (8, 0, "northwind-ltd"),
    ]
    # The old workbook has no Views column: absent, so a stored count is left as it is.
    assert all("views" not in p for p in posts)
    metrics = snapshots([r for r in rows if r.table == "metric_snapshots"])
    day1, day2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    assert metrics == {
        ("impressions_organic", day1): 100,
        ("impressions_sponsored", day1): 50,
        ("impressions_total", day1): 150,
        ("unique_impressions_organic", day1): 90,
        ("clicks_total", day1): 7,
        ("reactions_total", day1): 12,
        ("comments_total", day1): 3,
        ("reposts_total", day1): 2,
        ("engagement_rate_total", day1): 0.08,
        ("impressions_organic", day2): 1234,
        ("impressions_sponsored", day2): 0,
        ("impressions_total", day2): 1234,
        ("clicks_total", day2): 9,
        ("reactions_total", day2): 20,
        ("comments_total", day2): 4,
        ("reposts_total", day2): 1,
        ("engagement_rate_total", day2): 0.0275,
    }
    # The demographic "Location" sheet is not a daily series and gives nothing.
    assert len(rows) == 2 + 17
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (5, "Created date", "sheet 'All posts': expected a date and time, got 'next week'")
    ]


def test_new_xlsx_workbook_with_reposts_and_the_page_in_a_title_row(tmp_path: Path) -> None:
    rows, rejected = read(new_workbook(tmp_path / "content.xlsx"))

    assert rejected == []
    metrics = [r for r in rows if r.table == "metric_snapshots"]
    assert {r.values["entity"] for r in metrics} == {"Northwind Ltd"}
    feb1, feb2 = dt.date(2026, 2, 1), dt.date(2026, 2, 2)
    assert snapshots(metrics) == {
        ("impressions_organic", feb1): 300,
        ("impressions_total", feb1): 420,
        ("reposts_organic", feb1): 4,
        ("reposts_total", feb1): 6,
        ("engagement_rate_total", feb1): 0.045,
        ("impressions_organic", feb2): 280,
        ("impressions_total", feb2): 280,
        ("reposts_organic", feb2): 0,
        ("engagement_rate_total", feb2): 0.0523,
    }
    [post] = [r.values for r in rows if r.table == "activities"]
    assert post == {
        "key": "linkedin|" + POST + "7200000000000000001",
        "source": "linkedin",
        "channel": "linkedin",
        # Named in the Metrics sheet's title row; it holds for the whole workbook.
        "account": "Northwind Ltd",
        "native_id": "urn:li:activity:7200000000000000001",
        "kind": "post",
        "author": "Carla Mendes",
        "ts": dt.datetime(2026, 2, 1, tzinfo=UTC),
        "text": "Spring pricing, explained",
        "url": POST + "7200000000000000001",
        "campaign": "Spring pricing",
        "impressions": 5400,
        "views": 310,
        "clicks": 120,
        "reactions": 88,
        "comments": 14,
        "shares": 9,
    }


def test_posts_without_a_link_are_keyed_by_date_and_title(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "posts.xlsx",
        {"All posts": [["Post title", "Created date", "Impressions"], ["Hello", "03/02/2026", 7]]},
    )

    rows, _ = read(path)

    assert [(r.values["key"], r.values.get("url"), r.values.get("native_id")) for r in rows] == [
        ("linkedin|2026-03-02|Hello", None, None)
    ]


def test_a_workbook_without_linkedin_sheets_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "deals.xlsx", {"Deals": [["Deal", "Amount"], ["A", 1]]})

    with pytest.raises(SourceError, match=r"deals\.xlsx: no LinkedIn .*the file has 'Deals'"):
        read(path)


@pytest.mark.parametrize(
    ("header", "metric"),
    [
        ("Impressions (organic)", "impressions_organic"),
        ("Unique impressions (organic)", "unique_impressions_organic"),
        ("Shares (sponsored)", "reposts_sponsored"),
        ("Reposts (total)", "reposts_total"),
        ("Engagement rate (total)", "engagement_rate_total"),
        ("Total page views (mobile)", "page_views_mobile"),
        ("Life page views (desktop)", "page_views_life_desktop"),
        ("Total unique visitors (total)", "unique_visitors_total"),
        ("Auto-invited followers", "new_followers_auto_invited"),
        ("Impressions (desktop)", None),
        ("Impressions", None),
        ("Date", None),
    ],
)
def test_metric_ids(header: str, metric: str | None) -> None:
    assert metric_id(header) == metric


def test_detect_recognises_linkedin_exports_only(tmp_path: Path) -> None:
    source = get_source("linkedin")
    assert isinstance(source, LinkedIn)
    mine = [
        CONTENT_CSV,
        FOLLOWERS_CSV,
        VISITORS_CSV,
        old_workbook(tmp_path / "old.xls"),
        new_workbook(tmp_path / "new.xlsx"),
    ]
    others = sorted((FIXTURES / "meta").glob("*.csv")) + sorted(
        (FIXTURES / "youtube").rglob("*.csv")
    )
    not_linkedin = write_xlsx(tmp_path / "deals.xlsx", {"Deals": [["Deal", "Amount"]]})
    with zipfile.ZipFile(tmp_path / "archive.zip", "w") as archive:
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")

    def detect(path: Path) -> bool:
        return source.detect(path, path.read_bytes()[: 64 * 1024])

    assert [detect(p) for p in mine] == [True] * len(mine)
    assert len(others) >= 7
    assert [p.name for p in others if detect(p)] == []
    assert not detect(not_linkedin)
    assert not detect(tmp_path / "archive.zip")


def test_a_zip_that_is_no_workbook_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Table data.csv", "Content,Video title\n")

    with pytest.raises(SourceError, match=r"export\.zip: a zip that is not an \.xlsx workbook"):
        read(path)


def test_an_xlsx_under_another_name_is_a_source_error(tmp_path: Path) -> None:
    path = new_workbook(tmp_path / "content.xlsx").rename(tmp_path / "content.xls")

    with pytest.raises(SourceError, match=r"content\.xls: an \.xlsx workbook named '\.xls'"):
        read(path)


def test_a_broken_zip_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "content.xlsx"
    path.write_bytes(b"PK\x03\x04 cut short")

    with pytest.raises(SourceError, match=r"content\.xlsx: cannot read the file"):
        read(path)
    assert not LinkedIn().detect(path, path.read_bytes())
