"""How long `outcomes check` takes on a large plan, against bare YAML parsing of the same file.

Run by hand: `python benchmarks/check.py [--tactics 2000] [--repeat 5]`. The goal (issue 2):
a plan of 2,000 tactics checks in under 2 s, measured end to end as a user runs it (a new
process, so interpreter start-up and imports count). The peer is PyYAML's C loader reading
the same file into dicts with no validation: the floor any YAML-based checker stands on.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

CHANNELS = ["linkedin", "x", "facebook", "instagram", "youtube", "blog", "email", "webinar"]
MODES = ["publish", "respond", "outreach", "advertise", "listen", "advocate"]


def make_plan(tactics: int) -> str:
    """A valid plan with `tactics` tactics spread over goals, strategies and people."""
    goals = max(1, tactics // 100)
    strategies = max(1, tactics // 10)
    people = max(4, tactics // 6)
    lines = [
        "version: 1",
        "organisation: {name: Bench Co, currency: EUR, hourly_cost: 65}",
        "people:",
        "  - {id: ceo, name: Chief Executive, executive: true, function: executive}",
    ]
    lines += [
        f"  - {{id: p{i}, name: Person {i}, function: sales, hours_per_week: 6}}"
        for i in range(people)
    ]
    lines.append("goals:")
    for g in range(goals):
        lines += [
            f"  - id: g{g}",
            f"    title: Win more customers in segment {g}",
            "    metric: net_new_customers",
            "    direction: increase",
            "    baseline: 40",
            "    threshold: 50",
            "    target: 60",
            "    start: 2026-01-01",
            "    due: 2026-12-31",
            "    sponsor: ceo",
            "    functions: [sales]",
        ]
    lines.append("strategies:")
    for s in range(strategies):
        lines += [
            f"  - id: s{s}",
            f"    title: Earn buyers' trust in segment {s} before the first call",
            f"    serves: [g{s % goals}]",
            "    owner: ceo",
            "    functions: [sales]",
        ]
    lines.append("tactics:")
    for t in range(tactics):
        lines += [
            f"  - id: t{t}",
            f"    title: Share one customer insight a week and answer every comment ({t})",
            f"    serves: s{t % strategies}",
            f"    channel: {CHANNELS[t % len(CHANNELS)]}",
            f"    mode: {MODES[t % len(MODES)]}",
            f"    operators: [p{t % people}, p{(t + 1) % people}]",
            "    accountable: ceo",
            "    start: 2026-02-01",
            "    end: 2026-11-30",
            "    cadence: {count: 1, per: week}",
            "    resources: {hours_per_week: 2, budget: 500, tools: [{name: Scheduler, cost: 100}]}",
            "    benchmarks:",
            "      - {metric: demo_requests, baseline: 0, target: 20, per: period}",
            "      - {metric: first_response_minutes, threshold: 480, target: 240}",
            "    measurement:",
            "      sources: [linkedin, hubspot]",
            f"      match: {{utm_campaign: t{t}}}",
        ]
    return "\n".join(lines) + "\n"


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Median and best wall-clock seconds over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tactics", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from outcomes.lint import check_plan
    from outcomes.plan import load_plan

    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.yaml"
        plan.write_text(make_plan(args.tactics), encoding="utf-8")
        size = plan.stat().st_size
        outcomes = Path(sys.executable).with_name("outcomes")

        def cli() -> None:
            subprocess.run(
                [
                    str(outcomes),
                    "check",
                    str(plan),
                    "-f",
                    "json",
                    "-o",
                    str(Path(tmp) / "out.json"),
                ],
                check=False,
            )

        def library() -> None:
            check_plan(load_plan(plan))

        def peer() -> None:
            yaml.load(plan.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        result = check_plan(load_plan(plan))
        cli_median, cli_best = best_of(args.repeat, cli)
        lib_median, _ = best_of(args.repeat, library)
        peer_median, _ = best_of(args.repeat, peer)

    print(f"plan: {args.tactics:,} tactics, {size / 1e6:.2f} MB, {len(result.findings)} findings")
    print(
        f"outcomes check (new process)  median {cli_median:.3f} s  best {cli_best:.3f} s  goal < 2 s"
    )
    print(f"load + lint in-process       median {lib_median:.3f} s")
    print(f"peer: yaml.load CSafeLoader  median {peer_median:.3f} s")
    print(f"ratio <ours in-process/bare YAML parse> {lib_median / peer_median:.2f}")


if __name__ == "__main__":
    main()
