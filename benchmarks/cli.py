"""The command line's speed goals (issue 14), each against a floor measured in the same run.

Run by hand: `python benchmarks/cli.py [--runs 5] [--scale 1] [--only check,status,pdf,dashboard]`.
It builds the Northwind demo once (`outcomes demo`, in a temporary folder unless
`--workspace` names one to keep and reuse), then measures, each command in a fresh
process (interpreter start-up and imports count, as when a user types it), the median
of `--runs` runs after one untimed warm-up run:

* `outcomes check` on the Northwind example plan, against `python -c "import yaml,
  pydantic"`: goal at most 3 times the floor;
* `outcomes status --touch-source ga4 --no-lookback` on the demo with no cache
  (`.outcomes/cache/` deleted before each run), against `python -c "import duckdb, ibis,
  pyarrow, numpy, scipy"`: goal at most 2 times the floor; and with its cache: goal 1 s;
* `outcomes report … -o report.pdf`, cold (no cache: it measures too) and warm (the
  cache `status` left): goal 5 s; and rendered from a measured briefing (the briefing
  kept, the PDF kept beside it deleted before each run: reading the briefing, charts,
  layout): goal 2 s, so that measuring may take the rest of the 5; each also as a ratio
  to `python -c "import weasyprint; …write_pdf()"` (a one-line PDF), the engine's own start;
* the dashboard (`outcomes serve`) under `--clients` (50) concurrent keep-alive clients,
  `--rounds` turns of `--seconds`, on a few pages (and with `--api` their JSON twins),
  against a peer serving the same bytes stored in memory with the same server software
  and settings (`benchmarks/web.py`'s peer, gzipped where ours gzips), the two taking
  turns: requests/s at least 0.7 of the peer's, p95 under 200 ms. The clients are bare
  asyncio HTTP/1.1 connections (`load`), so that the servers, not the clients, are measured.

Children run with a private bytecode cache (`PYTHONPYCACHEPREFIX`, filled by the
warm-up run) even when `PYTHONDONTWRITEBYTECODE` is set, as an installed package has its
`.pyc` files; `--no-bytecode-cache` keeps the environment as it is (every import then
compiles its source). Likewise the SQL outcomes compiles from its Ibis expressions is kept
in a private folder (`OUTCOMES_QUERY_CACHE`, see `outcomes.warehouse.compiled`: SQL, never
results), filled by the warm-up run; `status` is also measured with none kept ("… and no
compiled SQL kept"), every query compiled as on a first run. Clients, servers and commands share the machine's CPUs with
whatever else runs on it: on a shared machine, compare ratios rather than seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import httpx

import web  # benchmarks/web.py: starting the dashboard, its stored-bytes peer

MEASURE = ("--touch-source", "ga4", "--no-lookback")
"""How the Makefile's demo measures: the web analytics' sessions, the whole year."""
CHECK_FLOOR = "import yaml, pydantic"
STATUS_FLOOR = "import duckdb, ibis, pyarrow, numpy, scipy"
PDF_FLOOR = "import weasyprint; weasyprint.HTML(string='<p>floor</p>').write_pdf()"
"""The PDF engine's own start: WeasyPrint imported as it comes, a one-line PDF."""
PAGES = ("/", "/goals", "/tactics", "/attribution", "/strategy-map")
API = ("/api/overview", "/api/goals", "/api/tactics", "/api/attribution", "/api/strategy-map")
PARTS = ("check", "status", "pdf", "dashboard")


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, its floor and whether the goal is met."""

    what: str
    measured: float
    floor: float | None
    unit: str
    goal: str
    passed: bool

    @property
    def ratio(self) -> float | None:
        return None if self.floor is None or self.floor == 0 else self.measured / self.floor


def at_most_times(what: str, measured: float, floor: float, limit: float) -> Row:
    return Row(what, measured, floor, "s", f"≤ {limit:g}× floor", measured <= limit * floor)


def at_most_seconds(what: str, measured: float, floor: float | None, limit: float) -> Row:
    return Row(what, measured, floor, "s", f"≤ {limit:g} s", measured <= limit)


def at_least_times(what: str, measured: float, floor: float, limit: float) -> Row:
    return Row(what, measured, floor, "/s", f"≥ {limit:g}× peer", measured >= limit * floor)


def under_ms(what: str, measured: float, floor: float, limit: float) -> Row:
    return Row(what, measured, floor, "ms", f"< {limit:g} ms", measured < limit)


def child_environment(bytecode_cache: Path | None, queries: Path) -> dict[str, str]:
    """The environment of every child: a private bytecode cache unless told otherwise, and
    a private folder for the compiled SQL outcomes keeps (`warehouse.compiled`)."""
    env = dict(os.environ)
    if bytecode_cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    env["OUTCOMES_QUERY_CACHE"] = str(queries)
    return env


class Runner:
    """Runs commands in fresh processes and times them."""

    def __init__(self, runs: int, env: dict[str, str]) -> None:
        self.runs = runs
        self.env = env
        self.outcomes = str(Path(sys.executable).with_name("outcomes"))

    def median(
        self,
        command: Sequence[str],
        *,
        before: Callable[[], None] | None = None,
        exit_codes: tuple[int, ...] = (0,),
        env: dict[str, str] | None = None,
    ) -> float:
        """Median wall seconds of `runs` runs after an untimed warm-up; `before` each run;
        `env`: settings over the runner's environment."""
        environment = self.env | (env or {})
        times = []
        for attempt in range(self.runs + 1):
            if before is not None:
                before()
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=environment, check=False)
            seconds = time.perf_counter() - started
            if done.returncode not in exit_codes:
                stderr = done.stderr.decode(errors="replace")[-3000:]
                raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{stderr}")
            if attempt:  # the first run fills the bytecode cache and the OS's file cache
                times.append(seconds)
        return statistics.median(times)

    def cli(self, *arguments: str) -> list[str]:
        return [self.outcomes, *arguments]

    def python(self, code: str) -> list[str]:
        return [sys.executable, "-c", code]


