"""A small workspace from two hand-written exports: web sessions (a generic CSV) and
HubSpot deals. Tests that need journeys ending in won deals write their rows and call
`build_workspace`; tests of ad spend measure them against `paid_demand_plan`, one
`ad_tactic` a campaign, and read the result with `roi_json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.workspace import Workspace

SESSIONS = """\
[csv.sessions]
files = ["exports/sessions.csv"]
table = "touchpoints"
key = ["Session"]
[csv.sessions.columns]
journey_id = "Contact"
customer_id = "Contact"
ts = "Started"
channel = "Channel"
utm_campaign = "Campaign"
"""
"""`outcomes.toml`: the sessions CSV mapped to touchpoints, one journey per contact."""

PAID_DEMAND = """\
version: 1
organisation: {name: Northwind Freight Software, currency: EUR, hourly_cost: 0}
people:
  - {id: ana, name: Ana Ruiz, title: Managing Director, executive: true, function: executive}
goals:
  - {id: revenue, title: Revenue from demos, metric: revenue, direction: increase,
     baseline: 0, target: 50000, start: 2026-01-01, due: 2026-12-31, sponsor: ana}
strategies:
  - {id: paid-demand, title: Paid demand for demos, serves: [revenue], owner: ana}
tactics:
"""
"""A plan's text up to its tactics: one goal on revenue in 2026, one strategy to serve it."""


def ad_tactic(
    tactic: str, title: str, channel: str, budget: float, sources: list[str], campaign: str
) -> str:
    """The plan text of a tactic of paid demand: Ana advertises on `channel` through 2026
    with `budget`, measured from `sources` on the sessions and ads tagged `tactic` or named
    `campaign`."""
    return f"""\
  - id: {tactic}
    title: {title}
    serves: paid-demand
    channel: {channel}
    mode: advertise
    operators: [ana]
    accountable: ana
    start: 2026-01-01
    end: 2026-12-31
    resources: {{budget: {budget:.0f}}}
    benchmarks: [{{metric: clicks, target: 400}}]
    measurement: {{sources: [{", ".join(sources)}],
                  match: {{utm_campaign: [{tactic}, "{campaign}"]}}}}
"""


def paid_demand_plan(*tactics: str) -> str:
    """The plan of `PAID_DEMAND` with `tactics` (each from `ad_tactic`) as its tactics."""
    return PAID_DEMAND + "".join(tactics)


SESSIONS_HEADER = "Session,Contact,Started,Channel,Campaign"
DEALS_HEADER = (
    "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Associated Contact IDs"
)


def write_exports(root: Path, sessions: list[str], deals: list[str]) -> None:
    """`exports/sessions.csv` and `exports/hubspot-deals.csv` from rows without headers."""
    exports = root / "exports"
    exports.mkdir()
    (exports / "sessions.csv").write_text("\n".join([SESSIONS_HEADER, *sessions]) + "\n")
    (exports / "hubspot-deals.csv").write_text("\n".join([DEALS_HEADER, *deals]) + "\n")


def build_workspace(root: Path, plan: str, sessions: list[str], deals: list[str]) -> Path:
    """The plan, the mapping and the exports in `root`, ingested; every file recognised."""
    (root / "plan.yaml").write_text(plan)
    (root / "outcomes.toml").write_text(SESSIONS)
    write_exports(root, sessions, deals)
    report = Workspace.open(root).ingest([root / "exports"])
    assert not report.unknown
    return root


def roi_json(root: Path) -> dict[str, Any]:
    """`outcomes roi --format json` on last-touch attribution, with no bootstrap and no
    lookback (so its figures are exact), as the command line writes it."""
    result = CliRunner().invoke(
        app, ["roi", "-w", str(root), "--model", "last_touch", "--bootstrap", "0",
              "--no-lookback", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document
