"""`outcomes ingest` and `outcomes unplanned` through the command line, on a real workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.warehouse.connection import Warehouse
from outcomes.workspace import init_workspace

runner = CliRunner()

ORDERS = """\
[csv.orders]
files = ["exports/orders-*.csv"]
table = "conversions"
key = ["Order"]
[csv.orders.columns]
ts = "Date"
value = "Amount"
[csv.orders.values]
type = "order"
"""

CONFIG = """\
[csv.newsletter]
files = ["exports/newsletter-*.csv"]
table = "touchpoints"
[csv.newsletter.columns]
journey_id = "Email"
ts = "Sent at"
utm_campaign = "Campaign"
"""


NAIVE = (
    "1 time of day without a zone (such as '2026-03-02 09:00') read as UTC; if the file writes "
    'local times, set timezone in its mapping (timezone = "America/Chicago" in its [csv.NAME] '
    "table of outcomes.toml, or load it with --timezone ZONE) to read them in that zone"
)
"""The newsletter's 09:00, written without a zone."""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path, example="northwind")
    (tmp_path / "outcomes.toml").write_text(CONFIG)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "newsletter-2026-03.csv").write_text(
        "Email,Sent at,Campaign\na@x.com,2026-03-02 09:00,newsletter\nb@x.com,yesterday,newsletter\n"
    )
    (exports / "notes.txt").write_text("not an export")
    (exports / "survey.csv").write_text("Question,Answer\nWould you come back?,Yes\n")
    return tmp_path


def test_ingest_named_files_uses_the_workspace_mapping(workspace: Path) -> None:
    file = workspace / "exports" / "newsletter-2026-03.csv"
    result = runner.invoke(
        app, ["ingest", "csv", str(file), "-w", str(workspace), "--format", "json"]
    )
    assert result.exit_code == 1, result.output  # one row was rejected
    [summary] = json.loads(result.stdout)
    assert summary == {
        "file": str(file), "source": "csv", "ingest_id": 1, "already_loaded": False,
        "read_again": None, "read": 2, "loaded": 1, "updated": 0, "unchanged": 0, "rejected": 1,
        "ignored": 0,
        "ignored_by_reason": {}, "changed_columns": {}, "notices": [NAIVE],
    }  # fmt: skip
    assert (
        f"rejected {file}:3 [Sent at]: expected a date and time, got 'yesterday'" in result.stderr
    )


def test_ingest_auto_takes_one_file_as_it_takes_a_folder(workspace: Path) -> None:
    """`--auto` on a file recognises it by its content; it used to say "not a folder"."""
    file = workspace / "exports" / "newsletter-2026-03.csv"
    command = ["ingest", "--auto", str(file), "-w", str(workspace), "-f", "json"]
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output  # its one bad row
    [summary] = json.loads(result.stdout)
    assert (summary["source"], summary["loaded"], summary["rejected"]) == ("csv", 1, 1)
    missing = runner.invoke(app, ["ingest", "--auto", str(workspace / "nowhere.csv"),
                                  "-w", str(workspace)])  # fmt: skip
    assert missing.exit_code == 2
    assert "nowhere.csv: no such file or folder" in missing.stderr


def test_ingest_auto_loads_mapped_files_and_reports_the_unknown(workspace: Path) -> None:
    command = ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    result = runner.invoke(app, command, env={"COLUMNS": "250"})
    assert result.exit_code == 1
    [line] = [row for row in result.stdout.splitlines() if "newsletter-2026-03.csv" in row]
    # read, loaded, updated, unchanged, rejected, ignored
    assert line.split()[1:] == ["csv", "2", "1", "0", "0", "1", "0"]
    assert "not loaded:" in result.stderr and "survey.csv: format not recognised" in result.stderr
    assert "notes.txt: not an export (a text file with no header row of columns)" in result.stderr
    again = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace), "-f", "json"]
    )
    # The file was loaded before: nothing loads again, and its rejected row is reported again.
    assert again.exit_code == 1
    loaded = [item for item in json.loads(again.stdout) if item.get("source") == "csv"]
    assert [(i["already_loaded"], i["read"], i["loaded"], i["unchanged"], i["rejected"])
            for i in loaded] == [(True, 2, 0, 1, 1)]  # fmt: skip
    assert "[Sent at]: expected a date and time, got 'yesterday'" in again.stderr


