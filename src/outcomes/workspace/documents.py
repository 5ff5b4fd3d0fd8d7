"""The JSON documents the face answers with, and how any of them is written as JSON.

A document is a frozen pydantic model: the CLI's `--format json` and the API's response
are its one serialisation (`dumps`), so the two cannot word a number differently.

A stored row can hold a number no reader should see: a NaN or an infinity in a DOUBLE
column of the warehouse (`conversions.value`, `costs.amount`, `metric_snapshots.value`), or
a sum that grew absurd (`catalog.money.is_invalid`: beyond ±1e15). JSON has no NaN or
infinity, so every such number is written `null` and its path listed under
`invalid_values` (`roi[2].revenue.value`): a client must not mistake it for a missing value.
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from outcomes.catalog.money import is_invalid

FIELD: Final = "invalid_values"
"""The key, at the top of a JSON document, listing where its invalid numbers were."""


class View(BaseModel):
    """A part of a document: frozen, so a kept document cannot change under its readers."""

    model_config = ConfigDict(frozen=True)


class PageView(View):
    """A whole document: the JSON twin of one dashboard page."""

    invalid_values: list[str] = Field(
        default_factory=list,
        description=(
            "Where this response holds a stored number that cannot be shown (NaN, infinity, "
            "or beyond ±1e15), as paths such as `roi[2].revenue.value`; each is null here "
            'and reads "invalid value" on the page.'
        ),
    )


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


def dumps(data: Any, *, indent: int | None = None) -> tuple[bytes, list[str]]:
    """Valid JSON of `data` (invalid numbers as null, listed under `FIELD` in a mapping).

    Compact by default, as the API sends it; `indent` for a person reading a terminal.
    """
    clean, paths = scrubbed(data)
    if isinstance(clean, dict):
        clean[FIELD] = paths
    separators = (",", ":") if indent is None else (",", ": ")
    # allow_nan=False: should anything slip past the scrub, fail loudly, never emit NaN.
    body = json.dumps(
        clean, allow_nan=False, ensure_ascii=False, separators=separators, indent=indent
    )
    return body.encode(), paths


def document_json(document: BaseModel, *, indent: int | None = None) -> tuple[bytes, list[str]]:
    """A document's JSON and the paths of its invalid numbers."""
    return dumps(document.model_dump(mode="json"), indent=indent)