@contextlib.contextmanager
def demo_workspace(args: argparse.Namespace, env: dict[str, str]) -> Iterator[Path]:
    """The demo workspace at `--scale`: `--workspace` (built there once) or a temporary one."""
    with tempfile.TemporaryDirectory(prefix="outcomes-cli-bench-") as scratch:
        folder = args.workspace or Path(scratch) / "demo"
        if not (folder / ".outcomes" / "warehouse.duckdb").exists():
            started = time.perf_counter()
            outcomes = str(Path(sys.executable).with_name("outcomes"))
            command = [outcomes, "demo", str(folder), "--scale", str(args.scale)]
            subprocess.run(command, check=True, capture_output=True, env=env)
            print(f"demo at scale {args.scale:g} built in {time.perf_counter() - started:.0f} s")
        yield folder


def measure_check(runner: Runner) -> list[Row]:
    plan = resources.files("outcomes.examples") / "northwind.plan.yaml"
    ours = runner.median(runner.cli("check", str(plan)), exit_codes=(0, 1))
    floor = runner.median(runner.python(CHECK_FLOOR))
    return [at_most_times("outcomes check (Northwind plan)", ours, floor, 3)]


def measure_status(runner: Runner, workspace: Path) -> list[Row]:
    # Exit 1 is an answer: the demo company has goals that need attention.
    command = runner.cli("status", "-w", str(workspace), *MEASURE)
    cold = runner.median(command, before=lambda: forget_cache(workspace), exit_codes=(0, 1))
    compiling = runner.median(
        command,
        before=lambda: forget_cache(workspace),
        exit_codes=(0, 1),
        env={"OUTCOMES_QUERY_CACHE": "off"},
    )
    warm = runner.median(command, exit_codes=(0, 1))
    floor = runner.median(runner.python(STATUS_FLOOR))
    return [
        at_most_times("outcomes status, no cache", cold, floor, 2),
        at_most_times("… and no compiled SQL kept", compiling, floor, 2),
        at_most_seconds("outcomes status, cached", warm, floor, 1),
    ]


def measure_pdf(runner: Runner, workspace: Path) -> list[Row]:
    target = workspace / "report.pdf"
    command = runner.cli("report", "-w", str(workspace), *MEASURE, "-o", str(target))
    cold = runner.median(command, before=lambda: forget_cache(workspace))
    warm = runner.median(command)
    rendered = runner.median(command, before=lambda: forget_renderings(workspace))
    # The goals are seconds; the ratio to the engine's own start, measured in this run,
    # is what compares across runs on a shared machine.
    floor = runner.median(runner.python(PDF_FLOOR))
    return [
        at_most_seconds("outcomes report PDF, no cache", cold, floor, 5),
        at_most_seconds("outcomes report PDF, cached", warm, floor, 5),
        at_most_seconds("outcomes report PDF, from a measured briefing", rendered, floor, 2),
    ]


def forget_cache(workspace: Path) -> None:
    shutil.rmtree(workspace / ".outcomes" / "cache", ignore_errors=True)


def forget_renderings(workspace: Path) -> None:
    """The reports kept beside the briefings (`kept_rendering`), not the briefings."""
    for kept in (workspace / ".outcomes" / "cache").glob("*/*-report-*.pdf"):
        kept.unlink()


def measure_dashboard(args: argparse.Namespace, workspace: Path) -> list[Row]:
    """Ours and the peer under the same load, on `PAGES` and with `--api` on `API`.

    Both servers run side by side and take turns, `--rounds` times each, so that a burst
    of other work on a shared machine falls on both.
    """
    groups = {"pages": PAGES, **({"API JSON": API} if args.api else {})}
    served = argparse.Namespace(
        workspace=workspace,
        touch_source=["ga4"],
        no_lookback=True,
        ready_timeout=600,
        signed_in=False,
    )
    tallies = {(name, side): Load() for name in groups for side in ("ours", "peer")}
    with web.serve(served) as (ours, _), contextlib.ExitStack() as peers:
        with httpx.Client(base_url=ours, timeout=60) as client:
            stored = {name: web.snapshot_responses(client, targets(paths))
                      for name, paths in groups.items()}  # fmt: skip
        urls = {name: {"ours": ours, "peer": peers.enter_context(web.peer(stored[name]))[0]}
                for name in groups}  # fmt: skip
        for _ in range(args.rounds):
            for (name, side), tally in tallies.items():
                tally.add(urls[name][side], groups[name], args)
    rows = []
    for name in groups:
        ours_load, peer_load = tallies[name, "ours"], tallies[name, "peer"]
        what = f"dashboard {name}, {args.clients} clients"
        rows.append(at_least_times(f"{what}: requests/s", ours_load.rate, peer_load.rate, 0.7))
        rows.append(under_ms(f"{what}: p95", ours_load.p95_ms, peer_load.p95_ms, 200))
    return rows


