"""Opening the warehouse: a DuckDB file in the workspace by default, or any Ibis URL.

Analytics go through Ibis so that the same expressions run on DuckDB here and on Spark (or
another engine) when the data outgrows one machine. Loading files needs transactions,
which only the embedded DuckDB path provides today (see `outcomes.warehouse.load`).

Spark is opened from `pyspark://[FOLDER][?spark.key=value&...]`: a Spark session (the one
already running in this process, else a new one built with the given settings, e.g.
`spark.master=local[4]`), whose tables are the Parquet datasets `FOLDER/<table>` (a file
or a folder of files, as `Warehouse.export_parquet` or a Spark job writes them) or, with
no folder, the session's own catalog (a Hive metastore, say). Ibis' own `pyspark://` URL
sets the warehouse folder after the session has started, which Spark refuses.

A DuckDB file is held by one writing process at a time (`warehouse.locking`): `open` waits
for it (up to `wait` seconds), and `snapshot` holds it only while copying it, so that the
dashboard can measure for seconds while the command line loads data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from outcomes.warehouse.locking import (
    DEFAULT_WAIT,
    LockTimeoutError,
    register,
    release,
    retry_while_locked,
)
from outcomes.warehouse.migrations import migrate

if TYPE_CHECKING:
    pass

ENV_VAR: Final = "OUTCOMES_WAREHOUSE"
STATE_DIR: Final = ".outcomes"
DEFAULT_FILE: Final = "warehouse.duckdb"
SPARK_SCHEME: Final = "pyspark://"


class WarehouseError(Exception):
    """The warehouse cannot be opened or used; the message says why and what to do."""


class WarehouseLockedError(WarehouseError):
    """Another process held the warehouse for longer than the caller would wait."""

    def __init__(self, holder: str, waited: float) -> None:
        self.holder = holder
        """Who holds it, e.g. "the dashboard (outcomes serve, PID 1234)"."""
        self.waited = waited
        longer = max(DEFAULT_WAIT, 2 * waited)
        if waited > 0:
            advice = f"waited {waited:g} s; try again when it is done or pass --wait {longer:g}"
        else:
            advice = f"try again when it is done, or pass --wait {longer:g} to wait for it"
        super().__init__(f"{holder} holds the warehouse; {advice}")


def warehouse_url(workspace: Path) -> str:
    """`$OUTCOMES_WAREHOUSE` if set, else the workspace's own DuckDB file."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return configured
    return f"duckdb://{(workspace / STATE_DIR / DEFAULT_FILE).resolve()}"


def duckdb_file(url: str) -> Path | None:
    """The database file of a `duckdb://` URL; None for other engines and `:memory:`."""
    if not url.startswith("duckdb://"):
        return None
    path = url.removeprefix("duckdb://")
    return Path(path) if path and path != ":memory:" else None


