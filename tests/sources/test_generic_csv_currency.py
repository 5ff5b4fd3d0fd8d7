"""A mapped cost or sales CSV in another currency than the plan's: said as it loads, in the
words an ad report's spend gets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from outcomes.sources.base import Notice, Parsed, ReadOptions
from outcomes.sources.generic_csv import GenericCsv
from tests.workspace.companies import cli

FIFTHCO = Path(__file__).parents[1] / "workspace" / "fixtures" / "fifthco"
COSTS = {"date": "Date", "tactic": "Tactic", "kind": "Kind", "amount": "Amount"}
SALES = {"key": "Order", "ts": "Date", "type": "Kind", "value": "Total"}


def notices(parsed: list[Parsed]) -> list[str]:
    return [p.text for p in parsed if isinstance(p, Notice)]


def test_a_cost_sheet_with_a_currency_column_in_another_currency_is_said(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(
        "Date,Tactic,Kind,Amount,Currency\n"
        "2026-03-02,spring-ads,ads,120.00,usd\n"
        "2026-03-09,spring-ads,ads,80.50,USD\n"
        "2026-03-09,spring-ads,ads,10.00,EUR\n",
        encoding="utf-8",
    )
    options = ReadOptions(table="costs", mapping={**COSTS, "currency": "Currency"}, currency="eur")
    assert notices(list(GenericCsv().read(path, options))) == [
        "spend in USD (200.50 over 2 lines), not the plan's EUR (organisation.currency): "
        "outcomes does not convert currencies, so ROI and resources leave it out. Export the "
        "file in EUR, or convert the amounts before loading; then forget this file and load "
        "the new one"
    ]


def test_a_sales_sheet_whose_mapping_states_a_currency_is_said(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order,Date,Kind,Total\nA-1,2026-03-02,order,49.90\nA-2,2026-03-03,new_customer,\n",
        encoding="utf-8",
    )
    options = ReadOptions(table="conversions", mapping=SALES, values={"currency": "USD"})
    read = list(GenericCsv().read(path, options))
    assert notices(read) == []  # no plan currency: nothing to compare with
    plan_is_eur = ReadOptions(
        table="conversions", mapping=SALES, values={"currency": "USD"}, currency="EUR"
    )
    # The sign-up has no value: one line of money, not two.
    assert notices(list(GenericCsv().read(path, plan_is_eur))) == [
        "sales in USD (49.90 over 1 line), not the plan's EUR (organisation.currency): "
        "outcomes does not convert currencies, so revenue and ROI leave them out. Export the "
        "file in EUR, or convert the amounts before loading; then forget this file and load "
        "the new one"
    ]


def test_money_in_the_plans_currency_is_not_said(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text("Date,Tactic,Kind,Amount\n2026-03-02,spring-ads,ads,120.00\n", encoding="utf-8")
    options = ReadOptions(table="costs", mapping=COSTS, values={"currency": "gbp"}, currency="GBP")
    assert notices(list(GenericCsv().read(path, options))) == []


def test_ingest_warns_of_a_till_export_in_another_currency_than_the_plans(
    tmp_path: Path,
) -> None:
    # Ridgeway Cycles' plan is in GBP; its till mapping states GBP. Said in euros instead,
    # every receipt is left out of revenue, and the load must say so.
    workspace = tmp_path / "fifthco"
    shutil.copytree(FIFTHCO, workspace)
    config = workspace / "outcomes.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('currency = "GBP"', 'currency = "EUR"', 1),
        encoding="utf-8",
    )
    till = workspace / "exports" / "till" / "epos-sales-2026-autumn.csv"
    result = cli(workspace, "ingest", "csv", str(till), "--format", "json")
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)
    [notice] = [n for n in summary["notices"] if "organisation.currency" in n]
    assert notice.startswith("sales in EUR (")
    assert "over 14 lines), not the plan's GBP (organisation.currency)" in notice
