"""Weekly check-ins (JSON): what an operator counted of a tactic's offline work.

The app writes one file per saved check-in (`Workspace.record_checkin`) under
`.outcomes/checkins/`, and loads it through this connector, so a check-in's counts are
warehouse rows like any export's: accounted for in the ingest history, shown by
`outcomes history`, removed by `outcomes forget`. A file holds one check-in:

    {"format": "outcomes-checkin", "version": 1, "tactic": "trade-fair", "channel":
     "trade-show", "week": "2026-11-30", "author": "bo", "counts": {"events_held": 1},
     "confidence": 7, "blocker": null, "done": "Stand at the fair", "saved_at": "…"}

* Each count becomes a `metric_snapshots` row: entity = the tactic id, `entity_kind`
  "campaign", metric = the count (`events_held`, `letters_sent`, …), dated the week's
  Monday, on the tactic's channel. A file naming its week by another day of it
  (`"2026-11-25"`, a Wednesday) is that week: its Monday.
* Keys: tactic, week, author and count; so a check-in changed later in its week *updates*
  its rows (the loader keeps the old values, and forgetting the later file puts them back).
* A count that is not a whole number ≥ 0 is rejected with its name; a file that is not a
  check-in raises a one-line error naming what is missing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from outcomes.sources.base import (
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    SourceError,
    natural_key,
)

NAME: Final = "checkin"
FORMAT: Final = "outcomes-checkin"
VERSION: Final = 1
ENTITY_KIND: Final = "campaign"


@dataclass(frozen=True)
class CheckinRecord:
    """One check-in as it is written to its file and read back (the report shows these)."""

    tactic: str
    channel: str
    week: dt.date
    """The Monday of its ISO week."""
    author: str
    done: str
    confidence: int
    blocker: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    saved_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "tactic": self.tactic,
            "channel": self.channel,
            "week": self.week.isoformat(),
            "author": self.author,
            "counts": dict(self.counts),
            "confidence": self.confidence,
            "blocker": self.blocker,
            "done": self.done,
            "saved_at": self.saved_at.isoformat() if self.saved_at else None,
        }


def read_record(path: Path) -> CheckinRecord:
    """The check-in a file holds; SourceError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(path, f"not a check-in file ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SourceError(path, f'not a check-in file: it lacks "format": "{FORMAT}"')
    try:
        saved = data.get("saved_at")
        return CheckinRecord(
            tactic=_text(data, "tactic"),
            channel=_text(data, "channel"),
            week=_monday(dt.date.fromisoformat(_text(data, "week"))),
            author=_text(data, "author"),
            done=str(data.get("done") or ""),
            confidence=int(data["confidence"]),
            blocker=str(data["blocker"]) if data.get("blocker") else None,
            counts=dict(data.get("counts") or {}),
            saved_at=dt.datetime.fromisoformat(saved) if isinstance(saved, str) else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceError(path, f"a check-in file with a missing or bad field: {exc}") from None


def _monday(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week: a file naming the week by another of its days is
    the same week, so its counts update that week's instead of adding a second row."""
    return day - dt.timedelta(days=day.weekday())


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name!r} must be a non-empty text")
    return value


class Checkin(Source):
    name = NAME
    description = (
        "Weekly check-ins the app records (events held, letters sent, calls made per "
        "tactic and week), one JSON file each, as metric snapshots of the tactic"
    )

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".json" and FORMAT.encode() in head[:512]

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        record = read_record(path)
        for number, (metric, count) in enumerate(sorted(record.counts.items()), start=1):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                yield Rejected(number, metric, f"{metric} must be a whole number ≥ 0", str(count))
                continue
            values = {
                "key": natural_key(NAME, record.tactic, record.week, record.author, metric),
                "source": NAME,
                "channel": record.channel,
                "entity": record.tactic,
                "entity_kind": ENTITY_KIND,
                "metric": metric,
                "date": record.week,
                "value": float(count),
            }
            yield Row("metric_snapshots", values, line=number)
