"""HubSpot CSV (or .xlsx) exports of contacts and of deals, told apart by their headers.

Both the export labels ("Lifecycle Stage", "Deal Stage") and the internal property names
an API or workflow export uses (`lifecyclestage`, `dealstage`) are accepted, as headers
and as values. Dates without a zone are taken as UTC (HubSpot writes them in the portal's
time zone and does not say which).

Exports since 2024 label the source columns "Original Traffic Source" and "… Drill-Down
1/2" (older ones "Original Source …") and the stage dates `Date entered "Lead (Lifecycle
Stage Pipeline)"` (older ones "Became a Lead Date"); both are read, and so are the internal
names (`hs_analytics_source`, `hs_v2_date_entered_lead`, `hs_lifecyclestage_lead_date`).

**Contacts** (a "Lifecycle Stage" or "Original (Traffic) Source" column, no "Deal Stage"):

* one `touchpoints` row for the original source: journey and customer id
  `hubspot:<Record ID>`, `ts` = Create Date, event `first_touch`; channel: for Organic
  and Paid social the network drill-down 1 names (`linkedin`), else what the source label
  means by the [channel labels](#channel-labels) table and `[channels]` in `outcomes.toml`
  ("Direct traffic" → `direct`, "Offline sources" → `offline`; drill-down 1 may be a page
  URL there, so it is not read), else the source as exported (`outcomes unplanned` lists
  it). `utm_campaign` = drill-down 2 for Organic social, Paid social and Paid search, where
  HubSpot puts the campaign, and for Offline sources, where it names the import or
  integration: an import named after a tactic's `utm_campaign` (`logifair-2026`) links
  its contacts to that tactic (an address there, the user who typed the contact, is not).
* `conversions` by lifecycle stage: `lead` → `lead`; `marketingqualifiedlead` and
  `salesqualifiedlead` → `qualified_lead`; `customer` and `evangelist` → `new_customer`.
  The current stage's conversion is dated by its stage date column (a lead also by
  First Conversion Date), else by Create Date. Earlier stages count too when their
  stage date is filled, so a customer who was a lead gives both. `subscriber`,
  `other`, custom stages and `opportunity` give none: opportunities come from the deals
  export, with their amounts, and counting the contact as well would count them twice.
  Lead Status is not used.
* a second `touchpoints` row for the latest session ("Latest Traffic Source", its
  drill-downs, dated by "Latest Traffic Source Date"), event `latest_touch`, when the file
  has it and it is not the first touch again; it is keyed per contact, so a later export's
  latest session replaces the stored one.
* A contact without a Record ID or a Create Date, or with an unreadable date, is
  rejected whole; so is a contact or deal whose Record ID is a number but not a whole one
  (`NaN`, `-5`, `1e300`: a damaged cell, which would store the record again under another
  key).
* A contacts export with no source column at all is refused, naming the columns to add:
  loaded, every contact would have no channel, and nothing would say so.

**Deals** (a "Deal Stage" column): won → `deal_won` dated by Close Date, lost →
`deal_lost`, open → `opportunity` dated by Create Date (a closed deal without a Close Date
by Create Date). HubSpot's flags say which, when exported ("Is Closed Won", "Is Deal
Closed?", "Is closed lost"; `hs_is_closed_won`, `hs_is_closed`, `hs_is_closed_lost`),
whatever the stage is called ("Contract signed" in a portal's own pipeline). Else the
stage: `closedwon` / "Closed Won", `closedlost`, the default pipeline's open stages
(`appointmentscheduled` … `contractsent`). A deal in another stage that no flag decides
is taken as open, and a warning says how many in which stages, and to export the flags.
Flags that contradict a "Closed Won"/"Closed Lost" stage or each other, and a closed deal
no column says was won or lost, are rejected naming the columns. A closed deal with a
Create Date also gives that `opportunity` row (the pipeline created that day, counted by
pilots and pipeline goals by creation month; the same row it gave while it was open).
`value` is the Amount ("€12,500.00" → 12500.0, currency EUR; a Currency column wins over
the symbol). The first associated contact id, when a column has them, is the customer and
journey id.
The Pipeline (its label, or the internal id the API gives) is `pipeline`, which a goal's
scope can name; contacts have no pipeline, so a scope naming one counts deals only.

"Deal owner" ("Contact owner" for contacts, `hubspot_owner_id` in an API export) is
`owner`, which a tactic's `pilot` compares per person by the plan person's `name` or `id`
(any case): export owners by name, since HubSpot's numeric owner id matches no one.

**A file without a column that changes what is measured says so**, once, in a warning
naming the column, what its absence changes and to export it: for deals the Pipeline,
Associated Contact IDs, Amount, Close Date, Create Date and Deal Owner; for contacts the
Lifecycle Stage, the stage dates, the drill-downs 1 and 2 and Contact Owner. The file
still loads.

Keys: `natural_key("hubspot", "contact"|"deal", record id[, conversion type])`; the type
is part of a conversion's key so that a deal that is won after it was loaded as open adds
its `deal_won` row instead of being skipped as already loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from outcomes.catalog.source_labels import SOCIAL, label_channel
from outcomes.sources.absent_columns import absent_notices
from outcomes.sources.base import (
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)
from outcomes.sources.fields import (
    CellError,
    FieldError,
    cell_text,
    channel_from_source,
    parse_datetime,
    parse_money,
)
from outcomes.sources.hubspot_columns import (
    CONTACT_COLUMNS,
    CONTACT_CONSEQUENCES,
    DEAL_COLUMNS,
    DEAL_CONSEQUENCES,
)
from outcomes.sources.hubspot_deals import (
    OPEN,
    UnknownStages,
    deal_kind,
    deal_ts,
    first_contact,
    read_flags,
)
from outcomes.sources.tabular import (
    Record,
    drop_absent,
    file_records,
    first_rows,
    head_rows,
    header_namer,
    header_names,
    normalise_header,
    partial_fills,
)

NAME = "hubspot"

_CONTACT_REQUIRED: Final = ("record_id", "created")
# A contacts export without its source loads every contact without a channel, which looks
# like a clean load; so it is refused, naming what to add.
_NO_SOURCE: Final = (
    "a contacts export without its source: add the column 'Original Traffic Source' "
    "(older exports: 'Original Source', API: hs_analytics_source), with 'Original Traffic "
    "Source Drill-Down 1' and '… Drill-Down 2', to the export and export again"
)
_DEAL_REQUIRED: Final = ("record_id", "stage")

# Display labels and internal values of "Original Source", as one key (letters only).
_SOURCES: Final = {
    "organicsocial": "Organic social",
    "socialmedia": "Organic social",
    "paidsocial": "Paid social",
    "emailmarketing": "Email marketing",
    "directtraffic": "Direct traffic",
    "organicsearch": "Organic search",
    "paidsearch": "Paid search",
    "referrals": "Referrals",
    "offlinesources": "Offline sources",
    "offline": "Offline sources",
    "othercampaigns": "Other campaigns",
    "aireferrals": "AI referrals",
}
_SOCIAL: Final = frozenset({"Organic social", "Paid social"})
_CAMPAIGN_IN_DRILL2: Final = frozenset({"Organic social", "Paid social", "Paid search"})
_OFFLINE: Final = "Offline sources"

# Lifecycle stage (letters only, label or internal name) → conversion type.
_LIFECYCLE: Final = {
    "lead": "lead",
    "marketingqualifiedlead": "qualified_lead",
    "mql": "qualified_lead",
    "salesqualifiedlead": "qualified_lead",
    "sql": "qualified_lead",
    "customer": "new_customer",
    "evangelist": "new_customer",
}
# Conversion type → the "Became a … Date" columns that date it, earliest stage first.
_STAGE_DATES: Final = {
    "lead": ("lead_date",),
    "qualified_lead": ("mql_date", "sql_date"),
    "new_customer": ("customer_date",),
}
_DATE_COLUMNS: Final = (
    "created",
    "first_conversion",
    "lead_date",
    "mql_date",
    "sql_date",
    "customer_date",
    "latest_date",
)

Kind = Literal["contact", "deal"]
Labels = Mapping[str, str] | None
"""The workspace's `[channels]`: label → channel."""
Namer = Callable[[str], str]
"""Logical column → the header the file uses, for rejections."""


