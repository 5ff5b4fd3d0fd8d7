"""The tactical implementation plan: for every tactic, what it uses, who runs it, what it costs.

The seeds ask each tactic to say which services it uses, its benchmarks for success, how its
activity is measured, who operates it and who answers for it, and what it takes in people,
money and tools ("technology is always the smallest part of the budget"). This module works
all of that out from a loaded plan as plain frozen data; :mod:`outcomes.report.implementation`
turns it into Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from outcomes.catalog import BUILTIN_METRICS
from outcomes.plan.capacity import CapacityLoad, loads_by_operator, peak_load
from outcomes.plan.load import LoadedPlan
from outcomes.plan.model import Benchmark, Goal, Person, Plan, Strategy, Tactic, Tool

Phase = Literal["not started", "running", "ended"]
CapacityStatus = Literal["over", "ok", "unknown", "idle"]

CHANNEL_LABELS: Final[Mapping[str, str]] = {
    "linkedin": "LinkedIn", "x": "X", "facebook": "Facebook", "instagram": "Instagram",
    "youtube": "YouTube", "tiktok": "TikTok", "pinterest": "Pinterest", "mastodon": "Mastodon",
    "blog": "Blog", "community": "Community", "email": "Email", "website": "Website",
    "webinar": "Webinar", "event": "Event", "trade-show": "Trade show",
    "direct-mail": "Direct mail", "paid-search": "Paid search", "other": "Other",
}  # fmt: skip
SOURCE_LABELS: Final[Mapping[str, str]] = {
    "x-archive": "X archive", "linkedin": "LinkedIn", "meta": "Meta", "youtube": "YouTube",
    "mastodon": "Mastodon", "hubspot": "HubSpot", "salesforce": "Salesforce",
    "ga4": "Google Analytics 4", "csv": "CSV import", "paths": "Journey paths",
}  # fmt: skip
MODE_LABELS: Final[Mapping[str, str]] = {
    "publish": "Publish", "listen": "Listen", "respond": "Respond", "advertise": "Advertise",
    "advocate": "Employee advocacy", "outreach": "One-to-one outreach", "event": "Event",
    "other": "Other",
}  # fmt: skip

_DAYS_PER: Final[Mapping[str, float]] = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
_EPSILON: Final = 1e-9


@dataclass(frozen=True, slots=True)
class Party:
    """A person or team as the report names them."""

    id: str
    name: str
    title: str | None
    is_team: bool
    hours_per_week: float | None


@dataclass(frozen=True, slots=True)
class Costs:
    """Hours and money, split the seeds' way: people, process (money) and technology."""

    hours: float = 0.0
    people: float = 0.0
    money: float = 0.0
    technology: float = 0.0

    @property
    def total(self) -> float:
        """People, money and technology together, in the plan currency."""
        return self.people + self.money + self.technology

    @property
    def people_share(self) -> float:
        """Fraction of the total cost that is people's time (0 when nothing costs anything)."""
        return self._share(self.people)

    @property
    def money_share(self) -> float:
        """Fraction of the total cost that is budget money."""
        return self._share(self.money)

    @property
    def technology_share(self) -> float:
        """Fraction of the total cost that is tools."""
        return self._share(self.technology)

    def _share(self, part: float) -> float:
        return part / self.total if self.total > 0 else 0.0

    def __add__(self, other: Costs) -> Costs:
        return Costs(
            self.hours + other.hours,
            self.people + other.people,
            self.money + other.money,
            self.technology + other.technology,
        )


def sum_costs(items: Iterable[Costs]) -> Costs:
    """The sum of several cost lines."""
    total = Costs()
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """A metric from the built-in catalogue or the plan's own `metrics`."""

    id: str
    name: str
    metric_class: str
    unit: str
    better: Literal["higher", "lower"]


