"""ROI per tactic, strategy and goal: attributed outcomes against what the tactics cost.

For a period (the plan's tactic dates by default), the warehouse's journeys are built
with tactics as steps (`journey_paths(by="tactic")`, in the engine) twice: once for
**sales** (conversions of type `deal_won` and `order`, whose `value` is revenue) and once
for **new customers** (type `new_customer`). Only conversions dated in the period count;
touches before the period still lead up to them. Each attribution model then shares
both out over the tactics, and the step `unplanned` (touches no tactic claims) gets its
share too, so nothing is credited to a tactic that another step earned.

Cost comes from `outcomes.measure.costs` (people, money, technology; recorded spend
replacing plan estimates). From these, for each tactic and model:

* **ROI** = (attributed revenue − cost) / cost; none when nothing was spent.
* **ROAS** = attributed revenue / money (budget and ads, without people's time or
  tools); none without money.
* **Cost per acquisition** = cost / attributed new customers; none without customers.

A strategy sums its tactics, a goal the strategies that serve it (a strategy serving
two goals counts fully in each). Outcomes that are not journeys (support cost saved,
retention) are credited by the scorecard, not invented here: a support tactic shows its
cost and no revenue.

**Uncertainty** is a Poisson bootstrap over journeys: each replicate redraws every
distinct path's converting and non-converting journey counts as Poisson with the
observed counts as means (the limit of resampling journeys with replacement, and exact
for journeys that share a path), keeps each path's mean value per conversion, and runs
the same model again. The `confidence` interval (90% by default) is the replicates'
percentile interval; sums over tactics are summed replicate by replicate, so strategy
and goal intervals are right too. Several conversions of one journey are resampled as
independent paths: an approximation that narrows intervals a little.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from outcomes.measure.attribution import MODELS, PathCounts, attribute
from outcomes.measure.attribution.journeys import UNPLANNED, JourneyOptions
from outcomes.measure.attribution.result import records_frame, records_table
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.costs import Period, TacticCost, tactic_costs
from outcomes.plan import Plan

if TYPE_CHECKING:
    import ibis
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa

    Floats = npt.NDArray[np.float64]


Level = Literal["tactic", "strategy", "goal"]
SALES_TYPES: Final = ("deal_won", "order")
CUSTOMER_TYPES: Final = ("new_customer",)
DEFAULT_MODELS: Final = ("markov", "shapley", "last_touch", "linear")
"""The first is the one reports lead with: data-driven, as comparable tools default to."""
JSON_SCHEMA_VERSION: Final = 1
"""Version of `RoiReport.to_json`'s shape; raised when a field changes meaning or goes."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A number with its bootstrap interval (low = high = value without a bootstrap)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class RoiRow:
    """One tactic, strategy or goal under one model."""

    level: Level
    id: str
    model: str
    conversions: Estimate
    revenue: Estimate
    new_customers: Estimate
    cost: float
    people: float
    money: float
    technology: float
    roi: Estimate | None
    roas: float | None
    cost_per_acquisition: float | None

    def to_record(self) -> dict[str, Any]:
        """A flat dict: estimates become `x`, `x_low`, `x_high`."""
        record: dict[str, Any] = {"level": self.level, "id": self.id, "model": self.model}
        for name in ("conversions", "revenue", "new_customers", "roi"):
            estimate = getattr(self, name)
            record[name] = None if estimate is None else estimate.value
            record[f"{name}_low"] = None if estimate is None else estimate.low
            record[f"{name}_high"] = None if estimate is None else estimate.high
        record |= {
            "cost": self.cost,
            "people": self.people,
            "money": self.money,
            "technology": self.technology,
            "roas": self.roas,
            "cost_per_acquisition": self.cost_per_acquisition,
        }
        return record


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the period's outcome reached attribution through a journey."""

    conversions: float
    """Sales conversions in the period."""
    on_paths: float
    """Of those, the ones with at least one touch in their window."""
    new_customers: float
    new_customers_on_paths: float


