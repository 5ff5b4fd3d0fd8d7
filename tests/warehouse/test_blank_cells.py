"""A blank cell states nothing: a re-download with a blank never erases a stored value.

Whether a blank means "unknown" or "0" differs by export, so on a re-load a blank keeps
what an earlier file stored: the row counts unchanged (or updated for its other, real
changes, which alone `changed_columns` names), and the load says so in a notice per
column (how many, the first line, what to do). Real exports in their formats, loaded by
the workspace into its DuckDB warehouse; the ROI figures stay as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from outcomes.workspace import Workspace
from tests.measure.crm_workspace import ad_tactic, build_workspace, paid_demand_plan, roi_json

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures"
META_POSTS = FIXTURES / "meta" / "facebook_2026-01.csv"
META_ADS = FIXTURES / "meta_ads" / "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"
FOLLOWERS = FIXTURES / "linkedin" / "northwind-ltd_followers_1769904000000.csv"
BOOSTED = FIXTURES / "linkedin" / "northwind-ltd_content_boosted_1769904000000.csv"
RETARGETING = "NW | Retargeting | Pricing visitors"
RETARGETING_SPEND = 102.00 + 98.75 + 110.25

PLAN = paid_demand_plan(
    ad_tactic(
        "fb-ads", "Retargeting ads for pricing visitors", "facebook", 1200,
        ["csv", "hubspot", "meta-ads", "meta"], RETARGETING,
    )
)  # fmt: skip


def _exports() -> tuple[list[str], list[str]]:
    """Five demos won through the ads, 1,000 each, and a visit on the year's last day."""
    sessions, deals = [], []
    for number in range(5):
        when = dt.date(2026, 3, 1) + dt.timedelta(days=7 * number)
        contact = f"fb-{number}"
        sessions.append(f"s-{contact},{contact},{when} 09:00,facebook,fb-ads")
        deals.append(f"d-{contact},Demo {contact},Closed Won,Sales,1000,{when},{when},{contact}")
    sessions.append("s-last,someone,2026-12-31 09:00,website,")
    return sessions, deals


def workspace(root: Path) -> Workspace:
    """The plan's workspace with its sessions and HubSpot deals loaded."""
    build_workspace(root, PLAN, *_exports())
    return Workspace.open(root)


def load(space: Workspace, path: Path) -> IngestResult:
    report = space.ingest([path])
    (result,) = report.loaded
    assert result.balanced
    return result


def redownload(
    source: Path,
    target: Path,
    blanks: dict[int, list[str]],
    changes: dict[tuple[int, str], str] | None = None,
) -> Path:
    """`source` again as the tool writes it, with the cells of `blanks` (data row → headers)
    left blank, and `changes` ((data row, header) → text) written in."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    named = {name for names in blanks.values() for name in names} | {n for _, n in changes or {}}
    header = next(row for row in rows if named <= set(row))  # below any title rows
    start = rows.index(header) + 1
    for number, names in blanks.items():
        for name in names:
            rows[start + number][header.index(name)] = ""
    for (number, name), text in (changes or {}).items():
        rows[start + number][header.index(name)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def stored(space: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with Warehouse.open(space.root) as warehouse:
        return [tuple(row) for row in warehouse.duckdb.execute(sql).fetchall()]


def roi_rows(root: Path) -> dict[str, Any]:
    """`outcomes roi --format json`'s tactic rows, as the command line writes them."""
    return {row["id"]: row for row in roi_json(root)["rows"] if row["level"] == "tactic"}


def named(path: Path, root: Path) -> str:
    """How history names a file inside the workspace: relative to its folder."""
    return path.relative_to(root).as_posix()


def only_notice(result: IngestResult, column: str) -> str:
    (notice,) = [text for text in result.notices if text.startswith(f"{column}:")]
    return notice


