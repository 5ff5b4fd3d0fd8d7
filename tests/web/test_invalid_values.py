"""Stored numbers that cannot be shown: every page and API route still answers.

The demo's warehouse gets rows with NaN, ±infinity and 1e308 in its DOUBLE columns, copied
from real rows so that they are measured. Every page and API route must answer (no 500),
with the security headers; pages write "invalid value" and name where; JSON stays JSON
(no NaN), with such numbers null and their paths listed under `invalid_values`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from outcomes.catalog.money import INVALID, format_money
from outcomes.measure.words import metric_value, money, number, percent
from outcomes.web import create_app
from outcomes.web.render import bar_width, fixed, raw
from outcomes.web.security import SECURITY_HEADERS
from outcomes.workspace.documents import dumps
from tests.web.conftest import OPTIONS, Page, Served, copy_workspace, serve

# NumPy warns of the overflow and NaN arithmetic these rows cause while they are measured;
# the suite makes warnings errors (in the measuring thread too), which would stop it.
pytestmark = [
    pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
]
NAN, INF = math.nan, math.inf
Change = Callable[[dict[str, Any], float, int], None]


def copy_rows(con: duckdb.DuckDBPyConnection, table: str, where: str, bad: list[float],
              change: Change) -> None:  # fmt: skip
    """Insert a copy of one row of `table` per value of `bad`, changed by `change`."""
    query = f"SELECT * FROM {table} WHERE {where} ORDER BY key LIMIT {len(bad)}"
    rows = con.execute(query).fetchall()
    columns = [d[0] for d in con.description or ()]
    assert len(rows) == len(bad), table
    for index, (row, value) in enumerate(zip(rows, bad, strict=True)):
        record = dict(zip(columns, row, strict=True))
        record["key"] = f"broken|{table}|{index}"
        change(record, value, index)
        marks = ", ".join("?" * len(columns))
        con.execute(f"INSERT INTO {table} VALUES ({marks})", list(record.values()))


def break_warehouse(workspace: Path) -> None:
    """Rows with numbers no page can show, of kinds the measures carry through to the views.

    (Some others, e.g. an infinite cost, make the measurement itself fail today: the
    dashboard then answers 503 with the reason, which `test_hardening` covers.)
    """
    con = duckdb.connect(str(workspace / ".outcomes" / "warehouse.duckdb"))
    try:
        copy_rows(
            con, "conversions",
            "value IS NOT NULL AND journey_id IS NOT NULL AND customer_id IS NOT NULL",
            [NAN, 1e308, INF], lambda r, v, _: r.update(value=v),
        )  # fmt: skip
        copy_rows(
            con, "metric_snapshots", "metric IN ('tickets_deflected', 'views')",
            [NAN, INF, -INF, 1e308],
            lambda r, v, i: r.update(value=v, date=dt.date(2026, 3, 1 + i)),
        )  # fmt: skip
        copy_rows(con, "costs", "kind = 'people'", [NAN], lambda r, v, _: r.update(amount=v))
    finally:
        con.close()


@pytest.fixture(scope="module")
def broken(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workspace = copy_workspace(demo_workspace, tmp_path_factory.mktemp("broken") / "ws")
    break_warehouse(workspace)
    with serve(create_app(workspace, options=OPTIONS)) as running:
        running.wait_ready()
        yield running


def strict_json(text: str) -> Any:
    """JSON as the standard has it: NaN and Infinity are errors."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def routes(served: Served) -> list[str]:
    """Every page and API route, with each goal and tactic of the plan."""
    openapi = served.json("/api/openapi.json")
    plan = served.dashboard.state.snapshot()
    assert plan is not None
    ids = {
        "{goal_id}": [g.id for g in plan.briefing.plan.goals],
        "{tactic_id}": [t.id for t in plan.briefing.plan.tactics],
    }
    api: list[str] = []
    for path in openapi["paths"]:
        holder = next((h for h in ids if h in path), None)
        api += [path.replace(holder, i) for i in ids[holder]] if holder else [path]
    api += ["/api/attribution?by=tactic", "/api/attribution?model=shapley&period=2026-Q1"]
    # Results whose JSON is the command line's (`outcomes roi --format json`) have no page.
    results = ("/api/status", "/api/briefing", "/api/roi", "/api/scorecard", "/api/unplanned")
    pages = [p.removeprefix("/api") or "/" for p in api if p not in results]
    pages = ["/" if p == "/overview" else p for p in pages]
    return [*api, *pages, "/api", "/api/openapi.json", "/strategy-map.svg"]


