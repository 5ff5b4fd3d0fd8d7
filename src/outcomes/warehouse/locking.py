"""Waiting for a warehouse another process holds, and saying who holds it.

DuckDB lets one process write a database file, or several read it, at a time: each holds
an fcntl lock on the file, and a process that cannot get the lock it needs fails at once
with "Could not set lock on file ... Conflicting lock is held in <executable> (PID n)".
`retry_while_locked` turns that into waiting with a short backoff, and a timeout into
`LockTimeoutError`, which names the holder.

The executable DuckDB names is the Python interpreter for every outcomes command, so it
cannot tell the dashboard from an ingest. Each outcomes process that holds the warehouse
therefore leaves a small record beside it (`<file>.holders/<pid>-<n>.json`: what it is,
its PID, since when), removed before it lets go. The PID DuckDB names picks the record;
a record whose process is gone (kill -9) or whose PID now belongs to another process (the
start time differs) is ignored and swept. Without a record (another program, a script)
the process's own command line (/proc/PID/cmdline) names it. DuckDB's PID is the ground
truth and the records only add a name, so a missing or stale record cannot mislead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final, TypeVar

T = TypeVar("T")

DEFAULT_WAIT: Final = 60.0
"""Seconds a command waits for a warehouse another process holds."""
FIRST_DELAY: Final = 0.05
MAX_DELAY: Final = 0.5
"""Backoff between tries: short, since most holders (an ingest, a snapshot) let go soon."""

_LOCK_TEXT: Final = "Could not set lock on file"
_IN_PROCESS_TEXT: Final = "same database file with a different configuration"
"""DuckDB's refusal when a thread of this process holds the file otherwise (read-only for a
snapshot, or for writing): the dashboard records check-ins while it measures."""
_HOLDER_PATTERN: Final = re.compile(r"held in (?P<exe>.*?) \(PID (?P<pid>\d+)\)")
_ROLES: Final = {"serve": "the dashboard", "ingest": "an ingest", "demo": "the demo builder"}
_COMMAND_CHARS: Final = 60
_records = itertools.count(1)


class LockTimeoutError(Exception):
    """Another process held the warehouse for longer than the caller would wait."""

    def __init__(self, holder: str, waited: float) -> None:
        super().__init__(f"{holder} holds the warehouse")
        self.holder = holder
        """Who holds it, e.g. "the dashboard (outcomes serve, PID 1234)"."""
        self.waited = waited


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether DuckDB refused to open a file because another process, or another thread of
    this one, holds it; both let go soon, so the caller waits for them."""
    text = str(exc)
    return _LOCK_TEXT in text or _IN_PROCESS_TEXT in text


def retry_while_locked(
    attempt: Callable[[], T],
    *,
    wait: float,
    database: Path,
    on_wait: Callable[[str], object] | None = None,
) -> T:
    """`attempt()`, tried again with a growing pause while the lock is held, up to `wait` s.

    `on_wait` is told who holds the file when waiting starts (a command says it waits
    rather than hang in silence). Any other failure is raised at once; a timeout raises
    `LockTimeoutError`.
    """
    started = time.monotonic()
    delay = FIRST_DELAY
    told = False
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not is_lock_conflict(exc):
                raise
            remaining = wait - (time.monotonic() - started)
            if remaining <= 0:
                raise LockTimeoutError(who_holds(database, str(exc)), wait) from None
            if on_wait is not None and not told:
                on_wait(who_holds(database, str(exc)))
                told = True
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY)


# -- the records ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holder:
    """An outcomes process that holds (or held) the warehouse."""

    pid: int
    command: str
    """What it runs, e.g. `outcomes serve`."""
    role: str | None
    """What people call it, e.g. "the dashboard"; None when it has no short name."""
    mode: str
    """"write", or "snapshot" (the dashboard copying the file to measure from)."""
    since: str
    process_start: str | None
    """The process's start time in the kernel's clock ticks: tells a reused PID apart."""

    def describe(self) -> str:
        if self.role:
            return f"{self.role} ({self.command}, PID {self.pid})"
        return f"{self.command} (PID {self.pid})"


