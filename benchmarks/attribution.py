"""All our attribution models against ChannelAttribution's order-1 Markov model, same data, same run.

Run by hand: `python benchmarks/attribution.py --journeys 1000000`. It simulates N journeys
over 12 channels (1–8 touches, conversion odds rising with some channels), aggregates them
to the common `path, total_conversions, total_conversion_value, total_null` table with NumPy
(paths encoded as integers, so no per-journey Python objects), then times, on that table:

- ours: building `PathCounts` from the summary as Arrow columns (as it leaves the
  engine) plus every model (first, last, last non-direct, linear, position-based, time
  decay, exact Markov order 1, exact Shapley, ordered Shapley);
- ChannelAttribution's `markov_model(order=1)` with its defaults.

Each side runs in a fresh process that reads the same Parquet file, so times include no
warm-up the other lacks and each peak (VmHWM) is that process's own.

The last line is `ratio <ours/ChannelAttribution>`; the issue's goal is at most 0.25.
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
from typing import Any

import numpy as np

CHANNELS = ("linkedin", "email", "direct", "facebook", "search", "x", "youtube", "webinar",
            "newsletter", "referral", "instagram", "events")  # fmt: skip
MAX_TOUCHES = 8
BASE = len(CHANNELS) + 1  # digit 0 ends a path, channels are 1..12


def simulate(journeys: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Unique paths with conversions, value and nulls, aggregated without per-journey objects."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(rng.geometric(0.45, journeys), MAX_TOUCHES)
    touches = rng.integers(1, BASE, size=(journeys, MAX_TOUCHES))
    touches[np.arange(MAX_TOUCHES)[None, :] >= lengths[:, None]] = 0
    lift = np.linspace(-0.6, 0.9, BASE)
    lift[0] = 0.0
    odds = -3.2 + lift[touches].sum(axis=1) + 0.15 * lengths
    converted = rng.random(journeys) < 1 / (1 + np.exp(-odds))
    value = np.where(converted, rng.gamma(2.0, 60.0, journeys), 0.0)
    codes = (touches * (BASE ** np.arange(MAX_TOUCHES)[::-1])).sum(axis=1)
    unique, inverse = np.unique(codes, return_inverse=True)
    conversions = np.bincount(inverse, weights=converted, minlength=len(unique))
    values = np.bincount(inverse, weights=value, minlength=len(unique))
    nulls = np.bincount(inverse, weights=~converted, minlength=len(unique))
    return [_decode(int(code)) for code in unique], conversions, values, nulls


def _decode(code: int) -> str:
    steps = []
    for position in range(MAX_TOUCHES - 1, -1, -1):
        digit = (code // BASE**position) % BASE
        if digit:
            steps.append(CHANNELS[digit - 1])
    return " > ".join(steps)


OURS = textwrap.dedent(
    """
    import json, sys, time
    import pyarrow.parquet as pq
    from outcomes.measure.attribution import MODELS, PathCounts, attribute
    data = pq.read_table(sys.argv[1])  # the summary as it comes out of the engine: Arrow
    times = {}
    start = time.perf_counter()
    counts = PathCounts.from_arrow(data["path"], data["total_conversions"],
                                   data["total_conversion_value"], data["total_null"])
    times["path summary"] = time.perf_counter() - start
    for model in MODELS:
        start = time.perf_counter()
        attribute(counts, model)
        times[model] = time.perf_counter() - start
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
    print(json.dumps({"times": times, "peak": int(hwm.split()[1]) * 1024}))
    """
)


CHANNEL_ATTRIBUTION = textwrap.dedent(
    """
    import json, sys, time, warnings
    import pandas as pd
    warnings.filterwarnings("ignore")
    from ChannelAttribution import markov_model
    data = pd.read_parquet(sys.argv[1])
    start = time.perf_counter()
    markov_model(data, var_path="path", var_conv="total_conversions", var_value="total_conversion_value",
                 var_null="total_null", order=1, flg_pro=False, verbose=False)
    seconds = time.perf_counter() - start
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
    print(json.dumps({"seconds": seconds, "peak": int(hwm.split()[1]) * 1024}))
    """
)


def run_both(
    paths: list[str], conversions: np.ndarray, values: np.ndarray, nulls: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ours, ChannelAttribution's) figures, each from a fresh process reading one file.

    Peaks are each child's VmHWM: `ru_maxrss` would carry the parent's peak over exec.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "paths.parquet"
        pq.write_table(pa.table({"path": paths, "total_conversions": conversions,
                                 "total_conversion_value": values, "total_null": nulls}), table)  # fmt: skip
        return _child(OURS, table, "ours"), _child(CHANNEL_ATTRIBUTION, table, "ChannelAttribution")


def _child(code: str, table: Path, who: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(table)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{who} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    paths, conversions, values, nulls = simulate(args.journeys, args.seed)
    print(f"{args.journeys:,} journeys → {len(paths):,} distinct paths, {conversions.sum():,.0f} conversions "
          f"(simulated in {time.perf_counter() - start:.1f} s)")  # fmt: skip
    mine, theirs = run_both(paths, conversions, values, nulls)
    times: dict[str, float] = mine["times"]
    our_peak = mine["peak"]
    for name, seconds in times.items():
        print(f"  ours {name:<16} {seconds * 1000:10.1f} ms")
    total = sum(times.values())
    print(f"  ours, all models  {total * 1000:10.1f} ms   peak RSS {our_peak / 1e6:,.0f} MB")
    print(f"  ChannelAttribution markov_model(order=1) {theirs['seconds'] * 1000:10.1f} ms   "
          f"peak RSS {theirs['peak'] / 1e6:,.0f} MB")  # fmt: skip
    print(f"ratio {total / theirs['seconds']:.3f}")


if __name__ == "__main__":
    main()
