"""Options and formats several commands share (each command module imports only these,
`cli.common` and the library's face)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from outcomes.briefing import BriefingOptions

PlanOption = Annotated[
    Path | None, typer.Option(help="The plan file (default: plan.yaml in the workspace).")
]
LookbackOption = Annotated[
    int,
    typer.Option(help="Touches count for a conversion up to this many days before it.", min=0),
]
NoLookbackOption = Annotated[
    bool,
    typer.Option("--no-lookback", help="No window: every touch since the previous conversion."),
]
TouchSourceOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Only touchpoints loaded from this source (repeat), e.g. ga4 when a CRM's "
        "original-source rows repeat the web's first touches."
    ),
]


class TextOrJson(StrEnum):
    """Output formats of the team commands (`user`, `checkin`, `alerts`): a table, or JSON."""

    TEXT = "text"
    JSON = "json"


TextOrJsonOption = Annotated[TextOrJson, typer.Option("--format", "-f")]


class AttributeFormat(StrEnum):
    """Output formats of `outcomes attribute`."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="The date to pace goals at (default: the last day with business data).",
    ),
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Measure again even if nothing changed since last time.")
]


MastodonInstance = Annotated[
    str, typer.Argument(help="The account's home server, e.g. https://mastodon.social.")
]
MastodonAccount = Annotated[str, typer.Argument(help="The account, e.g. northwind or @northwind.")]
TokenEnvOption = Annotated[
    str,
    typer.Option(help="Environment variable holding an access token with read:notifications."),
]
"""`outcomes fetch mastodon` and `outcomes alerts schedule-fetch` name an account alike."""


def briefing_options(
    as_of: dt.datetime | None,
    touch_source: list[str] | None,
    lookback_days: int,
    no_lookback: bool,
) -> BriefingOptions:
    """The measurement options the report, status and dashboard commands share."""
    from outcomes.briefing.build import BriefingOptions

    return BriefingOptions(
        as_of=as_of.date() if as_of else None,
        sources=tuple(touch_source) if touch_source else None,
        lookback_days=None if no_lookback else lookback_days,
    )
