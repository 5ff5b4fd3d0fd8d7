"""LinkedIn Page analytics exports (Analytics › Export) and the shared inbox's CSV.

* `<page>_content_<epoch ms>.xlsx`: a "Metrics" sheet (one row a day, organic / sponsored /
  total) and an "All posts" sheet, each under a one-line description, as LinkedIn writes them.
* `<page>_followers_<epoch ms>.xlsx`: "New followers" per day and demographic sheets.
* `<page>_visitors_<epoch ms>.xlsx`: "Visitor metrics" per day.
* `<page>_updates_<epoch ms>.xls`: an older export (the last quarter of 2025) in the legacy
  format with the old headers ("Update title", "Shares"), written when xlwt is installed.
* `social-inbox/linkedin-inbox-2026.csv`: the shared inbox tool's export of comments and
  replies on the page and on the account executives' posts (a generic CSV).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.records import Activity
from outcomes.demo.rng import stream
from outcomes.demo.social_linkedin import LinkedInYear
from outcomes.demo.writers.files import Output, save_workbook, write_csv

_STAMP: Final = int(m.EXPORTED.timestamp() * 1000)
POST_HEADER: Final = (
    "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
    "Campaign start date", "Campaign end date", "Audience", "Impressions",
    "Views (excluding off-site video views)", "Off-site views", "Clicks",
    "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows", "Engagement rate",
    "Content Type",
)  # fmt: skip
OLD_POST_HEADER: Final = (
    "Update title", "Update link", "Update type", "Campaign name", "Posted by", "Created date",
    "Campaign start date", "Campaign end date", "Audience", "Impressions", "Clicks",
    "Click through rate (CTR)", "Likes", "Comments", "Shares", "Follows", "Engagement rate",
)  # fmt: skip
_DAILY: Final = ("Impressions", "Unique impressions", "Clicks", "Reactions", "Comments")
INBOX_HEADER: Final = (
    "Message ID", "Network", "Profile", "Type", "Author", "Date (UTC)", "Message", "Link",
    "In reply to", "Campaign", "Likes",
)  # fmt: skip


def _date(day: dt.date | dt.datetime) -> str:
    return day.strftime("%m/%d/%Y")


def _workbook() -> Any:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    return workbook


def _sheet(
    workbook: Any,
    title: str,
    note: str | None,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    sheet = workbook.create_sheet(title)
    if note:
        sheet.append([note])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))


def _comments_on(posts: list[Activity], inbox: list[Activity]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in inbox:
        if item.kind == "comment" and item.in_reply_to:
            counts[item.in_reply_to] = counts.get(item.in_reply_to, 0) + 1
    return {p.native_id: counts.get(p.native_id, 0) for p in posts}


def _post_row(post: Activity, comments: int, *, old: bool = False) -> list[Any]:
    engagement = (post.clicks + post.reactions + comments + post.shares) / max(post.impressions, 1)
    ctr = round(post.clicks / max(post.impressions, 1), 4)
    title, link = post.text, post.extra["url"]
    counts = [
        post.impressions,
        post.clicks,
        ctr,
        post.reactions,
        comments,
        post.shares,
        post.extra["follows"],
        round(engagement, 4),
    ]
    if old:
        return [
            title,
            link,
            "Organic",
            "",
            post.author,
            _date(post.ts),
            "",
            "",
            "All followers",
            *counts,
        ]
    return [
        title,
        link,
        "Organic",
        "",
        post.author,
        _date(post.ts),
        "",
        "",
        "All followers",
        post.impressions,
        "",
        "",
        *counts[1:],
        "Text" if "http" not in title else "Article",
    ]


def _daily_rows(
    posts: list[Activity],
    comments: dict[str, int],
    first: dt.date,
    days: int,
    rng: np.random.Generator,
    reposts: str,
) -> tuple[list[str], list[list[Any]]]:
    """One row a day: each post's numbers spread over its first four days, plus a baseline."""
    spread = (0.6, 0.25, 0.1, 0.05)
    totals = np.zeros((days, 5))
    for post in posts:
        start = (post.ts.date() - first).days
        numbers = (
            post.impressions,
            post.impressions * 0.7,
            post.clicks,
            post.reactions,
            comments.get(post.native_id, 0),
        )
        for offset, share in enumerate(spread):
            if 0 <= start + offset < days:
                totals[start + offset] += np.array(numbers) * share
    totals += rng.poisson(lam=(60, 45, 1.0, 2.0, 0.2), size=(days, 5))
    totals = np.floor(totals).astype(int)
    header = ["Date"]
    for name in (*_DAILY, reposts):
        header += [f"{name} (organic)", f"{name} (sponsored)", f"{name} (total)"]
    header += [
        "Engagement rate (organic)",
        "Engagement rate (sponsored)",
        "Engagement rate (total)",
    ]
    rows = []
    for index in range(days):
        values = [*totals[index], int(rng.poisson(0.5))]
        rate = round(sum(values[2:]) / max(values[0], 1), 4)
        row: list[Any] = [_date(first + dt.timedelta(days=index))]
        for value in values:
            row += [int(value), 0, int(value)]
        rows.append([*row, rate, 0, rate])
    return header, rows


