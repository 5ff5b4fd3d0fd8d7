"""Opening the warehouse: a DuckDB file in the workspace by default, or any Ibis URL.

Analytics go through Ibis so that the same expressions run on DuckDB here and on Spark (or
another engine) when the data outgrows one machine. Loading files needs transactions,
which only the embedded DuckDB path provides today (see `outcomes.warehouse.ingest`).

Spark is opened from `pyspark://[FOLDER][?spark.key=value&...]`: a Spark session (the one
already running in this process, else a new one built with the given settings, e.g.
`spark.master=local[4]`), whose tables are the Parquet datasets `FOLDER/<table>` (a file
or a folder of files, as `Warehouse.export_parquet` or a Spark job writes them) or, with
no folder, the session's own catalog (a Hive metastore, say). Ibis' own `pyspark://` URL
sets the warehouse folder after the session has started, which Spark refuses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

import ibis

from outcomes.warehouse.migrations import migrate

ENV_VAR: Final = "OUTCOMES_WAREHOUSE"
STATE_DIR: Final = ".outcomes"
DEFAULT_FILE: Final = "warehouse.duckdb"
SPARK_SCHEME: Final = "pyspark://"


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
    folder: Path | None = None
    """Where a Spark warehouse's Parquet tables are (`pyspark://FOLDER`), else None."""
    _owns_engine: bool = field(default=True, repr=False)
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def open(cls, workspace: Path, url: str | None = None) -> Warehouse:
        """Open (creating if needed) and migrate the warehouse of a workspace."""
        url = url or warehouse_url(workspace)
        if url.startswith("duckdb://"):
            path = url.removeprefix("duckdb://")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        folder, owns_engine = None, True
        try:
            if url.startswith(SPARK_SCHEME):
                backend, folder, owns_engine = _open_spark(url)
            else:
                backend = ibis.connect(url)
        except WarehouseError:
            raise
        except Exception as exc:  # drivers raise their own types; the user needs one line
            raise WarehouseError(f"cannot open the warehouse at {url}: {_one_line(exc)}") from None
        warehouse = cls(url, backend, folder=folder, _owns_engine=owns_engine)
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

    @property
    def is_spark(self) -> bool:
        """True for Spark, through Ibis' PySpark backend."""
        return bool(getattr(self.backend, "name", "") == "pyspark")

    def table(self, name: str) -> Any:
        """An Ibis table expression for a warehouse table."""
        if self.folder is None:
            return self.backend.table(name)
        path = self.folder / name
        if not path.exists():
            raise WarehouseError(
                f"{self.url} has no table {name}: expected Parquet at {path}. Export it from "
                "the DuckDB warehouse with Warehouse.export_parquet"
            )
        # A temporary view of the Parquet dataset, named after the table.
        return self.backend.read_parquet(str(path), table_name=name)

    def export_parquet(
        self, folder: Path, tables: Sequence[str] = ("touchpoints", "conversions")
    ) -> list[Path]:
        """Write DuckDB tables as Parquet under `folder/<table>/`, for `pyspark://folder`.

        Types travel with the files (timestamps as UTC instants); an existing export of a
        table is replaced. Returns the folders written.
        """
        con = self.duckdb
        written = []
        for name in tables:
            target = folder / name
            target.mkdir(parents=True, exist_ok=True)
            for old in target.glob("*.parquet"):
                old.unlink()
            quoted = str(target / "data.parquet").replace("'", "''")
            con.execute(f"COPY \"{name}\" TO '{quoted}' (FORMAT parquet)")
            written.append(target)
        return written

    def close(self) -> None:
        """Release the engine (DuckDB holds a file lock while open).

        A Spark session that was running before `open` is left running for its owner.
        """
        if not self._closed:
            self._closed = True
            disconnect = getattr(self.backend, "disconnect", None)
            if disconnect is not None and self._owns_engine:
                disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def to_arrow(expr: Any) -> Any:
    """Execute an Ibis expression on its engine and return the rows as an Arrow table.

    `expr.to_pyarrow()`, except on Spark, where Ibis goes through pandas (slower, and it
    warns under pandas 3): there Spark's own Arrow export (PySpark 4) brings the rows
    back, cast to the types Ibis gives the expression.
    """
    backend = ibis.get_backend(expr)
    if getattr(backend, "name", "") == "pyspark":
        frame = backend.raw_sql(backend.compile(expr))
        if hasattr(frame, "toArrow"):
            return frame.toArrow().cast(expr.schema().to_pyarrow())
    return expr.to_pyarrow()


def _open_spark(url: str) -> tuple[Any, Path | None, bool]:
    """Ibis' PySpark backend for a `pyspark://` URL; (backend, folder, owns the session)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise WarehouseError(
            f"cannot open the warehouse at {url}: pyspark is not installed "
            "(pip install 'ibis-framework[pyspark]'; Spark also needs Java 17 or later)"
        ) from None
    parts = urlsplit(url)
    location = unquote(parts.netloc + parts.path)
    folder = Path(location).expanduser().resolve() if location else None
    if folder is not None and not folder.is_dir():
        raise WarehouseError(f"cannot open the warehouse at {url}: {folder} is not a folder")
    running = SparkSession.getActiveSession()
    if running is not None:
        session, owned = running, False
    else:
        builder = SparkSession.builder.appName("outcomes")
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            builder = builder.config(key, value)
        session, owned = builder.getOrCreate(), True
    return ibis.pyspark.connect(session), folder, owned


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