@dataclass(frozen=True, slots=True)
class BenchmarkPlan:
    """A benchmark for success, read in its metric's better direction."""

    metric: MetricInfo
    baseline: float | None
    threshold: float | None
    target: float
    stretch: float | None
    per: str | None


@dataclass(frozen=True, slots=True)
class CadencePlan:
    """How often the tactic is carried out, and how many times that makes over its period."""

    count: float
    per: str
    words: str
    occurrences: int


@dataclass(frozen=True, slots=True)
class PilotPlan:
    """A bottom-up proof: the group runs the tactic, the control group does not."""

    group: tuple[Party, ...]
    control: tuple[Party, ...]
    metric: MetricInfo


@dataclass(frozen=True, slots=True)
class TacticPlan:
    """One tactic's implementation plan."""

    id: str
    title: str
    strategy_id: str | None
    channel: str
    channel_label: str
    mode: str
    mode_label: str
    services: tuple[str, ...]
    benchmarks: tuple[BenchmarkPlan, ...]
    measured_from: tuple[str, ...]
    match_rules: tuple[str, ...]
    operators: tuple[Party, ...]
    accountable: tuple[Party, ...]
    consulted: tuple[Party, ...]
    informed: tuple[Party, ...]
    cadence: CadencePlan | None
    start: dt.date
    end: dt.date
    weeks: float
    phase: Phase
    hours_per_week: float | None
    budget: float | None
    tools: tuple[Tool, ...]
    costs: Costs
    pilot: PilotPlan | None

    @property
    def is_resourced(self) -> bool:
        """Whether the plan gives the tactic any hours or money at all."""
        return bool(self.hours_per_week) or bool(self.budget) or bool(self.tools)


@dataclass(frozen=True, slots=True)
class StrategyPlan:
    """A strategy with the tactics that carry it out and what they cost together."""

    id: str
    title: str
    goal_ids: tuple[str, ...]
    owner: Party
    audience: str | None
    functions: tuple[str, ...]
    people: str | None
    process: str | None
    technology: str | None
    tactics: tuple[TacticPlan, ...]
    costs: Costs


@dataclass(frozen=True, slots=True)
class GoalPlan:
    """A business goal with the strategies that serve it and what they cost together."""

    id: str
    title: str
    metric: MetricInfo
    direction: str
    baseline: float
    target: float
    threshold: float | None
    stretch: float | None
    start: dt.date
    due: dt.date
    sponsor: Party | None
    functions: tuple[str, ...]
    strategies: tuple[StrategyPlan, ...]
    costs: Costs

    @property
    def tactic_count(self) -> int:
        """Tactics serving this goal through any of its strategies, each counted once."""
        return len({t.id for s in self.strategies for t in s.tactics})


@dataclass(frozen=True, slots=True)
class RaciRow:
    """A person's roles, one cell per tactic: letters from "RACI", or "" for none."""

    party: Party
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RaciMatrix:
    """Who is Responsible (operates), Accountable, Consulted and Informed, per tactic."""

    tactic_ids: tuple[str, ...]
    rows: tuple[RaciRow, ...]

    def cell(self, party_id: str, tactic_id: str) -> str:
        """The letters for one person and one tactic, e.g. "RA"; "" when none."""
        column = self.tactic_ids.index(tactic_id)
        row = next(r for r in self.rows if r.party.id == party_id)
        return row.cells[column]


@dataclass(frozen=True, slots=True)
class CapacityRow:
    """What a person (or team) can give against the most the plan asks at any one time."""

    party: Party
    loads: tuple[CapacityLoad, ...]
    peak: float
    peak_from: dt.date | None

    @property
    def available(self) -> float | None:
        """Hours a week the person can give the plan, if the plan says."""
        return self.party.hours_per_week

    @property
    def status(self) -> CapacityStatus:
        """`over` when asked for more than they have, `unknown` when capacity is not given."""
        if self.peak <= _EPSILON:
            return "idle"
        if self.available is None:
            return "unknown"
        return "over" if self.peak > self.available + _EPSILON else "ok"


