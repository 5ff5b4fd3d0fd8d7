"""The demo company: a year of Northwind Freight Software, in real export formats, with the truth.

:func:`build_demo_workspace` creates a workspace for the bundled Northwind plan, simulates
2026 (visitor journeys, CRM, social channels, support, costs), writes every export the
way the network or tool writes it under `exports/<source>/…`, writes `outcomes.toml` for
the files with no dedicated connector and `truth.json` with what the simulation made
true, then ingests `exports/` into the workspace's warehouse.

`company="clinics"` builds the second demo company instead, Harbour Physio's 14 clinics
(:mod:`outcomes.demo.clinics`, which documents its own truth.json); what follows is
Northwind's.

Scale: `scale=1` is 20,000 journeys and grows linearly; the social channels, support and
costs are people's work and do not grow. GA4 is JSON Lines below 100,000 journeys and
Parquet (one file per block of 200,000 journeys and month) above; 10 million journeys is
`scale=500`. The same seed gives byte-identical files.

truth.json (``schema_version`` 1)::

    seed, scale, period {start, end}, as_of, currency
    journeys      total, leads, opportunities, pipeline, deals_won, deals_lost, deals_open,
                  deal_revenue, orders, order_revenue, revenue, converting (won or bought),
                  touches {channel: touch count}, sessions {channel: GA4 sessions}
    tactics       {tactic id: {incremental_leads, incremental_opportunities,
                  incremental_pipeline, incremental_new_customers, incremental_deals_won,
                  incremental_orders, incremental_revenue, tickets_deflected,
                  support_cost_saved, activities, reactions, clicks, sessions, cost,
                  cost_by_kind, people_cost, roi, roi_with_people, conversation}}
                  (conversation has answered_within_target where the tactic has a
                  first_response_minutes benchmark: the share of inbound answered in time)
                  incremental_* are exact realised counterfactuals: the same journeys, the
                  same random numbers, with and without the tactic's touches. roi is
                  (incremental revenue + support cost saved − cost) / cost, cost being the
                  money in the finance sheet and the ad platforms' reports (Meta Ads,
                  LinkedIn Ads), each line in one of them; roi_with_people adds the plan's
                  hours × hourly cost.
    likes_only_tactic   "fb-retarget": most reactions and clicks, zero incremental anything
    pilot         {tactic, metric, definition, group, control, group_owners, control_owners,
                  start, effect_per_rep_per_month (exact, realised), control_effect (0),
                  expected_effect_per_rep_per_month, observed {before, after,
                  salesforce_2025: {group_per_rep_per_month, control_per_rep_per_month}}}
    conversation  {x|mastodon|linkedin: {inbound, answered, response_rate,
                  median_first_response_minutes}}; X's unanswered questions are in no export
                  (an archive holds only the owner's tweets)
    responders    {channel: {who answered first, as the exports name them: {answered_first,
                  median_first_response_minutes}}}
    low_response_channel  "mastodon"
    goals         {goal id: {metric, status, actual, baseline, threshold, target, definition}}
    goal_status_rule      how the status at the due date follows from the actual
    support       cost_per_ticket, baseline_support_cost, ticket_demand, tickets_created,
                  tickets_deflected, support_cost, newsletter_subscribers
    hours         {effort: {tactic: {person: planted logged ÷ planned hours, where not 1}},
                  logged: {tactic: {person: hours in the time tracker's report}}}
    activities    {total, by_channel, by_tactic}: every activity row the exports hold
    unplanned     {activities, by_channel, by_account}: those no tactic accounts for
    crm           hubspot_contacts, hubspot_deals, salesforce_2025 {opportunities,
                  deals_won, new_customers, average_order_value}
    ga4           {format, events}
    planted_rejections    0: every row of every export is valid
    files         {connector name: [paths relative to the workspace]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outcomes.demo.build import TRUTH_FILE, Progress, write_demo_exports
from outcomes.warehouse.connection import Warehouse
from outcomes.workspace.config import load_config
from outcomes.workspace.ingest import FileSettings, Outcome, ingest_folder

__all__ = ["COMPANIES", "TRUTH_FILE", "DemoResult", "build_demo_workspace", "write_demo_exports"]


@dataclass(frozen=True)
class DemoResult:
    """What building the demo produced."""

    workspace: Path
    truth_path: Path
    ingests: list[Outcome]
    files: list[Path]
    unknown: list[Path] = field(default_factory=list)
    """Files under exports/ that no connector recognised (none, when all is well)."""
    truth: dict[str, Any] = field(default_factory=dict, repr=False)


COMPANIES = ("northwind", "clinics")
"""The demo companies: Northwind (the default) and Harbour Physio's clinics
(:mod:`outcomes.demo.clinics`)."""


def build_demo_workspace(
    directory: Path,
    *,
    scale: float = 1.0,
    seed: int = 7,
    progress: Progress | None = None,
    company: str = "northwind",
) -> DemoResult:
    """Create a demo company's workspace in `directory`, with its exports ingested.

    `progress`, when given, is called with a short line at each stage.
    """
    if company not in COMPANIES:
        raise ValueError(f"no demo company '{company}'; choose one of: {', '.join(COMPANIES)}")
    if company == "clinics":
        from outcomes.demo.clinics import write_clinics_exports

        truth = write_clinics_exports(directory, scale=scale, seed=seed, progress=progress)
    else:
        truth = write_demo_exports(directory, scale=scale, seed=seed, progress=progress)
    if progress is not None:
        progress("ingesting exports")
    workspace = FileSettings(directory, load_config(directory))
    with Warehouse.open(directory) as warehouse:
        outcomes, unknown = ingest_folder(warehouse, directory / "exports", workspace=workspace)
    files = [directory / path for paths in truth["files"].values() for path in paths]
    return DemoResult(directory, directory / TRUTH_FILE, outcomes, sorted(files), unknown, truth)
