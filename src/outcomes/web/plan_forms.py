"""The plan editor's forms: which fields each kind of element has, read and written as text.

A form field is one key of an element (`cadence.count` names a key of a nested mapping).
What a field holds is read loosely — a number, a date, comma-separated ids — and the plan
loader judges the result, so its messages (with the file's line and column) are the
form's error messages. Fields the forms do not show (benchmarks, measurement, pilots,
scope) are kept as they are in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from outcomes.lint import Finding
from outcomes.plan import Problem
from outcomes.plan.edit import Value

FieldKind = Literal["text", "value", "ids", "flag", "long"]
"""text: a string; value: a number or a date; ids: a comma-separated list; flag: a
checkbox; long: a string in a text area."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: FieldKind = "text"
    hint: str = ""

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


_ID = Field("id", "Id", hint="letters, digits and - (cannot be changed later: others refer to it)")
FIELDS: Final[Mapping[str, tuple[Field, ...]]] = {
    "people": (
        _ID,
        Field("name", "Name"),
        Field("title", "Job title"),
        Field(
            "executive", "Executive", "flag", "an executive can sponsor goals and approve the plan"
        ),
        Field("function", "Function", hint="marketing, sales, service, executive, talent …"),
        Field("hours_per_week", "Hours per week", "value"),
        Field("members", "Members", "ids", "person ids: makes this entry a team"),
    ),
    "goals": (
        _ID,
        Field("title", "Title"),
        Field("metric", "Metric", hint="a business metric id, e.g. net_new_customers"),
        Field("direction", "Direction", hint="increase, decrease or maintain"),
        Field("baseline", "Baseline", "value"),
        Field("threshold", "Threshold", "value"),
        Field("target", "Target", "value"),
        Field("stretch", "Stretch", "value"),
        Field("start", "Start", "value", "YYYY-MM-DD"),
        Field("due", "Due", "value", "YYYY-MM-DD"),
        Field("sponsor", "Sponsor", hint="the executive (person id) who backs the goal"),
        Field("functions", "Functions", "ids"),
    ),
    "strategies": (
        _ID,
        Field("title", "Title"),
        Field("serves", "Serves goals", "ids"),
        Field("owner", "Owner", hint="person id"),
        Field("audience", "Audience"),
        Field("functions", "Functions", "ids"),
        Field("people", "People", "long", "the change in people: skills, time, roles"),
        Field("process", "Process", "long", "the change in process"),
        Field("technology", "Technology", "long", "the change in technology"),
    ),
    "tactics": (
        _ID,
        Field("title", "Title"),
        Field("serves", "Serves strategy", hint="strategy id"),
        Field("channel", "Channel", hint="linkedin, x, facebook, email, trade-show …"),
        Field("mode", "Mode", hint="publish, respond, outreach, advertise, event …"),
        Field("operators", "Operators (R)", "ids"),
        Field("accountable", "Accountable (A)", "ids", "one person"),
        Field("consulted", "Consulted (C)", "ids"),
        Field("informed", "Informed (I)", "ids"),
        Field("start", "Start", "value", "YYYY-MM-DD"),
        Field("end", "End", "value", "YYYY-MM-DD"),
        Field("cadence.count", "Cadence: count", "value"),
        Field("cadence.per", "Cadence: per", hint="day, week or month"),
        Field("resources.hours_per_week", "Hours per week", "value"),
        Field("resources.budget", "Budget", "value", "money for the whole period"),
    ),
}
KINDS: Final = {"people": "person", "goals": "goal", "strategies": "strategy", "tactics": "tactic"}


def form_values(section: str, element: Mapping[str, Any] | None) -> dict[str, str]:
    """The text each field of the form shows for `element` (a dumped plan element)."""
    values = {}
    for field in FIELDS[section]:
        value: Any = element
        for part in field.path:
            value = value.get(part) if isinstance(value, Mapping) else None
        values[field.key] = _shown(field, value)
    return values


def _shown(field: Field, value: Any) -> str:
    if value is None:
        return ""
    if field.kind == "flag":
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_form(section: str, form: Mapping[str, str], *, new: bool) -> dict[str, Value]:
    """The new value of each field from a POSTed form (the id only for a new element)."""
    values: dict[str, Value] = {}
    for field in FIELDS[section]:
        if field.key == "id" and not new:
            continue
        values[field.key] = parse(field, form.get(field.key, ""))
    return values


def parse(field: Field, text: str) -> Value:
    """A field's text as the value written to the plan; None (the key removed) when empty."""
    text = text.strip()
    if field.kind == "flag":
        return True if text else None
    if not text:
        return None
    if field.kind == "ids":
        return [part.strip() for part in text.split(",") if part.strip()]
    if field.kind == "value":
        return _number_or_date(text)
    return text


def _number_or_date(text: str) -> Value:
    """A number or a date when it reads as one; else the text, for the loader to refuse."""
    cleaned = text.replace("_", "")
    for read in (int, float):
        try:
            return read(cleaned)
        except ValueError:
            pass
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class Notes:
    """Load problems and lint findings, placed beside the field they are about."""

    by_field: dict[str, list[str]]
    general: list[str]

    @property
    def any(self) -> bool:
        return bool(self.by_field or self.general)


def place(
    section: str,
    index: int,
    problems: Sequence[Problem] = (),
    findings: Sequence[Finding] = (),
) -> Notes:
    """Each problem or finding beside its field when it is about this element's field."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for path, text in _notes(problems, findings):
        key = _field_of(section, index, path)
        if key is None:
            general.append(text)
        else:
            by_field.setdefault(key, []).append(text)
    return Notes(by_field, general)


def _notes(
    problems: Sequence[Problem], findings: Sequence[Finding]
) -> list[tuple[tuple[str | int, ...], str]]:
    found = [(tuple(p.path), f"{p.location}: {p.message}") for p in problems]
    for finding in findings:
        text = (
            f"{finding.location}: {finding.rule.name} ({finding.severity.value}): {finding.message}"
        )
        if finding.fix:
            text += f" — {finding.fix}"
        found.append((tuple(finding.path), text))
    return found


def _field_of(section: str, index: int, path: tuple[str | int, ...]) -> str | None:
    if len(path) < 3 or path[0] != section or path[1] != index:
        return None
    rest = tuple(str(part) for part in path[2:])
    for field in FIELDS[section]:
        if rest[: len(field.path)] == field.path:
            return field.key
    return next((f.key for f in FIELDS[section] if f.path[0] == rest[0]), None)
