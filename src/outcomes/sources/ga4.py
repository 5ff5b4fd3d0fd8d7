"""GA4's BigQuery export: events as JSON Lines (optionally gzipped) or Parquet.

One event per line (or Parquet row) with the export's nested fields: `event_timestamp`
(µs since the epoch, a string in BigQuery's JSON), `event_name`, `user_pseudo_id`,
`user_id`, `event_params` [{key, value: {string_value, int_value, …}}],
`collected_traffic_source`, `traffic_source`, `ecommerce`, `event_value_in_usd`. Both are
streamed: JSON line by line, Parquet by record batch, reading only the columns used.

**Touchpoints** — one per session rather than one per page view:

* `session_start`, `first_visit` and `page_view` events whose `collected_traffic_source`
  has a manual source, medium or campaign (the event's UTM parameters), else whose
  `page_location` carries `utm_*` (exports before mid-2023 lack collected_traffic_source),
  else with a `gclid` (Google Ads: google / cpc); a `first_visit` with none of these
  falls back to `traffic_source`, the user's first acquisition. GA4's placeholders, written
  in parentheses ("(direct)", "(none)", "(not set)", "(organic)", "(referral)", …), count as
  unknown: they are not campaign names.
* A `session_start` with none of these is a touchpoint of channel `direct` (GA4's
  "(direct)": a session whose source the export does not know), so journeys keep their
  untagged sessions as steps and `last_non_direct` has something to skip.
* One touchpoint per user, session (`ga_session_id`) and UTM set: the landing page_view and
  the session_start that carry the same UTMs count once (within a file by a set of short
  digests, across files by the key). It has the first such event's time and name.
* `journey_id` = user_pseudo_id (else, when it is null, user_id), `customer_id` = user_id
  (an export without the `user_id` field states no customer and leaves a stored one as it
  is); `channel` = :func:`channel_from_source` (source, medium), else the raw source.
* GA4 writes `user_pseudo_id`, `user_id` and `event_params` for every event. When none of
  an export's first 1,000 events has one of them, the export left the column out, and an
  event whose key it is made of is rejected, naming the column: keyed without it (a journey
  from the user_id, no journey, a session dated by the event instead of its
  `ga_session_id`) the same visit or sale would be stored twice, or a stored sale moved to
  another journey. A single event without the field is read as null (BigQuery may leave
  nulls out). An id that is a list or record is rejected.

**Conversions** — `purchase` → `order`, `generate_lead` → `lead`. `value` is
`ecommerce.purchase_revenue` (currency from the `currency` event parameter), else
`ecommerce.purchase_revenue_in_usd` or `event_value_in_usd` (USD), else the `value`
parameter. Campaign and channel come from the event's own traffic source, else
`session_traffic_source_last_click.manual_campaign`. A purchase with a transaction id is
keyed by it (`natural_key("ga4", "order", id)`), since GA4 may log a purchase twice;
other conversions by user, timestamp, name and batch position. A key seen before in the
same file (a repeated purchase or event) gives no second row.

Other events are not used (not rejected). A line that is not a JSON object, or a used
event without a readable timestamp, or whose `event_params` is not a list, is rejected with
its line (record number for Parquet); so is a touchpoint event without any user id (a
visit of nobody is no step of a journey). A purchase or lead whose `user_pseudo_id` and
`user_id` are both null (GA4 writes that for a user who gave no consent) is kept, with no
journey: it counts in goals' revenue and orders, and no tactic is credited with it. So is a line that is cut
off (the last line of an interrupted export), nested too deeply, not UTF-8, or holding
`NaN`, `Infinity`, a number out of range, a string with a lone UTF-16 surrogate
(`"\\ud800"`: damaged text, not repaired) or a key given twice with two values (an
`event_timestamp` given twice: which one holds is unknown; the same value twice is read),
and so is an event giving a parameter of `event_params` twice with two values (JSON or
Parquet).
A file whose first 20 lines are all unreadable is refused.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import itertools
import json
import math
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from outcomes.sources.base import (
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
)
from outcomes.sources.base import natural_key as _natural_key
from outcomes.sources.fields import (
    UTM_FIELDS,
    CellError,
    channel_from_source,
    parse_epoch_micros,
    parse_float,
    utm_from_url,
)
from outcomes.sources.json_input import RecordError, loads, printable

NAME = "ga4"
DIRECT: Final = "direct"
TOUCH_EVENTS: Final = frozenset({"session_start", "first_visit", "page_view"})
# Why an event is passed over: the summary counts events by these reasons.
NOT_A_TOUCH: Final = "an event that is neither a visit nor a conversion (scroll, click, …)"
LOGGED_TWICE: Final = "a purchase GA4 logged twice (same transaction id)"
UNTAGGED_VIEW: Final = "a page view with no campaign or source (its session counts once)"
SAME_SESSION: Final = "a further event of a visit already counted"
CONVERSION_EVENTS: Final = {"purchase": "order", "generate_lead": "lead"}
PARQUET_BATCH: Final = 10_000
GIVE_UP_AFTER: Final = 20
_UNKNOWN: Final = frozenset({"", "(direct)", "(none)", "(not set)", "(data deleted)"})
_MANUAL: Final = {
    "utm_source": "manual_source",
    "utm_medium": "manual_medium",
    "utm_campaign": "manual_campaign_name",
    "utm_content": "manual_content",
    "utm_term": "manual_term",
}
_FIRST_USER: Final = {"utm_source": "source", "utm_medium": "medium", "utm_campaign": "name"}
_LAST_CLICK: Final = {
    "utm_source": "source",
    "utm_medium": "medium",
    "utm_campaign": "campaign_name",
}
_UNMATCHED: Final = (
    "the export has no {field} column, so the event cannot be matched with the same event "
    "in other exports; export the events with their {field} column"
)
COLUMNS_FROM_EVENTS: Final = 1_000
"""The events whose fields say which columns the export has (`_export_columns`)."""
_COLUMNS: Final = (
    "event_date", "event_timestamp", "event_name", "event_params", "user_id", "user_pseudo_id",
    "collected_traffic_source", "traffic_source", "session_traffic_source_last_click",
    "ecommerce", "event_value_in_usd", "event_bundle_sequence_id", "batch_event_index",
)  # fmt: skip


class GA4(Source):
    """GA4 BigQuery export events: campaign touchpoints, purchases and leads."""

    name = NAME
    description = "GA4 BigQuery export (events as JSON Lines, .json.gz or Parquet)"

    def detect(self, path: Path, head: bytes) -> bool:
        """True for Parquet with GA4's event columns, or JSON whose first line is a GA4 event."""
        if head.startswith(b"PAR1"):
            names = _parquet_names(path)
            return {"event_name", "event_timestamp"} <= names
        if head.startswith(b"\x1f\x8b"):
            head = _gunzip_head(head)
        first = head.removeprefix(codecs.BOM_UTF8).lstrip().split(b"\n", 1)[0]
        return first.startswith(b"{") and b'"event_name"' in first and b'"event_timestamp"' in first

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Touchpoints and conversions, one event at a time."""
        seen: set[bytes] = set()
        events = _events(path)
        first = list(itertools.islice(events, COLUMNS_FROM_EVENTS))
        columns = _export_columns(item for _, item in first)
        for line, event in itertools.chain(first, events):
            if isinstance(event, Rejected):
                yield event
            else:
                yield from _parse(line, event, seen, columns)


def _export_columns(items: Iterable[Event | Rejected]) -> frozenset[str]:
    """The fields the export has: those of any of its first events. An event without one
    is an event where it is null (BigQuery may leave nulls out of JSON); an export where no
    event has it is an export that left the column out."""
    found: set[str] = set()
    for item in items:
        if not isinstance(item, Rejected):
            found.update(item.event if isinstance(item, _Line) else item)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class _Line:
    """An event from JSON Lines with its line as written, the raw text of a rejection."""

    event: dict[str, Any]
    text: str


# --- reading -------------------------------------------------------------------------------


Event = dict[str, Any] | _Line


def _events(path: Path) -> Iterator[tuple[int, Event | Rejected]]:
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}") from None
    if magic == b"PAR1":
        return _parquet_events(path)
    return _json_events(path, gzipped=magic.startswith(b"\x1f\x8b"))


def _json_events(path: Path, *, gzipped: bool) -> Iterator[tuple[int, Event | Rejected]]:
    opener = gzip.open if gzipped else Path.open
    with opener(path, "rb") as handle:
        yield from _json_lines(path, _lines(path, handle))


def _lines(path: Path, handle: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from handle  # line by line: a 2 GB export is never held whole
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(
            path, f"the compressed file is damaged ({exc}); export it again"
        ) from None


def _json_lines(path: Path, lines: Iterable[bytes]) -> Iterator[tuple[int, Event | Rejected]]:
    """Events by line; rejections for bad lines, held back until one good line proves the format."""
    pending: list[Rejected] = []
    proven = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        item = _json_event(number, raw)
        if proven:
            yield number, item
        elif isinstance(item, Rejected):
            pending.append(item)
            if len(pending) >= GIVE_UP_AFTER:
                raise _not_json_lines(path, pending[0])
        else:
            proven = True
            yield from ((r.line or 0, r) for r in pending)
            yield number, item
    if not proven:
        if pending:
            raise _not_json_lines(path, pending[0])
        raise SourceError(path, "the file is empty; export the events table again")


def _not_json_lines(path: Path, first: Rejected) -> SourceError:
    return SourceError(
        path,
        f"not GA4 events as JSON Lines ({first.reason}); export the BigQuery events table as "
        "newline-delimited JSON or Parquet",
        line=first.line,
    )


def _json_event(number: int, raw: bytes) -> Event | Rejected:
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    try:
        # Decoded here, strictly: json.loads(bytes) would let encoded surrogates through.
        event = loads(raw.decode("utf-8-sig").strip(), unique_keys=True)
    except UnicodeDecodeError as exc:
        return Rejected(number, None, f"not UTF-8 text: {exc.reason} at byte {exc.start + 1}", text)
    except RecordError as exc:
        return Rejected(number, exc.column, exc.reason, text)
    if not isinstance(event, dict):
        return Rejected(number, None, "expected one JSON object (an event) per line", text)
    return _Line(event, text)


def _parquet_names(path: Path) -> set[str]:
    import pyarrow.parquet as pq

    try:
        return set(pq.read_schema(path).names)
    except Exception:  # not Parquet after all, or damaged: simply not detected
        return set()


def _parquet_events(path: Path) -> Iterator[tuple[int, Event | Rejected]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(path, f"not a readable Parquet file ({exc}); export it again") from None
    names = set(parquet.schema_arrow.names)
    if not {"event_name", "event_timestamp"} <= names:
        raise SourceError(path, "this Parquet file has no event_name and event_timestamp columns")
    columns = [c for c in _COLUMNS if c in names]
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, columns=columns):
            for event in batch.to_pylist():
                number += 1
                yield number, event
    except (pa.ArrowException, OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(path, f"the Parquet file is damaged ({exc})", line=number + 1) from None
    finally:
        parquet.close()


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 64 * 1024)
    except zlib.error:
        return b""


# --- events to rows ------------------------------------------------------------------------


def _parse(line: int, read: Event, seen: set[bytes], columns: frozenset[str]) -> Iterator[Parsed]:
    event, raw = (read.event, read.text) if isinstance(read, _Line) else (read, "")
    name = event.get("event_name")
    if not isinstance(name, str) or not name.strip():
        yield Rejected(line, "event_name", "no event_name", raw or _raw(event))
        return
    if name not in TOUCH_EVENTS and name not in CONVERSION_EVENTS:
        yield Ignored(line, NOT_A_TOUCH)
        return
    raw = raw or _raw(event)
    try:
        ts = parse_epoch_micros(event.get("event_timestamp"))
        params = _params(event)
    except (ValueError, OverflowError) as exc:  # FieldError, or inf/huge from the parsers
        column = exc.column if isinstance(exc, CellError) else "event_timestamp"
        yield Rejected(line, column, str(exc), raw)
        return
    if ts is None:
        yield Rejected(line, "event_timestamp", "no event_timestamp", raw)
        return
    for field in ("user_pseudo_id", "user_id"):
        if isinstance(event.get(field), dict | list):
            kind = "a list" if isinstance(event[field], list) else "a record"
            yield Rejected(line, field, f"expected an id (text or a number), got {kind}", raw)
            return
    unmatched = _unmatched(event, columns, touch=name not in CONVERSION_EVENTS)
    if unmatched is not None:
        yield Rejected(line, unmatched, _UNMATCHED.format(field=unmatched), raw)
        return
    if name in CONVERSION_EVENTS:
        parsed = _conversion(line, event, params, ts, raw)
        if isinstance(parsed, Rejected) or _first_time(parsed.values["key"], seen):
            yield parsed
        else:  # GA4 may log one purchase twice; its transaction id tells
            yield Ignored(line, LOGGED_TWICE)
        return
    utm = _event_traffic(event, params)
    if utm:
        yield from _touchpoint(line, event, params, ts, utm, seen, raw)
    elif name == "session_start":
        # A session of unknown source still is a step of the journey: GA4's "(direct)".
        yield from _touchpoint(line, event, params, ts, {}, seen, raw, channel=DIRECT)
    else:  # the session's touchpoint is its landing, counted elsewhere
        yield Ignored(line, UNTAGGED_VIEW)


def _first_time(key: str, seen: set[bytes]) -> bool:
    """True the first time a key comes up in this file; 8-byte digests keep the set small."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    if digest in seen:
        return False
    seen.add(digest)
    return True


