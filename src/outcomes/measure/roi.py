"""ROI per tactic, strategy and goal: attributed outcomes against what the tactics cost.

For a period (the plan's tactic dates by default), the warehouse's journeys are built
with tactics as steps (`journey_paths(by="tactic")`, in the engine) twice: once for
**sales** (conversions of type `deal_won` and `order`, whose `value` is revenue) and once
for **new customers** (type `new_customer`). Only conversions dated in the period count;
touches before the period still lead up to them. Each attribution model then shares
both out over the tactics, and the untracked steps (touches no tactic claims:
`unplanned:CHANNEL` where a tactic brings an audience, else `unplanned`) get theirs too,
so nothing is credited to a tactic that another step earned.

**Scopes.** A goal with a `scope` (`outcomes.measure.scope`) is measured on its own
conversions: its journeys are built again with only the conversions in scope making
conversion events, and attributed on their own, so the journeys of one scope never
credit another (patient orders do not pay employer-contract revenue to a patient ad).
Each row is measured in one such run: a goal in its scope, a strategy and its tactics in
the union of the scopes of the goals the strategy serves (every conversion when one of
them has no scope, or it serves none). Without scopes there is one run, on everything.

**Where credit comes from.** Models that share one path's value among that path's steps
(the heuristics, Shapley) only credit a tactic with conversions whose journeys touched
it; Markov credits by removal effects on a chain the journeys share, so a tactic can be
given value from journeys that never passed it. Each row splits its revenue into
`revenue_touched` (credit up to the value of the conversions whose journeys touched the
tactic) and `revenue_shared` (credit beyond that, which no journey through the tactic
produced: it reached the tactic through shared states). When the second is larger than
the first, `warnings` says so for the tactic and model.

Cost comes from `outcomes.measure.costs` (people, money, technology; recorded spend
replacing plan estimates; spend recorded in another currency than the plan's left out and
listed in `foreign_spend`; spend no tactic claims listed in `unclaimed_spend`). From these, for each tactic and model:

* **ROI** = (money return − cost) / cost; none when nothing was spent, and none when no
  return is measured in money. The return is in each goal's own terms
  (`outcomes.measure.returns`): attributed revenue for sales goals, support contacts saved
  × cost per contact for support goals, hires × value of a hire for hiring goals, and
  retained revenue for retention goals. When the plan has a retention goal, each scope's
  sales journeys are built twice more, once with only first purchases and once with only
  repeat purchases converting (`purchases` in `outcomes.measure.attribution.journeys`),
  and attributed with the same model (resampled from a generator of their own, so the
  sales intervals do not change): repeat purchases are the retained revenue, and beside
  it a row's sales return counts first purchases only, so no sale is counted twice.
* **ROAS** = attributed revenue / money (budget and ads, without people's time or
  tools); none without money, and none for a row whose sales return nothing measures
  (never 0.00 beside "no return measured yet"): `roas_note` says which.
* **Cost per acquisition** = cost / attributed new customers; none without customers.

**A goal row is in its goal's terms.** A goal not judged on sales (retention, support,
hiring, or a metric of the plan's own) is not shown its tactics' revenue, new customers
or cost per new customer, which say nothing of it (a retention goal's row read "€1,015,
4.0 new customers, €660 per customer" beside "no return measured yet"): its
`terms_note` says what it is judged on, and its return is in those terms.

**New customers** are the `new_customer` conversions in the row's scope (a new customer
is in the pipeline of the first deal they won: `outcomes.measure.scope`), shared out by
the model as sales are: the tactic's benchmark `net_new_customers` counts the same
conversions whose journeys touched it, so where one journey touched one tactic the two
agree. A row whose scope holds no new customer at all, or a warehouse with none, cannot
measure them: the row's `new_customers_note` says why (`outcomes.measure.coverage`), and
no route shows its 0 as a number.

A strategy sums its tactics, a goal the strategies that serve it (a strategy serving
two goals counts fully in each). A goal row's return is of its own family only.

**Uncertainty** is a Poisson bootstrap over journeys: each replicate redraws every
distinct path's converting and non-converting journey counts as Poisson with the
observed counts as means (the limit of resampling journeys with replacement, and exact
for journeys that share a path), keeps each path's mean value per conversion, and runs
the same model again. The `confidence` interval (90% by default) is the replicates'
percentile interval; sums over tactics are summed replicate by replicate, so strategy
and goal intervals are right too. Several conversions of one journey are resampled as
independent paths: an approximation that narrows intervals a little.

A row whose tactics are on journeys but on **no converting one** is credited nothing in
every replicate too (no redraw puts a sale on a path that had none), and its interval
would be 0 to 0: a certainty that it earns nothing, which no period of data gives. There
its upper ends are those of a count of 0 (`count_interval`: about 3 at 90%): that many
sales, each of the period's mean value and credited to it whole (so an upper end, never
narrower than the truth), and as many conversions and new customers. A tactic on no
journey at all has no measured sales return and keeps 0 to 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from outcomes.measure.attribution import MODELS, PathCounts
from outcomes.measure.attribution.journeys import JourneyOptions, Purchases, is_unplanned
from outcomes.measure.attribution.store import JourneyStore
from outcomes.measure.costs import Period, TacticCost, data_through, measured_costs
from outcomes.measure.coverage import coverage, customers_note, sales_note
from outcomes.measure.currency import foreign_values, in_plan_currency
from outcomes.measure.declared_sources import unloaded_sources
from outcomes.measure.foreign_sales import left_out_sales
from outcomes.measure.returns import (
    Claimed,
    Family,
    Money,
    Repeat,
    claimed_outcomes,
    count_interval,
    goal_family,
    row_return,
    touched_steps,
)
from outcomes.measure.roi_credit import Credit, estimate, resample, revenue_credit, step_credit
from outcomes.measure.roi_report import (
    NO_AD_MONEY,
    NO_SALES_RETURN,
    NOT_ON_SALES,
    SHARED_FLOOR,
    CreditWarning,
    Estimate,
    Level,
    RoiReport,
    RoiRow,
    unpriced_note,
)
from outcomes.measure.scope import (
    Scope,
    describe,
    goal_scope,
    strategy_scopes,
    tactic_scopes,
)
from outcomes.plan import Goal, Plan

if TYPE_CHECKING:
    import ibis
    import numpy as np
    import numpy.typing as npt

    Floats = npt.NDArray[np.float64]

SALES_TYPES: Final = ("deal_won", "order")
CUSTOMER_TYPES: Final = ("new_customer",)
DEFAULT_MODELS: Final = ("markov", "shapley", "last_touch", "linear")
"""The first is the one reports lead with: data-driven, as comparable tools default to."""


@dataclass(frozen=True, slots=True)
class _Run:
    """The journeys of one scope, resampled, with the steps they are credited over."""

    scope: Scope | None
    sales: PathCounts
    customers: PathCounts
    replicates: list[tuple[PathCounts, PathCounts]]
    steps: tuple[str, ...]
    touched: Floats
    """Per step, the value of the sales conversions whose journeys touched it."""
    purchases: Mapping[Purchases, tuple[PathCounts, list[PathCounts]]] = dataclasses.field(
        default_factory=dict
    )
    """Only when the plan has a retention goal: the sales journeys on which only first
    purchases, or only repeat ones, convert, each with its replicates."""


PURCHASES: Final[tuple[Purchases, ...]] = ("first", "repeat")


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
    snapshots: ibis.Table | None = None,
    skip_direct: bool = True,
    loaded: frozenset[str] | None = None,
) -> RoiReport:
    """Attributed outcomes, cost and ROI per tactic, strategy and goal for each model.

    `journeys`: the journeys of these touchpoints and conversions, when the caller keeps
    them for other measures too (`build_briefing` does); else they are built here.
    `snapshots`: the warehouse's metric_snapshots, from which the cost of one support
    contact is measured when no goal states it. `skip_direct`: GA4's direct rule (direct
    touches credited only on direct-only paths; `outcomes.measure.attribution.direct`).
    `loaded`: the sources the warehouse holds rows from (`declared_sources.loaded_sources`),
    to name in the coverage those the plan's tactics are measured by and nothing loaded.
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
    # Money in another currency than the plan's is not added (outcomes.measure.currency),
    # but named beside the rows its sales touched (outcomes.measure.foreign_sales).
    stated, conversions = conversions, in_plan_currency(conversions, plan.organisation.currency)
    # Returns exist only to the last day of data: costs are pro-rated to the same days.
    period = (period or Period.of_plan(plan)).through(data_through(conversions, touchpoints))
    in_period = _in_period(conversions, period)
    build: JourneyOptions = {
        "by": "tactic", "plan": plan, "lookback_days": lookback_days, "sources": sources,
        "credit_period": period.instants(), "skip_direct": skip_direct,
    }  # fmt: skip
    # All conversions, not only the period's: they link identities and end earlier paths.
    journeys = journeys or JourneyStore(touchpoints, conversions, materialise=False)
    measured = measured_costs(plan, period, costs)
    spent = measured.tactics
    rng = np.random.default_rng(seed)
    # Its own draws, so that the sales intervals are the same with or without retention.
    purchase_rng = np.random.default_rng([seed, 1])
    split = any(goal_family(goal, plan) == "retention" for goal in plan.goals)
    runs = {
        scope: _run(plan, journeys, build, scope, bootstrap, rng, purchase_rng if split else None)
        for scope in _scopes(plan)
    }
    rows: list[RoiRow] = []
    unplanned: dict[str, Estimate] = {}
    warnings: list[CreditWarning] = []
    claimed = claimed_outcomes(plan, conversions, snapshots, period.instants())
    notes = {scope: customers_note(conversions, scope, CUSTOMER_TYPES) for scope in runs}
    no_sales = sales_note(stated, SALES_TYPES)
    on_paths = _on_paths(runs.values())
    sales = _in_period(stated, period)
    foreign = foreign_values(sales.filter(sales.type.isin(SALES_TYPES)), plan.organisation.currency)
    left_out = left_out_sales(touchpoints, stated, foreign, build, _groups(plan), SALES_TYPES)
    on_repeat_paths = _on_paths(runs.values(), "repeat")
    for model in models:
        params = dict((model_params or {}).get(model, {}))
        credits = {
            scope: step_credit(model, params, r.sales, r.customers, r.replicates, r.steps)
            for scope, r in runs.items()
        }
        repeat = _repeat(plan, model, params, runs, on_repeat_paths, confidence) if split else {}
        model_rows = _with_returns(
            plan,
            _rows(plan, model, runs, credits, spent, confidence, on_paths, notes),
            on_paths,
            claimed,
            repeat,
            confidence=confidence,
        )
        rows.extend(
            dataclasses.replace(
                r, left_out=left_out.get((r.level, r.id), ()), revenue_note=no_sales
            )
            for r in model_rows
        )
        warnings.extend(_warnings(model_rows, runs))
        everything = credits[None]
        index = [i for i, step in enumerate(everything.steps) if is_unplanned(step)]
        unplanned[model] = estimate(
            float(everything.revenue[index].sum()),
            everything.revenue_boot[:, index].sum(axis=1),
            confidence,
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
        coverage=dataclasses.replace(
            coverage(
                plan,
                in_period,
                {scope: (run.sales, run.customers) for scope, run in runs.items()},
                sales_types=SALES_TYPES,
                customer_types=CUSTOMER_TYPES,
                customer_notes=notes,
            ),
            left_out=foreign,
            revenue_note=no_sales,
            unloaded=() if loaded is None else unloaded_sources(plan, loaded, period.end),
        ),
        warnings=tuple(warnings),
        foreign_spend=measured.foreign,
        unclaimed_spend=measured.unclaimed,
    )


