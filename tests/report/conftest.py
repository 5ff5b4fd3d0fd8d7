"""A real headless Chromium for the browser tests, or a clear skip where there is none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