def at(data: Any, path: str) -> Any:
    """The value at a path as `invalid_values` lists it: `pilots[0].result.effect`."""
    for step in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        data = data[int(step[0])] if step[0] else data[step[1]]
    return data


def test_every_page_and_api_route_answers_with_the_headers(broken: Served) -> None:
    checked = routes(broken)
    assert len(checked) > 40
    for path in checked:
        response = broken.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
        assert "Traceback" not in response.text
        if response.headers["content-type"].startswith("application/json"):
            strict_json(response.text)
        elif path != "/strategy-map.svg":
            page = Page(response.text)
            # Outside the notice, which names the kinds of invalid numbers ("NaN").
            text = page.text_all.replace(page.text.get("invalid-values", ""), "")
            shown = re.search(r"\b(nan|inf|infinity)\b", text, re.IGNORECASE)
            assert not shown, (path, text[max(shown.start() - 200, 0) : shown.end() + 50])
            assert "1e+308" not in text and "000,000,000,000,000,000" not in text, path


def test_pages_write_invalid_value_and_name_where_it_is(broken: Served) -> None:
    found = 0
    for page_path, api_path in [("/", "/api/overview"), ("/pilots", "/api/pilots")]:
        paths = strict_json(broken.get(api_path).text)["invalid_values"]
        page = Page(broken.get(page_path).text)
        assert paths, api_path
        assert INVALID in page.text_all
        notice = page.shown("invalid-values")
        assert f"{len(paths)} number" in notice
        assert all(path in notice for path in paths[:20])
        found += len(paths)
    assert found


def test_api_writes_invalid_numbers_as_null_and_lists_their_paths(broken: Served) -> None:
    for path in ("/api/overview", "/api/pilots", "/api/briefing"):
        data = strict_json(broken.get(path).text)
        assert data["invalid_values"], path
        for where in data["invalid_values"]:
            assert at(data, where) is None, (path, where)


def test_pages_without_invalid_numbers_have_no_notice(broken: Served) -> None:
    assert strict_json(broken.get("/api/lint").text)["invalid_values"] == []
    assert "invalid-values" not in Page(broken.get("/lint").text).testids


def test_the_openapi_document_describes_invalid_values(broken: Served) -> None:
    schemas = broken.json("/api/openapi.json")["components"]["schemas"]
    assert "invalid_values" in schemas["Overview"]["properties"]
    assert "invalid_values" not in schemas["GoalRow"]["properties"]


@pytest.mark.parametrize("value", [NAN, INF, -INF, 1e308, -1e16, 10**16])
def test_every_number_format_writes_invalid_value(value: float) -> None:
    assert number(value) == INVALID
    assert percent(value) == INVALID
    assert money(value, "EUR") == INVALID
    assert format_money(value, "CHF") == INVALID
    assert fixed(value) == INVALID
    assert raw(value) == ""
    assert bar_width(value) == "0"


def test_formats_of_ordinary_numbers_are_unchanged() -> None:
    assert number(1234.5) == "1,234" and number(12.5) == "12.50" and number(None) == "—"
    assert format_money(1e15, "EUR") == "€1,000,000,000,000,000"
    assert percent(0.253) == "25%" and fixed(12.84) == "12.8" and raw(2.5) == "2.5"
    assert bar_width(1.7) == "100.0" and bar_width(-0.2) == "0.0" and bar_width(0.25) == "25.0"


def test_metric_values_in_every_unit_write_invalid_value(broken: Served) -> None:
    snapshot = broken.dashboard.state.snapshot()
    assert snapshot is not None
    plan = snapshot.briefing.plan
    for metric in ("support_cost", "net_new_customers", "response_rate", "ctr", "watch_hours"):
        assert metric_value(plan, metric, NAN) == INVALID
        assert metric_value(plan, metric, -INF) == INVALID


def test_dumps_nulls_nested_invalid_numbers_and_lists_their_paths() -> None:
    body, paths = dumps({"a": [1.0, {"b": NAN}], "c": {"d": INF, "e": True, "f": "nan"}})
    assert paths == ["a[1].b", "c.d"]
    assert strict_json(body.decode()) == {
        "a": [1.0, {"b": None}], "c": {"d": None, "e": True, "f": "nan"},
        "invalid_values": ["a[1].b", "c.d"],
    }  # fmt: skip
