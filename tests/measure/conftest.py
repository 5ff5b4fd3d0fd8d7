"""Fixtures shared by the measure tests: the Northwind plan, an empty real warehouse, the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomes.examples import example_path
from outcomes.plan import Plan, load_plan
from outcomes.warehouse.connection import Warehouse
from tests.demo_cache import DemoCache


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The bundled Northwind example plan."""
    return load_plan(example_path("northwind")).plan


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """A fresh DuckDB warehouse in its own workspace folder, migrated and empty."""
    with Warehouse.open(tmp_path) as w:
        yield w


@pytest.fixture(scope="session")
def full_demo(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company at full scale (20,000 journeys), one copy for the session: read only.

    The tests that compare a statistic with what the simulator planted use it: the goal
    statuses are planted at scale 1, and the pilot's interval, the engagement lag and the
    ROI tolerances need a year of full-size numbers to hold.
    """
    return demo_cache.copy(1, tmp_path_factory.mktemp("demo") / "northwind").workspace