@dataclass(frozen=True, slots=True)
class RoiReport:
    """ROI rows for every model, with the period, parameters and coverage they came from."""

    period: Period
    currency: str
    models: tuple[str, ...]
    params: Mapping[str, Any]
    rows: tuple[RoiRow, ...]
    unplanned: Mapping[str, Estimate]
    """Revenue credited to touches of no tactic, per model."""
    coverage: Coverage

    def to_arrow(self) -> pa.Table:
        """`to_records` as an Arrow table."""
        return records_table(self.to_records())

    def to_pandas(self) -> Any:
        """`to_records` as a pandas DataFrame (needs pandas installed)."""
        return records_frame(self.to_records())

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row."""
        return [row.to_record() for row in self.rows]

    def to_json(self, levels: Sequence[Level] | None = None) -> dict[str, Any]:
        """The versioned JSON of `outcomes roi --format json`, the API and the briefing.

        `levels`: only the rows of these levels (all by default).
        """
        return {
            "schema_version": JSON_SCHEMA_VERSION,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "currency": self.currency,
            "models": list(self.models),
            "params": _plain(dict(self.params)),
            "coverage": dataclasses.asdict(self.coverage),
            "unplanned_revenue": {
                m: {"value": e.value, "low": e.low, "high": e.high}
                for m, e in self.unplanned.items()
            },
            "rows": [row.to_record() for row in self.rows if levels is None or row.level in levels],
        }

    def only(self, models: Sequence[str]) -> RoiReport:
        """The same report with the rows of `models` only (each model's rows stand alone:
        the bootstrap replicates are drawn once, whatever the models)."""
        missing = [m for m in models if m not in self.models]
        if missing:
            raise KeyError(f"model {missing[0]!r} was not measured")
        return dataclasses.replace(
            self,
            models=tuple(models),
            rows=tuple(r for r in self.rows if r.model in models),
            unplanned={m: self.unplanned[m] for m in models},
        )

    def row(self, level: Level, id_: str, model: str) -> RoiRow:
        """The row of one tactic, strategy or goal under one model."""
        for row in self.rows:
            if (row.level, row.id, row.model) == (level, id_, model):
                return row
        raise KeyError((level, id_, model))


def _plain(value: Any) -> Any:
    """`value` in JSON's own types (tuples as lists), so that it reads back equal."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class _Credit:
    """Per-step credit of one model: point values and bootstrap replicates (B, steps)."""

    steps: tuple[str, ...]
    conversions: Floats
    revenue: Floats
    customers: Floats
    conversions_boot: Floats
    revenue_boot: Floats
    customers_boot: Floats


