"""The table contract: the fact tables connectors write rows for, declared once.

Connectors (`outcomes.sources`) produce rows for these tables, the loader
(`outcomes.warehouse.load`) turns them into Arrow batches with these types, and the
warehouse creates the tables from the same declarations, so the three cannot drift. This
module imports nothing else from `outcomes`, so that connectors and the warehouse can both
depend on it without depending on each other.

Every fact table has a `key` column: the row's natural key, built by the connector from
what identifies the row in its source, so that loading a file twice adds nothing. The
warehouse's own bookkeeping tables (`ingests`, `rejected`) and its SQL are in
`outcomes.warehouse.schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    import pyarrow as pa


ColumnType = Literal["text", "int", "float", "timestamp", "date", "bool"]


def _arrow(column_type: ColumnType) -> pa.DataType:
    import pyarrow as pa

    return {
        "text": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
        "bool": pa.bool_(),
    }[column_type]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name, type, whether every row must have it, and what it means."""

    name: str
    type: ColumnType
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A warehouse table. `columns` excludes `ingest_id`, which the loader adds to fact rows."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    fact: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(c.name for c in self.columns)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema connectors' rows are converted to."""
        import pyarrow as pa

        return pa.schema(
            [pa.field(c.name, _arrow(c.type), nullable=not c.required) for c in self.columns]
        )


def _key() -> Column:
    return Column(
        "key", "text", True, "natural key from the source; loading a row twice adds nothing"
    )


def _source() -> Column:
    return Column("source", "text", True, "connector name, as in `measurement.sources`")


def _breakdown() -> Column:
    return Column(
        "breakdown",
        "text",
        doc="an ad report's grain: the columns its rows are broken down by beyond campaign "
        "and day (`Ad set name, Ad name`, `Platform`, `Creative ID`), empty for one row per "
        "campaign and day; null from other sources",
    )


ACTIVITY_KINDS: Final = ("post", "reply", "repost", "message", "mention", "comment", "message_in")
"""`post`, `reply`, `repost`, `message` are ours; `mention`, `comment`, `message_in` come in."""

OWN_KINDS: Final = frozenset({"post", "reply", "repost", "message"})
INBOUND_KINDS: Final = frozenset({"mention", "comment", "message_in"})

CONVERSION_TYPES: Final = (
    "lead", "qualified_lead", "demo_request", "meeting", "opportunity", "new_customer",
    "order", "deal_won", "deal_lost", "hire", "ticket_deflected",
)  # fmt: skip

COST_KINDS: Final = ("budget", "ads", "tool", "people", "other")

ENTITY_KINDS: Final = (
    "account", "page", "post", "video", "campaign", "ad", "team", "organisation",
)  # fmt: skip
"""What a metric snapshot belongs to: a network's account or page, one piece of content, a
campaign or ad, a team (a help desk's group) or the whole organisation (a finance figure)."""

ACTIVITIES = Table(
    "activities",
    "Our posts, replies and messages, and inbound mentions, comments and messages.",
    (
        _key(),
        _source(),
        Column("channel", "text", True, "plan channel: linkedin, x, facebook, …"),
        Column("account", "text", doc="the page or handle the activity belongs to"),
        Column("native_id", "text", doc="the id the network gives it"),
        Column("kind", "text", True, "one of " + ", ".join(ACTIVITY_KINDS)),
        Column("author", "text", doc="who wrote it: a handle, or a name as the export gives it"),
        Column("in_reply_to", "text", doc="native id of what it answers"),
        Column("ts", "timestamp", True, "when it was published or received (UTC)"),
        Column("text", "text"),
        Column("url", "text"),
        Column("campaign", "text", doc="campaign name or utm_campaign the export gives"),
        Column("impressions", "int"),
        Column("reach", "int"),
        Column("views", "int"),
        Column("reactions", "int", doc="likes and other reactions"),
        Column("comments", "int"),
        Column("shares", "int", doc="shares, reposts, retweets, reblogs"),
        Column("clicks", "int"),
        Column("saves", "int"),
    ),
)

METRIC_SNAPSHOTS = Table(
    "metric_snapshots",
    "Metrics that belong to a page, account or piece of content on a date (long format).",
    (
        _key(),
        _source(),
        Column("channel", "text", True),
        Column("entity", "text", True, "page, account, post or video id"),
        Column("entity_kind", "text", True, "one of " + ", ".join(ENTITY_KINDS)),
        Column("metric", "text", True, "metric id, e.g. followers, impressions, watch_hours"),
        Column("date", "date", True),
        Column("value", "float", True),
        _breakdown(),
    ),
)

