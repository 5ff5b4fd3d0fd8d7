"""Why an activity belongs to the tactic it does, or to none: `outcomes explain ID`.

The explanation reads the very expressions the mapping runs (:mod:`outcomes.measure.mapping`):
each tactic's criteria, its kinds, its channel and its rank are columns of one query on the
activity, and the winner is the mapping's own `tactic` column. Python only puts them into
words, so the explanation cannot disagree with what every measure counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, Literal

from outcomes.measure.mapping import ActivityMatcher, activity_matchers, mapped_activities
from outcomes.plan import Plan, Tactic
from outcomes.plan.matching import (
    NO_CLAIM,
    casefolded,
    specificity,
    written_kinds,
)
from outcomes.warehouse.connection import to_arrow

Outcome = Literal["claimed", "outranked", "tied", "not matched"]

MAX_ACTIVITIES: Final = 20
"""At most this many activities share one id in an explanation (a native id can repeat
across sources)."""

_FIELDS: Final = ("key", "source", "native_id", "channel", "account", "kind", "author")
_FIELDS_MORE: Final = ("ts", "text", "campaign")


@dataclass(frozen=True, slots=True)
class TacticClaim:
    """How one tactic's matcher reads the activity."""

    tactic: str
    outcome: Outcome
    """`claimed` it; `outranked` by a more specific claim; `tied` with an earlier tactic,
    which takes it; or `not matched`."""
    basis: Literal["criteria", "channel", "none"]
    """How the tactic claims: by its criteria, by channel default, or not at all."""
    specificity: int | None
    """Criteria met (plus one for written `match.kinds`); None when it does not claim."""
    met: tuple[str, ...]
    """The criteria the activity meets (`kinds` when written and met)."""
    reasons: tuple[str, ...]
    """In words: what matched and what did not."""

    def to_json(self) -> dict[str, Any]:
        """This claim as JSON."""
        return {
            "tactic": self.tactic,
            "outcome": self.outcome,
            "basis": self.basis,
            "specificity": self.specificity,
            "met": list(self.met),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ActivityExplanation:
    """One activity, the tactic that claims it (None: unplanned) and every tactic's claim."""

    key: str
    source: str
    native_id: str | None
    channel: str
    account: str | None
    kind: str
    author: str | None
    ts: dt.datetime
    text: str | None
    campaign: str | None
    tactic: str | None
    claims: tuple[TacticClaim, ...]
    """Every tactic of the plan, in plan order."""

    @property
    def contested(self) -> tuple[TacticClaim, ...]:
        """The other tactics that claim it too and lost."""
        return tuple(c for c in self.claims if c.outcome in ("outranked", "tied"))

    @property
    def summary(self) -> str:
        """One sentence: who claims it and why, or why nobody does."""
        winner = next((c for c in self.claims if c.outcome == "claimed"), None)
        if winner is None:
            return f"No tactic claims this {self.kind} on {self.channel}: it is unplanned."
        how = (
            "by channel default"
            if winner.basis == "channel"
            else "by " + ", ".join(winner.met or ("its criteria",))
        )
        sentence = f"{winner.tactic} claims it {how} (specificity {winner.specificity})."
        if self.contested:
            lost = "; ".join(
                f"{c.tactic} (specificity {c.specificity}, "
                + ("tie, later in the plan" if c.outcome == "tied" else "less specific")
                + ")"
                for c in self.contested
            )
            sentence += f" Also matched: {lost}."
        return sentence

    def to_json(self) -> dict[str, Any]:
        """This activity's explanation as JSON."""
        return {
            "key": self.key,
            "source": self.source,
            "native_id": self.native_id,
            "channel": self.channel,
            "account": self.account,
            "kind": self.kind,
            "author": self.author,
            "ts": self.ts.isoformat(),
            "text": self.text,
            "campaign": self.campaign,
            "tactic": self.tactic,
            "contested": bool(self.contested),
            "summary": self.summary,
            "claims": [claim.to_json() for claim in self.claims],
        }


@dataclass(frozen=True)
class Explanation:
    """What `outcomes explain ID` shows: each activity with that key or native id."""

    query: str
    activities: tuple[ActivityExplanation, ...]

    @property
    def found(self) -> bool:
        """True when some activity has the id."""
        return bool(self.activities)

    @property
    def unplanned(self) -> bool:
        """True when some activity with the id belongs to no tactic."""
        return any(a.tactic is None for a in self.activities)

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON of `outcomes explain --format json` and the API."""
        return {
            "schema_version": 1,
            "query": self.query,
            "activities": [activity.to_json() for activity in self.activities],
        }


def explain_activity(plan: Plan, activities: Any, ident: str) -> Explanation:
    """Why the activity whose warehouse `key` or `native_id` is `ident` belongs where it does.

    Activities matching by key come first; at most :data:`MAX_ACTIVITIES` are explained.
    """
    wanted = activities.filter((activities.key == ident) | (activities.native_id == ident))
    mapped = mapped_activities(plan, wanted)
    matchers = activity_matchers(plan, mapped)
    columns: dict[str, Any] = {}
    for index, matcher in enumerate(matchers):
        columns[f"_kind_{index}"] = matcher.kind_ok
        columns[f"_channel_{index}"] = matcher.on_channel
        columns[f"_rank_{index}"] = matcher.rank
        for name, condition in matcher.criteria.items():
            columns[f"_met_{index}_{name}"] = condition
    selected = mapped.select(*_FIELDS, *_FIELDS_MORE, "tactic", **columns)
    ordered = selected.order_by([(selected.key != ident), "source", "key"]).limit(MAX_ACTIVITIES)
    rows = to_arrow(ordered).to_pylist()
    return Explanation(ident, tuple(_explain_row(plan, matchers, row) for row in rows))


def _explain_row(
    plan: Plan, matchers: list[ActivityMatcher], row: dict[str, Any]
) -> ActivityExplanation:
    by_tactic = {matcher.tactic.id: (index, matcher) for index, matcher in enumerate(matchers)}
    winner = row["tactic"]
    best = next(
        (row[f"_rank_{i}"] for i, m in enumerate(matchers) if m.tactic.id == winner), NO_CLAIM
    )
    claims = []
    for tactic in plan.tactics:
        if tactic.id not in by_tactic:
            claims.append(
                TacticClaim(
                    tactic.id,
                    "not matched",
                    "none",
                    None,
                    (),
                    ("it claims nothing: mode other with neither match.kinds nor criteria",),
                )
            )
            continue
        index, matcher = by_tactic[tactic.id]
        claims.append(_claim(plan, matcher, index, row, winner, best))
    return ActivityExplanation(
        **{name: row[name] for name in (*_FIELDS, *_FIELDS_MORE)},
        tactic=winner,
        claims=tuple(claims),
    )


def _claim(
    plan: Plan,
    matcher: ActivityMatcher,
    index: int,
    row: dict[str, Any],
    winner: str | None,
    best: int,
) -> TacticClaim:
    tactic = matcher.tactic
    rank = int(row[f"_rank_{index}"])
    met = tuple(name for name in matcher.criteria if row[f"_met_{index}_{name}"])
    reasons = [_kind_reason(matcher, row, bool(row[f"_kind_{index}"]))]
    if matcher.by_criteria:
        reasons.extend(_criteria_reasons(plan, tactic, row, met))
    elif row[f"_channel_{index}"]:
        reasons.append(
            f"it claims its channel {tactic.channel} by default (it names no account, operator, hashtag or campaign)"
        )
    else:
        reasons.append(
            f"it claims by default on {tactic.channel}; the activity is on {row['channel']}"
        )
    if written_kinds(tactic) and row[f"_kind_{index}"] and rank != NO_CLAIM:
        met = (*met, "kinds")
    if rank == NO_CLAIM:
        outcome: Outcome = "not matched"
    elif tactic.id == winner:
        outcome = "claimed"
    else:
        outcome = "tied" if rank == best else "outranked"
    return TacticClaim(
        tactic.id,
        outcome,
        "criteria" if matcher.by_criteria else "channel",
        None if rank == NO_CLAIM else specificity(rank),
        met if rank != NO_CLAIM else (),
        tuple(reasons),
    )


def _kind_reason(matcher: ActivityMatcher, row: dict[str, Any], kind_ok: bool) -> str:
    kinds = matcher.kinds
    origin = "match.kinds" if written_kinds(matcher.tactic) else f"mode {matcher.tactic.mode}"
    if kinds is None:
        return f"it claims any kind (mode {matcher.tactic.mode})"
    listed = ", ".join(kinds)
    if kind_ok:
        return f"kind {row['kind']} is one it claims ({listed}: {origin})"
    return f"kind {row['kind']} is not one it claims ({listed}: {origin})"


def _criteria_reasons(
    plan: Plan, tactic: Tactic, row: dict[str, Any], met: tuple[str, ...]
) -> list[str]:
    match = tactic.measurement.match if tactic.measurement else None
    if match is None:  # a tactic claiming by criteria has a match
        return []
    values = {
        "accounts": ", ".join(casefolded(match.accounts)),
        "operators": ", ".join(match.operators),
        "hashtags": ", ".join("#" + tag.lstrip("#") for tag in match.hashtags),
        "utm_campaign": ", ".join(casefolded(match.utm_campaign)),
    }
    where = {
        "accounts": f"account or author on {tactic.channel} is one of",
        "operators": f"author on {tactic.channel} is one of the operators",
        "hashtags": "text carries one of",
        "utm_campaign": "campaign, or a link's utm_campaign, is one of",
    }
    return [
        f"{name} {'met' if name in met else 'not met'}: {where[name]} {values[name]}"
        for name in values
        if getattr(match, name)
    ]
