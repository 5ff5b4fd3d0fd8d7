"""Channels, tactic modes, business functions and data sources, as the plan format names them."""

from typing import Final

CHANNELS: Final = (
    "linkedin", "x", "facebook", "instagram", "youtube", "tiktok", "pinterest", "mastodon",
    "blog", "community", "email", "website", "webinar", "event", "trade-show", "direct-mail",
    "paid-search", "other",
)  # fmt: skip

# Channels where an audience can talk back in public; pushing there without listening is
# what the seeds call "blasting content at the marketplace".
SOCIAL_CHANNELS: Final = frozenset(
    {"linkedin", "x", "facebook", "instagram", "youtube", "tiktok", "pinterest", "mastodon",
     "blog", "community"}
)  # fmt: skip

MODES: Final = (
    "publish",
    "listen",
    "respond",
    "advertise",
    "advocate",
    "outreach",
    "event",
    "other",
)
PUSH_MODES: Final = frozenset({"publish", "advertise"})
LISTENING_MODES: Final = frozenset({"listen", "respond"})

FUNCTIONS: Final = (
    "marketing", "sales", "service", "product", "talent", "employees", "executive", "other",
)  # fmt: skip

# Data sources a tactic can be measured from; the names are those of `outcomes ingest`.
SOURCES: Final = (
    "x-archive", "linkedin", "meta", "youtube", "mastodon", "hubspot", "salesforce", "ga4",
    "csv", "paths", "mastodon-archive", "meta-ads", "linkedin-ads", "mailchimp", "checkin",
)  # fmt: skip

# How people write each channel in prose, for spotting a medium named as a goal or strategy.
CHANNEL_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "linkedin": ("linkedin", "linked in"),
    "x": ("twitter", "tweet", "tweets", "x.com"),
    "facebook": ("facebook", "fb"),
    "instagram": ("instagram", "insta", "ig"),
    "youtube": ("youtube", "you tube"),
    "tiktok": ("tiktok", "tik tok"),
    "pinterest": ("pinterest",),
    "mastodon": ("mastodon", "fediverse"),
    "blog": ("blog", "blogging"),
    "social media": ("social media", "social network", "social networks", "social channels"),
}

# Other names people use for a channel, for "did you mean" hints: `twitter` → `x`.
CHANNEL_BY_ALIAS: Final[dict[str, str]] = {
    alias: channel
    for channel, aliases in CHANNEL_ALIASES.items()
    if channel in CHANNELS
    for alias in aliases
}
