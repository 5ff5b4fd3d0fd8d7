"""The plan's JSON Schema, for editors (completion, hover docs) and other tools."""

from __future__ import annotations

import functools
import json
from typing import Any

from outcomes.plan.model import Plan


def plan_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the plan file, generated from the models."""
    return Plan.model_json_schema(by_alias=True, mode="validation")


# Generating it takes 40 ms, and every `init_workspace` writes it: the text is built once
# per process (the models cannot change while it runs).
@functools.cache
def plan_schema_json() -> str:
    """The schema as stable, pretty-printed JSON text ending in a newline."""
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