@dataclass
class Warehouse:
    """An open warehouse: the Ibis backend and, for DuckDB, its raw connection."""

    url: str
    backend: Any
    folder: Path | None = None
    """Where a Spark warehouse's Parquet tables are (`pyspark://FOLDER`), else None."""
    _owns_engine: bool = field(default=True, repr=False)
    _closed: bool = field(default=False, repr=False)
    _record: Path | None = field(default=None, repr=False)
    """This process's holder record beside the DuckDB file (`locking.register`)."""
    _scratch: Path | None = field(default=None, repr=False)
    """The folder of a snapshot's copy, removed on close."""
    _tables: dict[str, Any] = field(default_factory=dict, repr=False)
    """Table expressions already made, by name (`table`)."""

    @classmethod
    def open(
        cls,
        workspace: Path,
        url: str | None = None,
        *,
        wait: float = DEFAULT_WAIT,
        on_wait: Callable[[str], object] | None = None,
    ) -> Warehouse:
        """Open (creating if needed) and migrate the warehouse of a workspace.

        While another process holds the DuckDB file, tries again for up to `wait` seconds
        (telling `on_wait` who holds it, once), then raises `WarehouseLockedError`, which
        names the holder.
        """
        import ibis

        url = url or warehouse_url(workspace)
        database = duckdb_file(url)
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
        folder, owns_engine = None, True
        try:
            if url.startswith(SPARK_SCHEME):
                backend, folder, owns_engine = _open_spark(url)
            elif database is not None:
                backend = _wait_for(lambda: ibis.connect(url), database, wait, on_wait)
            else:
                backend = ibis.connect(url)
        except WarehouseError:
            raise
        except Exception as exc:  # drivers raise their own types; the user needs one line
            raise WarehouseError(f"cannot open the warehouse at {url}: {_one_line(exc)}") from None
        warehouse = cls(url, backend, folder=folder, _owns_engine=owns_engine)
        if database is not None:
            warehouse._record = register(database, "write")
        try:
            if warehouse.is_duckdb:
                migrate(warehouse.duckdb)
        except BaseException:
            warehouse.close()
            raise
        return warehouse

    @classmethod
    def snapshot(
        cls,
        workspace: Path,
        *,
        url: str | None = None,
        wait: float = DEFAULT_WAIT,
        while_held: Callable[[], object] | None = None,
    ) -> Warehouse:
        """A private copy of the workspace's warehouse, opened and migrated; deleted on close.

        For measuring while others load data. Measuring the full demo takes about 20 s, and
        a connection held that long (even read-only: a writer conflicts with readers too)
        makes every `outcomes ingest` wait for it. Copying the file under a read-only lock
        takes tens of milliseconds (a 9 MB demo warehouse: 60-190 ms, connecting included;
        DuckDB's `COPY FROM DATABASE` took 0.6-1.1 s), and the copy holds exactly what the
        file held, so the numbers are the same. The copy costs its size in disk space
        beside the warehouse while it is measured.

        `while_held` is called once the file is locked against writers and before it is
        copied: what it sees of the file (its size and time, say) is what the copy holds.
        A warehouse that is not a local DuckDB file is opened as `open` would. `url`: the
        warehouse, when it is not the workspace's own (`warehouse_url`).
        """
        url = url or warehouse_url(workspace)
        database = duckdb_file(url)
        if database is None:
            opened = cls.open(workspace, url, wait=wait)
            if while_held is not None:
                while_held()
            return opened
        if not database.exists():
            cls.open(workspace, url, wait=wait).close()  # created and migrated, as `open` does
        scratch = _scratch_folder(database)
        try:
            copy = _copy_locked(database, scratch / database.name, wait, while_held)
            warehouse = cls.open(scratch, f"duckdb://{copy}", wait=0)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        warehouse._scratch = scratch
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
        """An Ibis table expression for a warehouse table.

        Made once per table: Ibis reads the schema from the engine for every new
        expression (a query each), and one measurement asks for the same tables a dozen
        times. The schema of an open warehouse changes only when it is migrated, which
        `open` does before anything reads a table.
        """
        if self.folder is None:
            kept = self._tables.get(name)
            if kept is None:
                kept = self._tables[name] = self.backend.table(name)
            return kept
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
            # The record goes first: once the lock is let go another process may take it
            # and leave its own record, which must not be confused with this one.
            release(self._record)
            disconnect = getattr(self.backend, "disconnect", None)
            if disconnect is not None and self._owns_engine:
                disconnect()
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def to_arrow(expr: Any) -> Any:
    """Execute an Ibis expression on its engine and return the rows as an Arrow table.

    `expr.to_pyarrow()`, except on DuckDB, where the SQL Ibis compiles is kept between
    runs (`warehouse.compiled`), and on Spark, where Ibis goes through pandas (slower, and
    it warns under pandas 3): there Spark's own Arrow export (PySpark 4) brings the rows
    back, cast to the types Ibis gives the expression.
    """
    import ibis

    from outcomes.warehouse.compiled import duckdb_arrow, is_duckdb

    backend = ibis.get_backend(expr)
    if is_duckdb(backend):
        return duckdb_arrow(backend, expr)  # with the SQL kept between runs
    if getattr(backend, "name", "") == "pyspark":
        frame = backend.raw_sql(backend.compile(expr))
        if hasattr(frame, "toArrow"):
            return frame.toArrow().cast(expr.schema().to_pyarrow())
    return expr.to_pyarrow()


def _wait_for(
    connect: Callable[[], Any],
    database: Path,
    wait: float,
    on_wait: Callable[[str], object] | None = None,
) -> Any:
    """`connect()`, waiting up to `wait` seconds for another process to let go of the file."""
    try:
        return retry_while_locked(connect, wait=wait, database=database, on_wait=on_wait)
    except LockTimeoutError as exc:
        raise WarehouseLockedError(exc.holder, exc.waited) from None


def _copy_locked(
    database: Path, target: Path, wait: float, while_held: Callable[[], object] | None
) -> Path:
    """Copy `database` (and its write-ahead log) to `target` under a read-only lock."""
    import duckdb

    lock = _wait_for(lambda: duckdb.connect(str(database), read_only=True), database, wait)
    record = register(database, "snapshot")
    try:
        if while_held is not None:
            while_held()
        # A log left by a writer that was killed holds committed rows the file does not yet
        # have: copied too, the copy replays it when opened. Closing any descriptor of a
        # file drops this process's fcntl locks on it (POSIX), DuckDB's among them, so the
        # log is copied first and the database file, whose copy closes it, last.
        wal = database.with_name(database.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
        shutil.copyfile(database, target)
    finally:
        release(record)
        lock.close()
    return target


def _scratch_folder(database: Path) -> Path:
    """A new folder for a snapshot beside the database (same disk, not a small /tmp).

    Folders left by processes that are gone (killed while measuring) are removed first.
    """
    prefix = f"{database.name}.snapshot-"
    for old in database.parent.glob(prefix + "*"):
        pid = old.name.removeprefix(prefix).partition("-")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=database.parent))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _open_spark(url: str) -> tuple[Any, Path | None, bool]:
    """Ibis' PySpark backend for a `pyspark://` URL; (backend, folder, owns the session)."""
    import ibis

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