def _scopes(plan: Plan) -> list[Scope | None]:
    """Every scope a row is measured in: everything first (its bootstrap draws come first
    whatever the plan's scopes, so a plan without scopes measures as it always did)."""
    found: list[Scope | None] = [None]
    for scope in (
        *(goal_scope(goal) for goal in plan.goals),
        *strategy_scopes(plan).values(),
        *tactic_scopes(plan).values(),
    ):
        if scope not in found:
            found.append(scope)
    return found


def _run(
    plan: Plan,
    journeys: JourneyStore,
    build: JourneyOptions,
    scope: Scope | None,
    bootstrap: int,
    rng: np.random.Generator,
    purchase_rng: np.random.Generator | None = None,
) -> _Run:
    """The journeys of `scope`; with `purchase_rng`, also those of first and of repeat
    purchases (resampled with it)."""
    import numpy as np

    sales_options: JourneyOptions = {**build, "conversion_types": SALES_TYPES, "scope": scope}
    customer_options: JourneyOptions = {**sales_options, "conversion_types": CUSTOMER_TYPES}
    sales, customers = journeys.paths(**sales_options), journeys.paths(**customer_options)
    replicates = [(resample(sales, rng), resample(customers, rng)) for _ in range(bootstrap)]
    purchases: dict[Purchases, tuple[PathCounts, list[PathCounts]]] = {}
    if purchase_rng is not None:
        for kind in PURCHASES:
            kind_options: JourneyOptions = {**sales_options, "purchases": kind}
            counts = journeys.paths(**kind_options)
            purchases[kind] = (counts, [resample(counts, purchase_rng) for _ in range(bootstrap)])
    unplanned = sorted(
        {step for step in (*sales.channels, *customers.channels) if is_unplanned(step)}
    )
    steps = (*(t.id for t in plan.tactics), *unplanned)
    _, value = sales.touched()
    on_path = dict(zip(sales.channels, value.tolist(), strict=True))
    touched = np.array([on_path.get(step, 0.0) for step in steps])
    return _Run(scope, sales, customers, replicates, steps, touched, purchases)


