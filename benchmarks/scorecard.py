"""`outcomes scorecard` on a big demo company: the issue's goal is under 10 s at 1M journeys.

Run by hand: `python benchmarks/scorecard.py --scale 50` (50 × 20,000 = 1M journeys). It
builds the demo workspace once (kept under `--workspace`, reused when it is already
there), then times `outcomes scorecard --format json` in a fresh process, three times,
and prints each wall time and the peak memory of the slowest. The peer, for scale, is
DuckDB counting the same warehouse's tables in the same run (`ratio <ours/peer>`): a
floor no scorecard can go under, since it has to read them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

PEER = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True);"
    "[con.sql(f'SELECT count(*) FROM {t}').fetchall() for t in "
    "('activities', 'touchpoints', 'conversions', 'metric_snapshots', 'costs')]"
)


# The CLI in a child that reports its own peak (VmHWM) on exit, whatever the exit code.
CLI = (
    "import atexit, sys\n"
    "def peak():\n"
    "    hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
    "    sys.stderr.write('PEAK ' + hwm.split()[1] + '\\n')\n"
    "atexit.register(peak)\n"
    "from outcomes.cli import main\n"
    "sys.argv = ['outcomes', *sys.argv[1:]]\n"
    "main()\n"
)


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the child, 0 when it does not report one)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    return seconds, (int(peaks[-1]) / 1024 if peaks else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/outcomes-scorecard-bench"))
    args = parser.parse_args()
    outcomes = str(Path(sys.executable).with_name("outcomes"))
    if not (args.workspace / ".outcomes" / "warehouse.duckdb").exists():
        started = time.perf_counter()
        subprocess.run([outcomes, "demo", str(args.workspace), "--scale", str(args.scale)],
                       check=True, capture_output=True)  # fmt: skip
        print(f"demo at scale {args.scale:g} built in {time.perf_counter() - started:.0f} s")
    truth = json.loads((args.workspace / "truth.json").read_text())
    print(f"{truth['journeys']['total']:,} journeys")
    command = [sys.executable, "-c", CLI, "scorecard", "-w", str(args.workspace),
               "--touch-source", "ga4", "--format", "json"]  # fmt: skip
    times = []
    for _ in range(3):
        seconds, peak = run(command)
        times.append(seconds)
        print(f"  outcomes scorecard  {seconds:6.2f} s   peak RSS {peak:,.0f} MB")
    warehouse = str(args.workspace / ".outcomes" / "warehouse.duckdb")
    peer, _ = run([sys.executable, "-c", PEER, warehouse])
    print(f"  DuckDB counting the tables  {peer:6.2f} s")
    print(f"ratio {min(times) / peer:.1f}")


if __name__ == "__main__":
    main()
