"""YouTube Studio › Analytics › Advanced mode › Export: a folder of three CSVs.

Studio names the folder after the report, the period and the channel. `Table data.csv`
has one row per video under a first "Total" row; `Chart data.csv` one row per day and
video; `Totals.csv` one row per day for the channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from outcomes.demo import model as m
from outcomes.demo.records import Activity
from outcomes.demo.social_meta import YT_CHANNEL, MetaYear
from outcomes.demo.writers.files import Output, write_csv

TABLE_HEADER: Final = (
    "Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)",
    "Average view duration", "Impressions", "Impressions click-through rate (%)", "Likes",
    "Comments added", "Shares", "Subscribers",
)  # fmt: skip


def _clock(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _publish(moment: dt.datetime) -> str:
    return f"{moment.strftime('%b')} {moment.day}, {moment.year}"


def _table_row(video: Activity) -> list[Any]:
    views = sum(video.extra["daily_views"])
    seconds = int(video.extra["avg_view_seconds"])
    ctr = round(100 * views / max(video.impressions, 1), 2)
    return [
        video.native_id,
        video.text,
        _publish(video.ts),
        video.extra["duration"],
        views,
        round(views * seconds / 3600, 4),
        _clock(seconds),
        video.impressions,
        ctr,
        video.reactions,
        video.comments,
        video.shares,
        video.extra["subscribers"],
    ]


def write_youtube(output: Output, year: MetaYear) -> None:
    """Table data, Chart data and Totals for the year."""
    folder = f"youtube/Content {m.START.date()}_{m.AS_OF} {YT_CHANNEL}"
    videos = year.youtube
    rows = [_table_row(v) for v in videos]
    total: list[Any] = [
        "Total",
        "",
        "",
        "",
        sum(r[4] for r in rows),
        round(sum(r[5] for r in rows), 4),
        _clock(int(sum(v.extra["avg_view_seconds"] for v in videos) / len(videos))),
        sum(r[7] for r in rows),
        round(100 * sum(r[4] for r in rows) / max(sum(r[7] for r in rows), 1), 2),
        sum(r[9] for r in rows),
        sum(r[10] for r in rows),
        sum(r[11] for r in rows),
        sum(r[12] for r in rows),
    ]
    write_csv(output.path("youtube", f"{folder}/Table data.csv"), TABLE_HEADER, [total, *rows])
    chart: list[list[Any]] = []
    totals: dict[dt.date, int] = {}
    for day in range(m.DAYS):
        date = m.START.date() + dt.timedelta(days=day)
        for video in videos:
            offset = (date - video.ts.date()).days
            if 0 <= offset < len(video.extra["daily_views"]):
                views = int(video.extra["daily_views"][offset])
                chart.append(
                    [
                        date.isoformat(),
                        video.native_id,
                        video.text,
                        _publish(video.ts),
                        video.extra["duration"],
                        views,
                    ]
                )
                totals[date] = totals.get(date, 0) + views
    header = ("Date", "Content", "Video title", "Video publish time", "Duration", "Views")
    write_csv(output.path("youtube", f"{folder}/Chart data.csv"), header, chart)
    write_csv(
        output.path("youtube", f"{folder}/Totals.csv"),
        ("Date", "Views"),
        [[d.isoformat(), v] for d, v in sorted(totals.items())],
    )
