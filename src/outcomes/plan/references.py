"""Checks that need the whole plan: unique ids, references of the right kind, dates, cycles."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from outcomes.catalog import BUILTIN_METRICS
from outcomes.plan.errors import Problem
from outcomes.plan.model import Plan
from outcomes.plan.source import Path_, SourceMap

WHOLE_PLAN_ID = "plan"
"""The id an `ignore:` entry uses for findings about the plan as a whole."""

Kind = Literal["person", "goal", "strategy", "tactic", "metric"]
_KIND_LIST: dict[Kind, str] = {
    "person": "people",
    "goal": "goals",
    "strategy": "strategies",
    "tactic": "tactics",
    "metric": "metrics",
}


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


@dataclass
class _Checker:
    plan: Plan
    file: str
    smap: SourceMap
    index_map: Mapping[str, Sequence[int]] = field(default_factory=dict)
    uncertain: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.kind_of: dict[str, Kind] = {}
        self.problems: list[Problem] = []

    def where(self, path: Path_) -> Path_:
        """The path in the file: elements left out of a partial plan shift list indexes."""
        if len(path) > 1 and isinstance(path[1], int) and path[0] in self.index_map:
            return (path[0], self.index_map[str(path[0])][path[1]], *path[2:])
        return path

    def fail(self, path: Path_, message: str) -> None:
        path = self.where(path)
        self.problems.append(Problem(self.file, self.smap.value(path), message, path))

    def register_ids(self) -> None:
        first: dict[str, Path_] = {}
        for kind, items in self._elements():
            for index, item in enumerate(items):
                path = (_KIND_LIST[kind], index, "id")
                if kind == "metric" and item.id in BUILTIN_METRICS:
                    self.fail(
                        path, f"metric '{item.id}' is built in; give the new metric another id"
                    )
                    continue
                if item.id in first:
                    line = self.smap.value(self.where(first[item.id])).line
                    self.fail(
                        path,
                        f"duplicate id '{item.id}' (first used at line {line}); ids are unique across the plan",
                    )
                    continue
                first[item.id] = path
                self.kind_of[item.id] = kind

    def _elements(self) -> Iterator[tuple[Kind, Sequence[_HasId]]]:
        yield "person", self.plan.people
        yield "metric", self.plan.metrics
        yield "goal", self.plan.goals
        yield "strategy", self.plan.strategies
        yield "tactic", self.plan.tactics

    def ref(self, path: Path_, value: str, want: Kind) -> None:
        """Check that `value` names an element of kind `want`."""
        if want == "metric" and value in BUILTIN_METRICS:
            return
        if want in self.uncertain and value not in self.kind_of:
            return  # an element of this kind could not be read; it may be the one named
        kind = self.kind_of.get(value)
        if kind == want:
            return
        if kind is not None:
            self.fail(path, f"'{value}' is a {kind}, not a {want}")
            return
        names = [k for k, v in self.kind_of.items() if v == want]
        if want == "metric":
            names += list(BUILTIN_METRICS)
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.fail(path, f"no {want} '{value}'{hint}")

    def refs(self, path: Path_, values: Sequence[str], want: Kind) -> None:
        for index, value in enumerate(values):
            self.ref((*path, index), value, want)


def check_references(
    plan: Plan,
    file: str,
    smap: SourceMap,
    *,
    index_map: Mapping[str, Sequence[int]] | None = None,
    uncertain: frozenset[str] = frozenset(),
) -> Iterator[Problem]:
    """Every problem with ids, references, dates and team membership in a shape-valid plan.

    For a plan built from the well-formed part of a file, `index_map` gives each list's
    original indexes and `uncertain` the kinds (person, goal, …) of which an element was
    left out: a reference to an unknown id of such a kind is not reported, since the element
    that could not be read may be the one it names.
    """
    checker = _Checker(plan, file, smap, index_map or {}, uncertain)
    checker.register_ids()
    _people(checker)
    _goals(checker)
    _strategies(checker)
    _tactics(checker)
    for index, entry in enumerate(plan.ignore):
        if entry.id not in checker.kind_of and entry.id != WHOLE_PLAN_ID and not uncertain:
            close = difflib.get_close_matches(
                entry.id, [*checker.kind_of, WHOLE_PLAN_ID], n=1, cutoff=0.6
            )
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else f"; use '{WHOLE_PLAN_ID}' for the plan as a whole"
            )
            checker.fail(("ignore", index, "id"), f"no element '{entry.id}' in the plan{hint}")
    yield from checker.problems


def _people(checker: _Checker) -> None:
    members: dict[str, list[str]] = {}
    for index, person in enumerate(checker.plan.people):
        if person.members is not None:
            checker.refs(("people", index, "members"), person.members, "person")
            members[person.id] = list(person.members)
    for index, person in enumerate(checker.plan.people):
        cycle = _cycle_from(person.id, members)
        if cycle and cycle[0] == person.id:
            checker.fail(
                ("people", index, "members"),
                f"team membership goes round in a circle: {' → '.join(cycle)}",
            )


def _cycle_from(start: str, members: dict[str, list[str]]) -> list[str] | None:
    """The first membership cycle reachable from `start`, as a path that ends where it began."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for member in members.get(node, []):
            if member == start:
                return [*trail, member]
            if member not in seen:
                seen.add(member)
                stack.append((member, [*trail, member]))
    return None


def _goals(checker: _Checker) -> None:
    for index, goal in enumerate(checker.plan.goals):
        checker.ref(("goals", index, "metric"), goal.metric, "metric")
        if goal.sponsor is not None:
            checker.ref(("goals", index, "sponsor"), goal.sponsor, "person")
        if goal.due < goal.start:
            checker.fail(
                ("goals", index, "due"), f"due date {goal.due} is before the start {goal.start}"
            )


def _strategies(checker: _Checker) -> None:
    for index, strategy in enumerate(checker.plan.strategies):
        checker.refs(("strategies", index, "serves"), strategy.serves, "goal")
        checker.ref(("strategies", index, "owner"), strategy.owner, "person")


def _tactics(checker: _Checker) -> None:
    for index, tactic in enumerate(checker.plan.tactics):
        at: Path_ = ("tactics", index)
        if tactic.serves is not None:
            checker.ref((*at, "serves"), tactic.serves, "strategy")
        for role in ("operators", "accountable", "consulted", "informed"):
            checker.refs((*at, role), getattr(tactic, role), "person")
        if tactic.end < tactic.start:
            checker.fail((*at, "end"), f"end date {tactic.end} is before the start {tactic.start}")
        for b_index, benchmark in enumerate(tactic.benchmarks):
            checker.ref((*at, "benchmarks", b_index, "metric"), benchmark.metric, "metric")
        if tactic.measurement and tactic.measurement.match:
            checker.refs(
                (*at, "measurement", "match", "operators"),
                tactic.measurement.match.operators,
                "person",
            )
        if tactic.pilot:
            checker.refs((*at, "pilot", "group"), tactic.pilot.group, "person")
            checker.refs((*at, "pilot", "control"), tactic.pilot.control, "person")
            checker.ref((*at, "pilot", "metric"), tactic.pilot.metric, "metric")
