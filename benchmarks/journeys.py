"""Journeys out of core: N touchpoints on disk → path summary in DuckDB → every model.

Run by hand: `python benchmarks/journeys.py --touchpoints 100000000 [--memory-limit 16GB]`.
It writes N touchpoints (and the conversions of their journeys) as Parquet with NumPy and
Arrow in chunks, never one Python object per row, then, in a fresh process so the peak
memory is the query's own:

1. builds the per-path summary with `journey_paths` (the same Ibis expression the product
   runs) over the Parquet files through DuckDB, spilling to disk beyond `--memory-limit`;
2. turns the summary into `PathCounts` (`from_arrow`) and runs every model.

It prints rows, times and the peak resident memory of that process; the issue's goal is
100 million touchpoints on a machine with 24 GB of RAM. The peer for the path summary is
DuckDB itself running a hand-written SQL query over the same files in the same run
(`string_agg` ordered, grouped twice), printed as `ratio <ours/plain SQL>`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CHANNELS = ("linkedin", "email", "direct", "facebook", "search", "x", "youtube", "webinar",
            "newsletter", "referral", "instagram", "events")  # fmt: skip
CHUNK = 5_000_000
START = np.datetime64("2026-01-01T00:00:00", "us")


def write_data(folder: Path, touchpoints: int, seed: int) -> tuple[int, int]:
    """Parquet files of touchpoints and conversions; returns (journeys, conversions)."""
    rng = np.random.default_rng(seed)
    journeys = conversions = 0
    written = 0
    part = 0
    while written < touchpoints:
        n = min(CHUNK, touchpoints - written)
        lengths = np.minimum(rng.geometric(0.35, n // 2), 8)
        lengths = lengths[np.cumsum(lengths) <= n]
        if lengths.sum() < n:
            lengths = np.append(lengths, n - lengths.sum())
        count = len(lengths)
        journey = np.repeat(np.arange(journeys, journeys + count), lengths)
        first = rng.integers(0, 300 * 86_400, count)
        gaps = rng.exponential(4 * 86_400, n).astype(np.int64)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        cumulative = np.cumsum(gaps)
        offset = cumulative - cumulative[starts]  # seconds since the journey's first touch
        ts = START + (np.repeat(first, lengths) + offset).astype("timedelta64[s]")
        channel = rng.integers(0, len(CHANNELS), n)
        ids = pc.cast(pa.array(journey), pa.string())
        table = pa.table(
            {
                "key": pc.cast(pa.array(np.arange(written, written + n)), pa.string()),
                "source": pa.array(np.full(n, "ga4")),
                "journey_id": ids,
                "customer_id": pa.nulls(n, pa.string()),
                "ts": pa.array(ts.astype("datetime64[us]"), pa.timestamp("us", tz="UTC")),
                "channel": pa.DictionaryArray.from_arrays(
                    pa.array(channel, pa.int32()), pa.array(CHANNELS)
                ).cast(pa.string()),
                "utm_source": pa.nulls(n, pa.string()),
                "utm_campaign": pa.nulls(n, pa.string()),
            }
        )
        pq.write_table(table, folder / f"touchpoints-{part:04d}.parquet", row_group_size=1 << 20)
        last = np.cumsum(lengths) - 1
        converted = rng.random(count) < 0.04
        conv_ts = ts[last][converted] + np.timedelta64(3600, "s")
        k = int(converted.sum())
        pq.write_table(
            pa.table(
                {
                    "key": pc.cast(pa.array(np.arange(conversions, conversions + k)), pa.string()),
                    "journey_id": pc.cast(
                        pa.array(np.arange(journeys, journeys + count)[converted]), pa.string()
                    ),
                    "customer_id": pa.nulls(k, pa.string()),
                    "ts": pa.array(conv_ts.astype("datetime64[us]"), pa.timestamp("us", tz="UTC")),
                    "type": pa.array(np.full(k, "order")),
                    "value": pa.array(rng.gamma(2.0, 60.0, k)),
                }
            ),
            folder / f"conversions-{part:04d}.parquet",
        )
        journeys += count
        conversions += k
        written += n
        part += 1
    return journeys, conversions


CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import ibis
    folder, memory_limit, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    con = ibis.duckdb.connect(memory_limit=memory_limit, temp_directory=folder + "/spill",
                              preserve_insertion_order=False)
    con.raw_sql("SET enable_progress_bar = false")
    tp = con.read_parquet(folder + "/touchpoints-*.parquet", table_name="touchpoints")
    cv = con.read_parquet(folder + "/conversions-*.parquet", table_name="conversions")
    from outcomes.measure.attribution import MODELS, PathCounts, attribute
    from outcomes.measure.attribution.journeys import journey_paths
    started = time.perf_counter()
    if mode == "ours":
        summary = journey_paths(tp, cv, join_on="journey_id").to_pyarrow()
        built = time.perf_counter()
        counts = PathCounts.from_arrow(summary["path"], summary["total_conversions"],
                                       summary["total_conversion_value"], summary["total_null"])
        for model in MODELS:
            attribute(counts, model)
        rows = summary.num_rows
    else:
        sql = '''
        WITH ev AS (SELECT journey_id, ts AS cts, count(*) AS n, sum(coalesce(value, 0)) AS v,
                           lag(ts) OVER (PARTITION BY journey_id ORDER BY ts) AS prev
                    FROM conversions WHERE type IN ('deal_won', 'order')
                    GROUP BY journey_id, ts),
        conv AS (SELECT string_agg(t.channel, ' > ' ORDER BY t.ts, t.key) AS path,
                        any_value(ev.n) AS c, any_value(ev.v) AS v
                 FROM touchpoints t JOIN ev ON t.journey_id = ev.journey_id AND t.ts <= ev.cts
                      AND (ev.prev IS NULL OR t.ts > ev.prev)
                      AND t.ts >= ev.cts - INTERVAL 90 DAY
                 GROUP BY ev.journey_id, ev.cts),
        lastc AS (SELECT journey_id, max(cts) AS last FROM ev GROUP BY 1),
        open AS (SELECT string_agg(t.channel, ' > ' ORDER BY t.ts, t.key) AS path
                 FROM touchpoints t LEFT JOIN lastc USING (journey_id)
                 WHERE lastc.last IS NULL OR t.ts > lastc.last GROUP BY t.journey_id)
        SELECT path, sum(c) AS total_conversions, sum(v) AS total_conversion_value,
               sum(z) AS total_null
        FROM (SELECT path, c, v, 0 AS z FROM conv UNION ALL SELECT path, 0, 0, 1 FROM open)
        GROUP BY path
        '''
        summary = con.con.sql(sql).arrow().read_all()
        built = time.perf_counter()
        rows = summary.num_rows
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"summary_s": built - started, "models_s": done - built,
                      "total_s": done - started, "paths": rows, "peak_mb": peak}))
    """
)


