"""Content focus: is what we post about the customer and their problems, or about us?

**The lexical model**, transparent on purpose so that anyone can see why a post scored
what it did. A post's words (lower-cased, apostrophes kept) are counted in five lists:

* `customer`: you, your, yours, yourself, you're, you've, you'll, customer(s), client(s),
  buyer(s), user(s);
* `problem`: words of a reader's problem and its fix: how, why, cut, reduce, avoid, fix,
  save, problem(s), issue(s), mistake(s), lesson(s), tip(s), guide, question(s), ...;
* `question`: each question mark;
* `self`: we, we're, we've, our, ours, us, I, I'm, me, my (half weight: a person's "I" in
  a customer story is not bragging);
* `brand`: the organisation's name words and `brand_terms`, and brag words: award(s),
  proud, excited, thrilled, announce, named, winner, hiring, celebrate, milestone, ...

score = (customer + problem + question − ½·self − brand) ÷ (all of them, with self at
half weight), in [−1, 1]; a post with none of these words scores 0. A post is
**customer-focused** above 0 and **brand-centric** below it.

Per tactic (posts mapped through the plan's `measurement.match`, `unplanned` for the
rest): posts, mean score, share of brand-centric posts, and whether customer-focused posts
earn more comments than brand-centric ones (means, and a Mann–Whitney U p-value when both
kinds have posts). The scoring runs in Python on the posts alone (thousands, not
millions); the selection of posts runs in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from outcomes.measure.mapping import mapped_activities
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

WORD: Final = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
CUSTOMER: Final = frozenset((
    "you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'll", "you'd",
    "customer", "customers", "client", "clients", "buyer", "buyers", "user", "users",
))  # fmt: skip
PROBLEM: Final = frozenset((
    "how", "why", "what", "cut", "cuts", "reduce", "avoid", "fix", "fixes", "save", "saves",
    "problem", "problems", "issue", "issues", "mistake", "mistakes", "lesson", "lessons",
    "tip", "tips", "guide", "guides", "question", "questions", "learn", "challenge",
    "challenges", "help", "helps", "faster", "cheaper", "easier",
))  # fmt: skip
SELF: Final = frozenset((
    "we", "we're", "we've", "we'll", "our", "ours", "us", "i", "i'm", "i've", "me", "my",
))  # fmt: skip
BRAG: Final = frozenset((
    "award", "awards", "proud", "excited", "thrilled", "announce", "announcing", "announced",
    "named", "winner", "won", "hiring", "celebrate", "celebrating", "milestone", "honoured",
    "honored", "fastest", "thank",
))  # fmt: skip
UNPLANNED: Final = "unplanned"


@dataclass(frozen=True, slots=True)
class FocusScore:
    """A text's counts in each list and its customer-focus score."""

    customer: int
    problem: int
    question: int
    self_words: int
    brand: int
    score: float


@dataclass(frozen=True, slots=True)
class TacticFocus:
    """Content focus of one tactic's posts."""

    tactic: str
    posts: int
    mean_score: float
    brand_centric_share: float
    customer_focused_comments: float | None
    """Mean comments on customer-focused posts (None when there are none)."""
    brand_centric_comments: float | None
    comments_p_value: float | None
    """Mann–Whitney U, two-sided, customer-focused vs brand-centric comments."""


def brand_words(plan: Plan, brand_terms: Iterable[str] = ()) -> frozenset[str]:
    """The organisation's name words and extra brand terms, as the model compares them."""
    words = WORD.findall(plan.organisation.name.lower())
    for term in brand_terms:
        words.extend(WORD.findall(term.lower()))
    generic = {"the", "and", "of", "software", "inc", "ltd", "gmbh", "group", "company"}
    return frozenset(w for w in words if w not in generic)


def focus_score(text: str, brand: frozenset[str] = frozenset()) -> FocusScore:
    """The customer-focus score of one text (see the module docstring)."""
    words = WORD.findall(text.lower().replace("’", "'"))
    customer = sum(w in CUSTOMER for w in words)
    problem = sum(w in PROBLEM for w in words)
    question = text.count("?")
    self_words = sum(w in SELF for w in words)
    brand_hits = sum(w in BRAG or w in brand for w in words)
    signal = customer + problem + question + 0.5 * self_words + brand_hits
    raw = customer + problem + question - 0.5 * self_words - brand_hits
    return FocusScore(customer, problem, question, self_words, brand_hits,
                      raw / signal if signal else 0.0)  # fmt: skip


def content_focus(
    plan: Plan, activities: ibis.Table, *, brand_terms: Sequence[str] = ()
) -> list[TacticFocus]:
    """Focus of our posts per tactic (and `unplanned`), in plan order."""
    mapped = mapped_activities(plan, activities)
    posts = mapped.filter((mapped.kind == "post") & mapped.text.notnull())
    rows = to_arrow(posts.select("tactic", "text", "comments")).to_pylist()
    brand = brand_words(plan, brand_terms)
    grouped: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        score = focus_score(str(row["text"]), brand).score
        grouped.setdefault(row["tactic"] or UNPLANNED, []).append(
            (score, float(row["comments"] or 0))
        )
    order = [t.id for t in plan.tactics] + [UNPLANNED]
    return [_tactic(t, grouped[t]) for t in order if t in grouped]


def _tactic(tactic: str, scored: list[tuple[float, float]]) -> TacticFocus:
    import numpy as np
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    scores = np.array([s for s, _ in scored])
    comments = np.array([c for _, c in scored])
    focused, centric = comments[scores > 0], comments[scores < 0]
    p_value = None
    if len(focused) and len(centric):
        p_value = float(stats.mannwhitneyu(focused, centric, alternative="two-sided").pvalue)
    return TacticFocus(
        tactic=tactic,
        posts=len(scored),
        mean_score=float(scores.mean()),
        brand_centric_share=float((scores < 0).mean()),
        customer_focused_comments=float(focused.mean()) if len(focused) else None,
        brand_centric_comments=float(centric.mean()) if len(centric) else None,
        comments_p_value=p_value,
    )
