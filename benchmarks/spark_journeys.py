"""`journey_paths` on DuckDB and on Spark local mode: the same Ibis expression, same files.

Run by hand: `python benchmarks/spark_journeys.py --journeys 1000000 [--engines duckdb,spark]`.
It writes N journeys of touchpoints and conversions as Parquet with the warehouse's column
types (vectorised NumPy and Arrow, never one Python object per row), then runs, each in a
fresh process so that its memory is its own:

* `duckdb`: an in-memory DuckDB reading the Parquet files;
* `spark`: a local-mode Spark session (`local[*]`) reading the same files, through Ibis'
  PySpark backend.

Both build the per-path summary with `journey_paths` (stitched by person, 90-day lookback:
the product's defaults) and bring it back as Arrow. Printed per engine: the seconds to start
the engine, to run the query, the distinct paths, and the peak resident memory of the
Python process and, for Spark, of its JVM (the two are separate processes; their sum bounds
the peak from above). The summaries of the two engines are compared at the end.

The data: journeys of 1 to 8 touches (geometric), a quarter of them with a CRM id on their
later touches (so stitching has work to do), about 5% with a blank or null channel, 4%
converting, a tenth of those twice.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outcomes.tables import CONVERSIONS, TOUCHPOINTS

CHANNELS = ("linkedin", "email", "direct", "facebook", "search", "x", "youtube", "webinar",
            "newsletter", "referral", "instagram", "events", "", None)  # fmt: skip
CHUNK = 1_000_000  # journeys per Parquet file
START = np.datetime64("2026-01-01T00:00:00", "us")


def _strings(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _table(schema: pa.Schema, columns: dict[str, pa.Array], n: int) -> pa.Table:
    arrays = [columns.get(f.name, pa.nulls(n, f.type)).cast(f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_data(folder: Path, journeys: int, seed: int) -> tuple[int, int]:
    """Parquet files under folder/touchpoints and folder/conversions; (touches, conversions)."""
    rng = np.random.default_rng(seed)
    (folder / "touchpoints").mkdir(parents=True)
    (folder / "conversions").mkdir(parents=True)
    tp_schema = TOUCHPOINTS.arrow_schema().append(pa.field("ingest_id", pa.int64()))
    cv_schema = CONVERSIONS.arrow_schema().append(pa.field("ingest_id", pa.int64()))
    touches = conversions = 0
    for part, first in enumerate(range(0, journeys, CHUNK)):
        count = min(CHUNK, journeys - first)
        ids = np.arange(first, first + count)
        lengths = np.minimum(rng.geometric(0.35, count), 8)
        n = int(lengths.sum())
        journey = np.repeat(ids, lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        position = np.arange(n) - starts
        begin = rng.integers(0, 300 * 86_400, count)
        gaps = rng.exponential(6 * 86_400, n).astype(np.int64)
        cumulative = np.cumsum(gaps)
        offset = cumulative - cumulative[starts]  # seconds since the journey's first touch
        ts = START + (np.repeat(begin, lengths) + offset).astype("timedelta64[s]")
        channel = rng.choice(np.arange(len(CHANNELS)), n, p=_channel_weights())
        known = np.repeat(rng.random(count) < 0.25, lengths) & (position > 0)
        customer = pc.if_else(pa.array(known), _strings("hubspot:", journey), None)
        touch_table = _table(
            tp_schema,
            {
                "key": _strings("t", np.arange(touches, touches + n)),
                "source": pa.array(np.full(n, "ga4")),
                "journey_id": _strings("ga-", journey),
                "customer_id": customer,
                "ts": pa.array(ts.astype("datetime64[us]")),
                "channel": pa.DictionaryArray.from_arrays(
                    pa.array(channel, pa.int32()), pa.array(CHANNELS, pa.string())
                ).cast(pa.string()),
                "ingest_id": pa.array(np.ones(n, np.int64)),
            },
            n,
        )
        pq.write_table(touch_table, folder / "touchpoints" / f"part-{part:04d}.parquet")
        last = np.cumsum(lengths) - 1
        converted = np.flatnonzero(rng.random(count) < 0.04)
        twice = converted[rng.random(len(converted)) < 0.1]
        who = np.concatenate([converted, twice])
        # Converted journeys order an hour after their last touch; a tenth order again
        # (a mid-journey touch's time, so the second order splits the journey in two).
        middle = last[twice] - (lengths[twice] // 2)
        when = np.concatenate([ts[last[converted]] + np.timedelta64(3600, "s"), ts[middle]])
        k = len(who)
        conversion_table = _table(
            cv_schema,
            {
                "key": _strings("c", np.arange(conversions, conversions + k)),
                "source": pa.array(np.full(k, "ga4")),
                "journey_id": _strings("ga-", ids[who]),
                "ts": pa.array(when.astype("datetime64[us]")),
                "type": pa.array(np.full(k, "order")),
                "value": pa.array(np.round(rng.gamma(2.0, 60.0, k), 2)),
                "ingest_id": pa.array(np.ones(k, np.int64)),
            },
            k,
        )
        pq.write_table(conversion_table, folder / "conversions" / f"part-{part:04d}.parquet")
        touches += n
        conversions += k
    return touches, conversions


def _channel_weights() -> np.ndarray:
    weights = np.ones(len(CHANNELS))
    weights[-2:] = 0.35  # "" and null: about 5% of the touches
    return weights / weights.sum()


class _PeakRss:
    """Samples the resident memory of one process (by pid) until stopped; keeps the peak."""

    def __init__(self) -> None:
        self.pids: set[int] = set()
        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in list(self.pids):
                kb = _status_kb(pid, "VmHWM")
                if kb:
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), kb)


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def run_engine(engine: str, folder: Path, out: Path, driver_memory: str) -> None:
    """In this (fresh) process: run journey_paths on one engine; write the results to out."""
    import ibis

    from outcomes.measure.attribution.journeys import journey_paths
    from outcomes.warehouse.connection import to_arrow

    watch = _PeakRss()
    watch.start()
    t0 = time.perf_counter()
    if engine == "duckdb":
        con: Any = ibis.duckdb.connect()
    else:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[*]")
            .appName("outcomes-benchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", driver_memory)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(folder / "spark-warehouse"))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        con = ibis.pyspark.connect(session)
        watch.pids.update(_children(os.getpid()))  # the JVM
    started = time.perf_counter() - t0
    touchpoints = con.read_parquet(str(folder / "touchpoints"), table_name="touchpoints")
    conversions = con.read_parquet(str(folder / "conversions"), table_name="conversions")
    t1 = time.perf_counter()
    summary = to_arrow(journey_paths(touchpoints, conversions))
    query = time.perf_counter() - t1
    watch.stop()
    jvm_kb = max(watch.peak_kb.values(), default=0)
    pq.write_table(summary, out.with_suffix(".parquet"))
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "engine": engine,
        "start_s": round(started, 2),
        "query_s": round(query, 2),
        "paths": summary.num_rows,
        "conversions": float(pc.sum(summary["total_conversions"]).as_py() or 0.0),
        "python_peak_mb": round(self_kb / 1024),
        "jvm_peak_mb": round(jvm_kb / 1024),
    }
    out.write_text(json.dumps(result))
    if engine == "spark":
        session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--driver-memory", default="8g", help="Spark driver (= local) heap")
    parser.add_argument("--data", type=Path, help="reuse or keep the Parquet files here")
    parser.add_argument("--run-engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_engine:
        run_engine(args.run_engine, args.data, args.out, args.driver_memory)
        return

    with tempfile.TemporaryDirectory(prefix="spark-journeys-") as scratch:
        folder = args.data or Path(scratch) / "data"
        if not (folder / "touchpoints").exists():
            t0 = time.perf_counter()
            touches, conversions = write_data(folder, args.journeys, args.seed)
            print(
                f"data: {args.journeys:,} journeys, {touches:,} touchpoints, "
                f"{conversions:,} conversions written in {time.perf_counter() - t0:.1f} s"
            )
        results = {}
        for engine in args.engines.split(","):
            out = Path(scratch) / f"{engine}.json"
            command = [sys.executable, __file__, "--run-engine", engine, "--data", str(folder),
                       "--out", str(out), "--driver-memory", args.driver_memory]  # fmt: skip
            t0 = time.perf_counter()
            subprocess.run(command, check=True)
            result = json.loads(out.read_text())
            result["process_s"] = round(time.perf_counter() - t0, 1)
            results[engine] = result
            print(json.dumps(result))
        if len(results) == 2:
            first, second = (
                pq.read_table(Path(scratch) / f"{e}.parquet").to_pylist() for e in results
            )
            same = len(first) == len(second) and all(
                a["path"] == b["path"]
                and a["total_conversions"] == b["total_conversions"]
                and a["total_null"] == b["total_null"]
                and abs(a["total_conversion_value"] - b["total_conversion_value"])
                <= 1e-9 * max(1.0, abs(a["total_conversion_value"]))
                for a, b in zip(first, second, strict=False)
            )
            print(f"identical summaries: {same}")


if __name__ == "__main__":
    main()