def test_a_post_export_with_blank_comments_keeps_the_stored_comments(tmp_path: Path) -> None:
    space = workspace(tmp_path)
    first = load(space, META_POSTS)
    assert first.notices == ()  # nothing was stored before: a blank there is just unknown
    before = stored(space, "SELECT native_id, comments, reactions, text FROM activities "
                    "WHERE source = 'meta' ORDER BY native_id")  # fmt: skip
    assert [row[1] for row in before] == [8, 15, 40]  # post 113 is rejected (Reach "lots")

    # Post 111 (line 2) comes back with blank Comments and a blank caption; post 114
    # (line 7) with blank Comments and two more reactions, a real change.
    again = redownload(
        META_POSTS, tmp_path / "downloads" / "facebook_2026-01 (1).csv",
        {0: ["Comments", "Description"], 3: ["Comments"]}, {(3, "Reactions"): "252"},
    )  # fmt: skip
    result = load(space, again)

    after = stored(space, "SELECT native_id, comments, reactions, text FROM activities "
                   "WHERE source = 'meta' ORDER BY native_id")  # fmt: skip
    assert [row[1] for row in after] == [8, 15, 40]  # not NULL: the blanks stated nothing
    assert after[0][3] == before[0][3] == "Happy new year from all of us"
    assert [row[2] for row in after] == [52, 70, 252]
    assert (result.read, result.loaded, result.updated, result.unchanged) == (4, 0, 1, 2)
    assert result.rejected == 1
    assert dict(result.changed_columns) == {"reactions": 1}
    comments = only_notice(result, "comments")
    assert comments.startswith(
        "comments: 2 blank cells kept the values loaded earlier (first at line 2, stored "
        f"from {META_POSTS})"
    )
    assert "write 0" in comments and f"`outcomes forget {META_POSTS}`" in comments
    assert only_notice(result, "text").startswith("text: 1 blank cell kept the value")
    # The warning stays with the load: `outcomes history` shows it.
    newest = space.history()[0]
    assert newest.file == named(again, tmp_path) and comments in newest.notices

    # Doing what it says drops the earlier values: the blanks are then unknown.
    kept = named(again, tmp_path)
    assert f"`outcomes forget {kept}`, then `outcomes forget {META_POSTS}`" in comments
    space.forget(str(again))
    space.forget(str(META_POSTS))
    load(space, again)
    dropped = stored(space, "SELECT native_id, comments, reactions FROM activities "
                     "WHERE source = 'meta' ORDER BY native_id")  # fmt: skip
    assert dropped == [("1029384756_111", None, 52), ("1029384756_112", 15, 70),
                       ("1029384756_114", None, 252)]  # fmt: skip


def test_an_ad_report_with_blank_cells_keeps_spend_and_counts(tmp_path: Path) -> None:
    space = workspace(tmp_path)
    first = load(space, META_ADS)
    assert first.notices == ()  # the Brand video's blank Results: nothing stored, no notice
    money = roi_rows(tmp_path)["fb-ads"]
    assert money["money"] == pytest.approx(RETARGETING_SPEND)
    figures = "SELECT key, value FROM metric_snapshots WHERE source = 'meta-ads' ORDER BY key"
    snapshots = stored(space, figures)

    # The retargeting campaign's 3 March (line 4) with its spend and impressions blank.
    again = redownload(
        META_ADS, tmp_path / "downloads" / META_ADS.name,
        {2: ["Amount spent (EUR)", "Impressions"]},
    )  # fmt: skip
    result = load(space, again)

    assert stored(space, figures) == snapshots
    amounts = "SELECT sum(amount) FROM costs WHERE tactic = '" + RETARGETING + "'"
    assert stored(space, amounts) == [(pytest.approx(RETARGETING_SPEND),)]
    # Every figure the report states is as stored; the two blanks are no records.
    assert result.read == first.read - 2
    assert (result.loaded, result.updated, result.unchanged) == (0, 0, result.read - 1)
    assert dict(result.changed_columns) == {}
    for column in ("spend", "impressions"):
        notice = only_notice(result, column)
        assert notice.startswith(f"{column}: 1 blank cell kept the value loaded earlier "
                                 f"(first at line 4, stored from {META_ADS})")  # fmt: skip
    assert roi_rows(tmp_path)["fb-ads"] == money


def test_a_deals_export_with_a_blank_amount_keeps_the_revenue(tmp_path: Path) -> None:
    space = workspace(tmp_path)
    load(space, META_ADS)
    before = roi_rows(tmp_path)["fb-ads"]
    deals = tmp_path / "exports" / "hubspot-deals.csv"
    revenue = "SELECT sum(value), count(value) FROM conversions WHERE type = 'deal_won'"
    assert stored(space, revenue) == [(5000.0, 5)]

    # Deals d-fb-1 (line 3) and d-fb-3 (line 5) come back with their Amount blank, and
    # d-fb-3 moved to another pipeline: a real change. Each deal is two rows, its
    # opportunity and its win, both with the amount.
    again = redownload(
        deals, tmp_path / "downloads" / "hubspot-deals.csv", {1: ["Amount"], 3: ["Amount"]},
        {(3, "Pipeline"): "Sales EU"},
    )  # fmt: skip
    result = load(space, again)

    assert stored(space, revenue) == [(5000.0, 5)]
    assert (result.read, result.loaded, result.updated, result.unchanged) == (10, 0, 2, 8)
    assert dict(result.changed_columns) == {"pipeline": 2}
    assert only_notice(result, "value").startswith(
        f"value: 2 blank cells kept the values loaded earlier (first at line 3, stored from {named(deals, tmp_path)})"
    )
    assert roi_rows(tmp_path)["fb-ads"] == before