def measure(folder: Path, memory_limit: str, mode: str) -> dict[str, float]:
    """Run one side in a child process; its JSON line of figures."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), memory_limit, mode],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-3000:]}")
    out = done.stdout
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    figures: dict[str, float] = json.loads(last)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="16GB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: use the data already there"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if args.reuse and args.keep and any(folder.glob("touchpoints-*.parquet")):
            journeys = conversions = -1  # not recounted
        else:
            journeys, conversions = write_data(folder, args.touchpoints, args.seed)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1e9
        print(
            f"data: {args.touchpoints:,} touchpoints, {journeys:,} journeys, "
            f"{conversions:,} conversions, {size:.2f} GB of Parquet, "
            f"written in {time.perf_counter() - started:.0f} s"
        )
        ours = measure(folder, args.memory_limit, "ours")
        print(
            f"ours: path summary {ours['summary_s']:.1f} s ({ours['paths']:,} paths), "
            f"every model {ours['models_s']:.1f} s, total {ours['total_s']:.1f} s, "
            f"peak RSS {ours['peak_mb']:,.0f} MB (DuckDB memory_limit {args.memory_limit})"
        )
        plain = measure(folder, args.memory_limit, "plain")
        print(
            f"plain SQL path summary: {plain['summary_s']:.1f} s ({plain['paths']:,} paths), "
            f"peak RSS {plain['peak_mb']:,.0f} MB"
        )
        print(f"ratio {ours['summary_s'] / plain['summary_s']:.2f}")


if __name__ == "__main__":
    main()
