"""Compiled queries kept between runs, as Python keeps bytecode: SQL, never results.

Ibis turns an expression into SQL by rewriting its whole graph, and on the briefing's
journeys and conversation measures that takes longer than DuckDB takes to run the SQL:
about a third of a measurement went to compiling the same queries again in every
process. The SQL of an expression depends only on the expression, so it is kept under a
digest of the expression's structure (every operation, field name, literal and type, and
every table's name and schema), in a folder per version of Ibis, sqlglot and outcomes'
own measuring code; a later run that builds the same expression, on any data, runs the
kept SQL without compiling it. Results are never kept: every query runs on the engine.

Two kinds of relation have names drawn at random in each process: the tables a
measurement keeps in the engine for a while (`materialise`) and Ibis' own in-memory
tables. A kept table is keyed by the digest of the expression it holds and its name is a
placeholder in the kept SQL, filled in with the table's name in this run; an expression
reading an in-memory table, a user-defined function or anything this module cannot
digest is compiled by Ibis as before (and not kept).

Only DuckDB runs kept SQL; other engines (Spark) compile every query as Ibis does.

Kept SQL nobody has read for `UNUSED_DAYS` is deleted (a file's time is renewed, at most
daily, when it is read), and so are the folders of versions of Ibis and sqlglot no run has
used for that long: the queries of an old plan, of past dates or of an upgraded Ibis do not
pile up in the user's cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
import functools
import hashlib
import os
import secrets
import shutil
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

ENV_DIR: Final = "OUTCOMES_QUERY_CACHE"
"""A folder for the kept SQL instead of `$XDG_CACHE_HOME/outcomes/queries`; "off" keeps none."""
KEPT_PREFIX: Final = "outcomes_kept_"
_PLACEHOLDER: Final = "__outcomes_relation_{}__"
UNUSED_DAYS: Final = 30
"""Kept SQL, and the folders of other versions, unread this long are deleted."""
_VERSION_LENGTH: Final = 16
_RENEW_SECONDS: Final = 86_400  # a read renews a file's time at most this often
_SCALARS: Final = (str, int, float, bool, bytes, decimal.Decimal, uuid.UUID)
_TIMES: Final = (dt.date, dt.datetime, dt.time, dt.timedelta)

# Digest of the expression each kept table holds, by the table's name in this process.
_kept: dict[str, str] = {}
_kept_lock = threading.Lock()


class UndigestibleError(Exception):
    """The expression holds something this module cannot digest (compile it as Ibis does)."""


def query_key(expr: Any) -> tuple[str, list[str]] | None:
    """(digest of the expression's structure, the kept tables' names in the order met), or
    None when it cannot be digested (an in-memory table, a UDF, an unknown value)."""
    try:
        walk = _Digest()
        return walk.node(expr.op()), walk.names
    except UndigestibleError:
        return None


class _Digest:
    """One walk over an expression graph, each node digested once."""

    def __init__(self) -> None:
        import ibis.expr.datatypes as dts
        import ibis.expr.operations as ops
        import ibis.expr.schema as sch
        from ibis.backends import BaseBackend

        self.names: list[str] = []
        self._done: dict[int, str] = {}
        self._ops = ops
        self._typed = (dts.DataType, sch.Schema)
        self._backend = BaseBackend

    def node(self, node: Any) -> str:
        done = self._done.get(id(node))
        if done is not None:
            return done
        ops = self._ops
        kind = type(node)
        if isinstance(node, ops.InMemoryTable) or "UDF" in kind.__name__:
            raise UndigestibleError(kind.__name__)
        if isinstance(node, ops.DatabaseTable) and node.name in _kept:
            if node.name not in self.names:
                self.names.append(node.name)
            text = f"kept:{_kept[node.name]}:{self.value(node.schema)}"
        else:
            args = ",".join(
                f"{name}={self.value(arg)}"
                for name, arg in zip(node.__argnames__, node.__args__, strict=True)
                if not isinstance(arg, self._backend)  # the dialect is in the folder's name
            )
            text = f"{kind.__module__}.{kind.__qualname__}({args})"
        digest = hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
        self._done[id(node)] = digest
        return digest

    def value(self, value: Any) -> str:
        ops = self._ops
        if isinstance(value, ops.Node):
            return self.node(value)
        if value is None or isinstance(value, _SCALARS + _TIMES):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, enum.Enum):
            return f"{type(value).__qualname__}.{value.name}"
        if isinstance(value, self._typed):
            return repr(value)
        if isinstance(value, ops.Namespace):
            return f"ns({value.catalog!r},{value.database!r})"
        if isinstance(value, Mapping):
            return (
                "{" + ",".join(f"{self.value(k)}:{self.value(v)}" for k, v in value.items()) + "}"
            )
        if isinstance(value, tuple | list):
            return "(" + ",".join(self.value(v) for v in value) + ")"
        if isinstance(value, frozenset):
            return "{" + ",".join(sorted(self.value(v) for v in value)) + "}"
        raise UndigestibleError(type(value).__name__)


@functools.cache
def _folder() -> Path | None:
    """Where the kept SQL lives: one folder per version of Ibis and sqlglot, which write it
    (outcomes' own code needs no part in the name: a change to an expression changes its
    digest)."""
    chosen = os.environ.get(ENV_DIR)
    if chosen == "off":
        return None
    import ibis
    import sqlglot

    version = hashlib.sha256(
        f"{ibis.__version__}\0{getattr(sqlglot, '__version__', '')}".encode()
    ).hexdigest()[:_VERSION_LENGTH]
    if chosen:
        return Path(chosen) / version
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "outcomes" / "queries" / version


def kept_sql(key: str, names: list[str]) -> str | None:
    """The SQL kept for `key`, with this run's names of the kept tables; None if none."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{key}.sql"
    try:
        text = path.read_text()
        if path.stat().st_mtime < time.time() - _RENEW_SECONDS:
            os.utime(path)  # still in use: not one of those `prune_kept` deletes
    except (OSError, UnicodeDecodeError):
        return None
    for index, name in enumerate(names):
        text = text.replace(_PLACEHOLDER.format(index), name)
    return None if "__outcomes_relation_" in text else text


