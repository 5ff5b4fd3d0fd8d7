"""Rows per second and peak memory of each connector's ingest, against DuckDB's own readers.

Run by hand: `python benchmarks/ingest.py [--rows 1000000] [--only csv,ga4]`. For each
connector it writes an N-row input in the connector's real format, then loads it into a
fresh workspace in a new process (so the peak resident memory is that load's alone) and
reports rows/s and peak RSS. The peer is DuckDB reading the same file with its native
C++ reader (`read_csv` / `read_json`) into a table — parsing only, no validation, no
natural keys, no rejections kept — measured in the same run; the last column is the ratio.

`--stream-gb 2` also writes a GA4 file of that size and loads it, to show memory stays flat
however large the file is (the connectors stream).

`--rejected-mb 300` writes a CSV of that size in which every row is rejected (a date that
is no date) and loads it: rejections stream to the warehouse, so the peak stays near the
floor printed beside it (a process that imports outcomes and opens a warehouse) instead of
growing with the rejections.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import duckdb

Writer = Callable[[TextIO, int], None]


def _rows(out: TextIO, header: str, row: Callable[[int], str], count: int) -> None:
    out.write(header + "\n")
    for i in range(count):
        out.write(row(i) + "\n")


def write_csv(out: TextIO, n: int) -> None:
    _rows(
        out,
        "Email,Sent at,Campaign",
        lambda i: f"u{i}@example.com,2026-03-{1 + i % 28:02d} 09:{i % 60:02d},newsletter",
        n,
    )


def write_hubspot(out: TextIO, n: int) -> None:
    header = (
        '"Record ID","Email","Lifecycle Stage","Original Source","Original Source Drill-Down 1",'
        '"Original Source Drill-Down 2","Create Date","Became a Customer Date"'
    )
    stages = ("Lead", "Customer", "Marketing Qualified Lead", "Subscriber")

    def row(i: int) -> str:
        day = 1 + i % 28
        return (
            f'"{i}","u{i}@example.com","{stages[i % 4]}","Organic social","LinkedIn","li-guides",'
            f'"2026-01-{day:02d} 09:30","2026-02-{day:02d} 10:00"'
        )

    _rows(out, header, row, n)


def write_salesforce(out: TextIO, n: int) -> None:
    header = (
        "Opportunity ID,Opportunity Name,Account Name,Stage,Is Won,Is Closed,Amount,Close Date,"
        "Created Date,Lead Source,Primary Campaign Source,Opportunity Owner,Type"
    )

    def row(i: int) -> str:
        day = 1 + i % 28
        return (
            f'OPP{i:012d},Deal {i},Acct {i},Closed Won,1,1,"EUR 18,000.00",3/{day}/2026,'
            f"1/{day}/2026,LinkedIn,Q1,Rep {i % 9},New Business"
        )

    _rows(out, header, row, n)


def write_ga4(out: TextIO, n: int) -> None:
    for i in range(n):
        event = {
            "event_date": "20260302",
            "event_timestamp": str(1772445600000000 + i * 1_000_000),
            "event_name": "session_start" if i % 5 else "purchase",
            "user_pseudo_id": f"{i // 3}.1",
            "event_params": [{"key": "ga_session_id", "value": {"int_value": str(i)}}],
            "collected_traffic_source": {
                "manual_source": "linkedin",
                "manual_medium": "social",
                "manual_campaign_name": "li-guides",
            },
            "ecommerce": {"transaction_id": f"T{i}", "purchase_revenue": 49.0},
        }
        out.write(json.dumps(event) + "\n")


def write_paths(out: TextIO, n: int) -> None:
    channels = ("linkedin", "email", "direct", "facebook", "search", "x")

    def row(i: int) -> str:
        path = " > ".join(channels[(i + k) % 6] for k in range(1 + i % 5))
        return f"{path} > s{i},{i % 3},{(i % 3) * 99.5},{i % 11}"

    _rows(out, "path,total_conversions,total_conversion_value,total_null", row, n)


def write_meta(out: TextIO, n: int) -> None:
    header = (
        "Post ID,Page ID,Page name,Title,Description,Publish time,Permalink,Post type,Date,"
        "Views,Reach,Reactions,Comments,Shares,Total clicks"
    )

    def row(i: int) -> str:
        return (
            f'1029_{i},1029,Northwind,,"Post {i}, with a comma",0{1 + i % 9}/1{i % 9}/2026 09:15,'
            f'https://www.facebook.com/1029/posts/{i},Photos,Lifetime,"1,{i % 1000:03d}",900,52,8,4,31'
        )

    _rows(out, header, row, n)


def write_x_archive(out: TextIO, n: int) -> None:
    out.write("window.YTD.tweets.part0 = [\n")
    for i in range(n):
        tweet = {"tweet": {"id_str": str(1_800_000_000_000_000_000 + i), "id": str(1_800_000_000_000_000_000 + i),
                           "created_at": "Sat Dec 06 18:20:30 +0000 2025", "full_text": f"Update number {i} https://t.co/x",
                           "favorite_count": str(i % 50), "retweet_count": str(i % 7), "entities": {"urls": []}}}  # fmt: skip
        out.write(("  " if i == 0 else ", ") + json.dumps(tweet) + "\n")
    out.write("]\n")


def write_linkedin(out: TextIO, n: int) -> None:
    out.write('"All posts: performance of each post, updated every 24 hours",,,,,,,,,,\n')
    header = (
        "Post title,Post link,Post type,Campaign name,Published by,Date,Impressions,Clicks,"
        "Likes,Comments,Reposts"
    )

    def row(i: int) -> str:
        return (
            f'"Insight {i}: cutting empty miles https://nw.io/?utm_campaign=li-guides",'
            f"https://www.linkedin.com/feed/update/urn:li:activity:{7150000000000000000 + i},Organic,,"
            f'Lee Chen,{1 + i % 12:02d}/{1 + i % 28:02d}/2026,"1,{i % 1000:03d}",56,40,6,3'
        )

    _rows(out, header, row, n)


def write_youtube(out: TextIO, n: int) -> None:
    header = (
        "Content,Video title,Video publish time,Duration,Views,Watch time (hours),"
        "Average view duration,Impressions,Impressions click-through rate (%),Likes,Comments added,Shares"
    )
    out.write(header + "\n" + 'Total,,,,"5,320",301.5,0:03:24,"88,100",4.1,411,52,37\n')
    for i in range(n):
        out.write(
            f'v{i:010d},Video {i},"Feb 3, 2026",612,"3,900",220.5,0:03:23,"61,000",4.6,300,40,25\n'
        )


def write_mastodon(out: TextIO, n: int) -> None:
    account = {
        "id": "1",
        "acct": "northwind",
        "username": "northwind",
        "url": "https://mastodon.social/@northwind",
    }
    for i in range(n):
        status = {
            "id": str(115700000000000001 + i),
            "created_at": "2026-03-02T08:00:00.000Z",
            "in_reply_to_id": None,
            "visibility": "public",
            "uri": f"https://mastodon.social/users/northwind/statuses/{115700000000000001 + i}",
            "url": f"https://mastodon.social/@northwind/{115700000000000001 + i}",
            "replies_count": i % 3,
            "reblogs_count": i % 5,
            "favourites_count": i % 7,
            "content": f"<p>Route tip {i}: plan returns first.</p>",
            "account": account,
            "reblog": None,
            "mentions": [],
            "tags": [],
        }
        out.write(json.dumps(status) + "\n")


WRITERS: dict[str, tuple[str, Writer, str]] = {
    # source: (file name, writer, DuckDB reader for the peer)
    "csv": ("sends.csv", write_csv, "read_csv"),
    "hubspot": ("contacts.csv", write_hubspot, "read_csv"),
    "salesforce": ("opportunities.csv", write_salesforce, "read_csv"),
    "ga4": ("events.jsonl", write_ga4, "read_json"),
    "paths": ("paths.csv", write_paths, "read_csv"),
    "meta": ("facebook.csv", write_meta, "read_csv"),
    "x-archive": ("tweets.js", write_x_archive, ""),
    "linkedin": ("northwind_content_1769904000000.csv", write_linkedin, "read_csv"),
    "youtube": ("Table data.csv", write_youtube, "read_csv"),
    "mastodon": ("statuses.jsonl", write_mastodon, "read_json"),
}

LOAD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from outcomes.sources import ReadOptions, get_source
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    source, file, workspace = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    options = ReadOptions(account="northwind")
    if source == "csv":
        options = ReadOptions(table="touchpoints", mapping={"journey_id": "Email", "ts": "Sent at", "utm_campaign": "Campaign"})
    start = time.perf_counter()
    with Warehouse.open(workspace) as warehouse:
        result = ingest_file(warehouse, get_source(source), file, options)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "loaded": result.loaded, "unchanged": result.unchanged,
                      "updated": result.updated, "rejected": result.rejected,
                      "ignored": result.ignored_total, "read": result.read, "peak": peak}))
    """
)


