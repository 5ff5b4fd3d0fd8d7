"""Mailchimp campaign reports: sends, deliveries, opens and clicks per campaign."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from outcomes.sources.base import ReadOptions, Rejected, Row
from outcomes.sources.mailchimp import Mailchimp
from outcomes.sources.registry import detect_source, get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

REPORT = Path(__file__).parent / "fixtures" / "mailchimp" / "campaigns.csv"


def stored(warehouse: Warehouse) -> dict[tuple[str, str], float]:
    rows = warehouse.duckdb.execute("SELECT entity, metric, value FROM metric_snapshots").fetchall()
    return {(str(e), str(m)): float(v) for e, m, v in rows}


def test_detected_and_registered() -> None:
    found = detect_source(REPORT)
    assert found is not None and found.name == "mailchimp"
    assert isinstance(get_source("mailchimp"), Mailchimp)


def test_stored_counts_reproduce_the_reports_own_rates(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, Mailchimp(), REPORT)
    assert (result.read, result.loaded, result.rejected) == (30, 30, 0)
    values = stored(warehouse)
    for row in csv.DictReader(io.StringIO(REPORT.read_text(encoding="utf-8"))):
        title = row["Title"]
        delivered = values[(title, "deliveries")]
        bounced = values[(title, "hard_bounces")] + values[(title, "soft_bounces")]
        assert values[(title, "sends")] - bounced == delivered
        assert f"{values[(title, 'opens')] / delivered:.2%}" == row["Open Rate"]
        assert f"{values[(title, 'clicks')] / delivered:.2%}" == row["Click Rate"]


def test_dated_by_send_date_on_the_email_channel() -> None:
    rows = [p.values for p in Mailchimp().read(REPORT, ReadOptions()) if isinstance(p, Row)]
    assert {(r["entity"], r["date"]) for r in rows} == {
        ("Freight Notes - March", dt.date(2026, 3, 4)),
        ("Freight Notes - February", dt.date(2026, 2, 4)),
        ("Webinar invite - Rates 2026", dt.date(2026, 1, 20)),
    }
    assert {(r["channel"], r["entity_kind"]) for r in rows} == {("email", "campaign")}


def test_a_later_export_updates_the_counts(warehouse: Warehouse, tmp_path: Path) -> None:
    ingest_file(warehouse, Mailchimp(), REPORT)
    later = tmp_path / "later.csv"
    later.write_text(
        REPORT.read_text(encoding="utf-8").replace(",1702,40.83%,2950,", ",1750,41.99%,3012,"),
        encoding="utf-8",
    )
    result = ingest_file(warehouse, Mailchimp(), later)
    assert (result.loaded, result.updated) == (0, 2)
    assert stored(warehouse)[("Freight Notes - March", "opens")] == 1750.0


def test_unsent_and_unreadable_rows_are_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Title,Send Date,Total Recipients,Unique Opens\n"
        "Draft,,100,0\n"
        'Broken,"Mar 04, 2026 09:30 am",lots,3\n'
        ',"Mar 05, 2026 09:30 am",10,3\n',
        encoding="utf-8",
    )
    items = list(Mailchimp().read(bad, ReadOptions()))
    assert [(r.line, r.column) for r in items if isinstance(r, Rejected)] == [
        (2, "Send Date"),
        (3, "Total Recipients"),
        (4, "Title"),
    ]


def without_ids(target: Path, source: Path = REPORT) -> Path:
    """The report as an export without the `Unique Id` column writes it."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    column = rows[0].index("Unique Id")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:column] + r[column + 1 :] for r in rows)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def keys(warehouse: Warehouse) -> list[str]:
    rows = warehouse.duckdb.execute("SELECT key FROM metric_snapshots").fetchall()
    return [str(key) for (key,) in rows]


def test_an_export_without_ids_updates_the_campaigns_stored_with_them(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    ingest_file(warehouse, Mailchimp(), REPORT)
    before, values = sorted(keys(warehouse)), stored(warehouse)
    later = without_ids(tmp_path / "no-ids.csv")
    later.write_text(
        later.read_text(encoding="utf-8").replace(",1702,40.83%,", ",1750,41.99%,"),
        encoding="utf-8",
    )

    result = ingest_file(warehouse, Mailchimp(), later)

    assert (result.loaded, result.updated, result.rejected) == (0, 1, 0)
    assert sorted(keys(warehouse)) == before
    assert stored(warehouse) == values | {("Freight Notes - March", "opens"): 1750.0}


def test_an_export_with_ids_takes_the_keys_an_export_without_them_stored(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    first = ingest_file(warehouse, Mailchimp(), without_ids(tmp_path / "no-ids.csv"))
    before = sorted(keys(warehouse))

    result = ingest_file(warehouse, Mailchimp(), REPORT)

    assert first.loaded == 30
    assert (result.loaded, result.updated, result.unchanged) == (0, 0, 30)
    assert sorted(keys(warehouse)) == before


def test_a_campaign_without_id_matching_two_stored_campaigns_is_rejected(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    header = "Title,Send Date,Total Recipients,Unique Opens,Unique Id\n"
    twins = tmp_path / "twins.csv"
    sent = '"Mar 04, 2026 09:30 am"'
    twins.write_text(
        header + f"Same title,{sent},100,10,aaa1\nSame title,{sent},200,20,bbb2\n",
        encoding="utf-8",
    )
    ingest_file(warehouse, Mailchimp(), twins)
    bare = tmp_path / "bare.csv"
    bare.write_text(
        f"Title,Send Date,Total Recipients,Unique Opens\nSame title,{sent},300,30\n",
        encoding="utf-8",
    )

    result = ingest_file(warehouse, Mailchimp(), bare)

    assert (result.read, result.loaded, result.updated, result.rejected) == (1, 0, 0, 1)
    rejection = result.rejections[0]
    assert rejection.line == 2 and rejection.column == "Unique Id"
    assert "2 stored campaigns" in rejection.reason and "Unique Id" in rejection.reason
    values = warehouse.duckdb.execute("SELECT value FROM metric_snapshots").fetchall()
    assert sorted(value for (value,) in values) == [10.0, 20.0, 100.0, 200.0]
