"""GA4's BigQuery export: the `events_YYYYMMDD` tables, exported month by month.

Each block of journeys becomes one file per month, named as a BigQuery extract with a
wildcard names its shards (`events_202603-000000000002.json`). Small demos write
newline-delimited JSON, where BigQuery writes INT64 values as strings; large ones write
Parquet (INT64 stays an integer), 100,000 events a row group. Columns are built as Arrow
arrays from NumPy indices (:mod:`outcomes.demo.writers.ga4_columns`), never one Python
object per event, so ten million journeys cost time, not memory.

Per session: `first_visit` (the visitor's first), `session_start`, the landing
`page_view` and further page views; a lead adds `generate_lead`, a self-serve order
`purchase` (with its `ecommerce` struct; 2% of purchases are logged twice with the same
transaction id, as GA4 does). The landing events of a UTM-tagged session carry
`collected_traffic_source`; every event carries the session's last non-direct click in
`session_traffic_source_last_click`; `traffic_source` is the visitor's first acquisition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa

from outcomes.demo import model as m
from outcomes.demo.journeys import MONTH_OF_DAY, Block, Outcomes
from outcomes.demo.rng import stream
from outcomes.demo.sessions import Sessions
from outcomes.demo.writers import ga4_columns as cols
from outcomes.demo.writers.files import Output

PARQUET_FROM_JOURNEYS: Final = 100_000
"""At or above this many journeys GA4 is written as Parquet instead of JSON Lines."""
ROW_GROUP: Final = 100_000
DUPLICATE_PURCHASES: Final = 0.02


class GA4Writer:
    """Writes each block's events as they are simulated (see the module docstring)."""

    def __init__(self, output: Output, seed: int, journeys: int) -> None:
        self.output = output
        self.seed = seed
        self.parquet = journeys >= PARQUET_FROM_JOURNEYS
        self.columns = cols.Columns(json=not self.parquet)
        self.events = 0
        self._duckdb: Any = None

    def close(self) -> None:
        """Release the DuckDB connection used to write JSON."""
        if self._duckdb is not None:
            self._duckdb.close()
            self._duckdb = None

    def write(self, block: Block, o: Outcomes, s: Sessions) -> None:
        """All events of one block, one file per month, each sorted by time."""
        events = _events(stream(self.seed, "ga4", block.index), block, o, s)
        keep = events["ts"] < m.END_S * 1_000_000
        order = np.flatnonzero(keep)[np.argsort(events["ts"][keep], kind="stable")]
        events = {name: values[order] for name, values in events.items()}
        table = self.columns.table(block, o, s, events)
        month = MONTH_OF_DAY[events["ts"] // 1_000_000 // m.DAY_S - m.START_S // m.DAY_S]
        bounds = np.searchsorted(month, np.arange(13))
        for index in range(12):
            part = table.slice(int(bounds[index]), int(bounds[index + 1] - bounds[index]))
            if part.num_rows:
                self._write(part, index + 1, block.index)
        self.events += table.num_rows

    def _write(self, part: pa.Table, month: int, block: int) -> None:
        suffix = "parquet" if self.parquet else "json"
        path = self.output.path("ga4", f"ga4/events_{m.YEAR}{month:02d}-{block:012d}.{suffix}")
        if self.parquet:
            import pyarrow.parquet as pq

            # Without the Arrow schema, readers see plain strings, as in BigQuery's files.
            pq.write_table(
                part, path, row_group_size=ROW_GROUP, compression="snappy", store_schema=False
            )
            return
        _write_json(self._connection(), part, path)

    def _connection(self) -> Any:
        if self._duckdb is None:
            import duckdb

            self._duckdb = duckdb.connect()
            self._duckdb.execute("SET threads = 1")  # one writer thread: rows keep their order
        return self._duckdb


def _write_json(con: Any, part: pa.Table, path: Path) -> None:
    con.register("ga4_events", part)
    try:
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM ga4_events) TO '{target}' (FORMAT JSON)")
    finally:
        con.unregister("ga4_events")


def _events(
    rng: np.random.Generator, block: Block, o: Outcomes, s: Sessions
) -> dict[str, np.ndarray]:
    """One entry per event: session, name, time (µs), page, and whether it is a landing."""
    first = (s.number == 1).astype(np.int64)
    counts = 2 + first + rng.poisson(0.7, len(s.ts))
    session = np.repeat(np.arange(len(s.ts)), counts)
    position = np.arange(len(session)) - np.repeat(np.cumsum(counts) - counts, counts)
    q = position - first[session]  # -1 first_visit, 0 session_start, 1 landing, 2+ later pages
    name = np.where(q < 0, cols.FIRST_VISIT, np.where(q == 0, cols.SESSION_START, cols.PAGE_VIEW))
    gap = (30 + 90 * rng.random(len(session))) * 1_000_000
    offset = np.where(q >= 2, (q - 1) * gap, np.maximum(q + 1, 0) * 1000)
    channel = s.channel[session]
    rep = block.territory[s.journey[session]].astype(np.int64)
    landing = np.where(
        cols.TAGGED[channel], channel * len(m.REPS) + rep, cols.UNTAGGED_BASE + channel
    )
    later = cols.EXTRA_BASE + rng.integers(0, len(cols.EXTRA_PAGES), len(session))
    conversions = _conversions(rng, o, s)
    return {
        "session": np.concatenate([session, conversions["session"]]),
        "name": np.concatenate([name, conversions["name"]]),
        "ts": np.concatenate(
            [(s.ts[session] * 1_000_000 + offset).astype(np.int64), conversions["ts"]]
        ),
        "page": np.concatenate([np.where(q >= 2, later, landing), conversions["page"]]),
        "landing": np.concatenate([q <= 1, np.zeros(len(conversions["ts"]), bool)]),
    }


def _conversions(rng: np.random.Generator, o: Outcomes, s: Sessions) -> dict[str, np.ndarray]:
    leads = np.flatnonzero(o.lead)
    buys = np.flatnonzero(o.buy)
    twice = buys[rng.random(len(buys)) < DUPLICATE_PURCHASES]
    logged = np.concatenate([buys, twice])
    ts = np.concatenate(
        [
            o.lead_ts[leads] * 1_000_000 + 500_000,
            o.buy_ts[buys] * 1_000_000 + 700_000,
            o.buy_ts[twice] * 1_000_000 + 1_700_000,
        ]
    ).astype(np.int64)
    return {
        "session": np.concatenate([s.lead_session[leads], s.buy_session[logged]]),
        "name": np.concatenate(
            [np.full(len(leads), cols.LEAD), np.full(len(logged), cols.PURCHASE)]
        ),
        "ts": ts,
        "page": np.concatenate(
            [np.full(len(leads), cols.LEAD_PAGE), np.full(len(logged), cols.PURCHASE_PAGE)]
        ),
    }
