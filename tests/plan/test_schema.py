"""The plan's JSON Schema: well formed for draft 2020-12, shipped as generated, and in step
with the loader (what the schema refuses, the loader refuses).

The structure is checked by hand and plans are validated by the small validator below, which
knows exactly the keywords the schema uses (any other keyword fails the structure test), so
these tests stand without `jsonschema`. Where it is installed, the metaschema check runs too,
and every validation here must agree with it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from outcomes.examples import EXAMPLES, example_text
from outcomes.plan import PlanError, load_plan_text
from outcomes.plan.schema import plan_schema, plan_schema_json

try:
    import jsonschema
except ModuleNotFoundError:  # a dev dependency; without it the hand validator stands alone
    jsonschema = None

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "schema" / "plan.schema.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

ANNOTATIONS = {"title", "description", "default", "$schema", "$defs", "examples"}
ASSERTIONS = {
    "$ref",
    "anyOf",
    "const",
    "enum",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "pattern",
    "minLength",
    "minItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "format",
    "not",
    "if",
    "then",
    "else",
}
TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"}


def plan_data(name: str) -> Any:
    """An example plan as JSON data (dates as ISO text), the way an editor sees the file."""
    return json.loads(json.dumps(yaml.safe_load(example_text(name)), default=str))


def subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every schema object in `schema`, itself included."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key in ("properties", "$defs"):
        for child in schema.get(key, {}).values():
            yield from subschemas(child)
    for child in schema.get("anyOf", []):
        yield from subschemas(child)
    for key in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from subschemas(schema.get(key))


def errors(instance: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "") -> list[str]:
    """Where `instance` breaks `schema`, for the keywords in ASSERTIONS."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return errors(instance, root["$defs"][name], root, at)
    if "anyOf" in schema:
        if all(errors(instance, option, root, at) for option in schema["anyOf"]):
            return [f"{at}: matches no option of anyOf"]
        return []
    found = []
    if "not" in schema and not errors(instance, schema["not"], root, at):
        found.append(f"{at}: matches what `not` forbids")
    if "if" in schema:
        branch = "else" if errors(instance, schema["if"], root, at) else "then"
        found += errors(instance, schema.get(branch, {}), root, at)
    if "const" in schema and instance != schema["const"]:
        found.append(f"{at}: is not {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        found.append(f"{at}: {instance!r} is not one of the enum")
    if "type" in schema and not _is_type(instance, schema["type"]):
        return [*found, f"{at}: is not of type {schema['type']}"]
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        found += [f"{at}: lacks {key}" for key in schema.get("required", []) if key not in instance]
        for key, value in instance.items():
            if key in properties:
                found += errors(value, properties[key], root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: has the unknown key {key!r}")
    if isinstance(instance, list) and len(instance) < schema.get("minItems", 0):
        found.append(f"{at}: has too few items")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            found += errors(item, schema["items"], root, f"{at}[{index}]")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            found.append(f"{at}: {instance!r} does not match {schema['pattern']}")
        if len(instance) < schema.get("minLength", 0):
            found.append(f"{at}: is too short")
        if schema.get("format") == "date" and not _is_date(instance):
            found.append(f"{at}: {instance!r} is not a date")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            found.append(f"{at}: is below the minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            found.append(f"{at}: is above the maximum")
        if "exclusiveMinimum" in schema and instance <= schema["exclusiveMinimum"]:
            found.append(f"{at}: is not above the exclusive minimum")
    return found


def _is_type(instance: Any, expected: str | list[str]) -> bool:
    if isinstance(expected, list):
        return any(_is_type(instance, one) for one in expected)
    checks = {
        "object": lambda value: isinstance(value, dict),
        "array": lambda value: isinstance(value, list),
        "string": lambda value: isinstance(value, str),
        "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": lambda value: isinstance(value, bool),
        "null": lambda value: value is None,
    }
    return bool(checks[expected](instance))


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


def schema_errors(instance: Any) -> list[str]:
    """What the hand validator finds; where jsonschema is installed, it must agree."""
    schema = plan_schema()
    found = errors(instance, schema, schema)
    if jsonschema is not None:
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
        theirs = [error.message for error in validator.iter_errors(instance)]
        assert bool(theirs) == bool(found), f"jsonschema found {theirs}, this test {found}"
    return found


# --- The schema itself --------------------------------------------------------------------


def test_the_schema_declares_draft_2020_12() -> None:
    schema = plan_schema()
    assert schema["$schema"] == DRAFT_2020_12
    assert schema["type"] == "object"
    assert schema["title"] == "outcomes plan"
    assert "definitions" not in schema, "draft 2020-12 keeps definitions under $defs"


def test_the_schema_is_well_formed_draft_2020_12() -> None:
    schema = plan_schema()
    for sub in subschemas(schema):
        unknown = set(sub) - ANNOTATIONS - ASSERTIONS
        assert not unknown, f"keywords this test does not know: {unknown} in {sub}"
        if "$ref" in sub:
            assert re.fullmatch(r"#/\$defs/\w+", sub["$ref"]), sub["$ref"]
            assert sub["$ref"].removeprefix("#/$defs/") in schema["$defs"], sub["$ref"]
        types = sub.get("type", [])
        assert set(types if isinstance(types, list) else [types]) <= TYPES, sub
        if "properties" in sub and "required" in sub:
            assert set(sub["required"]) <= set(sub["properties"]), sub
        if "items" in sub:
            assert isinstance(sub["items"], dict), "2020-12 `items` is one schema"
        if "enum" in sub:
            assert sub["enum"], sub
            assert len(sub["enum"]) == len({json.dumps(value) for value in sub["enum"]}), sub
        if "anyOf" in sub:
            assert isinstance(sub["anyOf"], list), sub
            assert sub["anyOf"], sub
        if "pattern" in sub:
            re.compile(sub["pattern"])
        for key in ("minimum", "maximum", "exclusiveMinimum"):
            if key in sub:
                assert isinstance(sub[key], int | float), sub
        assert isinstance(sub.get("additionalProperties", False), bool | dict), sub


def test_every_definition_is_used() -> None:
    schema = plan_schema()
    text = json.dumps({key: value for key, value in schema.items() if key != "$defs"})
    text += json.dumps(schema["$defs"])
    for name in schema["$defs"]:
        assert f'"#/$defs/{name}"' in text, f"$defs/{name} is never referred to"


@pytest.mark.skipif(jsonschema is None, reason="jsonschema is not installed")
def test_the_schema_is_valid_against_the_draft_2020_12_metaschema() -> None:
    jsonschema.Draft202012Validator.check_schema(plan_schema())


def test_the_shipped_schema_file_is_the_generated_schema() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == plan_schema_json(), (
        "schema/plan.schema.json is stale; run `outcomes schema -o schema/plan.schema.json`"
    )


def test_the_schema_json_is_stable_text_ending_in_a_newline() -> None:
    text = plan_schema_json()
    assert text.endswith("}\n")
    assert json.loads(text) == plan_schema()
    assert plan_schema_json() == text


def test_keys_use_the_names_written_in_plans() -> None:
    metric = plan_schema()["$defs"]["MetricDefinition"]
    assert "class" in metric["properties"]
    assert "class" in metric["required"]
    assert "metric_class" not in metric["properties"]


def test_every_mapping_refuses_unknown_keys() -> None:
    for sub in subschemas(plan_schema()):
        if sub.get("type") == "object":
            assert sub.get("additionalProperties") is False, sub.get("title")


# --- Plans against the schema -------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_are_valid(name: str) -> None:
    assert schema_errors(plan_data(name)) == []


@pytest.mark.skipif(jsonschema is None, reason="jsonschema is not installed")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_are_valid_for_jsonschema(name: str) -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(plan_data(name))


@pytest.mark.parametrize(
    ("accountable", "valid"),
    [
        ("sam", True),
        (["sam"], True),
        (["sam", "dana"], True),
        ([], True),
        (7, False),
        ({"id": "sam"}, False),
        ("Sam Okafor", False),
    ],
)
def test_accountable_is_one_id_or_a_list_of_ids(accountable: Any, valid: bool) -> None:
    data = plan_data("northwind")
    data["tactics"][0]["accountable"] = accountable
    assert (schema_errors(data) == []) is valid


def test_an_unknown_top_level_key_is_refused() -> None:
    data = plan_data("northwind")
    data["stratagies"] = data.pop("strategies")
    assert schema_errors(data) == [": lacks strategies", ": has the unknown key 'stratagies'"]


def test_an_unknown_key_in_a_benchmark_is_refused() -> None:
    data = plan_data("northwind")
    data["tactics"][0]["benchmarks"][0]["treshold"] = 0.5
    assert schema_errors(data) == [".tactics[0].benchmarks[0]: has the unknown key 'treshold'"]


BROKEN = [
    pytest.param(("goals", 0, "baseline"), "forty", id="text-for-a-number"),
    pytest.param(("goals", 0, "start"), "next week", id="not-a-date"),
    pytest.param(("goals", 0, "direction"), "upwards", id="unknown-direction"),
    pytest.param(("tactics", 0, "channel"), "twitter", id="unknown-channel"),
    pytest.param(("tactics", 0, "id"), "Tactic One", id="id-pattern"),
    pytest.param(("tactics", 0, "cadence", "count"), 0, id="cadence-not-positive"),
    pytest.param(("tactics", 0, "resources", "hours_per_week"), -1, id="negative-hours"),
    pytest.param(("people", 0, "hours_per_week"), 200, id="more-hours-than-a-week"),
    pytest.param(("people", 0, "executive"), "yes please", id="text-for-a-bool"),
    pytest.param(("organisation", "currency"), "euro", id="currency"),
    pytest.param(("organisation",), ["Northwind"], id="list-for-a-mapping"),
    pytest.param(("strategies", 0, "serves"), {"new-logos": 1}, id="mapping-for-a-list"),
    pytest.param(("version",), 2, id="version"),
    pytest.param(("metrics", 0, "unit"), "furlongs", id="unit"),
    pytest.param(("organisation", "business_hours"), {"days": []}, id="no-working-days"),
    pytest.param(("organisation", "business_hours"), {"open": "9am"}, id="clock-time"),
    pytest.param(("organisation", "business_hours"), {"days": ["monday"]}, id="weekday"),
    pytest.param(("organisation", "hourly_cost"), 1e13, id="money-beyond-a-trillion"),
    pytest.param(("tactics", 1, "resources", "budget"), True, id="truth-value-for-money"),
    pytest.param(("tactics", 0, "cadence", "count"), 2e6, id="cadence-beyond-a-million"),
    pytest.param(("tactics", 0, "cadence", "count"), 0.001, id="cadence-below-a-hundredth"),
    pytest.param(("goals", 0, "target"), -1e16, id="target-beyond-a-quadrillion"),
    pytest.param(("people", 8, "hours_per_week"), 2e6, id="team-beyond-a-million-hours"),
]


@pytest.mark.parametrize(("path", "value"), BROKEN)
def test_what_the_schema_refuses_the_loader_refuses(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(plan_data("northwind"))
    *parents, last = path
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    assert schema_errors(data), "the schema accepts it"
    with pytest.raises(PlanError):
        load_plan_text(yaml.safe_dump(data, sort_keys=False))


def test_the_plans_vocabularies_are_the_warehouses() -> None:
    """The plan names activity kinds and conversion types without importing the table
    contract (which needs PyArrow); the two lists must stay the same."""
    from typing import get_args

    from outcomes.plan.model import ActivityKind, ConversionType
    from outcomes.tables import ACTIVITY_KINDS, CONVERSION_TYPES

    assert get_args(ActivityKind) == ACTIVITY_KINDS
    assert get_args(ConversionType) == CONVERSION_TYPES
