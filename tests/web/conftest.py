"""The dashboard on a real server: the demo company, uvicorn on a free loopback port, httpx.

`serve(app)` runs any app built by `create_app` on 127.0.0.1 in a thread and yields a
`Served` with its base URL and an httpx client; the server stops when the block ends.
The demo workspace is copied once per session from the demo cache (tests/demo_cache.py)
and never changed: tests that change a workspace copy it first.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from outcomes.briefing.build import BriefingOptions
from outcomes.web import create_app
from outcomes.web.context import Dashboard
from outcomes.web.server import listen
from tests.demo_cache import DemoCache

# Fewer bootstrap replicates than the default: the same code, measured faster.
OPTIONS = BriefingOptions(sources=("ga4",), lookback_days=None, bootstrap=50)
READY_TIMEOUT = 240.0
"""Seconds a dashboard may take to measure first: generous, the machine may be busy."""


@dataclass
class Served:
    """An app running on a real server."""

    app: FastAPI
    base_url: str
    client: httpx.Client

    @property
    def dashboard(self) -> Dashboard:
        found = self.app.state.dashboard
        assert isinstance(found, Dashboard)
        return found

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def json(self, path: str) -> Any:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()

    def wait_ready(self) -> None:
        assert self.dashboard.state.wait_ready(READY_TIMEOUT), self.json("/api/status")

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> dict[str, Any]:
        """Poll /api/status until `predicate(status)` holds; the last status."""
        deadline = time.monotonic() + timeout
        while True:
            status: dict[str, Any] = self.json("/api/status")
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting; last status {status}")
            time.sleep(0.2)


@contextmanager
def serve(app: FastAPI, *, lifespan: str = "on") -> Iterator[Served]:
    """Run `app` with uvicorn on a free loopback port until the block ends."""
    listener = listen("127.0.0.1", 0)
    port = listener.getsockname()[1]
    # As `outcomes serve`: X-Forwarded-* are the app's to believe (web.auth), not uvicorn's.
    config = uvicorn.Config(
        app, log_level="warning", ws="none", lifespan=lifespan, proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            yield Served(app, base_url, client)
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


@pytest.fixture(scope="session")
def demo_workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Northwind demo at a tenth of its size, exports ingested. Read it; never change it."""
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("web") / "northwind").workspace


def copy_workspace(source: Path, target: Path) -> Path:
    """A copy of a workspace to change, without the source's measurement cache."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("cache"))
    return target


@contextmanager
def serve_copy(source: Path, folder: Path) -> Iterator[Served]:
    """The dashboard of a copy of the workspace `source` (in `folder`), measured and ready."""
    workspace = copy_workspace(source, folder / "ws")
    with serve(create_app(workspace, options=OPTIONS)) as running:
        running.wait_ready()
        yield running


@pytest.fixture(scope="session")
def served(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The dashboard of the demo workspace, measured and ready."""
    with serve_copy(demo_workspace, tmp_path_factory.mktemp("served")) as running:
        yield running


class Page(HTMLParser):
    """What the tests read from a page: links, sources, and elements by data-testid."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.sources: list[str] = []
        self.testids: dict[str, dict[str, str]] = {}
        self._open: list[tuple[str, str]] = []
        self.text: dict[str, str] = {}
        self._all: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "href" in values:
            self.links.append(values["href"])
        for name in ("src", "action", "xlink:href"):
            if name in values:
                self.sources.append(values[name])
        if "data-testid" in values:
            testid = values["data-testid"]
            self.testids[testid] = values
            self.text[testid] = ""
            if tag not in _VOID:
                self._open.append((tag, testid))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        self._all.append(data)
        for _, testid in self._open:
            self.text[testid] += data

    @property
    def text_all(self) -> str:
        """The page's whole text."""
        return "".join(self._all)

    def value(self, testid: str) -> float | None:
        """The raw number a page element carries in `data-value` (None when empty)."""
        raw = self.testids[testid]["data-value"]
        return float(raw) if raw else None

    def shown(self, testid: str) -> str:
        """The element's text, whitespace collapsed."""
        return re.sub(r"\s+", " ", self.text[testid]).strip()


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@pytest.fixture(autouse=True)
def _close_team_browsers(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that signed in through the module's `team` (`test_team.serve_team`),
    its browsers are closed, so that no session leaks into the next test."""
    yield
    if "team" in request.fixturenames:
        request.getfixturevalue("team").close_clients()