def keep_sql(key: str, names: list[str], sql: str) -> None:
    """Keep `sql` under `key`, the kept tables' names made placeholders; best effort."""
    folder = _folder()
    if folder is None:
        return
    for index, name in enumerate(names):
        sql = sql.replace(name, _PLACEHOLDER.format(index))
    target = folder / f"{key}.sql"
    partial = target.with_name(f"{target.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.write_text(sql)
        partial.replace(target)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only home still measures, compiling
        return
    _prune_once(folder)


_pruned: set[Path] = set()


def _prune_once(folder: Path) -> None:
    """`prune_kept` once per process, when it first keeps SQL (a run that compiled)."""
    with _kept_lock:
        if folder in _pruned:
            return
        _pruned.add(folder)
    prune_kept(folder)


def prune_kept(folder: Path, *, now: float | None = None) -> None:
    """Delete the kept SQL in `folder` unread for `UNUSED_DAYS`, and the other versions'
    folders beside it with nothing read for as long; best effort (another process may be
    deleting or writing the same files)."""
    cutoff = (time.time() if now is None else now) - UNUSED_DAYS * 86_400
    for path in folder.glob("*.sql"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
    for sibling in folder.parent.iterdir():
        with contextlib.suppress(OSError):
            if _is_version(sibling) and sibling != folder and _newest(sibling) < cutoff:
                shutil.rmtree(sibling, ignore_errors=True)


def _is_version(path: Path) -> bool:
    """A folder `_folder` names: only those are ever deleted whole (`OUTCOMES_QUERY_CACHE`
    may name a folder that holds other things)."""
    return (
        len(path.name) == _VERSION_LENGTH
        and all(char in "0123456789abcdef" for char in path.name)
        and path.is_dir()
    )


def _newest(folder: Path) -> float:
    """The time of the most recently written or read file in a folder (or of the folder)."""
    times = [folder.stat().st_mtime]
    times.extend(path.stat().st_mtime for path in folder.iterdir())
    return max(times)


def duckdb_sql(backend: Any, expr: Any) -> str:
    """The SQL DuckDB runs for `expr` (as a table): kept, or compiled by Ibis and kept."""
    table = expr.as_table()
    keyed = query_key(table)
    if keyed is not None:
        kept = kept_sql(*keyed)
        if kept is not None:
            return kept
    backend._run_pre_execute_hooks(table)  # registers in-memory tables, UDFs
    sql: str = backend.compile(table)
    if keyed is not None:
        keep_sql(keyed[0], keyed[1], sql)
    return sql


def is_duckdb(backend: Any) -> bool:
    """Whether the backend is Ibis' DuckDB one (the engine that runs kept SQL)."""
    return getattr(backend, "name", "") == "duckdb"


def duckdb_arrow(backend: Any, expr: Any) -> Any:
    """`expr.to_pyarrow()` on DuckDB, with the SQL kept between runs."""
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    table = backend.con.sql(duckdb_sql(backend, expr)).to_arrow_table()
    return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)


class Materialised:
    """An expression's rows kept in the engine until `release` (a context manager too).

    On DuckDB a temporary table created from the kept SQL, named at random and keyed by
    the expression's digest so that queries reading it can be kept too; elsewhere Ibis'
    `cache` (a cached DataFrame on Spark).
    """

    def __init__(self, expr: Any) -> None:
        import ibis

        backend = ibis.get_backend(expr)
        self._backend = backend
        self._name: str | None = None
        self._cached: Any = None
        keyed = query_key(expr) if is_duckdb(backend) else None
        if keyed is None:
            self._cached = expr.cache()
            self.table: Any = self._cached
            return
        name = f"{KEPT_PREFIX}{secrets.token_hex(12)}"
        sql = duckdb_sql(backend, expr)
        backend.con.execute(f'CREATE TEMPORARY TABLE "{name}" AS {sql}')
        with _kept_lock:
            _kept[name] = keyed[0]
        self._name = name
        self.table = backend.table(name)

    def release(self) -> None:
        """Drop the kept rows (again: nothing)."""
        if self._cached is not None:
            self._cached.release()
            self._cached = None
        elif self._name is not None:
            name, self._name = self._name, None
            self._backend.con.execute(f'DROP TABLE IF EXISTS "{name}"')
            with _kept_lock:
                _kept.pop(name, None)

    def __enter__(self) -> Any:
        return self.table

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


def forget_compiled() -> None:
    """Empty the kept SQL of this version (the benchmarks measure a cold compile with it)."""
    folder = _folder()
    if folder is not None and folder.is_dir():
        for path in folder.glob("*.sql"):
            path.unlink(missing_ok=True)
