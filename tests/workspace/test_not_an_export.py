"""`ingest --auto` on a folder holding a README, a PDF and a screenshot beside real exports:
each is skipped as no export, in one line naming it, and offered no connector; a CSV near
a known format still is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from outcomes.sources.closest import not_an_export
from tests.workspace.companies import cli

SIXTHCO = Path(__file__).parent / "fixtures" / "sixthco"
SALESFORCE = "exports/salesforce/report1764547200000.csv"
README = """\
# Exports

Saved from Salesforce each quarter, with the columns:

Opportunity Name, Stage, Amount, Close Date

Load them with `outcomes ingest --auto exports`.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of a real Salesforce report, with a README, a PDF and a PNG beside it."""
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(SIXTHCO / "plan.yaml", tmp_path / "plan.yaml")
    shutil.copy(SIXTHCO / SALESFORCE, exports / "opportunities.csv")
    (exports / "README.md").write_text(README, encoding="utf-8")
    (exports / "brief.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (exports / "dashboard.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return tmp_path


def test_auto_skips_what_is_plainly_no_export_and_loads_the_rest(folder: Path) -> None:
    result = cli(folder, "ingest", "--auto", str(folder / "exports"))
    assert result.exit_code == 0, result.output  # skipped files are no finding
    exports = folder / "exports"
    assert f"skipped: {exports / 'README.md'}: not an export (a .md document)" in result.stderr
    assert f"skipped: {exports / 'brief.pdf'}: not an export (a .pdf document)" in result.stderr
    assert f"skipped: {exports / 'dashboard.png'}: not an export (a .png document)" in (
        result.stderr
    )
    assert "closest connector" not in result.stderr
    assert "not loaded" not in result.stderr


def test_the_json_lists_each_skipped_file_with_why(folder: Path) -> None:
    result = cli(folder, "ingest", "--auto", str(folder / "exports"), "--format", "json")
    items = json.loads(result.stdout)
    [loaded] = [i for i in items if i["source"] == "salesforce"]
    assert loaded["loaded"] > 0
    readme = str(folder / "exports" / "README.md")
    assert [i for i in items if i["file"] == readme] == [
        {"file": readme, "source": None, "skipped": "not an export (a .md document)"}
    ]


def test_a_csv_near_a_known_format_still_names_its_closest_connector(folder: Path) -> None:
    # A Salesforce report without its Opportunity ID and Stage: no connector claims it.
    (folder / "exports" / "deals.csv").write_text(
        "Opportunity Name,Amount,Close Date\nBig roof,1200,2026-03-02\n",
        encoding="utf-8",
    )
    result = cli(folder, "ingest", "--auto", str(folder / "exports"))
    assert result.exit_code == 1
    assert "deals.csv: format not recognised; closest connector: salesforce" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.txt", "Call Ada, Monday.\nAsk about the spring budget\n"),
        ("NOTES", "Things to do\n- load exports\n"),
    ],
)
def test_text_without_a_header_row_is_no_export(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert not_an_export(path) == "a text file with no header row of columns"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("export.txt", "Date\tVisits\n2026-03-02\t120\n"),  # tab-separated: an export
        ("report.csv", "just one line of prose, really\n"),  # a .csv is always compared
    ],
)
def test_a_delimited_text_or_any_csv_may_be_an_export(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert not_an_export(path) is None


LIKES = """window.YTD.like.part0 = [
  {
    "like" : {
      "tweetId" : "2107000000000000001",
      "fullText" : "A tip worth keeping",
      "expandedUrl" : "https://twitter.com/i/web/status/2107000000000000001"
    }
  }
]"""
FOLLOWERS = """window.YTD.follower.part0 = [
  {
    "follower" : {
      "accountId" : "1400000000000000999",
      "userLink" : "https://twitter.com/intent/user?user_id=1400000000000000999"
    }
  }
]"""


def test_the_x_archive_s_other_files_are_skipped_as_what_they_hold(tmp_path: Path) -> None:
    """A real X archive's `data/` folder holds some sixty files beside the tweets and the
    direct messages; before, each was "format not recognised" and the load exited 1."""
    data = tmp_path / "data"
    shutil.copytree(SIXTHCO / "exports" / "x" / "sagebrookhelp" / "data", data)
    (data / "like.js").write_text(LIKES, encoding="utf-8")
    (data / "follower.js").write_text(FOLLOWERS, encoding="utf-8")
    shutil.copy(SIXTHCO / "plan.yaml", tmp_path / "plan.yaml")

    result = cli(tmp_path, "ingest", "--auto", str(data))

    assert result.exit_code == 0, result.output
    for name, kind in (("like.js", "like"), ("follower.js", "follower")):
        line = f"skipped: {data / name}: not an export (the X archive's {kind} file, which"
        assert line in result.stderr
    assert "not recognised" not in result.stderr
    assert not_an_export(data / "tweets.js") is None  # the connector's, never skipped
