"""`outcomes explain ID`: which tactic claims an activity and why, on a real workspace.

The clinic's plan has a publish tactic on its Instagram account, a respond tactic on the
same account, a hashtag campaign and a listening rota on Facebook, so that one workspace
holds claimed, contested (outranked and tied) and unplanned activity.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from outcomes import Workspace
from outcomes.cli import app
from outcomes.measure.mapping import mapped_activities
from outcomes.warehouse.connection import Warehouse
from outcomes.workspace import WorkspaceError
from tests.conftest import CLEAN_PLAN

runner = CliRunner()


def _tactic(
    tactic_id: str, mode: str, channel: str, match: dict[str, Any] | None
) -> dict[str, Any]:
    base = copy.deepcopy(CLEAN_PLAN["tactics"][0])
    del base["pilot"], base["cadence"]
    measurement: dict[str, Any] = {"sources": ["meta"]}
    if match:
        measurement["match"] = match
    return {**base, "id": tactic_id, "mode": mode, "channel": channel, "measurement": measurement}


TACTICS = [
    _tactic("stories", "publish", "instagram", {"accounts": ["kerrphysio"]}),
    _tactic("front-desk", "respond", "instagram", {"accounts": ["kerrphysio"]}),
    _tactic("back-week", "publish", "instagram", {"hashtags": ["backweek"]}),
    _tactic("fb-inbox", "respond", "facebook", None),
]

ROWS = [
    # key, channel, account, kind, author, text, native id
    (
        "ig|1",
        "instagram",
        "kerrphysio",
        "reply",
        "kerrphysio",
        "Yes, Saturdays too!",
        "17900000001",
    ),
    (
        "ig|2",
        "instagram",
        "kerrphysio",
        "post",
        "kerrphysio",
        "Stretch it out #backweek",
        "17900000002",
    ),
    (
        "ig|3",
        "instagram",
        "otherclinic",
        "post",
        "otherclinic",
        "#backweek at the other clinic",
        "17900000003",
    ),
    ("ig|4", "instagram", "kerrphysio", "comment", "a patient", "Open on Sunday?", "17900000004"),
    (
        "ig|5",
        "instagram",
        "kerrphysio",
        "post",
        "kerrphysio",
        "Meet Sam, our new physio",
        "17900000005",
    ),
    ("tt|1", "tiktok", "kerrphysio", "post", "kerrphysio", "A day at the clinic", "7300000001"),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    plan = {**copy.deepcopy(CLEAN_PLAN), "tactics": TACTICS}
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    with Warehouse.open(tmp_path) as warehouse:
        for key, channel, account, kind, author, text, native in ROWS:
            warehouse.duckdb.execute(
                "INSERT INTO activities (key, channel, account, kind, author, text, native_id, source, ts, ingest_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'meta', TIMESTAMPTZ '2026-03-02 10:00:00+00', 1)",
                [key, channel, account, kind, author, text, native],
            )
    return tmp_path


def claims(explained: dict[str, Any]) -> dict[str, tuple[str, int | None, list[str]]]:
    return {c["tactic"]: (c["outcome"], c["specificity"], c["met"]) for c in explained["claims"]}


def test_a_claimed_activity_names_its_tactic_and_the_criteria_it_met(workspace: Path) -> None:
    [reply] = Workspace.open(workspace).explain("ig|1").to_json()["activities"]
    assert reply["tactic"] == "front-desk" and not reply["contested"]
    assert claims(reply) == {
        "stories": ("not matched", None, []),
        "front-desk": ("claimed", 1, ["accounts"]),
        "back-week": ("not matched", None, []),
        "fb-inbox": ("not matched", None, []),
    }
    why = {c["tactic"]: c["reasons"] for c in reply["claims"]}
    assert "kind reply is not one it claims (post, repost: mode publish)" in why["stories"]
    assert "accounts met: account or author on instagram is one of kerrphysio" in why["front-desk"]
    assert reply["summary"] == "front-desk claims it by accounts (specificity 1)."


def test_a_contested_activity_says_who_else_matched_and_why_they_lost(workspace: Path) -> None:
    """A post on the account with the campaign's hashtag: a tie, the first in the plan wins."""
    [post] = Workspace.open(workspace).explain("17900000002").to_json()["activities"]
    assert post["key"] == "ig|2" and post["contested"]
    assert claims(post)["stories"] == ("claimed", 1, ["accounts"])
    assert claims(post)["back-week"] == ("tied", 1, ["hashtags"])
    assert post["summary"] == (
        "stories claims it by accounts (specificity 1). "
        "Also matched: back-week (specificity 1, tie, later in the plan)."
    )


