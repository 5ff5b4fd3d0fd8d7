"""Model comparison: how much each model credits each channel (or tactic).

Models disagree because they answer different questions (who opened the journey, who
closed it, who was indispensable), and the disagreement is information: a tactic that
last touch loves and Markov does not is harvesting demand others created. `compare`
runs several models on the same `PathCounts` and lines their credit up per channel,
with each model's share of the total so that models are comparable at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from outcomes.measure.attribution.models import attribute
from outcomes.measure.attribution.paths import PathCounts
from outcomes.measure.attribution.result import AttributionResult, records_frame, records_table

if TYPE_CHECKING:
    import pyarrow as pa

COMPARED_MODELS: Final = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "position_based",
    "time_decay",
    "markov",
    "shapley",
)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Results of several models on the same journeys."""

    results: tuple[AttributionResult, ...]

    @property
    def models(self) -> tuple[str, ...]:
        """The models, in the order they were run."""
        return tuple(r.model for r in self.results)

    @property
    def channels(self) -> tuple[str, ...]:
        """Every channel any model credits, by the first model's credit, largest first."""
        first = self.results[0].as_dict("value") if self.results else {}
        names = {c.channel for r in self.results for c in r.channels}
        return tuple(sorted(names, key=lambda n: (-first.get(n, 0.0), n)))

    def table(self, what: str = "value") -> dict[str, dict[str, float]]:
        """`{channel: {model: credit}}` of `value` or `conversions`."""
        per_model = {r.model: r.as_dict(what) for r in self.results}
        return {ch: {m: per_model[m].get(ch, 0.0) for m in self.models} for ch in self.channels}

    def shares(self, what: str = "value") -> dict[str, dict[str, float]]:
        """`{channel: {model: share of that model's total}}` (0 when the total is 0)."""
        table = self.table(what)
        totals = {m: sum(row[m] for row in table.values()) for m in self.models}
        return {
            ch: {m: row[m] / totals[m] if totals[m] else 0.0 for m in self.models}
            for ch, row in table.items()
        }

    def to_arrow(self) -> pa.Table:
        """`to_records` as an Arrow table."""
        return records_table(self.to_records())

    def to_pandas(self) -> Any:
        """`to_records` as a pandas DataFrame (needs pandas installed)."""
        return records_frame(self.to_records())

    def to_json(self) -> dict[str, Any]:
        """The JSON of `outcomes attribute --compare --format json`."""
        return {
            "models": [{"model": r.model, "params": dict(r.params)} for r in self.results],
            "rows": self.to_records(),
        }

    def to_records(self) -> list[dict[str, Any]]:
        """Long form: one record per channel and model with credit and shares."""
        conversions, value = self.table("conversions"), self.table("value")
        conv_share, value_share = self.shares("conversions"), self.shares("value")
        return [
            {
                "channel": ch,
                "model": m,
                "conversions": conversions[ch][m],
                "value": value[ch][m],
                "conversion_share": conv_share[ch][m],
                "value_share": value_share[ch][m],
            }
            for ch in self.channels
            for m in self.models
        ]


def compare(
    counts: PathCounts,
    models: Sequence[str] = COMPARED_MODELS,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> Comparison:
    """Run each model on `counts` (with its parameters from `params`) and line them up."""
    if not models:
        raise ValueError("models is empty: name at least one attribution model")
    return Comparison(
        tuple(attribute(counts, m, **dict((params or {}).get(m, {}))) for m in models)
    )