def test_ingest_unknown_source_suggests_one(workspace: Path) -> None:
    result = runner.invoke(app, ["ingest", "linkdin", "x.csv", "-w", str(workspace)])
    assert result.exit_code == 2
    assert "no source 'linkdin' (did you mean 'linkedin'?)" in result.stderr


def test_ingest_missing_file_is_an_error_not_a_traceback(workspace: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "csv", str(workspace / "nope.csv"), "-w", str(workspace)]
    )
    assert result.exit_code == 2
    assert "nope.csv: no such file" in result.stderr


def test_ingest_needs_a_source_and_files(workspace: Path) -> None:
    result = runner.invoke(app, ["ingest", "csv", "-w", str(workspace)])
    assert result.exit_code == 2
    assert "name a source and at least one file" in result.stderr


def test_bad_config_is_one_line(workspace: Path) -> None:
    (workspace / "outcomes.toml").write_text(
        '[csv.x]\nfiles = "*.csv"\ntable = "tweets"\ncolumns = {}\n'
    )
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert result.exit_code == 2
    assert "outcomes.toml: [csv.x]: table must be one of" in result.stderr


def test_unplanned_on_an_empty_warehouse(workspace: Path) -> None:
    result = runner.invoke(app, ["unplanned", "-w", str(workspace)])
    assert result.exit_code == 0
    assert "No activities in the warehouse yet" in result.stdout


TIMESHEETS = """\
[csv.timesheets]
files = ["exports/time-*.csv"]
table = "costs"
date_order = "mdy"
[csv.timesheets.columns]
date = "Start Date"
tactic = "Project"
person = "User"
hours = "Duration (decimal)"
amount = "Cost Amount (EUR)"
[csv.timesheets.values]
kind = "{kind}"
"""


def test_a_timesheet_gets_its_kind_from_the_mappings_values(workspace: Path) -> None:
    (workspace / "outcomes.toml").write_text(TIMESHEETS.format(kind="People"))
    (workspace / "exports" / "time-2026.csv").write_text(
        "Project,User,Start Date,Duration (decimal),Cost Amount (EUR)\n"
        "li-rep-insights,Ana Silva,03/06/2026,1.50,105.00\n"
        "li-rep-insights,Bo Lindqvist,03/06/2026,half an hour,35.00\n"
    )
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert result.exit_code == 1  # Bo's line is rejected, and said so
    assert "time-2026.csv:3 [Duration (decimal)]" in result.stderr
    with Warehouse.open(workspace) as w:
        rows = w.duckdb.execute(
            "SELECT tactic, date, kind, hours, person, amount FROM costs"
        ).fetchall()
    assert rows == [("li-rep-insights", dt.date(2026, 3, 6), "people", 1.5, "Ana Silva", 105.0)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ('kind = "wages"', "the value given for 'kind' does not fit: expected one of"),
        ('hours = "2"', "'hours' is in both columns and values"),
        ("kind = 3", "values must give warehouse columns one text each"),
    ],
)
def test_values_that_cannot_work_are_one_line(workspace: Path, values: str, message: str) -> None:
    config = TIMESHEETS.format(kind="people").replace('kind = "people"', values)
    (workspace / "outcomes.toml").write_text(config)
    (workspace / "exports" / "time-2026.csv").write_text(
        "Project,User,Start Date,Duration (decimal),Cost Amount (EUR)\n"
        "li-rep-insights,Ana Silva,03/06/2026,1.50,105.00\n"
    )
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_column_of_dates_that_read_both_ways_needs_the_date_order(workspace: Path) -> None:
    visits = workspace / "exports" / "newsletter-2026-04.csv"
    visits.write_text("Email,Sent at,Campaign\na@x.com,09/01/2026,n\nb@x.com,03/02/2026,n\n")
    refused = runner.invoke(app, ["ingest", "csv", str(visits), "-w", str(workspace)])
    assert refused.exit_code == 2
    assert "column 'Sent at' has dates such as 09/01/2026 (line 2)" in refused.stderr
    assert "--date-order" in refused.stderr and "Traceback" not in refused.output
    loaded = runner.invoke(
        app, ["ingest", "csv", str(visits), "-w", str(workspace), "--date-order", "dmy"]
    )
    assert loaded.exit_code == 0, loaded.output
    with Warehouse.open(workspace) as warehouse:
        days = warehouse.duckdb.execute("SELECT ts FROM touchpoints ORDER BY ts").fetchall()
    assert [day.date() for (day,) in days] == [dt.date(2026, 1, 9), dt.date(2026, 2, 3)]


