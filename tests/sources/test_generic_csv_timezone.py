"""A mapped CSV's times of day without a zone: read in the mapping's `timezone`, stored in
UTC; read as UTC without one, and said so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from outcomes.sources.base import Notice, Parsed, ReadOptions, Row, SourceError
from outcomes.sources.generic_csv import GenericCsv
from outcomes.warehouse.connection import Warehouse
from tests.workspace.companies import cli

ORDERS = {"key": "Order", "ts": "Placed", "type": "Kind"}
HEADER = "Order,Placed,Kind\n"


def read(path: Path, timezone: str | None = None) -> list[Parsed]:
    options = ReadOptions(table="conversions", mapping=ORDERS, timezone=timezone)
    return list(GenericCsv().read(path, options))


def times(parsed: list[Parsed]) -> list[dt.datetime]:
    return [p.values["ts"] for p in parsed if isinstance(p, Row)]


def notices(parsed: list[Parsed]) -> list[str]:
    return [p.text for p in parsed if isinstance(p, Notice)]


def write(tmp_path: Path, *cells: str) -> Path:
    path = tmp_path / "orders.csv"
    body = "".join(f"O-{i},{cell},order\n" for i, cell in enumerate(cells))
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def test_naive_times_are_read_in_the_mappings_zone_and_stored_in_utc(tmp_path: Path) -> None:
    path = write(tmp_path, "2026-03-08 09:30", "2026-01-05 09:30", "03/19/2026 17:00")
    parsed = read(path, "America/Chicago")
    # CDT (-5) after 8 March's change, CST (-6) in January.
    assert times(parsed) == [utc(2026, 3, 8, 14, 30), utc(2026, 1, 5, 15, 30), utc(2026, 3, 19, 22)]
    assert notices(parsed) == []


def test_the_clock_changes_are_read_one_fixed_way(tmp_path: Path) -> None:
    # 02:30 on 8 March does not exist in Chicago (the offset before the change, CST);
    # 01:30 on 1 November happens twice (the first, CDT).
    parsed = read(write(tmp_path, "2026-03-08 02:30", "2026-11-01 01:30"), "America/Chicago")
    assert times(parsed) == [utc(2026, 3, 8, 8, 30), utc(2026, 11, 1, 6, 30)]


def test_times_with_an_offset_and_dates_alone_are_never_shifted(tmp_path: Path) -> None:
    path = write(tmp_path, "2026-03-08T09:30:00Z", "2026-03-08T09:30:00+01:00", "2026-03-08")
    parsed = read(path, "America/Chicago")
    assert times(parsed) == [utc(2026, 3, 8, 9, 30), utc(2026, 3, 8, 8, 30), utc(2026, 3, 8)]


def test_without_a_zone_naive_times_are_utc_and_the_load_says_so_once(tmp_path: Path) -> None:
    parsed = read(write(tmp_path, "2026-03-08 09:30", "2026-03-09 10:00"))
    assert times(parsed) == [utc(2026, 3, 8, 9, 30), utc(2026, 3, 9, 10)]
    [notice] = notices(parsed)
    assert notice.startswith(
        "2 times of day without a zone (such as '2026-03-08 09:30') read as UTC"
    )
    assert "set timezone in its mapping" in notice


@pytest.mark.parametrize("cells", [("2026-03-08T09:30:00Z",), ("2026-03-08",)])
def test_no_notice_when_every_time_says_its_zone_or_is_a_day(
    tmp_path: Path, cells: tuple[str, ...]
) -> None:
    assert notices(read(write(tmp_path, *cells))) == []


def test_an_unknown_zone_is_one_line_naming_the_file_and_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "2026-03-08 09:30")
    with pytest.raises(SourceError) as raised:
        read(path, "America/Chicgo")
    assert str(raised.value) == (
        f"{path}: timezone 'America/Chicgo' is not an IANA time zone name; write one such as "
        "America/Chicago or Europe/Berlin"
    )


def mapped(tmp_path: Path, timezone: str) -> Path:
    (tmp_path / "outcomes.toml").write_text(
        f'[csv.orders]\nfiles = ["orders.csv"]\ntable = "conversions"\ntimezone = "{timezone}"\n'
        '[csv.orders.columns]\nkey = "Order"\nts = "Placed"\ntype = "Kind"\n',
        encoding="utf-8",
    )
    return write(tmp_path, "2026-03-08 09:30")


def test_the_mappings_timezone_in_outcomes_toml_reads_the_file(tmp_path: Path) -> None:
    path = mapped(tmp_path, "America/Chicago")
    result = cli(tmp_path, "ingest", "csv", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)
    assert (summary["loaded"], summary["notices"]) == (1, [])
    with Warehouse.open(tmp_path) as warehouse:
        [(stored,)] = warehouse.duckdb.sql("SELECT ts FROM conversions").fetchall()
    assert stored.astimezone(dt.UTC) == utc(2026, 3, 8, 14, 30)


def test_a_bad_timezone_in_outcomes_toml_is_one_line_naming_it(tmp_path: Path) -> None:
    path = mapped(tmp_path, "Central Time")
    result = cli(tmp_path, "ingest", "csv", str(path))
    assert result.exit_code != 0
    assert "outcomes.toml: [csv.orders]: timezone 'Central Time' is not an IANA time zone" in (
        result.output
    )
    assert "Traceback" not in result.output