@dataclass(frozen=True, slots=True)
class ImplementationPlan:
    """The whole tactical implementation plan, ready to render."""

    plan: Plan
    source_file: str
    organisation: str
    currency: str
    hourly_cost: float
    prepared_on: dt.date
    start: dt.date | None
    end: dt.date | None
    goals: tuple[GoalPlan, ...]
    unlinked_strategies: tuple[StrategyPlan, ...]
    unlinked_tactics: tuple[TacticPlan, ...]
    tactics: tuple[TacticPlan, ...]
    people: tuple[Party, ...]
    costs: Costs
    raci: RaciMatrix
    capacity: tuple[CapacityRow, ...]

    @property
    def strategy_count(self) -> int:
        """Strategies in the plan, linked or not."""
        return len(self.plan.strategies)

    @property
    def has_unlinked(self) -> bool:
        """Whether any strategy serves no goal or any tactic serves no strategy."""
        return bool(self.unlinked_strategies or self.unlinked_tactics)

    @property
    def unassigned_tactics(self) -> tuple[TacticPlan, ...]:
        """Tactics that ask for hours but name nobody to give them."""
        return tuple(t for t in self.tactics if t.hours_per_week and not t.operators)


def build_implementation_plan(
    loaded: LoadedPlan, *, today: dt.date | None = None
) -> ImplementationPlan:
    """Work out the tactical implementation plan of a loaded, valid plan.

    `today` (default: the current date) decides each tactic's phase and the date the plan
    is prepared on; nothing else depends on it.
    """
    plan = loaded.plan
    prepared_on = today or dt.date.today()
    context = _Context(plan, prepared_on)
    tactics = tuple(context.tactic(t) for t in plan.tactics)
    strategies = {s.id: context.strategy(s, tactics) for s in plan.strategies}
    goals = tuple(context.goal(g, strategies.values()) for g in plan.goals)
    start, end = _period(plan)
    return ImplementationPlan(
        plan=plan,
        source_file=loaded.file,
        organisation=plan.organisation.name,
        currency=plan.organisation.currency,
        hourly_cost=plan.organisation.hourly_cost,
        prepared_on=prepared_on,
        start=start,
        end=end,
        goals=goals,
        unlinked_strategies=tuple(s for s in strategies.values() if not s.goal_ids),
        unlinked_tactics=tuple(t for t in tactics if t.strategy_id is None),
        tactics=tactics,
        people=tuple(context.parties.values()),
        costs=sum_costs(t.costs for t in tactics),
        raci=build_raci(context.parties.values(), tactics),
        capacity=build_capacity(context.parties.values(), plan.tactics),
    )