def _warnings(rows: Sequence[RoiRow], runs: Mapping[Scope | None, _Run]) -> list[CreditWarning]:
    """The tactic rows whose shared credit is larger than their touched credit (and more
    than a sliver of the revenue they were measured on)."""
    totals = {describe(s) if s else None: float(r.sales.value.sum()) for s, r in runs.items()}
    return [
        CreditWarning(
            tactic=row.id,
            model=row.model,
            revenue=row.revenue.value,
            touched_value=row.revenue_touched,
            shared=row.revenue_shared,
        )
        for row in rows
        if row.level == "tactic"
        and row.revenue_shared > row.revenue_touched
        and row.revenue_shared > SHARED_FLOOR * totals[row.scope]
    ]


def _in_period(conversions: ibis.Table, period: Period) -> ibis.Table:
    start, end = period.instants()
    return conversions.filter((conversions.ts >= start) & (conversions.ts < end))


def _groups(plan: Plan) -> list[tuple[Level, str, list[str], Scope | None]]:
    """Every tactic, strategy and goal with the tactic ids it sums and its scope."""
    by_tactic, by_strategy_scope = tactic_scopes(plan), strategy_scopes(plan)
    groups: list[tuple[Level, str, list[str], Scope | None]] = [
        ("tactic", t.id, [t.id], by_tactic[t.id]) for t in plan.tactics
    ]
    by_strategy = {s.id: [t.id for t in plan.tactics if t.serves == s.id] for s in plan.strategies}
    groups += [
        ("strategy", sid, tactics, by_strategy_scope[sid]) for sid, tactics in by_strategy.items()
    ]
    for goal in plan.goals:
        tactics = [t for s in plan.strategies if goal.id in s.serves for t in by_strategy[s.id]]
        groups.append(("goal", goal.id, tactics, goal_scope(goal)))
    return groups