def test_the_workspace_date_order_applies_to_every_file(workspace: Path) -> None:
    (workspace / "outcomes.toml").write_text('date_order = "mdy"\n' + CONFIG)
    visits = workspace / "exports" / "newsletter-2026-04.csv"
    visits.write_text("Email,Sent at,Campaign\na@x.com,09/01/2026,n\n")
    result = runner.invoke(app, ["ingest", "csv", str(visits), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    with Warehouse.open(workspace) as warehouse:
        [(day,)] = warehouse.duckdb.execute("SELECT ts FROM touchpoints").fetchall()
    assert day.date() == dt.date(2026, 9, 1)


def test_the_workspace_date_order_leaves_a_platforms_own_notation(workspace: Path) -> None:
    # A UK business writes `date_order = "dmy"` for its own files; Meta Business Suite
    # writes month first whatever the locale, so its 09/01/2026 is still 1 September (main
    # read it as 9 January, exit 0). Said on the command line, of the file, it still counts.
    (workspace / "outcomes.toml").write_text('date_order = "dmy"\n' + CONFIG)
    posts = workspace / "exports" / "facebook-posts.csv"
    posts.write_text(
        "Post ID,Page ID,Page name,Description,Publish time\n"
        "1_1,1,Ridgeway Cycles,New term,09/01/2026 12:00\n"
        "1_2,1,Ridgeway Cycles,Rides,10/03/2026 09:00\n"
    )
    visits = workspace / "exports" / "newsletter-2026-04.csv"
    visits.write_text("Email,Sent at,Campaign\na@x.com,09/01/2026,n\n")
    for source, path in (("meta", posts), ("csv", visits)):
        loaded = runner.invoke(app, ["ingest", source, str(path), "-w", str(workspace)])
        assert loaded.exit_code == 0, loaded.output
    with Warehouse.open(workspace) as warehouse:
        published = warehouse.duckdb.execute("SELECT ts FROM activities ORDER BY ts").fetchall()
        [(sent,)] = warehouse.duckdb.execute("SELECT ts FROM touchpoints").fetchall()
    assert [day.date() for (day,) in published] == [dt.date(2026, 9, 1), dt.date(2026, 10, 3)]
    assert sent.date() == dt.date(2026, 1, 9)  # our own file: day first, as the workspace says
    told = runner.invoke(
        app, ["ingest", "meta", str(posts), "-w", str(workspace), "--date-order", "dmy"]
    )
    assert told.exit_code == 0, told.output
    with Warehouse.open(workspace) as warehouse:
        published = warehouse.duckdb.execute("SELECT ts FROM activities ORDER BY ts").fetchall()
    assert [day.date() for (day,) in published] == [dt.date(2026, 1, 9), dt.date(2026, 3, 10)]


def test_a_bad_date_order_in_the_config_is_one_line(workspace: Path) -> None:
    (workspace / "outcomes.toml").write_text('date_order = "dym"\n' + CONFIG)
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert result.exit_code == 2
    assert "date_order must be one of dmy, mdy, ymd" in result.stderr


def test_auto_names_the_closest_connector_of_a_file_it_did_not_load(workspace: Path) -> None:
    # A HubSpot contacts export without its Record ID column: no connector claims it.
    (workspace / "exports" / "contacts.csv").write_text(
        "First Name,Email,Lifecycle Stage,Original Source,Create Date\n"
        "Ada,ada@example.com,Lead,Organic social,2026-01-05 09:30\n"
    )
    command = ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    result = runner.invoke(app, [*command, "-f", "json"])
    assert result.exit_code == 1
    [unknown] = [i for i in json.loads(result.stdout) if i["file"].endswith("contacts.csv")]
    assert (unknown["closest"], unknown["missing_headers"]) == ("hubspot", ["Record ID"])
    text = runner.invoke(app, command)
    assert "contacts.csv: format not recognised; closest connector: hubspot" in text.stderr
    assert "lacks 'Record ID'" in text.stderr


def test_the_workspace_decimal_mark_reads_amounts_no_value_tells(workspace: Path) -> None:
    (workspace / "outcomes.toml").write_text('decimal_mark = "comma"\n' + ORDERS)
    orders = workspace / "exports" / "orders-2026.csv"
    orders.write_text('Order,Date,Amount\nA1,2026-03-14,"€1.234"\nA2,2026-03-15,"€5.000"\n')
    runner.invoke(app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)])
    with Warehouse.open(workspace) as warehouse:
        values = warehouse.duckdb.execute("SELECT value FROM conversions ORDER BY value").fetchall()
    assert values == [(1234.0,), (5000.0,)]