def load_in_child(source: str, file: Path, workspace: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, source, str(file), str(workspace)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{source}: ingest failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def peer_seconds(reader: str, file: Path) -> float | None:
    if not reader:
        return None
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}(?)", [str(file)])
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def run(rows: int, only: set[str] | None, tmp: Path) -> Iterator[str]:
    yield f"{'source':<11} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak MB':>8} {'duckdb s':>9} {'ratio':>6}"
    for source, (name, writer, reader) in WRITERS.items():
        if only and source not in only:
            continue
        file = tmp / source / name
        file.parent.mkdir(parents=True)
        with file.open("w", encoding="utf-8") as out:
            writer(out, rows)
        ours = load_in_child(source, file, tmp / source / "ws")
        peer = peer_seconds(reader, file)
        handled = ours["read"]
        ratio = f"{ours['seconds'] / peer:6.1f}" if peer else "     -"
        peer_text = f"{peer:9.2f}" if peer else "        -"
        yield (
            f"{source:<11} {handled:>10,.0f} {ours['seconds']:>8.2f} {handled / ours['seconds']:>10,.0f} "
            f"{ours['peak'] / 1e6:>8.0f} {peer_text} {ratio}"
        )


def stream(gigabytes: float, tmp: Path) -> str:
    file = tmp / "stream" / "events.jsonl"
    file.parent.mkdir(parents=True)
    with file.open("w", encoding="utf-8") as out:
        chunk = 200_000
        while file.stat().st_size < gigabytes * 1e9 if file.exists() else True:
            write_ga4(out, chunk)
            out.flush()
    ours = load_in_child("ga4", file, tmp / "stream" / "ws")
    size = file.stat().st_size / 1e9
    return f"streamed {size:.2f} GB of GA4 events: {ours['seconds']:.0f} s, peak RSS {ours['peak'] / 1e6:.0f} MB"


