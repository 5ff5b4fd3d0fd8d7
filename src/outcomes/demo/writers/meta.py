"""Meta Business Suite post exports (Insights › Content › Export), as CSV with a BOM.

Facebook comes as one file a month, and the columns drift as they do in real exports:
January to April carry the negative-feedback columns, May to August lose them, and from
September Meta splits Reach and Views into organic and boosted columns. Instagram comes
as two half-year files. `Publish time` is `MM/DD/YYYY HH:MM`.
"""

from __future__ import annotations

import calendar
from typing import Any, Final

from outcomes.demo import model as m
from outcomes.demo.records import Activity
from outcomes.demo.social_meta import IG_ACCOUNT_ID, IG_USERNAME, PAGE_ID, MetaYear
from outcomes.demo.writers.files import Output, write_csv

_FB_START: Final = (
    "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
    "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages",
    "Custom labels", "Funded content status", "Data comment", "Date",
)  # fmt: skip
_FB_TOTALS: Final = ("Views", "Reach")
_FB_SPLITS: Final = (
    "Views from Organic posts", "Views from Boosted posts",
    "Reach from Organic posts", "Reach from Boosted posts",
)  # fmt: skip
_FB_COUNTS: Final = (
    "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks",
    "Link clicks", "Other clicks",
)  # fmt: skip
_FB_NEGATIVE: Final = (
    "Negative feedback from users: Hide",
    "Negative feedback from users: Hide all",
)
_FB_END: Final = (
    "Seconds viewed", "Average Seconds viewed", "3-Second Video Views", "1-Minute Video Views",
    "Estimated earnings (USD)",
)  # fmt: skip
IG_HEADER: Final = (
    "Post ID", "Account ID", "Account username", "Account name", "Description",
    "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views",
    "Reach", "Likes", "Shares", "Follows", "Comments", "Saves",
)  # fmt: skip


def _fb_header(month: int) -> tuple[str, ...]:
    sizes = _FB_SPLITS if month >= 9 else _FB_TOTALS
    negative = _FB_NEGATIVE if month <= 4 else ()
    return (*_FB_START, *sizes, *_FB_COUNTS, *negative, *_FB_END)


def _fb_values(post: Activity) -> dict[str, Any]:
    reach = int(post.extra["reach"])
    views = post.impressions
    boosted = post.extra["boosted"]
    link_clicks = int(post.extra["link_clicks"])
    return {
        "Post ID": post.native_id,
        "Page ID": PAGE_ID,
        "Page name": m.ORGANISATION,
        "Title": "",
        "Description": post.text,
        "Duration (sec)": "",
        "Publish time": post.ts.strftime("%m/%d/%Y %H:%M"),
        "Caption type": "",
        "Permalink": post.extra["url"],
        "Is crosspost": "No",
        "Is share": "No",
        "Post type": post.extra["type"],
        "Languages": "en",
        "Custom labels": "",
        "Funded content status": "Boosted" if boosted else "",
        "Data comment": "",
        "Date": "Lifetime",
        "Views": views,
        "Reach": reach,
        "Views from Organic posts": views // 4 if boosted else views,
        "Views from Boosted posts": views - views // 4 if boosted else 0,
        "Reach from Organic posts": reach // 5 if boosted else reach,
        "Reach from Boosted posts": reach - reach // 5 if boosted else 0,
        "Reactions, Comments and Shares": post.reactions + post.comments + post.shares,
        "Reactions": post.reactions,
        "Comments": post.comments,
        "Shares": post.shares,
        "Total clicks": post.clicks,
        "Link clicks": link_clicks,
        "Other clicks": post.clicks - link_clicks,
        "Negative feedback from users: Hide": 0,
        "Negative feedback from users: Hide all": 0,
        "Seconds viewed": "",
        "Average Seconds viewed": "",
        "3-Second Video Views": "",
        "1-Minute Video Views": "",
        "Estimated earnings (USD)": "",
    }


def _period_name(year: int, first: int, last: int, ident: str) -> str:
    end = calendar.monthrange(year, last)[1]
    return f"{calendar.month_abbr[first]}-01-{year}_{calendar.month_abbr[last]}-{end:02d}-{year}_{ident}.csv"


def write_meta(output: Output, year: MetaYear) -> None:
    """Twelve monthly Facebook files and two half-year Instagram files."""
    for month in range(1, 13):
        header = _fb_header(month)
        posts = [p for p in year.facebook if p.ts.month == month]
        rows = [[_fb_values(p)[column] for column in header] for p in posts]
        name = _period_name(m.YEAR, month, month, PAGE_ID)
        write_csv(output.path("meta", f"meta/facebook/{name}"), header, rows, bom=True)
    for first, last in ((1, 6), (7, 12)):
        posts = [p for p in year.instagram if first <= p.ts.month <= last]
        name = _period_name(m.YEAR, first, last, IG_ACCOUNT_ID)
        write_csv(
            output.path("meta", f"meta/instagram/{name}"),
            IG_HEADER,
            [_ig_row(p) for p in posts],
            bom=True,
        )


def _ig_row(post: Activity) -> list[Any]:
    extra = post.extra
    duration = 30 if extra["type"] == "IG reel" else 0
    return [
        post.native_id,
        IG_ACCOUNT_ID,
        IG_USERNAME,
        m.ORGANISATION,
        post.text,
        duration,
        post.ts.strftime("%m/%d/%Y %H:%M"),
        extra["url"],
        extra["type"],
        "",
        "Lifetime",
        extra["views"],
        extra["reach"],
        post.reactions,
        post.shares,
        extra["follows"],
        post.comments,
        extra["saves"],
    ]
