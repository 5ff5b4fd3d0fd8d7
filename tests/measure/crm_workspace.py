"""A small workspace from two hand-written exports: web sessions (a generic CSV) and
HubSpot deals. Tests that need journeys ending in won deals write their rows and call
`build_workspace`."""

from __future__ import annotations

from pathlib import Path

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