FLOOR = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from outcomes.sources import get_source
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    with Warehouse.open(Path(sys.argv[1])) as warehouse:
        pass
    print(json.dumps({"peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
    """
)


def rejected(megabytes: float, tmp: Path) -> str:
    """Peak memory of a file whose every row is rejected, beside the floor."""
    file = tmp / "rejected" / "sends.csv"
    file.parent.mkdir(parents=True)
    note = "x" * 180  # a long campaign cell, as a hand-kept sheet has
    with file.open("w", encoding="utf-8") as out:
        out.write("Email,Sent at,Campaign\n")
        written, i = 0, 0
        while written < megabytes * 1e6:
            line = f"u{i}@example.com,not a date {i},{note}\n"
            out.write(line)
            written += len(line)
            i += 1
    ours = load_in_child("csv", file, tmp / "rejected" / "ws")
    floor = subprocess.run(
        [sys.executable, "-c", FLOOR, str(tmp / "rejected" / "floor")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    base = json.loads(floor.stdout)["peak"]
    size = file.stat().st_size / 1e6
    return (
        f"rejected {ours['rejected']:,.0f} rows ({size:.0f} MB): {ours['seconds']:.0f} s, "
        f"peak RSS {ours['peak'] / 1e6:.0f} MB; floor (import and open) {base / 1e6:.0f} MB; "
        f"ratio {ours['peak'] / base:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default="", help="comma-separated sources")
    parser.add_argument("--stream-gb", type=float, default=0.0)
    parser.add_argument("--rejected-mb", type=float, default=0.0)
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s} or None
    with tempfile.TemporaryDirectory() as tmp:
        for line in run(args.rows, only, Path(tmp)):
            print(line, flush=True)
        if args.stream_gb:
            print(stream(args.stream_gb, Path(tmp)), flush=True)
        if args.rejected_mb:
            print(rejected(args.rejected_mb, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