def test_a_caption_without_its_tag_clears_the_campaign_it_gave(tmp_path: Path) -> None:
    """The campaign is worked out from the caption: a caption that is there and has no
    utm_campaign any more states that, unlike a blank cell, and no notice says otherwise."""
    space = workspace(tmp_path)
    load(space, META_POSTS)
    campaign = "SELECT campaign FROM activities WHERE native_id = '1029384756_112'"
    assert stored(space, campaign) == [("q1-guide",)]
    again = redownload(
        META_POSTS, tmp_path / "downloads" / "facebook_2026-01.csv", {},
        {(1, "Description"): "Our Q1 guide is out, finally."},
    )  # fmt: skip
    result = load(space, again)
    assert stored(space, campaign) == [(None,)]
    assert dict(result.changed_columns) == {"campaign": 1, "text": 1}
    assert result.notices == ()


def test_a_linkedin_followers_sheet_with_a_blank_figure_keeps_it(tmp_path: Path) -> None:
    """A daily sheet's blank figure writes no snapshot, as before; the load now says which
    stored figure it kept, naming the metric."""
    space = workspace(tmp_path)
    first = load(space, FOLLOWERS)
    figures = "SELECT key, value FROM metric_snapshots WHERE source = 'linkedin' ORDER BY key"
    snapshots = stored(space, figures)
    again = redownload(
        FOLLOWERS, tmp_path / "downloads" / FOLLOWERS.name, {1: ["Organic followers"]}
    )
    result = load(space, again)
    assert stored(space, figures) == snapshots
    assert result.read == first.read - 1  # the blank is no record
    assert (result.loaded, result.updated, result.unchanged) == (0, 0, first.loaded - 1)
    assert only_notice(result, "new_followers_organic").startswith(
        "new_followers_organic: 1 blank cell kept the value loaded earlier (first at line 4, "
        f"stored from {FOLLOWERS})"
    )


def test_a_linkedin_posts_sheet_with_a_blank_split_figure_keeps_it(tmp_path: Path) -> None:
    """A boosted post's Sponsored row with a blank count writes no split snapshot, as
    before; the load now names the metric whose stored figure it kept."""
    space = workspace(tmp_path)
    first = load(space, BOOSTED)
    figures = "SELECT key, value FROM metric_snapshots WHERE source = 'linkedin' ORDER BY key"
    snapshots = stored(space, figures)
    assert len(snapshots) == 32  # the split of the three boosted posts
    # The webinar's Sponsored row (line 5) with its Clicks blank; its Total row is whole.
    again = redownload(BOOSTED, tmp_path / "downloads" / BOOSTED.name, {2: ["Clicks"]})
    result = load(space, again)
    assert stored(space, figures) == snapshots
    assert result.read == first.read - 1  # the blank is no record
    assert (result.loaded, result.updated, result.unchanged) == (0, 0, first.loaded - 1)
    assert only_notice(result, "clicks_sponsored").startswith(
        "clicks_sponsored: 1 blank cell kept the value loaded earlier (first at line 5, "
        f"stored from {BOOSTED})"
    )


def test_loading_the_same_bytes_again_gives_the_notices_as_the_earlier_ingests(
    tmp_path: Path,
) -> None:
    """The same bytes again are "already loaded": nothing is read, so the blanks' notice
    is the earlier ingest's, and it says so rather than reading as if values were kept
    again. Text, JSON and `outcomes history` all keep it."""
    space = workspace(tmp_path)
    load(space, META_POSTS)
    again = redownload(META_POSTS, tmp_path / "downloads" / META_POSTS.name, {0: ["Comments"]})
    first = load(space, again)
    comments = only_notice(first, "comments")
    reported = f"as ingest {first.ingest_id} reported: {comments}"

    text = CliRunner().invoke(app, ["ingest", "meta", str(again), "-w", str(tmp_path)])
    assert text.exit_code == 1, text.output  # post 113's rejection, reported again
    warnings = [line for line in text.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {again}: {reported}"]
    as_json = CliRunner().invoke(
        app, ["ingest", "meta", str(again), "-w", str(tmp_path), "--format", "json"]
    )
    (summary,) = json.loads(as_json.stdout)
    assert summary["already_loaded"] and summary["ingest_id"] == first.ingest_id
    assert summary["notices"] == [reported]

    # The history lists the load that warned once, under its own id; the repeats add none.
    history = CliRunner().invoke(app, ["history", "-w", str(tmp_path), "--format", "json"])
    entries = [e for e in json.loads(history.stdout) if e["file"] == named(again, tmp_path)]
    assert [(e["ingest_id"], e["notices"]) for e in entries] == [(first.ingest_id, [comments])]