def _rows(
    plan: Plan,
    model: str,
    runs: Mapping[Scope | None, _Run],
    credits: Mapping[Scope | None, Credit],
    spent: Mapping[str, TacticCost],
    confidence: float,
    on_paths: frozenset[str] = frozenset(),
    customer_notes: Mapping[Scope | None, str | None] | None = None,
) -> list[RoiRow]:
    """Every tactic, strategy and goal's row under `model`; `customer_notes`: per scope,
    why its new customers are not measured (`outcomes.measure.coverage.customers_note`)."""
    import numpy as np

    rows = []
    for level, id_, tactics, scope in _groups(plan):
        credit, run = credits[scope], runs[scope]
        position = {step: i for i, step in enumerate(credit.steps)}
        cols = [position[t] for t in tactics]
        touched = np.minimum(credit.revenue[cols], run.touched[cols])

        def total(point: Floats, boot: Floats, cols: list[int] = cols) -> Estimate:
            return estimate(float(point[cols].sum()), boot[:, cols].sum(axis=1), confidence)

        revenue = total(credit.revenue, credit.revenue_boot)
        customers = total(credit.customers, credit.customers_boot)
        conversions = total(credit.conversions, credit.conversions_boot)
        on_journeys = any(t in on_paths for t in tactics)
        if run.replicates and on_journeys and not run.touched[cols].any() and revenue.high == 0:
            events, value = _none_converting(run, confidence)
            revenue = dataclasses.replace(revenue, high=value)
            customers = dataclasses.replace(customers, high=max(customers.high, events))
            conversions = dataclasses.replace(conversions, high=max(conversions.high, events))
        people = sum(spent[t].people for t in tactics)
        money = sum(spent[t].money for t in tactics)
        technology = sum(spent[t].technology for t in tactics)
        cost = people + money + technology
        recorded = sum(getattr(spent[t], part) for t in tactics for part in spent[t].recorded)
        rows.append(
            RoiRow(
                level=level,
                id=id_,
                model=model,
                conversions=conversions,
                revenue=revenue,
                new_customers=customers,
                cost=cost,
                people=people,
                money=money,
                technology=technology,
                cost_recorded=recorded,
                roi=_roi(revenue, cost),
                roas=revenue.value / money if money > 0 else None,
                roas_note=None if money > 0 else NO_AD_MONEY,
                cost_per_acquisition=cost / customers.value if customers.value > 0 else None,
                revenue_touched=float(touched.sum()),
                revenue_shared=float((credit.revenue[cols] - touched).clip(min=0.0).sum()),
                scope=None if scope is None else describe(scope),
                new_customers_note=(customer_notes or {}).get(scope),
            )
        )
    return rows


