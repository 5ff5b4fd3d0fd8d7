"""Journeys built once per warehouse state, read by every measure that needs them.

Building journeys (stitching identities, giving each touch its step, ordering the steps
of each path) is the slow part of measuring, and one briefing needs the journeys of the
same warehouse many times over: by channel and by tactic, for the plan's period and each
quarter, for sales and for new customers, for ROI, the benchmarks, engagement and the
explorer. A `JourneyStore` keeps, in the engine (Ibis `cache`: temporary tables on
DuckDB (`warehouse.compiled.Materialised`), cached DataFrames on Spark), the two layers every kind of journeys is made of:

* the **stitched touchpoints** (`stitched_touchpoints`: every touchpoint with its
  person), once;
* the **touches** (`journey_touches`: the stitched journey and step of every touch), once
  per way of making steps (`by`, `plan`, `direct_label`, `join_on`, `sources`), from the
  stitched touchpoints;
* the **conversions** with their stitched journey (`journey_conversions`), once per
  `join_on`.

Everything else (the conversion events of some types, the join of touches to them, the
ordered paths: `conversion_events`, `split_journeys`) is computed from those by the
engine when asked:

* `path_counts`: the `PathCounts` of any number of credit periods, all in one query
  (the period is one more grouping key), each period kept once computed;
* `event_steps`: each conversion event with the steps on its path, for the measures that
  ask which tactic a sale went through rather than how to share its credit.

The answers are those of `paths_from_warehouse` and `journey_parts` for the same options.
A store holds one state of the warehouse: a store kept across an ingest or a forget
answers for the state it was built on, so build one per measurement (`build_briefing`
does) and close it (it is a context manager) to drop its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from outcomes.measure.attribution.journeys import (
    JOURNEY_DEFAULTS,
    JourneyOptions,
    JourneySegments,
    Span,
    conversion_events,
    foreign_journeys,
    journey_conversions,
    journey_touches,
    period_paths,
    split_journeys,
    stitched_touchpoints,
)
from outcomes.measure.attribution.paths import PathCounts
from outcomes.warehouse.compiled import Materialised
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

_SUMMARY_COLUMNS = ("period", "path", "total_conversions", "total_conversion_value", "total_null")


class JourneyStore:
    """The journeys of one warehouse state (see the module docstring)."""

    def __init__(
        self, touchpoints: ibis.Table, conversions: ibis.Table, *, materialise: bool = True
    ) -> None:
        self.touchpoints = touchpoints
        self.conversions = conversions
        self.materialise = materialise
        """False: the layers stay expressions the engine runs anew for every answer, as
        `paths_from_warehouse` does (for a caller that asks once)."""
        self.builds = 0
        """Layers built so far: each a pass over the touchpoints or the conversions."""
        self._layers: dict[Hashable, Any] = {}
        self._kept: list[Materialised] = []
        self._plans: list[object] = []  # keeps every plan whose id is in a key alive
        self._counts: dict[Hashable, PathCounts] = {}

    def path_counts(
        self, periods: Sequence[tuple[str, Span | None]], **options: Unpack[JourneyOptions]
    ) -> dict[str, PathCounts]:
        """{label: PathCounts} for each (label, credit period); None is the whole history.

        `options` are the `JourneyOptions` but the credit period, which `periods` gives.
        The periods not asked for before are summarised together, in one query.
        """
        full: JourneyOptions = {**JOURNEY_DEFAULTS, **options, "credit_period": None}
        kind = self._key(full)[2]
        missing = list(dict.fromkeys(s for _, s in periods if (kind, s) not in self._counts))
        if missing:
            import pyarrow.compute as pc

            labels = [(str(i), span) for i, span in enumerate(missing)]
            summary = to_arrow(period_paths(self._segments(full), labels))
            for label, span in labels:
                # Vectorised: a Python object per path and step cost more than the query.
                mine = summary.filter(pc.equal(summary["period"], label))
                self._counts[(kind, span)] = PathCounts.from_arrow(
                    *(mine[name] for name in _SUMMARY_COLUMNS[1:])
                )
        return {label: self._counts[(kind, span)] for label, span in periods}

    def paths(self, **options: Unpack[JourneyOptions]) -> PathCounts:
        """`paths_from_warehouse` for these options (the credit period included)."""
        span = options.get("credit_period")
        return self.path_counts([("", span)], **options)[""]

    def event_steps(self, **options: Unpack[JourneyOptions]) -> Any:
        """Each conversion event once per step on its path: `step`, `ckey`, `cts`, `n`,
        `amount` (an Ibis table; no credit period applies)."""
        full: JourneyOptions = {**JOURNEY_DEFAULTS, **options, "credit_period": None}
        return self._segments(full).steps

    def close(self) -> None:
        """Drop the tables kept in the engine (the store builds them again if asked)."""
        self._layers.clear()
        self._counts.clear()
        kept, self._kept = self._kept, []
        for table in kept:
            table.release()

    def __enter__(self) -> JourneyStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _segments(self, options: JourneyOptions) -> JourneySegments:
        touches_key, conversions_key, _ = self._key(options)
        touches = self._layer(touches_key, lambda: self._touches(options))
        keyed = self._layer(
            conversions_key,
            lambda: journey_conversions(
                self.touchpoints, self.conversions, join_on=options["join_on"]
            ),
        )
        types, scope = options["conversion_types"], options["scope"]
        events = conversion_events(keyed, types, scope, options["purchases"])
        foreign = foreign_journeys(keyed, touches, options)
        return split_journeys(
            touches,
            events,
            lookback_days=options["lookback_days"],
            foreign=foreign,
            skip_direct=options["skip_direct"],
        )

    def _touches(self, options: JourneyOptions) -> Any:
        """`journey_touches`, from the stitched touchpoints: stitching identities is a pass
        over every touchpoint and conversion, the same for every way of making steps, so
        it is a layer of its own that the touches of each way are built from."""
        if options["join_on"] != "person":
            return journey_touches(self.touchpoints, self.conversions, **options)
        stitched = self._layer(
            ("stitched",), lambda: stitched_touchpoints(self.touchpoints, self.conversions)
        )
        return journey_touches(stitched, self.conversions, stitched=True, **options)

    def _layer(self, key: Hashable, build: Callable[[], Any]) -> Any:
        layer = self._layers.get(key)
        if layer is None:
            layer = build()
            if self.materialise:
                kept = Materialised(layer)
                self._kept.append(kept)
                layer = kept.table
            self._layers[key] = layer
            self.builds += 1
        return layer

    def _key(self, options: JourneyOptions) -> tuple[Hashable, Hashable, Hashable]:
        """(touches, conversions, kind) keys of full options; sequences become tuples, and the
        plan counts by identity (kept alive, so that its id is not reused)."""
        plan = options["plan"] if options["by"] == "tactic" else None
        if plan is not None and not any(kept is plan for kept in self._plans):
            self._plans.append(plan)
        sources = options["sources"]
        touches = (
            "touches",
            options["by"],
            id(plan),
            options["direct_label"],
            options["join_on"],
            None if sources is None else tuple(sources),
        )
        conversions = ("conversions", options["join_on"])
        kind = (
            touches,
            conversions,
            tuple(options["conversion_types"]),
            options["lookback_days"],
            options["scope"],
            options["purchases"],
            options["skip_direct"],
        )
        return touches, conversions, kind
