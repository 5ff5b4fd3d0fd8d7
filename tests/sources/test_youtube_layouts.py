"""YouTube Studio's other layouts: tables grouped by Date, charts split by a dimension,
videos without a publish time. Totals are checked against the files' own numbers (their
`Total` rows, the sum of their slices), read here with `csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.base import Ignored, Parsed
from outcomes.sources.youtube import (
    DAILY_TOTAL_ROW,
    TOTAL_ROW,
    UNDATED_UNPUBLISHED,
    YouTube,
    parse_seconds,
)
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

YOUTUBE = Path(__file__).parent / "fixtures" / "youtube"
BY_DATE = YOUTUBE / "Date 2026-02-01_2026-02-07 Northwind Studio" / "Table data.csv"
BY_SUBSCRIPTION = YOUTUBE / "Subscription status 2026-02-01_2026-02-07 Northwind Studio"
BY_TRAFFIC = YOUTUBE / "Traffic source 2026-02-01_2026-02-07 Northwind Studio"
UNLISTED = YOUTUBE / "Content 2026-02-01_2026-02-07 Northwind Studio" / "Table data.csv"
CHANNEL = "Northwind Studio"
END = dt.date(2026, 2, 7)


def parse(path: Path, account: str | None = None) -> list[Parsed]:
    return list(YouTube().read(path, ReadOptions(account=account)))


def snapshots(parsed: list[Parsed]) -> dict[tuple[str, str, dt.date], float]:
    """(entity, metric, date) → value; each key once."""
    rows = [p.values for p in parsed if isinstance(p, Row) and p.table == "metric_snapshots"]
    found = {(r["entity"], r["metric"], r["date"]): r["value"] for r in rows}
    assert len(found) == len(rows)
    return found


def file_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_table_grouped_by_date_is_the_channels_daily_metrics() -> None:
    parsed = parse(BY_DATE)

    found = snapshots(parsed)
    rows = file_rows(BY_DATE)
    total, days = rows[0], rows[1:]
    assert total["Date"] == "Total"
    assert [(p.line, p.reason) for p in parsed if isinstance(p, Ignored)] == [(2, DAILY_TOTAL_ROW)]
    assert not [p for p in parsed if isinstance(p, Rejected)]
    assert {(entity, date) for entity, _, date in found} == {
        (CHANNEL, dt.date.fromisoformat(r["Date"])) for r in days
    }
    by_metric: dict[str, float] = {}
    for (_, metric, _), value in found.items():
        by_metric[metric] = by_metric.get(metric, 0) + value
    # The days add up to the file's own Total row.
    assert by_metric["views"] == int(total["Views"])
    assert by_metric["watch_hours"] == pytest.approx(float(total["Watch time (hours)"]))
    assert by_metric["estimated_revenue_usd"] == pytest.approx(
        float(total["Estimated revenue (USD)"])
    )
    first = days[-1]
    assert found[(CHANNEL, "average_view_duration_seconds", dt.date(2026, 2, 1))] == (
        parse_seconds(first["Average view duration"])
    )


def test_a_table_grouped_by_date_through_ingest_is_balanced(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, YouTube(), BY_DATE)

    assert result.balanced
    assert (result.rejected, dict(result.ignored)) == (0, {DAILY_TOTAL_ROW: 1})
    assert result.loaded == 4 * (len(file_rows(BY_DATE)) - 1)
    views = warehouse.duckdb.execute(
        "SELECT sum(value) FROM metric_snapshots WHERE metric = 'views' AND entity_kind = 'account'"
    ).fetchall()[0][0]
    assert views == int(file_rows(BY_DATE)[0]["Views"])


@pytest.mark.parametrize(
    ("folder", "dimension", "slug"),
    [
        (BY_SUBSCRIPTION, "Subscription status", "subscription_status"),
        (BY_TRAFFIC, "Traffic source", "traffic_source"),
    ],
)
def test_a_chart_split_by_a_dimension_keeps_every_slice(
    folder: Path, dimension: str, slug: str, warehouse: Warehouse
) -> None:
    path = folder / "Chart data.csv"
    rows = file_rows(path)

    result = ingest_file(warehouse, YouTube(), path)

    assert result.balanced
    assert (result.loaded, result.rejected, result.ignored_total) == (len(rows), 0, 0)
    stored = dict(
        warehouse.duckdb.execute(
            "SELECT metric, sum(value) FROM metric_snapshots WHERE entity = ? GROUP BY metric",
            [CHANNEL],
        ).fetchall()
    )
    slices = {r[dimension] for r in rows}
    assert len(slices) > 1
    for value in slices:
        metric = f"views_{slug}_" + value.casefold().replace(" ", "_")
        assert stored[metric] == sum(int(r["Views"]) for r in rows if r[dimension] == value)
    # Every slice is kept: together they are all of the file's views, and none is `views`.
    assert sum(stored.values()) == sum(int(r["Views"]) for r in rows)
    assert "views" not in stored


def test_the_slices_of_a_day_add_up_to_the_days_views() -> None:
    daily = snapshots(parse(BY_DATE))
    for folder in (BY_SUBSCRIPTION, BY_TRAFFIC):
        per_day: dict[dt.date, float] = {}
        for (_, _, date), value in snapshots(parse(folder / "Chart data.csv")).items():
            per_day[date] = per_day.get(date, 0) + value
        assert per_day == {date: v for (_, m, date), v in daily.items() if m == "views"}


def test_a_slice_without_a_name_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "Chart data.csv"
    path.write_text(
        "Date,Device type,Views\n2026-02-01,Mobile phone,40\n2026-02-01,,3\n"
        "2026-02-01,Computer,12\n",
        encoding="utf-8",
    )

    parsed = parse(path, account=CHANNEL)

    assert snapshots(parsed) == {
        (CHANNEL, "views_device_type_mobile_phone", dt.date(2026, 2, 1)): 40,
        (CHANNEL, "views_device_type_computer", dt.date(2026, 2, 1)): 12,
    }
    assert [(p.line, p.column) for p in parsed if isinstance(p, Rejected)] == [(3, "Device type")]


def test_a_table_grouped_by_another_dimension_is_refused_with_what_to_export(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Table data.csv"
    path.write_text(
        "Traffic source,Views,Watch time (hours),Average view duration\n"
        "Total,4000,120.5,0:01:48\nYouTube search,3000,90.1,0:01:48\n",
        encoding="utf-8",
    )

    assert YouTube().detect(path, path.read_bytes())
    with pytest.raises(SourceError, match=r"a table grouped by 'Traffic source'.*no dates"):
        parse(path, account=CHANNEL)


def test_a_video_without_a_publish_time_keeps_its_numbers_at_the_periods_end(
    warehouse: Warehouse,
) -> None:
    rows = file_rows(UNLISTED)
    unpublished = next(r for r in rows if r["Content"] != "Total" and not r["Video publish time"])

    parsed = parse(UNLISTED)

    activities = [p.values for p in parsed if isinstance(p, Row) and p.table == "activities"]
    assert [a["native_id"] for a in activities] == ["Nw4kTq8Lx2c", "-p7RvZ0aJkE"]
    found = snapshots(parsed)
    video_id = unpublished["Content"]
    assert found[(video_id, "views", END)] == int(unpublished["Views"])
    assert found[(video_id, "engaged_views", END)] == int(unpublished["Engaged views"])
    # Published videos' views on their activities plus the unpublished one's: the Total row.
    assert sum(a["views"] for a in activities) + found[(video_id, "views", END)] == int(
        rows[0]["Views"]
    )
    assert found[("-p7RvZ0aJkE", "stayed_to_watch_ratio", END)] == pytest.approx(0.8355)
    assert not [p for p in parsed if isinstance(p, Rejected)]

    result = ingest_file(warehouse, YouTube(), UNLISTED)
    assert result.balanced
    assert (result.rejected, dict(result.ignored)) == (0, {TOTAL_ROW: 1})


def test_without_a_period_an_unpublished_video_is_ignored_with_its_reason(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Table data.csv"
    path.write_text(
        "Content,Video title,Video publish time,Views\n"
        'Nw4kTq8Lx2c,Onboarding,"Feb 2, 2026",10\nQx1mN0bV7sL,Draft,,3\n',
        encoding="utf-8",
    )

    parsed = parse(path)

    assert [(p.line, p.reason) for p in parsed if isinstance(p, Ignored)] == [
        (3, UNDATED_UNPUBLISHED)
    ]
    assert [p.values["views"] for p in parsed if isinstance(p, Row)] == [10]


def test_detect_recognises_the_new_layouts() -> None:
    paths = [BY_DATE, BY_SUBSCRIPTION / "Chart data.csv", BY_TRAFFIC / "Chart data.csv", UNLISTED]
    assert [YouTube().detect(p, p.read_bytes()) for p in paths] == [True] * 4