def _raw(event: dict[str, Any]) -> str:
    """A Parquet event as JSON text, for a rejection."""
    try:
        return printable(json.dumps(event, default=str, ensure_ascii=False)[:2000])
    except (RecursionError, ValueError):  # nested deeper than the encoder goes
        return printable(repr(event)[:2000])


_VALUE_FIELDS: Final = ("string_value", "int_value", "double_value", "float_value")


def _params(event: dict[str, Any]) -> dict[str, Any]:
    """event_params as {key: value}, whichever of the typed value fields is set."""
    found: dict[str, Any] = {}
    params = event.get("event_params")
    if params is not None and not isinstance(params, list):
        reason = f"expected a list of {{key, value}}, got {type(params).__name__}"
        raise CellError("event_params", reason)
    # Unrolled (a demo year holds 170,000 events of several parameters each): the first of
    # the typed value fields that is set, as GA4 sets one of them.
    for item in params or ():
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        if not isinstance(key, str):
            continue
        value = item.get("value")
        chosen = None
        if isinstance(value, dict):
            for field in _VALUE_FIELDS:
                chosen = value.get(field)
                if chosen is not None:
                    break
        if key in found and found[key] != chosen:  # GA4 gives each parameter once an event
            reason = (
                f"the parameter {printable(key)[:40]!r} is given twice, with two values, and "
                "which one holds is unknown; correct the event or export the events again"
            )
            raise CellError("event_params", reason)
        found[key] = chosen
    return found


