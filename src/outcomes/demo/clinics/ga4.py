"""The clinics' site in GA4's BigQuery export (JSON Lines, one file a month).

A few thousand journeys, so events are plain dicts written line by line, in the fields
the Northwind writer's events carry (:mod:`outcomes.demo.writers.ga4`): every touch is a
session (`first_visit` on the visitor's first, `session_start`, the landing `page_view`),
a conversion on a later visit adds a direct session, and the booking or enquiry form sends
`generate_lead` with the HubSpot contact id as `user_id`, which is how the warehouse joins
a visitor to their deal. GA4 logs no purchase: the money is in HubSpot. Sessions of a
tagged channel carry `collected_traffic_source`; reels reach people who never book, once,
after their last visit, while the reels run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from outcomes.demo.clinics import model as c
from outcomes.demo.clinics.journeys import Outcomes, Population
from outcomes.demo.crm import record_id
from outcomes.demo.rng import stream
from outcomes.demo.writers.files import Output

LEAD_PAGES: Final = ("/book/thank-you", "/employers/thank-you")


@dataclass(frozen=True, slots=True)
class Session:
    """One visit: whose, when, through which channel, and whether it converted."""

    journey: int
    ts: int
    channel: int
    converted: bool


def sessions(pop: Population, o: Outcomes, seed: int) -> list[Session]:
    """Every visit of the population's journeys as they happened, in journey and time order."""
    rng = stream(seed, "clinics-ga4", pop.kind)
    reel_lo, reel_hi = c.REELS_WINDOW
    out: list[Session] = []
    for j in range(pop.n):
        visits: list[Session] = []
        converted = bool(o.converted[j])
        for k in np.flatnonzero(pop.valid[j]):
            decided = converted and not o.returned[j] and int(k) == int(o.touch[j])
            visits.append(Session(j, int(pop.t[j, k]), int(pop.ch[j, k]), decided))
        if converted and o.returned[j]:
            visits.append(Session(j, int(o.ts[j]) - 90, c.DIRECT, True))
        last = visits[-1].ts if visits else c.START_S
        reel = last + int((1 + 5 * rng.random()) * c.DAY_S)
        day = (reel - c.START_S) // c.DAY_S
        reached = pop.u["reel"][j] < c.REELS_AUDIENCE
        if not converted and pop.kind == 0 and reel_lo <= day <= reel_hi and reached:
            visits.append(Session(j, reel, c.REELS, False))
        visits.sort(key=lambda s: s.ts)
        out.extend(visits)
    return out


def _param(key: str, value: str | int) -> dict[str, Any]:
    typed: dict[str, str | None] = dict.fromkeys(
        ("string_value", "int_value", "float_value", "double_value")
    )
    typed["int_value" if isinstance(value, int) else "string_value"] = (
        str(value) if isinstance(value, int) else value
    )
    return {"key": key, "value": typed}


def _event(name: str, micros: int, user: str, session: int, number: int, page: str,
           traffic: dict[str, Any] | None, first: dict[str, Any], user_id: str | None) -> dict[str, Any]:  # fmt: skip
    day = dt.datetime.fromtimestamp(micros // 1_000_000, tz=dt.UTC).strftime("%Y%m%d")
    return {
        "event_date": day,
        "event_timestamp": str(micros),
        "event_name": name,
        "event_params": [
            _param("ga_session_id", session),
            _param("ga_session_number", number),
            _param("page_location", page),
        ],
        "event_value_in_usd": None,
        "user_id": user_id,
        "user_pseudo_id": user,
        "traffic_source": first,
        "stream_id": "2718281828",
        "platform": "WEB",
        "collected_traffic_source": traffic,
        "session_traffic_source_last_click": {
            "manual_campaign": (traffic or {}).get("manual_campaign_name")
        },
        "ecommerce": None,
    }


def _traffic(code: int) -> dict[str, Any] | None:
    channel = c.CHANNELS[code]
    if channel.source is None:
        return None
    return {
        "manual_campaign_name": channel.campaign,
        "manual_source": channel.source,
        "manual_medium": channel.medium,
        "manual_content": None,
        "gclid": None,
    }


def _page(code: int) -> str:
    channel = c.CHANNELS[code]
    if channel.campaign is None:
        return c.SITE + channel.landing
    query = (
        f"utm_source={channel.source}&utm_medium={channel.medium}&utm_campaign={channel.campaign}"
    )
    return f"{c.SITE}{channel.landing}?{query}"


def events(pop: Population, o: Outcomes, visits: list[Session]) -> list[dict[str, Any]]:
    """The GA4 events of the population's visits."""
    out: list[dict[str, Any]] = []
    number, previous, user = 0, -1, ""
    first: dict[str, Any] = {}
    for visit in visits:
        journey = pop.first_id + visit.journey
        if visit.journey != previous:
            number, previous = 0, visit.journey
            user = f"{1_000_000_000 + journey * 7919 % 900_000_000}.{visit.ts}"
            acquired = _traffic(visit.channel) or {}
            first = {"name": acquired.get("manual_campaign_name") or "(direct)",
                     "medium": acquired.get("manual_medium") or "(none)",
                     "source": acquired.get("manual_source") or "(direct)"}  # fmt: skip
        number += 1
        micros = visit.ts * 1_000_000
        page = _page(visit.channel)
        traffic = _traffic(visit.channel)
        args = (user, visit.ts, number, page, traffic, first, None)
        if number == 1:
            out.append(_event("first_visit", micros, *args))
        out.append(_event("session_start", micros + 1000, *args))
        out.append(_event("page_view", micros + 2000, *args))
        if visit.converted:
            contact = str(record_id(journey))
            when = int(o.ts[visit.journey]) * 1_000_000 + 500_000
            thanks = c.SITE + LEAD_PAGES[pop.kind]
            out.append(
                _event("generate_lead", when, user, visit.ts, number, thanks, None, first, contact)
            )
    return out


def write_ga4(output: Output, rows: list[dict[str, Any]]) -> int:
    """One `events_2026MM-000000000000.json` per month, each sorted by time; the event count."""
    rows.sort(key=lambda e: (int(e["event_timestamp"]), e["user_pseudo_id"], e["event_name"]))
    months: dict[str, list[str]] = {}
    for row in rows:
        months.setdefault(row["event_date"][:6], []).append(json.dumps(row, ensure_ascii=False))
    for month, lines in sorted(months.items()):
        path = output.path("ga4", f"ga4/events_{month}-000000000000.json")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)
