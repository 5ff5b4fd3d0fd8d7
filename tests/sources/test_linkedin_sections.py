"""LinkedIn exports as they really come: boosted posts on three rows, stacked workbook CSVs.

A boosted post is on an `Organic`, a `Sponsored` and a `Total` row of "All posts"; a
followers or visitors workbook saved as one CSV stacks its demographic sheets after the
daily table. Totals are checked against the file's own numbers, read here with `csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from outcomes.sources import ReadOptions, Rejected, Row
from outcomes.sources.base import Ignored, Parsed
from outcomes.sources.linkedin import DEMOGRAPHIC_SHEET, LinkedIn
from outcomes.sources.linkedin_posts import REPEATED_ROW
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parent / "fixtures" / "linkedin"
BOOSTED = FIXTURES / "northwind-ltd_content_boosted_1769904000000.csv"
STACKED = FIXTURES / "northwind-ltd_followers_1769904000000.csv"
URN = "urn:li:activity:71500000000000000"


def parse(path: Path, account: str | None = None) -> list[Parsed]:
    return list(LinkedIn().read(path, ReadOptions(account=account)))


def file_rows(path: Path, skip: int = 1) -> list[dict[str, str]]:
    """The CSV's data rows under its header, read with the standard library."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = handle.readlines()[skip:]
    return list(csv.DictReader(lines))


def number(text: str) -> int:
    return int(text.replace(",", "")) if text else 0


def file_totals(path: Path, column: str) -> dict[str, int]:
    """Per post link: its `Total` row's number, else the sum of its rows (what it reached)."""
    rows = file_rows(path)
    totals = {r["Post link"]: number(r[column]) for r in rows if r["Post type"] == "Total"}
    for r in rows:
        if not any(t["Post link"] == r["Post link"] and t["Post type"] == "Total" for t in rows):
            totals[r["Post link"]] = totals.get(r["Post link"], 0) + number(r[column])
    return totals


def test_each_post_is_one_activity_with_its_total_counts() -> None:
    parsed = parse(BOOSTED)

    activities = [p.values for p in parsed if isinstance(p, Row) and p.table == "activities"]
    assert not [p for p in parsed if isinstance(p, Rejected | Ignored)]
    by_url = {a["url"]: a for a in activities}
    assert len(activities) == len(by_url) == 4
    for column, count in (("Impressions", "impressions"), ("Clicks", "clicks"),
                          ("Likes", "reactions"), ("Comments", "comments"),
                          ("Reposts", "shares")):  # fmt: skip
        assert {url: a[count] for url, a in by_url.items()} == file_totals(BOOSTED, column)
    webinar = by_url["https://www.linkedin.com/feed/update/" + URN + "12"]
    # The Total row's numbers, not the organic row's that came first.
    assert (webinar["impressions"], webinar["views"], webinar["clicks"]) == (50_000, 2305, 553)
    assert webinar["campaign"] == "Webinar Feb"  # the organic row has no campaign name
    assert webinar["ts"] == dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    hiring = by_url["https://www.linkedin.com/feed/update/" + URN + "14"]
    assert hiring["impressions"] == 700 + 3300  # organic and sponsored, no Total row: summed
    assert hiring["campaign"] == "Hiring"


def test_a_boosted_post_keeps_its_organic_and_sponsored_split() -> None:
    parsed = parse(BOOSTED)

    snapshots = [p.values for p in parsed if isinstance(p, Row) and p.table == "metric_snapshots"]
    split = {(s["entity"], s["metric"]): s["value"] for s in snapshots}
    assert len(split) == len(snapshots)
    assert {(s["entity_kind"], s["channel"]) for s in snapshots} == {("post", "linkedin")}
    # The organic-only post has no split; each boosted one has both halves.
    assert {entity for entity, _ in split} == {URN + "12", URN + "13", URN + "14"}
    for row in file_rows(BOOSTED):
        kind = row["Post type"].lower()
        entity = row["Post link"].rsplit("/", 1)[1]
        if kind != "total" and entity in {URN + "12", URN + "13", URN + "14"}:
            assert split[(entity, f"impressions_{kind}")] == number(row["Impressions"])
            assert split[(entity, f"reposts_{kind}")] == number(row["Reposts"])
    totals = file_totals(BOOSTED, "Impressions")
    for entity in (URN + "12", URN + "13"):
        halves = split[(entity, "impressions_organic")] + split[(entity, "impressions_sponsored")]
        assert halves == totals["https://www.linkedin.com/feed/update/" + entity]
    assert (URN + "12", "views_sponsored") in split
    assert (URN + "13", "views_sponsored") not in split  # an empty cell is no snapshot


