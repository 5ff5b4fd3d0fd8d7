"""A running dashboard sees ingests and plan edits, survives a locked warehouse, and
escapes whatever text the exports and the plan hold."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.web.conftest import Page, Served, serve_copy
from tests.web.test_pages import crawl

SCRIPT = "<script>alert(1)</script>"
HOSTILE_TITLE = f"{SCRIPT} ☃ 𝔘 " + "x" * 3000
HOSTILE_ACCOUNT = f"{SCRIPT} Evil ☃"
HOSTILE_POST = "<script>alert(2)</script> 𝔘 ‮reversed‬ " + "y" * 2000
HOSTILE_DATE = "<img src=x onerror=alert(1)>"
TACTIC = "fb-retarget"
GOAL = "new-logos"


@pytest.fixture(scope="module")
def live(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The dashboard of a copy of the demo workspace, which the tests change."""
    with serve_copy(demo_workspace, tmp_path_factory.mktemp("live")) as running:
        yield running


def workspace(served: Served) -> Path:
    return served.dashboard.state.workspace


def settled_after(served: Served, old: str) -> dict[str, object]:
    """Wait until the dashboard shows a state other than `old` and nothing is pending."""
    return served.wait_for(
        lambda s: (
            s["ready"]
            and s["fingerprint"] != old
            and s["fingerprint"] == s["workspace_fingerprint"]
            and not s["refreshing"]
        )
    )


def write_hostile_export(path: Path) -> None:
    """A LinkedIn inbox export (mapped in the demo's outcomes.toml) with hostile text.

    Many posts by one unplanned account, so that it leads the unplanned-activity list, and
    one row whose date is an HTML tag, so that it is rejected with its raw text kept.
    """
    header = ["Message ID", "Network", "Profile", "Type", "Author", "Date (UTC)", "Message",
              "Link", "In reply to", "Campaign", "Likes"]  # fmt: skip
    rows = [
        [f"urn:li:share:hostile-{n}", "LinkedIn", HOSTILE_ACCOUNT, "Post", HOSTILE_ACCOUNT,
         f"2026-06-{n % 28 + 1:02d} 10:00:00", HOSTILE_POST, "", "", "", "1"]
        for n in range(150)
    ]  # fmt: skip
    rows.append(["urn:li:share:bad", "LinkedIn", "Northwind", "Post", "x", HOSTILE_DATE,
                 "hi", "", "", "", "0"])  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_an_ingest_from_the_command_line_is_seen_while_the_dashboard_runs(live: Served) -> None:
    before = live.json("/api/status")["fingerprint"]
    loaded = len(live.json("/api/sources")["ingests"])
    rejected = live.json("/api/sources")["rejected_total"]
    export = workspace(live) / "exports" / "social-inbox" / "hostile.csv"
    write_hostile_export(export)
    # The dashboard holds no lock between measurements: the command line can load.
    ingest = subprocess.run(
        [sys.executable, "-m", "outcomes", "ingest", "csv", str(export), "-w", str(workspace(live))],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ingest.returncode == 1, ingest.stderr  # 1: loaded, with a rejected row
    settled_after(live, before)  # waits, with its own generous deadline, for the new state
    sources = live.json("/api/sources")
    assert len(sources["ingests"]) == loaded + 1
    assert sources["ingests"][0]["file"].endswith("hostile.csv")
    assert sources["ingests"][0]["rows_loaded"] == 150
    assert sources["rejected_total"] == rejected + 1
    assert any(r["raw"] and HOSTILE_DATE in r["raw"] for r in sources["rejected"])
    assert SCRIPT in sources["unplanned"]["groups"][0]["account"]
    page = Page(live.get("/sources").text)
    assert page.value("rejected-total") == rejected + 1


def test_a_plan_edit_is_seen_and_a_hostile_title_is_shown_as_text(live: Served) -> None:
    before = live.json("/api/status")["fingerprint"]
    plan_file = workspace(live) / "plan.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    for tactic in plan["tactics"]:
        if tactic["id"] == TACTIC:
            tactic["title"] = HOSTILE_TITLE
    for goal in plan["goals"]:
        if goal["id"] == GOAL:
            goal["title"] = "Win more customers, edited"
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")
    settled_after(live, before)
    assert live.json(f"/api/goals/{GOAL}")["goal"]["title"] == "Win more customers, edited"
    assert live.json(f"/api/tactics/{TACTIC}")["tactic"]["title"] == HOSTILE_TITLE
    page = Page(live.get("/").text)
    assert "Win more customers, edited" in page.text_all
    assert HOSTILE_TITLE in Page(live.get(f"/tactics/{TACTIC}").text).text_all


def test_text_from_exports_and_the_plan_is_escaped_on_every_page(live: Served) -> None:
    if live.json(f"/api/tactics/{TACTIC}")["tactic"]["title"] != HOSTILE_TITLE:
        pytest.skip("needs the plan edit of the test before")
    pages = crawl(live)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path, body in pages.items():
        if path.startswith("/api/"):
            continue  # JSON carries the text as data, served as application/json
        assert "<script" not in body.lower(), path
        assert "<img src=x" not in body, path
        if path == "/static/dashboard.css":
            assert "overflow-wrap: anywhere" in body
    # Where each hostile text is shown, it is shown as text.
    assert escaped in pages[f"/tactics/{TACTIC}"]
    assert escaped + " ☃ 𝔘 " + "x" * 3000 in pages[f"/tactics/{TACTIC}"]
    # Lists cut a long title; its own page shows it whole.
    assert escaped + " ☃ 𝔘 xxx" in pages["/tactics"] and "x" * 1000 not in pages["/tactics"]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in pages["/sources"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages["/sources"]
    assert escaped in pages["/conversation"]  # in the account's name, however it is normalised
    svg = pages["/strategy-map.svg"]
    assert "&lt;script&gt;" in svg and "<script" not in svg
    # A very long post is cut, saying by how much.
    assert "more characters)" in pages["/sources"]


def test_a_locked_warehouse_keeps_the_numbers_shown_until_it_is_free(live: Served) -> None:
    before = live.json("/api/status")["fingerprint"]
    database = workspace(live) / ".outcomes" / "warehouse.duckdb"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "locked"
            plan_file = workspace(live) / "plan.yaml"
            plan_file.write_text(plan_file.read_text("utf-8") + "\n# edited again\n", "utf-8")
            status = live.wait_for(lambda s: s["error"] is not None)
            assert "warehouse cannot be opened" in str(status["error"])
            assert status["fingerprint"] == before
            response = live.get("/")
            assert response.status_code == 200
            assert Page(response.text).testids.get("refresh-error") is not None
        finally:
            holder.stdin.close()
            holder.wait(30)
    status = settled_after(live, before)
    assert status["error"] is None


# Holds DuckDB's file lock, as an `outcomes ingest` does, until its stdin closes.
HOLD_LOCK = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()
connection.close()
"""