def _struct(value: object) -> dict[str, Any]:
    """A nested record, or {} when it is null (or, in a malformed event, not a record)."""
    return value if isinstance(value, dict) else {}


def _pick(struct: object, fields: dict[str, str]) -> dict[str, str]:
    """utm name → value from a struct's fields, leaving out unknown placeholders."""
    if not isinstance(struct, dict):
        return {}
    found = {utm: str(struct[field]).strip() for utm, field in fields.items() if struct.get(field)}
    return {k: v for k, v in found.items() if not _placeholder(v)}


def _placeholder(value: str) -> bool:
    """GA4 writes its own values for missing ones in parentheses: "(organic)", "(not set)"."""
    return value.casefold() in _UNKNOWN or (value.startswith("(") and value.endswith(")"))


def _event_traffic(event: dict[str, Any], params: dict[str, Any]) -> dict[str, str]:
    """The UTMs the event itself carries, in the order of trust the module doc gives."""
    collected = event.get("collected_traffic_source")
    found = _pick(collected, _MANUAL)
    if found.keys() & {"utm_source", "utm_medium", "utm_campaign"}:
        return found
    found = _utm(params.get("page_location"))
    if found:
        return found
    if isinstance(collected, dict) and collected.get("gclid"):
        return {"utm_source": "google", "utm_medium": "cpc"}
    if event.get("event_name") == "first_visit":
        return _pick(event.get("traffic_source"), _FIRST_USER)
    return {}