def write_linkedin(output: Output, year: LinkedInYear, seed: int) -> None:
    """The page's content, followers and visitors exports, the old .xls, and the inbox CSV."""
    rng = stream(seed, "linkedin", 1)
    comments = _comments_on(year.page, year.inbox)
    book = _workbook()
    header, rows = _daily_rows(year.page, comments, m.START.date(), m.DAYS, rng, "Reposts")
    _sheet(book, "Metrics", "Aggregated metrics for the page's posts, by day", header, rows)
    _sheet(
        book,
        "All posts",
        "All posts: performance of each post, updated every 24 hours",
        POST_HEADER,
        [_post_row(p, comments[p.native_id]) for p in year.page],
    )
    save_workbook(
        book, output.path("linkedin", f"linkedin/{m.LINKEDIN_PAGE}_content_{_STAMP}.xlsx")
    )
    _followers(output, rng)
    _visitors(output, rng)
    _old_export(output, year.old_page, rng)
    _inbox(output, year.inbox)


def _followers(output: Output, rng: np.random.Generator) -> None:
    book = _workbook()
    rows = []
    for day in range(m.DAYS):
        organic, invited = int(rng.poisson(4.5)), int(rng.poisson(0.4))
        rows.append(
            [_date(m.START.date() + dt.timedelta(days=day)), 0, organic, invited, organic + invited]
        )
    _sheet(
        book,
        "New followers",
        None,
        (
            "Date",
            "Sponsored followers",
            "Organic followers",
            "Auto-invited followers",
            "Total followers",
        ),
        rows,
    )
    _sheet(
        book,
        "Location",
        None,
        ("Location", "Total followers"),
        [("Hamburg, Germany", 812), ("Rotterdam, Netherlands", 455), ("Gothenburg, Sweden", 301)],
    )
    _sheet(
        book,
        "Job function",
        None,
        ("Job function", "Total followers"),
        [("Operations", 1204), ("Sales", 388), ("Information Technology", 240)],
    )
    _sheet(
        book,
        "Company size",
        None,
        ("Company size", "Total followers"),
        [("201-500", 640), ("501-1000", 512), ("1001-5000", 377)],
    )
    save_workbook(
        book, output.path("linkedin", f"linkedin/{m.LINKEDIN_PAGE}_followers_{_STAMP}.xlsx")
    )


def _visitors(output: Output, rng: np.random.Generator) -> None:
    book = _workbook()
    header = ["Date"]
    for section in ("Overview", "Life", "Jobs", "Total"):
        for what in ("page views", "unique visitors"):
            header += [f"{section} {what} ({v})" for v in ("desktop", "mobile", "total")]
    rows = []
    for day in range(m.DAYS):
        row: list[Any] = [_date(m.START.date() + dt.timedelta(days=day))]
        sections = [rng.poisson((30, 14)), rng.poisson((4, 3)), rng.poisson((6, 4))]
        sections.append(sections[0] + sections[1] + sections[2])
        for desktop, mobile in sections:
            views = (int(desktop), int(mobile))
            visitors = (int(desktop * 0.7), int(mobile * 0.75))
            row += [views[0], views[1], sum(views), visitors[0], visitors[1], sum(visitors)]
        rows.append(row)
    _sheet(book, "Visitor metrics", None, header, rows)
    save_workbook(
        book, output.path("linkedin", f"linkedin/{m.LINKEDIN_PAGE}_visitors_{_STAMP}.xlsx")
    )


def _old_export(output: Output, posts: list[Activity], rng: np.random.Generator) -> None:
    """Q4 2025 in LinkedIn's legacy .xls with the old headers; skipped without xlwt."""
    try:
        import xlwt
    except ImportError:  # xlwt is a development dependency; the demo is complete without it
        return
    book = xlwt.Workbook(encoding="utf-8")
    first = (m.START - dt.timedelta(days=92)).date()
    comments = {p.native_id: 0 for p in posts}
    header, rows = _daily_rows(posts, comments, first, 92, rng, "Shares")
    for title, note, head, body in (
        ("Metrics", "Aggregated metrics for the page's updates, by day", header, rows),
        (
            "Update engagement",
            "Update engagement: performance of each update",
            OLD_POST_HEADER,
            [_post_row(p, 0, old=True) for p in posts],
        ),
    ):
        sheet = book.add_sheet(title)
        for r, row in enumerate([[note], list(head), *body]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    stamp = int((m.START - dt.timedelta(days=1)).timestamp() * 1000)
    book.save(str(output.path("linkedin", f"linkedin/{m.LINKEDIN_PAGE}_updates_{stamp}.xls")))


def _inbox(output: Output, inbox: list[Activity]) -> None:
    rows = []
    for item in inbox:
        kind = {"post": "Post", "comment": "Comment", "reply": "Reply"}[item.kind]
        rows.append(
            [
                item.native_id,
                "LinkedIn",
                item.account,
                kind,
                item.author,
                item.ts.strftime("%Y-%m-%d %H:%M:%S"),
                item.text,
                item.extra.get("url", ""),
                item.in_reply_to or "",
                item.campaign or "",
                item.reactions,
            ]
        )
    write_csv(output.path("csv", "social-inbox/linkedin-inbox-2026.csv"), INBOX_HEADER, rows)
