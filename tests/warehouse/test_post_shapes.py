"""One LinkedIn post is one record, whether its export has the Post link or not.

LinkedIn writes its posts sheet with and without the Post link column; the connector keys
a post by its link, else by its date and title. Loaded into a real warehouse in either
order, the two shapes of the same sheet store each post (and a boosted post's split) once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from outcomes.sources import get_source
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import ingest_file

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures" / "linkedin"
BOOSTED = FIXTURES / "northwind-ltd_content_boosted_1769904000000.csv"
WEBINAR = "https://www.linkedin.com/feed/update/urn:li:activity:7150000000000000012"


def reshaped(
    target: Path, *, link: bool = True, blank_link_of: str | None = None, day: str = ""
) -> Path:
    """The boosted sheet as LinkedIn writes it (a title line, then the header), without
    its Post link column, or with the link cell of the posts titled `blank_link_of` empty;
    `day` goes into the title line (another day's export of the same rows)."""
    title, *table = BOOSTED.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    title = title.replace("every 24 hours", f"every 24 hours{day}")
    rows = list(csv.reader(io.StringIO("".join(table))))
    column = rows[0].index("Post link")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if blank_link_of is not None and row[0] == blank_link_of:
            row[column] = ""
        writer.writerow(row if link else row[:column] + row[column + 1 :])
    target.write_text(title + out.getvalue(), encoding="utf-8")
    return target


def stored(warehouse: Warehouse) -> dict[str, list[tuple[object, ...]]]:
    con = warehouse.duckdb
    return {
        "posts": con.execute(
            "SELECT key, url, native_id, impressions FROM activities ORDER BY key"
        ).fetchall(),
        "splits": con.execute(
            "SELECT entity, metric, value FROM metric_snapshots ORDER BY entity, metric"
        ).fetchall(),
    }


def test_a_sheet_without_links_after_one_with_them_changes_nothing(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    linkedin = get_source("linkedin")
    ingest_file(warehouse, linkedin, reshaped(tmp_path / "full.csv"))
    before = stored(warehouse)

    again = ingest_file(warehouse, linkedin, reshaped(tmp_path / "bare.csv", link=False))

    assert (again.loaded, again.updated, again.rejected) == (0, 0, 0)
    assert again.balanced and again.unchanged == again.read
    assert stored(warehouse) == before
    assert any(url == WEBINAR for _, url, _, _ in before["posts"])


def test_a_sheet_with_links_after_one_without_fills_them_in(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    linkedin = get_source("linkedin")
    first = ingest_file(warehouse, linkedin, reshaped(tmp_path / "bare.csv", link=False))
    bare = stored(warehouse)
    assert all(url is None for _, url, _, _ in bare["posts"])

    full = ingest_file(warehouse, linkedin, reshaped(tmp_path / "full.csv"))

    posts = stored(warehouse)["posts"]
    assert full.loaded == 0 and full.rejected == 0
    assert full.updated == len(posts) == first.loaded - len(bare["splits"])
    # The posts keep the keys they were stored under, and gain their links.
    assert [key for key, *_ in posts] == [key for key, *_ in bare["posts"]]
    assert ("urn:li:activity:7150000000000000012", WEBINAR) in {
        (native_id, url) for _, url, native_id, _ in posts
    }
    assert stored(warehouse)["splits"] == bare["splits"]
    # A third export with links finds the posts by their links now.
    third = ingest_file(warehouse, linkedin, reshaped(tmp_path / "again.csv", day=", 3 Feb"))
    assert not third.already_loaded
    assert (third.loaded, third.updated, third.unchanged) == (0, 0, third.read)


def test_an_empty_link_cell_keeps_the_stored_link(warehouse: Warehouse, tmp_path: Path) -> None:
    linkedin = get_source("linkedin")
    ingest_file(warehouse, linkedin, reshaped(tmp_path / "full.csv"))
    before = stored(warehouse)

    blank = reshaped(tmp_path / "blank.csv", blank_link_of="Webinar: pricing for mid-size teams")
    again = ingest_file(warehouse, linkedin, blank)

    assert (again.loaded, again.updated, again.rejected) == (0, 0, 0)
    assert stored(warehouse) == before


def test_a_post_without_link_matching_two_stored_posts_is_rejected(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Two posts of a day with one title (a repost, say) cannot be told apart by a sheet
    without links: each of its rows is rejected, saying why, and nothing is stored."""
    linkedin = get_source("linkedin")
    header = "Post title,Post link,Date,Impressions\n"
    twins = tmp_path / "twins.csv"
    twins.write_text(
        header + f"Same words,{WEBINAR}1,01/20/2026,10\nSame words,{WEBINAR}2,01/20/2026,20\n",
        encoding="utf-8",
    )
    ingest_file(warehouse, linkedin, twins)
    bare = tmp_path / "bare-twins.csv"
    bare.write_text("Post title,Date,Impressions\nSame words,01/20/2026,30\n", encoding="utf-8")

    result = ingest_file(warehouse, linkedin, bare)

    assert (result.read, result.loaded, result.updated, result.rejected) == (1, 0, 0, 1)
    rejection = result.rejections[0]
    assert rejection.line == 2 and rejection.column == "Post link"
    assert "2 stored posts" in rejection.reason and "export it with Post link" in rejection.reason
    assert sorted(impressions for *_, impressions in stored(warehouse)["posts"]) == [10, 20]