def holders_folder(database: Path) -> Path:
    """Where the records of a database's holders are kept."""
    return database.with_name(database.name + ".holders")


def register(database: Path, mode: str) -> Path | None:
    """Leave this process's record beside `database` (call once its lock is held).

    Best effort: a folder that cannot be written only costs the holder's name in a
    waiter's message, so it never stops the open. Returns the record's path, for `release`.
    """
    command, role = describe_argv(_own_argv())
    pid = os.getpid()
    holder = Holder(
        pid=pid,
        command=command,
        role=role,
        mode=mode,
        since=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        process_start=_process_start(pid),
    )
    folder = holders_folder(database)
    record = folder / f"{pid}-{next(_records)}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        partial = record.with_suffix(".partial")
        partial.write_text(json.dumps(asdict(holder)), encoding="utf-8")
        partial.replace(record)  # a waiter never reads half a record
    except OSError:
        return None
    return record


def release(record: Path | None) -> None:
    """Remove a record left by `register` (before the lock is let go, see `Warehouse.close`)."""
    if record is not None:
        with contextlib.suppress(OSError):
            record.unlink()


def who_holds(database: Path, message: str) -> str:
    """Who holds `database`, from DuckDB's lock message and the holders' records."""
    match = _HOLDER_PATTERN.search(message)
    if match is None:
        live = [h for h in _records_of(holders_folder(database)) if _alive(h)]
        return live[0].describe() if live else "another process"
    pid = int(match["pid"])
    for holder in _records_of(holders_folder(database), pid):
        if _alive(holder):
            return holder.describe()
    argv = _cmdline(pid)
    if argv:
        command, role = describe_argv(argv)
        return f"{role} ({command}, PID {pid})" if role else f"{command} (PID {pid})"
    return f"process {pid} ({Path(match['exe']).name})"


def describe_argv(argv: Sequence[str]) -> tuple[str, str | None]:
    """A process's command, short, and its role: `outcomes serve` is "the dashboard"."""
    words = [*argv]
    for index, word in enumerate(words):
        outcomes_script = Path(word).name == "outcomes" or word.endswith("outcomes/__main__.py")
        module = word == "outcomes" and index > 0 and words[index - 1] == "-m"
        if outcomes_script or module:
            subcommand = next((w for w in words[index + 1 :] if not w.startswith("-")), None)
            if subcommand is None:
                return "outcomes", None
            return f"outcomes {subcommand}", _ROLES.get(subcommand)
    shown = " ".join([Path(words[0]).name, *words[1:]]) if words else "python"
    shown = " ".join(shown.split())
    if len(shown) > _COMMAND_CHARS:
        shown = shown[: _COMMAND_CHARS - 1] + "…"
    return shown, None


def _own_argv() -> list[str]:
    """This process's arguments: `sys.argv`, whole (`python -c` leaves only "-c" there)."""
    if sys.argv and sys.argv[0] not in ("", "-c"):
        return sys.argv
    return sys.orig_argv


def _records_of(folder: Path, pid: int | None = None) -> list[Holder]:
    pattern = f"{pid}-*.json" if pid is not None else "*.json"
    found = []
    for path in sorted(folder.glob(pattern)):
        try:
            found.append(Holder(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue  # removed meanwhile, or written by another version
    return found


def _sweep(folder: Path) -> None:
    """Remove the records of processes that are gone (killed before they could)."""
    for path in folder.glob("*.json"):
        try:
            holder = Holder(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            holder = None
        if holder is None or not _alive(holder):
            with contextlib.suppress(OSError):
                path.unlink()


def _alive(holder: Holder) -> bool:
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    started = _process_start(holder.pid)
    return started is None or holder.process_start is None or started == holder.process_start


def _process_start(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat (Linux); None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count after it.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]
