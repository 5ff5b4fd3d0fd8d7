"""Attribution engine: credit for conversions and their value, per channel.

Models work on `PathCounts` (distinct paths as channel-index tuples with conversion,
value and null counts), built from rows (`PathCounts.from_rows`: those of an aggregated
paths file, as its connector reads them) or from journeys in the warehouse
(`journeys.paths_from_warehouse`). Every model returns an `AttributionResult` carrying
the parameters it used.

    counts = PathCounts.from_rows(read_path_rows("paths.csv"))  # outcomes.sources.paths
    result = attribute(counts, "markov", order=2)
    result.to_records()
"""

from outcomes.measure.attribution.heuristics import (
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
)
from outcomes.measure.attribution.markov import markov
from outcomes.measure.attribution.models import MODELS, attribute
from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult, ChannelCredit
from outcomes.measure.attribution.shapley import shapley, shapley_from_values

__all__ = [
    "MODELS",
    "AttributionResult",
    "ChannelCredit",
    "PathCounts",
    "attribute",
    "first_touch",
    "last_non_direct",
    "last_touch",
    "linear",
    "markov",
    "position_based",
    "shapley",
    "shapley_from_values",
    "time_decay",
]
