"""Load a plan file: parse, validate shape, check references; collect every problem first."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from outcomes.catalog.channels import CHANNEL_BY_ALIAS
from outcomes.plan.errors import PlanError, Problem
from outcomes.plan.model import Plan
from outcomes.plan.references import check_references
from outcomes.plan.source import (
    Mark,
    Path_,
    SourceDocument,
    SourceMap,
    parse_plan_text,
    read_plan_text,
)


@dataclass(frozen=True)
class LoadedPlan:
    """A valid plan with the file it came from and where each element stands in it."""

    file: str
    plan: Plan
    source_map: SourceMap

    def mark(self, path: Path_) -> Mark:
        """Line and column of the value at `path` (or its nearest parent)."""
        return self.source_map.value(path)

    def key_mark(self, path: Path_) -> Mark:
        """Line and column of the key that introduces `path`."""
        return self.source_map.key(path)


def load_plan(path: str | Path, *, display_name: str | None = None) -> LoadedPlan:
    """Read and validate a plan file.

    Raises :class:`PlanError` holding every problem found (syntax, shape, types, unknown
    keys, duplicate ids, dangling references, bad dates), each with file, line and column.
    """
    document = read_plan_text(Path(path), display_name)
    return _validate(document)


def load_plan_text(text: str | bytes, file: str = "plan.yaml") -> LoadedPlan:
    """Validate plan text held in memory; `file` is the name used in messages."""
    # A lone surrogate cannot be encoded; keep it so that decoding reports where it is.
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _validate(parse_plan_text(raw, file))


def _validate(document: SourceDocument) -> LoadedPlan:
    if not isinstance(document.data, dict):
        raise PlanError.single(
            document.file,
            document.source_map.value(()),
            "a plan is a mapping of keys (version, organisation, people, goals, …), "
            f"not a {_kind(document.data)}",
        )
    try:
        plan = Plan.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem(document, error) for error in errors]
        problems += _references_despite(document, errors)
        raise PlanError(_dedupe(problems)) from None
    problems = list(check_references(plan, document.file, document.source_map))
    if problems:
        raise PlanError(problems)
    return LoadedPlan(document.file, plan, document.source_map)


_ELEMENT_LISTS = ("people", "metrics", "goals", "strategies", "tactics", "ignore")
_KIND_OF_LIST = {
    "people": "person",
    "metrics": "metric",
    "goals": "goal",
    "strategies": "strategy",
    "tactics": "tactic",
}


def _references_despite(document: SourceDocument, errors: list[ErrorDetails]) -> list[Problem]:
    """Reference problems among the well-formed elements, so one run reports both kinds.

    The elements with shape errors are left out (their ids may still be referred to); a
    broken top-level value gets a neutral stand-in. When the rest still cannot be read as a
    plan, the shape problems stand alone.
    """
    data: dict[str, Any] = dict(document.data)
    broken: dict[str, set[int]] = {}
    for error in errors:
        loc = error["loc"]
        if len(loc) >= 2 and loc[0] in _ELEMENT_LISTS and isinstance(loc[1], int):
            broken.setdefault(str(loc[0]), set()).add(loc[1])
        elif loc and loc[0] == "organisation":
            data["organisation"] = {"name": "-", "currency": "EUR"}
    data["version"] = 1
    index_map: dict[str, list[int]] = {}
    uncertain: set[str] = set()
    for name in _ELEMENT_LISTS:
        items = data.get(name)
        if not isinstance(items, list):
            data[name] = []
            uncertain.add(_KIND_OF_LIST.get(name, name))
            continue
        keep = [i for i in range(len(items)) if i not in broken.get(name, set())]
        if len(keep) < len(items):
            uncertain.add(_KIND_OF_LIST.get(name, name))
        data[name] = [items[i] for i in keep]
        index_map[name] = keep
    try:
        partial = Plan.model_validate(data)
    except ValidationError:
        return []
    return list(
        check_references(
            partial,
            document.file,
            document.source_map,
            index_map=index_map,
            uncertain=frozenset(uncertain),
        )
    )


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[str] = set()
    unique = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            unique.append(problem)
    return unique


def _problem(document: SourceDocument, error: ErrorDetails) -> Problem:
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    smap = document.source_map
    if kind == "missing":
        return Problem(
            document.file, smap.value(loc[:-1]), f"missing required key '{loc[-1]}'", loc[:-1]
        )
    if kind == "extra_forbidden":
        return Problem(document.file, smap.key(loc), _unknown_key(loc), loc)
    return Problem(document.file, smap.value(loc), _message(error, loc), loc)


def _unknown_key(loc: Path_) -> str:
    key = str(loc[-1])
    allowed = _allowed_keys(loc[:-1])
    message = f"unknown key '{key}'"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    if allowed:
        return f"{message}; expected one of: {', '.join(allowed)}"
    return message


_TYPE_WORDS = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
    "date_type": "a date (YYYY-MM-DD)",
}


def _message(error: ErrorDetails, loc: Path_) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
    if kind == "string_type" and isinstance(value, bool):
        return (
            f"expected text, got {_show(value)}; YAML reads a bare yes, no, on, off, true or "
            "false as true or false, so put the text in quotes"
        )
    if kind == "string_type" and isinstance(value, int | float | dt.date):
        read_as = "a date" if isinstance(value, dt.date) else "a number"
        return f"expected text, got {_show(value)}; YAML reads it as {read_as}, so put it in quotes"
    if _beyond_any_float(value):
        return f"{_show(value)} is out of range: far larger than any number a plan holds"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_show(value)}"
    if kind == "literal_error":
        # `expected` reads "'a', 'b' or 'c'" for text choices and "1" for a number.
        expected = str(ctx.get("expected", ""))
        choices = [choice.strip("'") for choice in re.split(r", | or ", expected) if choice]
        return _unknown_choice(field, value, choices)
    if kind == "string_pattern_mismatch":
        if field in _CLOCK_FIELDS:
            return f'{_show(value)} is not a time of day; write it as "HH:MM" (24-hour)'
        if field == "currency":
            return f"{_show(value)} is not an ISO 4217 currency code such as EUR or USD"
        return (
            f"{_show(value)} is not a valid id; use lower-case letters, digits, '-' and '_', "
            "starting with a letter"
        )
    if kind.startswith("date_") or kind == "datetime_from_date_parsing":
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"{_show(value)} is not a day in the calendar; check the month and the day"
        return f"{_show(value)} is not a valid date; write it as YYYY-MM-DD"
    if kind == "finite_number":
        return "expected a finite number"
    if kind in _BOUNDS:
        return _out_of_range(kind, value, ctx)
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":  # our own validators already word the message for people
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{error['msg']} (got {_show(value)})"


_CLOCK_FIELDS = frozenset({"open", "close"})
# Each bound's error type: the key of its limit in the error's context, and its words.
_BOUNDS = {
    "greater_than_equal": ("ge", "greater than or equal to"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "less than or equal to"),
    "less_than": ("lt", "less than"),
}


def _out_of_range(kind: str, value: object, ctx: dict[str, Any]) -> str:
    key, words = _BOUNDS[kind]
    limit = ctx.get(key)
    # YAML 1.1 reads `1e308` (no dot) as text, which pydantic then reads as a number; show
    # it as the plan writes it, not quoted as if it were text.
    shown = value if isinstance(value, str) and len(value) <= 60 else _show(value)
    return f"{shown} is out of range: input should be {words} {_show_limit(limit)}"


def _show_limit(limit: object) -> str:
    """A bound as people read it: 1,000,000,000,000 rather than 1000000000000.0 or 1e+12."""
    if isinstance(limit, int | float) and float(limit).is_integer():
        return f"{int(limit):,}"
    return str(limit)


def _beyond_any_float(value: object) -> bool:
    """An integer too large for a float: YAML reads any run of digits as an integer."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    try:
        float(value)
    except OverflowError:
        return True
    return False


def _unknown_choice(field: str, value: object, choices: list[str]) -> str:
    noun = {"class": "metric class", "per": "period", "sources": "source"}.get(field, field)
    shown = _show(value)
    if not isinstance(value, str):
        return f"expected one of: {', '.join(choices)}; got {shown}"
    if value in choices:  # the choice is a number written as text
        return f"expected {value} as a number, without quotes; got {shown}"
    alias = CHANNEL_BY_ALIAS.get(value.casefold()) if field == "channel" else None
    close = [alias] if alias else difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    if close:
        return f"unknown {noun} {shown} (did you mean '{close[0]}'?)"
    return f"unknown {noun} {shown}; expected one of: {', '.join(choices)}"


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    return "single value"


def _allowed_keys(loc: Path_) -> list[str]:
    """Keys allowed at `loc`, found by walking the model along the error location."""
    annotation: Any = Plan
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            annotation = args[0] if args else Any
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = _field_by_alias(annotation, part)
            annotation = field.annotation if field else Any
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _field_by_alias(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional, so that what remains is a model or a list type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0]
        else:
            return annotation
