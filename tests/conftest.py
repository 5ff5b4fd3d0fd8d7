"""Fixtures shared by the whole suite: example plans and plan-building helpers."""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from outcomes.examples import example_path
from outcomes.plan import LoadedPlan, load_plan, load_plan_text
from outcomes.plan.implementation import ImplementationPlan, build_implementation_plan
from outcomes.warehouse.connection import Warehouse
from tests import lane
from tests.demo_cache import DemoCache

REPO = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = REPO.parent / "shared" / "examples"

if lane.FAST:  # `make test-fast`: a tenth of the Hypothesis examples (see tests/lane.py)
    settings.load_profile("fast")

# Modules that start servers or Spark, build demo exports, render charts or drive hundreds
# of damaged files: `make test-fast` (the inner loop) leaves them to `make test`, with every
# test that reads the demo company (see `pytest_collection_modifyitems`).
SLOW_MODULES = (
    "tests/web/",
    "tests/demo/",
    "tests/cli/test_demo_cli.py",
    "tests/report/test_charts.py",
    "tests/measure/attribution/test_spark.py",
    "tests/sources/test_damaged_corpus.py",
    "tests/warehouse/test_lock.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow modules and the tests that read the demo `slow`: `-m "not slow"`.

    Under pytest-xdist (`make test` runs `--dist loadscope`: a module's tests stay on one
    worker, with its module-scoped setup) the modules with slow tests go first, so the
    longest run while the short ones fill in around them rather than trail at the end.
    """
    slow_modules: set[Path] = set()
    for item in items:
        relative = item.path.resolve().relative_to(REPO).as_posix()
        # A cold demo cache costs a build of a minute or more; and the tests that read the
        # demo measure a year of it (seconds to tens of seconds each).
        reads_demo = "demo_cache" in getattr(item, "fixturenames", ())
        if relative.startswith(SLOW_MODULES) or reads_demo:
            item.add_marker(pytest.mark.slow)
            slow_modules.add(item.path)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.path not in slow_modules)


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """A new, empty warehouse in a workspace folder of its own (`tmp_path / "ws"`), for the
    connector and loading tests; the measure and demo tests keep their own."""
    with Warehouse.open(tmp_path / "ws") as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_cache() -> DemoCache:
    """The demo company at each scale a test asks for, built once per code version.

    `demo_cache.copy(scale, folder)` gives a test module its own copy to read and change.
    The suite uses three scales: 0.05 (1,000 journeys) where any demo will do and the engine
    is slow (Spark), 0.1 (2,000) for the measures, reports and dashboard, and 1 where an
    assertion compares a statistic with what the simulator planted and needs the full year.
    """
    return DemoCache.for_this_code()


@pytest.fixture
def northwind_path() -> Path:
    """The bundled strategy-first example plan."""
    return example_path("northwind")


@pytest.fixture
def tactics_first_path() -> Path:
    """The bundled tactics-first example plan (what the seeds warn against)."""
    return example_path("tactics-first")


PLAN_TODAY = dt.date(2026, 3, 15)
"""The day implementation-plan fixtures are prepared on, so phases are fixed."""


@pytest.fixture
def northwind(northwind_path: Path) -> ImplementationPlan:
    """Northwind's tactical implementation plan, as of :data:`PLAN_TODAY`."""
    return build_implementation_plan(load_plan(northwind_path), today=PLAN_TODAY)


@pytest.fixture
def tactics_first(tactics_first_path: Path) -> ImplementationPlan:
    """The tactics-first plan's implementation plan, as of :data:`PLAN_TODAY`."""
    return build_implementation_plan(load_plan(tactics_first_path), today=PLAN_TODAY)


CLEAN_PLAN: dict[str, Any] = {
    "version": 1,
    "organisation": {"name": "Acme", "currency": "EUR", "hourly_cost": 50},
    "people": [
        {"id": "ceo", "name": "Cleo", "title": "CEO", "executive": True, "function": "executive"},
        {
            "id": "vp-sales",
            "name": "Vic",
            "executive": True,
            "function": "sales",
            "hours_per_week": 2,
        },
        {"id": "rep", "name": "Remy", "function": "sales", "hours_per_week": 5},
        {"id": "rep2", "name": "Rae", "function": "sales", "hours_per_week": 5},
        {
            "id": "care",
            "name": "Care team",
            "function": "service",
            "members": [],
            "hours_per_week": 20,
        },
    ],
    "goals": [
        {
            "id": "more-customers",
            "title": "Win more customers",
            "metric": "net_new_customers",
            "direction": "increase",
            "baseline": 10,
            "threshold": 12,
            "target": 15,
            "stretch": 18,
            "start": "2026-01-01",
            "due": "2026-12-31",
            "sponsor": "ceo",
            "functions": ["sales"],
        }
    ],
    "strategies": [
        {
            "id": "trusted-advisers",
            "title": "Reps earn trust where buyers research",
            "serves": ["more-customers"],
            "owner": "vp-sales",
            "functions": ["sales"],
        }
    ],
    "tactics": [
        {
            "id": "rep-posts",
            "title": "Reps share one insight a week",
            "serves": "trusted-advisers",
            "channel": "linkedin",
            "mode": "publish",
            "operators": ["rep"],
            "accountable": "vp-sales",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "cadence": {"count": 1, "per": "week"},
            "resources": {"hours_per_week": 3, "tools": [{"name": "Scheduler", "cost": 300}]},
            "benchmarks": [
                {"metric": "qualified_leads", "baseline": 0, "target": 20, "per": "period"}
            ],
            "measurement": {
                "sources": ["linkedin", "hubspot"],
                "match": {"utm_campaign": "rep-posts"},
            },
            "pilot": {"group": ["rep"], "control": ["rep2"], "metric": "pipeline_value"},
        },
        {
            "id": "answer-mentions",
            "title": "Answer every mention within a business day",
            "serves": "trusted-advisers",
            "channel": "linkedin",
            "mode": "respond",
            "operators": ["care"],
            "accountable": "vp-sales",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "resources": {"hours_per_week": 4},
            "benchmarks": [{"metric": "first_response_minutes", "threshold": 480, "target": 240}],
            "measurement": {"sources": ["linkedin", "mastodon"]},
        },
    ],
}


@pytest.fixture
def clean_plan() -> dict[str, Any]:
    """A small plan with no lint findings, as data to change in a test."""
    return copy.deepcopy(CLEAN_PLAN)


def plan_from_data(data: dict[str, Any], file: str = "plan.yaml") -> LoadedPlan:
    """Dump plan data to YAML and load it, as a user's file would be."""
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), file)


@pytest.fixture
def load_data() -> Callable[..., LoadedPlan]:
    """`plan_from_data` as a fixture."""
    return plan_from_data


# A real headless Chromium for the browser tests, or a clear skip where there is none.
CHROMIUM = Path("/usr/bin/chromium")
# Offline and quiet: no updates, sync, field trials or QUIC probes that would reach out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A Chromium browser driven by Playwright, shared by the session's browser tests."""
    if not CHROMIUM.exists():
        # `make test` installs Chromium, so in CI its absence is a broken install, not a pass.
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is not installed although `make test` installs it")
        pytest.skip(f"{CHROMIUM} is not installed; `make system-deps` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
