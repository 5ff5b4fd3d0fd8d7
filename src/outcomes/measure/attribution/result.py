"""What every attribution model returns: per-channel credit plus the parameters used."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class ChannelCredit:
    """One channel's share: attributed conversions and value.

    `removal_effect` (conversions) and `value_removal_effect` are set by the Markov model
    only; other models leave them None.
    """

    channel: str
    conversions: float
    value: float
    removal_effect: float | None = None
    value_removal_effect: float | None = None


@dataclass(frozen=True, slots=True)
class AttributionResult:
    """Credit per channel from one model, with every parameter it was computed with.

    `params` holds the effective parameters, defaults included, so two results can be
    compared convention by convention. `extra` carries model-specific scalars (e.g. the
    Markov P(conversion)).
    """

    model: str
    params: Mapping[str, Any]
    channels: tuple[ChannelCredit, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def to_json(self) -> dict[str, Any]:
        """The JSON of `outcomes attribute --format json`: the model, its parameters, and per
        channel its conversions and value (and Markov's removal effect)."""
        keep = ("channel", "conversions", "value", "removal_effect")
        channels = [{k: r[k] for k in keep if k in r} for r in self.to_records()]
        return {"model": self.model, "params": dict(self.params), "channels": channels}

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per channel (`model`, `channel`, `conversions`, `value`, ...)."""
        records = []
        for row in self.channels:
            record: dict[str, Any] = {
                "model": self.model,
                "channel": row.channel,
                "conversions": row.conversions,
                "value": row.value,
            }
            if row.removal_effect is not None:
                record["removal_effect"] = row.removal_effect
            if row.value_removal_effect is not None:
                record["value_removal_effect"] = row.value_removal_effect
            records.append(record)
        return records

    def to_arrow(self) -> pa.Table:
        """The records as an Arrow table (one row per channel)."""
        return records_table(self.to_records())

    def to_pandas(self) -> Any:
        """The records as a pandas DataFrame (needs pandas installed)."""
        return records_frame(self.to_records())

    def as_dict(self, what: str = "conversions") -> dict[str, float]:
        """`{channel: conversions}` (or `value`, `removal_effect`, ...) for quick lookups."""
        out: dict[str, float] = {}
        for row in self.channels:
            number = getattr(row, what)
            out[row.channel] = float("nan") if number is None else float(number)
        return out

    @property
    def total_conversions(self) -> float:
        """Sum of attributed conversions."""
        return float(sum(row.conversions for row in self.channels))

    @property
    def total_value(self) -> float:
        """Sum of attributed value."""
        return float(sum(row.value for row in self.channels))


def records_table(records: list[dict[str, Any]]) -> pa.Table:
    """Plain records as an Arrow table, columns in the first record's order."""
    import pyarrow as pa

    return pa.Table.from_pylist(records)


def records_frame(records: list[dict[str, Any]]) -> Any:
    """Plain records as a pandas DataFrame; pandas is optional, so say how to get it."""
    if importlib.util.find_spec("pandas") is None:
        raise ImportError("DataFrames need pandas: pip install pandas")
    return records_table(records).to_pandas()


def build_result(
    model: str,
    params: Mapping[str, Any],
    channels: tuple[str, ...],
    conversions: npt.NDArray[np.float64],
    value: npt.NDArray[np.float64],
    *,
    removal_effect: npt.NDArray[np.float64] | None = None,
    value_removal_effect: npt.NDArray[np.float64] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> AttributionResult:
    """Assemble an `AttributionResult` from per-channel arrays in vocabulary order."""
    rows = tuple(
        ChannelCredit(
            channel=name,
            conversions=float(conversions[i]),
            value=float(value[i]),
            removal_effect=None if removal_effect is None else float(removal_effect[i]),
            value_removal_effect=(
                None if value_removal_effect is None else float(value_removal_effect[i])
            ),
        )
        for i, name in enumerate(channels)
    )
    return AttributionResult(model, params, rows, extra or {})
