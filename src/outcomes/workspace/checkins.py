"""Check-ins in the workspace: each saved check-in is a file, loaded through the `checkin`
connector, so its counts are warehouse rows with the ingest accounting every export has.

Why files and the warehouse, not a second path: cadence, the scorecard and the report
then read a trade show's "events held" exactly as they read a network's posts, `outcomes
history` lists every check-in load and `outcomes forget` undoes one. The app's database
(`web.store`) keeps who may change which check-in; the files keep what was counted, and
the report reads the latest loaded, not forgotten, file of each check-in from here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from outcomes.sources.base import SourceError
from outcomes.sources.checkin import NAME, CheckinRecord, read_record
from outcomes.warehouse.connection import STATE_DIR
from outcomes.warehouse.forget import IngestRecord

CHECKIN_DIR: Final = Path(STATE_DIR) / "checkins"
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._@-]+")


def write_checkin(root: Path, record: CheckinRecord) -> Path:
    """A new file for this version of the check-in (bytes differ by `saved_at`)."""
    saved = record.saved_at or dt.datetime.now(dt.UTC)
    folder = root / CHECKIN_DIR / record.week.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = saved.strftime("%Y%m%dT%H%M%S%f")
    name = f"{_safe(record.tactic)}--{_safe(record.author)}--{stamp}.json"
    path = (folder / name).resolve()
    text = json.dumps(record.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _safe(text: str) -> str:
    """A file-name part: ids and user names are plain already; anything else is replaced."""
    return _UNSAFE.sub("_", text)[:80] or "_"


def latest_checkins(
    history: Iterable[IngestRecord], root: Path, *, since: dt.date | None = None
) -> list[CheckinRecord]:
    """The newest loaded version of each check-in (tactic, week, author), newest week first.

    `history` is newest first (`Workspace.history`); a forgotten load does not count, so
    forgetting a check-in's latest file shows its previous version again, as the warehouse
    does. A file since deleted or damaged is passed over: its rows stay counted, only the
    text is gone.
    """
    found: dict[tuple[str, dt.date, str], CheckinRecord] = {}
    for ingest in history:
        if ingest.source != NAME or ingest.forgotten:
            continue
        try:
            # History names a file inside the workspace relative to `root`.
            record = read_record(root / ingest.file)
        except SourceError:
            continue
        if since is not None and record.week < since:
            continue
        found.setdefault((record.tactic, record.week, record.author), record)
    return sorted(found.values(), key=lambda r: (r.week, r.tactic, r.author), reverse=True)