def _utm(location: object) -> dict[str, str]:
    if not isinstance(location, str):
        return {}
    try:
        return utm_from_url(location)
    except ValueError:  # a URL urllib cannot split ("http://[::1"): it names no campaign
        return {}


def _unmatched(event: dict[str, Any], columns: frozenset[str], *, touch: bool) -> str | None:
    """The column the export lacks that the event's key is made of, when a full export has it.

    GA4 writes `user_pseudo_id`, `user_id` and `event_params` for every event. Keyed without
    one of them (a journey made from the user_id instead of the pseudonymous id, no journey,
    a session dated by the event instead of its `ga_session_id`) an event from an export
    that left the column out would not be the same event from a full export: the visit or
    sale would be stored twice, or a stored sale moved to another journey. Such an event is
    rejected rather than guessed. An event where the field is null (a user without consent
    has a null user_pseudo_id) is keyed alike by every export, and is read as it is.
    """
    if "user_pseudo_id" not in columns and _text(event.get("user_id")):
        return "user_pseudo_id"
    if "user_id" not in columns and not _text(event.get("user_pseudo_id")):
        return "user_id" if not touch or "user_pseudo_id" in columns else None
    if touch and "event_params" not in columns:
        return "event_params"
    return None


def _journey(event: dict[str, Any]) -> tuple[str | None, str | None]:
    pseudo = _text(event.get("user_pseudo_id"))
    user = _text(event.get("user_id"))
    return pseudo or user, user


