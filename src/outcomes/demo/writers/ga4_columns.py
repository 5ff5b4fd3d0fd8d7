"""The Arrow columns of GA4 events, built from NumPy arrays without a Python object per event.

Texts are indices into small vocabularies: dictionary-encoded for Parquet (the file then
stores plain strings, dictionary-encoded on disk, as BigQuery's export does), expanded
with `take` for JSON. INT64 values are integers in Parquet and strings in JSON, as
BigQuery writes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from outcomes.demo import model as m
from outcomes.demo.crm import record_ids
from outcomes.demo.journeys import Block, Outcomes
from outcomes.demo.sessions import Sessions
from outcomes.demo.texts import COUNTRIES

STREAM_ID: Final = "3141592653"
EXTRA_PAGES: Final = (
    "/pricing",
    "/features",
    "/customers",
    "/guides",
    "/integrations",
    "/about",
    "/demo",
)
FIRST_VISIT, SESSION_START, PAGE_VIEW, LEAD, PURCHASE = range(5)
NAMES: Final = ("first_visit", "session_start", "page_view", "generate_lead", "purchase")
KEYS: Final = (
    "ga_session_id",
    "ga_session_number",
    "page_location",
    "page_title",
    "currency",
    "value",
)
_FIRST_USER: Final = {
    "organic-search": ("(organic)", "organic", "google"),
    "direct": ("(direct)", "(none)", "(direct)"),
    "referral": ("(referral)", "referral", "logisticsweekly.example"),
    "paid-search": ("Brand | Route planning", "cpc", "google"),
}
_DEVICES: Final = (
    ("desktop", "Windows", "Chrome"),
    ("desktop", "Macintosh", "Safari"),
    ("mobile", "Android", "Chrome"),
    ("mobile", "iOS", "Safari"),
    ("tablet", "iOS", "Safari"),
)
_DEVICE_OF: Final = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3, 4])
SMALL_VOCABULARY: Final = 4096
"""Larger vocabularies (visitor ids) are expanded: each month's file would repeat them whole."""
TAGGED: Final = np.array([c.utm_source is not None for c in m.CHANNELS])


def _landing(channel: m.Channel, rep: str) -> str:
    if channel.utm_source is None:
        return m.SITE + channel.landing
    query = f"utm_source={channel.utm_source}&utm_medium={channel.utm_medium}"
    if channel.utm_campaign:
        query += f"&utm_campaign={channel.utm_campaign}"
    if channel.code == "li-rep-insights":
        query += f"&utm_content={rep}"
    return f"{m.SITE}{channel.landing}?{query}"


def _title(page: str) -> str:
    name = page.strip("/").replace("-", " ").replace("/", " – ") or "home"
    return f"Northwind Freight Software – {name.capitalize()}"


def _pages() -> list[str]:
    """Tagged landings (one per channel and rep), untagged landings, other pages."""
    pages = [_landing(c, r.id) for c in m.CHANNELS for r in m.REPS]
    pages += [m.SITE + c.landing for c in m.CHANNELS]
    return pages + [m.SITE + p for p in (*EXTRA_PAGES, "/demo/thank-you", "/checkout/complete")]


