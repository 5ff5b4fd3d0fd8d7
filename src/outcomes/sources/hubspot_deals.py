"""HubSpot deals: their columns, when a deal is dated, and whether it is won, lost or open.

Whether it is won, lost or open is said by HubSpot's own flags, else by its stage.

A deal's stage label says it only in HubSpot's default pipeline ("Closed Won", `closedwon`).
A portal's own pipelines name their stages as they like ("Contract signed", "Paid") and
HubSpot knows a stage is won or lost by its settings, which the export does not carry; it
does carry the calculated properties HubSpot derives from them, when they are exported
with the deals: "Is Closed Won" (`hs_is_closed_won`), "Is Deal Closed?" (`hs_is_closed`)
and "Is closed lost" (`hs_is_closed_lost`), each `true` or `false`.

So the flags decide, whatever the stage's label. The stage decides where the flags leave
more than one answer (a file without them, an empty cell). A stage named closed
("Closed Won", "closedlost") that the flags contradict is a row that cannot be trusted,
and is rejected naming both columns; a default open stage's label ("Contract Sent") the
flags call closed is taken as the flags say, since a portal's own pipeline may reuse it.

A deal whose stage is neither a known closed stage nor one of HubSpot's default open ones,
and that no flag decides, is taken as open, as before, but not silently: the file's
:class:`UnknownStages` tally becomes one :class:`~outcomes.sources.base.Notice` saying how
many deals in which stages were taken so, and what to export to count them right.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from outcomes.sources.base import Notice, most_common_words
from outcomes.sources.fields import CellError, FieldError, cell_text, parse_datetime
from outcomes.sources.tabular import Record

WON: Final = "deal_won"
LOST: Final = "deal_lost"
OPEN: Final = "opportunity"

FLAG_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "is_won": ("Is Closed Won", "hs_is_closed_won"),
    "is_closed": ("Is Deal Closed?", "Is Deal Closed", "hs_is_closed"),
    "is_lost": ("Is closed lost", "hs_is_closed_lost"),
}
"""HubSpot's calculated deal flags: logical column → export label and internal name."""

DEAL_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "record_id": ("Record ID", "Deal ID", "hs_object_id", "dealId"),
    "name": ("Deal Name", "dealname"),
    "stage": ("Deal Stage", "dealstage"),
    "pipeline": ("Pipeline", "pipeline"),
    "amount": ("Amount", "amount"),
    "currency": ("Currency", "Deal Currency Code", "deal_currency_code"),
    "closed": ("Close Date", "closedate"),
    "created": ("Create Date", "createdate"),
    "owner": ("Deal Owner", "hubspot_owner_id"),
    "contact": (
        "Associated Contact IDs",
        "Associated Contact ID",
        "Associated Contacts IDs",
        "Contact IDs",
        "Contact ID",
    ),
    **FLAG_COLUMNS,
}
"""A deals export's columns (besides the original source's): logical name → the export's
labels and the internal names an API or workflow export uses."""

# Stage (letters only, pipeline suffix removed) → the kind its name alone says.
_CLOSED_STAGES: Final = {"closedwon": WON, "won": WON, "closedlost": LOST, "lost": LOST}
DEFAULT_OPEN_STAGES: Final = frozenset(
    {
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "decisionmakerboughtin",
        "contractsent",
    }
)
"""The open stages of HubSpot's default sales pipeline; labels and internal names read the
same once reduced to letters ("Decision Maker Bought-In", `decisionmakerboughtin`)."""

_TRUE: Final = frozenset({"true", "yes", "1"})
_FALSE: Final = frozenset({"false", "no", "0"})
# What each flag rules out when true, and when false.
_RULES_OUT: Final = {
    "is_won": ({LOST, OPEN}, {WON}),
    "is_closed": ({OPEN}, {WON, LOST}),
    "is_lost": ({WON, OPEN}, {LOST}),
}

Namer = Callable[[str], str]
"""Logical column → the header the file uses."""


