"""CRM and analytics source labels, and the plan channel (or non-social class) each one means.

HubSpot's "Original Traffic Source", GA4's default channel groups and Salesforce's Lead
Source name where a contact or session came from in their own words: "Direct traffic",
"Organic Search", "Partner Referral". Stored as they are, they sit beside the plan's
channels ("Direct traffic" next to `direct`) and split one channel in two. This table turns
each into a plan channel (:data:`outcomes.catalog.channels.CHANNELS`) or into one of the
non-social classes of :data:`CLASSES`. A label that names a social network only through
another field (HubSpot's "Organic social", whose drill-down 1 is the network) maps to
:data:`SOCIAL`: the connector takes the network from that field.

`outcomes.toml` may add labels or change what one means (`[channels]`, see
:mod:`outcomes.workspace.config`). A label neither knows is stored as exported and listed by
`outcomes unplanned` with its count. This module is data: it knows no engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, NamedTuple

from outcomes.catalog.channels import CHANNELS

SOCIAL: Final = "social"
"""Not a channel: the label says "a social network", and another field names which."""

CLASSES: Final[Mapping[str, str]] = {
    "direct": "a visit with no referrer or campaign (typed address, bookmark, untagged link)",
    "organic-search": "unpaid search results",
    "referral": "a link on another site, a partner, word of mouth",
    "email": "email campaigns and newsletters (also a plan channel)",
    "paid-search": "search ads (also a plan channel)",
    "offline": "contacts created by hand, by import or by an integration",
    "other": "a known label that belongs to none of these (also a plan channel)",
}
"""Where traffic comes from when it is not a plan's social channel, and what each means."""


class Label(NamedTuple):
    """One exported label and what it means."""

    system: str
    label: str
    channel: str


LABELS: Final[tuple[Label, ...]] = (
    Label("HubSpot", "Organic social", SOCIAL),
    Label("HubSpot", "Paid social", SOCIAL),
    Label("HubSpot", "Social media", SOCIAL),
    Label("HubSpot", "Direct traffic", "direct"),
    Label("HubSpot", "Organic search", "organic-search"),
    Label("HubSpot", "Paid search", "paid-search"),
    Label("HubSpot", "Referrals", "referral"),
    Label("HubSpot", "AI referrals", "referral"),
    Label("HubSpot", "Email marketing", "email"),
    Label("HubSpot", "Offline sources", "offline"),
    Label("HubSpot", "Other campaigns", "other"),
    Label("GA4", "Organic Social", SOCIAL),
    Label("GA4", "Paid Social", SOCIAL),
    Label("GA4", "Direct", "direct"),
    Label("GA4", "Organic Search", "organic-search"),
    Label("GA4", "Paid Search", "paid-search"),
    Label("GA4", "Referral", "referral"),
    Label("GA4", "Affiliates", "referral"),
    Label("GA4", "Email", "email"),
    Label("GA4", "Display", "other"),
    Label("GA4", "Organic Video", "other"),
    Label("GA4", "Paid Video", "other"),
    Label("GA4", "Organic Shopping", "other"),
    Label("GA4", "Paid Shopping", "other"),
    Label("GA4", "Paid Other", "other"),
    Label("GA4", "Cross-network", "other"),
    Label("GA4", "Audio", "other"),
    Label("GA4", "SMS", "other"),
    Label("GA4", "Mobile Push Notifications", "other"),
    Label("GA4", "Unassigned", "other"),
    Label("Salesforce", "Web", "website"),
    Label("Salesforce", "Phone Inquiry", "other"),
    Label("Salesforce", "Partner Referral", "referral"),
    Label("Salesforce", "Employee Referral", "referral"),
    Label("Salesforce", "External Referral", "referral"),
    Label("Salesforce", "Word of mouth", "referral"),
    Label("Salesforce", "Purchased List", "other"),
    Label("Salesforce", "Cold Call", "other"),
    Label("Salesforce", "Advertisement", "other"),
    Label("Salesforce", "Trade Show", "trade-show"),
    Label("Salesforce", "Seminar - Internal", "event"),
    Label("Salesforce", "Seminar - Partner", "event"),
    Label("Salesforce", "Webinar", "webinar"),
    Label("Salesforce", "Other", "other"),
)

KNOWN: Final = frozenset(CHANNELS) | frozenset(CLASSES)
"""Every value a stored `channel` may have once its label is known."""


def label_key(text: str) -> str:
    """A label compared without case, spaces or punctuation ("Direct traffic" = DIRECT_TRAFFIC)."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_BY_KEY: Final[dict[str, str]] = {label_key(entry.label): entry.channel for entry in LABELS}


def label_channel(label: str | None, overrides: Mapping[str, str] | None = None) -> str | None:
    """The channel, class or :data:`SOCIAL` a label means; None for a label neither table knows.

    `overrides` (label → channel, from `outcomes.toml`) win over the built-in table.
    """
    if not label:
        return None
    key = label_key(label)
    if not key:
        return None
    for given, channel in (overrides or {}).items():
        if label_key(given) == key:
            return channel
    return _BY_KEY.get(key)


def is_known(channel: str | None) -> bool:
    """Whether a stored channel value is a plan channel or a documented class."""
    return channel is None or channel in KNOWN


def labels_markdown() -> str:
    """The table as Markdown, for the generated sources reference."""
    lines = [
        "## Channel labels",
        "",
        "Connectors store a CRM's or analytics tool's source label as the plan channel or",
        "class it means. `social` labels take the network from another field (HubSpot's",
        "drill-down 1); `[channels]` in `outcomes.toml` adds labels or changes one",
        '(`"Trade Show" = "event"`). A label neither knows is stored as exported and',
        "`outcomes unplanned` lists it with its count.",
        "",
        "| class | means |",
        "|---|---|",
        *(f"| `{name}` | {meaning} |" for name, meaning in CLASSES.items()),
        "",
        "| system | label | channel |",
        "|---|---|---|",
        *(f"| {e.system} | {e.label} | `{e.channel}` |" for e in LABELS),
    ]
    return "\n".join(lines) + "\n"