def test_an_outranked_claim_is_less_specific(tmp_path: Path, workspace: Path) -> None:
    plan = yaml.safe_load((workspace / "plan.yaml").read_text(encoding="utf-8"))
    plan["tactics"][2]["measurement"]["match"]["kinds"] = ["post"]  # back-week: 1 + kinds
    (workspace / "plan.yaml").write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    [post] = Workspace.open(workspace).explain("ig|2").activities
    assert post.tactic == "back-week"
    assert [(c.tactic, c.outcome, c.specificity) for c in post.contested] == [
        ("stories", "outranked", 1)
    ]
    assert "stories (specificity 1, less specific)" in post.summary


def test_unplanned_activity_says_why_no_tactic_matched(workspace: Path) -> None:
    [post] = Workspace.open(workspace).explain("tt|1").to_json()["activities"]
    assert post["tactic"] is None and post["summary"] == (
        "No tactic claims this post on tiktok: it is unplanned."
    )
    why = {c["tactic"]: c["reasons"] for c in post["claims"]}
    assert why["stories"] == [
        "kind post is one it claims (post, repost: mode publish)",
        "accounts not met: account or author on instagram is one of kerrphysio",
    ]
    assert why["fb-inbox"] == [
        "kind post is not one it claims (reply, mention, comment, message_in, message: mode respond)",
        "it claims by default on facebook; the activity is on tiktok",
    ]


def test_explain_agrees_with_the_mapping_on_every_activity(workspace: Path) -> None:
    space = Workspace.open(workspace)
    with Warehouse.open(workspace) as warehouse:
        rows = mapped_activities(space.plan.plan, warehouse.table("activities")).to_pyarrow()
        mapped = dict(zip(rows["key"].to_pylist(), rows["tactic"].to_pylist(), strict=True))
    explained = {key: space.explain(key).activities[0].tactic for key in mapped}
    assert (
        explained
        == mapped
        == {
            "ig|1": "front-desk",
            "ig|2": "stories",
            "ig|3": "back-week",
            "ig|4": "front-desk",
            "ig|5": "stories",
            "tt|1": None,
        }
    )


def test_an_unknown_id_is_a_one_line_error(workspace: Path) -> None:
    with pytest.raises(WorkspaceError, match="no activity has the key or native id 'nope'"):
        Workspace.open(workspace).explain("nope")
    result = runner.invoke(app, ["explain", "nope", "-w", str(workspace)])
    assert result.exit_code == 2
    assert "no activity has the key or native id 'nope'" in result.output


def test_cli_prints_the_explanation_and_exits_by_whether_it_is_planned(workspace: Path) -> None:
    claimed = runner.invoke(app, ["explain", "17900000002", "-w", str(workspace)])
    assert claimed.exit_code == 0, claimed.output
    assert "stories claims it by accounts (specificity 1)." in claimed.output
    assert "back-week also matches, tie: later in the plan (specificity 1)" in claimed.output
    unplanned = runner.invoke(app, ["explain", "tt|1", "-w", str(workspace), "-f", "json"])
    assert unplanned.exit_code == 1
    data = json.loads(unplanned.output)
    assert data == Workspace.open(workspace).explain("tt|1").to_json()
    assert data["schema_version"] == 1 and data["query"] == "tt|1"


def test_unplanned_gives_an_example_key_that_explain_reads(workspace: Path) -> None:
    result = runner.invoke(app, ["unplanned", "-w", str(workspace), "-f", "json"])
    [group] = json.loads(result.output)["groups"]
    assert (group["channel"], group["example_key"], group["example"]) == (
        "tiktok",
        "tt|1",
        "A day at the clinic",
    )
    text = runner.invoke(app, ["unplanned", "-w", str(workspace)]).output
    assert "outcomes explain 'tt|1'" in text
    assert Workspace.open(workspace).explain(group["example_key"]).unplanned
