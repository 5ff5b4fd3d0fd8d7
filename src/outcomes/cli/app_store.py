"""The app's store (`outcomes.web.store`) as commands open it: its errors as one line, exit 2."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.cli.common import fail

if TYPE_CHECKING:
    from outcomes.web.store import Store


@contextmanager
def opened(workspace: Path) -> Iterator[Store]:
    """The workspace's store (`.outcomes/app.db` or `$OUTCOMES_DATABASE_URL`), closed after."""
    from outcomes.web.store import ENV_URL, Store, StoreError

    if not workspace.is_dir() and not os.environ.get(ENV_URL):
        fail(f"{workspace}: no such workspace folder (give it with -w DIR)")
    try:
        store = Store.for_workspace(workspace)
    except StoreError as exc:
        fail(str(exc))
    try:
        yield store
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
