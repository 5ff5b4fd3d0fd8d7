"""Pilot proof: did the pilot group really do better than its control?

For every tactic with a `pilot` (`group` and `control` people, a `metric`), from the CRM
rows in `conversions` whose `owner` is one of those people (matched by the plan's person
`name` or `id`, ignoring case):

* a **panel** of person × calendar month, from the first to the last month the data has
  any such row, each cell the metric for that person and month (0 when nothing happened:
  no pipeline created that month is a real zero): `pipeline_value` = value of
  `opportunity` rows (each deal's creation), `revenue` = value of won deals,
  `opportunities` = their count, `net_new_customers` = `new_customer` rows, `deals_won` /
  `meetings` = counts of those types;
* **difference in differences**: (group after − group before) − (control after − control
  before), each the mean per person per month, *before* being the months before the
  tactic's start date and *after* the months from it on;
* a **permutation p-value**: the same estimate for every way of choosing the group from
  the group and control people together (all of them when there are at most 10,000, else
  10,000 random ones); p = the share at least as large in absolute value as the one
  observed. With two against two there are six ways, the observed one and its mirror
  among them, so p cannot go below 1/3: the verdict says when the design is too small to
  prove anything by permutation alone;
* a **bootstrap interval**: months are resampled with replacement within before and
  within after (people stay together, so a month's shared shocks stay shared), 2,000
  times; the 90% percentile interval of the estimate.

The verdict is one paragraph a board can read, with the numbers, the people and the
months it rests on, and it claims no more than the weaker of its two tests supports: a
real difference only when the interval excludes zero *and* p is below 1 − confidence;
"the data point to a gain, they do not prove it" when only the interval excludes zero;
and the range the data fit, zero among it, when the interval includes zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from outcomes.measure.currency import in_plan_currency
from outcomes.plan import Plan
from outcomes.plan.model import Tactic
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]


METRIC_ROWS: Final = {
    "pipeline_value": (("opportunity",), "value"),
    "revenue": (("deal_won",), "value"),
    "opportunities": (("opportunity",), "count"),
    "net_new_customers": (("new_customer",), "count"),
    "deals_won": (("deal_won",), "count"),
    "meetings": (("meeting",), "count"),
}
MAX_PERMUTATIONS: Final = 10_000
BOOTSTRAP: Final = 2_000


@dataclass(frozen=True, slots=True)
class PilotResult:
    """The pilot's effect with its uncertainty, and what it rests on."""

    tactic: str
    metric: str
    start: dt.date
    group: tuple[str, ...]
    control: tuple[str, ...]
    months_before: int
    months_after: int
    group_before: float
    group_after: float
    control_before: float
    control_after: float
    effect: float
    """Per person per month, in the metric's unit."""
    low: float
    high: float
    p_value: float
    permutations: int
    verdict: str


@dataclass(frozen=True, slots=True)
class PilotNote:
    """A pilot of the plan that the data cannot judge yet, and why, in one sentence."""

    tactic: str
    metric: str
    reason: str
    verdict: str = ""
    """What every route says of it, neither a gain nor a loss (as `PilotResult.verdict`)."""

    def __post_init__(self) -> None:
        if not self.verdict:
            sentence = f"The pilot of {self.tactic} cannot be judged yet: {self.reason}."
            object.__setattr__(self, "verdict", sentence)


def pilot_results(
    plan: Plan, conversions: ibis.Table, *, seed: int = 0, confidence: float = 0.9
) -> list[PilotResult]:
    """Every pilot of the plan whose metric can be measured from the CRM rows."""
    return pilot_outcomes(plan, conversions, seed=seed, confidence=confidence)[0]


def pilot_outcomes(
    plan: Plan, conversions: ibis.Table, *, seed: int = 0, confidence: float = 0.9
) -> tuple[list[PilotResult], list[PilotNote]]:
    """Every pilot of the plan: its result where the CRM rows can judge it, else a note
    saying why not, so that a pilot the data cannot judge is never passed over in silence.

    Money in another currency than the plan's is not added (`outcomes.measure.currency`).
    """
    conversions = in_plan_currency(conversions, plan.organisation.currency)
    results, notes = [], []
    for tactic in plan.tactics:
        if tactic.pilot is None:
            continue
        if tactic.pilot.metric not in METRIC_ROWS:
            known = ", ".join(METRIC_ROWS)
            reason = f"a pilot compares one of {known}, not {tactic.pilot.metric}"
            notes.append(PilotNote(tactic.id, tactic.pilot.metric, reason))
            continue
        result = _pilot(plan, tactic, conversions, seed, confidence)
        if isinstance(result, PilotResult):
            results.append(result)
        else:
            notes.append(PilotNote(tactic.id, tactic.pilot.metric, result))
    return results, notes


