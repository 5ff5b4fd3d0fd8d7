"""An identifier a spreadsheet rounded (`1.8050E+16`) is rejected, never stored as an id.

Excel opens a CSV's long numbers as numbers and saves them in scientific notation. Before,
Ridgeway's Meta Ads report opened and saved so loaded all 45 figures with exit 0 under
campaign "1.2023E+17": a clean export of the same days later would store the same spend
again under the real id, counting it twice; Instagram posts sharing one rounded id were
rejected only as "the key … was given by line 2 of this file with other values".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, get_source
from outcomes.sources.hubspot import HubSpot
from outcomes.sources.meta import Meta
from outcomes.sources.meta_ads import MetaAds
from tests.sources.corpus_workbook import xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_rounded_campaign_id_is_rejected_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Campaign name,Campaign ID,Day,Amount spent (EUR),Link clicks\n"
        "Spring,1.2023E+17,2026-03-02,5.00,3\n"
        "Autumn,120230000000000502,2026-03-02,7.00,4\n",
        encoding="utf-8",
    )
    parsed = list(MetaAds().read(path, ReadOptions()))

    [rejected] = [p for p in parsed if isinstance(p, Rejected)]
    assert (rejected.line, rejected.column) == (2, "Campaign ID")
    assert rejected.reason.startswith(
        "'Campaign ID' is 1.2023E+17: a spreadsheet rounded this long number"
    )
    assert {r.values["note"] for r in parsed if isinstance(r, Row) and r.table == "costs"} == {
        "Meta Ads campaign 120230000000000502, EUR"
    }


def test_a_rounded_post_id_is_rejected_but_numbers_elsewhere_are_read(tmp_path: Path) -> None:
    good = (FIXTURES / "meta" / "instagram_2026-02.csv").read_text(encoding="utf-8")
    header, first, *rest = good.splitlines()
    post_id = first.split(",")[0]
    rounded = first.replace(post_id, "1.8E+16", 1)
    path = tmp_path / "posts.csv"
    path.write_text("\n".join([header, rounded, *rest]) + "\n", encoding="utf-8")

    parsed = list(Meta().read(path, ReadOptions()))

    rejected = [(p.line, p.reason.split(":")[0]) for p in parsed if isinstance(p, Rejected)]
    assert rejected == [(2, "'Post ID' is 1.8E+16")]
    assert len([p for p in parsed if isinstance(p, Row)]) == len(rest)


def test_a_rounded_associated_contact_id_is_rejected_not_joined_to_no_one(
    tmp_path: Path,
) -> None:
    """A HubSpot id of 12 digits is shown by Excel as `5.12346E+11` and saved so; before,
    the deal loaded with customer `hubspot:5.12346E+11`, a journey of no contact."""
    path = tmp_path / "deals.csv"
    path.write_text(
        "Record ID,Deal Stage,Amount,Close Date,Create Date,Associated Contact IDs\n"
        "901,closedwon,100,2026-03-02,2026-03-01,5.12346E+11\n"
        "902,closedwon,200,2026-03-02,2026-03-01,512345678901\n",
        encoding="utf-8",
    )
    parsed = list(HubSpot().read(path, ReadOptions()))

    [rejected] = [p for p in parsed if isinstance(p, Rejected)]
    assert (rejected.line, rejected.column) == (2, "Associated Contact IDs")
    customers = {p.values["customer_id"] for p in parsed if isinstance(p, Row)}
    assert customers == {"hubspot:512345678901"}


ROUNDED_NUMBER = 1.2023e17
"""An 18-digit id as a workbook keeps it once a spreadsheet has rounded it: a number cell,
which openpyxl reads as the float 1.2023E+17, not as the text `1.2023E+17`."""

WORKBOOKS: dict[str, tuple[str, ReadOptions, list[Any], list[Any], list[Any]]] = {
    # source: (id header, options, header, the good row, the row with its id rounded)
    "hubspot": (
        "Record ID",
        ReadOptions(),
        ["Record ID", "Deal Stage", "Amount", "Close Date", "Create Date"],
        ["120230000000000502", "closedwon", 100, "2026-03-02", "2026-03-01"],
        [ROUNDED_NUMBER, "closedwon", 200, "2026-03-02", "2026-03-01"],
    ),
    "salesforce": (
        "Opportunity ID",
        ReadOptions(),
        ["Opportunity ID", "Stage", "Is Won", "Amount", "Close Date", "Created Date"],
        ["120230000000000502", "Closed Won", "1", 100, "2026-03-02", "2026-03-01"],
        [ROUNDED_NUMBER, "Closed Won", "1", 200, "2026-03-02", "2026-03-01"],
    ),
    "linkedin-ads": (
        "Campaign ID",
        ReadOptions(),
        ["Start Date (in UTC)", "Campaign Name", "Campaign ID", "Currency", "Total Spent"],
        ["2026-03-02", "Guides", "120230000000000502", "EUR", 10],
        ["2026-03-02", "Retargeting", ROUNDED_NUMBER, "EUR", 20],
    ),
    "meta-ads": (
        "Campaign ID",
        ReadOptions(),
        ["Campaign name", "Campaign ID", "Day", "Amount spent (EUR)", "Link clicks"],
        ["Autumn", "120230000000000502", "2026-03-02", 7, 4],
        ["Spring", ROUNDED_NUMBER, "2026-03-02", 5, 3],
    ),
    "csv": (
        "Order ID",
        ReadOptions(
            table="conversions",
            mapping={"key": "Order ID", "ts": "Date", "type": "Kind", "value": "Amount"},
        ),
        ["Order ID", "Date", "Kind", "Amount"],
        ["120230000000000502", "2026-03-02", "order", 100],
        [ROUNDED_NUMBER, "2026-03-02", "order", 200],
    ),
}


@pytest.mark.parametrize("source", list(WORKBOOKS))
def test_a_rounded_id_in_a_workbook_number_cell_is_rejected(tmp_path: Path, source: str) -> None:
    """Before, a workbook's number cell 1.2023E+17 loaded as the id 120230000000000000."""
    column, options, header, good, rounded = WORKBOOKS[source]
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx_bytes({"Sheet1": [header, good, rounded]}))

    parsed = list(get_source(source).read(path, options))

    rejected = [
        (p.line, p.column, p.reason.split(":")[0]) for p in parsed if isinstance(p, Rejected)
    ]
    assert rejected == [(3, column, f"'{column}' is 1.2023E+17")]
    keys = " ".join(str(p.values) for p in parsed if isinstance(p, Row))
    assert "120230000000000502" in keys and "120230000000000000" not in keys


@pytest.mark.parametrize(
    "options",
    [
        ReadOptions(
            table="conversions",
            mapping={"key": "Order", "ts": "Date", "type": "Kind", "value": "Amount"},
        ),
        ReadOptions(
            table="conversions",
            mapping={"ts": "Date", "type": "Kind", "value": "Amount"},
            key=("Order",),
        ),
    ],
    ids=["mapped to key", "declared a key header"],
)
def test_a_rounded_key_of_a_generic_csv_is_rejected_whatever_its_header(
    tmp_path: Path, options: ReadOptions
) -> None:
    """Before, a key headed "Order" (not "… ID") loaded 1.2023E+17 as a record's key."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order,Date,Kind,Amount\n"
        "120230000000000502,2026-03-02,order,100\n"
        "1.2023E+17,2026-03-02,order,200\n",
        encoding="utf-8",
    )

    parsed = list(get_source("csv").read(path, options))

    rejected = [
        (p.line, p.column, p.reason.split(":")[0]) for p in parsed if isinstance(p, Rejected)
    ]
    assert rejected == [(3, "Order", "'Order' is 1.2023E+17")]
    assert len([p for p in parsed if isinstance(p, Row)]) == 1
