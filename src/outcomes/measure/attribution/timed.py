"""Time decay by real time: credit halves every `half_life_days` before the conversion.

Aggregated paths carry no timestamps, so `heuristics.time_decay` decays by steps. From
the warehouse the touches keep their times, and this model uses them: a touch `age` days
(to the second) before the conversion it leads up to weighs 2^(−age / half_life_days); each conversion's
count and value are shared over its touches in proportion to their weights. Which
touches lead up to which conversion (window, several conversions per journey, identity
stitching, steps by channel or tactic) is exactly as for `journey_paths`, whose parts
this starts from. Everything runs in the engine; one row per step comes back.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from typing_extensions import Unpack

from outcomes.measure.attribution.journeys import JourneyOptions, journey_parts
from outcomes.measure.attribution.result import AttributionResult, build_result
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

DAY_SECONDS = 86_400.0


def time_decay_credit(
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    half_life_days: float = 7.0,
    **journey: Unpack[JourneyOptions],
) -> ibis.Table:
    """Credit per step (`step`, `conversions`, `value`), as an unexecuted Ibis expression.

    `journey` takes the `JourneyOptions` of `journey_paths`.
    """
    import ibis

    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be more than 0, not {half_life_days}")
    _, _, credited = journey_parts(touchpoints, conversions, **journey)
    # Whole seconds between instants truncated to the second: epoch seconds would pass
    # through the session time zone on DuckDB, and engines differ on fractions.
    seconds = (credited.cts.truncate("s").delta(credited.ts.truncate("s"), unit="second")).cast(
        "float64"
    )
    rate = -math.log(2.0) / (half_life_days * DAY_SECONDS)
    weighted = credited.mutate(weight=(seconds * rate).exp())
    total = weighted.weight.sum().over(ibis.window(group_by=[weighted.ckey, weighted.cts]))
    shared = weighted.mutate(share=weighted.weight / total)
    credit = shared.group_by("step").aggregate(
        conversions=(shared.share * shared.n).sum(),
        value=(shared.share * shared.amount).sum(),
    )
    return credit.order_by("step")


def time_decay_from_warehouse(
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    *,
    half_life_days: float = 7.0,
    **journey: Unpack[JourneyOptions],
) -> AttributionResult:
    """Run `time_decay_credit` and return the credit as an `AttributionResult`.

    `journey` takes the keyword parameters of `journey_paths` (by, plan, conversion_types,
    lookback_days, join_on, sources, direct_label); they are recorded in the params.
    """
    import numpy as np

    table = to_arrow(
        time_decay_credit(touchpoints, conversions, half_life_days=half_life_days, **journey)
    )
    params = {"half_life_days": half_life_days, "clock": "touch timestamps"}
    params |= {k: v for k, v in journey.items() if k != "plan"}
    return build_result(
        "time_decay",
        params,
        tuple(str(s) for s in table["step"].to_pylist()),
        np.asarray(table["conversions"].to_numpy(zero_copy_only=False), dtype=np.float64),
        np.asarray(table["value"].to_numpy(zero_copy_only=False), dtype=np.float64),
    )