def targets(paths: Sequence[str]) -> list[web.Target]:
    return [web.Target(path, path) for path in paths]


@dataclass
class Load:
    """Requests and latencies of one server, over its turns under load."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, url: str, paths: Sequence[str], args: argparse.Namespace) -> None:
        """One turn: `clients` clients cycling through `paths` for `--seconds`."""
        asyncio.run(load(url, paths, args.clients, 1.0))  # connections, caches
        latencies, elapsed = asyncio.run(load(url, paths, args.clients, args.seconds))
        self.latencies += latencies
        self.seconds += elapsed

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p95_ms(self) -> float:
        return web.percentile(sorted(self.latencies), 0.95) * 1000


async def load(
    url: str, paths: Sequence[str], clients: int, seconds: float
) -> tuple[list[float], float]:
    """Latencies (s) of `clients` keep-alive connections cycling through `paths`.

    A bare HTTP/1.1 client on asyncio streams, not httpx: with 50 httpx clients in one
    process on two CPUs, the clients' own parsing was most of what was measured.
    """
    host, _, port = url.removeprefix("http://").partition(":")
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        index = number
        try:
            while time.perf_counter() < deadline:
                path = paths[index % len(paths)]
                index += 1
                started = time.perf_counter()
                writer.write(REQUEST.format(path=path, host=host).encode())
                await read_answer(reader, path)
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, time.perf_counter() - started


REQUEST = "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n"


async def read_answer(reader: asyncio.StreamReader, path: str) -> None:
    """Read one answer whole; SystemExit on anything but a 200 with a length."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    if status_line.split(" ")[1] != "200":
        raise SystemExit(f"{path}: {status_line}")
    fields = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
    await reader.readexactly(int(fields["content-length"]))


def environment_note() -> str:
    """Whether pandas is installed where the commands run: outcomes does not install it,
    but a development environment has it (ChannelAttribution, PySpark), and PyArrow then
    imports it as soon as a Python value becomes Arrow: 0.4–0.5 s of `status` that a
    user's install does not pay. Measure such an install with its own interpreter:
    `python -m venv /tmp/user && /tmp/user/bin/pip install . && /tmp/user/bin/python
    benchmarks/cli.py …`."""
    import importlib.util

    if importlib.util.find_spec("pandas") is None:
        return "pandas: not installed, as in a user's install of outcomes"
    return "pandas: installed (a development environment); a user's install has none"


def print_table(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows) + 2
    print(f"\n{'':<{width}}{'measured':>14}{'floor':>14}{'ratio':>8}  {'goal':<14}result")
    for row in rows:
        measured = f"{row.measured:,.2f} {row.unit}"
        floor = "" if row.floor is None else f"{row.floor:,.2f} {row.unit}"
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
        verdict = "pass" if row.passed else "FAIL"
        print(f"{row.what:<{width}}{measured:>14}{floor:>14}{ratio:>8}  {row.goal:<14}{verdict}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--scale", type=float, default=1.0, help="demo size (1: full)")
    parser.add_argument("--workspace", type=Path, help="keep the demo here and reuse it")
    parser.add_argument("--only", default=",".join(PARTS), help="of " + ",".join(PARTS))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10, help="load per turn")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each server")
    parser.add_argument("--api", action="store_true", help="also the dashboard's JSON")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as the environment has it")  # fmt: skip
    args = parser.parse_args()
    args.parts = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))} (of {', '.join(PARTS)})")
    return args


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="outcomes-pycache-") as pycache:
        queries = Path(pycache) / "queries"
        env = child_environment(None if args.no_bytecode_cache else Path(pycache), queries)
        runner = Runner(args.runs, env)
        bytecode = "environment's setting" if args.no_bytecode_cache else "private, warm"
        print(f"{os.cpu_count()} CPUs (shared with whatever else runs), load average "
              f"{os.getloadavg()[0]:.1f}; median of {args.runs} runs; bytecode cache "
              f"{bytecode}; demo scale {args.scale:g}")  # fmt: skip
        print(environment_note())
        rows = measure_check(runner) if "check" in args.parts else []
        if set(args.parts) - {"check"}:
            with demo_workspace(args, env) as workspace:
                if "status" in args.parts:
                    rows += measure_status(runner, workspace)
                if "pdf" in args.parts:
                    rows += measure_pdf(runner, workspace)
                if "dashboard" in args.parts:
                    rows += measure_dashboard(args, workspace)
    print_table(rows)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
