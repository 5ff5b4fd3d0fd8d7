"""Salesforce opportunity reports: outcomes, new customers, footers, API-name extracts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.sources import salesforce
from outcomes.sources.base import ReadOptions, Rejected, Row, SourceError
from outcomes.sources.registry import HEAD_BYTES, detect_source, get_source
from outcomes.sources.salesforce import Salesforce

FIXTURES = Path(__file__).parent / "fixtures"
SALESFORCE = FIXTURES / "salesforce"
MINE = ("hubspot", "salesforce", "ga4", "paths", "csv")
HEADER = "Opportunity ID,Opportunity Name,Stage,Is Won,Amount,Close Date,Created Date\n"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def read(path: Path) -> tuple[list[Row], list[Rejected]]:
    parsed = list(Salesforce().read(path, ReadOptions()))
    return (
        [p for p in parsed if isinstance(p, Row)],
        [p for p in parsed if isinstance(p, Rejected)],
    )


def summary(rows: list[Row]) -> list[tuple[object, ...]]:
    return [
        (r.values["key"], r.values["type"], r.values["value"], r.values["currency"], r.values["ts"])
        for r in rows
    ]


def test_registry_finds_the_connector() -> None:
    assert isinstance(get_source("salesforce"), Salesforce)


def conversions(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.table == "conversions"]


def test_report_outcomes() -> None:
    rows, _ = read(SALESFORCE / "opportunities.csv")
    assert {r.table for r in rows} == {"conversions", "touchpoints"}
    rows = conversions(rows)
    assert summary(rows) == [
        # won new business: a deal won and a new customer
        ("salesforce|opportunity|0065g00000AAA01|deal_won", "deal_won", 48000.0, "USD", utc(2026, 3, 1)),
        ("salesforce|opportunity|0065g00000AAA01|new_customer", "new_customer", 48000.0, "USD", utc(2026, 3, 1)),
        # and, like every deal, the pipeline it created on its Created Date
        ("salesforce|opportunity|0065g00000AAA01|opportunity", "opportunity", 48000.0, "USD", utc(2026, 1, 15)),
        # won existing business ("Is Won" true): no new customer
        ("salesforce|opportunity|0065g00000AAA02|deal_won", "deal_won", 5000.0, None, utc(2026, 3, 2)),
        ("salesforce|opportunity|0065g00000AAA02|opportunity", "opportunity", 5000.0, None, utc(2026, 2, 1)),
        ("salesforce|opportunity|0065g00000AAA03|deal_lost", "deal_lost", 12000.0, None, utc(2026, 3, 3)),
        ("salesforce|opportunity|0065g00000AAA03|opportunity", "opportunity", 12000.0, None, utc(2026, 1, 20)),
        # open: dated when created; "Total Gym" is not mistaken for a totals row
        ("salesforce|opportunity|0065g00000AAA04|opportunity", "opportunity", 7500.0, None, utc(2026, 2, 10, 14, 30)),
    ]  # fmt: skip


def test_report_channel_campaign_owner_and_customer() -> None:
    rows = conversions(read(SALESFORCE / "opportunities.csv")[0])
    first = rows[0].values
    assert first == {
        "key": "salesforce|opportunity|0065g00000AAA01|deal_won",
        "source": "salesforce",
        "customer_id": "salesforce:Acme",
        "ts": utc(2026, 3, 1),
        "type": "deal_won",
        "value": 48000.0,
        "currency": "USD",
        "stage": "Closed Won",
        "owner": "Remy Rep",
        "campaign": "Q1 LinkedIn Ads",
        "channel": "linkedin",
        "segment": "New Business",  # the Type, without a Segment column: for goal scopes
    }
    by_type = [(r.values["type"], r.values["channel"], r.values["campaign"]) for r in rows]
    assert by_type[3:] == [
        # a lead source is also kept as campaign; its channel is what the label means
        ("deal_won", "website", "Web"),
        ("opportunity", "website", "Web"),  # its creation carries the same fields
        ("deal_lost", "referral", "Partner Referral"),
        ("opportunity", "referral", "Partner Referral"),
        ("opportunity", "facebook", "FB spring"),
    ]


def test_where_an_opportunity_came_from_is_a_touch_of_its_account() -> None:
    """A report's Lead Source and Primary Campaign Source say where the deal came from, as
    a HubSpot contact's original source does: without a touch, a deal from LinkedIn whose
    campaign a tactic names was no tactic's sale (Sagebrook's $146,000 of LinkedIn deals:
    '3 of 12 sales had a touch to credit', the revenue goal 'no return measured yet')."""
    rows, _ = read(SALESFORCE / "opportunities.csv")
    touches = [r.values for r in rows if r.table == "touchpoints"]
    assert touches[0] == {
        "key": "salesforce|opportunity_source|0065g00000AAA01",
        "source": "salesforce",
        "journey_id": "salesforce:Acme",
        "customer_id": "salesforce:Acme",
        "ts": utc(2026, 1, 15),  # when the opportunity was created: before it was won
        "channel": "linkedin",
        "event": "opportunity_source",
        "utm_campaign": "Q1 LinkedIn Ads",
    }
    assert [(t["customer_id"], t["ts"], t["channel"], t["utm_campaign"]) for t in touches[1:]] == [
        ("salesforce:Beta", utc(2026, 2, 1), "website", "Web"),
        ("salesforce:Gamma", utc(2026, 1, 20), "referral", "Partner Referral"),
        ("salesforce:Total Gym", utc(2026, 2, 10, 14, 30), "facebook", "FB spring"),
    ]


def test_an_opportunity_without_an_account_or_a_source_is_no_touch(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity ID,Account Name,Stage,Amount,Close Date,Created Date,Lead Source\n"
        "A1,,Closed Won,10,3/15/2026,2/13/2026,LinkedIn\n"  # nobody's journey
        "A2,Acme,Closed Won,10,3/15/2026,2/13/2026,\n"  # from nowhere the report says
    )
    rows, _ = read(path)
    assert [r.table for r in rows] == ["conversions"] * 4


def test_footer_rows_are_skipped_and_bad_rows_rejected() -> None:
    rows, rejected = read(SALESFORCE / "opportunities.csv")
    # 4 deals: 4 outcomes, 1 new customer, 3 creations of closed deals; and where each came from
    assert len(conversions(rows)) == 8
    assert len(rows) == 8 + 4
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (6, "Is Won", "expected true or false (or 1/0), got 'maybe'"),
        (7, "Created Date", "an open opportunity is dated by its Created Date; add it to the report"),
    ]  # fmt: skip


def test_api_names_and_stage_without_is_won() -> None:
    rows, rejected = read(SALESFORCE / "opportunities_api.csv")
    rows = conversions(rows)
    assert rejected == []
    assert summary(rows) == [
        ("salesforce|opportunity|0065g00000BBB01|deal_won", "deal_won", 2500.0, None, utc(2026, 4, 1)),
        ("salesforce|opportunity|0065g00000BBB01|new_customer", "new_customer", 2500.0, None, utc(2026, 4, 1)),
        ("salesforce|opportunity|0065g00000BBB01|opportunity", "opportunity", 2500.0, None, utc(2026, 3, 1, 10)),
        ("salesforce|opportunity|0065g00000BBB02|deal_lost", "deal_lost", 900.0, None, utc(2026, 4, 2)),
        ("salesforce|opportunity|0065g00000BBB02|opportunity", "opportunity", 900.0, None, utc(2026, 3, 2, 10)),
        ("salesforce|opportunity|0065g00000BBB03|opportunity", "opportunity", None, None, utc(2026, 3, 3, 11, 30)),
    ]  # fmt: skip
    assert [r.values["customer_id"] for r in rows] == [
        "salesforce:0015g00000ACC01",
        "salesforce:0015g00000ACC01",
        "salesforce:0015g00000ACC01",
        "salesforce:0015g00000ACC02",
        "salesforce:0015g00000ACC02",
        None,
    ]
    assert rows[0].values["channel"] == "mastodon"


@pytest.mark.parametrize(
    ("won", "stage", "expected"),
    [
        ("1", "Closed Won", "deal_won"),
        ("TRUE", "Signed", "deal_won"),
        ("0", "Closed Lost", "deal_lost"),
        ("false", "Closed Won", "deal_lost"),  # Is Won decides over a contradicting stage
        ("0", "Prospecting", "opportunity"),
        ("", "Closed Won", "deal_won"),
        ("", "Negotiation/Review", "opportunity"),
    ],
)
def test_is_won_as_text_or_number(tmp_path: Path, won: str, stage: str, expected: str) -> None:
    path = tmp_path / "report.csv"
    path.write_text(HEADER + f"006X,Deal,{stage},{won},100,3/21/2026,2/14/2026\n", encoding="utf-8")
    rows, rejected = read(path)
    assert rejected == []
    created = [] if expected == "opportunity" else ["opportunity"]  # closed: its creation too
    assert [r.values["type"] for r in rows] == [expected, *created]


def test_a_report_without_the_id_column_is_refused_naming_the_closest_header(
    tmp_path: Path,
) -> None:
    # Keyed by name instead, a re-export with the column renamed loaded every deal twice.
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity IDs,Opportunity Name,Stage,Created Date\nX1,Orion,Prospecting,2026-03-01\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="'Opportunity ID' is missing; the closest header is "
                       "'Opportunity IDs'"):  # fmt: skip
        list(Salesforce().read(path, ReadOptions()))


def test_a_row_with_an_empty_id_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Opportunity ID,Opportunity Name,Stage,Created Date\n"
        ",Orion,Prospecting,2026-03-01\nX2,Vega,Prospecting,2026-03-02\n",
        encoding="utf-8",
    )
    rows, rejected = read(path)
    assert [r.values["key"] for r in rows] == ["salesforce|opportunity|X2|opportunity"]
    assert [(r.line, r.column) for r in rejected] == [(2, "Opportunity ID")]


def test_a_file_without_stage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Opportunity Name,Amount\nOrion,5\n", encoding="utf-8")
    with pytest.raises(SourceError, match="'Stage'"):
        list(Salesforce().read(path, ReadOptions()))


def test_detects_its_reports_and_refuses_the_others() -> None:
    for path in sorted(p for name in MINE for p in (FIXTURES / name).iterdir()):
        head = path.read_bytes()[:HEAD_BYTES]
        assert Salesforce().detect(path, head) == (path.parent.name == "salesforce"), path.name


def test_the_registry_picks_this_connector_for_its_files() -> None:
    for path in sorted((FIXTURES / "salesforce").iterdir()):
        assert detect_source(path) is get_source("salesforce"), path.name


def test_a_latin1_report_reads_with_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    text = "Opportunity ID,Opportunity Name,Account Name,Stage,Created Date\nX9,Été,Société Générale,Prospecting,3/15/2026\n"
    path.write_bytes(text.encode("cp1252"))
    assert Salesforce().detect(path, path.read_bytes())
    with pytest.raises(SourceError, match="--encoding"):
        list(Salesforce().read(path, ReadOptions()))
    parsed = list(Salesforce().read(path, ReadOptions(encoding="cp1252")))
    assert [p.values["customer_id"] for p in parsed if isinstance(p, Row)] == [
        "salesforce:Société Générale"
    ]


def test_dates_that_read_both_ways_follow_the_workspaces_order_never_a_guess(
    tmp_path: Path,
) -> None:
    """A report is written in its user's locale: the docs said "read month first", yet a
    report whose every date reads both ways was refused; it is, and says how to tell."""
    path = tmp_path / "report.csv"
    path.write_text(HEADER + "A1,Deal,Closed Won,1,10,3/1/2026,2/1/2026\n", encoding="utf-8")
    with pytest.raises(SourceError, match="set the order: --date-order"):
        read(path)
    uk = [
        r.values["ts"]
        for r in Salesforce().read(path, ReadOptions(date_order="dmy"))
        if isinstance(r, Row)
    ]
    assert uk[0] == utc(2026, 1, 3)  # 3 January, as a UK user's report means it
    assert "read month first" not in (salesforce.__doc__ or "")