def terms_note(goal: Goal, family: Family | None) -> str | None:
    """Why a goal row shows no revenue, new customers or cost per new customer: the goal
    is not judged on sales (`family`, from `goal_family`); None for a sales goal."""
    if family == "sales":
        return None
    judged = goal.metric.replace("_", " ")
    return (
        f"{goal.title} is judged on {judged}, not on sales: its tactics' revenue, new "
        "customers and cost per new customer are not its terms"
    )


def _none_converting(run: _Run, confidence: float) -> tuple[float, float]:
    """The upper ends of a row no converting journey touched: the sales of a count of 0 at
    `confidence`, and their value at the period's mean value of a sale, credited whole."""
    events = count_interval(0, confidence)[1]
    sales = float(run.sales.conversions.sum())
    mean = float(run.sales.value.sum()) / sales if sales > 0 else 0.0
    return events, events * mean


def _roi(revenue: Estimate, cost: float) -> Estimate | None:
    if cost <= 0:
        return None
    return Estimate(*((x - cost) / cost for x in (revenue.value, revenue.low, revenue.high)))


def _on_paths(runs: Iterable[_Run], purchases: Purchases = "all") -> frozenset[str]:
    """The steps on at least one converting sales journey (of these `purchases`) of any
    scope."""
    steps: set[str] = set()
    for run in runs:
        if purchases == "all":
            counts = run.sales
        elif purchases in run.purchases:
            counts = run.purchases[purchases][0]
        else:
            continue
        if counts.conversions.sum() > 0:
            steps |= touched_steps(counts.channels, counts.touches)
    return frozenset(steps)


