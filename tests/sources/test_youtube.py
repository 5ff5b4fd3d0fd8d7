"""The YouTube Studio connector on Table data and Chart data exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.fields import FieldError
from outcomes.sources.youtube import ExportLabel, YouTube, export_period, parse_seconds
from outcomes.warehouse.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
PERIOD_FOLDER = FIXTURES / "youtube" / "Content 2026-02-01_2026-02-28 Northwind Studio"
TABLE = PERIOD_FOLDER / "Table data.csv"
CHART = PERIOD_FOLDER / "Chart data.csv"
TABLE_UTF16 = FIXTURES / "youtube" / "utf16" / "Table data.csv"
TABLE_CP1252 = FIXTURES / "youtube" / "cp1252" / "Table data.csv"
UTC = dt.UTC


def read(path: Path, **options: Any) -> tuple[list[Row], list[Rejected]]:
    """Every row and rejection the connector gives for `path`, checked against the schema."""
    parsed = list(YouTube().read(path, ReadOptions(**options)))
    rows = [p for p in parsed if isinstance(p, Row)]
    for table in {r.table for r in rows}:
        # The loader's own conversion: fails on a missing required column or a wrong type.
        values = [r.values for r in rows if r.table == table]
        assert all(set(v) <= set(TABLES[table].names) for v in values)
        pa.Table.from_pylist(values, schema=TABLES[table].arrow_schema())
    return rows, [p for p in parsed if isinstance(p, Rejected)]


def activities(rows: list[Row]) -> list[dict[str, Any]]:
    """The values of the activities rows, in order."""
    return [r.values for r in rows if r.table == "activities"]


def snapshots(rows: list[Row]) -> list[tuple[str, str, str, dt.date, float]]:
    """(entity, entity_kind, metric, date, value) of the metric_snapshots rows, in order."""
    found = [r.values for r in rows if r.table == "metric_snapshots"]
    assert all(v["channel"] == "youtube" and v["source"] == "youtube" for v in found)
    assert all(v["key"] == f"youtube|{v['entity']}|{v['metric']}|{v['date']}" for v in found)
    return [(v["entity"], v["entity_kind"], v["metric"], v["date"], v["value"]) for v in found]


def video(video_id: str, **values: Any) -> dict[str, Any]:
    """An expected video activity."""
    common = {
        "key": f"youtube|{video_id}",
        "source": "youtube",
        "channel": "youtube",
        "native_id": video_id,
        "kind": "post",
        "url": f"https://www.youtube.com/watch?v={video_id}",
    }
    return common | values


def test_table_data_skips_the_total_row_and_dates_snapshots_at_the_period_end() -> None:
    rows, rejected = read(TABLE)

    assert activities(rows) == [
        video(
            "dQw4w9WgXcQ",
            account="Northwind Studio",
            ts=dt.datetime(2026, 2, 3, tzinfo=UTC),
            text="How we cut onboarding time in half",
            views=3900,
            impressions=61000,
            reactions=300,
            comments=40,
            shares=25,
        ),
        video(
            "abc123XYZ_-",
            account="Northwind Studio",
            ts=dt.datetime(2026, 2, 10, tzinfo=UTC),
            text="Pricing for mid-size teams (webinar)",
            views=1410,
            impressions=27000,
            reactions=110,
            comments=12,
            shares=12,
        ),
    ]
    end = dt.date(2026, 2, 28)
    first, second = ("dQw4w9WgXcQ", "video"), ("abc123XYZ_-", "video")
    assert snapshots(rows) == [
        (*first, "watch_hours", end, 220.5),
        (*first, "average_view_duration_seconds", end, 203),
        (*first, "ctr", end, 0.046),
        (*first, "subscribers_net", end, 50),
        (*first, "duration_seconds", end, 612),
        (*second, "watch_hours", end, 80.7),
        (*second, "average_view_duration_seconds", end, 206),
        (*second, "ctr", end, 0.0295),
        (*second, "subscribers_net", end, 14),
        (*second, "duration_seconds", end, 1805),
    ]
    # The Total row (line 2) is neither a video nor a rejection.
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (5, "Average view duration", "expected a duration like 0:03:25 or seconds, got '3m20s'")
    ]


def test_utf16_tab_separated_export_without_a_period_uses_publish_dates() -> None:
    rows, rejected = read(TABLE_UTF16)

    assert rejected == []
    assert activities(rows) == [
        video(
            "kX9fLq2Vb0c",
            ts=dt.datetime(2026, 3, 3, tzinfo=UTC),
            text="Réglages d’équipe en 5 minutes",
            views=2500,
            reactions=120,
            comments=9,
            shares=4,
        )
    ]
    published = dt.date(2026, 3, 3)
    assert snapshots(rows) == [
        ("kX9fLq2Vb0c", "video", "watch_hours", published, 90.25),
        ("kX9fLq2Vb0c", "video", "average_view_duration_seconds", published, 130),
        ("kX9fLq2Vb0c", "video", "subscribers_gained", published, 30),
        ("kX9fLq2Vb0c", "video", "duration_seconds", published, 3723),
    ]


def test_account_option_names_the_channel() -> None:
    rows, _ = read(TABLE_UTF16, account="Northwind Studio")

    assert [a["account"] for a in activities(rows)] == ["Northwind Studio"]


def test_a_cp1252_file_stops_at_the_line_of_the_first_bad_byte() -> None:
    with pytest.raises(SourceError, match=r"Table data\.csv:4: byte 0xE9 is not utf-8.*cp1252"):
        read(TABLE_CP1252)


def test_a_cp1252_file_reads_with_its_encoding() -> None:
    rows, rejected = read(TABLE_CP1252, encoding="cp1252")

    assert rejected == []
    assert [(a["native_id"], a["text"], a["views"], a["reactions"]) for a in activities(rows)] == [
        ("a1b2c3d4e5f", "Spring update", 500, 20),
        ("f5e4d3c2b1a", "Café tour", 200, 10),
    ]


def test_chart_data_by_video_gives_daily_snapshots() -> None:
    rows, rejected = read(CHART)

    assert activities(rows) == []
    assert snapshots(rows) == [
        ("dQw4w9WgXcQ", "video", "views", dt.date(2026, 2, 3), 380),
        ("abc123XYZ_-", "video", "views", dt.date(2026, 2, 3), 0),
        ("dQw4w9WgXcQ", "video", "views", dt.date(2026, 2, 4), 295),
    ]
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (6, "Date", "expected a date, got '2026-02-30'")
    ]


def test_channel_chart_belongs_to_the_account(tmp_path: Path) -> None:
    path = tmp_path / "Chart data.csv"
    path.write_text("Date,Views,Watch time (hours)\n2026-03-01,120,4.5\n2026-03-02,,3\n")

    with pytest.raises(SourceError, match=r"Chart data\.csv: cannot tell which channel"):
        read(path)
    rows, _ = read(path, account="Northwind Studio")

    assert snapshots(rows) == [
        ("Northwind Studio", "account", "views", dt.date(2026, 3, 1), 120),
        ("Northwind Studio", "account", "watch_hours", dt.date(2026, 3, 1), 4.5),
        ("Northwind Studio", "account", "watch_hours", dt.date(2026, 3, 2), 3),
    ]


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("0:03:25", 205), ("3:25", 205), ("1:02:03", 3723), ("205", 205), ("", None), (12, 12)],
)
def test_parse_seconds(raw: object, seconds: float | None) -> None:
    assert parse_seconds(raw) == seconds


@pytest.mark.parametrize("raw", ["1:75:00", "3m20s", "0:3:5"])
def test_parse_seconds_refuses(raw: str) -> None:
    with pytest.raises(FieldError, match="expected a duration"):
        parse_seconds(raw)


def test_export_period_from_the_folder_or_file_name() -> None:
    assert export_period(TABLE) == ExportLabel(dt.date(2026, 2, 28), "Northwind Studio")
    assert export_period(Path("Totals 2026-01-01_2026-01-31.csv")) == ExportLabel(
        dt.date(2026, 1, 31), None
    )
    assert export_period(TABLE_UTF16) == ExportLabel()
    assert export_period(Path("x 2026-01-01_2026-02-31 y/Table data.csv")) == ExportLabel()


def test_detect_recognises_youtube_exports_only(tmp_path: Path) -> None:
    source = get_source("youtube")
    assert isinstance(source, YouTube)
    mine = [TABLE, CHART, TABLE_UTF16, TABLE_CP1252]
    others = sorted((FIXTURES / "linkedin").glob("*")) + sorted((FIXTURES / "meta").glob("*"))
    # "Date" and "Views" alone say YouTube only in a file Studio named.
    generic = tmp_path / "daily.csv"
    generic.write_text("Date,Views\n2026-03-01,1\n")

    def detect(path: Path) -> bool:
        return source.detect(path, path.read_bytes()[: 64 * 1024])

    assert [detect(p) for p in mine] == [True] * len(mine)
    assert len(others) >= 6
    assert [p.name for p in others if detect(p)] == []
    assert not detect(generic)