TOUCHPOINTS = Table(
    "touchpoints",
    "A person's contact with a channel on their journey (sessions, clicks, form fills).",
    (
        _key(),
        _source(),
        Column("journey_id", "text", True, "the person or device the journey belongs to"),
        Column("customer_id", "text", doc="CRM id, once known"),
        Column("ts", "timestamp", True),
        Column("channel", "text", doc="plan channel when known, else the raw source"),
        Column("event", "text", doc="page_view, session_start, form_submit, …"),
        Column("utm_source", "text"),
        Column("utm_medium", "text"),
        Column("utm_campaign", "text"),
        Column("utm_content", "text"),
        Column("utm_term", "text"),
    ),
)

CONVERSIONS = Table(
    "conversions",
    "Business outcomes: new customers, orders, deals won, hires, tickets deflected, leads.",
    (
        _key(),
        _source(),
        Column("customer_id", "text"),
        Column("journey_id", "text"),
        Column("ts", "timestamp", True),
        Column("type", "text", True, "one of " + ", ".join(CONVERSION_TYPES)),
        Column("value", "float", doc="money, in `currency`"),
        Column("currency", "text"),
        Column("stage", "text", doc="the CRM stage as exported"),
        Column("owner", "text", doc="the CRM owner (sales rep)"),
        Column("campaign", "text", doc="campaign, lead source or utm_campaign"),
        Column("channel", "text", doc="original source mapped to a plan channel, when known"),
        Column(
            "pipeline", "text", doc="the CRM pipeline (HubSpot deals' Pipeline), for goal scopes"
        ),
        Column(
            "segment", "text", doc="the CRM segment (B2B, B2C, a customer tier), for goal scopes"
        ),
        Column("product", "text", doc="the product or product line sold, for goal scopes"),
    ),
)

COSTS = Table(
    "costs",
    "Money spent on a tactic on a date, and time worked on it (timesheet lines).",
    (
        _key(),
        _source(),
        Column("tactic", "text", True),
        Column("date", "date", True),
        Column("amount", "float", True),
        Column(
            "currency",
            "text",
            doc="the amount's currency, an ISO code (`USD`) as the source states it (an ad "
            "report's spend header or Currency column, stored in upper case; a mapped CSV "
            "column); null when it states none, taken as the plan's currency. Lines in "
            "another currency than the plan's (compared without case) are left out of every "
            "sum and reported, never converted",
        ),
        Column("kind", "text", True, "one of " + ", ".join(COST_KINDS)),
        Column("note", "text"),
        Column("hours", "float", doc="hours worked, on a timesheet line (kind `people`)"),
        Column("person", "text", doc="who worked them: a plan person's id or name"),
        _breakdown(),
    ),
)

JOURNEY_PATHS = Table(
    "journey_paths",
    "Aggregated journeys: `a > b > c` with conversions, value and non-converting count.",
    (
        _key(),
        _source(),
        Column("path", "text", True),
        Column("conversions", "float", True),
        Column("value", "float", True),
        Column("nulls", "float", True),
    ),
)


CLOSED_COLUMNS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("activities", "kind"): ACTIVITY_KINDS,
    ("metric_snapshots", "entity_kind"): ENTITY_KINDS,
    ("conversions", "type"): CONVERSION_TYPES,
    ("costs", "kind"): COST_KINDS,
}
"""(table, column) → the only values the column takes: the warehouse's vocabulary."""

FACT_TABLES: Final = (ACTIVITIES, METRIC_SNAPSHOTS, TOUCHPOINTS, CONVERSIONS, COSTS, JOURNEY_PATHS)

TableName = Literal[
    "activities", "metric_snapshots", "touchpoints", "conversions", "costs", "journey_paths"
]

PATH_SEPARATOR: Final = ">"
"""Between the steps of a `journey_paths.path`, written with a space either side: `a > b`."""


def normalise_path(text: str) -> str:
    """`a>b > c` → `a > b > c`; raises ValueError for an empty path or step."""
    steps = [step.strip() for step in text.split(PATH_SEPARATOR)]
    if not text.strip():
        raise ValueError("the path is empty")
    if any(not step for step in steps):
        raise ValueError(
            f"the path {text!r} has an empty step (two '>' in a row, or one at an end)"
        )
    return f" {PATH_SEPARATOR} ".join(steps)
