"""Attribution engine: credit for conversions and their value, per channel.

Models work on `PathCounts` (distinct paths as channel-index tuples with conversion,
value and null counts), built from an aggregated paths file (`PathCounts.read`), rows
(`PathCounts.from_rows`) or, later, journeys from the warehouse. Every model returns an
`AttributionResult` carrying the parameters it used.

    counts = PathCounts.read("paths.csv")
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
from outcomes.measure.attribution.paths import PathCounts, PathsFileError
from outcomes.measure.attribution.result import AttributionResult, ChannelCredit
from outcomes.measure.attribution.shapley import shapley, shapley_from_values

__all__ = [
    "MODELS",
    "AttributionResult",
    "ChannelCredit",
    "PathCounts",
    "PathsFileError",
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