PAGES: Final = _pages()
UNTAGGED_BASE: Final = len(m.CHANNELS) * len(m.REPS)
EXTRA_BASE: Final = UNTAGGED_BASE + len(m.CHANNELS)
LEAD_PAGE: Final = EXTRA_BASE + len(EXTRA_PAGES)
PURCHASE_PAGE: Final = LEAD_PAGE + 1
_STRINGS: Final = [
    *PAGES,
    *(_title(p.removeprefix(m.SITE).split("?")[0]) for p in PAGES),
    m.CURRENCY,
]
_DATES: Final = [(m.START + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(m.DAYS)]


@dataclass(frozen=True)
class Columns:
    """Builds columns for one output format: Parquet (`json=False`) or JSON Lines."""

    json: bool

    def ints(self, values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        """An INT64 column (text in JSON); `mask` marks nulls."""
        array = pa.array(values.astype(np.int64), mask=mask)
        return array.cast(pa.string()) if self.json else array

    def texts(self, vocabulary: list[str] | pa.Array, index: np.ndarray) -> pa.Array:
        """Texts picked from a vocabulary by index; a negative index is null."""
        words = (
            vocabulary if isinstance(vocabulary, pa.Array) else pa.array(vocabulary, pa.string())
        )
        indices = pa.array(np.maximum(index, 0).astype(np.int32), mask=index < 0)
        if self.json or len(words) > SMALL_VOCABULARY:
            return pc.take(words, indices)
        return pa.DictionaryArray.from_arrays(indices, words)

    def table(self, block: Block, o: Outcomes, s: Sessions, ev: dict[str, np.ndarray]) -> pa.Table:
        """The events table, columns in the export's order."""
        journey = s.journey[ev["session"]]
        first_ts = s.ts[s.first]
        day = ev["ts"] // 1_000_000 // m.DAY_S - m.START_S // m.DAY_S
        pseudo = pc.binary_join_element_wise(
            pa.array(block.client).cast(pa.string()), pa.array(first_ts).cast(pa.string()), "."
        )
        known = o.lead[journey] & (ev["ts"] >= o.lead_ts[journey] * 1_000_000)
        is_purchase = ev["name"] == PURCHASE
        value = o.value[journey]
        user_ids = record_ids(block.first_id + journey)
        return pa.table(
            {
                "event_date": self.texts(_DATES, day),
                "event_timestamp": self.ints(ev["ts"]),
                "event_name": self.texts(list(NAMES), ev["name"]),
                "event_params": self.params(s, ev, value),
                "event_previous_timestamp": self.ints(
                    np.zeros(len(journey)), mask=np.ones(len(journey), bool)
                ),
                "event_value_in_usd": pa.array(np.round(value * 1.08, 2), mask=~is_purchase),
                "event_bundle_sequence_id": self.ints(np.arange(len(journey)) + 1),
                "user_id": pa.array(user_ids, mask=~known).cast(pa.string()),
                "user_pseudo_id": self.texts(pseudo, journey),
                "user_first_touch_timestamp": self.ints(first_ts[journey] * 1_000_000),
                "device": self.device(block, journey),
                "geo": self.geo(block, journey),
                "traffic_source": self.first_user(s, journey),
                "stream_id": self.texts([STREAM_ID], np.zeros(len(journey), np.int64)),
                "platform": self.texts(["WEB"], np.zeros(len(journey), np.int64)),
                "collected_traffic_source": self.collected(block, s, ev),
                "session_traffic_source_last_click": self.last_click(s, ev),
                "ecommerce": self.ecommerce(block.first_id + journey, value, is_purchase),
            }
        )

    def params(self, s: Sessions, ev: dict[str, np.ndarray], value: np.ndarray) -> pa.Array:
        """`event_params`: session id and number, page and title; purchases add currency, value."""
        is_purchase = ev["name"] == PURCHASE
        counts = 4 + 2 * is_purchase
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        total, base = int(offsets[-1]), offsets[:-1]
        key = np.zeros(total, np.int64)
        ints = np.zeros(total, np.int64)
        has_int = np.zeros(total, bool)
        string = np.full(total, -1, np.int64)
        session = ev["session"]
        key[base + 1], ints[base], ints[base + 1] = 1, s.ts[session], s.number[session]
        has_int[base], has_int[base + 1] = True, True
        key[base + 2], string[base + 2] = 2, ev["page"]
        key[base + 3], string[base + 3] = 3, len(PAGES) + ev["page"]
        bought = base[is_purchase]
        key[bought + 4], string[bought + 4] = 4, 2 * len(PAGES)
        key[bought + 5] = 5
        double = np.zeros(total)
        double[bought + 5] = value[is_purchase]
        has_double = np.zeros(total, bool)
        has_double[bought + 5] = True
        inner = pa.StructArray.from_arrays(
            [
                self.texts(_STRINGS, string),
                self.ints(ints, mask=~has_int),
                pa.nulls(total, pa.float64()),
                pa.array(double, mask=~has_double),
            ],
            names=["string_value", "int_value", "float_value", "double_value"],
        )
        items = pa.StructArray.from_arrays(
            [self.texts(list(KEYS), key), inner], names=["key", "value"]
        )
        return pa.ListArray.from_arrays(pa.array(offsets), items)

    def device(self, block: Block, journey: np.ndarray) -> pa.Array:
        """`device`: category, operating system and browser, fixed per visitor."""
        device = _DEVICE_OF[(block.client[journey] % 10).astype(np.int64)]
        category, system, browser = ([d[i] for d in _DEVICES] for i in range(3))
        web = pa.StructArray.from_arrays([self.texts(browser, device)], names=["browser"])
        return pa.StructArray.from_arrays(
            [self.texts(category, device), self.texts(system, device), web],
            names=["category", "operating_system", "web_info"],
        )

    def geo(self, block: Block, journey: np.ndarray) -> pa.Array:
        """`geo`: country and city, fixed per visitor."""
        pick = (block.client[journey] // 10 % len(COUNTRIES)).astype(np.int64)
        return pa.StructArray.from_arrays(
            [
                self.texts([c for c, _ in COUNTRIES], pick),
                self.texts([c for _, c in COUNTRIES], pick),
            ],
            names=["country", "city"],
        )

    def _utm(self, codes: np.ndarray, present: np.ndarray) -> list[pa.Array]:
        """(campaign, source, medium) of channels where `present` and the channel has one."""
        out = []
        for name in ("utm_campaign", "utm_source", "utm_medium"):
            values = [getattr(c, name) for c in m.CHANNELS]
            has = np.array([v is not None for v in values])
            out.append(
                self.texts([v or "" for v in values], np.where(present & has[codes], codes, -1))
            )
        return out

    def collected(self, block: Block, s: Sessions, ev: dict[str, np.ndarray]) -> pa.Array:
        """`collected_traffic_source` on a tagged session's landing events (or its gclid)."""
        channel = s.channel[ev["session"]]
        tagged = TAGGED[channel] & ev["landing"]
        paid = (channel == m.PAID_SEARCH) & ev["landing"]
        rep = block.territory[s.journey[ev["session"]]].astype(np.int64)
        content = self.texts(
            [r.id for r in m.REPS], np.where(tagged & (channel == m.REP_POSTS), rep, -1)
        )
        gclid = _prefixed("Cj0KCQwjw", ev["session"] * 7919 % 10**9 + block.index * 10**9, paid)
        return pa.StructArray.from_arrays(
            [*self._utm(channel, tagged), content, gclid],
            names=[
                "manual_campaign_name",
                "manual_source",
                "manual_medium",
                "manual_content",
                "gclid",
            ],
            mask=pa.array(~(tagged | paid)),
        )

    def last_click(self, s: Sessions, ev: dict[str, np.ndarray]) -> pa.Array:
        """`session_traffic_source_last_click.manual_campaign`: the last non-direct click."""
        last = s.last_tagged[ev["session"]]
        present = last >= 0
        channel = np.where(present, s.channel[np.maximum(last, 0)], 0)
        manual = pa.StructArray.from_arrays(
            self._utm(channel, present),
            names=["campaign_name", "source", "medium"],
            mask=pa.array(~present),
        )
        return pa.StructArray.from_arrays([manual], names=["manual_campaign"])

    def first_user(self, s: Sessions, journey: np.ndarray) -> pa.Array:
        """`traffic_source`: the visitor's first acquisition, placeholders included."""
        fields = [
            _FIRST_USER.get(
                c.code, (c.utm_campaign or "(not set)", c.utm_medium or "", c.utm_source or "")
            )
            for c in m.CHANNELS
        ]
        first = s.channel[s.first[journey]]
        return pa.StructArray.from_arrays(
            [self.texts([f[i] for f in fields], first) for i in range(3)],
            names=["name", "medium", "source"],
        )

    def ecommerce(self, journey: np.ndarray, value: np.ndarray, bought: np.ndarray) -> pa.Array:
        """`ecommerce` for purchases (null on other events)."""
        none = ~bought
        return pa.StructArray.from_arrays(
            [
                _prefixed("NW-", journey, bought),
                pa.array(value, mask=none),
                pa.array(np.round(value * 1.08, 2), mask=none),
                self.ints(np.ones(len(value)), mask=none),
                self.ints(np.ones(len(value)), mask=none),
            ],
            names=[
                "transaction_id",
                "purchase_revenue",
                "purchase_revenue_in_usd",
                "total_item_quantity",
                "unique_items",
            ],
            mask=pa.array(none),
        )


def _prefixed(prefix: str, numbers: np.ndarray, present: np.ndarray) -> pa.Array:
    """`prefix` + number as text where `present`, else null (built in Arrow, not per row)."""
    texts = pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")
    return pc.if_else(pa.array(present), texts, pa.scalar(None, pa.string()))
