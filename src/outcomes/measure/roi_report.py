"""The typed result of `outcomes.measure.roi`: rows with their intervals, coverage and
warnings, and the versioned JSON that `outcomes roi --format json`, the API and the
briefing share. Apart from the measuring, so that a presenter reads the result without
loading what measures it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from outcomes.measure.attribution.result import records_frame, records_table
from outcomes.measure.costs import ForeignSpend, Period, UnclaimedSpend
from outcomes.measure.currency import ForeignValue
from outcomes.measure.foreign_sales import LeftOutSales
from outcomes.measure.returns import Return

if TYPE_CHECKING:
    import pyarrow as pa

Level = Literal["tactic", "strategy", "goal"]
JSON_SCHEMA_VERSION: Final = 8
"""Version of `RoiReport.to_json`'s shape; raised when a field changes meaning or goes.

2: `roi` is on the return in the goal's own terms (`return`, `return_kind`, `return_unit`,
`return_label`, `return_parts`), no longer on attributed revenue alone.
3: `new_customers` (and its `_low`, `_high`) is null where nothing can measure it, and
`new_customers_note` says why (it was 0.0 there).
4: `roas` is null where no sales return is measured (it was 0.0 beside "no return measured
yet"), and `roas_note` says why it is null (no money spent, no sales return measured, goals
not judged on sales). Added in the same version: `left_out_sales` per row (sales in
another currency that touched it, `outcomes.measure.foreign_sales`) and
`coverage.left_out`.
5: `cost_recorded`, the part of `cost` from recorded spend (the rest is planned).
6: `revenue` (and its `_low`, `_high`) is null when no loaded export gives a sale, and
`revenue_note` says why (it was 0.0 there); `coverage.revenue_note` the same. A
strategy's or goal's `roi` is on the cost of its tactics whose return is in money, as the
report's total is, and `roi_note` names the tactics left out (their cost was counted as a
loss).
7: a goal row not judged on sales (retention, support, hiring, or a metric of the plan's
own) has `terms_note`, and its `revenue`, `new_customers` and `cost_per_acquisition` are
null: its tactics' sales and new customers say nothing of it (they were shown beside "no
return measured yet").
8: `coverage.unloaded`, the sources the plan names for started tactics of which nothing is
loaded (`source`, `tactics`), also said in `coverage.message`."""
NOT_MEASURED: Final = "not measured"
"""What a table cell says of a figure nothing can measure, instead of a 0 that looks real."""
NOT_ITS_TERMS: Final = "not its terms"
"""What a goal row not judged on sales says in its revenue and new-customers cells."""
NO_AD_MONEY: Final = "no money spent (budget or ads): ROAS is revenue on that money"
"""Why a row has no ROAS when nothing of its cost is money (budget or ads)."""
NO_SALES_RETURN: Final = "no sales return measured yet"
"""Why a row has no ROAS when its goals are judged on sales but nothing measures them."""
NOT_ON_SALES: Final = "its goals are not judged on sales"
"""Why a row has no ROAS when it serves no sales or retention goal (hires, tickets)."""


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
    cost_recorded: float = 0.0
    """The part of `cost` taken from recorded spend (the `costs` table); the rest is the
    plan's estimate (hours, budget, tools), which presenters call planned, never spent."""
    revenue_touched: float = 0.0
    """Credited revenue up to the value of the conversions whose journeys touched it."""
    revenue_shared: float = 0.0
    """Credited revenue beyond that: reached through states other journeys share."""
    scope: str | None = None
    """The conversions the row was measured on, in words; None for every conversion."""
    returns: Return | None = None
    """The return in the goal's own terms, which `roi` is computed on."""
    new_customers_note: str | None = None
    """Why nothing can measure the row's new customers (its scope holds none, or no
    export gives any); None when they are measured, 0 included. `new_customers` is then
    0 and means nothing: presenters say `NOT_MEASURED` and this."""
    revenue_note: str | None = None
    """Why nothing can measure the row's revenue (no loaded export gives a sale); None when
    it is measured, 0 included. `revenue` is then 0 and means nothing: presenters say
    `NOT_MEASURED`."""
    roas_note: str | None = None
    """Why `roas` is None (`NO_AD_MONEY`, `NO_SALES_RETURN`, `NOT_ON_SALES`); None when it
    is given. Presenters show "–" and this, never 0.00 beside "no return measured yet"."""
    left_out: tuple[LeftOutSales, ...] = ()
    """Sales in another currency than the plan's that touched the row's tactics, per
    currency: its revenue and ROI count none of them (`outcomes.measure.foreign_sales`)."""
    roi_note: str | None = None
    """On a strategy or goal row, the tactics its `roi` leaves out, in one sentence: those
    with cost whose return has no money value yet (`unpriced_note`); `cost` counts them."""
    terms_note: str | None = None
    """On a goal row not judged on sales, the terms it is judged in, in one sentence: its
    tactics' revenue, new customers and cost per new customer are then not its terms, and
    presenters say `NOT_ITS_TERMS` (the return, in its terms, is beside them)."""

    def revenue_words(self, money: Callable[[float], str]) -> str:
        """The revenue cell of every table: `money(revenue)`, "not measured" or "not its
        terms"."""
        if self.terms_note is not None:
            return NOT_ITS_TERMS
        return NOT_MEASURED if self.revenue_note is not None else money(self.revenue.value)

    @property
    def revenue_shown(self) -> bool:
        """Whether the row's revenue is a figure to show (measured, and in its terms)."""
        return self.revenue_note is None and self.terms_note is None

    @property
    def customers_shown(self) -> bool:
        """Whether the row's new customers are a figure to show (measured, in its terms)."""
        return self.new_customers_note is None and self.terms_note is None

    @property
    def customers_words(self) -> str:
        """The new-customers cell of every table: "2.0", "not measured" or "not its terms"."""
        if self.terms_note is not None:
            return NOT_ITS_TERMS
        if self.new_customers_note is not None:
            return NOT_MEASURED
        return f"{self.new_customers.value:,.1f}"

    def to_record(self) -> dict[str, Any]:
        """A flat dict: estimates become `x`, `x_low`, `x_high` (null where not measured)."""
        record: dict[str, Any] = {"level": self.level, "id": self.id, "model": self.model}
        for name in ("conversions", "revenue", "new_customers", "roi"):
            estimate = getattr(self, name)
            if name == "new_customers" and not self.customers_shown:
                estimate = None
            if name == "revenue" and not self.revenue_shown:
                estimate = None
            record[name] = None if estimate is None else estimate.value
            record[f"{name}_low"] = None if estimate is None else estimate.low
            record[f"{name}_high"] = None if estimate is None else estimate.high
        record |= {
            "cost": self.cost,
            "cost_recorded": self.cost_recorded,
            "people": self.people,
            "money": self.money,
            "technology": self.technology,
            "roas": self.roas,
            "roas_note": self.roas_note,
            "cost_per_acquisition": self.cost_per_acquisition,
            "revenue_touched": self.revenue_touched,
            "revenue_shared": self.revenue_shared,
            "scope": self.scope,
            "new_customers_note": self.new_customers_note,
            "revenue_note": self.revenue_note,
            "left_out_sales": " and ".join(each.written for each in self.left_out) or None,
            "roi_note": self.roi_note,
            "terms_note": self.terms_note,
        }
        kept = self.returns
        money = None if kept is None else kept.money
        record |= {
            "return_kind": None if kept is None else kept.kind,
            "return_unit": None if kept is None else kept.unit,
            "return": None if money is None else money.value,
            "return_low": None if money is None else money.low,
            "return_high": None if money is None else money.high,
            "return_units": None if kept is None else kept.units,
            "return_label": None if kept is None else kept.label,
        }
        return record

    def to_json(self) -> dict[str, Any]:
        """`to_record` with the return's parts, one per family of goal served."""
        parts = [] if self.returns is None else self.returns.to_json()["parts"]
        left_out = [{"currency": each.currency, "amount": each.amount} for each in self.left_out]
        return self.to_record() | {"return_parts": parts, "left_out_sales": left_out}


