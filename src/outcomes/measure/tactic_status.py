"""A tactic's overall status: one word from its benchmarks, business outcomes first.

A tactic has several benchmarks of different weight: the new customers a campaign brought
say more about it than its clicks. Its overall status follows one documented rule
(docs/plan-format.md, "Statuses"), in the vocabulary of `outcomes.catalog.statuses`:

1. A tactic that reaches no business goal (it serves no strategy, or its strategy serves
   no goal) is `unplanned` ("serves no goal"), whatever its numbers: activity for no goal
   is never "achieved".
2. Otherwise it is judged on its **outcome evidence**: its benchmarks on business or
   pipeline metrics that have data, and its pilot when the pilot's interval lies wholly
   on one side of zero (above: `on_track`, the tactic works; below: `off_track`). The
   status is the worst of these. Activity, engagement and vanity benchmarks are shown
   beside it but do not weigh: Facebook ads that met 847 of 700 new customers are
   achieved even when their clicks are short.
3. A tactic with no outcome evidence is judged on its activity, engagement and vanity
   benchmarks that have data, the worst of them.
4. A tactic with neither is `no_data` ("no data yet"): not a colour of success or failure.
   A benchmark with no data never makes a tactic look worse or better.

A benchmark is final (`achieved` or `missed`, see `outcomes.measure.benchmarks`) only
when its own data reaches the tactic's end, so the status that follows from them is final
only then too: a tactic whose year is over, with data to its last day, is never "on
track" on its benchmarks; one whose data stops earlier is judged at that day, as its
benchmarks are, and its reason says which day ("clicks 298 (target 300, measured to
2026-04-19): on track"). Its pilot's evidence is final when the tactic is over and every
benchmark with data reaches its end: an interval wholly above zero has `achieved` what a
pilot sets out to show (the tactic works), wholly below it has `missed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from outcomes.catalog.statuses import Status, status_word, worst
from outcomes.measure.benchmarks import BenchmarkResult
from outcomes.measure.pilot import PilotResult
from outcomes.measure.words import benchmark_value
from outcomes.plan import Plan
from outcomes.plan.model import Tactic

Basis = Literal["unplanned", "outcome", "activity", "none"]


@dataclass(frozen=True, slots=True)
class TacticStatus:
    """One tactic's overall status, what it rests on, and why, in one line."""

    tactic: str
    status: Status
    basis: Basis
    """What decided it: `outcome` evidence, `activity` benchmarks, nothing (`none`), or
    that the tactic reaches no goal (`unplanned`)."""
    reason: str


def tactic_statuses(
    plan: Plan,
    benchmarks: Sequence[BenchmarkResult],
    pilots: Sequence[PilotResult],
    as_of: dt.date | None = None,
    *,
    unloaded: Mapping[str, Sequence[str]] | None = None,
) -> list[TacticStatus]:
    """Every tactic of the plan, judged by the rule of the module docstring at `as_of`
    (the benchmarks' day; without it a pilot's evidence is never final). `unloaded`: per
    tactic, the sources the plan measures it by of which nothing is loaded
    (`outcomes.measure.declared_sources`), said in its reason: a "missed" read off half
    its data is not the tactic's doing."""
    judged = []
    for tactic in plan.tactics:
        marks = [b for b in benchmarks if b.tactic == tactic.id]
        pilot = next((p for p in pilots if p.tactic == tactic.id), None)
        over = as_of is not None and as_of >= tactic.end and _data_reach_the_end(tactic, marks)
        status = _judge(
            plan, tactic, _reaches_a_goal(plan, tactic), marks, _pilot_status(pilot, over=over)
        )
        judged.append(_with_unloaded(status, (unloaded or {}).get(tactic.id, ())))
    return judged


def _with_unloaded(status: TacticStatus, sources: Sequence[str]) -> TacticStatus:
    """Its reason, with the named sources nothing has loaded: what to load to judge it."""
    if not sources or status.status == "unplanned":
        return status
    named = sources[0] if len(sources) == 1 else f"{', '.join(sources[:-1])} and {sources[-1]}"
    if status.status == "no_data":
        said = f"; load {named}, which the plan measures it by"
    else:
        said = f"; measured without {named}, which the plan measures it by: not loaded"
    return replace(status, reason=status.reason + said)


def _data_reach_the_end(tactic: Tactic, marks: Sequence[BenchmarkResult]) -> bool:
    """True when every benchmark with data is measured to the tactic's end."""
    return all(b.measured_to is None or b.measured_to >= tactic.end for b in marks)


def _reaches_a_goal(plan: Plan, tactic: Tactic) -> bool:
    goals = {g.id for g in plan.goals}
    return any(s.id == tactic.serves and any(g in goals for g in s.serves) for s in plan.strategies)


def _pilot_status(pilot: PilotResult | None, *, over: bool) -> tuple[str, Status] | None:
    """The pilot's evidence (what, status) when its interval lies wholly on one side of
    zero; final once the tactic is `over`, as its benchmarks are."""
    if pilot is None or pilot.low <= 0 <= pilot.high:
        return None
    works = pilot.low > 0
    if over:
        return f"pilot on {pilot.metric}", "achieved" if works else "missed"
    return f"pilot on {pilot.metric}", "on_track" if works else "off_track"


def _judge(
    plan: Plan,
    tactic: Tactic,
    planned: bool,
    marks: list[BenchmarkResult],
    from_pilot: tuple[str, Status] | None,
) -> TacticStatus:
    measured = [b for b in marks if b.status != "no_data"]
    outcomes = [b for b in measured if b.outcome]
    others = [b for b in measured if not b.outcome]
    evidence: list[tuple[str, Status]] = [(_measured(plan, b), b.status) for b in outcomes]
    if from_pilot is not None:
        evidence.append(from_pilot)
    said = "; ".join(f"{name}: {status_word(status)}" for name, status in evidence)
    aside = "; ".join(f"{_measured(plan, b)}: {status_word(b.status)}" for b in others)
    if not planned:
        numbers = "; ".join(x for x in (said, aside) if x) or "no data yet"
        return TacticStatus(
            tactic.id, "unplanned", "unplanned", f"serves no business goal ({numbers})"
        )
    if evidence:
        status = worst(status for _, status in evidence)
        shown = f"; not weighed: {aside}" if aside else ""
        return TacticStatus(tactic.id, status, "outcome", f"on business outcomes: {said}{shown}")
    if others:
        status = worst(b.status for b in others)
        return TacticStatus(tactic.id, status, "activity", f"no business outcome yet; {aside}")
    if not marks and tactic.benchmarks:  # measured only from its start
        why = f"it starts on {tactic.start.isoformat()}"
    else:
        why = ", ".join(b.metric for b in marks) or "no benchmark"
    return TacticStatus(tactic.id, "no_data", "none", f"no data yet ({why})")


def _measured(plan: Plan, mark: BenchmarkResult) -> str:
    """The metric, its actual and its target in the metric's unit, and the day it is
    measured to when its data stops early and its result is open: "net_new_customers 847
    (target 700)", "clicks 298 (target 300, measured to 2026-04-19)"."""
    actual, target = (benchmark_value(plan, mark.metric, v) for v in (mark.actual, mark.target))
    early = mark.data_note is not None and mark.measured_to is not None and not mark.final
    day = f", measured to {mark.measured_to}" if early else ""
    note = "".join(f", {said}" for said in (mark.note, mark.status_note) if said)
    return f"{mark.metric} {actual} (target {target}{day}{note})"
