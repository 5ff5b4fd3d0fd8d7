"""Fixtures shared by the measure tests: the Northwind plan and an empty real warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomes.examples import example_path
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The bundled Northwind example plan."""
    return load_plan(example_path("northwind")).plan


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """A fresh DuckDB warehouse in its own workspace folder, migrated and empty."""
    with Warehouse.open(tmp_path) as w:
        yield w
