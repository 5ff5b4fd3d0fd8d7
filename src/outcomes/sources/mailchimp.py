"""Mailchimp campaign reports (CSV): sends, deliveries, opens and clicks per campaign.

Mailchimp's Reports page exports one row per sent campaign with `Title` (the campaign
name), `Subject`, `List`, `Send Date`, `Total Recipients`, `Successful Deliveries`,
`Soft Bounces`, `Hard Bounces`, `Unique Opens`, `Open Rate`, `Total Opens`,
`Unique Clicks`, `Click Rate`, `Total Clicks`, `Unsubscribes`, `Abuse Complaints` and,
in some exports, `Unique Id` (the campaign id). `Title` and `Send Date` are needed; every
count is read when present.

* Each campaign becomes `metric_snapshots` on channel `email`, entity = its Title,
  `entity_kind` "campaign", dated by its send date: `sends` (Total Recipients),
  `deliveries` (Successful Deliveries), `opens` (Unique Opens), `opens_total`,
  `clicks` (Unique Clicks), `clicks_total`, `unsubscribes`, `hard_bounces`,
  `soft_bounces`, `abuse_complaints`. Rates are not stored: they follow from the counts.
* Name the campaign's Title in the email tactic's `measurement.match.utm_campaign` (its
  links usually carry the same utm_campaign), so that the visits and sales its links
  bring (GA4's sessions of that campaign) are the tactic's. The snapshots themselves are
  not a tactic's benchmarks: a `clicks` benchmark of an email tactic is measured from
  activities, which this export has none of (`outcomes check` says so).
* A blank count is no figure and writes nothing: a later export's blank leaves the stored
  figure, and the load says so.
* `Send Date` is written like "Mar 04, 2026 09:30 am", in the account's time zone, which
  the export does not name; only its date is used.
* Keys: the Unique Id when the export has one, else the Title and send date; so a later
  export, with the opens and clicks that came in since, updates the same rows. So that
  exports with and without `Unique Id` update the same rows too, a campaign takes the
  stored keys of its title and send day (`ReadOptions.stored`): an export with ids those
  an export without them stored, and one without ids those of the one campaign of that
  title and day stored with an id. A campaign without an id whose title and day match
  several stored campaigns is rejected: export it with `Unique Id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Final

from outcomes.sources.base import (
    Blank,
    Ignored,
    Parsed,
    ReadOptions,
    Rejected,
    Row,
    Source,
    StoredRecords,
    natural_key,
)
from outcomes.sources.campaigns import EMPTY, cell, counts, negative
from outcomes.sources.fields import CellError, cell_text, parse_datetime, parse_decimal
from outcomes.sources.tabular import (
    Columns,
    Record,
    file_labels,
    file_records,
    head_has,
)
from outcomes.sources.two_keys import TwoKeys

NAME: Final = "mailchimp"
COLUMNS: Final = Columns(
    {
        "title": ("Title", "Campaign Title", "Campaign Name"),
        "sent": ("Send Date", "Send Time", "Sent"),
        "id": ("Unique Id", "Campaign ID", "Campaign Id"),
        "recipients": ("Total Recipients", "Emails Sent"),
        "deliveries": ("Successful Deliveries",),
        "unique_opens": ("Unique Opens",),
        "total_opens": ("Total Opens",),
        "unique_clicks": ("Unique Clicks",),
        "total_clicks": ("Total Clicks",),
        "unsubscribes": ("Unsubscribes",),
        "hard_bounces": ("Hard Bounces",),
        "soft_bounces": ("Soft Bounces",),
        "abuse": ("Abuse Complaints",),
    }
)
_REQUIRED: Final = ("title", "sent")
_METRICS: Final = {
    "recipients": "sends",
    "deliveries": "deliveries",
    "unique_opens": "opens",
    "total_opens": "opens_total",
    "unique_clicks": "clicks",
    "total_clicks": "clicks_total",
    "unsubscribes": "unsubscribes",
    "hard_bounces": "hard_bounces",
    "soft_bounces": "soft_bounces",
    "abuse": "abuse_complaints",
}
_SENT_FORMATS: Final = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M:%S %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%b %d, %Y",
)


class Mailchimp(Source):
    """Mailchimp campaign reports → sends, opens and clicks per campaign as metric snapshots."""

    name = NAME
    description = "Mailchimp campaign reports: sends, deliveries, opens, clicks per campaign"
    documented_notation = True
    channel = "email"

    def detect(self, path: Path, head: bytes) -> bool:
        """A header with `Title`, `Send Date` and Mailchimp's `Unique Opens`."""
        return head_has(path, head, "Title", "Send Date", "Unique Opens")

    def read(self, path: Path, options: ReadOptions) -> Iterator[Parsed]:
        """Metric snapshots per sent campaign, or a rejection naming the cell at fault."""
        label = file_labels(path, COLUMNS, _REQUIRED, options.encoding)
        for record in file_records(
            path,
            COLUMNS,
            required=_REQUIRED,
            options=options,
            convention="mdy",
        ):
            rejection = record.rejection()
            if rejection is not None:
                yield rejection
                continue
            yield from _campaign(record, label, options.stored)


