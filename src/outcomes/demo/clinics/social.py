"""The clinics' social year: what the page posts, what patients ask, and what reception answers.

Everything here is people's work, so it does not grow with the scale. The Facebook page
carries two tactics: the physio tips (posts, fb-physio-tips) and reception's answers to
comments and private messages (replies, reception-inbox). Each message reception answers
is, four times in five, a phone call it does not take: the help desk logs it as a ticket
deflected. LinkedIn carries the employer-wellness posts and the careers posts, told apart
by the campaign of their links; Instagram the reels.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from outcomes.demo import texts
from outcomes.demo.clinics import model as c
from outcomes.demo.records import Activity, Conversation
from outcomes.demo.rng import stream

RECEPTION: Final = "Reception team"
TIPS: Final = (
    "3 moves for a stiff lower back #physio", "Desk set-up in five minutes #physio",
    "Why your knee hurts on the stairs #physiotherapy", "Warm-ups that protect runners' ankles",
    "How long should a sprain take to heal? #physio", "Shoulder mobility for swimmers",
    "Neck pain and phone use: what helps", "Getting back to the gym after a back injury",
)  # fmt: skip
WELLNESS: Final = (
    "What a 12-week back-care programme did for one warehouse team's absence rate",
    "Musculoskeletal absence costs UK employers more than colds. What works:",
    "On-site physio days: what HR teams ask us first",
    "How one council cut sick days with early physio access",
)  # fmt: skip
CAREERS: Final = (
    "We're hiring physiotherapists at our Marina and Docklands clinics",
    "Meet the team: a day as a Harbour Physio graduate physio",
    "Join us: senior MSK physiotherapist, flexible hours",
)  # fmt: skip
REELS: Final = (
    "Stretch with us in 30 seconds", "Guess the muscle!", "Foam roller: right vs wrong",
)  # fmt: skip
COMMENTS: Final = (
    "Do you take walk-ins at Quayside?", "Is this OK if I had knee surgery last year?",
    "How much is a first appointment?", "Can I claim this on my health insurance?",
    "Thanks, this helped!", "Do you have Saturday appointments?",
)  # fmt: skip
MESSAGES: Final = (
    "Hi, can I move my appointment on Thursday?", "Do you have anything free this week?",
    "Is there parking at the Station Road clinic?", "Can I pay with my insurance card?",
    "What should I wear for my first session?", "Do I need a GP referral?",
)  # fmt: skip
HR_COMMENTS: Final = (
    "Do you offer this for hybrid teams?", "What does a programme cost per head?",
    "We'd like to try this at our depot.", "Great results. How did you measure absence?",
)  # fmt: skip
ANSWERS: Final = (
    "Thanks for asking! Yes, that's no problem; we'll sort it now.",
    "Good question: we'll message you the details.",
    "Yes, and you can book online too.",
)  # fmt: skip


@dataclass
class SocialYear:
    """Every activity of the year, every inbound conversation, deflections and hires."""

    activities: list[Activity] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    deflections: list[dt.datetime] = field(default_factory=list)
    hires: list[tuple[str, dt.date, str, str]] = field(default_factory=list)
    """(candidate id, hired on, source, campaign)."""


def _link(path: str, source: str, campaign: str) -> str:
    return f"{c.SITE}{path}?utm_source={source}&utm_medium=social&utm_campaign={campaign}"


@dataclass(frozen=True, slots=True)
class _Inbound:
    """One stream of inbound: where, which kind, how many, who answers and how fast."""

    channel: str
    account: str
    kind: str
    total: int
    answered: float
    """Share that gets an answer."""
    minutes: float
    """Median minutes to the answer."""
    tactic: str
    responder: str
    parents: str | None
    """The tactic whose posts the comments are under (None: private messages)."""
    phrases: tuple[str, ...]


INBOUND: Final = (
    _Inbound("facebook", c.FACEBOOK_PAGE, "comment", c.INBOUND_COMMENTS, 0.9, 45,
             "reception-inbox", RECEPTION, "fb-physio-tips", COMMENTS),
    _Inbound("facebook", c.FACEBOOK_PAGE, "message_in", c.INBOUND_MESSAGES, 0.95, 45,
             "reception-inbox", RECEPTION, None, MESSAGES),
    _Inbound("linkedin", c.LINKEDIN_PAGE, "comment", c.LINKEDIN_COMMENTS, 0.85, 240,
             "li-comments", "Amira Shah", "li-employer-wellness", HR_COMMENTS),
)  # fmt: skip


def _posts(rng: np.random.Generator, year: SocialYear) -> None:
    """The posts of the publish tactics, each on its page with its campaign's link."""
    plans = (
        ("fb-physio-tips", "facebook", c.FACEBOOK_PAGE, range(1, c.DAYS, 7 // c.TIPS_PER_WEEK),
         TIPS, _link("/tips", "facebook", "physio-tips")),
        ("li-employer-wellness", "linkedin", c.LINKEDIN_PAGE, range(33, c.DAYS, 7), WELLNESS,
         _link("/employers", "linkedin", "employer-wellness")),
        ("careers-posts", "linkedin", c.LINKEDIN_PAGE, range(5, c.DAYS, 14), CAREERS,
         _link("/careers", "linkedin", "careers")),
        ("ig-reels", "instagram", c.INSTAGRAM, range(c.REELS_WINDOW[0], c.REELS_WINDOW[1], 3),
         REELS, ""),
    )  # fmt: skip
    for tactic, channel, account, days, phrases, link in plans:
        for n, day in enumerate(days):
            ts = c.START + dt.timedelta(days=day, hours=9, minutes=int(rng.integers(0, 180)))
            # The inbox tool keeps the link and its campaign tag in their own columns.
            campaign = link.rsplit("utm_campaign=", 1)[-1] if link else "ig-reels"
            year.activities.append(
                Activity(channel, account, "post", "Amira Shah", ts, phrases[n % len(phrases)],
                         f"{channel[:2]}-{tactic}-{n:03d}", tactic, campaign=campaign,
                         reactions=int(rng.poisson(60 if tactic == "ig-reels" else 14)),
                         extra={"url": link})
            )  # fmt: skip


def _arrival(
    rng: np.random.Generator, stream_: _Inbound, posts: list[Activity]
) -> tuple[dt.datetime, str | None]:
    if stream_.parents is None:
        return c.START + dt.timedelta(seconds=int(rng.integers(0, c.DAYS * c.DAY_S))), None
    post = posts[int(rng.integers(len(posts)))]
    return post.ts + dt.timedelta(minutes=float(rng.exponential(600))), post.native_id


def _inbound(rng: np.random.Generator, year: SocialYear) -> None:
    """Comments and private messages, and the answers they get."""
    count = 0
    senders: set[str] = set()
    for inbound in INBOUND:
        posts = [a for a in year.activities if a.tactic == inbound.parents and a.kind == "post"]
        for _ in range(inbound.total):
            count += 1
            ts, parent = _arrival(rng, inbound, posts)
            text = texts.pick(rng, inbound.phrases)
            if ts >= c.END:
                continue
            first, last = texts.person(rng)
            ident = f"{inbound.channel[:2]}-in-{count:05d}"
            name = f"{first} {last}"
            if inbound.kind == "message_in":
                name = _another_patient(name, senders)
            year.activities.append(Activity(inbound.channel, inbound.account, inbound.kind,
                                            name, ts.replace(microsecond=0), text,
                                            ident, inbound.tactic, in_reply_to=parent))  # fmt: skip
            answered = None
            if rng.random() < inbound.answered:
                wait = dt.timedelta(minutes=float(np.exp(rng.normal(np.log(inbound.minutes), 0.9))))
                answered = (ts + wait).replace(microsecond=0)
                if answered >= c.END:
                    answered = None
            if answered is not None:
                year.activities.append(Activity(inbound.channel, inbound.account, "reply",
                                                inbound.responder, answered,
                                                texts.pick(rng, ANSWERS), f"{ident}-re",
                                                inbound.tactic, in_reply_to=ident))  # fmt: skip
                if inbound.kind == "message_in" and rng.random() < c.DEFLECTED_SHARE:
                    year.deflections.append(answered)
            year.conversations.append(
                Conversation(
                    inbound.channel,
                    inbound.tactic,
                    ts.replace(microsecond=0),
                    answered,
                    inbound.responder if answered else None,
                )
            )


def _another_patient(name: str, senders: set[str]) -> str:
    """`name`, with a middle initial (or a number) when a patient of that name wrote
    before: each planted message is its own conversation, and two messages of one sender
    before an answer are one wait (`outcomes.measure.message_turns`). Drawing another
    name would move every later random draw of the year."""
    first, _, last = name.partition(" ")
    initials = (f"{first} {letter}. {last}" for letter in string.ascii_uppercase)
    numbered = (f"{name} ({n})" for n in itertools.count(2))
    spelled = next(c for c in itertools.chain([name], initials, numbered) if c not in senders)
    senders.add(spelled)
    return spelled


def _hires(rng: np.random.Generator, year: SocialYear) -> None:
    """Hires through the careers posts, and the agency's (no tactic's)."""
    sources = [("LinkedIn", "careers")] * c.HIRES_FROM_POSTS + [
        ("Agency", "")
    ] * c.HIRES_FROM_AGENCY
    days = np.sort(rng.integers(20, c.DAYS - 10, len(sources)))
    order = rng.permutation(len(sources))
    for n, (day, index) in enumerate(zip(days, order, strict=True)):
        source, campaign = sources[int(index)]
        hired = c.START.date() + dt.timedelta(days=int(day))
        year.hires.append((f"CAND-{4100 + n * 13}", hired, source, campaign))


def simulate_social(seed: int) -> SocialYear:
    """The year on the page, the inbox, the help desk and the hiring tracker."""
    rng = stream(seed, "clinics-social")
    year = SocialYear()
    _posts(rng, year)
    _inbound(rng, year)
    _hires(stream(seed, "clinics-hiring"), year)
    year.activities.sort(key=lambda a: (a.ts, a.native_id))
    year.deflections.sort()
    return year