INBOX = """\
[csv.inbox]
files = ["exports/inbox-*.csv"]
table = "activities"
[csv.inbox.columns]
native_id = "Message ID"
channel = "Network"
kind = "Type"
ts = "Date"
[csv.inbox.value_map]
{value_map}
"""


def test_a_value_map_reads_inbound_messages_and_every_row_is_accounted_for(
    workspace: Path,
) -> None:
    (workspace / "outcomes.toml").write_text(
        INBOX.format(value_map='kind = {Message = "message_in", Answer = "reply"}')
    )
    (workspace / "exports" / "inbox-2026.csv").write_text(
        "Message ID,Network,Type,Date\n"
        "1,X,Message,2026-03-02 09:00\n"
        "2,X,Answer,2026-03-02 09:20\n"
        "3,X,zzz,2026-03-02 09:30\n"
        "4,X,mention,2026-03-02 09:40\n"
    )
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace), "-f", "json"]
    )
    assert result.exit_code == 1, result.output  # the zzz row is rejected, and said so
    [summary] = [s for s in json.loads(result.stdout) if s.get("source") == "csv"]
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (4, 3, 1)
    counted = ("loaded", "updated", "unchanged", "rejected", "ignored")
    assert summary["read"] == sum(summary[k] for k in counted)
    assert "inbox-2026.csv:4 [Type]: expected one of post, reply," in result.stderr
    with Warehouse.open(workspace) as w:
        kinds = w.duckdb.execute("SELECT native_id, kind FROM activities ORDER BY 1").fetchall()
    assert kinds == [("1", "message_in"), ("2", "reply"), ("4", "mention")]


@pytest.mark.parametrize(
    ("value_map", "message"),
    [
        ('kind = {Message = "inbound"}', "value_map 'kind' maps 'Message' to 'inbound', which is"),
        ('channel = {X = "x"}', "only a column with a closed vocabulary takes a value map"),
        ('kind = "message_in"', "value_map 'kind' must map the export's values to ours"),
        ('author = {A = "b"}', "only a column with a closed vocabulary"),
    ],
)
def test_value_maps_that_cannot_work_are_one_line(
    workspace: Path, value_map: str, message: str
) -> None:
    (workspace / "outcomes.toml").write_text(INBOX.format(value_map=value_map))
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "[csv.inbox]" in result.stderr and "Traceback" not in result.output


def test_a_value_map_of_a_column_the_mapping_does_not_read_is_refused(workspace: Path) -> None:
    config = INBOX.format(value_map='kind = {Message = "message_in"}').replace(
        'kind = "Type"\n', ""
    )
    (workspace / "outcomes.toml").write_text(config)
    result = runner.invoke(
        app, ["ingest", "--auto", str(workspace / "exports"), "-w", str(workspace)]
    )
    assert result.exit_code == 2
    assert "value_map 'kind': the mapping does not read 'kind'" in result.stderr, result.stderr


