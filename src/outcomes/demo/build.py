"""Building the demo: simulate the year, write every export, write truth.json, ingest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from outcomes.demo import model as m
from outcomes.demo.ads import linkedin_report, meta_report
from outcomes.demo.costs import Cost, simulate_costs
from outcomes.demo.crm import Leads, hubspot_rows, legacy_deals
from outcomes.demo.journeys import Block, JourneyTruth, Outcomes, journey_count, simulate
from outcomes.demo.records import Activity, Conversation
from outcomes.demo.sessions import PathTotals, build_sessions
from outcomes.demo.social_linkedin import Traffic, simulate_linkedin
from outcomes.demo.social_mastodon import simulate_mastodon
from outcomes.demo.social_meta import MetaYear, simulate_meta
from outcomes.demo.social_x import simulate_x
from outcomes.demo.support import simulate_support
from outcomes.demo.timesheets import simulate_timesheets
from outcomes.demo.truth import Simulated, build_truth
from outcomes.demo.writers.ads import write_linkedin_ads, write_meta_ads
from outcomes.demo.writers.crm import write_hubspot, write_salesforce
from outcomes.demo.writers.files import Output
from outcomes.demo.writers.ga4 import GA4Writer
from outcomes.demo.writers.generic import (
    write_config,
    write_costs,
    write_support,
    write_timesheets,
)
from outcomes.demo.writers.linkedin import write_linkedin
from outcomes.demo.writers.mailchimp import write_mailchimp
from outcomes.demo.writers.mastodon import write_mastodon
from outcomes.demo.writers.meta import write_meta
from outcomes.demo.writers.paths import write_paths
from outcomes.demo.writers.x_archive import write_x
from outcomes.demo.writers.youtube import write_youtube
from outcomes.plan import load_plan
from outcomes.workspace import PLAN_FILE, init_workspace

Progress = Callable[[str], None]
TRUTH_FILE = "truth.json"


@dataclass
class _JourneyExports:
    """What the journey pass leaves behind once its blocks are written and dropped."""

    truth: JourneyTruth
    leads: Leads
    traffic: Traffic
    ga4_events: int
    ga4_format: str


def _journeys(output: Output, seed: int, scale: float, progress: Progress) -> _JourneyExports:
    journeys = journey_count(scale)
    ga4 = GA4Writer(output, seed, journeys)
    leads = Leads()
    paths = PathTotals()
    traffic = Traffic(np.zeros((len(m.CHANNELS), m.DAYS)), np.zeros((len(m.REPS), m.DAYS)))

    def consume(block: Block, outcomes: Outcomes) -> None:
        sessions = build_sessions(block, outcomes)
        ga4.write(block, outcomes, sessions)
        leads.add(block, outcomes, sessions)
        paths.add(block, outcomes, sessions)
        day = (sessions.ts - m.START_S) // m.DAY_S
        cells = sessions.channel * m.DAYS + day
        traffic.daily += np.bincount(cells, minlength=traffic.daily.size).reshape(
            traffic.daily.shape
        )
        rep = sessions.channel == m.REP_POSTS
        rep_cells = block.territory[sessions.journey[rep]].astype(np.int64) * m.DAYS + day[rep]
        traffic.rep_daily += np.bincount(rep_cells, minlength=traffic.rep_daily.size).reshape(
            traffic.rep_daily.shape
        )
        progress(f"journeys: {block.first_id + block.n:,} of {journeys:,}")

    try:
        truth = simulate(seed, scale, consume)
    finally:
        ga4.close()
    write_paths(output, paths)
    return _JourneyExports(truth, leads, traffic, ga4.events, "parquet" if ga4.parquet else "json")


@dataclass
class _Social:
    """The year on the social channels: every activity, every conversation, X's deflections."""

    activities: list[Activity]
    conversations: list[Conversation]
    x_deflections: list[dt.datetime]
    meta: MetaYear
    """Kept for the Meta Ads report, whose ads are the boosted stories."""


def _social(output: Output, seed: int, traffic: Traffic) -> _Social:
    """Simulate and write X, Mastodon, LinkedIn, Facebook, Instagram and YouTube."""
    x = simulate_x(seed)
    mastodon = simulate_mastodon(seed)
    linkedin = simulate_linkedin(seed, traffic)
    meta = simulate_meta(seed, traffic)
    write_x(output, x)
    write_mastodon(output, mastodon)
    write_linkedin(output, linkedin, seed)
    write_meta(output, meta)
    write_youtube(output, meta)
    # The 2025 page posts are only in the warehouse when the legacy .xls could be written.
    wrote_xls = any(p.suffix == ".xls" for p in output.files["linkedin"])
    activities = [
        *x.help, *x.main, *mastodon.statuses, *mastodon.mentions, *linkedin.page,
        *(linkedin.old_page if wrote_xls else []), *linkedin.inbox, *meta.facebook,
        *meta.instagram, *meta.youtube,
    ]  # fmt: skip
    conversations = [*x.conversations, *mastodon.conversations, *linkedin.conversations]
    return _Social(activities, conversations, x.deflections, meta)


def _campaigns(
    output: Output, seed: int, costs: list[Cost], social: _Social, journeys: _JourneyExports
) -> None:
    """The ad platforms' reports, which book the paid tactics' ad spend."""
    stories = [a for a in social.meta.facebook if a.tactic == "fb-retarget"]
    write_meta_ads(output, meta_report(costs, stories, journeys.traffic))
    write_linkedin_ads(output, linkedin_report(seed, costs, journeys.traffic))


def write_demo_exports(
    directory: Path, *, scale: float = 1.0, seed: int = 7, progress: Progress | None = None
) -> dict[str, Any]:
    """Create the workspace, write every export, `outcomes.toml` and truth.json; no ingest.

    Returns the truth document.
    """
    say = progress or (lambda message: None)
    init_workspace(directory, example="northwind")
    output = Output(directory / "exports")
    say("simulating journeys and writing GA4")
    journeys = _journeys(output, seed, scale, say)
    say("writing CRM exports")
    contacts, deals = hubspot_rows(seed, journeys.leads)
    write_hubspot(output, contacts, deals)
    legacy = legacy_deals(seed, scale)
    write_salesforce(output, legacy)
    say("simulating social channels, support and costs")
    social = _social(output, seed, journeys.traffic)
    support = simulate_support(seed, social.x_deflections)
    costs = simulate_costs(seed)
    plan = load_plan(directory / PLAN_FILE).plan
    timesheets = simulate_timesheets(seed, plan)
    write_support(output, support)
    write_costs(output, costs)
    _campaigns(output, seed, costs, social, journeys)
    write_mailchimp(output, support, seed)
    write_timesheets(output, timesheets)
    write_config(directory)
    truth = build_truth(
        Simulated(
            seed=seed,
            scale=scale,
            plan=plan,
            journeys=journeys.truth,
            sessions={
                c.code: int(journeys.traffic.daily[i].sum()) for i, c in enumerate(m.CHANNELS)
            },
            activities=social.activities,
            conversations=social.conversations,
            support=support,
            costs=costs,
            timesheets=timesheets,
            legacy=legacy,
            contacts=len(contacts),
            deals=len(deals),
            ga4_events=journeys.ga4_events,
            ga4_format=journeys.ga4_format,
            files=output.files,
            exports=output.exports,
        )
    )
    (directory / TRUTH_FILE).write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth
