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
* `brand`: brand words, and brag words: award(s), proud, excited, thrilled, announce,
  named, winner, hiring, celebrate, milestone, ...

**Brand words** are the words of the plan's `organisation.brand_terms`, or, when it gives
none, of the organisation's name, less the words that say what kind of business it is:
a built-in list of category words (physio, clinic, dental, software, consulting, freight,
… :data:`CATEGORY_WORDS`), legal forms and small words (inc, ltd, the, and, …), and the
plan's `organisation.generic_terms`. So for "Harbour Physio" the brand word is "harbour":
"3 moves for a stiff lower back #physio" is a post about the reader's back, not brand
talk. A one-word brand term the plan states is kept even when it is a category word
(the plan knows its brand), unless `generic_terms` names it too.

Links are not read: the brand's domain in a URL is not brand talk, nor is the `?` of its
query string a question.

score = (customer + problem + question − ½·self − brand) ÷ (all of them, with self at
half weight), in [−1, 1]; a post with none of these words scores 0. A post is
**customer-focused** above 0 and **brand-centric** below it.

**Only English is read.** The lists are English words, so a post in another language
scores 0 for want of words it could know, which is not "neutral": it is not measured. A
post is taken to be in another language when it holds more common function words of
Dutch, German, French or Spanish (:data:`FOREIGN_WORDS`: de, het, een, voor, und, der,
les, pour, los, que, …) than common English words (:data:`ENGLISH_WORDS`, and the
customer and problem lists); such a post is left out of its tactic's score and of the
examples, and counted in `not_english`. A post with neither (a hashtag and a link) is
read as English, as before. A tactic none of whose posts is in English has no score
(`mean_score` and `brand_centric_share` are None) and its `note` says why; every route
shows :data:`NOT_MEASURED` in place of the score.

**Score bands**, so a reader can see what a score means: about the customer (0.5 and
above), leaning to the customer (above 0), neutral (0: none of the words), leaning to us
(below 0), about us (−0.5 and below). `focus_examples` gives one real post per band, the
one nearest the band's median score, with the words that counted.

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
from typing import TYPE_CHECKING, Final, Literal

from outcomes.measure.mapping import mapped_activities
from outcomes.measure.rank_test import mann_whitney_p
from outcomes.plan import Plan
from outcomes.warehouse.connection import to_arrow

if TYPE_CHECKING:
    import ibis

WORD: Final = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
LINK: Final = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
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
ENGLISH_WORDS: Final = frozenset((
    "the", "and", "to", "for", "with", "this", "that", "these", "those", "it", "it's", "its",
    "are", "was", "were", "be", "been", "from", "by", "not", "but", "or", "all", "can",
    "will", "just", "more", "have", "has", "had", "get", "new", "about", "here", "now",
    "today", "join", "their", "they", "there", "when", "who", "which", "into", "out",
    "every", "each", "our", "there's", "don't", "do", "does", "at", "an", "a", "is", "of",
))  # fmt: skip
"""Common English words: a post with more of them than of `FOREIGN_WORDS` is read."""
FOREIGN_WORDS: Final = frozenset((
    # Dutch
    "de", "het", "een", "en", "voor", "uit", "niet", "dat", "wij", "jij", "ook", "naar",
    "bij", "zijn", "wordt", "deze", "onze", "jouw", "elke", "mee", "langs", "geef",
    # German
    "der", "das", "und", "ist", "nicht", "mit", "ein", "eine", "wir", "sie", "für", "ihr",
    "auf", "zu", "dem", "unsere",
    # French
    "les", "des", "est", "pour", "avec", "nous", "vous", "une", "du", "dans", "sur", "votre",
    # Spanish
    "el", "los", "las", "que", "por", "para", "una", "del", "con", "nuestro", "tu",
))  # fmt: skip
"""Common words of other languages, none of them an English word a post would use."""
NOT_MEASURED: Final = "not measured (posts not in English)"
"""What every route shows in place of the score of a tactic with no post in English."""
UNPLANNED: Final = "unplanned"
SMALL_WORDS: Final = frozenset((
    "the", "and", "of", "for", "a", "an", "at", "by", "in", "on", "to", "inc", "ltd", "llc",
    "llp", "plc", "gmbh", "ag", "sa", "sas", "bv", "nv", "co", "corp", "corporation",
    "company", "limited", "group", "holdings",
))  # fmt: skip
CATEGORY_WORDS: Final = frozenset((
    "physio", "physios", "physiotherapy", "physiotherapist", "physiotherapists", "clinic",
    "clinics", "health", "healthcare", "medical", "dental", "dentist", "dentists", "care",
    "therapy", "pharmacy", "fitness", "gym", "wellness", "osteopathy", "chiropractic",
    "software", "systems", "technologies", "technology", "tech", "digital", "data", "cloud",
    "analytics", "labs", "lab", "apps", "solutions", "services", "consulting", "consultants",
    "consultancy", "advisory", "partners", "associates", "agency", "studio", "studios",
    "media", "marketing", "design", "creative", "legal", "law", "accounting", "accountants",
    "insurance", "bank", "capital", "finance", "financial", "ventures", "freight",
    "logistics", "transport", "shipping", "construction", "engineering", "energy",
    "foods", "food", "bakery", "cafe", "coffee", "restaurant", "kitchen", "store", "shop",
    "retail", "realty", "properties", "property", "homes", "academy", "school", "institute",
    "training", "education", "international", "global", "worldwide",
))  # fmt: skip
"""Words that say what kind of business an organisation is: in its name, not its brand."""
Band = Literal["about_customer", "leans_customer", "neutral", "leans_us", "about_us"]
BANDS: Final[tuple[tuple[Band, str], ...]] = (
    ("about_customer", "About the customer (0.5 and above)"),
    ("leans_customer", "Leans to the customer (above 0)"),
    ("neutral", "Neutral (none of the words)"),
    ("leans_us", "Leans to us (below 0)"),
    ("about_us", "About us (−0.5 and below)"),
)


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
    """All its posts, in English or not."""
    mean_score: float | None
    """Of its posts in English; None when it has none (`NOT_MEASURED`)."""
    brand_centric_share: float | None
    customer_focused_comments: float | None
    """Mean comments on customer-focused posts (None when there are none)."""
    brand_centric_comments: float | None
    comments_p_value: float | None
    """Mann–Whitney U, two-sided, customer-focused vs brand-centric comments."""
    not_english: int = 0
    """Posts not in English, left out of the score (see the module docstring)."""
    note: str | None = None
    """Why the score leaves posts out, or why there is none."""

    @property
    def score_words(self) -> str:
        """The mean score as every route writes it: "+0.25", or `NOT_MEASURED`."""
        return NOT_MEASURED if self.mean_score is None else f"{self.mean_score:+.2f}"


def brand_words(plan: Plan, brand_terms: Iterable[str] = ()) -> frozenset[str]:
    """The brand words the model counts (see the module docstring); `brand_terms` adds to
    the plan's."""
    organisation = plan.organisation
    generic = {w for term in organisation.generic_terms for w in _words(term)}
    stated = [*organisation.brand_terms, *brand_terms]
    words = [w for term in organisation.brand_terms or [organisation.name] for w in _words(term)]
    words += [w for term in brand_terms for w in _words(term)]
    # A one-word term the plan states is its brand, even when the word is a category's.
    kept = {w for term in stated if len(found := _words(term)) == 1 for w in found}
    return frozenset(
        w
        for w in words
        if w not in generic and w not in SMALL_WORDS and (w not in CATEGORY_WORDS or w in kept)
    )


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'"))


def in_english(text: str) -> bool:
    """Whether the model can read `text`: it has no more common words of another language
    than of English (see the module docstring)."""
    words = _words(LINK.sub(" ", text))
    english = sum(w in ENGLISH_WORDS or w in CUSTOMER or w in PROBLEM for w in words)
    return sum(w in FOREIGN_WORDS for w in words) <= english


def focus_score(text: str, brand: frozenset[str] = frozenset()) -> FocusScore:
    """The customer-focus score of one text (see the module docstring)."""
    text = LINK.sub(" ", text)
    words = _words(text)
    customer = sum(w in CUSTOMER for w in words)
    problem = sum(w in PROBLEM for w in words)
    question = text.count("?")
    self_words = sum(w in SELF for w in words)
    brand_hits = sum(w in BRAG or w in brand for w in words)
    signal = customer + problem + question + 0.5 * self_words + brand_hits
    raw = customer + problem + question - 0.5 * self_words - brand_hits
    return FocusScore(customer, problem, question, self_words, brand_hits,
                      raw / signal if signal else 0.0)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FocusExample:
    """A real post showing what one score band looks like."""

    band: Band
    label: str
    posts: int
    """Posts in the band, all tactics and unplanned."""
    tactic: str
    text: str
    score: float
    counted: tuple[str, ...]
    """The words (and question marks) that moved its score, in order of appearance."""


def content_focus(
    plan: Plan, activities: ibis.Table, *, brand_terms: Sequence[str] = ()
) -> list[TacticFocus]:
    """Focus of our posts per tactic (and `unplanned`), in plan order."""
    return content_focus_and_examples(plan, activities, brand_terms=brand_terms)[0]


def content_focus_and_examples(
    plan: Plan,
    activities: ibis.Table,
    *,
    brand_terms: Sequence[str] = (),
    mapped: ibis.Table | None = None,
) -> tuple[list[TacticFocus], list[FocusExample]]:
    """`content_focus`, and one example post per score band that has posts.

    `mapped`: these activities already mapped by the plan (`mapped_activities`), when the
    caller keeps them for several measures (`build_scorecard` does).
    """
    mapped = mapped_activities(plan, activities) if mapped is None else mapped
    posts = mapped.filter((mapped.kind == "post") & mapped.text.notnull())
    rows = to_arrow(posts.select("tactic", "text", "comments", "ts")).to_pylist()
    brand = brand_words(plan, brand_terms)
    grouped: dict[str, list[tuple[float, float]]] = {}
    foreign: dict[str, int] = {}
    scored: list[_Scored] = []
    for row in sorted(rows, key=lambda r: (r["ts"], str(r["text"]))):
        text, tactic = str(row["text"]), row["tactic"] or UNPLANNED
        grouped.setdefault(tactic, [])
        if not in_english(text):
            foreign[tactic] = foreign.get(tactic, 0) + 1
            continue
        score = focus_score(text, brand).score
        grouped.setdefault(tactic, []).append((score, float(row["comments"] or 0)))
        scored.append(_Scored(score, tactic, text))
    order = [t.id for t in plan.tactics] + [UNPLANNED]
    tactics = [_tactic(t, grouped[t], foreign.get(t, 0)) for t in order if t in grouped]
    return tactics, focus_examples(scored, brand)


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    tactic: str
    text: str


def band_of(score: float) -> Band:
    """The score band a score falls in (see the module docstring)."""
    if score >= 0.5:
        return "about_customer"
    if score > 0:
        return "leans_customer"
    if score == 0:
        return "neutral"
    return "leans_us" if score > -0.5 else "about_us"


def focus_examples(scored: Sequence[_Scored], brand: frozenset[str]) -> list[FocusExample]:
    """Per band with posts, the post nearest the band's median score (the earliest on ties)."""
    import numpy as np

    out = []
    for band, label in BANDS:
        members = [s for s in scored if band_of(s.score) == band]
        if not members:
            continue
        median = float(np.median([m.score for m in members]))
        pick = min(members, key=lambda m: abs(m.score - median))
        out.append(
            FocusExample(
                band, label, len(members), pick.tactic, pick.text, pick.score,
                counted_words(pick.text, brand),
            )
        )  # fmt: skip
    return out


def counted_words(text: str, brand: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The words of `text` (and its question marks) that the model counts."""
    lists = CUSTOMER | PROBLEM | SELF | BRAG | brand
    text = LINK.sub(" ", text)
    return (*(w for w in _words(text) if w in lists), *("?" * text.count("?")))


def _tactic(tactic: str, scored: list[tuple[float, float]], not_english: int) -> TacticFocus:
    import numpy as np

    if not scored:
        why = f"none of its {not_english} posts is in English, the language of the word lists"
        return TacticFocus(tactic, not_english, None, None, None, None, None, not_english, why)
    scores = np.array([s for s, _ in scored])
    comments = np.array([c for _, c in scored])
    focused, centric = comments[scores > 0], comments[scores < 0]
    p_value = None
    if len(focused) and len(centric):
        p_value = mann_whitney_p(focused, centric)
    note: str | None = None
    if not_english:
        note = (
            f"{not_english} of its {len(scored) + not_english} posts are not in English"
            " and are left out of its score (the word lists are English)"
        )
    return TacticFocus(
        tactic=tactic,
        posts=len(scored) + not_english,
        mean_score=float(scores.mean()),
        brand_centric_share=float((scores < 0).mean()),
        customer_focused_comments=float(focused.mean()) if len(focused) else None,
        brand_centric_comments=float(centric.mean()) if len(centric) else None,
        comments_p_value=p_value,
        not_english=not_english,
        note=note,
    )
