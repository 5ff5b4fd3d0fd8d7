"""An employee-advocacy export through the generic CSV connector, mapped as the README says.

Advocacy tools (shares and clicks per advocate per post) have no connector of their own:
the README documents an `outcomes.toml` mapping that turns each share into a repost by the
advocate. This test loads such a file through that mapping, as `outcomes ingest --auto`
does.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult
from outcomes.workspace.config import load_config
from outcomes.workspace.ingest import FileSettings, ingest_folder

EXPORT = Path(__file__).parent / "fixtures" / "advocacy" / "advocacy-shares-2026-03.csv"
# The mapping as the README documents it.
CONFIG = """\
[csv.advocacy]
files = ["exports/advocacy/*.csv"]
table = "activities"
key = ["Advocate", "Post URL"]
[csv.advocacy.columns]
author = "Advocate"
url = "Post URL"
text = "Post title"
ts = "Shared at"
channel = "Network"
clicks = "Clicks"
reactions = "Reactions"
comments = "Comments"
[csv.advocacy.values]
kind = "repost"
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[tuple[FileSettings, Warehouse]]:
    (tmp_path / "outcomes.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "exports" / "advocacy").mkdir(parents=True)
    shutil.copy(EXPORT, tmp_path / "exports" / "advocacy" / EXPORT.name)
    with Warehouse.open(tmp_path) as warehouse:
        yield FileSettings(tmp_path, load_config(tmp_path)), warehouse


def test_each_share_is_a_repost_by_its_advocate(workspace: tuple[FileSettings, Warehouse]) -> None:
    ws, warehouse = workspace
    outcomes, unknown = ingest_folder(warehouse, ws.root / "exports", workspace=ws)
    assert unknown == []
    [result] = outcomes
    assert isinstance(result, IngestResult)
    assert (result.source, result.read, result.loaded, result.rejected) == ("csv", 4, 4, 0)
    rows = warehouse.duckdb.execute(
        "SELECT author, kind, channel, ts, clicks, reactions FROM activities ORDER BY ts, author"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Ada Example", "repost", "linkedin", dt.datetime(2026, 3, 4, 10, 12, tzinfo=dt.UTC), 14, 22),
        ("Bo Example", "repost", "linkedin", dt.datetime(2026, 3, 4, 11, 40, tzinfo=dt.UTC), 6, 9),
        ("Ada Example", "repost", "x", dt.datetime(2026, 3, 6, 8, 5, tzinfo=dt.UTC), 3, 5),
        ("Cy Example", "repost", "facebook", dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.UTC), None, 2),
    ]  # fmt: skip
    # The export's own total of clicks, summed from its cells, is what was stored.
    text = EXPORT.read_text(encoding="utf-8").splitlines()[1:]
    clicks = sum(int(line.split(",")[5] or 0) for line in text)
    assert warehouse.duckdb.execute("SELECT sum(clicks) FROM activities").fetchone() == (clicks,)


def test_a_corrected_export_updates_the_shares_it_states(
    workspace: tuple[FileSettings, Warehouse],
) -> None:
    ws, warehouse = workspace
    ingest_folder(warehouse, ws.root / "exports", workspace=ws)
    target = ws.root / "exports" / "advocacy" / "advocacy-shares-2026-03-corrected.csv"
    target.write_text(
        EXPORT.read_text(encoding="utf-8").replace("LinkedIn,14,22,3", "LinkedIn,17,22,3"),
        encoding="utf-8",
    )
    outcomes, _ = ingest_folder(warehouse, ws.root / "exports", workspace=ws)
    corrected = [o for o in outcomes if isinstance(o, IngestResult) and not o.already_loaded]
    assert [(o.loaded, o.updated, o.unchanged) for o in corrected] == [(0, 1, 3)]
    assert warehouse.duckdb.execute(
        "SELECT clicks FROM activities WHERE author = 'Ada Example' AND channel = 'linkedin'"
    ).fetchone() == (17,)