class _Context:
    """Look-ups shared while building: people and metrics by id, the plan's money units."""

    def __init__(self, plan: Plan, today: dt.date) -> None:
        self.plan = plan
        self.today = today
        self.parties = {p.id: _party(p) for p in plan.people}
        self.metrics = _metrics(plan)

    # A LoadedPlan has passed the reference checks, so every id looked up here exists.
    def resolve(self, ids: Sequence[str]) -> tuple[Party, ...]:
        return tuple(self.parties[i] for i in ids)

    def metric(self, metric_id: str) -> MetricInfo:
        return self.metrics[metric_id]

    def tactic(self, tactic: Tactic) -> TacticPlan:
        weeks = tactic_weeks(tactic.start, tactic.end)
        resources = tactic.resources
        hours_per_week = resources.hours_per_week if resources else None
        tools = tuple(resources.tools) if resources else ()
        budget = resources.budget if resources else None
        hours = (hours_per_week or 0.0) * weeks
        costs = Costs(
            hours=hours,
            people=hours * self.plan.organisation.hourly_cost,
            money=budget or 0.0,
            technology=sum((t.cost for t in tools), 0.0),
        )
        return TacticPlan(
            id=tactic.id,
            title=tactic.title,
            strategy_id=tactic.serves,
            channel=tactic.channel,
            channel_label=CHANNEL_LABELS.get(tactic.channel, tactic.channel),
            mode=tactic.mode,
            mode_label=MODE_LABELS.get(tactic.mode, tactic.mode),
            services=_services(tactic),
            benchmarks=tuple(self.benchmark(b) for b in tactic.benchmarks),
            measured_from=_measured_from(tactic),
            match_rules=self.match_rules(tactic),
            operators=self.resolve(tactic.operators),
            accountable=self.resolve(tactic.accountable),
            consulted=self.resolve(tactic.consulted),
            informed=self.resolve(tactic.informed),
            cadence=_cadence(tactic, weeks),
            start=tactic.start,
            end=tactic.end,
            weeks=weeks,
            phase=_phase(tactic.start, tactic.end, self.today),
            hours_per_week=hours_per_week,
            budget=budget,
            tools=tools,
            costs=costs,
            pilot=self.pilot(tactic),
        )

    def benchmark(self, benchmark: Benchmark) -> BenchmarkPlan:
        return BenchmarkPlan(
            metric=self.metric(benchmark.metric),
            baseline=benchmark.baseline,
            threshold=benchmark.threshold,
            target=benchmark.target,
            stretch=benchmark.stretch,
            per=benchmark.per,
        )

    def match_rules(self, tactic: Tactic) -> tuple[str, ...]:
        """Which activity counts for the tactic, as phrases a reader can check in the data."""
        match = tactic.measurement.match if tactic.measurement else None
        if match is None:
            return ()
        rules = []
        if match.utm_campaign:
            rules.append(f"UTM campaign {_either([f'“{v}”' for v in match.utm_campaign])}")
        if match.utm_source:
            rules.append(f"UTM source {_either([f'“{v}”' for v in match.utm_source])}")
        if match.accounts:
            noun = "account" if len(match.accounts) == 1 else "accounts"
            rules.append(f"activity of the {noun} {_either(match.accounts)}")
        if match.hashtags:
            tags = [h if h.startswith("#") else f"#{h}" for h in match.hashtags]
            rules.append(f"posts tagged {_either(tags)}")
        if match.operators:
            names = [p.name for p in self.resolve(match.operators)]
            rules.append(f"activity by {_either(names)}")
        return tuple(rules)

    def pilot(self, tactic: Tactic) -> PilotPlan | None:
        if tactic.pilot is None:
            return None
        return PilotPlan(
            group=self.resolve(tactic.pilot.group),
            control=self.resolve(tactic.pilot.control),
            metric=self.metric(tactic.pilot.metric),
        )

    def strategy(self, strategy: Strategy, tactics: Sequence[TacticPlan]) -> StrategyPlan:
        own = tuple(t for t in tactics if t.strategy_id == strategy.id)
        return StrategyPlan(
            id=strategy.id,
            title=strategy.title,
            goal_ids=tuple(strategy.serves),
            owner=self.parties[strategy.owner],
            audience=strategy.audience,
            functions=tuple(strategy.functions),
            people=strategy.people,
            process=strategy.process,
            technology=strategy.technology,
            tactics=own,
            costs=sum_costs(t.costs for t in own),
        )

    def goal(self, goal: Goal, strategies: Iterable[StrategyPlan]) -> GoalPlan:
        serving = tuple(s for s in strategies if goal.id in s.goal_ids)
        # A tactic belongs to one strategy, but count by id so the total stays right
        # whatever the model allows later.
        unique = {t.id: t for s in serving for t in s.tactics}
        return GoalPlan(
            id=goal.id,
            title=goal.title,
            metric=self.metric(goal.metric),
            direction=goal.direction,
            baseline=goal.baseline,
            target=goal.target,
            threshold=goal.threshold,
            stretch=goal.stretch,
            start=goal.start,
            due=goal.due,
            sponsor=self.parties.get(goal.sponsor) if goal.sponsor else None,
            functions=tuple(goal.functions),
            strategies=serving,
            costs=sum_costs(t.costs for t in unique.values()),
        )


