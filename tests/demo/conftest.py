"""Fixtures on a demo company's workspace: each test module names its `company`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from outcomes.demo import DemoResult
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse


@pytest.fixture(scope="module")
def truth(company: DemoResult) -> dict[str, Any]:
    """The company's planted truth."""
    loaded: dict[str, Any] = json.loads(company.truth_path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def plan(company: DemoResult) -> Plan:
    return load_plan(company.workspace / "plan.yaml").plan


@pytest.fixture
def warehouse(company: DemoResult) -> Iterator[Warehouse]:
    with Warehouse.open(company.workspace) as opened:
        yield opened


def rows(warehouse: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    result: list[tuple[Any, ...]] = warehouse.duckdb.execute(sql).fetchall()
    return result
