"""`outcomes fetch mastodon` end to end: a real HTTP server on loopback, saved files, ingested rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.warehouse.connection import Warehouse
from outcomes.web.store import ENV_URL, Store
from tests.sources.test_mastodon_api import STATUSES, Server, serve_account, serve_statuses, server

__all__ = ["server"]  # the loopback server fixture, shared with the API client's tests

runner = CliRunner()


def test_fetch_saves_and_ingests_statuses(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    monkeypatch.delenv(ENV_URL, raising=False)
    serve_account(server)
    serve_statuses(server)
    result = runner.invoke(
        app, ["fetch", "mastodon", server.base, "@northwind", "-w", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert f"fetched {len(STATUSES)} statuses (no token: no mentions)" in result.stdout
    [folder] = (tmp_path / "exports" / "mastodon").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["account.json", "statuses.json"]
    with Warehouse.open(tmp_path) as warehouse:
        rows = warehouse.duckdb.execute(
            "SELECT count(*) FROM activities WHERE source = 'mastodon'"
        ).fetchall()
    assert rows == [(len(STATUSES),)]
    # In the audit log as an ingest, as `outcomes ingest` is.
    store = Store.for_workspace(tmp_path)
    try:
        (event,) = store.events(action="ingest")
    finally:
        store.close()
    assert event.subject == str(folder) and event.detail["statuses"] == len(STATUSES)


def test_fetch_from_a_server_that_is_not_mastodon_is_one_line(
    server: Server, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["fetch", "mastodon", server.base, "northwind", "-w", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
