"""Opening the warehouse: a DuckDB file in the workspace by default, or any Ibis URL.

Analytics go through Ibis so that the same expressions run on DuckDB here and on Spark (or
another engine) when the data outgrows one machine. Loading files needs transactions,
which only the embedded DuckDB path provides today (see `outcomes.warehouse.ingest`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import ibis

from outcomes.warehouse.migrations import migrate

ENV_VAR: Final = "OUTCOMES_WAREHOUSE"
STATE_DIR: Final = ".outcomes"
DEFAULT_FILE: Final = "warehouse.duckdb"


class WarehouseError(Exception):
    """The warehouse cannot be opened or used; the message says why and what to do."""


def warehouse_url(workspace: Path) -> str:
    """`$OUTCOMES_WAREHOUSE` if set, else the workspace's own DuckDB file."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return configured
    return f"duckdb://{(workspace / STATE_DIR / DEFAULT_FILE).resolve()}"


@dataclass
class Warehouse:
    """An open warehouse: the Ibis backend and, for DuckDB, its raw connection."""

    url: str
    backend: Any
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def open(cls, workspace: Path, url: str | None = None) -> Warehouse:
        """Open (creating if needed) and migrate the warehouse of a workspace."""
        url = url or warehouse_url(workspace)
        if url.startswith("duckdb://"):
            path = url.removeprefix("duckdb://")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            backend = ibis.connect(url)
        except Exception as exc:  # drivers raise their own types; the user needs one line
            raise WarehouseError(f"cannot open the warehouse at {url}: {_one_line(exc)}") from None
        warehouse = cls(url, backend)
        if warehouse.is_duckdb:
            migrate(warehouse.duckdb)
        return warehouse

    @property
    def is_duckdb(self) -> bool:
        """True for the embedded DuckDB engine."""
        return bool(getattr(self.backend, "name", "") == "duckdb")

    @property
    def duckdb(self) -> Any:
        """The raw DuckDB connection, for transactional loading."""
        if not self.is_duckdb:
            raise WarehouseError(
                f"loading files needs the embedded DuckDB warehouse; {self.url} is "
                f"{getattr(self.backend, 'name', 'another engine')}. Ingest into DuckDB, then "
                "point analytics at the bigger engine"
            )
        return self.backend.con

    def table(self, name: str) -> Any:
        """An Ibis table expression for a warehouse table."""
        return self.backend.table(name)

    def close(self) -> None:
        """Release the engine (DuckDB holds a file lock while open)."""
        if not self._closed:
            self._closed = True
            disconnect = getattr(self.backend, "disconnect", None)
            if disconnect is not None:
                disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
