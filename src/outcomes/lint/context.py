"""Indexes over a plan that the lint rules share, built once per check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from outcomes.catalog import BUILTIN_METRICS, MetricSpec
from outcomes.plan import Goal, LoadedPlan, Person, Plan, Strategy, Tactic
from outcomes.plan.source import Path_


@dataclass
class LintContext:
    """The plan under check, with lookups by id and the links between its elements."""

    loaded: LoadedPlan
    paths: dict[str, Path_] = field(init=False)

    def __post_init__(self) -> None:
        self.paths = {}
        plan = self.plan
        for key, ids in (
            ("people", [p.id for p in plan.people]),
            ("metrics", [m.id for m in plan.metrics]),
            ("goals", [g.id for g in plan.goals]),
            ("strategies", [s.id for s in plan.strategies]),
            ("tactics", [t.id for t in plan.tactics]),
        ):
            for index, element_id in enumerate(ids):
                self.paths[element_id] = (key, index)

    @property
    def plan(self) -> Plan:
        """The validated plan."""
        return self.loaded.plan

    def path(self, element_id: str, *fields: str | int) -> Path_:
        """Source path of an element, or of one of its fields."""
        return (*self.paths[element_id], *fields)

    def field_path(self, element_id: str, name: str) -> Path_:
        """Path of a field if the file spells it out, else of the element itself."""
        candidate = self.path(element_id, name)
        if candidate in self.loaded.source_map.values:
            return candidate
        return self.path(element_id)

    @cached_property
    def people(self) -> dict[str, Person]:
        """People and teams by id."""
        return {p.id: p for p in self.plan.people}

    @cached_property
    def goals(self) -> dict[str, Goal]:
        """Goals by id."""
        return {g.id: g for g in self.plan.goals}

    @cached_property
    def strategies(self) -> dict[str, Strategy]:
        """Strategies by id."""
        return {s.id: s for s in self.plan.strategies}

    @cached_property
    def metrics(self) -> dict[str, MetricSpec]:
        """Built-in metrics and the plan's own, by id."""
        merged = dict(BUILTIN_METRICS)
        for m in self.plan.metrics:
            merged[m.id] = MetricSpec(m.id, m.name, m.metric_class, m.unit, m.direction)
        return merged

    @cached_property
    def tactics_by_strategy(self) -> dict[str, list[Tactic]]:
        """Tactics grouped by the strategy they serve."""
        grouped: dict[str, list[Tactic]] = defaultdict(list)
        for tactic in self.plan.tactics:
            if tactic.serves is not None:
                grouped[tactic.serves].append(tactic)
        return grouped

    @cached_property
    def strategies_by_goal(self) -> dict[str, list[Strategy]]:
        """Strategies grouped by each goal they serve."""
        grouped: dict[str, list[Strategy]] = defaultdict(list)
        for strategy in self.plan.strategies:
            for goal_id in strategy.serves:
                grouped[goal_id].append(strategy)
        return grouped

    def goals_of(self, tactic: Tactic) -> list[Goal]:
        """The goals a tactic serves through its strategy."""
        strategy = self.strategies.get(tactic.serves or "")
        if strategy is None:
            return []
        return [self.goals[g] for g in strategy.serves if g in self.goals]

    def name_of(self, person_id: str) -> str:
        """A person's display name, for messages."""
        person = self.people.get(person_id)
        return person.name if person else person_id


def weeks_between(start: dt.date, end: dt.date) -> float:
    """Length of an inclusive date range in weeks."""
    return ((end - start).days + 1) / 7
