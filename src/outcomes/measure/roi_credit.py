"""Attribution credit per step under one model, with its Poisson-bootstrap replicates
(`outcomes.measure.roi`'s **Uncertainty**): the numbers each ROI row sums.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outcomes.measure.attribution import PathCounts, attribute
from outcomes.measure.roi_report import Estimate

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Credit:
    """Per-step credit of one model: point values and bootstrap replicates (B, steps)."""

    steps: tuple[str, ...]
    conversions: Floats
    revenue: Floats
    customers: Floats
    conversions_boot: Floats
    revenue_boot: Floats
    customers_boot: Floats


def resample(counts: PathCounts, rng: np.random.Generator) -> PathCounts:
    """One Poisson-bootstrap replicate of the journeys behind `counts`."""
    import numpy as np

    conversions = rng.poisson(counts.conversions).astype(np.float64)
    per_conversion = np.divide(
        counts.value,
        counts.conversions,
        out=np.zeros_like(counts.value),
        where=counts.conversions > 0,
    )
    return dataclasses.replace(
        counts,
        conversions=conversions,
        value=conversions * per_conversion,
        nulls=rng.poisson(counts.nulls).astype(np.float64),
    )


def step_credit(
    model: str,
    params: Mapping[str, Any],
    sales: PathCounts,
    customers: PathCounts,
    replicates: Sequence[tuple[PathCounts, PathCounts]],
    steps: tuple[str, ...],
) -> Credit:
    import numpy as np

    def run(counts: PathCounts) -> tuple[Floats, Floats]:
        if counts.n_paths == 0 or counts.conversions.sum() == 0:
            zeros = np.zeros(len(steps))
            return zeros, zeros.copy()
        result = attribute(counts, model, **params)
        conv, value = result.as_dict("conversions"), result.as_dict("value")
        return (
            np.array([conv.get(s, 0.0) for s in steps]),
            np.array([value.get(s, 0.0) for s in steps]),
        )

    conv, revenue = run(sales)
    customers_point, _ = run(customers)
    boot = [(run(s), run(c)[0]) for s, c in replicates]
    width = len(steps)

    def stack(values: list[Floats]) -> Floats:
        return np.vstack(values) if values else np.zeros((0, width))

    return Credit(
        steps=steps,
        conversions=conv,
        revenue=revenue,
        customers=customers_point,
        conversions_boot=stack([b[0][0] for b in boot]),
        revenue_boot=stack([b[0][1] for b in boot]),
        customers_boot=stack([b[1] for b in boot]),
    )


def estimate(value: float, replicates: Floats, confidence: float) -> Estimate:
    import numpy as np

    if replicates.size == 0:
        return Estimate(float(value), float(value), float(value))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return Estimate(float(value), float(low), float(high))


def revenue_credit(
    model: str,
    params: Mapping[str, Any],
    counts: PathCounts,
    replicates: Sequence[PathCounts],
    steps: tuple[str, ...],
) -> tuple[Floats, Floats]:
    """Per-step revenue credit of `counts` under `model`, and its replicates (B, steps)."""
    import numpy as np

    def run(paths: PathCounts) -> Floats:
        if paths.n_paths == 0 or paths.conversions.sum() == 0:
            return np.zeros(len(steps))
        value = attribute(paths, model, **params).as_dict("value")
        return np.array([value.get(s, 0.0) for s in steps])

    boot = [run(r) for r in replicates]
    return run(counts), np.vstack(boot) if boot else np.zeros((0, len(steps)))
