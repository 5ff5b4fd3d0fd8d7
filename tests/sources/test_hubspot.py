"""HubSpot contacts and deals exports: first touches, lifecycle conversions, deals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from outcomes.sources.base import Notice, ReadOptions, Rejected, Row, SourceError
from outcomes.sources.hubspot import HubSpot
from outcomes.sources.registry import HEAD_BYTES, detect_source, get_source

FIXTURES = Path(__file__).parent / "fixtures"
HUBSPOT = FIXTURES / "hubspot"
MINE = ("hubspot", "salesforce", "ga4", "paths", "csv")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def read(path: Path) -> tuple[list[Row], list[Rejected]]:
    parsed = list(HubSpot().read(path, ReadOptions()))
    rows = [p for p in parsed if isinstance(p, Row)]
    rejected = [p for p in parsed if isinstance(p, Rejected)]
    # Notices say which optional columns a file lacks (test_absent_columns.py).
    notices = [p for p in parsed if isinstance(p, Notice)]
    assert len(rows) + len(rejected) + len(notices) == len(parsed)
    return rows, rejected


def by_key(rows: list[Row]) -> dict[str, dict[str, object]]:
    found = {row.values["key"]: {**row.values, "table": row.table} for row in rows}
    assert len(found) == len(rows), "keys must be unique within a file"
    return found


def detects(path: Path) -> bool:
    return HubSpot().detect(path, path.read_bytes()[:HEAD_BYTES])


def test_registry_finds_the_connector() -> None:
    assert isinstance(get_source("hubspot"), HubSpot)


def test_contacts_give_a_first_touch_each() -> None:
    rows, _ = read(HUBSPOT / "contacts.csv")
    touches = {r.values["journey_id"]: r.values for r in rows if r.table == "touchpoints"}
    assert list(touches) == [f"hubspot:{n}" for n in (101, 102, 103, 104, 105, 106, 110)]
    assert touches["hubspot:101"] == {
        "key": "hubspot|contact|101",
        "source": "hubspot",
        "journey_id": "hubspot:101",
        "customer_id": "hubspot:101",
        "ts": utc(2026, 1, 5, 9, 30),
        "channel": "linkedin",
        "event": "first_touch",
        "utm_campaign": "spring-launch",
    }
    summary = {j: (t["channel"], t["utm_campaign"], t["ts"]) for j, t in touches.items()}
    assert summary == {
        "hubspot:101": ("linkedin", "spring-launch", utc(2026, 1, 5, 9, 30)),
        "hubspot:102": ("facebook", "fb-retarget", utc(2026, 1, 6, 10)),
        "hubspot:103": ("email", None, utc(2026, 1, 28)),  # "01/28/2026": 28 is no month
        "hubspot:104": ("direct", None, utc(2026, 1, 9, 12)),  # not the URL's linkedin
        "hubspot:105": ("organic-search", None, utc(2026, 1, 10, 8)),
        "hubspot:106": ("paid-search", "brand-keywords", utc(2026, 1, 12, 11)),
        "hubspot:110": ("x", "x-thread", utc(2026, 1, 16, 15, 20)),  # internal SOCIAL_MEDIA
    }


def test_contacts_give_lifecycle_conversions() -> None:
    rows, _ = read(HUBSPOT / "contacts.csv")
    conversions = by_key([r for r in rows if r.table == "conversions"])
    summary = {
        key: (c["type"], c["ts"], c["channel"], c["campaign"], c["stage"])
        for key, c in conversions.items()
    }
    assert summary == {
        # a customer who was a lead counts as both, each on its own date
        "hubspot|contact|101|lead": (
            "lead", utc(2026, 1, 5, 9, 31), "linkedin", "spring-launch", "Customer"
        ),
        "hubspot|contact|101|new_customer": (
            "new_customer", utc(2026, 2, 10, 14), "linkedin", "spring-launch", "Customer"
        ),
        "hubspot|contact|102|qualified_lead": (
            "qualified_lead", utc(2026, 1, 7, 8), "facebook", "fb-retarget",
            "marketingqualifiedlead",
        ),
        # the display label, no stage date: dated by Create Date
        "hubspot|contact|103|qualified_lead": (
            "qualified_lead", utc(2026, 1, 28), "email", None, "Marketing Qualified Lead"
        ),
        # a lead without "Became a Lead Date" is dated by its first conversion
        "hubspot|contact|105|lead": (
            "lead", utc(2026, 1, 11, 16, 45), "organic-search", None, "Lead"
        ),
        "hubspot|contact|106|new_customer": (
            "new_customer", utc(2026, 1, 12, 11), "paid-search", "brand-keywords", "customer"
        ),
        # an opportunity gives no conversion of its own, but it was a lead
        "hubspot|contact|110|lead": ("lead", utc(2026, 1, 17, 9), "x", "x-thread", "Opportunity"),
    }  # fmt: skip
    first = conversions["hubspot|contact|101|new_customer"]
    assert first["owner"] == "Remy Rep"
    assert first["customer_id"] == first["journey_id"] == "hubspot:101"
    assert first["source"] == "hubspot"
    assert first.get("value") is None


def test_contacts_that_cannot_be_used_are_rejected_with_where_and_why() -> None:
    rows, rejected = read(HUBSPOT / "contacts.csv")
    assert len(rows) == 7 + 7
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (8, "Create Date", "no Create Date; the contact's first touch cannot be dated"),
        (9, "Became a Customer Date", "expected a date and time, got 'soon'"),
        (10, "Record ID", "no Record ID"),
    ]
    assert rejected[0].raw.startswith('"107","Gus","Gray"')  # the row as written


def test_internal_property_names_as_headers_and_values() -> None:
    rows, rejected = read(HUBSPOT / "contacts_internal.csv")
    assert rejected == []
    summary = [
        (r.table, r.values["key"], r.values["ts"], r.values["channel"], r.values["utm_campaign"])
        if r.table == "touchpoints"
        else (r.table, r.values["key"], r.values["ts"], r.values["channel"], r.values["campaign"])
        for r in rows
    ]
    assert summary == [
        ("touchpoints", "hubspot|contact|201", utc(2026, 2, 1, 8), "linkedin", "li-abm"),
        ("conversions", "hubspot|contact|201|qualified_lead", utc(2026, 2, 3, 12), "linkedin", "li-abm"),
        ("touchpoints", "hubspot|contact|202", utc(2026, 2, 2, 9, 15), "email", None),
        ("conversions", "hubspot|contact|202|new_customer", utc(2026, 2, 20, 17, 30), "email", None),
    ]  # fmt: skip


def test_deals() -> None:
    rows, rejected = read(HUBSPOT / "deals.csv")
    deals = by_key(rows)
    summary = {
        key: (d["type"], d["value"], d["currency"], d["ts"], d["stage"], d["customer_id"])
        for key, d in deals.items()
    }
    assert summary == {
        "hubspot|deal|9001|deal_won": (
            "deal_won", 12500.0, "EUR", utc(2026, 2, 15), "Closed Won", "hubspot:101"
        ),
        "hubspot|deal|9002|deal_lost": (
            "deal_lost", 3000.0, None, utc(2026, 2, 20), "closedlost", None
        ),
        # open deals are dated when created; "$" names no single currency
        "hubspot|deal|9003|opportunity": (
            "opportunity", 1200.0, None, utc(2026, 3, 1, 10), "Appointment Scheduled",
            "hubspot:106",
        ),
        "hubspot|deal|9004|deal_won": (
            "deal_won", 12500.0, "EUR", utc(2026, 3, 5), "Closed won (Sales Pipeline)", None
        ),
        # closed deals also give the pipeline they created, on their Create Date
        "hubspot|deal|9001|opportunity": (
            "opportunity", 12500.0, "EUR", utc(2026, 1, 10), "Closed Won", "hubspot:101"
        ),
        "hubspot|deal|9002|opportunity": (
            "opportunity", 3000.0, None, utc(2026, 1, 12), "closedlost", None
        ),
        "hubspot|deal|9004|opportunity": (
            "opportunity", 12500.0, "EUR", utc(2026, 2, 1), "Closed won (Sales Pipeline)", None
        ),
    }  # fmt: skip
    assert {d["table"] for d in deals.values()} == {"conversions"}
    assert deals["hubspot|deal|9001|deal_won"]["owner"] == "Remy Rep"
    assert deals["hubspot|deal|9001|deal_won"]["journey_id"] == "hubspot:101"
    assert [(r.line, r.column, r.reason) for r in rejected] == [
        (6, "Amount", "expected an amount, got 'lots'"),
        (7, "Create Date", "no Create Date; the deal cannot be dated"),
    ]


def test_deals_from_a_workbook(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Deal ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date"])
    sheet.append([9101.0, "Omega", "closedwon", 800, dt.datetime(2026, 4, 2, 9), None])
    path = tmp_path / "deals.xlsx"
    workbook.save(path)
    assert detects(path)
    rows, rejected = read(path)
    assert rejected == []
    assert [(r.values["key"], r.values["value"], r.values["ts"]) for r in rows] == [
        ("hubspot|deal|9101|deal_won", 800.0, utc(2026, 4, 2, 9))
    ]


def test_a_file_without_create_date_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Record ID,Lifecycle Stage\n1,lead\n", encoding="utf-8")
    with pytest.raises(SourceError, match="'Create Date'"):
        list(HubSpot().read(path, ReadOptions()))


def test_detects_its_exports_and_refuses_the_others() -> None:
    for path in sorted(p for name in MINE for p in (FIXTURES / name).iterdir()):
        assert detects(path) == (path.parent.name == "hubspot"), path.name


def test_the_registry_picks_this_connector_for_its_files() -> None:
    for path in sorted((FIXTURES / "hubspot").iterdir()):
        assert detect_source(path) is get_source("hubspot"), path.name


def test_a_utf8_bom_export(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    text = (
        "Record ID,Lifecycle Stage,Create Date,Original Traffic Source\n"
        "301,Lead,2026-03-01 10:00,Organic Social\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    assert detects(path)
    rows, rejected = read(path)
    assert rejected == []
    assert [r.values["key"] for r in rows] == ["hubspot|contact|301", "hubspot|contact|301|lead"]


# --- the labels of exports since 2024 -------------------------------------------------------

TRAFFIC = HUBSPOT / "contacts_traffic_source.csv"


def test_traffic_source_headers_give_the_channel_and_campaign() -> None:
    rows, rejected = read(TRAFFIC)
    assert rejected == []
    first = {
        r.values["journey_id"]: (r.values["channel"], r.values["utm_campaign"], r.values["ts"])
        for r in rows
        if r.table == "touchpoints" and r.values["event"] == "first_touch"
    }
    assert len(first) == 8  # every contact of the file
    assert first["hubspot:401"] == ("linkedin", "li-rep-insights", utc(2026, 4, 2, 9, 15))
    assert first["hubspot:402"] == ("facebook", "fb-retarget", utc(2026, 4, 3, 14))
    assert first["hubspot:407"] == ("email", None, utc(2026, 4, 8, 9))
    assert all(channel is not None for channel, _, _ in first.values())


def test_date_entered_stage_columns_date_the_lifecycle_conversions() -> None:
    rows, _ = read(TRAFFIC)
    conversions = {
        r.values["key"]: (r.values["type"], r.values["ts"])
        for r in rows
        if r.table == "conversions"
    }
    assert conversions["hubspot|contact|401|lead"] == ("lead", utc(2026, 4, 2, 9, 16))
    assert conversions["hubspot|contact|401|qualified_lead"] == (
        "qualified_lead",
        utc(2026, 4, 10, 11),
    )
    assert conversions["hubspot|contact|401|new_customer"] == ("new_customer", utc(2026, 5, 21, 10))
    assert conversions["hubspot|contact|407|new_customer"] == (
        "new_customer",
        utc(2026, 6, 2, 15, 30),
    )
    # a lead whose stage date comes after its creation is dated by the stage date
    assert conversions["hubspot|contact|405|lead"] == ("lead", utc(2026, 4, 20, 7, 6))
    types = sorted(kind for kind, _ in conversions.values())
    assert types.count("lead") == 8 - 1  # every contact but the subscriber was a lead
    assert types.count("new_customer") == 2


def test_the_latest_traffic_source_is_a_second_touchpoint_when_it_is_new() -> None:
    rows, _ = read(TRAFFIC)
    latest = {
        r.values["key"]: (r.values["channel"], r.values["ts"], r.values["event"])
        for r in rows
        if r.table == "touchpoints" and r.values["event"] == "latest_touch"
    }
    # 402's latest session is its first; 403, 404, 406-408 have no latest date
    assert set(latest) == {"hubspot|contact|401|latest", "hubspot|contact|405|latest"}
    assert latest["hubspot|contact|405|latest"] == (
        "email",
        utc(2026, 4, 20, 7, 5),
        "latest_touch",
    )


def test_old_and_new_labels_give_the_same_rows(tmp_path: Path) -> None:
    text = TRAFFIC.read_text(encoding="utf-8")
    old = (
        text.replace("Original Traffic Source", "Original Source")
        .replace('Date entered ""Lead (Lifecycle Stage Pipeline)""', "Became a Lead Date")
        .replace(
            'Date entered ""Marketing Qualified Lead (Lifecycle Stage Pipeline)""',
            "Became a Marketing Qualified Lead Date",
        )
        .replace('Date entered ""Customer (Lifecycle Stage Pipeline)""', "Became a Customer Date")
    )
    path = tmp_path / "contacts_old.csv"
    path.write_text(old, encoding="utf-8")
    assert '"Became a Lead Date"' in old and "Traffic Source Drill" in old  # latest kept

    assert [r.values for r in read(path)[0]] == [r.values for r in read(TRAFFIC)[0]]


def test_a_contacts_export_without_any_source_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Record ID,Lifecycle Stage,Create Date,Email\n1,lead,2026-03-01 10:00,a@example.com\n",
        encoding="utf-8",
    )
    assert detects(path)
    with pytest.raises(SourceError, match="'Original Traffic Source'") as refused:
        list(HubSpot().read(path, ReadOptions()))
    assert "'Original Source'" in str(refused.value) and "\n" not in str(refused.value)


def test_a_deals_export_needs_no_source_column(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "Record ID,Deal Stage,Amount,Create Date\n9,appointmentscheduled,100,2026-03-01\n",
        encoding="utf-8",
    )
    rows, rejected = read(path)
    assert rejected == [] and [r.values["type"] for r in rows] == ["opportunity"]


def test_a_record_id_that_is_a_damaged_number_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "hubspot-deals.csv"
    header = "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date"
    ids = ["9001", "NaN", "inf", "-5", "1e300", "12.5", "d7"]
    rows = [f"{i},Deal,Closed Won,default,10,2026-03-02,2026-03-01" for i in ids]
    path.write_text("\n".join([header, *rows]) + "\n")
    parsed = list(get_source("hubspot").read(path, ReadOptions()))
    rejected = [p for p in parsed if isinstance(p, Rejected)]
    assert [(r.line, r.column) for r in rejected] == [(n, "Record ID") for n in range(3, 8)]
    kept = {p.values["key"].split("|")[2] for p in parsed if isinstance(p, Row)}
    assert kept == {"9001", "d7"}  # an id of another tool's making is read as it is