def _people(plan: Plan, ids: list[str]) -> dict[str, str]:
    """{lower-cased name or id: person id} for the given people."""
    names: dict[str, str] = {}
    for person in plan.people:
        if person.id in ids:
            names[person.id.casefold()] = person.id
            names[person.name.casefold()] = person.id
    return names


def _panel(
    conversions: ibis.Table, metric: str, names: dict[str, str], ids: list[str]
) -> tuple[list[dt.date], Matrix]:
    """(months, person × month matrix) of the metric; persons in `ids` order."""
    import numpy as np

    types, measure = METRIC_ROWS[metric]
    c = conversions.filter(conversions.type.isin(list(types)) & conversions.owner.notnull())
    c = c.mutate(who=c.owner.lower().strip(), month=c.ts.truncate("M").date())
    amount = c.value.fill_null(0.0).sum() if measure == "value" else c.count().cast("float64")
    cells = c.group_by(["who", "month"]).aggregate(amount=amount)
    rows = [r for r in to_arrow(cells).to_pylist() if r["who"] in names]
    if not rows:
        return [], np.zeros((len(ids), 0))
    first, last = min(r["month"] for r in rows), max(r["month"] for r in rows)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    position = {m: i for i, m in enumerate(months)}
    panel = np.zeros((len(ids), len(months)))
    for row in rows:
        panel[ids.index(names[row["who"]]), position[row["month"]]] += float(row["amount"])
    return months, panel


def _did(panel: Matrix, group: npt.NDArray[np.bool_], after: npt.NDArray[np.bool_]) -> float:
    cell = [[panel[g][:, a].mean() for a in (~after, after)] for g in (group, ~group)]
    return float((cell[0][1] - cell[0][0]) - (cell[1][1] - cell[1][0]))


def _pilot(
    plan: Plan, tactic: Tactic, conversions: ibis.Table, seed: int, confidence: float
) -> PilotResult | str:
    """The pilot's result, or why the rows cannot judge it."""
    import numpy as np

    assert tactic.pilot is not None
    group_ids, control_ids = list(tactic.pilot.group), list(tactic.pilot.control)
    if not group_ids or not control_ids:
        return "it has no control group: there is nobody to compare the pilot group with"
    ids = group_ids + control_ids
    months, panel = _panel(conversions, tactic.pilot.metric, _people(plan, ids), ids)
    start = tactic.start.replace(day=1)
    after = np.array([m >= start for m in months], dtype=bool)
    if not after.any() or after.all():
        return _unjudged(plan, tactic, months, ids)
    group = np.array([i < len(group_ids) for i in range(len(ids))])
    effect = _did(panel, group, after)
    p_value, permutations = _permutation_p(panel, group, after, effect, seed)
    low, high = _bootstrap(panel, group, after, seed, confidence)
    cells = {
        (g, a): float(panel[mask][:, when].mean())
        for g, mask in (("group", group), ("control", ~group))
        for a, when in (("before", ~after), ("after", after))
    }
    result = PilotResult(
        tactic=tactic.id,
        metric=tactic.pilot.metric,
        start=tactic.start,
        group=tuple(group_ids),
        control=tuple(control_ids),
        months_before=int((~after).sum()),
        months_after=int(after.sum()),
        group_before=cells[("group", "before")],
        group_after=cells[("group", "after")],
        control_before=cells[("control", "before")],
        control_after=cells[("control", "after")],
        effect=effect,
        low=low,
        high=high,
        p_value=p_value,
        permutations=permutations,
        verdict="",
    )
    return _with_verdict(result, plan.organisation.currency, confidence)


def _unjudged(plan: Plan, tactic: Tactic, months: list[dt.date], ids: list[str]) -> str:
    """Why a pilot's CRM rows cannot be compared before and after its start."""
    assert tactic.pilot is not None
    rows = tactic.pilot.metric.replace("_", " ")
    if not months:
        names = ", ".join(p.name for p in plan.people if p.id in ids)
        return (
            f"no CRM row of its {rows} names any of its people ({names}) as owner: export "
            "the deals with their owner's name"
        )
    if months[0] >= tactic.start.replace(day=1):
        # A difference in differences needs each group's level before the pilot: without
        # it, a gap the groups had all along would read as the pilot's effect.
        return (
            f"the CRM rows of its people begin in {months[0]:%B %Y}, when it starts "
            f"({tactic.start.isoformat()}), so nothing shows how the two groups compared "
            f"before it; load the CRM export of the months before {tactic.start:%B %Y}"
        )
    return (
        f"the CRM rows of its people end in {months[-1]:%B %Y}, before it starts "
        f"({tactic.start.isoformat()}): there is nothing after the start to compare yet"
    )


