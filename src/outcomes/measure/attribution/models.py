"""Model registry: `attribute(counts, model, **params)` by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

# Functions, not submodules: the package re-exports `markov` and `shapley` as functions,
# which shadows the submodule attributes of the same name.
from outcomes.measure.attribution import heuristics
from outcomes.measure.attribution.markov import markov
from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult
from outcomes.measure.attribution.shapley import shapley, shapley_ordered

Model = Callable[..., AttributionResult]

MODELS: Final[dict[str, Model]] = {
    "first_touch": heuristics.first_touch,
    "last_touch": heuristics.last_touch,
    "last_non_direct": heuristics.last_non_direct,
    "linear": heuristics.linear,
    "position_based": heuristics.position_based,
    "time_decay": heuristics.time_decay,
    "markov": markov,
    "shapley": shapley,
    "shapley_ordered": shapley_ordered,
}


def attribute(counts: PathCounts, model: str, **params: Any) -> AttributionResult:
    """Run the named model on `counts` with its keyword parameters.

    Models: first_touch, last_touch, last_non_direct (`direct`), linear (`per`),
    position_based (`first`, `last`), time_decay (`half_life`, in touches on aggregated
    paths), markov (`order`, `collapse_repeats`, `include_nulls`, `distribution`),
    shapley (`max_exact_channels`, `method` "exact" or "sampled", and for sampling
    `permutations`, `seed`, `antithetic`), shapley_ordered (none; credit by position in
    `extra`). An unknown model or parameter raises ValueError.
    """
    function = MODELS.get(model)
    if function is None:
        raise ValueError(f"unknown attribution model {model!r}; valid: {', '.join(MODELS)}")
    try:
        return function(counts, **params)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise ValueError(f"{model}: {exc}") from exc
        raise