def roi(
    plan: Plan,
    touchpoints: ibis.Table,
    conversions: ibis.Table,
    costs: ibis.Table | None = None,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    period: Period | None = None,
    lookback_days: int | None = 90,
    sources: Sequence[str] | None = None,
    bootstrap: int = 200,
    confidence: float = 0.9,
    seed: int = 0,
    model_params: Mapping[str, Mapping[str, Any]] | None = None,
    journeys: JourneyStore | None = None,
) -> RoiReport:
    """Attributed outcomes, cost and ROI per tactic, strategy and goal for each model.

    `journeys`: the journeys of these touchpoints and conversions, when the caller keeps
    them for other measures too (`build_briefing` does); else they are built here.
    """
    import numpy as np

    if not models:
        raise ValueError("models is empty: name at least one attribution model")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown attribution model {unknown[0]!r}; valid: {', '.join(MODELS)}")
    if bootstrap < 0:
        raise ValueError(f"bootstrap must be 0 or more replicates, not {bootstrap}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    period = period or Period.of_plan(plan)
    in_period = _in_period(conversions, period)
    build: JourneyOptions = {
        "by": "tactic", "plan": plan, "lookback_days": lookback_days, "sources": sources,
        "credit_period": period.instants(),
    }  # fmt: skip
    sales_options: JourneyOptions = {**build, "conversion_types": SALES_TYPES}
    customer_options: JourneyOptions = {**build, "conversion_types": CUSTOMER_TYPES}
    # All conversions, not only the period's: they link identities and end earlier paths.
    journeys = journeys or JourneyStore(touchpoints, conversions, materialise=False)
    sales = journeys.paths(**sales_options)
    customers = journeys.paths(**customer_options)
    spent = tactic_costs(plan, period, costs)
    rng = np.random.default_rng(seed)
    replicates = [(_resample(sales, rng), _resample(customers, rng)) for _ in range(bootstrap)]
    steps = (*(t.id for t in plan.tactics), UNPLANNED)
    rows: list[RoiRow] = []
    unplanned: dict[str, Estimate] = {}
    for model in models:
        params = dict((model_params or {}).get(model, {}))
        credit = _credit(model, params, sales, customers, replicates, steps)
        rows.extend(_rows(plan, model, credit, spent, confidence))
        index = steps.index(UNPLANNED)
        unplanned[model] = _estimate(
            credit.revenue[index], credit.revenue_boot[:, index], confidence
        )
    return RoiReport(
        period=period,
        currency=plan.organisation.currency,
        models=tuple(models),
        params={
            "lookback_days": lookback_days,
            "sources": None if sources is None else tuple(sources),
            "bootstrap": bootstrap,
            "confidence": confidence,
            "seed": seed,
            "sales_types": SALES_TYPES,
            "customer_types": CUSTOMER_TYPES,
            "model_params": {m: dict(p) for m, p in (model_params or {}).items()},
        },
        rows=tuple(rows),
        unplanned=unplanned,
        coverage=_coverage(in_period, sales, customers),
    )


def _in_period(conversions: ibis.Table, period: Period) -> ibis.Table:
    start, end = period.instants()
    return conversions.filter((conversions.ts >= start) & (conversions.ts < end))


def _coverage(conversions: ibis.Table, sales: PathCounts, customers: PathCounts) -> Coverage:
    counted = conversions.group_by("type").aggregate(n=conversions.count())
    by_type = {str(r["type"]): float(r["n"]) for r in counted.to_pyarrow().to_pylist()}
    return Coverage(
        conversions=sum(by_type.get(t, 0.0) for t in SALES_TYPES),
        on_paths=float(sales.conversions.sum()),
        new_customers=sum(by_type.get(t, 0.0) for t in CUSTOMER_TYPES),
        new_customers_on_paths=float(customers.conversions.sum()),
    )


def _resample(counts: PathCounts, rng: np.random.Generator) -> PathCounts:
    """One Poisson-bootstrap replicate of the journeys behind `counts`."""
    import numpy as np

    conversions = rng.poisson(counts.conversions).astype(np.float64)
    per_conversion = np.divide(
        counts.value,
        counts.conversions,
        out=np.zeros_like(counts.value),
        where=counts.conversions > 0,
    )
    return dataclasses.replace(
        counts,
        conversions=conversions,
        value=conversions * per_conversion,
        nulls=rng.poisson(counts.nulls).astype(np.float64),
    )


def _credit(
    model: str,
    params: Mapping[str, Any],
    sales: PathCounts,
    customers: PathCounts,
    replicates: Sequence[tuple[PathCounts, PathCounts]],
    steps: tuple[str, ...],
) -> _Credit:
    import numpy as np

    def run(counts: PathCounts) -> tuple[Floats, Floats]:
        if counts.n_paths == 0 or counts.conversions.sum() == 0:
            zeros = np.zeros(len(steps))
            return zeros, zeros.copy()
        result = attribute(counts, model, **params)
        conv, value = result.as_dict("conversions"), result.as_dict("value")
        return (
            np.array([conv.get(s, 0.0) for s in steps]),
            np.array([value.get(s, 0.0) for s in steps]),
        )

    conv, revenue = run(sales)
    customers_point, _ = run(customers)
    boot = [(run(s), run(c)[0]) for s, c in replicates]
    width = len(steps)

    def stack(values: list[Floats]) -> Floats:
        return np.vstack(values) if values else np.zeros((0, width))

    return _Credit(
        steps=steps,
        conversions=conv,
        revenue=revenue,
        customers=customers_point,
        conversions_boot=stack([b[0][0] for b in boot]),
        revenue_boot=stack([b[0][1] for b in boot]),
        customers_boot=stack([b[1] for b in boot]),
    )


def _estimate(value: float, replicates: Floats, confidence: float) -> Estimate:
    import numpy as np

    if replicates.size == 0:
        return Estimate(float(value), float(value), float(value))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return Estimate(float(value), float(low), float(high))


def _groups(plan: Plan) -> list[tuple[Level, str, list[str]]]:
    """Every tactic, strategy and goal with the tactic ids it sums."""
    groups: list[tuple[Level, str, list[str]]] = [("tactic", t.id, [t.id]) for t in plan.tactics]
    by_strategy = {s.id: [t.id for t in plan.tactics if t.serves == s.id] for s in plan.strategies}
    groups += [("strategy", sid, tactics) for sid, tactics in by_strategy.items()]
    for goal in plan.goals:
        tactics = [t for s in plan.strategies if goal.id in s.serves for t in by_strategy[s.id]]
        groups.append(("goal", goal.id, tactics))
    return groups


def _rows(
    plan: Plan,
    model: str,
    credit: _Credit,
    spent: Mapping[str, TacticCost],
    confidence: float,
) -> list[RoiRow]:
    position = {step: i for i, step in enumerate(credit.steps)}
    rows = []
    for level, id_, tactics in _groups(plan):
        cols = [position[t] for t in tactics]

        def total(point: Floats, boot: Floats, cols: list[int] = cols) -> Estimate:
            return _estimate(float(point[cols].sum()), boot[:, cols].sum(axis=1), confidence)

        revenue = total(credit.revenue, credit.revenue_boot)
        customers = total(credit.customers, credit.customers_boot)
        people = sum(spent[t].people for t in tactics)
        money = sum(spent[t].money for t in tactics)
        technology = sum(spent[t].technology for t in tactics)
        cost = people + money + technology
        rows.append(
            RoiRow(
                level=level,
                id=id_,
                model=model,
                conversions=total(credit.conversions, credit.conversions_boot),
                revenue=revenue,
                new_customers=customers,
                cost=cost,
                people=people,
                money=money,
                technology=technology,
                roi=_roi(revenue, cost),
                roas=revenue.value / money if money > 0 else None,
                cost_per_acquisition=cost / customers.value if customers.value > 0 else None,
            )
        )
    return rows


def _roi(revenue: Estimate, cost: float) -> Estimate | None:
    if cost <= 0:
        return None
    return Estimate(*((x - cost) / cost for x in (revenue.value, revenue.low, revenue.high)))