def _permutation_p(
    panel: Matrix, group: npt.NDArray[np.bool_], after: npt.NDArray[np.bool_], effect: float,
    seed: int,
) -> tuple[float, int]:  # fmt: skip
    import numpy as np

    n, k = len(group), int(group.sum())
    if math.comb(n, k) <= MAX_PERMUTATIONS:
        choices = [list(c) for c in itertools.combinations(range(n), k)]
    else:
        rng = np.random.default_rng(seed)
        choices = [list(rng.choice(n, k, replace=False)) for _ in range(MAX_PERMUTATIONS)]
    extreme = 0
    for chosen in choices:
        labels = np.zeros(n, dtype=bool)
        labels[chosen] = True
        if abs(_did(panel, labels, after)) >= abs(effect) - 1e-9:
            extreme += 1
    return extreme / len(choices), len(choices)


def _bootstrap(
    panel: Matrix, group: npt.NDArray[np.bool_], after: npt.NDArray[np.bool_], seed: int,
    confidence: float,
) -> tuple[float, float]:  # fmt: skip
    import numpy as np

    rng = np.random.default_rng(seed)
    before_cols, after_cols = np.flatnonzero(~after), np.flatnonzero(after)
    # Every cell of a month holds the same people, so a cell's mean over resampled months
    # is the mean of those months' group means: the estimate of a resample is the mean
    # gap (group − control) of its months after less that of its months before.
    gap = panel[group].mean(axis=0) - panel[~group].mean(axis=0)
    drawn_before = np.empty((BOOTSTRAP, len(before_cols)), dtype=np.int64)
    drawn_after = np.empty((BOOTSTRAP, len(after_cols)), dtype=np.int64)
    for b in range(BOOTSTRAP):  # drawn in the order the seed has always drawn them
        drawn_before[b] = rng.choice(before_cols, len(before_cols))
        drawn_after[b] = rng.choice(after_cols, len(after_cols))
    estimates = gap[drawn_after].mean(axis=1) - gap[drawn_before].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(estimates, [tail, 100 - tail])
    return float(low), float(high)


def _with_verdict(result: PilotResult, currency: str, confidence: float) -> PilotResult:
    unit = "" if METRIC_ROWS[result.metric][1] == "count" else f"{currency} "
    size = len(result.group)
    direction = "more" if result.effect >= 0 else "less"
    text = (
        f"The {size}-person pilot of {result.tactic} produced {unit}{abs(result.effect):,.0f} "
        f"{direction} {result.metric.replace('_', ' ')} per person per month than the "
        f"{len(result.control)}-person control ({confidence:.0%} interval {unit}"
        f"{result.low:,.0f} to {unit}{result.high:,.0f}; p = {result.p_value:.2f} over all "
        f"{result.permutations} ways to pick the group), comparing {result.months_before} "
        f"months before {result.start:%B %Y} with {result.months_after} after."
    )
    text += " " + _what_it_supports(result, unit, confidence)
    # The observed split always counts, and so does its mirror when both sides are equal.
    mirrored = len(result.group) == len(result.control)
    smallest = (2 if mirrored else 1) / result.permutations
    if smallest > 0.1:
        text += (
            f" With {size + len(result.control)} people, no permutation p-value can fall"
            f" below {smallest:.2f}; widen the pilot to prove it by permutation alone."
        )
    return dataclasses.replace(result, verdict=text)


def _what_it_supports(result: PilotResult, unit: str, confidence: float) -> str:
    """What the interval and the p-value together support, never more than the weaker."""
    alpha = 1 - confidence
    per = f"{result.metric.replace('_', ' ')} per person per month"
    if result.low <= 0 <= result.high:
        return (
            f"The interval includes zero: the data fit anything from {unit}{-result.low:,.0f} "
            f"less to {unit}{result.high:,.0f} more {per}, no effect among them; this does "
            "not show an effect either way yet."
        )
    gain = result.low > 0
    side = "gain" if gain else "loss"
    bound = result.low if gain else -result.high
    if result.p_value <= alpha:
        return (
            f"The interval excludes zero and p = {result.p_value:.2f} is below "
            f"{alpha:.2f}: the data support a real {side} of at least {unit}{bound:,.0f} {per} "
            "at this confidence."
        )
    return (
        f"The interval excludes zero, but p = {result.p_value:.2f}: with these people, a "
        f"split this different arises by chance too often to rule chance out. The data "
        f"point to a {side}; they do not prove it yet."
    )
