"""Numbers a view cannot show, found once per view: null in its JSON, named on its page.

A stored row can hold a number no reader should see: a NaN or an infinity in a DOUBLE
column of the warehouse (`conversions.value`, `costs.amount`, `metric_snapshots.value`), or
a sum that grew absurd (`report.money.is_invalid`: beyond ±1e15). JSON has no NaN or
infinity, so the API writes every such number as `null` and lists where it was under
`invalid_values`, as paths into the response (`roi[2].revenue.value`). The page shows
"invalid value" in its place and names the same paths in a notice, so the two agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel

from outcomes.catalog.money import is_invalid
from outcomes.web.views import Views

FIELD: Final = "invalid_values"
"""The key, at the top of a JSON response, listing where its invalid numbers were."""


@dataclass(frozen=True)
class Checked:
    """A view's JSON with its invalid numbers nulled, and where they were."""

    body: bytes
    paths: tuple[str, ...]


def scrubbed(data: Any) -> tuple[Any, list[str]]:
    """`data` (JSON-like) with every invalid number replaced by None, and their paths."""
    found: list[str] = []
    return _scrub(data, "", found), found


def _scrub(value: Any, path: str, found: list[str]) -> Any:
    if is_invalid(value):
        found.append(path or "(the value)")
        return None
    if isinstance(value, dict):
        return {
            key: _scrub(item, f"{path}.{key}" if path else str(key), found)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, f"{path}[{index}]", found) for index, item in enumerate(value)]
    return value


def dumps(data: Any) -> tuple[bytes, list[str]]:
    """Valid JSON of `data` (invalid numbers as null, listed under `FIELD` in a mapping)."""
    clean, paths = scrubbed(data)
    if isinstance(clean, dict):
        clean[FIELD] = paths
    # allow_nan=False: should anything slip past the scrub, fail loudly, never emit NaN.
    body = json.dumps(clean, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return body.encode(), paths


def checked(views: Views, view: BaseModel) -> Checked:
    """`view`'s JSON and invalid paths, computed once per snapshot for the page and the API.

    Kept under the view's id with the view itself: every page view is kept by its
    snapshot (so the id is not reused while the entry lives), and the identity check
    covers one that is not.
    """
    kept = views.snapshot.memo(("checked", id(view)), lambda: (view, _check(view)))
    return kept[1] if kept[0] is view else _check(view)


def _check(view: BaseModel) -> Checked:
    body, paths = dumps(view.model_dump(mode="json"))
    return Checked(body, tuple(paths))
