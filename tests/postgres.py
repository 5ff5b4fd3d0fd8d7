"""A throwaway PostgreSQL for the tests: a cluster in a temporary folder on a free port.

`postgres_cluster()` runs initdb and pg_ctl from the machine's PostgreSQL (`make
system-deps` installs it; `$OUTCOMES_PG_BIN` names another bin folder) and yields the
server's URL; each test then creates its own database on it. initdb refuses to run as
root, so under root the cluster runs as the `postgres` system user. When no binaries are
found the tests that need it skip, saying so.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_COUNTER = itertools.count()


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when there is none."""
    configured = os.environ.get("OUTCOMES_PG_BIN")
    if configured:
        return Path(configured)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A running server (superuser `outcomes`, trusted on 127.0.0.1); its URL without a database."""
    binaries = pg_bin()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl): run `make system-deps`")
    prefix: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="outcomes-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            pytest.skip("running as root and there is no `postgres` user to run PostgreSQL as")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "outcomes", "--auth=trust",
            "-E", "UTF8", "--no-sync")  # fmt: skip
        options = f"-p {port} -h 127.0.0.1 -k {folder} -F -c fsync=off"
        run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
            "-l", str(folder / "log"), "-w", "start")  # fmt: skip
        try:
            yield f"postgresql+psycopg://outcomes@127.0.0.1:{port}"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str) -> str:
    """A new, empty database on `server`; its URL."""
    import psycopg

    name = f"t{os.getpid()}_{next(_COUNTER)}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"