def _sent(raw: object) -> dt.datetime | None:
    # Mailchimp writes "am"/"pm" in lower case; strptime's %p reads either.
    return parse_datetime(raw, formats=_SENT_FORMATS)


def _campaign(
    record: Record, label: Callable[[str], str], stored: StoredRecords | None
) -> Iterator[Parsed]:
    title = cell_text(record.get("title"))
    if title is None:
        yield Rejected(record.line, label("title"), "no campaign Title", record.raw)
        return
    try:
        sent = cell(record, "sent", _sent, label)
        figures = counts(record, _METRICS, parse_decimal, label)
    except CellError as bad:
        yield Rejected(record.line, bad.column, bad.reason, record.raw)
        return
    if sent is None:
        reason = "no Send Date: a campaign not sent yet has nothing to count"
        yield Rejected(record.line, label("sent"), reason, record.raw)
        return
    below = negative(figures)
    if below is not None:
        column = label(next(c for c, m in _METRICS.items() if m == below))
        yield Rejected(record.line, column, f"{column} is negative", record.raw)
        return
    blanks = _blanks(record, title, sent.date(), figures, stored)
    if all(v is None for v in figures.values()):
        yield Ignored(record.line, EMPTY)
        yield from blanks
        return
    metrics = [metric for metric, value in figures.items() if value is not None]
    keys = _keys(cell_text(record.get("id")), title, sent.date(), metrics, stored)
    if isinstance(keys, str):
        yield Rejected(record.line, label("id"), keys, record.raw)
        return
    for metric, value in figures.items():
        if value is None:
            continue
        values = {
            "key": keys[metric],
            "source": NAME,
            "channel": "email",
            "entity": title,
            "entity_kind": "campaign",
            "metric": metric,
            "date": sent.date(),
            "value": float(value),
        }
        yield Row("metric_snapshots", values, record.line)
    yield from blanks


def _blanks(
    record: Record,
    title: str,
    day: dt.date,
    figures: Mapping[str, float | None],
    stored: StoredRecords | None,
) -> list[Blank]:
    """A `Blank` for each count whose cell is blank, in a load: a blank states nothing, so
    the stored figure stays, and the load says so."""
    metrics = [metric for metric, value in figures.items() if value is None]
    if stored is None or not metrics:
        return []
    keys = _keys(cell_text(record.get("id")), title, day, metrics, stored)
    if isinstance(keys, str):
        return []  # which stored campaign it is cannot be known: no stored figure to name
    return [Blank("metric_snapshots", keys[m], m, record.line) for m in metrics]


def _keys(
    campaign_id: str | None,
    title: str,
    day: dt.date,
    metrics: list[str],
    stored: StoredRecords | None,
) -> dict[str, str] | str:
    """Each metric's key (`outcomes.sources.two_keys`), or why the campaign cannot be told
    apart from the stored ones."""
    by_title = {m: natural_key(NAME, natural_key(title, day.isoformat()), m) for m in metrics}
    by_id = None if campaign_id is None else {m: natural_key(NAME, campaign_id, m) for m in metrics}
    found: dict[str, list[str]] = {}
    for snapshot in stored.snapshots_on(NAME, title, day) if stored is not None else ():
        found.setdefault(snapshot.metric, []).append(snapshot.key)
    keys = TwoKeys(by_id, by_title, found).resolved()
    if isinstance(keys, int):
        return (
            f"{keys} stored campaigns are titled '{title}' and sent on {day}: which one this "
            "row is cannot be known without its id; export it with Unique Id"
        )
    return keys
