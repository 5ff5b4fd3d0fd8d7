"""The plan file: models, loading with line numbers, and validation."""

from outcomes.plan.errors import PlanError, Problem
from outcomes.plan.load import LoadedPlan, load_plan, load_plan_text
from outcomes.plan.model import (
    Benchmark,
    Goal,
    IgnoreEntry,
    Measurement,
    MetricDefinition,
    Person,
    Plan,
    Resources,
    Strategy,
    Tactic,
)
from outcomes.plan.source import Mark

__all__ = [
    "Benchmark",
    "Goal",
    "IgnoreEntry",
    "LoadedPlan",
    "Mark",
    "Measurement",
    "MetricDefinition",
    "Person",
    "Plan",
    "PlanError",
    "Problem",
    "Resources",
    "Strategy",
    "Tactic",
    "load_plan",
    "load_plan_text",
]