KPIS = """\
[csv.churn]
files = ["exports/kpis-*.csv"]
table = "metric_snapshots"
[csv.churn.columns]
date = "Month"
value = "Churn rate (%)"
[csv.churn.values]
metric = "churn_rate"
channel = "other"
entity = "Shop"
entity_kind = "organisation"

[csv.support]
files = ["exports/kpis-*.csv"]
table = "metric_snapshots"
[csv.support.columns]
date = "Month"
value = "Support cost (EUR)"
[csv.support.values]
metric = "support_cost"
channel = "other"
entity = "Shop"
entity_kind = "organisation"
"""


@pytest.mark.parametrize("named", [True, False], ids=["named", "auto"])
def test_a_file_two_mappings_match_is_refused_not_read_by_the_first(
    workspace: Path, named: bool
) -> None:
    # Read by [csv.churn] alone, the support cost would be lost with exit 0.
    (workspace / "outcomes.toml").write_text(KPIS)
    file = workspace / "exports" / "kpis-2026.csv"
    file.write_text("Month,Churn rate (%),Support cost (EUR)\n2026-01-31,5.9,2980\n")
    target = ["csv", str(file)] if named else ["--auto", str(file.parent)]
    result = runner.invoke(app, ["ingest", *target, "-w", str(workspace)])
    assert result.exit_code == 2, result.output
    assert (
        f"{file}: [csv.churn] and [csv.support] in outcomes.toml both match this file"
        in result.stderr
    )
    assert "Traceback" not in result.output
    with Warehouse.open(workspace) as warehouse:
        assert warehouse.duckdb.sql("SELECT count(*) FROM metric_snapshots").fetchall() == [(0,)]


def test_timezone_reads_a_mapped_csvs_times_in_that_zone(workspace: Path) -> None:
    """Before: no such option (exit 2, 'No such option: --timezone'); the zone could only
    be set in outcomes.toml. After: 09:00 in Chicago on 2 March (CST) is 15:00 UTC."""
    file = workspace / "exports" / "newsletter-2026-03.csv"
    result = runner.invoke(
        app,
        ["ingest", "csv", str(file), "-w", str(workspace), "--timezone", "America/Chicago",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # the 'yesterday' row is rejected
    [summary] = json.loads(result.stdout)
    assert (summary["loaded"], summary["notices"]) == (1, [])
    with Warehouse.open(workspace) as w:
        [(ts,)] = w.duckdb.execute("SELECT ts FROM touchpoints").fetchall()
    assert ts == dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


def test_a_timezone_that_names_no_zone_is_a_one_line_error(workspace: Path) -> None:
    file = workspace / "exports" / "newsletter-2026-03.csv"
    for zone, source in (("Mars/Olympus", "csv"), ("Europe/Paris", "linkedin")):
        result = runner.invoke(
            app, ["ingest", source, str(file), "-w", str(workspace), "--timezone", zone]
        )
        assert result.exit_code == 2, result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and "Traceback" not in result.output
        assert ("not an IANA time zone name" in line) == (source == "csv"), line
    with Warehouse.open(workspace) as w:
        assert w.duckdb.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


def test_the_table_names_files_from_the_folder_they_share(workspace: Path) -> None:
    """The folder is said once above the table, not in every row, where a terminal folded
    it with the name ("/tmp/…/expor" / "ts/newslet" / …) over several lines."""
    exports = workspace / "exports"
    (exports / "newsletter-2026-04.csv").write_text(
        "Email,Sent at,Campaign\nc@x.com,2026-04-06 09:00+00:00,newsletter\n"
    )
    files = [str(exports / "newsletter-2026-03.csv"), str(exports / "newsletter-2026-04.csv")]
    result = runner.invoke(
        app, ["ingest", "csv", *files, "-w", str(workspace)], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 1, result.output  # 'yesterday' in the first file
    lines = result.stdout.splitlines()
    assert lines[0] == f"files in {exports}/"
    assert [line.split()[:2] for line in lines[2:4]] == [
        ["newsletter-2026-03.csv", "csv"],
        ["newsletter-2026-04.csv", "csv"],
    ]
    assert str(exports) not in "\n".join(lines[1:])