class HubSpot(Source):
    """HubSpot contacts (first touch and lifecycle conversions) and deals."""

    name = NAME
    description = "HubSpot contacts and deals exports (CSV or .xlsx)"

    def detect(self, path: Path, head: bytes) -> bool:
        """True for a header with a Record ID and HubSpot's contact or deal columns."""
        return _kind(head_rows(path, head)) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Touchpoints and conversions of a contacts export, or conversions of a deals export."""
        # The rows as the parser reads them, not the first bytes: a long title or header
        # line would hide the header, and a deals file be read as contacts.
        rows = [[cell_text(c) or "" for c in cells] for cells in first_rows(path, options.encoding)]
        kind = _kind(rows, strict=False)
        columns, required = (
            (DEAL_COLUMNS, _DEAL_REQUIRED)
            if kind == "deal"
            else (CONTACT_COLUMNS, _CONTACT_REQUIRED)
        )
        headers = header_names(path, columns, required, options.encoding)
        if kind == "contact" and headers and "source" not in headers:
            raise SourceError(path, _NO_SOURCE)
        column = header_namer(headers, columns)
        unknown = UnknownStages()
        for record in file_records(
            path,
            columns,
            required=required,
            options=options,
        ):
            rejection = record.rejection()
            if rejection is not None:
                yield rejection
            elif kind == "deal":
                yield from _deal(record, column, options.channels, unknown)
            else:
                yield from _contact(record, column, options.channels)
        # After the deals: a file whose won deals may be counted as open says so.
        notice = unknown.notice()
        if notice is not None:
            yield notice
        yield from absent_notices(
            headers,
            DEAL_CONSEQUENCES if kind == "deal" else CONTACT_CONSEQUENCES,
            column,
            export=f"the {kind}s",
        )


def _kind(rows: Sequence[Sequence[str]], *, strict: bool = True) -> Kind | None:
    """Contacts or deals, by the first row that has HubSpot's headers.

    Strict (detection) needs an id column beside the stage or source; reading only needs
    to tell the two apart and lets the header check name what is missing.
    """
    for cells in rows:
        found = {normalise_header(c) for c in cells}
        has_id = bool(found & {"record id", "hs_object_id", "deal id", "contact id"})
        if found & {"deal stage", "dealstage"} and (has_id or not strict):
            return "deal"
        markers = {
            "lifecycle stage",
            "lifecyclestage",
            "original source",
            "original traffic source",
            "hs_analytics_source",
        }
        if found & markers and (has_id or not strict):
            return "contact"
    return None if strict else "contact"


def _letters(text: str | None) -> str:
    return re.sub(r"[^a-z]", "", (text or "").casefold())


# --- contacts -----------------------------------------------------------------------------


def _record_id(record: Record, column: Namer) -> str | Rejected:
    """The record's id. HubSpot's are whole numbers: a number of another kind (`NaN`, `inf`,
    `-5`, `1e300`, `12.5`) is a damaged cell, and keyed by it the record would be stored
    again as another contact or deal. (Ids that are no number at all, as other tools
    writing HubSpot's layout use, are read as they are.)"""
    record_id = cell_text(record.get("record_id"))
    if record_id is None:
        return Rejected(record.line, column("record_id"), f"no {column('record_id')}", record.raw)
    if _damaged_number(record_id):
        reason = f"expected a HubSpot record id (a whole number), got {record_id[:40]!r}"
        return Rejected(record.line, column("record_id"), reason, record.raw)
    return record_id


def _damaged_number(text: str) -> bool:
    """A number, but not a whole one of 0 or more written as digits."""
    if text.isascii() and text.isdigit():
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _contact(record: Record, column: Namer, labels: Labels) -> Iterator[Parsed]:
    record_id = _record_id(record, column)
    if isinstance(record_id, Rejected):
        yield record_id
        return
    try:
        dates = _dates(record, column)
    except CellError as exc:
        yield Rejected(record.line, exc.column, exc.reason, record.raw)
        return
    created = dates["created"]
    if created is None:
        reason = "no Create Date; the contact's first touch cannot be dated"
        yield Rejected(record.line, column("created"), reason, record.raw)
        return
    person = f"{NAME}:{record_id}"
    origin = _origin(record, labels)
    yield _first_touch(record, record_id, person, created, origin)
    latest_ts = dates["latest_date"]
    if latest_ts is not None:
        latest = _Touch(latest_ts, _origin(record, labels, "latest_"))
        if latest != _Touch(created, origin):  # the first session is also the latest
            yield _latest_touch(record, record_id, person, latest)
    for kind, ts in _lifecycle_conversions(record, dates):
        values = _conversion(person, ts, kind, origin)
        values["key"] = natural_key(NAME, "contact", record_id, kind)
        values["stage"] = cell_text(record.get("lifecycle"))
        values["owner"] = cell_text(record.get("owner"))
        values = _stated(values, record, _CONTACT_STATED, origin)
        yield Row("conversions", values, record.line, _contact_fills(record, kind))


def _contact_fills(record: Record, kind: str) -> frozenset[str]:
    """Values read from a fallback because the file lacks their own column: they fill gaps.

    A stage dated by Create Date because the export has no date column for that stage must
    not redate a conversion a fuller export dated; a campaign read without Drill-Down 2
    must not blank one.
    """
    fills = set(partial_fills(record, {"campaign": _ORIGIN["campaign"]}))
    own_column = any(record.has(c) for c in _STAGE_DATES.get(kind, ()))
    # A lead without its own date is dated by First Conversion Date, else Create Date.
    if not own_column or (kind == "lead" and not record.has("first_conversion")):
        fills.add("ts")
    return frozenset(fills)


def _dates(record: Record, column: Namer) -> dict[str, dt.datetime | None]:
    dates: dict[str, dt.datetime | None] = {}
    for name in _DATE_COLUMNS:
        try:
            dates[name] = parse_datetime(record.get(name))
        except FieldError as exc:
            raise CellError(column(name), str(exc)) from None
    return dates


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a contact (or deal) came from: plan channel, source as exported, campaign."""

    channel: str | None
    raw: str | None
    campaign: str | None
    unstated: bool = False
    """A social source in a file without drill-down 1: the network, so the channel, is absent."""


def _origin(record: Record, labels: Labels, prefix: str = "") -> _Origin:
    """The original source (`prefix` "latest_": the latest session's source).

    The label means a channel or class by :mod:`outcomes.catalog.source_labels` (and the
    workspace's `[channels]`); a social label's network is drill-down 1.
    """
    raw = cell_text(record.get(prefix + "source"))
    source = _SOURCES.get(_letters(raw), raw)
    drill1 = cell_text(record.get(prefix + "drill1"))
    drill2 = cell_text(record.get(prefix + "drill2"))
    meaning = label_channel(source, labels)
    # Drill-down 1 names the network only for social sources; elsewhere it may be a page URL
    # ("…/linkedin-guide" for direct traffic) that must not pass for a channel.
    if meaning == SOCIAL:
        channel = channel_from_source(drill1, labels=labels)
    else:
        channel = meaning or channel_from_source(source, labels=labels)
    unstated = meaning == SOCIAL and not record.has(prefix + "drill1")
    return _Origin(channel, source, _campaign(source, drill2), unstated)


def _stated(
    values: dict[str, Any], record: Record, columns: Mapping[str, Sequence[str]], origin: _Origin
) -> dict[str, Any]:
    """:func:`drop_absent`, and no channel when the file does not name a social network."""
    values = drop_absent(values, record, columns)
    if origin.unstated:
        values.pop("channel", None)
    return values


def _campaign(source: str | None, drill2: str | None) -> str | None:
    """Drill-down 2 where HubSpot puts a campaign: social and paid search, and offline.

    An offline contact's drill-down 2 is the import's (or integration's) name, which links
    a trade-show import to its event tactic when named after the tactic's campaign; a user
    who created the contact by hand is named there by address, which is no campaign.
    """
    if source in _CAMPAIGN_IN_DRILL2:
        return drill2
    if source == _OFFLINE and drill2 is not None and "@" not in drill2:
        return drill2
    return None


# Which columns each warehouse value is read from: a value whose columns the file lacks
# is left out of the row, so a narrower re-export leaves what a fuller one stored.
_ORIGIN: Final = {"channel": ("source", "drill1"), "campaign": ("source", "drill2")}
_CONTACT_STATED: Final = {**_ORIGIN, "stage": ("lifecycle",), "owner": ("owner",)}
_TOUCH_STATED: Final = {"channel": ("source", "drill1"), "utm_campaign": ("source", "drill2")}
_LATEST_STATED: Final = {
    "channel": ("latest_source", "latest_drill1"),
    "utm_campaign": ("latest_source", "latest_drill2"),
}
_DEAL_STATED: Final = {
    **_ORIGIN,
    "owner": ("owner",),
    "pipeline": ("pipeline",),
    "value": ("amount",),
    "currency": ("amount", "currency"),
    "customer_id": ("contact",),
    "journey_id": ("contact",),
}


def _first_touch(
    record: Record, record_id: str, person: str, ts: dt.datetime, origin: _Origin
) -> Row:
    values = {
        "key": natural_key(NAME, "contact", record_id),
        "source": NAME,
        "journey_id": person,
        "customer_id": person,
        "ts": ts,
        "channel": origin.channel or origin.raw,
        "event": "first_touch",
        "utm_campaign": origin.campaign,
    }
    fills = partial_fills(record, {"utm_campaign": _TOUCH_STATED["utm_campaign"]})
    return Row("touchpoints", _stated(values, record, _TOUCH_STATED, origin), record.line, fills)


@dataclass(frozen=True, slots=True)
class _Touch:
    ts: dt.datetime
    origin: _Origin


def _latest_touch(record: Record, record_id: str, person: str, latest: _Touch) -> Row:
    """The latest session's source as a second touchpoint.

    Keyed per contact, so a later export's latest session replaces the one stored.
    """
    ts, origin = latest.ts, latest.origin
    values = {
        "key": natural_key(NAME, "contact", record_id, "latest"),
        "source": NAME,
        "journey_id": person,
        "customer_id": person,
        "ts": ts,
        "channel": origin.channel or origin.raw,
        "event": "latest_touch",
        "utm_campaign": origin.campaign,
    }
    return Row("touchpoints", _stated(values, record, _LATEST_STATED, origin), record.line)


def _lifecycle_conversions(
    record: Record, dates: dict[str, dt.datetime | None]
) -> list[tuple[str, dt.datetime]]:
    """(type, ts) for the current lifecycle stage and every earlier stage with a date."""
    current = _LIFECYCLE.get(_letters(cell_text(record.get("lifecycle"))))
    found: list[tuple[str, dt.datetime]] = []
    for kind, columns in _STAGE_DATES.items():
        ts = next((d for d in (dates[c] for c in columns) if d is not None), None)
        if kind == current and ts is None:
            ts = (dates["first_conversion"] if kind == "lead" else None) or dates["created"]
        if ts is not None:
            found.append((kind, ts))
    return found


def _conversion(person: str | None, ts: dt.datetime, kind: str, origin: _Origin) -> dict[str, Any]:
    return {
        "source": NAME,
        "customer_id": person,
        "journey_id": person,
        "ts": ts,
        "type": kind,
        "campaign": origin.campaign,
        "channel": origin.channel,
    }


# --- deals --------------------------------------------------------------------------------


def _deal(
    record: Record, column: Namer, labels: Labels, unknown: UnknownStages
) -> Iterator[Parsed]:
    record_id = _record_id(record, column)
    if isinstance(record_id, Rejected):
        yield record_id
        return
    stage = cell_text(record.get("stage"))
    if stage is None:
        yield Rejected(record.line, column("stage"), f"no {column('stage')}", record.raw)
        return
    try:
        decided = deal_kind(stage, read_flags(record.values, column), column)
        kind = decided.kind
        ts = deal_ts(record, kind, column)
        amount, symbol = parse_money(record.get("amount"))
    except CellError as rejection:
        yield Rejected(record.line, rejection.column, rejection.reason, record.raw)
        return
    except FieldError as exc:
        yield Rejected(record.line, column("amount"), str(exc), record.raw)
        return
    if decided.unknown:
        unknown.add(stage)
    contact = first_contact(record.get("contact"))
    person = f"{NAME}:{contact}" if contact else None
    origin = _origin(record, labels)
    values = _conversion(person, ts, kind, origin)
    values |= {
        "key": natural_key(NAME, "deal", record_id, kind),
        "value": amount,
        "currency": cell_text(record.get("currency")) or symbol,
        "stage": stage,
        "owner": cell_text(record.get("owner")),
        "pipeline": cell_text(record.get("pipeline")),
    }
    values = _stated(values, record, _DEAL_STATED, origin)
    # A closed deal dated by Create Date (no Close Date column) or a campaign read without
    # Drill-Down 2 only fills what is not stored yet.
    dated_by = ("created",) if kind == OPEN else ("closed", "created")
    fills = partial_fills(record, {"ts": dated_by, "campaign": _ORIGIN["campaign"]})
    yield Row("conversions", values, record.line, fills)
    if kind != OPEN:
        try:
            created = parse_datetime(record.get("created"))
        except FieldError:
            created = None  # the closed deal is dated; only its creation row is left out
        if created is not None:
            opened = values | {"ts": created, "type": "opportunity"}
            key = natural_key(NAME, "deal", record_id, "opportunity")
            yield Row("conversions", opened | {"key": key}, record.line, fills - {"ts"})
