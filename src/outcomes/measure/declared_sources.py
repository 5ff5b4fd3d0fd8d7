"""The sources a tactic's plan names to measure it that nothing has loaded yet.

A plan says where each tactic is measured from (`measurement.sources`: `meta`, `ga4`,
`hubspot`). A company often loads its CRM first: then a Facebook retargeting tactic
measured from Meta, GA4 and HubSpot reads "0 leads, missed" and "ROI −100%" from the
HubSpot export alone, whose first-touch sources rarely name a retargeting ad. The figure
is what the loaded data holds, not what the tactic did; the sentence every route prints
under ROI (`Coverage.message`) says which named sources are missing, and for which
tactics, so that nobody stops a tactic on half its data.

A source is loaded when the warehouse holds rows from it: a load of the connector not
forgotten, or rows in a table carrying its name (a Mastodon archive's rows are stored as
`mastodon`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from outcomes.measure.roi_report import UnloadedSource
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    from outcomes.warehouse.connection import Warehouse

DATA_TABLES: Final = ("activities", "touchpoints", "conversions", "costs", "metric_snapshots")
STORED_AS: Final = {"mastodon-archive": "mastodon"}
"""Connectors whose rows carry another source's name."""


def loaded_sources(warehouse: Warehouse) -> frozenset[str]:
    """The sources the warehouse holds rows from: its loads not forgotten and its tables."""
    import ibis

    ingests = warehouse.table("ingests")
    kept = ingests.filter(
        ingests.forgotten_at.isnull()
        & ((ingests.rows_loaded + ingests.rows_updated + ingests.rows_unchanged) > 0)
    )
    parts = [kept.select("source")]
    parts += [warehouse.table(name).select("source") for name in DATA_TABLES]
    found = to_arrow(ibis.union(*parts, distinct=True))
    return frozenset(str(name) for name in found["source"].to_pylist() if name is not None)


def unloaded_sources(
    plan: Plan, loaded: frozenset[str], through: dt.date
) -> tuple[UnloadedSource, ...]:
    """The sources named by tactics started by `through` of which nothing is loaded, each
    with those tactics in plan order; none when nothing at all is loaded (an empty
    warehouse says so on its own)."""
    if not loaded:
        return ()
    wanting: dict[str, list[str]] = {}
    for tactic in plan.tactics:
        if tactic.measurement is None or tactic.start > through:
            continue
        for source in tactic.measurement.sources:
            if source not in loaded and STORED_AS.get(source) not in loaded:
                wanting.setdefault(source, []).append(tactic.id)
    return tuple(UnloadedSource(source, tuple(ids)) for source, ids in wanting.items())


def unloaded_by_tactic(
    plan: Plan, warehouse: Warehouse, through: dt.date
) -> dict[str, tuple[str, ...]]:
    """Each started tactic's named sources of which nothing is loaded (`unloaded_sources`),
    in the order its plan names them."""
    missing = {
        (tactic, each.source)
        for each in unloaded_sources(plan, loaded_sources(warehouse), through)
        for tactic in each.tactics
    }
    found: dict[str, tuple[str, ...]] = {}
    for tactic in plan.tactics:
        named = tactic.measurement.sources if tactic.measurement else []
        wanting = tuple(source for source in named if (tactic.id, source) in missing)
        if wanting:
            found[tactic.id] = wanting
    return found