SHARED_FLOOR: Final = 0.01
"""Shared credit under this share of the run's revenue is not worth a warning."""


@dataclass(frozen=True, slots=True)
class CreditWarning:
    """A tactic whose credit mostly reached it through shared states, under one model."""

    tactic: str
    model: str
    revenue: float
    touched_value: float
    """Its credit up to the value of the conversions whose journeys touched it."""
    shared: float

    @property
    def message(self) -> str:
        """One sentence for the report and the terminal."""
        return (
            f"{self.model} credits {self.tactic} with {self.revenue:,.0f}, of which only "
            f"{self.touched_value:,.0f} could come from conversions whose journeys touched it: "
            f"{self.shared:,.0f} reached it through states other journeys share. Read its "
            "ROI with care, or scope the goal it serves to its own conversions."
        )

    def to_json(self) -> dict[str, Any]:
        """The warning's numbers and its sentence."""
        return {
            "tactic": self.tactic,
            "model": self.model,
            "revenue": self.revenue,
            "touched": self.touched_value,
            "shared": self.shared,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class OutsideScope:
    """A tactic measured on its goals' scope whose journeys touched conversions outside it."""

    tactic: str
    scope: str
    """The scope it is measured on, in words (`pipeline Wholesale`)."""
    sales: float
    new_customers: float

    @property
    def message(self) -> str:
        """ "li-wholesale is measured on its goals' scope (pipeline Wholesale) only: …"."""
        counted = [
            _counted(amount, noun)
            for amount, noun in ((self.sales, "sales"), (self.new_customers, "new customers"))
            if amount > 0
        ]
        return (
            f"{self.tactic} is measured on its goals' scope ({self.scope}) only: "
            f"{' and '.join(counted)} whose journeys touched it are outside that scope and "
            "not credited to it."
        )


@dataclass(frozen=True, slots=True)
class NotMeasured:
    """Tactics whose new customers nothing can measure, for one reason."""

    tactics: tuple[str, ...]
    reason: str
    """Why, for each of them: "the scope (type order) holds none …"."""
    every: bool = False
    """They are all the plan's tactics."""

    @property
    def message(self) -> str:
        """ "New customers are not measured for ig-posts and ig-ads: …"."""
        names = "any tactic" if self.every else _joined(self.tactics)
        return f"New customers are not measured for {names}: {self.reason}."


_SINGULAR: Final = {"sales": "sale", "new customers": "new customer"}


def _counted(amount: float, noun: str) -> str:
    """ "1 sale", "2 sales": the noun agrees with the number as it is written."""
    written = f"{amount:,.0f}"
    return f"{written} {_SINGULAR.get(noun, noun) if written == '1' else noun}"


def _joined(names: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True, slots=True)
class UnloadedSource:
    """A source the plan names to measure `tactics` by, of which nothing is loaded
    (`outcomes.measure.declared_sources`)."""

    source: str
    tactics: tuple[str, ...]

    def words(self) -> str:
        """ "meta (fb-retarget)"."""
        return f"{self.source} ({_joined(self.tactics)})"


def unloaded_words(unloaded: Sequence[UnloadedSource]) -> str:
    """The coverage's sentence on sources not loaded: "" when every named one is."""
    if not unloaded:
        return ""
    named = [each.words() for each in unloaded]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    return (
        f"Nothing is loaded yet from {listed}, which the plan names to measure these "
        "tactics: their figures count only what is loaded, so load those exports before "
        "judging them."
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the period's outcome reached attribution through a journey."""

    conversions: float
    """Sales conversions in the period."""
    on_paths: float
    """Of those, the ones with at least one touch in their window."""
    new_customers: float
    new_customers_on_paths: float
    on_planned_paths: float = 0.0
    """Of the sales on paths, those whose journey touched a tactic of the plan."""
    new_customers_on_planned_paths: float = 0.0
    outside_scope: tuple[OutsideScope, ...] = ()
    """Tactics whose journeys touched conversions outside the scope they are measured on."""
    customers_not_measured: tuple[NotMeasured, ...] = ()
    """Tactics whose new customers nothing can measure, grouped by the reason."""
    revenue_note: str | None = None
    """Why no revenue is measured (no loaded export gives a sale); None when it is."""
    left_out: tuple[ForeignValue, ...] = ()
    """The period's sales stated in another currency than the plan's, per type and
    currency: in no revenue or ROI (`outcomes.measure.currency`)."""
    unloaded: tuple[UnloadedSource, ...] = ()
    """Sources the plan names to measure its started tactics by, of which nothing is
    loaded: those tactics' figures count only the rest."""

    @property
    def message(self) -> str:
        """What reached attribution, in the one sentence every route prints under ROI.

        A touch is not a planned tactic's touch: customers whose only touches belong to
        no tactic are credited to no tactic, and saying "2 of 2 had a touch to credit"
        above a column of zeros would read as a contradiction.
        """
        sales = _touched(self.conversions, self.on_paths, self.on_planned_paths, "sales")
        customers = _touched(
            self.new_customers,
            self.new_customers_on_paths,
            self.new_customers_on_planned_paths,
            "new customers",
        )
        rest = (
            self.on_planned_paths < self.on_paths
            or self.new_customers_on_planned_paths < self.new_customers_on_paths
        )
        unplanned = (
            " The other touches belong to no tactic of the plan: `outcomes unplanned` lists "
            "that activity."
            if rest
            else ""
        )
        outside = "".join(f" {each.message}" for each in self.outside_scope)
        unmeasured = "".join(f" {each.message}" for each in self.customers_not_measured)
        if self.revenue_note is not None:
            unmeasured = f" Revenue is not measured: {self.revenue_note}.{unmeasured}"
        foreign = (
            " Left out of revenue and ROI, being in another currency than the plan's "
            f"(outcomes does not convert currencies): {_joined([f.words() for f in self.left_out])}."
            if self.left_out
            else ""
        )
        missing = unloaded_words(self.unloaded)
        missing = f" {missing}" if missing else ""
        return (
            f"In the period, {sales}; {customers}.{unplanned}{outside}{unmeasured}{foreign}"
            f"{missing}"
        )


def _touched(total: float, on_paths: float, planned: float, noun: str) -> str:
    """ "10 of 11 sales had a touch to credit, 8 of them a planned tactic's"."""
    head = f"{on_paths:,.0f} of {_counted(total, noun)} had a touch to credit"
    if on_paths <= 0:
        return head
    if planned >= on_paths:
        return f"{head}, all of them a planned tactic's"
    if planned <= 0:
        return f"{head}, none of them a planned tactic's"
    return f"{head}, {planned:,.0f} of them a planned tactic's"


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
    warnings: tuple[CreditWarning, ...] = ()
    """Tactics whose credit came mostly through shared states (see the module docstring)."""
    foreign_spend: tuple[ForeignSpend, ...] = ()
    """Spend recorded in the period in another currency than the plan's: left out of every
    cost, ROI, ROAS and cost per acquisition here (`outcomes.measure.costs`)."""
    unclaimed_spend: tuple[UnclaimedSpend, ...] = ()
    """Spend recorded in the period in the plan's currency that no tactic claims: in no
    tactic's cost, and money the organisation spent all the same."""

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
            "coverage": _coverage_json(self.coverage),
            "unplanned_revenue": {
                m: {"value": e.value, "low": e.low, "high": e.high}
                for m, e in self.unplanned.items()
            },
            "rows": [row.to_json() for row in self.rows if levels is None or row.level in levels],
            "warnings": [w.to_json() for w in self.warnings],
            "foreign_spend": [f.to_json() for f in self.foreign_spend],
            "unclaimed_spend": [u.to_json() for u in self.unclaimed_spend],
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
            warnings=tuple(w for w in self.warnings if w.model in models),
        )

    def row(self, level: Level, id_: str, model: str) -> RoiRow:
        """The row of one tactic, strategy or goal under one model."""
        for row in self.rows:
            if (row.level, row.id, row.model) == (level, id_, model):
                return row
        raise KeyError((level, id_, model))


@dataclass(frozen=True, slots=True)
class TacticTotals:
    """All tactics of one model together, as the report's and the dashboard's ROI tables
    total them.

    The ROI is on the tactics whose return is in money only, as each row's is: a tactic
    with no return in money (none measured yet, or a contribution in goal units) has no
    ROI of its own, so its cost is not counted as a loss in the total either. Its interval
    sums the ends of the tactics' return intervals (never narrower than the truth)."""

    revenue: float | None
    """The tactics' revenue; None when no export gives a sale (`RoiRow.revenue_note`)."""
    new_customers: float | None
    """The measured tactics' new customers; None when no tactic's are measured."""
    cost: float
    """Every tactic's, those left out of the ROI included."""
    returned: float
    """The returns in money, summed."""
    roi: Estimate | None
    left_out: tuple[str, ...]
    """Tactics with a cost and no return in money: not in `roi`."""
    left_out_cost: float
    currency: str

    @property
    def note(self) -> str:
        """What the total ROI is over, in one sentence; empty when it is every tactic."""
        if not self.left_out:
            return ""
        from outcomes.catalog.money import format_money

        names = ", ".join(self.left_out)
        cost = format_money(round(self.left_out_cost), self.currency)
        one = len(self.left_out) == 1
        return (
            f"The total ROI is on the tactics whose return is in money: {names} ({cost} of "
            f"cost) {'has' if one else 'have'} no return in money measured yet, so "
            f"{'it is' if one else 'they are'} left out of it rather than counted as a loss."
        )


def unpriced_note(tactics: Sequence[str], cost: float, currency: str) -> str | None:
    """What a strategy's or goal's ROI leaves out, in one sentence; None when nothing."""
    if not tactics:
        return None
    from outcomes.catalog.money import format_money

    one = len(tactics) == 1
    return (
        f"ROI on the tactics whose return is in money: {', '.join(tactics)} ("
        f"{format_money(round(cost), currency)} of cost) {'has' if one else 'have'} no return "
        f"in money measured yet, so {'it is' if one else 'they are'} left out of it rather "
        "than counted as a loss."
    )


def tactic_totals(rows: Sequence[RoiRow], currency: str) -> TacticTotals:
    """The total of tactic rows (one model's): see `TacticTotals`."""
    valued = [(r, _money_return(r)) for r in rows]
    priced = [(r, money) for r, money in valued if money is not None]
    left_out = [r for r, money in valued if money is None and r.cost > 0]
    cost = sum(r.cost for r, _ in priced)
    ends = [sum(money[end] for _, money in priced) for end in range(3)]
    roi = Estimate(*((end - cost) / cost for end in ends)) if cost > 0 else None
    return TacticTotals(
        revenue=_measured_revenue(rows),
        new_customers=_measured_customers(rows),
        cost=sum(r.cost for r in rows),
        returned=ends[0],
        roi=roi,
        left_out=tuple(r.id for r in left_out),
        left_out_cost=sum(r.cost for r in left_out),
        currency=currency,
    )


def _measured_revenue(rows: Sequence[RoiRow]) -> float | None:
    """The rows' revenue; None when none measures it (a 0 would read as measured)."""
    measured = [r.revenue.value for r in rows if r.revenue_note is None]
    return sum(measured) if measured or not rows else None


def _measured_customers(rows: Sequence[RoiRow]) -> float | None:
    """The new customers of the rows that measure them; None when none does (a 0 would
    read as measured)."""
    measured = [r.new_customers.value for r in rows if r.new_customers_note is None]
    return sum(measured) if measured or not rows else None


def _money_return(row: RoiRow) -> tuple[float, float, float] | None:
    """A row's return in money with its interval's ends: attributed revenue for a row
    measured before returns were; none when the return has no money value."""
    if row.returns is None:
        return row.revenue.value, row.revenue.low, row.revenue.high
    money = row.returns.money
    return None if money is None else (money.value, money.low, money.high)


def _plain(value: Any) -> Any:
    """`value` in JSON's own types (tuples as lists), so that it reads back equal."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _coverage_json(coverage: Coverage) -> dict[str, Any]:
    """The coverage as JSON: its counts, the tactics touched outside their scope (a list,
    as JSON reads it back) and the sentence every route prints."""
    return dataclasses.asdict(coverage) | {
        "outside_scope": [dataclasses.asdict(each) for each in coverage.outside_scope],
        "customers_not_measured": [
            {"tactics": list(each.tactics), "reason": each.reason, "every": each.every}
            for each in coverage.customers_not_measured
        ],
        "left_out": [dataclasses.asdict(each) for each in coverage.left_out],
        "unloaded": [
            {"source": each.source, "tactics": list(each.tactics)} for each in coverage.unloaded
        ],
        "message": coverage.message,
    }