def _text(value: object) -> str | None:
    """A scalar as text; None for nothing, and for a record or list where an id belongs."""
    text = "" if value is None or isinstance(value, dict | list) else str(value).strip()
    return text or None


def _channel(utm: dict[str, str]) -> str | None:
    source = utm.get("utm_source")
    return channel_from_source(source, utm.get("utm_medium")) or source


def _touchpoint(
    line: int,
    event: dict[str, Any],
    params: dict[str, Any],
    ts: dt.datetime,
    utm: dict[str, str],
    seen: set[bytes],
    raw: str,
    channel: str | None = None,
) -> Iterator[Parsed]:
    journey, user = _journey(event)
    if journey is None:
        yield Rejected(line, "user_pseudo_id", "no user_pseudo_id or user_id", raw)
        return
    session = params.get("ga_session_id") or event.get("event_timestamp")
    key = _natural_key(NAME, "touch", journey, session, *(utm.get(f) for f in UTM_FIELDS))
    if not _first_time(key, seen):
        yield Ignored(line, SAME_SESSION)  # the session's landing already gave this touchpoint
        return
    values: dict[str, Any] = {
        "key": key,
        "source": NAME,
        "journey_id": journey,
        "customer_id": user,
        "ts": ts,
        "channel": channel or _channel(utm),
        "event": event.get("event_name"),
    }
    yield Row("touchpoints", _unstated_user(values, event) | {f: utm.get(f) for f in UTM_FIELDS})


def _conversion(
    line: int, event: dict[str, Any], params: dict[str, Any], ts: dt.datetime, raw: str
) -> Row | Rejected:
    name = str(event["event_name"])
    journey, user = _journey(event)
    try:
        value, currency = _value(event, params)
    except CellError as exc:
        return Rejected(line, exc.column, exc.reason, raw)
    last_click = _struct(event.get("session_traffic_source_last_click")).get("manual_campaign")
    utm = _event_traffic(event, params) or _pick(last_click, _LAST_CLICK)
    values: dict[str, Any] = {
        "key": _conversion_key(event, name, journey),
        "source": NAME,
        "customer_id": user,
        "journey_id": journey,
        "ts": ts,
        "type": CONVERSION_EVENTS[name],
        "value": value,
        "currency": currency,
        "campaign": utm.get("utm_campaign"),
        "channel": channel_from_source(utm.get("utm_source"), utm.get("utm_medium")),
    }
    return Row("conversions", _unstated_user(values, event))


def _unstated_user(values: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """`values` without `customer_id` when the event has no `user_id` field at all.

    GA4 writes `user_id` on every event, null when the user is not known; an event without
    the field comes from an export that left it out, which says nothing of the customer: the
    customer a fuller export stored is kept (absent is not empty).
    """
    if "user_id" not in event:
        values.pop("customer_id", None)
    return values


def _value(event: dict[str, Any], params: dict[str, Any]) -> tuple[float | None, str | None]:
    """The first amount given, in the order the module doc lists, with its currency."""
    ecommerce = _struct(event.get("ecommerce"))
    currency = _text(params.get("currency"))
    candidates = (
        ("ecommerce.purchase_revenue", ecommerce.get("purchase_revenue"), currency),
        ("ecommerce.purchase_revenue_in_usd", ecommerce.get("purchase_revenue_in_usd"), "USD"),
        ("event_value_in_usd", event.get("event_value_in_usd"), "USD"),
        ("event_params.value", params.get("value"), currency),
    )
    for column, raw, unit in candidates:
        try:
            amount = parse_float(raw)
        except (ValueError, OverflowError) as exc:  # FieldError, or an int too big for a float
            raise CellError(column, str(exc)) from None
        if amount is not None and not math.isfinite(amount):
            raise CellError(column, f"the amount {raw!r} is out of range")
        if amount is not None:
            return amount, unit
    return None, None


def _conversion_key(event: dict[str, Any], name: str, journey: str | None) -> str:
    transaction = _text(_struct(event.get("ecommerce")).get("transaction_id"))
    if name == "purchase" and transaction and transaction.casefold() not in _UNKNOWN:
        return _natural_key(NAME, "order", transaction)
    batch = (event.get("event_bundle_sequence_id"), event.get("batch_event_index"))
    return _natural_key(NAME, journey, event.get("event_timestamp"), name, *batch)