def _repeat(
    plan: Plan,
    model: str,
    params: Mapping[str, Any],
    runs: Mapping[Scope | None, _Run],
    on_repeat_paths: frozenset[str],
    confidence: float,
) -> dict[tuple[Level, str], Repeat]:
    """Per row, its sales credit split into first and repeat purchases under `model`, each
    attributed on the journeys where only they convert, in the row's scope."""
    import numpy as np

    credit: dict[tuple[Scope | None, Purchases], tuple[Floats, Floats]] = {}
    for scope, run in runs.items():
        for kind, (counts, replicates) in run.purchases.items():
            credit[(scope, kind)] = revenue_credit(model, params, counts, replicates, run.steps)
    out = {}
    for level, id_, tactics, scope in _groups(plan):
        position = {step: i for i, step in enumerate(runs[scope].steps)}
        cols = [position[t] for t in tactics]
        money = {}
        for kind in PURCHASES:
            point, boot = credit[(scope, kind)]
            total = estimate(float(point[cols].sum()), boot[:, cols].sum(axis=1), confidence)
            money[kind] = Money(total.value, total.low, total.high)
        on_path = bool(np.isin(tactics, list(on_repeat_paths)).any()) if tactics else False
        out[(level, id_)] = Repeat(first=money["first"], repeat=money["repeat"], on_paths=on_path)
    return out


def _with_returns(
    plan: Plan,
    rows: Sequence[RoiRow],
    on_paths: frozenset[str],
    claimed: Claimed,
    repeat: Mapping[tuple[Level, str], Repeat] | None = None,
    *,
    confidence: float,
) -> list[RoiRow]:
    """The rows with their return in each goal's terms, and ROI on that return (a count's
    return with its Poisson interval at `confidence`)."""
    measured = {t.id: t.id in on_paths for t in plan.tactics}
    tactics = {(level, id_): members for level, id_, members, _ in _groups(plan)}
    goals = {g.id: g for g in plan.goals}
    out: list[RoiRow] = []
    by_tactic: dict[str, RoiRow] = {}  # the tactic rows done, which come first

    def unpriced(members: list[str]) -> list[str]:
        """The members with cost whose return has no money value."""
        rows_of = [by_tactic[t] for t in members]
        return [r.id for r in rows_of if r.returns and r.returns.money is None and r.cost > 0]

    for row in rows:
        family = goal_family(goals[row.id], plan) if row.level == "goal" else None
        families = None if row.level != "goal" else ([family] if family else [])
        revenue = Money(row.revenue.value, row.revenue.low, row.revenue.high)
        returns = row_return(
            plan,
            tactics[(row.level, row.id)],
            families,
            revenue,
            measured,
            claimed,
            (repeat or {}).get((row.level, row.id)),
            confidence=confidence,
        )
        # A strategy's or goal's ROI is on its tactics whose return is in money, as the
        # report's total is: a tactic whose return nothing measures yet is no loss.
        left = [] if row.level == "tactic" else unpriced(tactics[(row.level, row.id)])
        cost = row.cost - sum(by_tactic[t].cost for t in left)
        roi_ = None
        if returns.money is not None and cost > 0:
            money = returns.money
            roi_ = Estimate(*((x - cost) / cost for x in (money.value, money.low, money.high)))
        # ROAS is revenue on money spent (budget and ads): none for a row not judged on sales (hires, tickets),
        # nor where nothing measures its sales (no sale in the period, on no journey): a
        # 0.00 there would look measured beside "no return measured yet". The note says
        # which, so a null in the JSON is never left to guess.
        sales = [part for part in returns.parts if part.family in ("sales", "retention")]
        note = row.roas_note
        if not sales:
            note = NOT_ON_SALES
        elif note is None and not any(part.measured for part in sales):
            note = NO_SALES_RETURN
        roas = row.roas if note is None else None
        roi_note = None
        if roi_ is not None:
            roi_note = unpriced_note(left, row.cost - cost, plan.organisation.currency)
        terms = None if row.level != "goal" else terms_note(goals[row.id], family)
        out.append(
            dataclasses.replace(
                row,
                returns=returns,
                roi=roi_,
                roas=roas,
                roas_note=note,
                roi_note=roi_note,
                terms_note=terms,
                cost_per_acquisition=None if terms else row.cost_per_acquisition,
            )
        )
        if row.level == "tactic":
            by_tactic[row.id] = out[-1]
    return out
