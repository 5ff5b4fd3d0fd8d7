"""The dashboard under load: N concurrent clients on loopback, latency per page and API kind.

Run by hand, against a dashboard that is already running:

    python benchmarks/web.py --url http://127.0.0.1:8000

or let it start `outcomes serve` on a free loopback port itself, wait until the first
measurement is ready (`/api/status`, tens of seconds on a big workspace), run, and stop it:

    python benchmarks/web.py --workspace /tmp/dw --touch-source ga4 --no-lookback

It discovers the goals, tactics and the attribution explorer's models, step kinds and
periods from the API, then:

1. warm, quiet server: every URL once to warm it, then `--repeat` (20) sequential
   requests each, timed one by one: "every page under 200 ms" is judged on these;
2. load: `--clients` (50) asyncio clients, each with its own keep-alive
   `httpx.AsyncClient`, cycle through every page and API URL (each starting at a
   different place in the cycle) for `--seconds` (60), as fast as the server answers.

Latency is from sending the request to having read the whole body, so under load it
includes queueing in the server (one uvicorn worker) and in this client process; both
run on the same machine. It prints p50/p95/p99/max per URL kind (`/goals/{id}` pools
every goal) and overall, requests per second and errors (non-2xx answers and
exceptions), and exits 1 when there was any error.

`--signed-in` serves with sign-in (no `--read-only`): a viewer `bench-viewer` is added to
the workspace's app database (its password set anew each run), and every client signs in
through the form, with its own session, before it is timed; each request then pays for
the session check (#16 point 10).

The peer, measured in the same run: the same server software (uvicorn, one worker, the
same socket options) answering every URL with the bytes the dashboard gave for it, stored
in memory: the floor for serving these pages over HTTP with no work at all. Both phases
run against it too, and the ratios ours ÷ peer are printed (`--no-peer` skips it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PAGES = ("/", "/goals", "/strategy-map", "/strategy-map.svg", "/tactics", "/attribution",
         "/conversation", "/lint", "/sources", "/pilots", "/api")  # fmt: skip
API = ("/api/status", "/api/overview", "/api/goals", "/api/strategy-map", "/api/tactics",
       "/api/attribution", "/api/conversation", "/api/lint", "/api/sources", "/api/pilots",
       "/api/briefing", "/api/openapi.json")  # fmt: skip
PAGE_BUDGET_MS = 200.0
"""The issue's goal for a warm page, served to one client."""


@dataclass(frozen=True)
class Target:
    """One URL to request and the kind its latency is pooled under."""

    path: str
    kind: str


@dataclass
class Tally:
    """Latencies (seconds) per kind, and what went wrong."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float, problem: str | None) -> None:
        self.latencies[kind].append(seconds)
        if problem is not None:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(problem)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def targets(client: httpx.Client) -> list[Target]:
    """Every page and API URL of the dashboard, ids and explorer choices from its API."""
    goals = [g["id"] for g in client.get("/api/goals").raise_for_status().json()["goals"]]
    tactics = [t["id"] for t in client.get("/api/tactics").raise_for_status().json()["tactics"]]
    explorer = client.get("/api/attribution").raise_for_status().json()
    models, bys, periods = explorer["models"], explorer["by_choices"], explorer["periods"]
    # Each model, each step kind and each period at least once; not the whole product.
    variants = [(m, "channel", "plan") for m in models]
    variants += [(models[0], b, "plan") for b in bys[1:]]
    variants += [(models[0], "channel", p) for p in periods[1:]]
    variants += [(models[-1], bys[-1], periods[-1])]
    found = [Target(p, p) for p in PAGES]
    found += [Target(f"/goals/{g}", "/goals/{id}") for g in goals]
    found += [Target(f"/tactics/{t}", "/tactics/{id}") for t in tactics]
    found += [Target(f"/attribution?model={m}&by={b}&period={p}", "/attribution?…")
              for m, b, p in variants]  # fmt: skip
    found += [Target(p, p) for p in API]
    found += [Target(f"/api/goals/{g}", "/api/goals/{id}") for g in goals]
    found += [Target(f"/api/tactics/{t}", "/api/tactics/{id}") for t in tactics]
    found += [Target(f"/api/attribution?model={m}&by={b}&period={p}", "/api/attribution?…")
              for m, b, p in variants]  # fmt: skip
    return found


async def fetch(client: httpx.AsyncClient, target: Target, tally: Tally) -> float:
    """Request one URL, read its body and record how long it took."""
    started = time.perf_counter()
    problem = None
    try:
        response = await client.get(target.path)
        if not 200 <= response.status_code < 300:
            problem = f"{target.path}: HTTP {response.status_code} {response.text[:120]!r}"
    except httpx.HTTPError as exc:
        problem = f"{target.path}: {type(exc).__name__} {exc}"
    seconds = time.perf_counter() - started
    tally.record(target.kind, seconds, problem)
    return seconds


BENCH_USER = "bench-viewer"
SIGNED_IN: dict[str, str] = {}
"""The viewer's name and password when the run is signed in (`--signed-in`); else empty."""
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