def test_ingest_stores_the_totals_once_and_accounts_for_every_row(warehouse: Warehouse) -> None:
    result = ingest_file(warehouse, LinkedIn(), BOOSTED)

    assert result.balanced
    assert (result.rejected, result.updated, dict(result.ignored)) == (0, 0, {})
    con = warehouse.duckdb
    stored = con.execute("SELECT url, impressions FROM activities").fetchall()
    assert dict(stored) == file_totals(BOOSTED, "Impressions")
    organic, sponsored = con.execute(
        "SELECT sum(value) FILTER (metric = 'impressions_organic'),"
        " sum(value) FILTER (metric = 'impressions_sponsored') FROM metric_snapshots"
    ).fetchall()[0]
    rows = file_rows(BOOSTED)
    boosted = {r["Post link"] for r in rows if r["Post type"] == "Sponsored"}
    assert organic == sum(
        number(r["Impressions"]) for r in rows if r["Post type"] == "Organic"
        and r["Post link"] in boosted
    )  # fmt: skip
    assert sponsored == sum(number(r["Impressions"]) for r in rows if r["Post type"] == "Sponsored")
    again = ingest_file(warehouse, LinkedIn(), BOOSTED)
    assert again.already_loaded


def posts_file(tmp_path: Path, *rows: str) -> Path:
    header = "Post title,Post link,Post type,Campaign name,Date,Impressions,Clicks\n"
    path = tmp_path / "posts.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_second_row_of_one_type_is_rejected_and_an_exact_copy_ignored(tmp_path: Path) -> None:
    link = "https://www.linkedin.com/feed/update/" + URN + "20"
    path = posts_file(
        tmp_path,
        f"Launch,{link},Organic,,01/05/2026,100,4",
        f"Launch,{link},Organic,,01/05/2026,100,4",
        f"Launch,{link},Organic,,01/05/2026,120,4",
        f"Launch,{link},Total,,01/05/2026,900,30",
        f"Launch,{link},Sponsored,Q1,01/05/2026,800,26",
    )

    parsed = parse(path)

    assert [(p.line, p.reason) for p in parsed if isinstance(p, Ignored)] == [(3, REPEATED_ROW)]
    rejected = [p for p in parsed if isinstance(p, Rejected)]
    assert [(r.line, r.column) for r in rejected] == [(4, "Post type")]
    assert "a second Organic row for this post (the first is line 2)" in rejected[0].reason
    activity = next(p for p in parsed if isinstance(p, Row) and p.table == "activities")
    assert (activity.values["impressions"], activity.values["campaign"]) == (900, "Q1")


def test_an_untyped_row_among_several_rows_of_a_post_is_rejected(tmp_path: Path) -> None:
    link = "https://www.linkedin.com/feed/update/" + URN + "21"
    path = posts_file(
        tmp_path, f"Launch,{link},Total,,01/05/2026,900,30", f"Launch,{link},,,01/05/2026,100,4"
    )

    parsed = parse(path)

    assert [(p.line, p.column) for p in parsed if isinstance(p, Rejected)] == [(3, "Post type")]
    assert [p.values["impressions"] for p in parsed if isinstance(p, Row)] == [900]


def stacked_sections(path: Path) -> int:
    """Non-blank lines after the daily table of a stacked CSV: its demographic sections."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Location: Table 1"))
    return sum(1 for line in lines[first:] if line.strip(", "))


def test_a_stacked_followers_csv_reads_the_daily_table_and_ignores_the_sections(
    warehouse: Warehouse,
) -> None:
    result = ingest_file(warehouse, LinkedIn(), STACKED)

    assert result.balanced
    assert result.rejected == 0
    assert dict(result.ignored) == {DEMOGRAPHIC_SHEET: stacked_sections(STACKED)}
    daily = [r for r in file_rows(STACKED) if r["Date"][:1].isdigit()][:3]
    stored = warehouse.duckdb.execute(
        "SELECT entity, sum(value) FROM metric_snapshots WHERE metric = 'new_followers_total'"
        " GROUP BY entity"
    ).fetchall()
    assert stored == [("northwind-ltd", sum(number(r["Total followers"]) for r in daily))]
    assert result.loaded == 4 * len(daily)


def test_a_section_without_its_heading_line_is_recognised_by_its_header(tmp_path: Path) -> None:
    path = tmp_path / "visitors.csv"
    path.write_text(
        "Date,Total page views (total),Total unique visitors (total)\n"
        "01/01/2026,29,22\n"
        "\n"
        "Industry,Total views\n"
        "Software Development,40\n",
        encoding="utf-8",
    )

    parsed = parse(path, account="Northwind Ltd")

    assert [(p.line, p.reason) for p in parsed if isinstance(p, Ignored)] == [
        (4, DEMOGRAPHIC_SHEET),
        (5, DEMOGRAPHIC_SHEET),
    ]
    assert [p.values["value"] for p in parsed if isinstance(p, Row)] == [29, 22]
    assert not [p for p in parsed if isinstance(p, Rejected)]


def test_an_unknown_section_after_the_daily_table_is_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "content.csv"
    path.write_text(
        "Date,Impressions (total),Clicks (total)\n"
        "01/01/2026,500,20\n"
        "All posts: Table 1,,\n"
        "Post title,Post link,Date\n"
        "Launch,https://www.linkedin.com/feed/update/urn:li:activity:1,01/01/2026\n",
        encoding="utf-8",
    )

    parsed = parse(path, account="Northwind Ltd")

    rejected = [p for p in parsed if isinstance(p, Rejected)]
    assert [r.line for r in rejected] == [3]
    assert "the section 'All posts: Table 1' was not read" in rejected[0].reason
    assert len([p for p in parsed if isinstance(p, Row)]) == 2