@dataclass(frozen=True, slots=True)
class Flags:
    """The flags one deal's row states: logical column → its value (absent when the file
    lacks the column or the cell is empty)."""

    values: Mapping[str, bool]

    def possible(self) -> set[str]:
        """The kinds the flags leave: one when they decide, none when they contradict."""
        left = {WON, LOST, OPEN}
        for name, value in self.values.items():
            when_true, when_false = _RULES_OUT[name]
            left -= when_true if value else when_false
        return left

    def said(self, column: Namer) -> str:
        """The flags as read, for a reason: "'Is Closed Won' is false"."""
        return " and ".join(
            f"'{column(name)}' is {str(value).lower()}" for name, value in self.values.items()
        )


def read_flags(cells: Mapping[str, object], column: Namer) -> Flags:
    """The deal's flags from its cells (logical column → cell); raises :class:`CellError`
    naming the column for a value that is neither true nor false."""
    values: dict[str, bool] = {}
    for name in FLAG_COLUMNS:
        text = cell_text(cells.get(name))
        if text is None:
            continue
        plain = text.casefold()
        if plain not in _TRUE | _FALSE:
            raise CellError(column(name), f"expected true or false, got {text[:40]!r}")
        values[name] = plain in _TRUE
    return Flags(values)


def stage_kind(stage: str) -> str | None:
    """The kind a stage's name says: won, lost, open (a default open stage), or None.

    "Closed won (Sales Pipeline)" is read as "Closed won": exports may add the pipeline.
    """
    plain = re.sub(r"[^a-z]", "", re.sub(r"\(.*\)", "", stage).casefold())
    if plain in _CLOSED_STAGES:
        return _CLOSED_STAGES[plain]
    return OPEN if plain in DEFAULT_OPEN_STAGES else None


@dataclass(frozen=True, slots=True)
class Decided:
    """A deal's kind, and whether it was taken as open for want of anything deciding it."""

    kind: str
    unknown: bool = False


def deal_kind(stage: str, flags: Flags, column: Namer) -> Decided:
    """Won, lost or open; raises :class:`CellError` for a row that cannot be trusted."""
    possible = flags.possible()
    if not possible:
        raise CellError(
            column(next(iter(flags.values))),
            f"the deal's flags contradict each other ({flags.said(column)}); "
            "export the deals again",
        )
    named = stage_kind(stage)
    if named in {WON, LOST} and named not in possible:
        raise CellError(
            column(next(iter(flags.values))),
            f"'{column('stage')}' is {stage!r} but {flags.said(column)}; export the deals "
            "again, or correct the stage or the flag in HubSpot",
        )
    if len(possible) == 1:
        return Decided(possible.pop())
    if named in possible:
        return Decided(named)
    if OPEN in possible:
        return Decided(OPEN, unknown=True)
    raise CellError(
        column("is_closed"),
        f"the deal is closed, but neither its stage {stage!r} nor its flags say whether it "
        "was won; export the deals with the column 'Is Closed Won'",
    )


@dataclass
class UnknownStages:
    """The deals of one file taken as open because nothing said they were won or lost."""

    stages: Counter[str] = field(default_factory=Counter)

    def add(self, stage: str) -> None:
        self.stages[stage] += 1

    def notice(self) -> Notice | None:
        """One line for the file, or None when every deal's kind was known."""
        total = sum(self.stages.values())
        if not total:
            return None
        shown = most_common_words(self.stages, 5, lambda stage, count: f"{stage!r} ({count:,})")
        deals = "deal" if total == 1 else "deals"
        return Notice(
            f"{total:,} {deals} in stages HubSpot's default pipeline does not have were taken "
            f"as open: {shown}. If any of these stages is won or lost, export the deals with "
            "the columns 'Is Closed Won' and 'Is Deal Closed?' and load them again"
        )


def deal_ts(record: Record, kind: str, column: Namer) -> dt.datetime:
    """Closed deals are dated when they closed, open ones when they were created."""
    order = ("created",) if kind == OPEN else ("closed", "created")
    for name in order:
        try:
            ts = parse_datetime(record.get(name))
        except FieldError as exc:
            raise CellError(column(name), str(exc)) from None
        if ts is not None:
            return ts
    wanted = " or ".join(column(name) for name in order)
    raise CellError(column(order[0]), f"no {wanted}; the deal cannot be dated")


def first_contact(raw: object) -> str | None:
    """The first id of "123;456" (HubSpot joins associated ids with `;`)."""
    text = cell_text(raw)
    if text is None:
        return None
    first = re.split(r"[;,\s]+", text)[0]
    return cell_text(first)