def tactic_weeks(start: dt.date, end: dt.date) -> float:
    """Weeks from `start` to `end`, both days included (days / 7)."""
    return ((end - start).days + 1) / 7


def cadence_words(count: float, per: str) -> str:
    """A cadence as the plan's reader says it: "2 per month", "0.5 per week"."""
    return f"{format_number(count)} per {per}"


def format_number(value: float) -> str:
    """A number without a trailing ".0" and without float noise: 2, 0.5, 1.25."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _cadence(tactic: Tactic, weeks: float) -> CadencePlan | None:
    if tactic.cadence is None:
        return None
    count, per = tactic.cadence.count, tactic.cadence.per
    days = weeks * 7
    return CadencePlan(
        count=count,
        per=per,
        words=cadence_words(count, per),
        occurrences=round(count * days / _DAYS_PER[per]),
    )


def _phase(start: dt.date, end: dt.date, today: dt.date) -> Phase:
    if today < start:
        return "not started"
    return "running" if today <= end else "ended"


def _services(tactic: Tactic) -> tuple[str, ...]:
    """The channel, the data sources and the tools, each named once."""
    names = [CHANNEL_LABELS.get(tactic.channel, tactic.channel)]
    if tactic.measurement:
        names += [SOURCE_LABELS.get(s, s) for s in tactic.measurement.sources]
    if tactic.resources:
        names += [tool.name for tool in tactic.resources.tools]
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return tuple(unique)


def _measured_from(tactic: Tactic) -> tuple[str, ...]:
    sources = tactic.measurement.sources if tactic.measurement else []
    return tuple(SOURCE_LABELS.get(s, s) for s in sources)


def _either(values: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} or {values[-1]}"


def _party(person: Person) -> Party:
    return Party(person.id, person.name, person.title, person.is_team, person.hours_per_week)


def _metrics(plan: Plan) -> dict[str, MetricInfo]:
    metrics = {
        m.id: MetricInfo(m.id, m.name, m.metric_class, m.unit, m.better)
        for m in BUILTIN_METRICS.values()
    }
    for m in plan.metrics:
        metrics[m.id] = MetricInfo(m.id, m.name, m.metric_class, m.unit, m.direction)
    return metrics


def _period(plan: Plan) -> tuple[dt.date | None, dt.date | None]:
    starts = [g.start for g in plan.goals] + [t.start for t in plan.tactics]
    ends = [g.due for g in plan.goals] + [t.end for t in plan.tactics]
    return (min(starts, default=None), max(ends, default=None))


def build_raci(people: Iterable[Party], tactics: Sequence[TacticPlan]) -> RaciMatrix:
    """The RACI matrix: one row per person or team, one column per tactic."""
    rows = tuple(RaciRow(p, tuple(_raci_letters(p.id, t) for t in tactics)) for p in people)
    return RaciMatrix(tuple(t.id for t in tactics), rows)


def _raci_letters(party_id: str, tactic: TacticPlan) -> str:
    roles = (tactic.operators, tactic.accountable, tactic.consulted, tactic.informed)
    return "".join(
        letter
        for letter, parties in zip("RACI", roles, strict=True)
        if any(p.id == party_id for p in parties)
    )


def build_capacity(people: Iterable[Party], tactics: Iterable[Tactic]) -> tuple[CapacityRow, ...]:
    """Hours asked of each person against what they have, for everyone with either."""
    loads = loads_by_operator(tactics)
    rows = []
    for party in people:
        own = tuple(loads.get(party.id, ()))
        if not own and party.hours_per_week is None:
            continue
        peak = peak_load(own)
        rows.append(CapacityRow(party, own, peak.hours, peak.since))
    return tuple(rows)