async def sign_in(client: httpx.AsyncClient) -> None:
    """Sign in through the form as the benchmark's viewer: a session cookie in `client`."""
    form = await client.get("/signin")
    fields = dict(HIDDEN.findall(form.text)) | SIGNED_IN
    done = await client.post("/signin", data=fields)
    if done.status_code != 303 or "/signin" in done.headers.get("location", ""):
        raise SystemExit(f"sign-in as {SIGNED_IN.get('name')} failed: HTTP {done.status_code}")


def sign_in_sync(client: httpx.Client) -> None:
    form = client.get("/signin")
    done = client.post("/signin", data=dict(HIDDEN.findall(form.text)) | SIGNED_IN)
    if done.status_code != 303:
        raise SystemExit(f"sign-in as {SIGNED_IN.get('name')} failed: HTTP {done.status_code}")


async def warm_latency(
    url: str, found: list[Target], repeat: int, signed_in: bool = False
) -> tuple[Tally, dict[str, float]]:
    """One warm-up request per URL, then `repeat` sequential ones, pooled per URL.

    Also each URL's first request (seconds), shown apart: an explorer variant not asked for
    before is computed then, and kept.
    """
    per_url, first = Tally(), {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        if signed_in:
            await sign_in(client)
        for target in found:
            first[target.path] = await fetch(client, Target(target.path, target.path), per_url)
            per_url.latencies[target.path].clear()
            for _ in range(repeat):
                await fetch(client, Target(target.path, target.path), per_url)
    return per_url, first


async def load(
    url: str, found: list[Target], clients: int, seconds: float, signed_in: bool = False
) -> tuple[Tally, float]:
    """`clients` clients cycling through `found` until `seconds` have passed (each signed
    in first, untimed, when `signed_in`)."""
    tally = Tally()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    opened = [httpx.AsyncClient(base_url=url, timeout=60, limits=limits) for _ in range(clients)]
    try:
        if signed_in:
            for client in opened:  # one after another: sign-in hashes on purpose slowly
                await sign_in(client)
        deadline = time.perf_counter() + seconds

        async def client_loop(number: int) -> None:
            index = number * len(found) // clients
            while time.perf_counter() < deadline:
                await fetch(opened[number], found[index % len(found)], tally)
                index += 1

        started = time.perf_counter()
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
        return tally, time.perf_counter() - started
    finally:
        for client in opened:
            await client.aclose()


def table(
    tally: Tally, order: list[str], title: str, first: dict[str, float] | None = None
) -> None:
    """Count, errors and p50/p95/p99/max in ms per kind, then all of them together."""
    width = max(len(title), *(len(k) for k in order), 3) + 2
    head = f"{title:<{width}}{'n':>8}{'errors':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"
    print(head + (f"{'first':>9}" if first else ""))
    everything: list[float] = []
    for kind in [*order, "all"]:
        values = sorted(everything if kind == "all" else tally.latencies.get(kind, []))
        if not values:
            continue
        if kind != "all":
            everything.extend(values)
        errors = tally.error_count if kind == "all" else tally.errors.get(kind, 0)
        cells = "".join(f"{percentile(values, s) * 1000:9.1f}" for s in (0.5, 0.95, 0.99, 1.0))
        if first:  # on the `all` row, the slowest first request
            cells += f"{first.get(kind, max(first.values())) * 1000:9.1f}"
        print(f"{kind:<{width}}{len(values):>8}{errors:>8}{cells}")
    print("(milliseconds)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    """`outcomes serve` on a free loopback port, ready, until the block ends: URL and pid.

    `--read-only` (anonymous clients) unless the run is `--signed-in`, when the benchmark's
    viewer is added first and every client signs in.
    """
    port = free_port()
    outcomes = str(Path(sys.executable).with_name("outcomes"))
    command = [outcomes, "serve", "-w", str(args.workspace), "--port", str(port)]
    if args.signed_in:
        add_viewer(outcomes, args.workspace)
    else:
        command.append("--read-only")
    for source in args.touch_source:
        command += ["--touch-source", source]
    if args.no_lookback:
        command.append("--no-lookback")
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.perf_counter()
            wait_ready(url, server, args.ready_timeout, log)
            print(f"outcomes serve ready on {url} after {time.perf_counter() - started:.1f} s")
            yield url, server.pid
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def add_viewer(outcomes: str, workspace: Path) -> None:
    """The benchmark's viewer in the workspace's app database, with a new password."""
    password = secrets.token_urlsafe(18)
    for command in (["add", BENCH_USER, "--role", "viewer"], ["set-password", BENCH_USER]):
        done = subprocess.run(
            [outcomes, "user", *command, "--password-stdin", "-w", str(workspace)],
            input=password + "\n", capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            SIGNED_IN.update(name=BENCH_USER, password=password)
            return
    raise SystemExit(f"could not add the benchmark's viewer: {done.stderr.strip()}")


def wait_ready(url: str, server: subprocess.Popen[Any], timeout: float, log: Any) -> None:
    """Poll `/api/status` until the first measurement is ready; fail if the server dies."""
    deadline = time.perf_counter() + timeout
    with httpx.Client(base_url=url, timeout=5) as client:
        signed = not SIGNED_IN
        while True:
            if not signed:  # the API asks a signed-in run's poller to sign in too
                with contextlib.suppress(httpx.HTTPError):
                    sign_in_sync(client)
                    signed = True
            if server.poll() is not None:
                log.seek(0)
                raise SystemExit(f"outcomes serve exited ({server.returncode}):\n{log.read()}")
            with contextlib.suppress(httpx.HTTPError):
                status = client.get("/api/status").json()
                if status.get("ready"):
                    return
                if status.get("error"):
                    raise SystemExit(f"the dashboard could not measure: {status['error']}")
            if time.perf_counter() > deadline:
                raise SystemExit(f"the dashboard was not ready after {timeout:.0f} s")
            time.sleep(0.5)


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) a process has used so far; None where /proc cannot say."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snapshot_responses(client: httpx.Client, found: list[Target]) -> dict[str, Any]:
    """Every URL's body as sent (gzipped where the dashboard gzips it for these clients),
    content type and content encoding, as the dashboard answers it now."""
    kept = {}
    for target in found:
        with client.stream("GET", target.path) as response:
            body = b"".join(response.iter_raw())
            headers = response.headers
        kept[target.path] = (body, headers.get("content-type", ""),
                             headers.get("content-encoding", ""))  # fmt: skip
    return kept


def peer_app(responses: dict[str, tuple[bytes, str, str]]) -> Any:
    """A bare ASGI app answering each URL with stored bytes: no routing, no templates."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"").decode()
        path = scope["path"] + (f"?{query}" if query else "")
        body, kind, encoding = responses.get(path, (b"", "text/plain", ""))
        headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
        if encoding:
            headers.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def run_peer(stored: Path, port: int) -> None:
    """Serve the stored responses on `port` with uvicorn, as `outcomes serve` does."""
    import pickle

    import uvicorn

    from outcomes.web.server import listen

    responses = pickle.loads(stored.read_bytes())
    listener = listen("127.0.0.1", port)
    config = uvicorn.Config(peer_app(responses), log_level="warning", lifespan="off", ws="none")
    with contextlib.suppress(KeyboardInterrupt):  # how the benchmark stops it
        uvicorn.Server(config).run(sockets=[listener])


@contextlib.contextmanager
def peer(responses: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """The peer server in its own process, on a free port, until the block ends."""
    import pickle

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(suffix=".pickle") as stored:
        stored.write(pickle.dumps(responses))
        stored.flush()
        command = [sys.executable, __file__, "--peer-serve", stored.name, "--port", str(port)]
        server = subprocess.Popen(command)
        try:
            with httpx.Client(base_url=url, timeout=5) as client:
                for _ in range(200):
                    with contextlib.suppress(httpx.HTTPError):
                        client.get("/")
                        break
                    time.sleep(0.05)
            yield url, server.pid
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(15)


def measure_peer(url: str, found: list[Target], args: argparse.Namespace) -> tuple[float, float]:
    """The peer's warm median (s, over every request) and requests per second under load."""
    with httpx.Client(base_url=url, timeout=60) as client:
        if args.signed_in:
            sign_in_sync(client)
        responses = snapshot_responses(client, found)
    with peer(responses) as (peer_url, _):
        per_url, _ = asyncio.run(warm_latency(peer_url, found, args.repeat))
        tally, elapsed = asyncio.run(load(peer_url, found, args.clients, args.seconds))
    warm = sorted(v for values in per_url.latencies.values() for v in values)
    total = sum(len(v) for v in tally.latencies.values())
    return percentile(warm, 0.5), total / elapsed


def run(url: str, args: argparse.Namespace, server: int | None = None) -> int:
    with httpx.Client(base_url=url, timeout=60) as client:
        if args.signed_in:
            sign_in_sync(client)
        found = targets(client)
    kinds = list(dict.fromkeys(t.kind for t in found))
    print(f"{len(found)} URLs of {len(kinds)} kinds; server at {url}; {os.cpu_count()} CPUs")

    per_url, first = asyncio.run(warm_latency(url, found, args.repeat, args.signed_in))
    print(f"\nWarm, one client, {args.repeat} sequential requests per URL")
    table(per_url, [t.path for t in found], "url", first)
    print("(first: the URL's first request, before the timed ones; on `all`, the slowest)")
    pages = [t.path for t in found if not t.path.startswith(("/api/", "/static/"))]
    slowest = max(pages, key=lambda p: percentile(sorted(per_url.latencies[p]), 0.5))
    slowest_ms = percentile(sorted(per_url.latencies[slowest]), 0.5) * 1000
    verdict = "yes" if slowest_ms < PAGE_BUDGET_MS else "NO"
    print(f"every page under {PAGE_BUDGET_MS:.0f} ms (median, warm): {verdict}; "
          f"slowest {slowest} at {slowest_ms:.1f} ms")  # fmt: skip

    print(f"\nLoad: {args.clients} concurrent clients for {args.seconds:g} s, keep-alive")
    client_cpu, server_cpu = time.process_time(), cpu_seconds(server)
    tally, elapsed = asyncio.run(load(url, found, args.clients, args.seconds, args.signed_in))
    client_cpu = time.process_time() - client_cpu
    server_after = cpu_seconds(server)
    table(tally, kinds, "kind")
    total = sum(len(v) for v in tally.latencies.values())
    print(f"{total:,} requests in {elapsed:.1f} s: {total / elapsed:,.0f} requests/s; "
          f"{tally.error_count} errors")  # fmt: skip
    # Client and server share the machine: how much of it the clients themselves took.
    cpu = f"CPU during the load: clients {client_cpu:.1f} s"
    if server_cpu is not None and server_after is not None:
        cpu += f", server {server_after - server_cpu:.1f} s"
    print(f"{cpu} (of {elapsed:.1f} s wall, {os.cpu_count()} CPUs)")

    if not args.no_peer:
        ours_warm = percentile(sorted(v for vs in per_url.latencies.values() for v in vs), 0.5)
        peer_warm, peer_rate = measure_peer(url, found, args)
        print(
            f"\nPeer (stored bytes, same server software): warm median "
            f"{peer_warm * 1000:.2f} ms, {peer_rate:,.0f} requests/s under the same load"
        )
        print(f"ratio ours / peer: warm median {ours_warm / peer_warm:.2f}, "
              f"requests/s {total / elapsed / peer_rate:.2f}")  # fmt: skip

    errors = per_url.error_count + tally.error_count
    for example in [*per_url.examples, *tally.examples][:10]:
        print(f"  error: {example}")
    print(f"errors {errors}")
    return 1 if errors else 0


def main() -> None:
    if sys.argv[1:2] == ["--peer-serve"]:  # the peer's own process: FILE --port PORT
        run_peer(Path(sys.argv[2]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running dashboard, e.g. http://127.0.0.1:8000")
    where.add_argument("--workspace", type=Path, help="start `outcomes serve` on this workspace")
    parser.add_argument("--touch-source", action="append", default=[],
                        help="passed to `outcomes serve` (repeat)")  # fmt: skip
    parser.add_argument("--no-lookback", action="store_true", help="passed to `outcomes serve`")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repeat", type=int, default=20, help="sequential requests per URL")
    parser.add_argument("--ready-timeout", type=float, default=600,
                        help="seconds to wait for the first measurement")  # fmt: skip
    parser.add_argument("--no-peer", action="store_true", help="skip the static peer")
    parser.add_argument("--signed-in", action="store_true",
                        help="serve with sign-in; every client signs in as a viewer")  # fmt: skip
    args = parser.parse_args()
    if args.signed_in and args.url:
        parser.error("--signed-in starts the server itself: give --workspace, not --url")
    if args.url:
        sys.exit(run(args.url.rstrip("/"), args))
    with serve(args) as (url, pid):
        code = run(url, args, pid)
    sys.exit(code)


if __name__ == "__main__":
    main()
